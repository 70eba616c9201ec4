/**
 * Redis connection URLs, as `flash-gym bench --queue` and `flash-gym worker --queue` take them:
 * `redis://[[user]:password@]host[:port][/db]` or `rediss://…` for TLS. Parsed here once, with errors
 * that name what was wrong, and turned into ioredis connection options for BullMQ. Passwords never
 * appear in messages: use {@link describeRedisUrl} to print a URL.
 */
import type { RedisOptions } from 'ioredis';

/** A parsed Redis URL. */
export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  /** `rediss://`: connect over TLS, verifying the server's certificate. */
  readonly tls: boolean;
}

/** A Redis URL that cannot be used, with the reason. */
export class RedisUrlError extends Error {
  override readonly name = 'RedisUrlError';
}

const DEFAULT_PORT = 6379;

/** Parses and validates a `redis://` or `rediss://` URL. */
export function parseRedisUrl(url: string): RedisTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError(`not a Redis URL: ${JSON.stringify(redactPassword(url))}; expected redis://[:password@]host[:port][/db] or rediss://…`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RedisUrlError(`unsupported scheme ${JSON.stringify(parsed.protocol)} in ${describeRedisUrl(url)}; allowed: redis:// (plain) or rediss:// (TLS)`);
  }
  if (parsed.hostname === '') throw new RedisUrlError(`no host in ${describeRedisUrl(url)}; expected redis://host[:port][/db]`);
  if (parsed.search !== '' || parsed.hash !== '') throw new RedisUrlError(`query strings and fragments are not supported in ${describeRedisUrl(url)}`);
  const port = parsed.port === '' ? DEFAULT_PORT : Number(parsed.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RedisUrlError(`port must be in [1, 65535] in ${describeRedisUrl(url)}`);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d*$/.test(dbText) || !Number.isInteger(db) || db < 0 || db > 15) {
    throw new RedisUrlError(`database must be an integer in [0, 15] in ${describeRedisUrl(url)}, got ${JSON.stringify(dbText)}`);
  }
  // URL keeps the brackets of an IPv6 literal; sockets want the bare address.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const username = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
  const password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  return { host, port, db, tls: parsed.protocol === 'rediss:', ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function describeRedisUrl(url: string): string {
  return redactPassword(url);
}

function redactPassword(url: string): string {
  // Any scheme: a mistyped one (http://:secret@host) is echoed in the error that rejects it.
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

/**
 * ioredis options for a target, as BullMQ needs them: `maxRetriesPerRequest: null` (BullMQ's workers
 * block on Redis and must not give up mid-command), and TLS for `rediss://`: Node's defaults, so the
 * server's certificate must be valid for the host and signed by a trusted CA (a private CA is trusted by
 * starting node with `NODE_EXTRA_CA_CERTS=ca.pem`).
 */
export function redisConnectionOptions(target: RedisTarget, extra: Partial<RedisOptions> = {}): RedisOptions {
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    // tls.connect checks the certificate against `host` (and sends it as SNI unless it is an IP address).
    ...(target.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    ...extra,
  };
}
