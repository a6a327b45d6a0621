import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A free TCP port on loopback (asked of the OS, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** One key per role, written as an API_KEYS_FILE (hashes only) that every process shares. */
export function writeKeys(dir: string): { file: string; keys: Record<'admin' | 'ingest' | 'viewer' | 'analyst', string> } {
  const keys = { admin: '', ingest: '', viewer: '', analyst: '' };
  const entries = (Object.keys(keys) as (keyof typeof keys)[]).map((role) => {
    keys[role] = `ib_${role}_${randomBytes(18).toString('base64url')}`;
    return { id: `test-${role}`, role, sha256: createHash('sha256').update(keys[role]).digest('hex') };
  });
  const file = path.join(dir, 'api-keys.json');
  writeFileSync(file, JSON.stringify({ keys: entries }));
  return { file, keys };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts `brain start` (by default without sample data) as its own OS process, configured by environment alone. */
export function startService(name: string, env: Record<string, string>, args: readonly string[] = ['start', '--no-seed', '--no-trickle']): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services/cli/main.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', LOG_JSON: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return {
    name,
    child,
    output: () => out,
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill(signal);
      }),
  };
}

/** Polls `url` until it answers 2xx, or fails with the process's output. */
export async function waitReady(service: ServiceProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`${service.name} exited with ${service.child.exitCode}:\n${service.output()}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${service.name} not ready at ${url} after ${timeoutMs} ms:\n${service.output()}`);
}

export async function getJson<T>(url: string, key: string): Promise<T> {
  const get = () => fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(30_000) });
  // A pooled keep-alive socket the server closed while the test waited (a long CLI run on a busy
  // machine) fails before the request reaches the server; a GET is then sent again on a new
  // socket, as browsers do. Any other failure (refused, timeout, an HTTP error) is not retried.
  const res = await get().catch((err: unknown) => {
    if (isStaleSocket(err)) return get();
    throw err;
  });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function isStaleSocket(err: unknown): boolean {
  const cause = err instanceof TypeError ? (err.cause as { code?: string } | undefined) : undefined;
  return cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'EPIPE';
}

/** Sends records as one NDJSON stream to an ingest service; returns its report. */
export async function postNdjson(baseUrl: string, key: string, records: readonly unknown[]): Promise<{ accepted: number; rejected: number; duplicates: number; position: number }> {
  const res = await fetch(`${baseUrl}/api/v1/ingest/records`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
    body: records.map((r) => JSON.stringify(r)).join('\n'),
  });
  if (!res.ok) throw new Error(`ingest: ${res.status} ${await res.text()}`);
  return (await res.json()) as { accepted: number; rejected: number; duplicates: number; position: number };
}
