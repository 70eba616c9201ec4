import test from 'ava';
import { Redis } from 'ioredis';
import { describeRedisUrl, parseRedisUrl, redisConnectionOptions, RedisUrlError } from '../queue/redis-url.js';
import { startTestRedis } from './helpers/redis-server.js';

test('parses host, port, db, password and TLS', (t) => {
  t.deepEqual(parseRedisUrl('redis://127.0.0.1'), { host: '127.0.0.1', port: 6379, db: 0, tls: false });
  t.deepEqual(parseRedisUrl('redis://:s%40cret@queue.local:6380/3'), { host: 'queue.local', port: 6380, db: 3, tls: false, password: 's@cret' });
  t.deepEqual(parseRedisUrl('rediss://alice:pw@[::1]:7000/1'), { host: '::1', port: 7000, db: 1, tls: true, username: 'alice', password: 'pw' });
  t.deepEqual(redisConnectionOptions(parseRedisUrl('rediss://h/2')).tls, {});
  t.is(redisConnectionOptions(parseRedisUrl('redis://h/2')).tls, undefined);
  t.is(redisConnectionOptions(parseRedisUrl('redis://h')).maxRetriesPerRequest, null);
});

test('rejects bad URLs with the reason, never echoing the password', (t) => {
  t.throws(() => parseRedisUrl('http://h'), { instanceOf: RedisUrlError, message: /unsupported scheme "http:".*redis:\/\//s });
  t.throws(() => parseRedisUrl('localhost:6379'), { instanceOf: RedisUrlError });
  t.throws(() => parseRedisUrl('redis://h/16'), { message: /database must be an integer in \[0, 15\]/ });
  t.throws(() => parseRedisUrl('redis://h/x'), { message: /database/ });
  const error = t.throws(() => parseRedisUrl('redis://:topsecret@h/99'));
  t.false(error?.message.includes('topsecret'));
  t.is(describeRedisUrl('redis://:topsecret@h:1/0'), 'redis://:***@h:1/0');
  t.is(describeRedisUrl('redis://h:1/0'), 'redis://h:1/0');
});

test('connects to a password-protected loopback Redis only with the password', async (t) => {
  const server = await startTestRedis({ password: 'p@ss word' });
  t.teardown(() => server.dispose());
  const client = new Redis(redisConnectionOptions(parseRedisUrl(server.url)));
  t.is(await client.ping(), 'PONG');
  await client.quit();
  const anonymous = new Redis({ ...redisConnectionOptions(parseRedisUrl(`redis://127.0.0.1:${server.port}/0`)), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  anonymous.on('error', () => {}); // the refused AUTH is asserted below; ioredis would also log it
  await t.throwsAsync(anonymous.ping(), { message: /NOAUTH/ });
  anonymous.disconnect();
});

test('the loopback Redis of .ci/run (FLASH_GYM_TEST_REDIS_URL), or a private one, serves BullMQ-style connections', async (t) => {
  // CI exports the URL of the redis-server it started; elsewhere a private one stands in for it.
  const shared = process.env.FLASH_GYM_TEST_REDIS_URL;
  const server = shared === undefined ? await startTestRedis() : undefined;
  if (server !== undefined) t.teardown(() => server.dispose());
  const target = parseRedisUrl(shared ?? server!.url);
  t.is(target.host, '127.0.0.1');
  const client = new Redis(redisConnectionOptions(target));
  const key = `flash-gym-test:${process.pid}:${Date.now()}`;
  await client.set(key, 'ok', 'EX', 60);
  t.is(await client.get(key), 'ok');
  await client.del(key);
  await client.quit();
});
