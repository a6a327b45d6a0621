import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerChdbPath } from '../support/olap.ts';
import { curl, startOlapHttp, uniqueDatabase, type RunningOlapHttp } from './harness.ts';

let h: RunningOlapHttp;
let db: string;

async function asAdmin(sql: string): Promise<string> {
  const r = await curl(['-u', `admin:${h.adminKey}`, '--data-binary', sql, h.url]);
  if (r.status !== 200) throw new Error(`admin query failed: ${r.text}`);
  return r.text;
}

async function asAnalyst(sql: string, query = ''): Promise<{ status: number; code: string | undefined; text: string }> {
  const r = await curl(['-u', `analyst:${h.analystKey}`, '--data-binary', sql, `${h.url}/${query}`]);
  return { status: r.status, code: r.headers['x-clickhouse-exception-code'], text: r.text };
}

beforeAll(async () => {
  h = await startOlapHttp();
  db = uniqueDatabase('ro');
  await asAdmin(`CREATE DATABASE ${db}`);
  await asAdmin(`CREATE TABLE ${db}.kpi (id String, value Float64) ENGINE = MergeTree ORDER BY id`);
  await asAdmin(`INSERT INTO ${db}.kpi VALUES ('hte_count', 42)`);
});

afterAll(async () => {
  await h?.server.close();
});

describe('when the engine session itself is opened with --readonly=1 (no HTTP gate in front)', () => {
  let ro: Session;
  beforeAll(() => {
    ro = new Session(workerChdbPath, { connectionArgs: ['--readonly=1'] });
  });
  afterAll(() => ro.close());

  const refused: [string, (d: string) => string][] = [
    ['INSERT', (d) => `INSERT INTO ${d}.kpi VALUES ('x', 1)`],
    ['CREATE', (d) => `CREATE TABLE ${d}.t2 (a UInt8) ENGINE = Memory`],
    ['DROP', (d) => `DROP TABLE ${d}.kpi`],
    ['ALTER', (d) => `ALTER TABLE ${d}.kpi DELETE WHERE 1`],
    ['SET readonly=0', () => 'SET readonly = 0'],
    ['SETTINGS readonly=0', () => 'SELECT 1 SETTINGS readonly = 0'],
    ['SETTINGS max_memory_usage', () => 'SELECT 1 SETTINGS max_memory_usage = 1000000'],
    ['file() table function', () => "SELECT * FROM file('/etc/passwd', 'LineAsString')"],
    ['url() table function', () => "SELECT * FROM url('http://127.0.0.1:9/x', 'LineAsString')"],
    ['executable() table function', () => "SELECT * FROM executable('cat /etc/passwd', 'LineAsString', 'line String')"],
    ['s3() table function', () => "SELECT * FROM s3('http://127.0.0.1:9/bucket-name/key.csv', 'LineAsString')"],
  ];
  it.each(refused)('refuses %s with READONLY (164)', async (_label, sql) => {
    await expect(ro.queryAsync(sql(db))).rejects.toMatchObject({ clickhouseCode: 164 });
  });
});

describe('when the analyst sends a write over HTTP', () => {
  it('refuses INSERT with 164 and the table keeps its rows', async () => {
    const r = await asAnalyst(`INSERT INTO ${db}.kpi VALUES ('x', 1)`);
    expect(r.status).toBe(403);
    expect(r.code).toBe('164');
    expect(await asAdmin(`SELECT count() FROM ${db}.kpi`)).toBe('1\n');
  });

  it('refuses INSERT … FORMAT with the data as the body', async () => {
    const r = await asAnalyst('{"id":"y","value":2}', `?query=${encodeURIComponent(`INSERT INTO ${db}.kpi FORMAT JSONEachRow`)}`);
    expect(r.code).toBe('164');
  });

  it('refuses CREATE with 164', async () => {
    expect((await asAnalyst(`CREATE TABLE ${db}.t2 (a UInt8) ENGINE = Memory`)).code).toBe('164');
  });

  it('refuses DROP with 164 and the table is still there', async () => {
    expect((await asAnalyst(`DROP TABLE ${db}.kpi`)).code).toBe('164');
    expect(await asAdmin(`EXISTS TABLE ${db}.kpi`)).toBe('1\n');
  });

  it('refuses ALTER with 164', async () => {
    expect((await asAnalyst(`ALTER TABLE ${db}.kpi DELETE WHERE 1`)).code).toBe('164');
  });

  it('refuses UNDROP (which the engine alone lets through in local mode) and the table stays dropped', async () => {
    await asAdmin(`CREATE TABLE ${db}.gone (a UInt8) ENGINE = MergeTree ORDER BY a`);
    await asAdmin(`DROP TABLE ${db}.gone`);
    expect((await asAnalyst(`UNDROP TABLE ${db}.gone`)).code).toBe('164');
    expect(await asAdmin(`EXISTS TABLE ${db}.gone`)).toBe('0\n');
  });

  it('refuses KILL QUERY with 164', async () => {
    expect((await asAnalyst('KILL QUERY WHERE 1')).code).toBe('164');
  });

  it('refuses a write hidden behind a first statement (multi-statements are a syntax error)', async () => {
    const r = await asAnalyst(`SELECT 1; INSERT INTO ${db}.kpi VALUES ('z', 3)`);
    expect(r.code).toBe('62');
    expect(await asAdmin(`SELECT count() FROM ${db}.kpi`)).toBe('1\n');
  });
});

describe('when the analyst tries to change a setting', () => {
  it('refuses SET readonly = 0 with 164', async () => {
    expect((await asAnalyst('SET readonly = 0')).code).toBe('164');
  });

  it('refuses SELECT … SETTINGS readonly = 0 with 164', async () => {
    expect((await asAnalyst('SELECT 1 SETTINGS readonly = 0')).code).toBe('164');
  });

  it('refuses the URL parameter readonly=0 with 164', async () => {
    const r = await asAnalyst('SELECT 1', '?readonly=0');
    expect(r.status).toBe(403);
    expect(r.code).toBe('164');
  });

  it('refuses the URL parameter max_memory_usage with 164', async () => {
    expect((await asAnalyst('SELECT 1', '?max_memory_usage=1000000')).code).toBe('164');
  });

  it('refuses SETTINGS max_memory_usage in the query with 164', async () => {
    expect((await asAnalyst('SELECT 1 SETTINGS max_memory_usage = 1000000')).code).toBe('164');
  });

  it('accepts a URL setting that restates the current value (readonly=1), as a server does', async () => {
    const r = await asAnalyst('SELECT getSetting(\'readonly\')', '?readonly=1');
    expect(r.text).toBe('1\n');
  });
});

describe('when the analyst tries to reach files, URLs or programs of the server', () => {
  it("refuses SELECT * FROM file('/etc/passwd', 'LineAsString') with 164", async () => {
    const r = await asAnalyst("SELECT * FROM file('/etc/passwd', 'LineAsString')");
    expect(r.code).toBe('164');
    expect(r.text).not.toContain('root:');
  });

  it("refuses the scalar file('/etc/passwd'), which chDB's local mode does not restrict, with 164", async () => {
    const r = await asAnalyst("SELECT file('/etc/passwd')");
    expect(r.code).toBe('164');
    expect(r.text).not.toContain('root:');
  });

  it('refuses file() hidden by back-quotes, comments and heredoc strings', async () => {
    for (const sql of [
      "SELECT `file`('/etc/passwd')",
      "SELECT /* x */ file /* y */ ('/etc/passwd') -- z",
      "SELECT $$ ' $$, file('/etc/passwd') -- '",
    ]) {
      const r = await asAnalyst(sql);
      expect(r.code, sql).toBe('164');
      expect(r.text, sql).not.toContain('root:');
    }
  });

  it('refuses url() with 164', async () => {
    expect((await asAnalyst("SELECT * FROM url('http://127.0.0.1:9/x', 'LineAsString')")).code).toBe('164');
  });

  it('refuses executable() with 164', async () => {
    expect((await asAnalyst("SELECT * FROM executable('cat /etc/passwd', 'LineAsString', 'line String')")).code).toBe('164');
  });

  it('refuses s3() with 164', async () => {
    expect((await asAnalyst("SELECT * FROM s3('http://127.0.0.1:9/bucket-name/key.csv', 'LineAsString')")).code).toBe('164');
  });

  it('refuses INTO OUTFILE with 358 and writes no file', async () => {
    const target = path.join(os.tmpdir(), `${db}-outfile.txt`);
    const r = await asAnalyst(`SELECT 1 INTO OUTFILE '${target}'`);
    expect(r.code).toBe('358');
    expect(existsSync(target)).toBe(false);
  });
});

describe('when the analyst reads', () => {
  it('runs with the engine limits of the read-only connection (readonly=1, max_execution_time)', async () => {
    const r = await asAnalyst("SELECT getSetting('readonly'), getSetting('max_execution_time')");
    expect(r.text).toBe('1\t60\n');
  });

  it('runs SELECT, SHOW and DESCRIBE', async () => {
    expect((await asAnalyst(`SELECT value AS \`数值\` FROM ${db}.kpi FORMAT JSONEachRow`)).text).toBe('{"数值":42}\n');
    expect((await asAnalyst(`SHOW TABLES FROM ${db}`)).text).toBe('kpi\n');
    expect((await asAnalyst(`DESCRIBE TABLE ${db}.kpi`)).text).toContain('value\tFloat64');
  });
});
