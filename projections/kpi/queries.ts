import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../contracts/errors.ts';
import {
  Breakdown as BreakdownSchema,
  DEFAULT_TARGETS,
  KPI_CATALOG,
  KpiSeriesQuery,
  LeadUnit as LeadUnitSchema,
  TASK_LEAD_UNITS,
  kpiById,
  type Breakdown,
  type Drilldown,
  type DrilldownRow,
  type Grain,
  type KpiDefinition,
  type KpiLatest,
  type KpiPoint,
  type Scorecard,
  type ScorecardEntry,
} from '../../contracts/kpis.ts';
import type { OlapClient, OlapParams } from '../../contracts/ports.ts';
import type { EntityKpiMembership } from '../../contracts/entities.ts';
import { shanghaiDate, shanghaiToday } from '../../contracts/dates.ts';
import { KPI_IMPLS, MILESTONES, type KpiImpl } from './definitions.ts';
import { monthsIn, periodOfLabel, periodsBetween, previousPeriod, samePeriodLastYear, type Period } from './periods.ts';
import { lit, live, NO_POSITION_BOUND, QUERY_SETTINGS, SHARED_CTES } from './sql.ts';

/** The latest instant a DateTime64(3) holds: "as known now". */
export const NOW = '2299-12-31 23:59:59.999';

export interface AsOfOption {
  /** "As known at": an ISO instant, or a date meaning the end of that day (Asia/Shanghai). */
  asOf?: string | Date;
}

/** What one KPI read asks for: points of a KPI over periods of one grain (or `latest`), as known at an instant. */
export interface PointRequest {
  kpi: KpiDefinition;
  /** `latest` is the one period `latest()` reports (this year to date, or the last full year). */
  slot: Grain | 'latest';
  periods: Period[];
  /** As-of instant as DateTime64(3) text ({@link NOW} when absent). */
  asOf: string;
  breakdown?: Breakdown;
}

/**
 * The points of a request and, per period, the point an absent breakdown group would have
 * (default value with the period's target): what the scorecard shows for a unit without rows.
 */
export interface PointSet {
  points: KpiPoint[];
  empty: Map<string, KpiPoint>;
  /** The same per requested period, in order (computed sets only: labels may repeat across grains). */
  byPeriod?: Array<{ points: KpiPoint[]; empty: KpiPoint }>;
}

/**
 * Another place to read computed points from (the KPI tables). `null` means "cannot answer
 * this exactly" and the query falls back to computing from the fact tables.
 */
export interface PointSource {
  points(request: PointRequest): Promise<PointSet | null>;
}

export interface KpiQueryOptions {
  /** Tried first for series, scorecards and latest values. */
  source?: PointSource;
}

export interface KpiQueries {
  /** A KPI per period over a range, optionally broken down; one query. */
  series(kpiId: string, options: KpiSeriesQuery): Promise<KpiPoint[]>;
  /** The entities and events behind one period's value (optionally one breakdown value). */
  drilldown(kpiId: string, period: string, options?: AsOfOption & { grain?: Grain; breakdown?: string; breakdownValue?: string }): Promise<Drilldown>;
  /** A lead unit's KPIs for one period with target, attainment and changes, plus its tasks' milestones. */
  scorecard(leadUnit: string, period: string, options?: AsOfOption & { grain?: Grain }): Promise<Scorecard>;
  /** This year to date (last full year for yearly-only KPIs); null when not computed or without a value. */
  latest(kpiId: string, options?: { today?: string }): Promise<KpiLatest | null>;
  /** Whether a KPI of the catalog has a query (every P1 does). */
  isComputed(kpiId: string): boolean;
  /**
   * The KPIs an entity counts in at their latest period (as `latest()` reports it), with what it
   * adds to the value and to the denominator: one query over every computed KPI's items.
   */
  memberships(entityId: string, options?: AsOfOption): Promise<EntityKpiMembership[]>;
  /**
   * Computes points from the fact tables, reflecting only events up to `maxPosition`, with periods
   * under way evaluated on `knownOn` (the KPI tables' materializer; same SQL as every read).
   */
  compute(request: Omit<PointRequest, 'asOf'> & { maxPosition: number; knownOn: string }): Promise<PointSet>;
  /**
   * {@link compute} for several breakdown dimensions (undefined: the total) from one evaluation of
   * the KPI's items; one PointSet per dimension, in order. A dimension that multiplies the items
   * itself ({@link sharesItems} false) must be computed on its own.
   */
  computeDims(request: Omit<PointRequest, 'asOf' | 'breakdown'> & { breakdowns: ReadonlyArray<Breakdown | undefined>; maxPosition: number; knownOn: string }): Promise<PointSet[]>;
}

/** Creates the KPI query layer over the fact tables' stable names. */
export function createKpiQueries(olap: OlapClient, options: KpiQueryOptions = {}): KpiQueries {
  /** Where the read is bounded: store position and the day periods under way are evaluated on. */
  interface Bound {
    maxPos: string;
    knownOn?: string;
  }
  const UNBOUNDED: Bound = { maxPos: NO_POSITION_BOUND };

  /**
   * Raw aggregates per period, aligned with `periods`. Periods are keyed by their index in the
   * SQL, so one query can hold periods whose labels coincide (a month and its YTD, a year and its
   * year to date).
   */
  async function compute(kpi: KpiDefinition, impl: KpiImpl, periods: Period[], asOf: string, breakdown: Breakdown | undefined, bound: Bound): Promise<Array<RawPoint[] | undefined>> {
    const b = breakdownExpr(kpi, impl, breakdown);
    const comps = Object.entries(impl.components ?? {})
      .map(([k, expr]) => `, ${expr} AS c_${k}`)
      .join('');
    const sql = `WITH ${SHARED_CTES}
SELECT period, b, ${impl.value} AS value, ${impl.numerator ?? 'NULL'} AS numerator, ${impl.denominator ?? 'NULL'} AS denominator${comps}
FROM (${impl.items(b)})
GROUP BY period, b
ORDER BY period, b
${QUERY_SETTINGS}`;
    const rows = await olap.query<Record<string, unknown>>(sql, { ...periodParams(periods, asOf, bound), labels: periods.map((_, i) => `k${i}`) });
    const byPeriod: Array<RawPoint[] | undefined> = periods.map(() => undefined);
    for (const r of rows) (byPeriod[periodIndex(r)] ??= []).push(rawPoint(r, impl, r.b));
    return byPeriod;
  }

  /**
   * Raw aggregates per breakdown dimension (aligned with `dims`), then per period: each item row
   * stands once per dimension (ARRAY JOIN over the dimensions' values) and rows are grouped by
   * (period, dimension, value), so the items (the costly part) are evaluated once for all.
   */
  async function computeDims(kpi: KpiDefinition, impl: KpiImpl, periods: Period[], asOf: string, dims: ReadonlyArray<Breakdown | undefined>, bound: Bound): Promise<Array<Array<RawPoint[] | undefined>>> {
    const values = dims.map((d) => {
      if (d !== undefined && dims.length > 1 && !sharesItems(impl, d)) throw new Error(`${kpi.id}: breakdown ${d} multiplies the items; compute it on its own`);
      return breakdownExpr(kpi, impl, d);
    });
    const comps = Object.entries(impl.components ?? {})
      .map(([k, expr]) => `, ${expr} AS c_${k}`)
      .join('');
    const sql = `WITH ${SHARED_CTES}
SELECT period, dim, bv, ${impl.value} AS value, ${impl.numerator ?? 'NULL'} AS numerator, ${impl.denominator ?? 'NULL'} AS denominator${comps}
FROM (${impl.items(`[${values.join(', ')}]`)})
ARRAY JOIN b AS bv, arrayEnumerate(b) AS dim
GROUP BY period, dim, bv
ORDER BY period, dim, bv
${QUERY_SETTINGS}`;
    const rows = await olap.query<Record<string, unknown>>(sql, { ...periodParams(periods, asOf, bound), labels: periods.map((_, i) => `k${i}`) });
    const byDim: Array<Array<RawPoint[] | undefined>> = dims.map(() => periods.map(() => undefined));
    for (const r of rows) (byDim[Number(r.dim) - 1]![periodIndex(r)] ??= []).push(rawPoint(r, impl, r.bv));
    return byDim;
  }

  async function loadTargets(kpiIds: string[], asOf: string, bound: Bound = UNBOUNDED): Promise<Map<string, Map<string, number>>> {
    const rows = await olap.query<{ kpi_id: string; period: string; value: number }>(
      `SELECT kpi_id, period, argMax(value, position) AS value
       FROM ${live('fact_kpi_targets', `kind = 'target' AND kpi_id IN {ids:Array(String)}`)}
       GROUP BY kpi_id, period ${QUERY_SETTINGS}`,
      { asOf, ids: kpiIds, maxPos: bound.maxPos },
    );
    const out = new Map<string, Map<string, number>>();
    for (const r of rows) {
      const m = out.get(r.kpi_id) ?? new Map<string, number>();
      m.set(r.period, Number(r.value));
      out.set(r.kpi_id, m);
    }
    return out;
  }

  /** Points per period (aligned with `periods`). */
  function pointsOf(kpi: KpiDefinition, impl: KpiImpl, periods: Period[], raw: ReadonlyArray<RawPoint[] | undefined>, targets: Map<string, number> | undefined, breakdown?: Breakdown): KpiPoint[][] {
    const all: KpiPoint[][] = [];
    for (const [i, p] of periods.entries()) {
      const out: KpiPoint[] = [];
      all.push(out);
      const target = resolveTarget(kpi, p, targets);
      const found = raw[i];
      const list: RawPoint[] = found ?? (breakdown ? [] : [{ b: '', value: impl.ratio ? null : 0, numerator: null, denominator: null, components: {} }]);
      for (const r of list) {
        const point: KpiPoint = { period: p.label, start: p.start, end: p.end, value: r.value, target, attainment: attainment(r.value, target) };
        if (impl.numerator) {
          point.numerator = r.numerator;
          point.denominator = r.denominator;
        }
        if (breakdown) point.breakdown = r.b;
        if (impl.components) point.components = found ? r.components : Object.fromEntries(Object.keys(impl.components).map((k) => [k, null]));
        out.push(point);
      }
    }
    return all;
  }

  /** Points (and empty-group defaults) computed from the fact tables. */
  async function factPoints(request: PointRequest, bound: Bound = UNBOUNDED): Promise<PointSet> {
    const { kpi, periods, asOf, breakdown } = request;
    const impl = KPI_IMPLS[kpi.id]!;
    const raw = await compute(kpi, impl, periods, asOf, breakdown, bound);
    const targets = (await loadTargets([kpi.id], asOf, bound)).get(kpi.id);
    return pointSet(request, impl, raw, targets, breakdown);
  }

  /** The points of computed raw aggregates, with their targets and the empty-group defaults. */
  function pointSet(request: Omit<PointRequest, 'breakdown' | 'asOf'>, impl: KpiImpl, raw: ReadonlyArray<RawPoint[] | undefined>, targets: Map<string, number> | undefined, breakdown: Breakdown | undefined): PointSet {
    const { kpi, periods } = request;
    const shown = request.slot === 'latest' ? periods.map((p) => ({ ...p, grain: 'year' as const })) : periods;
    const byPeriod = pointsOf(kpi, impl, shown, raw, targets, breakdown);
    const emptyBy = pointsOf(kpi, impl, shown, [], targets).map((list) => list[0]!);
    return { points: byPeriod.flat(), empty: new Map(emptyBy.map((p) => [p.period, p])), byPeriod: byPeriod.map((points, i) => ({ points, empty: emptyBy[i]! })) };
  }

  /** The KPI tables when they can answer exactly, else the fact tables. */
  async function points(request: PointRequest): Promise<PointSet> {
    const found = options.source ? await options.source.points(request) : null;
    return found ?? factPoints(request);
  }

  const api: KpiQueries = {
    isComputed: (kpiId) => kpiId in KPI_IMPLS,

    async compute(request) {
      return factPoints({ ...request, asOf: NOW }, { maxPos: String(request.maxPosition), knownOn: request.knownOn });
    },

    async computeDims(request) {
      const impl = KPI_IMPLS[request.kpi.id]!;
      const bound: Bound = { maxPos: String(request.maxPosition), knownOn: request.knownOn };
      const raw = await computeDims(request.kpi, impl, request.periods, NOW, request.breakdowns, bound);
      const targets = (await loadTargets([request.kpi.id], NOW, bound)).get(request.kpi.id);
      return request.breakdowns.map((d, i) => pointSet(request, impl, raw[i]!, targets, d));
    },

    async series(kpiId, options) {
      const { kpi, impl } = resolve(kpiId);
      const q = parseOrThrow(KpiSeriesQuery, options);
      if (!kpi.grains.includes(q.grain)) throw new ValidationError(`${kpi.id} 只支持粒度 ${kpi.grains.join(', ')}`, [{ field: 'grain', reason: 'unsupported', value: q.grain }]);
      const periods = periodsBetween(q.from, q.to, q.grain);
      const asOf = asOfParam(q.asOf);
      if (q.breakdown !== undefined) breakdownExpr(kpi, impl, q.breakdown);
      const breakdown = q.breakdown === undefined ? undefined : parseOrThrow(BreakdownSchema, q.breakdown, 'breakdown');
      return (await points({ kpi, slot: q.grain, periods, asOf, ...(breakdown ? { breakdown } : {}) })).points;
    },

    async drilldown(kpiId, periodLabel, options = {}) {
      const { kpi, impl } = resolve(kpiId);
      const period = periodOfLabel(periodLabel, options.grain);
      const breakdown =
        options.breakdown !== undefined ? parseOrThrow(BreakdownSchema, options.breakdown, 'breakdown') : options.breakdownValue !== undefined ? kpi.breakdowns[0] : undefined;
      if (options.breakdownValue !== undefined && !breakdown) throw new ValidationError(`${kpi.id} 不支持分组`, [{ field: 'breakdownValue', reason: 'no breakdown' }]);
      const b = breakdownExpr(kpi, impl, breakdown);
      const params: OlapParams = { ...periodParams([period], asOfParam(options.asOf), UNBOUNDED), label: period.label };
      let where = 'it.period = {label:String}';
      if (options.breakdownValue !== undefined) {
        where += ' AND it.b = {bv:String}';
        params.bv = options.breakdownValue;
      }
      const rows = await olap.query<Record<string, unknown>>(
        `WITH ${SHARED_CTES}
SELECT it.*, n.name AS registered_name
FROM (${impl.items(b)}) AS it LEFT JOIN names AS n ON n.uscc = it.entity
WHERE ${where}
ORDER BY it.b, it.x DESC, it.entity
${QUERY_SETTINGS}`,
        params,
      );
      const result: Drilldown = { kpiId: kpi.id, period: period.label, start: period.start, end: period.end, rows: rows.map((r) => drillRow(r, breakdown)) };
      if (breakdown) result.breakdown = breakdown;
      if (options.breakdownValue !== undefined) result.breakdownValue = options.breakdownValue;
      return result;
    },

    async scorecard(leadUnitRaw, periodLabel, options = {}) {
      const leadUnit = parseOrThrow(LeadUnitSchema, leadUnitRaw, 'leadUnit');
      const period = periodOfLabel(periodLabel, options.grain);
      const prev = previousPeriod(period);
      const lastYear = samePeriodLastYear(period);
      const asOf = asOfParam(options.asOf);
      const tasks = Object.entries(TASK_LEAD_UNITS)
        .filter(([, units]) => units.includes(leadUnit))
        .map(([t]) => Number(t));
      const kpis = KPI_CATALOG.filter(
        (k) => k.id in KPI_IMPLS && (k.leadUnit === leadUnit || (k.id === 'task_milestone_completion' && tasks.length > 0)) && k.grains.includes(period.grain),
      );
      const entries: ScorecardEntry[] = [];
      // One read per KPI, all at once: the KPI tables answer each in a lookup.
      const sets = await Promise.all(
        kpis.map((kpi) => {
          // The milestone KPI of a unit is its own tasks' share, i.e. its lead-unit breakdown group.
          const perUnit = kpi.id === 'task_milestone_completion';
          return points({ kpi, slot: period.grain, periods: [period, prev, lastYear], asOf, ...(perUnit ? { breakdown: 'leadUnit' as const } : {}) });
        }),
      );
      for (const [i, kpi] of kpis.entries()) {
        const set = sets[i]!;
        const perUnit = kpi.id === 'task_milestone_completion';
        const pick = (p: Period): KpiPoint => {
          const found = set.points.find((x) => x.period === p.label && (!perUnit || x.breakdown === leadUnit));
          return found ?? set.empty.get(p.label)!;
        };
        const [cur, before, yearAgo] = [pick(period), pick(prev), pick(lastYear)];
        const entry: ScorecardEntry = {
          id: kpi.id, name: kpi.name, unit: kpi.unit, valueUnit: kpi.valueUnit, kind: kpi.kind, task: kpi.task,
          value: cur.value, numerator: cur.numerator ?? null, denominator: cur.denominator ?? null,
          target: cur.target, attainment: cur.attainment,
          previous: { period: prev.label, value: before.value },
          changeOnPrevious: diff(cur.value, before.value),
          changeOnPreviousPct: pctChange(cur.value, before.value),
          lastYear: { period: lastYear.label, value: yearAgo.value },
          changeOnLastYear: diff(cur.value, yearAgo.value),
          changeOnLastYearPct: pctChange(cur.value, yearAgo.value),
        };
        if (cur.components) entry.components = cur.components;
        entries.push(entry);
      }
      const milestones = await olap.query<Record<string, unknown>>(
        `SELECT * FROM ${MILESTONES} AS s
         WHERE s.task IN {tasks:Array(UInt8)} AND s.due_on <= {end:Date}
           AND NOT (s.status = '已完成' AND ifNull(s.completed_on, s.reported_on) < {start:Date})
         ORDER BY s.task, s.due_on, s.milestone_id ${QUERY_SETTINGS}`,
        { asOf, tasks, start: period.start, end: period.end, maxPos: NO_POSITION_BOUND },
      );
      return {
        leadUnit, period: period.label, start: period.start, end: period.end, tasks, kpis: entries,
        milestones: milestones.map((m) => {
          const completedOn = m.completed_on == null ? null : String(m.completed_on);
          const done = m.status === '已完成' && (completedOn ?? String(m.reported_on)) <= period.end;
          return {
            task: Number(m.task), milestoneId: String(m.milestone_id), title: String(m.title), unit: String(m.unit), dueOn: String(m.due_on),
            status: String(m.status), completedOn, done, overdue: !done && String(m.due_on) < period.end, eventId: String(m.event_id),
          };
        }),
      };
    },

    async memberships(entityId, options = {}) {
      const asOf = asOfParam(options.asOf);
      const today = knownOnOf(asOf);
      // Only KPIs whose items can hold the entity: their SQL names one of its statuses or flows,
      // or the annual reports it has (evaluating every KPI's items costs seconds).
      const [facts] = await olap.query<{ statuses: string[]; flows: string[]; financials: number }>(
        `SELECT (SELECT groupUniqArray(status) FROM fact_status_intervals WHERE entity_id = {entity:String}) AS statuses,
           (SELECT groupUniqArray(flow) FROM fact_flows WHERE subject_id = {entity:String} OR party_id = {entity:String}) AS flows,
           (SELECT count() FROM fact_financials WHERE uscc = {entity:String}) AS financials`,
        { entity: entityId },
      );
      const literals = [...(facts?.statuses ?? []), ...(facts?.flows ?? [])].map((v) => `'${v}'`);
      const computed = KPI_CATALOG.filter((k) => {
        const impl = KPI_IMPLS[k.id];
        if (!impl) return false;
        const sql = impl.items("''");
        return literals.some((l) => sql.includes(l)) || (Number(facts?.financials ?? 0) > 0 && sql.includes('fact_financials'));
      });
      if (computed.length === 0) return [];
      const periods = new Map<string, Period>();
      const parts = computed.map((k) => {
        const period = latestPeriod(k, today);
        periods.set(period.label, period);
        return `SELECT ${lit(k.id)} AS kpi_id, it.period AS period, sum(toFloat64(it.x)) AS x, sum(toFloat64(it.y)) AS y
          FROM (${KPI_IMPLS[k.id]!.items("''")}) AS it WHERE it.period = ${lit(period.label)} AND it.entity = {entity:String} GROUP BY it.period`;
      });
      const rows = await olap.query<{ kpi_id: string; period: string; x: number; y: number }>(
        `WITH ${SHARED_CTES}\n${parts.join('\nUNION ALL\n')}\n${QUERY_SETTINGS}`,
        { ...periodParams([...periods.values()], asOf, UNBOUNDED), entity: entityId },
      );
      return rows
        .map((r) => {
          const kpi = kpiById(r.kpi_id)!;
          const x = Number(r.x);
          const y = Number(r.y);
          const counts = kpi.kind === 'stock' || kpi.kind === 'flow' ? `计 ${x} ${kpi.valueUnit}` : `分子 ${x}, 分母 ${y}`;
          return { kpiId: kpi.id, name: kpi.name.zh, period: r.period, contribution: x, denominator: y, unit: kpi.valueUnit, reason: `计入「${kpi.name.zh}」${r.period}: ${counts}` };
        })
        .filter((m) => m.contribution !== 0 || m.denominator !== 0)
        .sort((a, b) => a.kpiId.localeCompare(b.kpiId));
    },

    async latest(kpiId, options = {}) {
      const kpi = kpiById(kpiId);
      if (!kpi) throw new NotFoundError(`没有这个指标: ${kpiId}`);
      const impl = KPI_IMPLS[kpi.id];
      if (!impl) return null;
      const today = options.today ?? shanghaiToday();
      const p = (await points({ kpi, slot: 'latest', periods: [latestPeriod(kpi, today)], asOf: NOW })).points[0];
      if (!p || p.value === null) return null;
      return { period: p.period, value: p.value, target: p.target, attainment: p.attainment };
    },
  };
  return api;
}

interface RawPoint {
  b: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  components: Record<string, number | null>;
}

/** A row of the aggregate queries as a RawPoint, its group's value being `b`. */
function rawPoint(r: Record<string, unknown>, impl: KpiImpl, b: unknown): RawPoint {
  const components: Record<string, number | null> = {};
  for (const k of Object.keys(impl.components ?? {})) components[k] = num(r[`c_${k}`]);
  return { b: String(b), value: num(r.value), numerator: num(r.numerator), denominator: num(r.denominator), components };
}

/** The index of a row's period in the query's periods (labelled `k<index>`). */
const periodIndex = (r: Record<string, unknown>): number => Number(String(r.period).slice(1));

function resolve(kpiId: string): { kpi: KpiDefinition; impl: KpiImpl } {
  const kpi = kpiById(kpiId);
  if (!kpi) throw new NotFoundError(`没有这个指标: ${kpiId}`);
  const impl = KPI_IMPLS[kpi.id];
  if (!impl) throw new ValidationError(`指标 ${kpi.id} (${kpi.priority}) 尚未计算`, [{ field: 'kpiId', reason: 'not computed yet', value: kpiId }]);
  return { kpi, impl };
}

/**
 * Whether a breakdown dimension can be computed with others from one evaluation of the items: not
 * when its expression makes several rows of one item (arrayJoin: a firm in two cohorts).
 */
export function sharesItems(impl: KpiImpl, breakdown: Breakdown): boolean {
  return !/\barrayJoin\s*\(/.test(impl.breakdowns[breakdown] ?? '');
}

function breakdownExpr(kpi: KpiDefinition, impl: KpiImpl, breakdown: Breakdown | undefined): string {
  if (!breakdown) return "''";
  const checked = parseOrThrow(BreakdownSchema, breakdown, 'breakdown');
  const expr = impl.breakdowns[checked];
  if (!expr) throw new ValidationError(`${kpi.id} 不支持按 ${checked} 分组 (支持: ${kpi.breakdowns.join(', ') || '无'})`, [{ field: 'breakdown', reason: 'unsupported', value: breakdown }]);
  return `toString(${expr})`;
}

/**
 * A period still under way is evaluated up to the day it is known at (today, or the as-of day):
 * a stock counts what is valid now, not what would still be valid at the period's future end
 * (certificates expiring next month have not expired yet), and a flow or a due-date ratio counts
 * what has happened or fallen due so far.
 */
function periodParams(periods: Period[], asOf: string, bound: { maxPos: string; knownOn?: string }): OlapParams {
  const knownOn = bound.knownOn ?? knownOnOf(asOf);
  return { labels: periods.map((p) => p.label), starts: periods.map((p) => p.start), ends: periods.map((p) => evalEnd(p, knownOn)), asOf, maxPos: bound.maxPos };
}

/** The day periods under way are evaluated on for an as-of instant: today when "as known now". */
export function knownOnOf(asOf: string): string {
  return asOf === NOW ? shanghaiToday() : shanghaiDate(`${asOf.replace(' ', 'T')}Z`);
}

/** The last day a period is evaluated up to, known on `knownOn`: that day while it is under way, else its end. */
export function evalEnd(p: Period, knownOn: string): string {
  return p.start <= knownOn && knownOn < p.end ? knownOn : p.end;
}

/** The period `latest()` reports: this year to date (YTD KPIs) or the last full year. */
export function latestPeriod(kpi: KpiDefinition, today: string): Period {
  const year = Number(today.slice(0, 4));
  return kpi.grains.includes('ytd') ? { label: String(year), grain: 'year', start: `${year}-01-01`, end: today } : periodOfLabel(String(year - 1));
}

const STANDARD = new Set(['period', 'b', 'entity', 'name', 'event_ids', 'x', 'y', 'registered_name']);

function drillRow(r: Record<string, unknown>, breakdown: Breakdown | undefined): DrilldownRow {
  const detail: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!STANDARD.has(k)) detail[k] = v;
  const row: DrilldownRow = {
    entity: String(r.entity),
    name: String(r.name ?? '') || String(r.registered_name ?? ''),
    eventIds: ((r.event_ids as string[] | undefined) ?? []).filter((e) => e !== ''),
    x: Number(r.x),
    y: Number(r.y),
    detail,
  };
  if (breakdown) row.breakdown = String(r.b);
  return row;
}

/**
 * Explicit targets first (same period label; else the year's, prorated for flows), then the
 * policy's default. YTD periods never take a month's own target.
 */
function resolveTarget(kpi: KpiDefinition, p: Period, entered: Map<string, number> | undefined): number | null {
  const isFlow = kpi.kind === 'flow' || kpi.kind === 'flow+ratio';
  const share = monthsIn(p) / 12;
  const exact = p.grain === 'ytd' ? undefined : entered?.get(p.label);
  if (exact !== undefined) return exact;
  const yearly = entered?.get(p.end.slice(0, 4));
  if (yearly !== undefined) return round(isFlow ? yearly * share : yearly);
  const def = DEFAULT_TARGETS.find((t) => t.kpiId === kpi.id);
  if (!def) return null;
  return round(def.basis === 'year' ? def.value * share : def.value);
}

function attainment(value: number | null, target: number | null): number | null {
  if (value === null || target === null || target === 0) return null;
  return round(value / target);
}

function diff(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : round(a - b);
}

function pctChange(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : round(((a - b) / Math.abs(b)) * 100);
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? round(n) : null;
}

/** Floating sums of amounts: 12 significant digits are plenty and keep 0.1 + 0.2 readable. */
function round(n: number): number {
  return Number(n.toPrecision(12));
}


/** An as-of instant as DateTime64(3, 'UTC') text; a bare date means the end of that day in Asia/Shanghai. */
export function asOfParam(asOf: string | Date | undefined): string {
  if (asOf === undefined) return NOW;
  let ms: number;
  if (asOf instanceof Date) ms = asOf.getTime();
  else if (/^\d{4}-\d{2}-\d{2}$/.test(asOf)) ms = Date.parse(`${asOf}T23:59:59.999+08:00`);
  else ms = Date.parse(asOf);
  if (Number.isNaN(ms)) throw new ValidationError(`asOf 不是有效时间: ${String(asOf)}`, [{ field: 'asOf', reason: 'not an instant', value: String(asOf) }]);
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, field?: string): z.output<S> {
  const r = schema.safeParse(value, { error: z.locales.zhCN().localeError });
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ field: field ?? (i.path.map(String).join('.') || 'query'), reason: i.message }));
  throw new ValidationError(`查询参数错误: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
}

