// Real third-party ClickHouse clients against the embedded engine's HTTP interface: the official
// JDBC driver (what DBeaver uses), driven by test/olap/jdbc/Probe.java in a JVM, and Python's
// clickhouse-connect. scripts/ensureTestClients.mjs installs them (npm test runs it first; this file
// runs it again, which is quick once they are there).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { z } from 'zod';
import { startOlapHttp, uniqueDatabase, type RunningOlapHttp } from './harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const Unavailable = z.object({ ok: z.literal(false), reason: z.string() });
const EnsureReport = z.object({
  python: z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), interpreter: z.string(), version: z.string() }), Unavailable]),
  jdbc: z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), classpath: z.string(), driverVersion: z.string() }), Unavailable]),
});
type EnsureReport = z.infer<typeof EnsureReport>;

interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program asynchronously (the server under test lives in this process), feeding it stdin. */
function spawnOutput(file: string, args: string[], stdin = '', timeoutMs = 120_000): Promise<Output> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { cwd: ROOT, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr: err && code === 1 && !stderr ? err.message : stderr });
    });
    child.stdin?.end(stdin, 'utf8');
  });
}

let h: RunningOlapHttp;
let clients: EnsureReport;
let db: string;
const jsClients: ClickHouseClient[] = [];

beforeAll(async () => {
  // Before the server starts: a first install may take a while and needs no server.
  const ensured = await spawnOutput(process.execPath, [path.join(ROOT, 'scripts', 'ensureTestClients.mjs'), '--json'], '', 900_000);
  try {
    clients = EnsureReport.parse(JSON.parse(ensured.stdout));
  } catch {
    const reason = `scripts/ensureTestClients.mjs gave no report (exit ${ensured.code}): ${ensured.stderr.trim()}`;
    clients = { python: { ok: false, reason }, jdbc: { ok: false, reason } };
  }
  h = await startOlapHttp();
  db = uniqueDatabase('jdbc');
  const admin = createClient({ url: h.url, username: 'admin', password: h.adminKey });
  jsClients.push(admin);
  await admin.command({ query: `CREATE DATABASE ${db}` });
  await admin.command({ query: `CREATE TABLE ${db}.firms (uscc String, name String, street String, hte UInt8) ENGINE = MergeTree ORDER BY uscc` });
  await admin.insert({
    table: `${db}.firms`,
    values: [
      { uscc: '91420100MA4K0001X1', name: '长江新区智造科技有限公司', street: '武湖街', hte: 1 },
      { uscc: '91420100MA4K0002X1', name: '阳逻港务\t物流', street: '阳逻街', hte: 0 },
      { uscc: '91420100MA4K0003X1', name: '谌家矶生物医药', street: '武湖街', hte: 1 },
    ],
    format: 'JSONEachRow',
  });
}, 900_000);

afterAll(async () => {
  await Promise.all(jsClients.map((c) => c.close()));
  await h?.server.close();
});

/** The client's details, or: fail with the install's reason on CI, skip with it elsewhere. */
function need<K extends keyof EnsureReport>(ctx: TestContext, name: K): Extract<EnsureReport[K], { ok: true }> {
  const r = clients[name];
  if (r.ok) return r as Extract<EnsureReport[K], { ok: true }>;
  if (process.env.CI === 'true') throw new Error(`${name} client could not be installed by scripts/ensureTestClients.mjs: ${r.reason}`);
  console.log(`skipped: the ${name} client is not available (${r.reason}); run node scripts/ensureTestClients.mjs`);
  return ctx.skip(`${name} client not available`);
}

type ProbeResult = { ok: true; header: string[]; rows: string[][] };
type ProbeStep = ProbeResult | { ok: false; code: number; message: string };

function unescapeTsv(v: string): string | null {
  if (v === '\\N') return null;
  return v.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c));
}

/** Parses Probe's report: `### <n> ok` + TSV lines, or `### <n> error <code> <message>`. */
function parseProbe(stdout: string): ProbeStep[] {
  const steps: ProbeStep[] = [];
  let current: ProbeResult | undefined;
  for (const line of stdout.split('\n')) {
    const head = /^### (\S+) (ok|error)(?: (-?\d+) (.*))?$/.exec(line);
    if (head?.[2] === 'ok') {
      current = { ok: true, header: [], rows: [] };
      steps.push(current);
    } else if (head) {
      current = undefined;
      steps.push({ ok: false, code: Number(head[3]), message: head[4] ?? '' });
    } else if (current && line !== '') {
      const cells = line.split('\t').map((c) => unescapeTsv(c) ?? '\\N');
      if (current.header.length === 0) current.header = cells;
      else current.rows.push(cells);
    }
  }
  return steps;
}

interface ProbeRun extends Output {
  steps: ProbeStep[];
}

/**
 * One JVM: connects with the official driver the way an analyst configures DBeaver (the JDBC URL
 * with compress=false, user and password as connection properties) and runs the steps in order.
 */
async function jdbc(jar: { classpath: string }, user: string, password: string, steps: string[], urlOptions = 'compress=false'): Promise<ProbeRun> {
  const url = `jdbc:clickhouse://127.0.0.1:${h.port}/${db}${urlOptions ? `?${urlOptions}` : ''}`;
  // Steps go through stdin: the JVM decodes its arguments in the locale's charset (LANG=C mangles Chinese).
  const out = await spawnOutput('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=error', '-cp', jar.classpath, 'Probe', url, user, password], `${steps.join('\n')}\n`);
  return { ...out, steps: parseProbe(out.stdout) };
}

function ok(step: ProbeStep | undefined, context: ProbeRun): ProbeResult {
  expect(step, `probe stdout:\n${context.stdout}\nstderr:\n${context.stderr}`).toMatchObject({ ok: true });
  return step as ProbeResult;
}

describe('when DBeaver connects through the official ClickHouse JDBC driver (compress=false)', () => {
  it('as admin: reads rows with Chinese text intact, and creates, fills and reads a table through the driver', async (ctx) => {
    const jar = need(ctx, 'jdbc');
    const run = await jdbc(jar, 'admin', h.adminKey, [
      'SELECT uscc, name AS `企业名称`, street AS `街道` FROM firms ORDER BY uscc',
      `CREATE DATABASE ${db}_w`,
      `CREATE TABLE ${db}_w.notes (uscc String, note String) ENGINE = MergeTree ORDER BY uscc`,
      `INSERT INTO ${db}_w.notes VALUES ('91420100MA4K0004X1', '武汉光谷"新区"分公司：复审通过')`,
      `SELECT note FROM ${db}_w.notes`,
    ]);
    const read = ok(run.steps[0], run);
    expect(read.header).toEqual(['uscc', '企业名称', '街道']);
    expect(read.rows).toEqual([
      ['91420100MA4K0001X1', '长江新区智造科技有限公司', '武湖街'],
      ['91420100MA4K0002X1', '阳逻港务\t物流', '阳逻街'],
      ['91420100MA4K0003X1', '谌家矶生物医药', '武湖街'],
    ]);
    for (const step of run.steps.slice(1, 4)) ok(step, run);
    expect(ok(run.steps[4], run).rows).toEqual([['武汉光谷"新区"分公司：复审通过']]);
    expect(run.code).toBe(0);
  });

  it('as admin: answers an aggregate with Chinese labels and SELECT version() with the engine version', async (ctx) => {
    const jar = need(ctx, 'jdbc');
    const js = createClient({ url: h.url, username: 'admin', password: h.adminKey });
    jsClients.push(js);
    const expected = (await (await js.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })).json<{ v: string }>())[0]!.v;
    const run = await jdbc(jar, 'admin', h.adminKey, [
      'SELECT street AS `街道`, count() AS `企业数`, sum(hte) AS `高企数量` FROM firms GROUP BY street ORDER BY street',
      'SELECT version()',
    ]);
    expect(ok(run.steps[0], run)).toEqual({
      ok: true,
      header: ['街道', '企业数', '高企数量'],
      rows: [
        ['武湖街', '2', '2'],
        ['阳逻街', '1', '0'],
      ],
    });
    expect(ok(run.steps[1], run).rows).toEqual([[expected]]);
  });

  it('answers the DatabaseMetaData calls DBeaver makes on connect: product, databases, tables, columns', async (ctx) => {
    const jar = need(ctx, 'jdbc');
    const run = await jdbc(jar, 'analyst', h.analystKey, ['--meta'], 'compress=false&clickhouse.jdbc.v1=true');
    const meta = ok(run.steps[0], run).rows;
    const values = (key: string) => meta.filter(([k]) => k === key).map(([, v]) => v);
    expect(values('product')).toEqual(['ClickHouse']);
    expect(values('productVersion')[0]).toMatch(/^\d+\.\d+/);
    // The legacy implementation shows databases as catalogs (DBeaver's tree), the v2 one as schemas.
    expect(values('catalogs')).toEqual(expect.arrayContaining([db, 'system']));
    expect(values('tables')).toEqual(['firms TABLE']);
    expect(values('columns')).toEqual(['firms.uscc String', 'firms.name String', 'firms.street String', 'firms.hte UInt8']);
    const admin = await jdbc(jar, 'admin', h.adminKey, ['--meta']);
    const adminMeta = ok(admin.steps[0], admin).rows;
    expect(adminMeta.filter(([k]) => k === 'schemas').map(([, v]) => v)).toEqual(expect.arrayContaining([db, 'system']));
    expect(adminMeta.filter(([k]) => k === 'tables').map(([, v]) => v)).toEqual(['firms TABLE']);
  });

  it('as analyst (driver property clickhouse.jdbc.v1=true): reads, and DROP TABLE / INSERT fail with code 164 READONLY', async (ctx) => {
    const jar = need(ctx, 'jdbc');
    const run = await jdbc(
      jar,
      'analyst',
      h.analystKey,
      ['SELECT name FROM firms WHERE hte = 1 ORDER BY uscc', `DROP TABLE ${db}.firms`, `INSERT INTO ${db}.firms VALUES ('x', '非法', '武湖街', 1)`],
      'compress=false&clickhouse.jdbc.v1=true',
    );
    expect(ok(run.steps[0], run).rows).toEqual([['长江新区智造科技有限公司'], ['谌家矶生物医药']]);
    expect(run.steps[1]).toMatchObject({ ok: false, code: 164, message: expect.stringContaining('READONLY') });
    expect(run.steps[2]).toMatchObject({ ok: false, code: 164, message: expect.stringContaining('READONLY') });
    expect(run.code).toBe(1);
  });

  // The driver's default (v2) implementation restates async_insert=0 on every request; read-only
  // sessions are opened with --async_insert=0 (a server's default) so the restatement changes nothing.
  it('as analyst with the default (v2) implementation: reads, and DROP TABLE fails with code 164', async (ctx) => {
    const jar = need(ctx, 'jdbc');
    const run = await jdbc(jar, 'analyst', h.analystKey, ['SELECT count() FROM firms', `DROP TABLE ${db}.firms`]);
    expect(ok(run.steps[0], run).rows).toEqual([['3']]);
    expect(run.steps[1]).toMatchObject({ ok: false, code: 164, message: expect.stringContaining('is not a read') });
  });

  it('refuses a wrong password with code 516 AUTHENTICATION_FAILED through the SQLException', async (ctx) => {
    const jar = need(ctx, 'jdbc');
    const run = await jdbc(jar, 'analyst', 'not-the-key', ['SELECT 1']);
    expect(run.code).not.toBe(0);
    expect(run.steps).toEqual([{ ok: false, code: 516, message: expect.stringContaining('AUTHENTICATION_FAILED') }]);
  });

  it('tells a user who forgot compress=false what to set (code 48)', async (ctx) => {
    const jar = need(ctx, 'jdbc');
    const run = await jdbc(jar, 'admin', h.adminKey, ['SELECT 1'], '');
    expect(run.steps).toEqual([{ ok: false, code: 48, message: expect.stringContaining('compress=false') }]);
  });
});

const PYTHON_CHECK = `
import json, re, sys
import clickhouse_connect
port, admin_key, analyst_key, db = sys.argv[1:5]
def code(e):
    m = re.search(r'Code: (\\d+)', str(e))
    return int(m.group(1)) if m else str(e)
admin = clickhouse_connect.get_client(host='127.0.0.1', port=int(port), username='admin', password=admin_key)
admin.command(f'CREATE DATABASE {db}')
admin.command(f'CREATE TABLE {db}.firms (uscc String, street String, hte UInt8) ENGINE = MergeTree ORDER BY uscc')
admin.insert(f'{db}.firms', [['91420100MA4K0001X1', '武湖街', 1], ['91420100MA4K0002X1', '武湖街', 0], ['91420100MA4K0003X1', '阳逻街', 1]], column_names=['uscc', 'street', 'hte'])
analyst = clickhouse_connect.get_client(host='127.0.0.1', port=int(port), username='analyst', password=analyst_key, database=db)
res = analyst.query('SELECT street AS \`街道\`, sum(hte) AS \`高企数量\` FROM firms GROUP BY street ORDER BY street')
refused = {}
for name, attempt in [('drop', lambda: analyst.command(f'DROP TABLE {db}.firms')),
                      ('insert', lambda: analyst.insert('firms', [['x', '武湖街', 1]], column_names=['uscc', 'street', 'hte']))]:
    try:
        attempt()
        refused[name] = None
    except Exception as e:
        refused[name] = code(e)
try:
    clickhouse_connect.get_client(host='127.0.0.1', port=int(port), username='analyst', password='nope').query('SELECT 1')
    refused['password'] = None
except Exception as e:
    refused['password'] = code(e)
count = admin.query(f'SELECT count() FROM {db}.firms').result_rows[0][0]
print(json.dumps({'columns': list(res.column_names), 'rows': [list(r) for r in res.result_rows], 'refused': refused, 'count': count}, ensure_ascii=False))
`;

describe('when a Python analyst uses clickhouse-connect', () => {
  it('inserts as admin (Native over HTTP), reads Chinese-labelled columns as analyst, is refused writes (164) and a wrong password (516)', async (ctx) => {
    const py = need(ctx, 'python');
    const pyDb = uniqueDatabase('py');
    const r = await spawnOutput(py.interpreter, ['-c', PYTHON_CHECK, String(h.port), h.adminKey, h.analystKey, pyDb]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { columns: string[]; rows: unknown[][]; refused: Record<string, number | string | null>; count: number };
    expect(out.columns).toEqual(['街道', '高企数量']);
    expect(out.rows).toEqual([
      ['武湖街', 1],
      ['阳逻街', 1],
    ]);
    expect(out.refused).toEqual({ drop: 164, insert: 164, password: 516 });
    expect(out.count).toBe(3);
  });
});
