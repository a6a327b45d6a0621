import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../contracts/errors.ts';
import { createOlapClient } from '../../services/olap/client.ts';
import { freshOlap } from '../support/olap.ts';
import { startOlapHttp, uniqueDatabase, type RunningOlapHttp } from './harness.ts';

let h: RunningOlapHttp;
const clients: ClickHouseClient[] = [];

function client(user: 'admin' | 'analyst', extra: Parameters<typeof createClient>[0] = {}): ClickHouseClient {
  const c = createClient({ url: h.url, username: user, password: user === 'admin' ? h.adminKey : h.analystKey, ...extra });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  h = await startOlapHttp();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await h?.server.close();
});

describe('when another process uses @clickhouse/client over HTTP as admin', () => {
  it('runs DDL with command, inserts JSONEachRow and reads it back', async () => {
    const db = uniqueDatabase('js');
    const c = client('admin');
    await c.command({ query: `CREATE DATABASE ${db}` });
    await c.command({ query: `CREATE TABLE ${db}.grants (id String, amount Decimal(18, 2), at DateTime) ENGINE = MergeTree ORDER BY id` });
    await c.insert({
      table: `${db}.grants`,
      values: [
        { id: 'g1', amount: 1200.5, at: '2024-03-01 08:00:00' },
        { id: 'g2', amount: 99.25, at: '2024-03-02 09:30:00' },
      ],
      format: 'JSONEachRow',
    });
    const rs = await c.query({ query: `SELECT id, toString(amount) AS amount FROM ${db}.grants ORDER BY id`, format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([
      { id: 'g1', amount: '1200.5' },
      { id: 'g2', amount: '99.25' },
    ]);
  });

  it('drops a retried block with the same insert_deduplication_token (URL setting)', async () => {
    const db = uniqueDatabase('dedup');
    const c = client('admin');
    await c.command({ query: `CREATE DATABASE ${db}` });
    await c.command({ query: `CREATE TABLE ${db}.rows (k UInt32) ENGINE = MergeTree ORDER BY k SETTINGS non_replicated_deduplication_window = 100` });
    const send = () =>
      c.insert({ table: `${db}.rows`, values: [{ k: 1 }, { k: 2 }], format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: 'batch-1', insert_deduplicate: 1 } });
    await send();
    await send();
    const rs = await c.query({ query: `SELECT count() AS n FROM ${db}.rows`, format: 'JSONEachRow' });
    // chDB's default: 64-bit integers as JSON numbers (output_format_json_quote_64bit_integers=0).
    expect(await rs.json()).toEqual([{ n: 2 }]);
  });

  it('binds query_params and honours the database option', async () => {
    const db = uniqueDatabase('params');
    const c = client('admin');
    await c.command({ query: `CREATE DATABASE ${db}` });
    const scoped = client('admin', { database: db });
    const rs = await scoped.query({ query: 'SELECT currentDatabase() AS db, {name:String} AS name, {ids:Array(UInt8)} AS ids', query_params: { name: "O'Brien\t武汉", ids: [1, 2] }, format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ db, name: "O'Brien\t武汉", ids: [1, 2] }]);
  });

  it('applies a URL setting to that query only', async () => {
    const c = client('admin');
    const changed = await c.query({ query: "SELECT getSetting('max_threads') AS v", format: 'JSONEachRow', clickhouse_settings: { max_threads: 1 } });
    expect(await changed.json()).toEqual([{ v: 1 }]);
    const next = await c.query({ query: "SELECT getSetting('max_threads') AS v", format: 'JSONEachRow' });
    expect(await next.json()).not.toEqual([{ v: 1 }]);
  });

  it("surfaces the engine's error code as ClickHouseError.code", async () => {
    const c = client('admin');
    await expect(c.query({ query: 'SELECT * FROM no_such_db.t' })).rejects.toMatchObject({ code: '81', type: 'UNKNOWN_DATABASE' });
  });

  it('answers ping', async () => {
    expect((await client('analyst').ping()).success).toBe(true);
  });
});

describe("when the platform's OlapClient (kind 'clickhouse') points at the server", () => {
  it('works unchanged: command, deduplicated insert, query with params', async () => {
    const db = uniqueDatabase('olap');
    const olap = await createOlapClient({ kind: 'clickhouse', url: h.url, user: 'admin', password: h.adminKey, database: db });
    try {
      await olap.command('CREATE TABLE facts (uscc String, n UInt64, at DateTime) ENGINE = MergeTree ORDER BY uscc SETTINGS non_replicated_deduplication_window = 100');
      const rows = [{ uscc: '91420100MA4K0001X1', n: 3, at: '2024-05-01T00:00:00Z' }];
      await olap.insert('facts', rows, { dedupToken: 'ev-1' });
      await olap.insert('facts', rows, { dedupToken: 'ev-1' });
      await olap.insert('facts', [{ uscc: '91420100MA4K0002X1', n: 5, at: '2024-05-02T00:00:00Z' }]);
      const out = await olap.query<{ total: number; firms: number }>('SELECT sum(n) AS total, count() AS firms FROM facts WHERE n >= {min:UInt64}', { min: 1 });
      expect(out).toEqual([{ total: 8, firms: 2 }]);
      await expect(olap.query('SELEC 1')).rejects.toBeInstanceOf(ValidationError);
    } finally {
      await olap.close();
    }
  });

  it("sees what the in-process chDB client wrote (one engine, one data path)", async () => {
    const local = await freshOlap('shared');
    try {
      await local.command('CREATE TABLE t (a UInt8) ENGINE = MergeTree ORDER BY a');
      await local.insert('t', [{ a: 7 }]);
      const rs = await client('analyst').query({ query: `SELECT a FROM ${local.database}.t`, format: 'JSONEachRow' });
      expect(await rs.json()).toEqual([{ a: 7 }]);
    } finally {
      await local.close();
    }
  });
});

describe('when an analyst uses @clickhouse/client', () => {
  it('reads with response compression on and is refused writes with code 164', async () => {
    const c = client('analyst', { compression: { response: true } });
    const rs = await c.query({ query: 'SELECT number AS n FROM numbers(3)', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    await expect(c.command({ query: 'CREATE DATABASE nope_never' })).rejects.toMatchObject({ code: '164' });
  });

  it('is refused a wrong password with code 516', async () => {
    const c = createClient({ url: h.url, username: 'analyst', password: 'nope' });
    clients.push(c);
    await expect(c.query({ query: 'SELECT 1' })).rejects.toMatchObject({ code: '516', type: 'AUTHENTICATION_FAILED' });
  });
});

// Python's clickhouse-connect and the JDBC driver (DBeaver): see thirdParty.test.ts.
