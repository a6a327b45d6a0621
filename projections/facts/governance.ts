import type { DomainEventOf, RecordedEvent } from '../../contracts/events/index.ts';
import { periodOfLabel } from '../kpi/periods.ts';
import type { Projection, Row } from '../projection.ts';
import { baseRow, factTableDdl } from './common.ts';

const handles = ['TaskMilestoneReported', 'StatisticPublished', 'KpiTargetSet', 'EnterpriseAnnualFinancialsReported'] as const;
type Handled = DomainEventOf<(typeof handles)[number]>;

/**
 * Reported values that later reports replace: milestone status, statistics (the denominators
 * of ratios), KPI targets and baselines, annual financials. Every report is kept; queries take
 * the latest live report per key (highest position) as of the asked instant.
 */
export const reportFacts: Projection = {
  name: 'fact_reports',
  version: 1,
  handles,
  tables: [
    {
      name: 'fact_milestones',
      ddl: factTableDdl(
        `task UInt8,
  milestone_id String,
  title String,
  unit String,
  due_on Date,
  status LowCardinality(String),
  completed_on Nullable(Date),
  evidence String`,
        'task, milestone_id, event_id',
      ),
    },
    {
      name: 'fact_statistics',
      ddl: factTableDdl(
        `statistic LowCardinality(String),
  period String,
  period_start Date,
  period_end Date,
  value Float64,
  unit String`,
        'statistic, period, event_id',
      ),
    },
    {
      name: 'fact_kpi_targets',
      ddl: factTableDdl(
        `kpi_id String,
  period String,
  kind LowCardinality(String),
  value Float64,
  set_by String`,
        'kpi_id, period, kind, event_id',
      ),
    },
    {
      name: 'fact_financials',
      ddl: factTableDdl(
        `uscc String,
  fiscal_year UInt16,
  revenue Float64,
  rd_expense Float64,
  high_tech_revenue Float64,
  employees UInt32,
  tech_staff UInt32,
  above_scale UInt8,
  has_rd_institution UInt8`,
        'uscc, fiscal_year, event_id',
      ),
    },
  ],
  project(events: readonly RecordedEvent[]) {
    const out: Record<string, Row[]> = { fact_milestones: [], fact_statistics: [], fact_kpi_targets: [], fact_financials: [] };
    for (const ev of events) {
      const e = ev as Handled;
      // The base columns written out rather than spread (a spread per row is the projection's main cost).
      const b = baseRow(ev);
      switch (e.type) {
        case 'TaskMilestoneReported': {
          const d = e.data;
          out.fact_milestones!.push({
            event_id: b.event_id, position: b.position, stream_id: b.stream_id, occurred: b.occurred, recorded_at: b.recorded_at,
            task: d.task, milestone_id: d.milestoneId, title: d.title, unit: d.unit, due_on: d.dueOn,
            status: d.status, completed_on: d.completedOn ?? null, evidence: d.evidence ?? '',
          });
          break;
        }
        case 'StatisticPublished': {
          const d = e.data;
          const p = periodOfLabel(d.period);
          out.fact_statistics!.push({
            event_id: b.event_id, position: b.position, stream_id: b.stream_id, occurred: b.occurred, recorded_at: b.recorded_at,
            statistic: d.statistic, period: d.period, period_start: p.start, period_end: p.end, value: d.value, unit: d.unit,
          });
          break;
        }
        case 'KpiTargetSet':
          out.fact_kpi_targets!.push({
            event_id: b.event_id, position: b.position, stream_id: b.stream_id, occurred: b.occurred, recorded_at: b.recorded_at,
            kpi_id: e.data.kpiId, period: e.data.period, kind: e.data.kind, value: e.data.value, set_by: e.data.setBy,
          });
          break;
        case 'EnterpriseAnnualFinancialsReported': {
          const d = e.data;
          out.fact_financials!.push({
            event_id: b.event_id, position: b.position, stream_id: b.stream_id, occurred: b.occurred, recorded_at: b.recorded_at,
            uscc: d.uscc, fiscal_year: d.fiscalYear, revenue: d.revenue, rd_expense: d.rdExpense, high_tech_revenue: d.highTechProductRevenue,
            employees: d.employees, tech_staff: d.techStaff, above_scale: d.aboveScale ? 1 : 0, has_rd_institution: d.hasRdInstitution ? 1 : 0,
          });
          break;
        }
        default: {
          const other: never = e;
          void other;
        }
      }
    }
    return out;
  },
};
