import { shanghaiToday } from '../../contracts/dates.ts';
import type { KpiPoint } from '../../contracts/kpis.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import { evalEnd, latestPeriod, type KpiQueries } from '../kpi/queries.ts';
import type { Period } from '../kpi/periods.ts';
import { factDelta } from './delta.ts';
import { allPlans, KIND_COLUMN, periodsOf, type KpiPlan, type Slot } from './plan.ts';
import { KPI_DEFS, KPI_RUNS, KPI_TABLES_DDL, KPI_VALUES, MARKER } from './schema.ts';

/** One KPI value that changed in the tables (what GET /api/v1/stream announces). */
export interface KpiChange {
  kpiId: string;
  slot: Slot;
  period: string;
  /** Breakdown dimension ('' for the total) and the group's value. */
  breakdown: string;
  breakdownValue: string;
  evalEnd: string;
  oldValue: number | null;
  newValue: number | null;
  /** Absent before (a new period or group) / gone now (a group that no longer has items). */
  change: 'new' | 'changed' | 'gone';
  position: number;
  recordedAt: string;
}

/** What the tables reflect after a run. */
export interface KpiTablesHead {
  position: number;
  knownOn: string;
  recordedAt: string;
  /** Per KPI, the position its current definition's rows start at. */
  since: ReadonlyMap<string, number>;
}

export interface RunSummary {
  kind: 'build' | 'incremental' | 'day';
  position: number;
  knownOn: string;
  kpis: number;
  rows: number;
  ms: number;
  /** The KPIs that took longest in this run (where the time goes), slowest first. */
  slowest: Array<{ kpi: string; from: string; ms: number }>;
}

export interface MaterializerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface KpiMaterializerOptions {
  /** The materializer's own engine session: it reads the fact tables and writes the KPI tables. */
  olap: OlapClient;
  /** The KPI queries over that session (the very SQL every read uses). */
  queries: KpiQueries;
  /** The store position every fact projection has committed. */
  committed(): Promise<number>;
  /** False while the fact projections are catching up: runs wait (a catch-up would make every run a full build). */
  ready?(): Promise<boolean>;
  /** Today in Asia/Shanghai (tests pass the day the simulated history is at). */
  today?: () => string;
  /** Least time between two runs, so a trickle of events costs bounded engine time (default 300 ms). */
  debounceMs?: number;
  /** How often committed positions are checked (default 100 ms). */
  pollMs?: number;
  log?: MaterializerLog;
  plans?: KpiPlan[];
}

export interface KpiMaterializer {
  /** Creates the tables, loads their state and starts following the fact projections. */
  start(): Promise<void>;
  /** Creates the tables and loads their state without following (tests call runOnce). */
  open(): Promise<void>;
  /** Brings the tables up to the committed position now; null when nothing moved. */
  runOnce(): Promise<RunSummary | null>;
  /** Recomputes every KPI table in full at the committed position (rows only where values differ). */
  rebuild(): Promise<RunSummary | null>;
  head(): KpiTablesHead | null;
  /** Called after each run with the values it changed. */
  onChange(listener: (changes: KpiChange[], head: KpiTablesHead) => void): () => void;
  stop(): Promise<void>;
}

type Stored = { kind: 'value' | 'gone' | 'marker'; point: string; value: number | null };

const EPOCH = '1970-01-01 00:00:00.000';
const nowText = () => new Date().toISOString().replace('T', ' ').replace('Z', '');

/**
 * Keeps the KPI tables up to date: after the fact projections' checkpoints move, recomputes the
 * KPIs whose source facts changed, for the periods those facts can touch, with the KPI queries'
 * own SQL bounded to the committed position, and adds rows only where a value changed.
 */
export function createKpiMaterializer(options: KpiMaterializerOptions): KpiMaterializer {
  const { olap, queries } = options;
  const today = options.today ?? (() => shanghaiToday());
  const plans = options.plans ?? allPlans();
  const debounceMs = options.debounceMs ?? 300;
  const pollMs = options.pollMs ?? 100;
  /** Latest row per point key `kpi|dim|slot|period|evalEnd` → per breakdown value. */
  const state = new Map<string, Map<string, Stored>>();
  const since = new Map<string, number>();
  const hashes = new Map<string, string>();
  const listeners = new Set<(changes: KpiChange[], head: KpiTablesHead) => void>();
  let head: KpiTablesHead | null = null;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let lastRunEnd = 0;
  let lastRunMs = 0;
  let stopped = false;

  async function open(): Promise<void> {
    for (const ddl of KPI_TABLES_DDL) await olap.command(ddl);
    const rows = await olap.query<{ k: string; bv: string; kind: Stored['kind']; pt: string; v: number | null }>(
      `SELECT concat(kpi_id, '|', breakdown, '|', slot, '|', period, '|', toString(eval_end)) AS k, b AS bv,
         argMax(row_kind, position) AS kind, argMax(point, position) AS pt, argMax(value, position) AS v
       FROM ${KPI_VALUES} GROUP BY k, bv`,
    );
    for (const r of rows) entry(r.k).set(r.bv, { kind: r.kind, point: r.pt, value: r.v });
    const defs = await olap.query<{ id: string; h: string; p: number }>(
      `SELECT kpi_id AS id, argMax(def_hash, since_position) AS h, max(since_position) AS p FROM ${KPI_DEFS} GROUP BY id`,
    );
    for (const d of defs) {
      hashes.set(d.id, d.h);
      since.set(d.id, Number(d.p));
    }
    const [last] = await olap.query<{ p: number; d: string; r: string }>(
      `SELECT position AS p, toString(known_on) AS d, toString(recorded_at) AS r FROM ${KPI_RUNS} ORDER BY position DESC, known_on DESC LIMIT 1`,
    );
    if (last) head = { position: Number(last.p), knownOn: last.d, recordedAt: last.r, since: new Map(since) };
  }

  function entry(key: string): Map<string, Stored> {
    let m = state.get(key);
    if (!m) state.set(key, (m = new Map()));
    return m;
  }

  /** Which KPIs a set of fact changes can move, and from which date on. */
  async function affected(after: number, upTo: number): Promise<{ byKpi: Map<string, string>; recordedAt: string }> {
    const deltas = await factDelta(olap, after, upTo);
    const byKpi = new Map<string, string>();
    let recordedAt = head?.recordedAt ?? EPOCH;
    for (const d of deltas) {
      if (d.recordedAt > recordedAt) recordedAt = d.recordedAt;
      for (const plan of plans) {
        if (!plan.tables.has(d.table)) continue;
        if (KIND_COLUMN[d.table] && !d.kinds.some((k) => plan.literals.has(k))) continue;
        const prev = byKpi.get(plan.kpi.id);
        if (prev === undefined || d.from < prev) byKpi.set(plan.kpi.id, d.from);
      }
    }
    return { byKpi, recordedAt };
  }

  /** Recomputes one KPI's points for periods ending on or after `from`, known on `day`, at `position`. */
  async function recompute(plan: KpiPlan, from: string, day: string, position: number, recordedAt: string, rows: Record<string, unknown>[], changes: KpiChange[]): Promise<void> {
    const kpi = plan.kpi;
    // Every slot's periods in one query per group of breakdown dimensions (periods are keyed by position).
    const all: Array<{ slot: Slot; period: Period }> = [];
    for (const s of plan.slots) {
      if (s === 'latest') continue;
      for (const p of periodsOf(s, day)) if (p.end >= from) all.push({ slot: s, period: p });
    }
    const latest = latestPeriod(kpi, day);
    // Dimensions that share the items in one query; the 'latest' period (last) is the total's only.
    for (const group of plan.dimGroups) {
      const todo = group.includes('') && latest.end >= from ? [...all, { slot: 'latest' as Slot, period: latest }] : all;
      if (todo.length === 0) continue;
      const periods = todo.map((t) => t.period);
      const sets = await queries.computeDims({ kpi, slot: 'month', periods, maxPosition: position, knownOn: day, breakdowns: group.map((d) => d || undefined) });
      for (const [g, dim] of group.entries()) {
        const set = sets[g]!;
        for (const [i, { slot, period: p }] of (dim === '' ? todo : all).entries()) {
          const got = set.byPeriod![i]!;
          const end = evalEnd(p, day);
          const key = `${kpi.id}|${dim}|${slot}|${p.label}|${end}`;
          const old = entry(key);
          const base = { kpi_id: kpi.id, breakdown: dim, slot, period: p.label, eval_end: end, position, recorded_at: recordedAt, computed_at: nowText() };
          if (!old.has(MARKER)) {
            const marker = got.empty;
            rows.push({ ...base, ...columns(marker), b: MARKER, row_kind: 'marker' });
            old.set(MARKER, { kind: 'marker', point: JSON.stringify(marker), value: marker.value });
          }
          const seen = new Set<string>([MARKER]);
          for (const point of got.points) {
            const b = point.breakdown ?? '';
            seen.add(b);
            const json = JSON.stringify(point);
            const prev = old.get(b);
            if (prev?.kind === 'value' && prev.point === json) continue;
            rows.push({ ...base, ...columns(point), b, row_kind: 'value' });
            old.set(b, { kind: 'value', point: json, value: point.value });
            if (prev?.value !== point.value || prev?.kind !== 'value')
              changes.push({ kpiId: kpi.id, slot, period: p.label, breakdown: dim, breakdownValue: b, evalEnd: end, oldValue: prev?.kind === 'value' ? prev.value : null, newValue: point.value, change: prev?.kind === 'value' ? 'changed' : 'new', position, recordedAt });
          }
          for (const [b, prev] of old) {
            if (seen.has(b) || prev.kind !== 'value') continue;
            rows.push({ ...base, b, row_kind: 'gone', value: null, numerator: null, denominator: null, target: null, attainment: null, components: '{}', point: '' });
            old.set(b, { kind: 'gone', point: '', value: null });
            changes.push({ kpiId: kpi.id, slot, period: p.label, breakdown: dim, breakdownValue: b, evalEnd: end, oldValue: prev.value, newValue: null, change: 'gone', position, recordedAt });
          }
        }
      }
    }
  }

  async function runOnce(full = false): Promise<RunSummary | null> {
    const started = Date.now();
    const position = await options.committed();
    const day = today();
    const built = plans.filter((p) => full || hashes.get(p.kpi.id) !== p.hash);
    if (head && position <= head.position && day === head.knownOn && built.length === 0) return null;
    const after = head ? Math.min(head.position, position) : 0;
    const { byKpi, recordedAt } = head ? await affected(after, position) : await affected(0, position);
    let kind: RunSummary['kind'] = head ? 'incremental' : 'build';
    // A new day moves the end of every period under way: recompute those of every KPI.
    if (head && day !== head.knownOn) {
      kind = 'day';
      for (const p of plans) {
        const prev = byKpi.get(p.kpi.id);
        if (prev === undefined || head.knownOn < prev) byKpi.set(p.kpi.id, head.knownOn);
      }
    }
    // A KPI first seen, or whose definition changed, is computed in full.
    for (const p of built) byKpi.set(p.kpi.id, '1970-01-01');
    const rows: Record<string, unknown>[] = [];
    const changes: KpiChange[] = [];
    const timings: RunSummary['slowest'] = [];
    for (const plan of plans) {
      const from = byKpi.get(plan.kpi.id);
      if (from === undefined) continue;
      const t0 = Date.now();
      await recompute(plan, from, day, position, recordedAt, rows, changes);
      timings.push({ kpi: plan.kpi.id, from, ms: Date.now() - t0 });
    }
    // Values first, then the definitions and the run: a reader only trusts rows a run announces.
    for (let i = 0; i < rows.length; i += 5_000) await olap.insert(KPI_VALUES, rows.slice(i, i + 5_000));
    if (built.length > 0) {
      await olap.insert(KPI_DEFS, built.map((p) => ({ kpi_id: p.kpi.id, def_hash: p.hash, since_position: position, at: nowText() })));
      for (const p of built) {
        hashes.set(p.kpi.id, p.hash);
        since.set(p.kpi.id, position);
      }
    }
    const ms = Date.now() - started;
    await olap.insert(KPI_RUNS, [{ position, known_on: day, recorded_at: recordedAt, kind, kpis: byKpi.size, rows: rows.length, ms, at: nowText() }]);
    head = { position, knownOn: day, recordedAt, since: new Map(since) };
    const slowest = timings.sort((a, b) => b.ms - a.ms).slice(0, 5);
    const summary: RunSummary = { kind, position, knownOn: day, kpis: byKpi.size, rows: rows.length, ms, slowest };
    if (kind !== 'incremental' || ms > 2_000) options.log?.info(summary, `KPI tables: ${kind} run at position ${position}, ${byKpi.size} KPIs, ${rows.length} rows, ${ms} ms`);
    for (const l of listeners) {
      try {
        l(changes, head);
      } catch (err) {
        options.log?.warn({ err }, 'a KPI change listener failed');
      }
    }
    return summary;
  }

  /** Runs serialised: a run never overlaps another. */
  function serial(full = false): Promise<RunSummary | null> {
    const run = () => runOnce(full);
    const next = running.then(run, run);
    running = next.catch(() => undefined);
    return next;
  }

  function schedule(): void {
    if (stopped) return;
    // After a run that did work, at least as long as it took before the next one: runs never take
    // more than half the engine time. A poll that found nothing to do does not count (it must not
    // push the next run back), nor does a build's or a new day's length (incremental runs follow).
    const wait = Math.max(pollMs, lastRunEnd + Math.max(debounceMs, lastRunMs) - Date.now());
    timer = setTimeout(() => {
      void (async () => {
        if (options.ready && !(await options.ready().catch(() => false))) return;
        const summary = await serial();
        if (summary) {
          lastRunEnd = Date.now();
          lastRunMs = summary.kind === 'incremental' ? summary.ms : 0;
        }
      })()
        .catch((err: unknown) => options.log?.error({ err }, 'KPI tables run failed (retried at the next poll)'))
        .finally(schedule);
    }, wait);
  }

  return {
    open,
    async start() {
      await open();
      schedule();
    },
    runOnce: () => serial(),
    rebuild: () => serial(true),
    head: () => head,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

function columns(p: KpiPoint): Record<string, unknown> {
  return {
    value: p.value,
    numerator: p.numerator ?? null,
    denominator: p.denominator ?? null,
    target: p.target,
    attainment: p.attainment,
    components: JSON.stringify(p.components ?? {}),
    point: JSON.stringify(p),
  };
}
