import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Everything the process wrote, stdout and stderr interleaved. */
  output(): string;
  /** What the process wrote to stderr alone (crash reports, stack traces, Node's own errors). */
  stderr(): string;
  /** Resolves once the process has exited and its output is drained (at once if it already has). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
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

/**
 * What a test of the all-in-one platform as a child process needs: a data folder, two free ports,
 * the environment naming them, the API's base URL and the development keys the platform writes.
 */
export async function platformSetup(data: string): Promise<{ port: number; olapPort: number; env: Record<string, string>; base: string; keys(): Record<string, string> }> {
  const [port, olapPort] = [await freePort(), await freePort()];
  return {
    port,
    olapPort,
    env: { DATA_DIR: data, PORT: String(port), OLAP_PORT: String(olapPort), TRICKLE: 'false' },
    base: `http://127.0.0.1:${port}`,
    keys: () => JSON.parse(readFileSync(path.join(data, 'dev-keys.json'), 'utf8')) as Record<string, string>,
  };
}

/** Starts `brain start` (by default without sample data) as its own OS process, configured by environment alone. */
export function startService(name: string, env: Record<string, string>, args: readonly string[] = ['start', '--no-seed', '--no-trickle']): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services/cli/main.ts'), ...args], {
    cwd: root,
    // The early-warning monitor and the report scheduler append events of their own; these tests count
    // the store's events exactly, so both are off unless a test turns them on (test/platform/start.test.ts does).
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', LOG_JSON: '1', WARNINGS: 'false', REPORTS: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
    err += d.toString();
  });
  // 'close' comes after 'exit' once stdout and stderr are drained: the output is then complete.
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return {
    name,
    child,
    output: () => out,
    stderr: () => err,
    exited: () => closed,
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

/** How a process ended, for an error message: its exit code or the signal that ended it. */
function endOf(service: ServiceProcess): string | null {
  const { exitCode, signalCode } = service.child;
  if (signalCode !== null) return `was killed by ${signalCode}`;
  if (exitCode !== null) return `exited with code ${exitCode}`;
  return null;
}

const tail = (text: string, chars = 4000) => (text.length > chars ? `…${text.slice(-chars)}` : text);

/**
 * Polls `url` until it answers 2xx. Fails at once, with the child's stderr, when the child exits
 * (by a code or a signal) before it is ready, rather than polling a dead port until the timeout.
 */
export async function waitReady(service: ServiceProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  const exit = service.exited().then(() => {
    exited = true;
  });
  const died = async (): Promise<never> => {
    await exit;
    throw new Error(`${service.name} ${endOf(service) ?? 'exited'} before it was ready at ${url}; stderr:\n${tail(service.stderr()) || '(empty)'}\nstdout and stderr:\n${tail(service.output())}`);
  };
  while (Date.now() < deadline) {
    if (exited || endOf(service) !== null) return died();
    const ok = await Promise.race([fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false), exit.then(() => false)]);
    if (ok) return;
    if (exited) return died();
    await Promise.race([new Promise((r) => setTimeout(r, 200)), exit]);
  }
  throw new Error(`${service.name} not ready at ${url} after ${timeoutMs} ms; stderr:\n${tail(service.stderr()) || '(empty)'}\nstdout and stderr:\n${tail(service.output())}`);
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
