/**
 * The periodic assessment report (监测评估报告, docs/reports.md) as data: per KPI the value,
 * target, attainment, projection and the warning rules' findings at the period's end, what moved
 * and why (components, entities in and out, largest contributors) and restatements of earlier
 * issued reports, all as known at one instant. Rendering (XLSX, PDF) is services/reports.
 */
import type { WarningRule } from '../../contracts/events/monitoring.ts';
import { DIMENSION_NAMES, Dimension, KPI_CATALOG, LeadUnit, type DrilldownRow, type KpiDefinition, type KpiPoint } from '../../contracts/kpis.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import type { Report, ReportFinding, ReportKpi, ReportMover, ReportMovement, ReportProjection, ReportRestatement } from '../../contracts/reports.ts';
import { ValidationError } from '../../contracts/errors.ts';
import type { KpiQueries } from '../kpi/queries.ts';
import { previousPeriod, periodOfLabel, samePeriodLastYear, type Period } from '../kpi/periods.ts';
import { assessKpi, evaluateRules, type KpiMeasurement } from '../monitoring/evaluate.ts';
import { EARLIER_YEARS } from '../monitoring/queries.ts';
import { createCorrectionQueries, type CorrectionQueries } from './corrections.ts';
import { describeKpi, describeRestatement, GRAIN_ZH, periodZh } from './sentences.ts';

export interface ReportDeps {
  kpis: KpiQueries;
  olap: OlapClient;
  /** The warning rule table in force at an instant. */
  rulesAt(instant: Date): Promise<readonly WarningRule[]>;
  /** The latest report of a period issued by an instant (ReportIssued), if any. */
  issued(period: string, by: Date): Promise<{ asOf: string } | null>;
}

export interface ReportBuilder {
  /** The report of a period (2025, 2025-H1, 2025-Q3, 2025-09) as known at `asOf`. */
  build(period: string, asOf: Date): Promise<Report>;
}

/** How many entities a sentence and a table name at most. */
const TOP = 5;
/** KPIs computed at once: each is a handful of reads. */
const CONCURRENCY = 4;

const MOVEMENT_LABELS: Record<string, { label: string; direction: 'in' | 'out' }> = {
  new: { label: '新认定', direction: 'in' },
  moved_in: { label: '迁入', direction: 'in' },
  expired: { label: '到期', direction: 'out' },
  revoked: { label: '撤销', direction: 'out' },
  moved_out: { label: '迁出', direction: 'out' },
};

const isStock = (k: KpiDefinition) => k.kind === 'stock' || k.kind === 'stock+flow';
const isFlow = (k: KpiDefinition) => k.kind === 'flow' || k.kind === 'flow+ratio';
const same = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

/** Entities of drill-down rows with their summed contribution, largest first (ties by name, then id). */
function byEntity(rows: readonly DrilldownRow[]): ReportMover[] {
  const m = new Map<string, ReportMover>();
  for (const r of rows) {
    const e = m.get(r.entity) ?? { entity: r.entity, name: r.name || r.entity, value: 0 };
    e.value += r.x;
    m.set(r.entity, e);
  }
  return [...m.values()].sort((a, b) => b.value - a.value || a.name.localeCompare(b.name, 'zh-CN') || a.entity.localeCompare(b.entity));
}

const byName = (a: ReportMover, b: ReportMover) => a.name.localeCompare(b.name, 'zh-CN') || a.entity.localeCompare(b.entity);

/** Who entered and left a stock between the previous period's end and this one's. */
function movementOf(current: readonly DrilldownRow[], previous: readonly DrilldownRow[] | null): ReportMovement | null {
  const tagged = current.filter((r) => typeof r.detail.movement === 'string');
  if (tagged.length > 0) {
    // The KPI says why each entity moved (高企: new, moved in, expired, revoked, moved out).
    const reasons = Object.entries(MOVEMENT_LABELS).map(([key, m]) => ({ key, label: m.label, direction: m.direction, count: tagged.filter((r) => r.detail.movement === key).length }));
    const mover = (r: DrilldownRow): ReportMover => ({ entity: r.entity, name: r.name || r.entity, value: 1 });
    const dir = (d: 'in' | 'out') => tagged.filter((r) => MOVEMENT_LABELS[String(r.detail.movement)]?.direction === d).map(mover).sort(byName);
    const topEntered = dir('in');
    const topLeft = dir('out');
    return { entered: topEntered.length, left: topLeft.length, reasons, topEntered: topEntered.slice(0, TOP), topLeft: topLeft.slice(0, TOP) };
  }
  if (!previous) return null;
  const now = new Map(byEntity(current).filter((e) => e.value > 0).map((e) => [e.entity, e]));
  const before = new Map(byEntity(previous).filter((e) => e.value > 0).map((e) => [e.entity, e]));
  const entered = [...now.values()].filter((e) => !before.has(e.entity)).sort(byName);
  const left = [...before.values()].filter((e) => !now.has(e.entity)).sort(byName);
  return {
    entered: entered.length,
    left: left.length,
    reasons: [
      { key: 'entered', label: '新增', direction: 'in', count: entered.length },
      { key: 'left', label: '退出', direction: 'out', count: left.length },
    ],
    topEntered: entered.slice(0, TOP),
    topLeft: left.slice(0, TOP),
  };
}

/** The month label (YYYY-MM) a period ends in. */
const endMonth = (p: Period) => p.end.slice(0, 7);

/** Creates the report builder over the KPI queries (the same SQL as every read). */
export function createReportBuilder(deps: ReportDeps): ReportBuilder {
  const corrections: CorrectionQueries = createCorrectionQueries(deps.olap);

  async function point(kpiId: string, p: Period, asOf: Date): Promise<KpiPoint | undefined> {
    const series = await deps.kpis.series(kpiId, { from: p.label, to: p.label, grain: p.grain, asOf });
    return series.find((x) => x.period === p.label);
  }

  /** This year to date and the same span and full value of earlier years, for the projection and the rules. */
  async function measure(kpi: KpiDefinition, period: Period, asOf: Date): Promise<KpiMeasurement | null> {
    if (!kpi.grains.includes('ytd')) return null;
    const year = Number(period.end.slice(0, 4));
    const month = period.end.slice(5, 7);
    const [ytd, years] = await Promise.all([
      deps.kpis.series(kpi.id, { from: `${year - EARLIER_YEARS}-${month}`, to: endMonth(period), grain: 'ytd', asOf }),
      deps.kpis.series(kpi.id, { from: String(year - EARLIER_YEARS), to: String(year), grain: 'year', asOf }),
    ]);
    const ytdAt = (y: number) => ytd.find((x) => x.period === `${y}-${month}`)?.value ?? null;
    const fullAt = (y: number) => years.find((x) => x.period === String(y))?.value ?? null;
    const target = years.find((x) => x.period === String(year))?.target ?? null;
    if (target === null) return null;
    const earlier = [];
    for (let y = year - 1; y >= year - EARLIER_YEARS; y--) earlier.push({ year: y, toDate: ytdAt(y), full: fullAt(y) });
    return { kpi, year, target, value: ytdAt(year), startValue: fullAt(year - 1), earlier };
  }

  /** An earlier period whose report was issued, and the instant that report was as of. */
  interface IssuedPeriod {
    period: Period;
    asOf: Date;
  }

  async function restatement(kpi: KpiDefinition, ref: IssuedPeriod, nowValue: number | null, asOf: Date): Promise<ReportRestatement | null> {
    const { period: p, asOf: refAsOf } = ref;
    const was = (await point(kpi.id, p, refAsOf))?.value ?? null;
    if (same(was, nowValue)) return null;
    const [then, now] = await Promise.all([deps.kpis.drilldown(kpi.id, p.label, { asOf: refAsOf, grain: p.grain }), deps.kpis.drilldown(kpi.id, p.label, { asOf, grain: p.grain })]);
    const thenIds = new Set(then.rows.flatMap((r) => r.eventIds));
    const nowIds = new Set(now.rows.flatMap((r) => r.eventIds));
    const found = await corrections.between(refAsOf, asOf, [...thenIds], [...nowIds]);
    const correctionIds = new Set(found.map((c) => c.eventId));
    // Events behind the value now that it did not have then, other than the corrections: records sent late (补报).
    const late = [...nowIds].filter((id) => !thenIds.has(id) && !correctionIds.has(id)).length;
    const r: Omit<ReportRestatement, 'sentence'> = { kpiId: kpi.id, name: kpi.name.zh, period: p.label, reportAsOf: refAsOf.toISOString(), was, now: nowValue, corrections: found, lateRecords: late };
    return { ...r, sentence: describeRestatement(r, kpi) };
  }

  async function kpiSection(kpi: KpiDefinition, period: Period, prev: Period, lastYear: Period, asOf: Date, rules: readonly WarningRule[], issued: readonly IssuedPeriod[]) {
    const series = await deps.kpis.series(kpi.id, { from: lastYear.label, to: period.label, grain: period.grain, asOf });
    const at = (p: Period) => series.find((x) => x.period === p.label);
    const cur = at(period);
    const value = cur?.value ?? null;
    const measurement = await measure(kpi, period, asOf);
    const assessment = measurement ? assessKpi(measurement, period.end) : null;
    const yearEnds = period.end.endsWith('-12-31');
    let projection: ReportProjection | null = null;
    if (measurement) {
      const yearEnd = yearEnds ? measurement.value : (assessment?.forecast.projected ?? measurement.value);
      projection = {
        yearEnd,
        yearTarget: measurement.target,
        attainment: yearEnd === null || measurement.target === 0 ? null : yearEnd / measurement.target,
        method: yearEnds ? 'final' : (assessment?.forecast.method ?? 'flat'),
      };
    }
    const findings = measurement ? evaluateRules(rules, { today: period.end, kpis: [measurement], milestones: [], sources: [] }) : [];
    const drill = await deps.kpis.drilldown(kpi.id, period.label, { asOf, grain: period.grain });
    let movement: ReportMovement | null = null;
    if (isStock(kpi)) {
      const tagged = drill.rows.some((r) => typeof r.detail.movement === 'string');
      const before = tagged ? null : await deps.kpis.drilldown(kpi.id, prev.label, { asOf, grain: prev.grain });
      movement = movementOf(drill.rows, before?.rows ?? null);
    }
    const contributors = isFlow(kpi) ? byEntity(drill.rows).filter((e) => e.value !== 0).slice(0, TOP) : [];
    const status = cur?.target === null || cur?.target === undefined ? null : findings.some((f) => f.severity === '预警') ? '预警' : findings.length ? '关注' : '正常';
    const entry: Omit<ReportKpi, 'sentences'> = {
      id: kpi.id,
      name: kpi.name.zh,
      unit: kpi.valueUnit,
      kind: kpi.kind,
      dimension: kpi.dimension,
      leadUnit: kpi.leadUnit,
      task: kpi.task,
      value,
      numerator: cur?.numerator ?? null,
      denominator: cur?.denominator ?? null,
      components: cur?.components ?? {},
      target: cur?.target ?? null,
      attainment: cur?.attainment ?? null,
      previous: { period: prev.label, value: at(prev)?.value ?? null },
      lastYear: { period: lastYear.label, value: at(lastYear)?.value ?? null },
      projection,
      status,
      movement,
      contributors,
    };
    const restated: ReportRestatement[] = [];
    for (const ref of issued) {
      const r = await restatement(kpi, ref, at(ref.period)?.value ?? null, asOf);
      if (r) restated.push(r);
    }
    const warnings: ReportFinding[] = findings.map((f) => ({ kpiId: kpi.id, ruleId: f.ruleId, severity: f.severity, measured: f.measured, threshold: f.threshold, message: f.message }));
    return { entry: { ...entry, sentences: describeKpi(entry, kpi) }, restated, warnings };
  }

  return {
    async build(label, asOf) {
      const period = periodOfLabel(label);
      if (period.grain === 'ytd') throw new ValidationError(`报告期格式错误: ${label}`, [{ field: 'period', reason: 'format', value: label }]);
      const periodEndInstant = Date.parse(`${period.end}T23:59:59.999+08:00`);
      if (periodEndInstant > asOf.getTime())
        throw new ValidationError(`报告期 ${label} 尚未结束 (截至 ${period.end}): 报告只对已结束的期间生成`, [{ field: 'period', reason: 'not ended yet', value: label }]);
      const prev = previousPeriod(period);
      const lastYear = samePeriodLastYear(period);
      const rules = await deps.rulesAt(asOf);
      const kpis = KPI_CATALOG.filter((k) => deps.kpis.isComputed(k.id) && k.grains.includes(period.grain));
      // Restatements compare with the issued reports of the previous period and of the same period last year.
      const issued: IssuedPeriod[] = [];
      for (const p of prev.label === lastYear.label ? [prev] : [prev, lastYear]) {
        const ref = await deps.issued(p.label, asOf);
        if (ref) issued.push({ period: p, asOf: new Date(ref.asOf) });
      }
      const sections = await inBatches(kpis, CONCURRENCY, (k) => kpiSection(k, period, prev, lastYear, asOf, rules, issued));
      const entries = sections.map((s) => s.entry);
      const count = (list: readonly ReportKpi[]) => ({
        正常: list.filter((k) => k.status === '正常').length,
        关注: list.filter((k) => k.status === '关注').length,
        预警: list.filter((k) => k.status === '预警').length,
      });
      const restatements = sections.flatMap((s) => s.restated);
      const units = await Promise.all(
        LeadUnit.options.map(async (unit) => {
          const card = await deps.kpis.scorecard(unit, period.label, { asOf });
          const own = entries.filter((k) => k.leadUnit === unit);
          return {
            leadUnit: unit,
            kpiIds: own.map((k) => k.id),
            statuses: count(own),
            milestones: { due: card.milestones.length, completed: card.milestones.filter((m) => m.done).length, overdue: card.milestones.filter((m) => m.overdue).length },
          };
        }),
      );
      const statuses = count(entries);
      const withTarget = entries.filter((k) => k.target !== null).length;
      const highlights = [
        `本${GRAIN_ZH[period.grain]}共监测指标 ${entries.length} 项，其中有目标的 ${withTarget} 项：正常 ${statuses.正常} 项、关注 ${statuses.关注} 项、预警 ${statuses.预警} 项。`,
      ];
      const red = entries.filter((k) => k.status === '预警');
      if (red.length) highlights.push(`预警指标：${red.map((k) => k.name).join('、')}。`);
      const up = entries.filter((k) => k.value !== null && k.previous.value !== null && k.value > k.previous.value).length;
      const down = entries.filter((k) => k.value !== null && k.previous.value !== null && k.value < k.previous.value).length;
      highlights.push(`与上期（${periodZh(prev)}）相比，${up} 项指标上升，${down} 项下降。`);
      if (restatements.length) highlights.push(`已发布报告中 ${restatements.length} 个数值因更正或补报而变动，详见“数据重述”。`);
      return {
        title: `长江新区科技创新监测评估报告（${periodZh(period)}）`,
        period: period.label,
        grain: period.grain as Report['grain'],
        start: period.start,
        end: period.end,
        asOf: asOf.toISOString(),
        previousPeriod: prev.label,
        lastYearPeriod: lastYear.label,
        summary: { kpis: entries.length, withTarget, statuses, restatements: restatements.length, highlights },
        dimensions: Dimension.options.map((d) => ({ dimension: d, name: DIMENSION_NAMES[d].zh, kpiIds: entries.filter((k) => k.dimension === d).map((k) => k.id) })),
        units,
        kpis: entries,
        restatements,
        warnings: sections.flatMap((s) => s.warnings),
      };
    },
  };
}
