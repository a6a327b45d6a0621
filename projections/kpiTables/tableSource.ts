import { shanghaiToday } from '../../contracts/dates.ts';
import type { KpiPoint } from '../../contracts/kpis.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import { evalEnd, knownOnOf, NOW, type PointRequest, type PointSet, type PointSource } from '../kpi/queries.ts';
import { lit } from '../kpi/sql.ts';
import { nextRecordedAfter } from './delta.ts';
import type { KpiTablesHead } from './materializer.ts';
import { KPI_DEFS, KPI_RUNS, KPI_VALUES, MARKER } from './schema.ts';

export interface KpiTableSourceOptions {
  /** The viewers' own engine session: never the projections' or the analysts'. */
  olap: OlapClient;
  /** What the tables reflect now (the materializer's head in this process, or read from kpi_runs). */
  head(): KpiTablesHead | null;
}

export interface KpiTableSource extends PointSource {
  /** Reads answered from the KPI tables, and those left to the fact tables (and why). */
  readonly stats: { hits: number; misses: Record<string, number> };
}

interface Lookup {
  request: PointRequest;
  ends: string[];
  resolve(rows: Row[]): void;
  reject(err: unknown): void;
}
interface Row {
  id: string;
  dim: string;
  s: string;
  pl: string;
  e: string;
  bv: string;
  kind: 'value' | 'gone' | 'marker';
  pt: string;
}

/** Where the tables can answer an as-of instant: the run whose knowledge covers it exactly. */
interface Coverage {
  position: number;
  /** Days whose periods under way the tables hold at that position. */
  days: Set<string>;
}

/**
 * Reads KPI points from the KPI tables: the latest row of each point at or before the position
 * that the as-of instant's knowledge corresponds to. Answers null (the caller computes from the
 * fact tables) whenever the tables cannot answer exactly: an instant before their history or
 * inside a batch not yet materialized, a period under way on a day they have not evaluated, a KPI
 * whose definition is newer than that position, a period outside them.
 * Lookups of one position in the same tick go to the engine as one query.
 */
export function createKpiTableSource(options: KpiTableSourceOptions): KpiTableSource {
  const { olap } = options;
  const stats = { hits: 0, misses: {} as Record<string, number> };
  const pending = new Map<number, Lookup[]>();
  const coverageCache = new Map<string, Promise<Coverage | null>>();

  const miss = (why: string): null => {
    stats.misses[why] = (stats.misses[why] ?? 0) + 1;
    return null;
  };

  async function coverage(asOf: string, head: KpiTablesHead): Promise<Coverage | null> {
    const key = `${asOf}@${head.position}`;
    let hit = coverageCache.get(key);
    if (!hit) {
      hit = computeCoverage(asOf);
      coverageCache.set(key, hit);
      hit.catch(() => coverageCache.delete(key));
      if (coverageCache.size > 1_000) coverageCache.delete(coverageCache.keys().next().value as string);
    }
    return hit;
  }

  async function computeCoverage(asOf: string): Promise<Coverage | null> {
    const [run] = await olap.query<{ p: number }>(
      `SELECT max(position) AS p, count() AS n FROM ${KPI_RUNS} WHERE recorded_at <= ${lit(asOf)} HAVING n > 0`,
    );
    if (!run) return null;
    const position = Number(run.p);
    // Exact only if no fact after that position was already known at the instant.
    const next = await nextRecordedAfter(olap, position);
    if (next !== null && next <= asOf) return null;
    const days = await olap.query<{ d: string }>(`SELECT DISTINCT toString(known_on) AS d FROM ${KPI_RUNS} WHERE position = ${position}`);
    return { position, days: new Set(days.map((d) => d.d)) };
  }

  function flush(position: number): void {
    const batch = pending.get(position) ?? [];
    pending.delete(position);
    const conds = batch.map(({ request: r }) => {
      const labels = [...new Set(r.periods.map((p) => p.label))].map(lit).join(', ');
      return `(kpi_id = ${lit(r.kpi.id)} AND breakdown = ${lit(r.breakdown ?? '')} AND slot = ${lit(r.slot)} AND period IN (${labels}))`;
    });
    const ends = [...new Set(batch.flatMap((l) => l.ends))].map(lit).join(', ');
    // Conditions on the sorting key's columns first, so the engine reads only the granules asked for.
    const ids = [...new Set(batch.map((l) => l.request.kpi.id))].map(lit).join(', ');
    const dims = [...new Set(batch.map((l) => l.request.breakdown ?? ''))].map(lit).join(', ');
    const slots = [...new Set(batch.map((l) => l.request.slot))].map(lit).join(', ');
    olap
      .query<Row>(
        `SELECT kpi_id AS id, breakdown AS dim, slot AS s, period AS pl, toString(eval_end) AS e, b AS bv, argMax(row_kind, position) AS kind, argMax(point, position) AS pt
         FROM ${KPI_VALUES}
         WHERE kpi_id IN (${ids}) AND breakdown IN (${dims}) AND slot IN (${slots}) AND position <= ${Math.floor(position)} AND eval_end IN (${ends}) AND (${conds.join(' OR ')})
         GROUP BY id, dim, s, pl, e, bv`,
      )
      .then(
        (rows) => {
          for (const l of batch) {
            const r = l.request;
            l.resolve(rows.filter((x) => x.id === r.kpi.id && x.dim === (r.breakdown ?? '') && x.s === r.slot));
          }
        },
        (err: unknown) => {
          for (const l of batch) l.reject(err);
        },
      );
  }

  function lookup(position: number, request: PointRequest, ends: string[]): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      let list = pending.get(position);
      if (!list) {
        pending.set(position, (list = []));
        setImmediate(() => flush(position));
      }
      list.push({ request, ends, resolve, reject });
    });
  }

  return {
    stats,
    async points(request: PointRequest): Promise<PointSet | null> {
      const head = options.head();
      if (!head) return miss('no tables yet');
      let position: number;
      let day: string;
      let days: Set<string>;
      if (request.asOf === NOW) {
        position = head.position;
        day = shanghaiToday();
        days = new Set([head.knownOn]);
      } else {
        const c = await coverage(request.asOf, head);
        if (!c) return miss('as-of outside the tables');
        position = c.position;
        day = knownOnOf(request.asOf);
        days = c.days;
      }
      const defSince = head.since.get(request.kpi.id);
      if (defSince === undefined || defSince > position) return miss('definition newer');
      const ends: string[] = [];
      for (const p of request.periods) {
        const end = evalEnd(p, day);
        // A period under way is evaluated on a given day: only runs of that day hold it.
        if (end !== p.end && !days.has(day)) return miss('day not evaluated');
        ends.push(end);
      }
      const rows = await lookup(position, request, ends);
      const points: KpiPoint[] = [];
      const empty = new Map<string, KpiPoint>();
      for (const [i, p] of request.periods.entries()) {
        const own = rows.filter((r) => r.pl === p.label && r.e === ends[i]);
        const marker = own.find((r) => r.bv === MARKER && r.kind === 'marker');
        if (!marker) return miss('period not in tables');
        empty.set(p.label, JSON.parse(marker.pt) as KpiPoint);
        const values = own.filter((r) => r.kind === 'value' && r.bv !== MARKER).sort((a, b) => Buffer.compare(Buffer.from(a.bv), Buffer.from(b.bv)));
        for (const v of values) points.push(JSON.parse(v.pt) as KpiPoint);
      }
      stats.hits++;
      return { points, empty };
    },
  };
}

/**
 * The tables' head read from kpi_runs / kpi_defs every `intervalMs`: for a process that reads the
 * KPI tables without running their materializer (the distributed API).
 */
export function pollKpiTablesHead(olap: OlapClient, intervalMs = 500): { head(): KpiTablesHead | null; stop(): void } {
  let head: KpiTablesHead | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  async function read(): Promise<void> {
    const [run] = await olap.query<{ p: number; d: string; r: string }>(
      `SELECT position AS p, toString(known_on) AS d, toString(recorded_at) AS r FROM ${KPI_RUNS} ORDER BY position DESC, known_on DESC LIMIT 1`,
    );
    if (!run) return;
    const defs = await olap.query<{ id: string; p: number }>(`SELECT kpi_id AS id, max(since_position) AS p FROM ${KPI_DEFS} GROUP BY id`);
    head = { position: Number(run.p), knownOn: run.d, recordedAt: run.r, since: new Map(defs.map((d) => [d.id, Number(d.p)])) };
  }
  const loop = () => {
    if (stopped) return;
    // Tables not created yet read as "no head": reads go to the fact tables meanwhile.
    read()
      .catch(() => undefined)
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  };
  loop();
  return {
    head: () => head,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
