import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { InfrastructureError, ValidationError } from '../../contracts/errors.ts';
import { retryDelay, withRetry, type RetryPolicy } from '../../contracts/retry.ts';
import { createOlapClient } from '../../services/olap/client.ts';
import { freePort } from '../distributed/processes.ts';

/** A server that answers every request as ClickHouse does when it refuses a query with `name`. */
async function refusingServer(code: number, name: string): Promise<string> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(code === 0 ? 200 : 500, { 'X-ClickHouse-Exception-Code': String(code), 'content-type': 'text/plain' });
      res.end(code === 0 ? '' : `Code: ${code}. DB::Exception: refused for the test. (${name}) (version 25.8.1.1 (official build))\n`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function failureOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('the OLAP adapter classifies what a retry may fix', () => {
  it('marks a refused connection retriable', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const err = await failureOf(createOlapClient({ kind: 'clickhouse', url, user: 'x', password: 'y', database: 'brain' }));
    expect(err).toBeInstanceOf(InfrastructureError);
    expect((err as InfrastructureError).retriable).toBe(true);
  });

  it.each([
    [202, 'TOO_MANY_SIMULTANEOUS_QUERIES', true],
    [241, 'MEMORY_LIMIT_EXCEEDED', true],
    [252, 'TOO_MANY_PARTS', true],
    [210, 'NETWORK_ERROR', true],
    [999, 'KEEPER_EXCEPTION', true],
    [1001, 'STD_EXCEPTION', false],
  ])('answers %i %s as retriable=%s', async (code, name, retriable) => {
    const url = await refusingServer(code, name);
    const err = await failureOf(createOlapClient({ kind: 'clickhouse', url, user: 'x', password: 'y', database: 'brain' }));
    expect(err).toBeInstanceOf(InfrastructureError);
    expect((err as InfrastructureError).retriable).toBe(retriable);
  });

  it.each([
    [62, 'SYNTAX_ERROR'],
    [60, 'UNKNOWN_TABLE'],
    [516, 'AUTHENTICATION_FAILED'],
  ])('answers %i %s as a query error, never retried', async (code, name) => {
    const url = await refusingServer(code, name);
    const err = await failureOf(createOlapClient({ kind: 'clickhouse', url, user: 'x', password: 'y', database: 'brain' }));
    expect(err).toBeInstanceOf(ValidationError);
  });
});

describe('the retry module', () => {
  const policy: RetryPolicy = { initialDelayMs: 100, multiplier: 2, maxDelayMs: 1000, maxRetries: 3, jitter: 0.2 };

  it('grows delays by the multiplier up to the cap, within the jitter band', () => {
    for (const [attempt, nominal] of [
      [0, 100],
      [1, 200],
      [3, 800],
      [4, 1000],
      [10, 1000],
    ] as const) {
      expect(retryDelay(policy, attempt, () => 0)).toBe(nominal * 0.8);
      expect(retryDelay(policy, attempt, () => 1)).toBe(nominal * 1.2);
    }
  });

  it('retries a retriable failure until it succeeds, and gives up after maxRetries', async () => {
    const fast = { ...policy, initialDelayMs: 1, maxDelayMs: 2 };
    let calls = 0;
    const ok = await withRetry(async () => {
      if (++calls < 3) throw new InfrastructureError('down', { retriable: true });
      return 'up';
    }, { policy: fast });
    expect([ok, calls]).toEqual(['up', 3]);
    calls = 0;
    await expect(withRetry(async () => { calls++; throw new InfrastructureError('down', { retriable: true }); }, { policy: fast })).rejects.toThrow('down');
    expect(calls).toBe(4);
  });

  it('never retries what the adapter marked permanent, and stops waiting when its signal aborts', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw new ValidationError('bad sql'); }, { policy })).rejects.toThrow('bad sql');
    expect(calls).toBe(1);
    const stop = new AbortController();
    const forever = withRetry(async () => { throw new InfrastructureError('down', { retriable: true }); }, {
      policy: { ...policy, maxRetries: Infinity, initialDelayMs: 60_000, maxDelayMs: 60_000 },
      signal: stop.signal,
      onRetry: () => stop.abort(),
    });
    await expect(forever).rejects.toThrow('down');
  });
});
