import { randomInt } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { shanghaiToday } from '../../contracts/dates.ts';
import type { IngestReport } from '../../contracts/ingest.ts';
import { FACT_PROJECTIONS } from '../../projections/facts/index.ts';
import { generateHistory } from '../../services/seed/generateHistory.ts';
import { mixedBatch } from '../fixtures/ingest/records.ts';
import { freePort, getJson, startService, tempDir, waitReady, type ServiceProcess } from '../distributed/processes.ts';

/**
 * Fault injection: the all-in-one platform killed with SIGKILL at ten random instants while it
 * seeds its sample history, projects it and builds its KPI tables, with a client sending records
 * all along; restarted after each kill. At the end, once caught up, its KPIs (the /kpis cards,
 * series, scorecards, the KPI tables) and fact-table row counts equal those of a fresh platform
 * that projected a copy of the same store from scratch, and the store holds every acknowledged
 * event exactly once.
 *
 * The instants come from a seeded PRNG: the seed is printed, and FAULT_SEED=<seed> replays the
 * same schedule (kill delays and batch sizes; the machine's timing still varies).
 */

const KILLS = 10;
/** Sample firms seeded (about 40 events each): a history small enough to seed in a few seconds, so the kills span seeding, projection and KPI-table builds. */
const ENTERPRISES = 300;
/** Kill delay after the platform first answers /readyz: uniform in [MIN, MIN + SPAN) ms. */
const KILL_MIN_MS = 300;
const KILL_SPAN_MS = 3_200;
/** Share of the kills timed from the spawn instead, uniform in [MIN, MIN + SPAN) ms: most land while the process starts. */
const STARTUP_SHARE = 0.25;
const STARTUP_KILL_MIN_MS = 500;
const STARTUP_KILL_SPAN_MS = 7_500;
/** Pause between the client's batches. */
const WRITER_PAUSE_MS = 50;
/** Client records take fixture ids from here (far from the sample history's identifiers). */
const CLIENT_OFFSET = 9_000_000;

function faultSeed(): number {
  const raw = process.env.FAULT_SEED;
  if (raw === undefined || raw === '') return randomInt(2 ** 31);
  if (!/^\d+$/.test(raw) || Number(raw) >= 2 ** 32) throw new Error(`FAULT_SEED must be an integer in [0, 2^32), got "${raw}"`);
  return Number(raw);
}

/** mulberry32: a small, fast, seedable PRNG with a period of 2^32. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Keys = Record<'admin' | 'ingest' | 'viewer' | 'analyst', string>;

interface Status {
  store: { head: number; events: number };
  projections: Array<{ name: string; checkpoint: number; state: string }>;
}

interface Platform {
  base: string;
  olap: string;
  data: string;
  keys(): Keys;
}

/** The head of a store file, read after its process is gone (0 when it was not created yet). */
function storeHead(file: string): number {
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT coalesce(max(position), 0) AS h FROM events').get() as { h: number }).h;
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for `probe` to return a value, polling; fails with `describe()` after `timeoutMs`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, describe: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached after ${timeoutMs} ms\n${describe()}`);
    await sleep(250);
  }
}

async function sql<T>(p: Platform, query: string): Promise<T[]> {
  const res = await fetch(`${p.olap}/?default_format=JSONEachRow`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`analyst:${p.keys().analyst}`).toString('base64')}` },
    body: query,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`SQL ${res.status}: ${text.slice(0, 500)} (query: ${query})`);
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}

/** Caught up: every projection live at the store head, and the KPI tables built at that head. */
async function caughtUp(p: Platform, service: ServiceProcess, timeoutMs: number): Promise<number> {
  let last: unknown;
  return until(
    `${service.name} caught up`,
    async () => {
      const s = await getJson<Status>(`${p.base}/api/v1/status`, p.keys().viewer);
      const [run] = await sql<{ p: string }>(p, 'SELECT toString(max(position)) AS p FROM kpi_runs');
      last = { status: s, kpiTables: run?.p };
      const live = s.projections.length > 0 && s.projections.every((x) => x.state === 'live' && x.checkpoint === s.store.head);
      return live && Number(run?.p) === s.store.head ? s.store.head : undefined;
    },
    timeoutMs,
    () => `last seen: ${JSON.stringify(last)}\n${service.output().slice(-3000)}`,
  );
}

/** What the screens and analysts see: compared between the killed platform and the clean rebuild. */
async function snapshot(p: Platform) {
  const viewer = p.keys().viewer;
  const get = <T>(route: string) => getJson<T>(`${p.base}/api/v1${route}`, viewer);
  const { kpis } = await get<{ kpis: Array<{ id: string; state: string; latest: unknown; error?: unknown }> }>('/kpis');
  const series: Record<string, unknown> = {};
  for (const [id, query] of [
    ['hte_count', 'grain=quarter&breakdown=street'],
    ['tech_contract_turnover', 'grain=month'],
    ['task_milestone_completion', 'grain=year'],
    ['invention_patents_per_10k', 'grain=ytd'],
    ['incubating_tenants', 'grain=half'],
  ] as const)
    series[`${id}?${query}`] = (await get<{ series: unknown }>(`/kpis/${id}/series?${query}`)).series;
  const scorecards: Record<string, unknown> = {};
  for (const unit of ['科创局', '市场监管局', '组织部', '财政国资局'])
    for (const period of ['2025', '2025-H2', String(new Date().getUTCFullYear())])
      scorecards[`${unit} ${period}`] = await get(`/scorecards/${encodeURIComponent(unit)}?period=${period}`);
  const facts: Record<string, number> = {};
  for (const table of FACT_PROJECTIONS.flatMap((x) => x.tables.map((t) => t.name)))
    facts[table] = Number((await sql<{ n: string }>(p, `SELECT toString(count()) AS n FROM ${table}`))[0]!.n);
  // Every KPI point the KPI tables hold; `position` and `recorded_at` say which run last wrote a
  // point (a build writes all at its head, incremental runs only what changed), so they differ by design.
  const kpiTable = await sql<Record<string, unknown>>(
    p,
    `SELECT kpi_id, grain, period, breakdown, breakdown_value, toString(eval_end) AS eval_end, value, numerator, denominator, target, attainment, components
     FROM kpi_table ORDER BY kpi_id, grain, period, breakdown, breakdown_value`,
  );
  return { kpis: kpis.map((k) => ({ id: k.id, state: k.state, latest: k.latest })), errors: kpis.filter((k) => k.state === 'error'), series, scorecards, facts, kpiTable };
}

describe('when the platform is killed at ten random instants while it seeds and projects', () => {
  const seed = faultSeed();
  const replay = `FAULT_SEED=${seed} npx vitest run test/faults/randomKills.test.ts`;
  const dirs: string[] = [];
  const processes: ServiceProcess[] = [];
  let passed = false;
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    if (passed) for (const d of dirs) rmSync(d, { recursive: true, force: true });
    else {
      // Each process's log (warnings and errors, JSON lines) next to the data it wrote.
      processes.forEach((p, n) => writeFileSync(path.join(dirs[0] ?? tmpdir(), `process-${n + 1}.log`), `${p.name}\n${p.output()}`));
      console.error(`randomKills: data folders (and process-N.log, each process's output) kept for inspection: ${dirs.join(', ')}\nreplay: ${replay}`);
    }
  });

  it('keeps every acknowledged event once, and ends with the KPIs of a clean rebuild', async ({ onTestFailed }) => {
    console.log(`randomKills: FAULT_SEED=${seed} (replay: ${replay})`);
    onTestFailed(() => console.error(`randomKills failed with FAULT_SEED=${seed}; replay: ${replay}`));
    const started = Date.now();
    const killRng = prng(seed);
    const batchRng = prng(seed ^ 0x9e3779b9);
    const data = tempDir('brain-kills-');
    const fresh = tempDir('brain-kills-clean-');
    dirs.push(data, fresh);
    const [port, olapPort, freshPort, freshOlapPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env = { DATA_DIR: data, PORT: String(port), OLAP_PORT: String(olapPort), TRICKLE: 'false', SEED_ENTERPRISES: String(ENTERPRISES) };
    const keysOf = (dir: string) => () => JSON.parse(readFileSync(path.join(dir, 'dev-keys.json'), 'utf8')) as Keys;
    const killed: Platform = { base: `http://127.0.0.1:${port}`, olap: `http://127.0.0.1:${olapPort}`, data, keys: keysOf(data) };
    const seedTotal = generateHistory({ to: shanghaiToday(new Date()), enterprises: ENTERPRISES }).total;
    const seedState = () => (existsSync(path.join(data, 'seed-state.json')) ? readFileSync(path.join(data, 'seed-state.json'), 'utf8') : '(none)');

    // The client: batches of fixture records, one request at a time. A 200 acknowledges every
    // record's events; a request cut by a kill is unacknowledged and is sent again at the end.
    const acknowledged = new Map<string, number>();
    const unacknowledged: unknown[][] = [];
    const refusals: string[] = [];
    let nextRecord = CLIENT_OFFSET;
    const send = async (records: unknown[]): Promise<'acknowledged' | 'cut'> => {
      let res: Response;
      try {
        res = await fetch(`${killed.base}/api/v1/ingest/records`, {
          method: 'POST',
          headers: { authorization: `Bearer ${killed.keys().ingest}`, 'content-type': 'application/x-ndjson' },
          body: records.map((r) => JSON.stringify(r)).join('\n'),
          signal: AbortSignal.timeout(120_000),
        });
      } catch {
        return 'cut';
      }
      const text = await res.text().catch(() => null);
      if (text === null) return 'cut';
      if (res.status !== 200) {
        refusals.push(`${res.status}: ${text.slice(0, 300)}`);
        return 'cut';
      }
      const report = JSON.parse(text) as IngestReport;
      if (report.rejected !== 0 || report.accepted + report.duplicates !== records.length) refusals.push(`partial report: ${text.slice(0, 500)}`);
      for (const r of report.results) if (r.status !== 'rejected') for (const id of r.eventIds) acknowledged.set(id, (acknowledged.get(id) ?? 0) + 1);
      return 'acknowledged';
    };
    const startWriter = () => {
      let running = true;
      const loop = (async () => {
        while (running) {
          const size = 5 + Math.floor(batchRng() * 30);
          const records = mixedBatch(size, nextRecord);
          nextRecord += size;
          if ((await send(records)) === 'cut') {
            unacknowledged.push(records);
            return;
          }
          // Paced like a department's feed, not a bulk load: the final catch-up stays short.
          await sleep(WRITER_PAUSE_MS);
        }
      })();
      return async () => {
        running = false;
        await loop;
      };
    };

    const kills: Array<{ phase: 'startup' | 'running'; delayMs: number; readyMs: number | null; head: number; acknowledged: number; seeding: string }> = [];
    for (let i = 1; i <= KILLS; i++) {
      // About one kill in four lands while the process starts (store, engine, tables and runner
      // opening, projections resuming); the others at an instant after it serves, while it seeds,
      // takes the client's records, projects them and builds its KPI tables.
      const phase = killRng() < STARTUP_SHARE ? 'startup' : 'running';
      const delay = phase === 'startup' ? STARTUP_KILL_MIN_MS + Math.floor(killRng() * STARTUP_KILL_SPAN_MS) : KILL_MIN_MS + Math.floor(killRng() * KILL_SPAN_MS);
      const platform = startService(`incarnation ${i}`, env, ['start', '--no-trickle']);
      processes.push(platform);
      const spawned = Date.now();
      const timing = { readyMs: null as number | null };
      // Settles either way (ready, or the child died first: then with its error), so nothing is left unhandled.
      const ready = waitReady(platform, `${killed.base}/readyz`, 180_000).then(
        () => {
          timing.readyMs = Date.now() - spawned;
          return 'ready' as const;
        },
        (e: unknown) => e as Error,
      );
      let stopWriter = async () => {};
      if (phase === 'running') {
        const outcome = await ready;
        if (outcome instanceof Error) throw outcome;
        stopWriter = startWriter();
        await sleep(delay);
      } else {
        // `delay` after the spawn, ready or not; the client writes from when it is.
        const outcome = await Promise.race([ready, sleep(delay).then(() => 'due' as const)]);
        if (outcome instanceof Error) throw outcome;
        if (outcome === 'ready') {
          stopWriter = startWriter();
          await sleep(Math.max(0, delay - (Date.now() - spawned)));
        }
      }
      await platform.kill('SIGKILL');
      expect(platform.child.signalCode, `incarnation ${i} was still running at its kill:\n${platform.stderr().slice(-3000)}`).toBe('SIGKILL');
      await stopWriter();
      await ready;
      const head = storeHead(path.join(data, 'events.sqlite'));
      kills.push({ phase, delayMs: delay, readyMs: timing.readyMs, head, acknowledged: acknowledged.size, seeding: seedState().match(/"state":"(\w+)"/)?.[1] ?? 'none' });
    }
    console.log(
      `randomKills: FAULT_SEED=${seed}: kills (when, store head after it, events acknowledged so far, seeding):\n` +
        kills
          .map((k, n) => {
            const when = k.phase === 'startup' ? `${k.delayMs} ms after the spawn (${k.readyMs === null ? 'starting' : `ready at ${k.readyMs} ms`})` : `${k.delayMs} ms after ready (ready at ${k.readyMs} ms)`;
            return `  #${n + 1} ${when}, head ${k.head}, acknowledged ${k.acknowledged}, seeding ${k.seeding}`;
          })
          .join('\n'),
    );
    expect(refusals, 'the platform refused or half-answered client batches').toEqual([]);

    const killsDone = Date.now();

    // The last start: seeding resumes and completes; the client sends again what was cut.
    const last = startService('after the kills', env, ['start', '--no-trickle']);
    processes.push(last);
    await waitReady(last, `${killed.base}/readyz`, 180_000);
    const resent = unacknowledged.length;
    for (const records of unacknowledged.splice(0)) expect(await send(records), 'a re-sent batch').toBe('acknowledged');
    expect(refusals, 'the platform refused or half-answered re-sent batches').toEqual([]);
    await until('seeding complete', async () => (seedState().includes('"complete"') ? true : undefined), 300_000, () => `${seedState()}\n${last.output().slice(-3000)}`);
    const seeding = JSON.parse(seedState()) as { total: number; accepted: number; duplicates: number; rejected: number };
    expect(seeding).toMatchObject({ total: seedTotal, rejected: 0 });
    expect(seeding.accepted + seeding.duplicates).toBe(seedTotal);

    // The store, read from a consistent copy (SQLite's online backup), which the clean rebuild starts from.
    const clientRecords = nextRecord - CLIENT_OFFSET;
    {
      const live = new Database(path.join(data, 'events.sqlite'), { readonly: true, fileMustExist: true });
      await live.backup(path.join(fresh, 'events.sqlite'));
      live.close();
    }
    const store = new Database(path.join(fresh, 'events.sqlite'), { readonly: true, fileMustExist: true });
    const count = (q: string) => (store.prepare(q).get() as { n: number }).n;
    const doubled = store.prepare('SELECT event_id, count(*) AS n FROM events GROUP BY event_id HAVING n > 1 LIMIT 10').all();
    const ids = new Set((store.prepare('SELECT event_id FROM events').all() as Array<{ event_id: string }>).map((r) => r.event_id));
    const totals = {
      events: count('SELECT count(*) AS n FROM events'),
      head: count('SELECT coalesce(max(position), 0) AS n FROM events'),
      typeCounts: count('SELECT coalesce(sum(n), 0) AS n FROM type_counts'),
      seeded: count(`SELECT count(*) AS n FROM events WHERE json_extract(meta, '$.actor') = 'system:seed'`),
    };
    store.close();
    expect(doubled, 'events stored twice').toEqual([]);
    expect(acknowledged.size, 'every client record acknowledged once sent again').toBe(clientRecords);
    const missing = [...acknowledged.keys()].filter((id) => !ids.has(id));
    expect(missing, 'acknowledged events missing from the store').toEqual([]);
    expect(totals).toEqual({ events: seedTotal + clientRecords, head: seedTotal + clientRecords, typeCounts: seedTotal + clientRecords, seeded: seedTotal });

    // The clean rebuild: a fresh platform on the copy, projecting and building its KPI tables from
    // position 0, while the killed platform catches up (two processes, one core each).
    const clean = startService('clean rebuild', { DATA_DIR: fresh, PORT: String(freshPort), OLAP_PORT: String(freshOlapPort), TRICKLE: 'false' });
    processes.push(clean);
    const rebuilt: Platform = { base: `http://127.0.0.1:${freshPort}`, olap: `http://127.0.0.1:${freshOlapPort}`, data: fresh, keys: keysOf(fresh) };
    await waitReady(clean, `${rebuilt.base}/readyz`, 180_000);
    const [headKilled, headClean] = await Promise.all([caughtUp(killed, last, 600_000), caughtUp(rebuilt, clean, 600_000)]);
    const caughtUpAt = Date.now();
    expect(headKilled).toBe(seedTotal + clientRecords);
    expect(headClean).toBe(headKilled);

    const [after, reference] = [await snapshot(killed), await snapshot(rebuilt)];
    expect(reference.errors, 'KPIs in error on the clean rebuild').toEqual([]);
    expect(after.errors, 'KPIs in error after the kills').toEqual([]);
    expect(reference.kpis.filter((k) => k.state === 'ok').length, 'KPIs with a value').toBeGreaterThan(20);
    expect(reference.facts.fact_entity_locations, 'fact rows').toBeGreaterThan(0);
    expect(reference.kpiTable.length, 'KPI table points').toBeGreaterThan(1000);
    expect(after.facts, 'fact-table row counts').toEqual(reference.facts);
    expect(after.kpis, 'GET /api/v1/kpis').toEqual(reference.kpis);
    expect(after.series, 'series').toEqual(reference.series);
    expect(after.scorecards, 'scorecards').toEqual(reference.scorecards);
    expect(after.kpiTable.length, 'KPI table points').toBe(reference.kpiTable.length);
    expect(after.kpiTable, 'KPI table points').toEqual(reference.kpiTable);
    console.log(
      `randomKills: FAULT_SEED=${seed}: ${KILLS} kills, ${seedTotal} seeded + ${clientRecords} client events (${resent} cut batches sent again), ` +
        `${reference.kpiTable.length} KPI points equal to the clean rebuild, in ${Math.round((Date.now() - started) / 1000)} s ` +
        `(kills ${Math.round((killsDone - started) / 1000)} s, last start to both caught up ${Math.round((caughtUpAt - killsDone) / 1000)} s, comparison ${Math.round((Date.now() - caughtUpAt) / 1000)} s)`,
    );
    passed = true;
  }, 900_000);
});
