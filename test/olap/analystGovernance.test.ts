import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from 'chdb';
import { workerChdbPath } from '../support/olap.ts';
import { startOlapHttp, type RunningOlapHttp } from './harness.ts';

/**
 * Issue 7, items 4 and 9: analysts cannot starve each other or the platform. Per-query limits
 * (time, memory, rows read, result size), several analyst queries at once with a per-user cap
 * answered by 429, a query cancelled when its client goes away, and no analyst sees another
 * user's queries.
 */

let h: RunningOlapHttp;
const HEAVY = 'SELECT count() FROM numbers(100000000000) WHERE number % 7 = 3';

interface Answer {
  status: number;
  code: string | undefined;
  text: string;
}

/** One POST; `onRequest` gets the request so a test can drop the connection. */
function post(user: string, key: string, sql: string, onRequest?: (req: http.ClientRequest) => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(h.url, { method: 'POST', auth: `${user}:${key}`, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: res.headers['x-clickhouse-exception-code'] as string | undefined, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    onRequest?.(req);
    req.end(sql);
  });
}

const asAnalyst = (sql: string) => post('analyst', h.analystKey, sql);
/** The same SQL user with its second key: another analyst. */
const asSecondAnalyst = (sql: string) => post('analyst', h.secondAnalystKey, sql);

/**
 * How many copies of the heavy query the engine is running, seen from inside the process (a chDB
 * session on the gateway's data path): no SQL user may read system.processes.
 */
async function heavyRunning(): Promise<number> {
  const session = new Session(workerChdbPath);
  try {
    const r = await session.queryAsync("SELECT count() FROM system.processes WHERE query LIKE '%numbers(100000000000)%' AND query NOT LIKE '%system.processes%'", { format: 'TSV' });
    return Number(r.text().trim());
  } finally {
    session.close();
  }
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`still not true after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  h = await startOlapHttp({
    analyst: { maxExecutionSeconds: 300, maxRowsToRead: 0, maxBytesToRead: 0, maxMemoryBytes: 64 * 1024 * 1024, maxResultRows: 1000, maxResultBytes: 100_000, concurrentQueries: 3, concurrentQueriesPerUser: 1 },
  });
});

afterAll(async () => {
  await h?.server.close();
});

describe('when one analyst runs a heavy query', () => {
  it("another analyst's SELECT 1 answers while it runs, the same analyst gets 429, and dropping the connection cancels it", async () => {
    let heavyReq: http.ClientRequest | undefined;
    const heavy = post('analyst', h.analystKey, HEAVY, (req) => (heavyReq = req)).catch((err: Error) => ({ status: -1, code: undefined, text: err.message }));
    await until('the heavy query runs in the engine', async () => (await heavyRunning()) === 1);

    const other = await asSecondAnalyst('SELECT 1');
    expect(other).toMatchObject({ status: 200, text: '1\n' });
    expect(await heavyRunning(), 'the heavy query is still running after the other answered').toBe(1);

    const same = await asAnalyst('SELECT 1');
    expect(same.status).toBe(429);
    expect(same.code).toBe('202');
    expect(same.text).toMatch(/^Code: 202\. DB::Exception: Too many simultaneous queries for user analyst\. Maximum: 1.*\(TOO_MANY_SIMULTANEOUS_QUERIES\)/);

    heavyReq!.destroy();
    expect((await heavy).status).toBe(-1);
    await until('the heavy query is gone from system.processes', async () => (await heavyRunning()) === 0);
    // The analyst's slot is free again.
    expect(await asAnalyst('SELECT 2')).toMatchObject({ status: 200, text: '2\n' });
  });
});

describe('when an analyst query goes over a limit', () => {
  it('stops at the memory cap with MEMORY_LIMIT_EXCEEDED (241)', async () => {
    const r = await asAnalyst('SELECT length(groupArray(number)) FROM numbers(100000000)');
    expect(r.code).toBe('241');
    expect(r.text).toMatch(/memory limit exceeded[\s\S]*\(MEMORY_LIMIT_EXCEEDED\)/i);
  });

  it('stops at the result cap with TOO_MANY_ROWS_OR_BYTES (396)', async () => {
    const r = await asAnalyst('SELECT number FROM numbers(5000)');
    expect(r.code).toBe('396');
    expect(r.text).toContain('Limit for result exceeded');
  });

  it('stops at the result size cap with TOO_MANY_ROWS_OR_BYTES (396), which the gateway checks itself', async () => {
    const r = await asAnalyst("SELECT repeat('x', 1000) FROM numbers(500)");
    expect(r.code).toBe('396');
    expect(r.text).toContain('max bytes: 100000');
    expect(r.text).not.toContain('xxxxxxxxxx');
  });

  it('runs with the configured limits as its engine settings', async () => {
    const r = await asAnalyst("SELECT getSetting('max_memory_usage'), getSetting('max_result_rows'), getSetting('max_execution_time')");
    expect(r.text).toBe(`${64 * 1024 * 1024}\t1000\t300\n`);
  });
});

describe('when an analyst looks for other users\' queries', () => {
  it('is refused system.processes, the query log, SHOW PROCESSLIST and merge() over system, with ACCESS_DENIED or READONLY', async () => {
    for (const sql of [
      'SELECT user, query FROM system.processes',
      'SELECT query FROM `system`.`processes`',
      'SELECT query FROM system.query_log',
      'SHOW PROCESSLIST',
      "SELECT * FROM merge('system', '^proc')",
      'SELECT * FROM (SELECT query FROM system.processes)',
    ]) {
      const r = await asAnalyst(sql);
      expect(r.status, sql).toBe(403);
      expect(['497', '164'], `${sql}: ${r.text}`).toContain(r.code);
    }
  });

  it('still reads the system tables clients read on connect', async () => {
    expect((await asAnalyst("SELECT value FROM system.settings WHERE name = 'readonly'")).text).toBe('1\n');
    expect((await asAnalyst('SELECT count() > 0 FROM system.databases')).text).toBe('1\n');
  });

  it('refuses them to admin too: no SQL user sees another user\'s queries', async () => {
    for (const sql of ['SELECT user, query FROM system.processes', 'SELECT query FROM system.query_log', 'SHOW PROCESSLIST', "SELECT * FROM merge('system', '^processes$')"]) {
      const r = await post('admin', h.adminKey, sql);
      expect(r.status, sql).toBe(403);
      expect(r.code, sql).toMatch(/^(497|164|62)$/);
    }
  });
});

describe('when the rows an analyst query would read are capped', () => {
  let capped: RunningOlapHttp;
  beforeAll(async () => {
    capped = await startOlapHttp({ analyst: { maxRowsToRead: 1_000_000 } });
  });
  afterAll(async () => {
    await capped?.server.close();
  });

  it('stops with TOO_MANY_ROWS (158)', async () => {
    const res = await fetch(capped.url, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`analyst:${capped.analystKey}`).toString('base64')}` },
      body: 'SELECT count() FROM numbers(10000000)',
    });
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('158');
    expect(await res.text()).toContain("max_rows_to_read");
  });
});

describe('when every analyst slot is taken', () => {
  let full: RunningOlapHttp;
  const keys = [1, 2, 3].map((i) => `ana-${i}-${randomUUID()}`);
  beforeAll(async () => {
    full = await startOlapHttp({
      users: [{ name: 'analyst', readonly: true, passwordSha256: keys.map((k) => createHash('sha256').update(k).digest('hex')) }],
      analyst: { maxRowsToRead: 0, maxBytesToRead: 0, concurrentQueries: 2, concurrentQueriesPerUser: 1 },
    });
  });
  afterAll(async () => {
    await full?.server.close();
  });

  it('answers a third analyst 429 at once instead of queueing it behind the two running queries', async () => {
    const requests: http.ClientRequest[] = [];
    const send = (key: string, sql: string, keep = false): Promise<Answer> =>
      new Promise((resolve, reject) => {
        const req = http.request(full.url, { method: 'POST', auth: `analyst:${key}`, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, code: res.headers['x-clickhouse-exception-code'] as string | undefined, text: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        if (keep) requests.push(req);
        req.end(sql);
      });
    const heavy = [send(keys[0]!, `${HEAVY} AND 1`, true), send(keys[1]!, `${HEAVY} AND 2`, true)].map((p) => p.catch(() => undefined));
    await until('both heavy queries run', async () => (await heavyRunning()) === 2);

    const third = await send(keys[2]!, 'SELECT 1');
    expect(third.status).toBe(429);
    expect(third.text).toMatch(/^Code: 202\. DB::Exception: Too many simultaneous queries\. Maximum: 2.*\(TOO_MANY_SIMULTANEOUS_QUERIES\)/);

    for (const req of requests) req.destroy();
    await Promise.all(heavy);
    await until('both heavy queries are cancelled', async () => (await heavyRunning()) === 0);
    expect(await send(keys[2]!, 'SELECT 3')).toMatchObject({ status: 200, text: '3\n' });
  });
});
