import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOlapHttp, uniqueDatabase, type RunningOlapHttp } from './harness.ts';

/**
 * Issue 7, items 1 and 8: no SQL user, admin included, can read, create or write a host file or
 * reach an address, through any statement kind. Every table function that reaches outside the
 * engine is tried under every statement kind, for both users, against a real secret file in a
 * DATA_DIR-like folder, a real SQLite file and a local server that counts every connection.
 */

let h: RunningOlapHttp;
let db: string;
let dataDir: string;
let outDir: string;
let secretPath: string;
let sqlitePath: string;
const secret = `ib_ingest_${randomUUID()}`;
const connections: string[] = [];
let listener: http.Server;
let port = 0;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'brain-host-data-'));
  outDir = mkdtempSync(path.join(os.tmpdir(), 'brain-host-out-'));
  secretPath = path.join(dataDir, 'dev-keys.json');
  writeFileSync(secretPath, JSON.stringify({ ingest: secret, admin: secret }));
  sqlitePath = path.join(dataDir, 'events.sqlite');
  const store = new Database(sqlitePath);
  store.pragma('journal_mode = WAL');
  store.exec('CREATE TABLE events (position INTEGER PRIMARY KEY, data TEXT)');
  store.prepare('INSERT INTO events (data) VALUES (?)').run(secret);
  store.close();

  // Counts every TCP connection (any protocol: HTTP, MySQL, PostgreSQL, Redis, ClickHouse native …).
  listener = http.createServer((req, res) => {
    connections.push(`${req.method} ${req.url}`);
    res.end(secret);
  });
  listener.on('connection', () => connections.push('connection'));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as AddressInfo).port;

  h = await startOlapHttp();
  db = uniqueDatabase('host');
  for (const q of [`CREATE DATABASE ${db}`, `CREATE TABLE ${db}.notes (line String) ENGINE = MergeTree ORDER BY line`]) {
    const r = await send('admin', q);
    expect(r.status, r.text).toBe(200);
  }
});

afterAll(async () => {
  await h?.server.close();
  await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
});

async function send(user: 'admin' | 'analyst', sql: string, query = ''): Promise<{ status: number; text: string; code: string | null }> {
  const key = user === 'admin' ? h.adminKey : h.analystKey;
  const res = await fetch(`${h.url}/${query}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}` },
    body: sql,
  });
  return { status: res.status, text: await res.text(), code: res.headers.get('x-clickhouse-exception-code') };
}

/** Every file under a folder, with its size. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const p = path.join(e.parentPath, e.name);
      return `${p}:${statSync(p).size}`;
    })
    .sort();
}

const http_ = () => `http://127.0.0.1:${port}`;
const hostPort = () => `127.0.0.1:${port}`;

/** Each table function that reaches a file, a program or an address, with arguments pointing at ours. */
const tableFunctions: [string, () => string][] = [
  ['file', () => `file('${secretPath}', 'LineAsString')`],
  ['file (a path that does not exist)', () => `file('${path.join(dataDir, 'new.csv')}', 'CSV', 'a String')`],
  ['url', () => `url('${http_()}/x', 'LineAsString')`],
  ['url (file://)', () => `url('file://${secretPath}', 'LineAsString')`],
  ['urlCluster', () => `urlCluster('default', '${http_()}/x', 'LineAsString')`],
  ['sqlite', () => `sqlite('${sqlitePath}', 'events')`],
  ['sqlite (a path that does not exist)', () => `sqlite('${path.join(dataDir, 'new.sqlite')}', 'events')`],
  ['s3', () => `s3('${http_()}/bucket/key.csv', 'LineAsString')`],
  ['s3Cluster', () => `s3Cluster('default', '${http_()}/bucket/key.csv', 'LineAsString')`],
  ['remote', () => `remote('${hostPort()}', system.one)`],
  ['remoteSecure', () => `remoteSecure('${hostPort()}', system.one)`],
  ['mysql', () => `mysql('${hostPort()}', 'db', 't', 'u', 'p')`],
  ['postgresql', () => `postgresql('${hostPort()}', 'db', 't', 'u', 'p')`],
  ['executable', () => `executable('cat ${secretPath}', 'LineAsString', 'line String')`],
  ['hdfs', () => `hdfs('hdfs://${hostPort()}/x', 'LineAsString')`],
  ['jdbc', () => `jdbc('jdbc:mysql://${hostPort()}/db', 'db', 't')`],
  ['odbc', () => `odbc('DSN=brain', 'db', 't')`],
  ['mongodb', () => `mongodb('${hostPort()}', 'db', 'c', 'u', 'p', 'x String')`],
  ['redis', () => `redis('${hostPort()}', 'k', 'k String, v String')`],
  ['azureBlobStorage', () => `azureBlobStorage('${http_()}/account', 'container', 'blob.csv', 'LineAsString')`],
  ['fileCluster', () => `fileCluster('default', '${secretPath}', 'LineAsString')`],
  ['iceberg', () => `iceberg('${http_()}/iceberg/')`],
  ['icebergLocal', () => `icebergLocal('${dataDir}')`],
  ['deltaLake', () => `deltaLake('${http_()}/delta/')`],
  ['hudi', () => `hudi('${http_()}/hudi/')`],
  ['input', () => `input('line String')`],
  ['cluster', () => `cluster('default', system.one)`],
  ['FILE in capitals', () => `FILE('${secretPath}', 'LineAsString')`],
  ['`file` back-quoted', () => `\`file\`('${secretPath}', 'LineAsString')`],
];

/** Each statement kind, given a table-function expression. */
const statementKinds: [string, (tf: string) => string][] = [
  ['SELECT', (tf) => `SELECT * FROM ${tf}`],
  ['SELECT in a subquery of IN', (tf) => `SELECT 1 WHERE 1 IN (SELECT 1 FROM ${tf})`],
  ['SELECT in a CTE', (tf) => `WITH x AS (SELECT * FROM ${tf}) SELECT * FROM x`],
  ['SELECT through view()', (tf) => `SELECT * FROM view(SELECT * FROM ${tf})`],
  ['DESCRIBE TABLE', (tf) => `DESCRIBE TABLE ${tf}`],
  ['DESCRIBE of a subquery', (tf) => `DESCRIBE TABLE (SELECT * FROM ${tf})`],
  ['EXPLAIN', (tf) => `EXPLAIN SELECT * FROM ${tf}`],
  ['EXPLAIN ESTIMATE', (tf) => `EXPLAIN ESTIMATE SELECT * FROM ${tf}`],
  ['INSERT INTO FUNCTION', (tf) => `INSERT INTO FUNCTION ${tf} SELECT 'x'`],
  ['INSERT … SELECT', (tf) => `INSERT INTO ${db}.notes SELECT * FROM ${tf}`],
  ['CREATE TABLE AS a table function', (tf) => `CREATE TABLE ${db}.t_${randomUUID().slice(0, 8)} AS ${tf}`],
  ['CREATE VIEW', (tf) => `CREATE VIEW ${db}.v_${randomUUID().slice(0, 8)} AS SELECT * FROM ${tf}`],
  ['CREATE TABLE … AS SELECT', (tf) => `CREATE TABLE ${db}.s_${randomUUID().slice(0, 8)} ENGINE = Memory AS SELECT * FROM ${tf}`],
  ['ALTER … ADD COLUMN with a DEFAULT', (tf) => `ALTER TABLE ${db}.notes ADD COLUMN c String DEFAULT (SELECT any(*) FROM ${tf})`],
];

/** Statements that reach the host without a table function. */
const otherStatements: [string, () => string][] = [
  ['scalar file()', () => `SELECT file('${secretPath}')`],
  ['scalar file() inside a lambda of a SQL function', () => `CREATE FUNCTION f_${randomUUID().slice(0, 8).replace(/-/g, '')} AS (p) -> file(p)`],
  ['INTO OUTFILE', () => `SELECT 1 INTO OUTFILE '${path.join(outDir, 'a.csv')}'`],
  ['INTO OUTFILE after a 70 KB comment', () => `/* ${'x'.repeat(70 * 1024)} */ SELECT 42 INTO OUTFILE '${path.join(outDir, 'b.csv')}'`],
  ['INSERT … FROM INFILE', () => `INSERT INTO ${db}.notes FROM INFILE '${secretPath}' FORMAT LineAsString`],
  ['INSERT VALUES calling file()', () => `INSERT INTO ${db}.notes VALUES (file('${secretPath}'))`],
  ['INSERT hiding its SELECT behind a nested comment', () => `INSERT INTO ${db}.notes /* /* */ FORMAT CSV */ SELECT * FROM file('${secretPath}', 'LineAsString')`],
  ['INSERT … FORMAT with a path setting in its SETTINGS', () => `INSERT INTO ${db}.notes SETTINGS format_schema = '${secretPath}' FORMAT LineAsString\nx`],
  ['CREATE TABLE ENGINE = File', () => `CREATE TABLE ${db}.ef (line String) ENGINE = File(LineAsString, '${secretPath}')`],
  ['CREATE TABLE ENGINE = URL', () => `CREATE TABLE ${db}.eu (line String) ENGINE = URL('${http_()}/x', LineAsString)`],
  ['CREATE TABLE ENGINE = SQLite', () => `CREATE TABLE ${db}.es (position Int64, data String) ENGINE = SQLite('${sqlitePath}', 'events')`],
  ['CREATE TABLE ENGINE = S3', () => `CREATE TABLE ${db}.e3 (line String) ENGINE = S3('${http_()}/b/k.csv', 'LineAsString')`],
  ['CREATE TABLE ENGINE = MySQL', () => `CREATE TABLE ${db}.em (a String) ENGINE = MySQL('${hostPort()}', 'db', 't', 'u', 'p')`],
  ['CREATE TABLE ENGINE = Executable', () => `CREATE TABLE ${db}.ee (line String) ENGINE = Executable('cat ${secretPath}', LineAsString)`],
  ['CREATE TABLE on a dynamic disk', () => `CREATE TABLE ${db}.ed (a String) ENGINE = MergeTree ORDER BY a SETTINGS disk = disk(type = local, path = '${outDir}/')`],
  ['CREATE DATABASE ENGINE = Filesystem', () => `CREATE DATABASE ${db}_fs ENGINE = Filesystem('${dataDir}')`],
  ['CREATE DATABASE ENGINE = SQLite', () => `CREATE DATABASE ${db}_sq ENGINE = SQLite('${sqlitePath}')`],
  ['CREATE DICTIONARY with a file source', () => `CREATE DICTIONARY ${db}.df (line String) PRIMARY KEY line SOURCE(FILE(path '${secretPath}' format 'LineAsString')) LAYOUT(FLAT()) LIFETIME(0)`],
  ['CREATE DICTIONARY with an HTTP source', () => `CREATE DICTIONARY ${db}.dh (line String) PRIMARY KEY line SOURCE(HTTP(url '${http_()}/d' format 'LineAsString')) LAYOUT(FLAT()) LIFETIME(0)`],
  ['BACKUP to a file', () => `BACKUP TABLE ${db}.notes TO File('${path.join(outDir, 'backup.zip')}')`],
  ['RESTORE from a file', () => `RESTORE TABLE ${db}.notes FROM File('${path.join(dataDir, 'backup.zip')}')`],
  ['ATTACH … FROM a path', () => `ATTACH TABLE ${db}.att FROM '${dataDir}' (line String) ENGINE = MergeTree ORDER BY line`],
  ['SYSTEM', () => 'SYSTEM RELOAD CONFIG'],
  ['ALTER … FREEZE (a backup copy of the parts)', () => `ALTER TABLE ${db}.notes FREEZE WITH NAME 'x'`],
  ['SETTINGS format_schema', () => `SELECT 1 SETTINGS format_schema = '${secretPath}'`],
  ['SET format_template_row', () => `SET format_template_row = '${secretPath}'`],
  ['SETTINGS input_format_record_errors_file_path', () => `SELECT 1 SETTINGS input_format_record_errors_file_path = '${path.join(outDir, 'errors')}'`],
  ['SET dialect (changes the parser)', () => "SET dialect = 'prql'"],
  ['hasColumnInTable on another host', () => `SELECT hasColumnInTable('${hostPort()}', 'system', 'one', 'dummy')`],
  ['merge() over system', () => "SELECT * FROM merge('system', '^one$')"],
];

const users = ['admin', 'analyst'] as const;
const cases: ['admin' | 'analyst', string, () => string][] = [];
for (const user of users) {
  for (const [tfName, tf] of tableFunctions) for (const [kindName, kind] of statementKinds) cases.push([user, `${kindName} with ${tfName}`, () => kind(tf())]);
  for (const [name, sql] of otherStatements) if (!(user === 'admin' && name === 'merge() over system')) cases.push([user, name, sql]);
}

describe('when a SQL user tries to reach a host file, a program or an address', () => {
  it('refuses every attempt of both users under every statement kind: a ClickHouse error, no secret, no connection, no new file', async () => {
    const dataBefore = listing(dataDir);
    const outBefore = listing(outDir);
    const failures: string[] = [];
    for (const [user, label, sql] of cases) {
      const r = await send(user, sql());
      const problems: string[] = [];
      if (r.status < 400) problems.push(`answered ${r.status}`);
      if (!/^Code: \d+\. DB::Exception: [\s\S]+\([A-Z_]+\) \(version /.test(r.text)) problems.push('no ClickHouse-style error');
      if (r.text.includes(secret)) problems.push('LEAKED THE SECRET');
      if (connections.length > 0) problems.push(`made ${connections.length} connection(s): ${connections.join(', ')}`);
      if (problems.length > 0) failures.push(`${user} · ${label}: ${problems.join('; ')} — ${r.text.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    expect(connections).toEqual([]);
    expect(listing(dataDir)).toEqual(dataBefore);
    expect(listing(outDir)).toEqual(outBefore);
    // Nothing reached the platform's table either.
    expect((await send('admin', `SELECT count() FROM ${db}.notes`)).text).toBe('0\n');
  });

  it('refuses with the code a ClickHouse server uses: 164 READONLY for the analyst, 497 ACCESS_DENIED for admin (HTTP 403)', async () => {
    const tf = `sqlite('${sqlitePath}', 'events')`;
    const analyst = await send('analyst', `DESCRIBE TABLE ${tf}`);
    expect([analyst.status, analyst.code]).toEqual([403, '164']);
    expect(analyst.text).toContain('Function sqlite is not allowed');
    const admin = await send('admin', `SELECT * FROM ${tf}`);
    expect([admin.status, admin.code]).toEqual([403, '497']);
    expect(admin.text).toContain('Function sqlite is not allowed');
    const system = await send('admin', 'SYSTEM RELOAD CONFIG');
    expect(system.text).toContain('administers its tables, not the host');
  });

  it('refuses the URL parameter settings that name files, for admin too', async () => {
    const r = await send('admin', 'SELECT 1', `?format_schema=${encodeURIComponent(secretPath)}`);
    expect([r.status, r.code]).toEqual([403, '497']);
  });

  it('still serves what the platform needs: allowed table functions, MergeTree DDL, literal INSERT VALUES, reads of both users', async () => {
    const ok = async (user: 'admin' | 'analyst', sql: string, expected: string) => {
      const r = await send(user, sql);
      expect(r.text, sql).toBe(expected);
    };
    await ok('analyst', 'SELECT count() FROM numbers(10)', '10\n');
    await ok('admin', "SELECT sum(a) FROM format(CSV, 'a UInt8', '1\n2')", '3\n');
    await ok('admin', "SELECT * FROM values('a UInt8', 7)", '7\n');
    await ok('admin', `CREATE TABLE ${db}.kept (a String, b UInt8) ENGINE = ReplacingMergeTree ORDER BY a`, '');
    await ok('admin', `INSERT INTO ${db}.kept VALUES ('武湖街 (file)', 1), ('url(x)', 2)`, '');
    await ok('admin', `INSERT INTO ${db}.kept FORMAT JSONEachRow {"a":"FORMAT Values","b":3}`, '');
    await ok('admin', `INSERT INTO ${db}.kept SELECT toString(number), 4 FROM numbers(2)`, '');
    await ok('analyst', `SELECT count(), sum(b) FROM merge('${db}', '^kept$')`, '5\t14\n');
    await ok('admin', `SELECT a FROM ${db}.kept WHERE b < 3 ORDER BY b FORMAT TSV`, '武湖街 (file)\nurl(x)\n');
  });
});
