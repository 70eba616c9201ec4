// rediss://: a redis-server that only speaks TLS, with a certificate from a private CA. A `flash-gym worker`
// trusts it through Node's standard NODE_EXTRA_CA_CERTS and serves; without the CA it refuses to connect.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './helpers/paths.js';
import { freePort, redisServerBinary, waitForPort } from './helpers/redis-server.js';

const CLI = join(projectRoot(), 'dist', 'bin', 'flash-gym.js');

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed (the TLS test needs the openssl command): ${r.stderr}`);
}


/** Runs `flash-gym worker` until it says it serves or exits; returns what it wrote and whether it served. */
async function tryWorker(url: string, env: NodeJS.ProcessEnv): Promise<{ served: boolean; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'worker', '--queue', url, '--connect-timeout', '5', '--concurrency', '1'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let served = false;
  return new Promise((resolve) => {
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!served && stderr.includes('serving')) {
        served = true;
        child.kill('SIGTERM');
      }
    });
    child.once('exit', () => resolve({ served, stderr }));
  });
}

test('a worker connects over rediss:// when it trusts the server certificate, and refuses otherwise', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // The server certificate must name 127.0.0.1 as an IP SAN for Node's host check.
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=flash-gym test CA'], dir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'san.ext'], dir);
  const port = await freePort();
  const server = spawn(redisServerBinary(), ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', join(dir, 'server.pem'), '--tls-key-file', join(dir, 'server.key'), '--tls-ca-cert-file', join(dir, 'ca.pem'), '--tls-auth-clients', 'no', '--requirepass', 'tls secret', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  t.teardown(() => { server.kill('SIGTERM'); });
  await waitForPort(port, 10_000);
  const url = `rediss://:tls%20secret@127.0.0.1:${port}/0`;
  const trusted = await tryWorker(url, { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') });
  t.true(trusted.served, trusted.stderr);
  const untrusted = await tryWorker(url, { ...process.env, NODE_EXTRA_CA_CERTS: '' });
  t.false(untrusted.served);
  t.regex(untrusted.stderr, /cannot use Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: .*certificate/);
  t.regex(untrusted.stderr, /127\.0\.0\.1/);
  t.false(untrusted.stderr.includes('tls secret'));
  // A plain redis:// client cannot talk to the TLS port.
  const plain = await tryWorker(`redis://:tls%20secret@127.0.0.1:${port}/0`, process.env);
  t.false(plain.served);
});
