import { gunzipSync } from 'node:zlib';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, startOlapHttp, uniqueDatabase, type RunningOlapHttp } from './harness.ts';

let h: RunningOlapHttp;
let db: string;
const admin = () => ['-u', `admin:${h.adminKey}`];
const analyst = () => ['-u', `analyst:${h.analystKey}`];

beforeAll(async () => {
  h = await startOlapHttp();
  db = uniqueDatabase('curl');
  for (const q of [
    `CREATE DATABASE ${db}`,
    `CREATE TABLE ${db}.firms (uscc String, street String, hte UInt8) ENGINE = MergeTree ORDER BY uscc`,
    `INSERT INTO ${db}.firms VALUES ('91420100MA4K0001X1', '武湖街', 1), ('91420100MA4K0002X1', '武湖街', 0), ('91420100MA4K0003X1', '谌家矶街', 1)`,
  ]) {
    const r = await curl([...admin(), '--data-binary', q, h.url]);
    expect(r.status, r.text).toBe(200);
  }
});

afterAll(async () => {
  await h?.server.close();
});

const countByStreet = () => `SELECT street AS \`街道\`, sum(hte) AS \`高企数量\` FROM ${db}.firms GROUP BY street ORDER BY street`;

describe('when a tool checks that the server is alive', () => {
  it('answers Ok. on /ping and on / without a query, without credentials', async () => {
    const ping = await curl([`${h.url}/ping`]);
    expect(ping.status).toBe(200);
    expect(ping.text).toBe('Ok.\n');
    const root = await curl([`${h.url}/`]);
    expect(root.text).toBe('Ok.\n');
  });
});

describe('when an analyst runs a SELECT with curl', () => {
  it('answers TabSeparated by default, with the headers a ClickHouse server sends', async () => {
    const r = await curl([...analyst(), '--get', '--data-urlencode', `query=${countByStreet()}`, h.url]);
    expect(r.status, r.text).toBe(200);
    expect(r.text).toBe('武湖街\t1\n谌家矶街\t1\n');
    expect(r.headers['x-clickhouse-format']).toBe('TabSeparated');
    expect(r.headers['content-type']).toContain('text/tab-separated-values');
    expect(r.headers['x-clickhouse-query-id']).toMatch(/[0-9a-f-]{36}/);
    expect(r.headers['x-clickhouse-timezone']).toBeTruthy();
    expect(r.headers['x-clickhouse-server-display-name']).toBeTruthy();
    const summary = JSON.parse(r.headers['x-clickhouse-summary']!) as Record<string, string>;
    expect(Object.keys(summary)).toEqual(expect.arrayContaining(['read_rows', 'read_bytes', 'written_rows', 'elapsed_ns']));
    expect(Number(summary.read_rows)).toBeGreaterThan(0);
  });

  it('honours default_format and the FORMAT clause: JSON, JSONEachRow, JSONCompact, CSVWithNames', async () => {
    const json = await curl([...analyst(), '--data-binary', countByStreet(), `${h.url}/?default_format=JSON`]);
    const doc = JSON.parse(json.text) as { meta: { name: string }[]; data: Record<string, unknown>[]; rows: number };
    expect(doc.meta.map((m) => m.name)).toEqual(['街道', '高企数量']);
    expect(doc.rows).toBe(2);
    expect(json.headers['x-clickhouse-format']).toBe('JSON');

    const each = await curl([...analyst(), '--data-binary', `${countByStreet()} FORMAT JSONEachRow`, h.url]);
    expect(each.text.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { 街道: '武湖街', 高企数量: 1 },
      { 街道: '谌家矶街', 高企数量: 1 },
    ]);
    expect(each.headers['x-clickhouse-format']).toBe('JSONEachRow');

    const compact = await curl([...analyst(), '--data-binary', `${countByStreet()} FORMAT JSONCompact`, h.url]);
    expect((JSON.parse(compact.text) as { data: unknown[][] }).data).toEqual([['武湖街', 1], ['谌家矶街', 1]]);

    const csv = await curl([...analyst(), '--data-binary', countByStreet(), `${h.url}/?default_format=CSVWithNames`]);
    expect(csv.text).toBe('"街道","高企数量"\n"武湖街",1\n"谌家矶街",1\n');
    expect(csv.headers['content-type']).toContain('text/csv');
  });

  it('returns binary formats intact (Arrow, Parquet)', async () => {
    // Arrow output is lz4-compressed by default, which apache-arrow JS cannot read: admin may turn
    // it off with a URL setting, applied to this query only.
    const arrow = await curl([...admin(), '--data-binary', `SELECT uscc, hte FROM ${db}.firms ORDER BY uscc FORMAT ArrowStream`, `${h.url}/?output_format_arrow_compression_method=none`]);
    expect(arrow.status).toBe(200);
    const table = tableFromIPC(arrow.body);
    expect(table.numRows).toBe(3);
    expect(String(table.getChild('uscc')!.get(0))).toBe('91420100MA4K0001X1');

    const parquet = await curl([...analyst(), '--data-binary', `SELECT uscc FROM ${db}.firms FORMAT Parquet`, h.url]);
    expect(parquet.body.subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect(parquet.headers['content-type']).toBe('application/octet-stream');
  });

  it('binds param_<name> to {name:Type} placeholders, strings and arrays alike', async () => {
    const ok = await curl([
      ...analyst(),
      '--data-binary',
      `SELECT count() FROM ${db}.firms WHERE street = {street:String} AND hte IN {flags:Array(UInt8)} AND {quote:String} = 'it\\'s'`,
      `${h.url}/?param_street=${encodeURIComponent('武湖街')}&param_flags=${encodeURIComponent('[0,1]')}&param_quote=${encodeURIComponent("it's")}`,
    ]);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.text).toBe('2\n');
  });

  it('honours the database parameter and the X-ClickHouse-Database header', async () => {
    const byParam = await curl([...analyst(), '--data-binary', 'SELECT count() FROM firms', `${h.url}/?database=${db}`]);
    expect(byParam.text).toBe('3\n');
    const byHeader = await curl([...analyst(), '-H', `X-ClickHouse-Database: ${db}`, '--data-binary', 'SELECT currentDatabase()', h.url]);
    expect(byHeader.text).toBe(`${db}\n`);
  });

  it('accepts X-ClickHouse-User / X-ClickHouse-Key and user/password URL parameters', async () => {
    const byHeaders = await curl(['-H', 'X-ClickHouse-User: analyst', '-H', `X-ClickHouse-Key: ${h.analystKey}`, '--data-binary', 'SELECT 1', h.url]);
    expect(byHeaders.text).toBe('1\n');
    const byParams = await curl(['--data-binary', 'SELECT 2', `${h.url}/?user=analyst&password=${encodeURIComponent(h.analystKey)}`]);
    expect(byParams.text).toBe('2\n');
  });

  it('compresses the answer with gzip when enable_http_compression=1 and the client accepts it', async () => {
    const r = await curl([...analyst(), '-H', 'Accept-Encoding: gzip', '--data-binary', 'SELECT number FROM numbers(1000)', `${h.url}/?enable_http_compression=1`]);
    expect(r.headers['content-encoding']).toBe('gzip');
    const lines = gunzipSync(r.body).toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(1000);
    expect(lines[999]).toBe('999');
  });
});

describe('when a query fails', () => {
  it('sends the engine code in the body and in X-ClickHouse-Exception-Code (syntax error → 400)', async () => {
    const r = await curl([...analyst(), '--data-binary', 'SELEC 1', h.url]);
    expect(r.status).toBe(400);
    expect(r.headers['x-clickhouse-exception-code']).toBe('62');
    expect(r.text).toMatch(/^Code: 62\. DB::Exception: .*\(SYNTAX_ERROR\) \(version [\d.]+/);
  });

  it('answers 404 with UNKNOWN_TABLE for a missing table', async () => {
    const r = await curl([...analyst(), '--data-binary', `SELECT * FROM ${db}.nope`, h.url]);
    expect(r.status).toBe(404);
    expect(r.headers['x-clickhouse-exception-code']).toBe('60');
    expect(r.text).toContain('(UNKNOWN_TABLE)');
  });

  it('refuses a wrong password with 516 AUTHENTICATION_FAILED and HTTP 401', async () => {
    const r = await curl(['-u', 'analyst:wrong', '--data-binary', 'SELECT 1', h.url]);
    expect(r.status).toBe(401);
    expect(r.headers['x-clickhouse-exception-code']).toBe('516');
    expect(r.text).toMatch(/^Code: 516\. DB::Exception: analyst: Authentication failed.*\(AUTHENTICATION_FAILED\)/);
  });

  it('refuses an unknown user and a request without credentials the same way', async () => {
    const unknown = await curl(['-u', 'root:x', '--data-binary', 'SELECT 1', h.url]);
    expect(unknown.headers['x-clickhouse-exception-code']).toBe('516');
    const anonymous = await curl(['--data-binary', 'SELECT 1', h.url]);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['x-clickhouse-exception-code']).toBe('516');
  });

  it('refuses modifying statements sent by GET even from admin (GET implies readonly)', async () => {
    const r = await curl([...admin(), '--get', '--data-urlencode', `query=CREATE TABLE ${db}.g (a UInt8) ENGINE = Memory`, h.url]);
    expect(r.status).toBe(403);
    expect(r.headers['x-clickhouse-exception-code']).toBe('164');
  });
});

describe('when a tool sends an unusual HTTP method', () => {
  it('answers OPTIONS / (and /ping) with 204 and the methods it accepts, without opening CORS', async () => {
    for (const target of [`${h.url}/`, `${h.url}/ping`, `${h.url}/?query=SELECT%201`]) {
      const r = await curl(['-X', 'OPTIONS', target]);
      expect(r.status, target).toBe(204);
      expect(r.headers.allow).toBe('GET, POST, HEAD, OPTIONS');
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('answers PUT, DELETE, PATCH and TRACE with 405 and a ClickHouse error naming the method', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH', 'TRACE']) {
      const r = await curl(['-X', method, ...admin(), '--data-binary', 'SELECT 1', `${h.url}/`]);
      expect(r.status, method).toBe(405);
      expect(r.headers['x-clickhouse-exception-code']).toBe('1');
      expect(r.headers.allow).toBe('GET, POST, HEAD, OPTIONS');
      expect(r.text).toMatch(new RegExp(`^Code: 1\\. DB::Exception: HTTP method ${method} is not supported.*\\(UNSUPPORTED_METHOD\\)`));
    }
  });

  it('answers HEAD / and HEAD /ping like GET, without a body', async () => {
    for (const target of [`${h.url}/`, `${h.url}/ping`]) {
      const r = await curl(['-I', target]);
      expect(r.status, target).toBe(200);
      expect(r.body.length).toBe(0);
    }
  });

  it('still answers a query after all of them', async () => {
    expect((await curl([...admin(), '--data-binary', 'SELECT 1', h.url])).text).toBe('1\n');
  });
});
