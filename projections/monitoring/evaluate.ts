import type { WarningFinding, WarningRule, WarningSubject } from '../../contracts/events/monitoring.ts';
import type { KpiDefinition } from '../../contracts/kpis.ts';
import { elapsedShare, forecastYearEnd, isCumulative, type EarlierYear, type Forecast } from './forecast.ts';

/** One KPI with a target for this year, read on the evaluation day. */
export interface KpiMeasurement {
  kpi: KpiDefinition;
  year: number;
  target: number;
  /** This year to date (null: not measurable, e.g. a ratio without a denominator). */
  value: number | null;
  /** The level at the end of last year. */
  startValue: number | null;
  earlier: EarlierYear[];
}

export interface MilestoneReading {
  task: number;
  milestoneId: string;
  title: string;
  unit: string;
  leadUnit: string;
  dueOn: string;
  status: string;
}

export interface SourceReading {
  unit: string;
  /** Business date of the unit's latest record. */
  lastOccurred: string;
}

export interface Readings {
  today: string;
  kpis: KpiMeasurement[];
  milestones: MilestoneReading[];
  sources: SourceReading[];
}

/** A KPI's derived figures: attainment, expected attainment by now, projection (percentages of the target). */
export interface KpiAssessment {
  attainmentPct: number;
  expectedPct: number;
  forecast: Forecast;
  projectedPct: number;
  yoyDeclinePct: number | null;
}

const r1 = (n: number) => Math.round(n * 10) / 10;
/** Four significant digits, for a projected value in a sentence. */
const sig4 = (n: number) => Number(n.toPrecision(4));
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/**
 * Attainment against the year's target, the attainment expected by today (a flow: the elapsed
 * share of the year; a stock or ratio: the way from last year's end level to the target, covered
 * in proportion to the elapsed share, or the target itself once it was reached), the projected
 * attainment at the year's end and the decline on the same span of last year.
 */
export function assessKpi(m: KpiMeasurement, today: string): KpiAssessment | null {
  if (m.value === null || m.target <= 0) return null;
  const elapsed = elapsedShare(today);
  const attainmentPct = (m.value / m.target) * 100;
  const startPct = m.startValue === null ? 0 : (m.startValue / m.target) * 100;
  const expectedPct = isCumulative(m.kpi.kind) ? elapsed * 100 : startPct >= 100 ? 100 : startPct + (100 - startPct) * elapsed;
  const forecast = forecastYearEnd({ kind: m.kpi.kind, value: m.value, elapsed, startValue: m.startValue, earlier: m.earlier });
  const lastYear = m.earlier.find((y) => y.year === m.year - 1)?.toDate ?? null;
  const yoyDeclinePct = lastYear !== null && lastYear > 0 ? ((lastYear - m.value) / lastYear) * 100 : null;
  return { attainmentPct, expectedPct, forecast, projectedPct: (forecast.projected / m.target) * 100, yoyDeclinePct };
}

function kpiSubject(kpi: KpiDefinition): WarningSubject {
  return { kind: 'kpi', key: kpi.id, kpiId: kpi.id, leadUnit: kpi.leadUnit, dimension: kpi.dimension };
}

/** Every warning the rules find in the readings: one per rule and subject. Pure. */
export function evaluateRules(rules: readonly WarningRule[], readings: Readings): WarningFinding[] {
  const out: WarningFinding[] = [];
  const { today } = readings;
  const assessed = readings.kpis.map((m) => ({ m, a: assessKpi(m, today) }));
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const base = { ruleId: rule.id, ruleKind: rule.kind, severity: rule.severity };
    switch (rule.kind) {
      case 'behind-schedule':
        for (const { m, a } of assessed) {
          if (!a) continue;
          const gap = a.expectedPct - a.attainmentPct;
          if (gap > rule.points)
            out.push({ ...base, subject: kpiSubject(m.kpi), period: String(m.year), measured: r1(gap), threshold: rule.points,
              message: `${m.kpi.name.zh}: 完成目标 ${r1(a.attainmentPct)}%, 落后于时序进度 (${r1(a.expectedPct)}%) ${r1(gap)} 个百分点, 超过 ${rule.points} 个百分点` });
        }
        break;
      case 'projected-attainment':
        for (const { m, a } of assessed) {
          if (!a || !(a.projectedPct < rule.belowPct)) continue;
          out.push({ ...base, subject: kpiSubject(m.kpi), period: String(m.year), measured: r1(a.projectedPct), threshold: rule.belowPct,
            message: `${m.kpi.name.zh}: 预计年末达到 ${sig4(a.forecast.projected)} (${m.kpi.valueUnit}), 完成目标 ${r1(a.projectedPct)}%, 低于 ${rule.belowPct}%` });
        }
        break;
      case 'yoy-decline':
        for (const { m, a } of assessed) {
          if (!a || a.yoyDeclinePct === null || !(a.yoyDeclinePct > rule.pct)) continue;
          out.push({ ...base, subject: kpiSubject(m.kpi), period: String(m.year), measured: r1(a.yoyDeclinePct), threshold: rule.pct,
            message: `${m.kpi.name.zh}: 同比下降 ${r1(a.yoyDeclinePct)}%, 超过 ${rule.pct}%` });
        }
        break;
      case 'milestone-overdue':
        for (const ms of readings.milestones) {
          if (ms.status === '已完成') continue;
          const late = daysBetween(ms.dueOn, today);
          if (!(late > rule.graceDays)) continue;
          out.push({ ...base, period: today.slice(0, 4), measured: late, threshold: rule.graceDays,
            subject: { kind: 'milestone', key: `${ms.task}:${ms.milestoneId}`, kpiId: 'task_milestone_completion', leadUnit: ms.leadUnit, dimension: 'G', task: ms.task, milestoneId: ms.milestoneId },
            message: `任务${ms.task}「${ms.title}」(${ms.unit}) 计划 ${ms.dueOn} 完成, 已逾期 ${late} 天 (状态: ${ms.status})` });
        }
        break;
      case 'source-overdue':
        for (const s of readings.sources) {
          const cadence = rule.cadenceDays[s.unit] ?? rule.defaultCadenceDays;
          const age = daysBetween(s.lastOccurred, today);
          if (!(age > cadence)) continue;
          out.push({ ...base, period: today.slice(0, 4), measured: age, threshold: cadence,
            subject: { kind: 'source', key: s.unit, sourceUnit: s.unit, leadUnit: s.unit },
            message: `${s.unit} 最近一条数据的业务日期为 ${s.lastOccurred}, 已 ${age} 天未报送, 超过报送周期 ${cadence} 天` });
        }
        break;
      default: {
        const never: never = rule;
        void never;
      }
    }
  }
  return out;
}
