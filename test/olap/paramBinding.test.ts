import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OlapClient } from '../../contracts/ports.ts';
import { bindParams } from '../../services/olap/client.ts';
import { freshOlap, sameDatabase, workerChdbPath } from '../support/olap.ts';

/**
 * Query parameters over chDB are written into the statement by the adapter (chDB runs
 * parameterised statements one at a time across the process). The values must come out exactly
 * as the engine's own binding gives them, hostile text included, and a long statement of one
 * session must no longer hold back the statements of another.
 */
describe('query parameters over the embedded engine', () => {
  let olap: OlapClient;
  let other: OlapClient;

  beforeAll(async () => {
    olap = await freshOlap('params');
    other = await sameDatabase(olap);
  });

  afterAll(async () => {
    await other?.close();
    await olap?.close();
  });

  const SQL = `SELECT {s:String} AS s, {e:String} AS e, {d:Date} AS d, {t:DateTime64(3)} AS t, {a:Array(String)} AS a,
    {ad:Array(Date)} AS ad, {n:UInt64} AS n, {u:UInt16} AS u, {b:Array(UInt8)} AS b, {s:String} = 'x' AS twice`;
  const VALUES = {
    s: `it's a \\ back'slash\t"tab"\nnew line; DROP TABLE x; -- 长江新区 \u0000 end`,
    e: '',
    d: '2024-02-29',
    t: '2299-12-31 23:59:59.999',
    a: ["o'neil", 'a\\b', '', '{x:String}', '武汉'],
    ad: ['2024-01-01', '2025-12-31'],
    n: 18_446_744_073_709,
    u: 2025,
    b: [0, 1, 255],
  };

  it('gives the values the engine binding gives, hostile text included', async () => {
    // The engine's own binding, through clickhouse-js on a session of this worker's engine.
    const engine = createClient({ connection: createChdbConnection({ path: workerChdbPath }) as never });
    try {
      const expected = await (await engine.query({ query: SQL, query_params: VALUES, format: 'JSONEachRow' })).json();
      expect(await olap.query(SQL, VALUES)).toEqual(expected);
      expect(expected).toEqual([
        expect.objectContaining({ s: VALUES.s, e: '', d: '2024-02-29', a: VALUES.a, ad: VALUES.ad, u: 2025, b: [0, 1, 255], twice: 0 }),
      ]);
    } finally {
      await engine.close();
    }
  });

  it('writes typed literals, leaves a placeholder without a value for the engine to refuse, and refuses Date objects', async () => {
    expect(bindParams('SELECT {a:Array(String)}, {y:String}, {n:UInt64}', { a: ["x'y"], n: 3 })).toBe(
      "SELECT CAST(['x\\'y'] AS Array(String)), {y:String}, CAST(3 AS UInt64)",
    );
    await expect(olap.query('SELECT {missing:String} AS v', { other: 'x' })).rejects.toThrow(/missing/);
    expect(() => bindParams('SELECT {d:Date}', { d: new Date() })).toThrow(/as text/);
  });

  it('runs a short statement of one session while a long one of another is still running', async () => {
    // Twenty half-second sleeps, one row per block: ten seconds of wall time and no CPU.
    let longDone = false;
    const long = olap.query('SELECT sum(sleepEachRow({pause:Float64})) AS s FROM numbers(20) SETTINGS max_block_size = 1', { pause: 0.5 }).then((rows) => {
      longDone = true;
      return rows;
    });
    // Waits until the engine runs it (a condition, not a pause): the other session lists it.
    const running = async () =>
      (await other.query<{ n: number }>(`SELECT count() AS n FROM system.processes WHERE query LIKE '%sleepEachRow%' AND query NOT LIKE '%system.processes%'`))[0]!.n;
    while ((await running()) === 0) expect(longDone).toBe(false);
    // On the other session a short parameterised statement answers while the long one still runs.
    const short = await other.query<{ v: number }>('SELECT {x:UInt8} + 1 AS v', { x: 41 });
    expect(short).toEqual([{ v: 42 }]);
    expect(longDone).toBe(false);
    expect(await long).toEqual([{ s: 0 }]);
  }, 60_000);
});
