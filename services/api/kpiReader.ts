import type { Drilldown, Grain, KpiLatest, KpiPoint, Scorecard } from '../../contracts/kpis.ts';

/**
 * What the read API and the exports need of the KPI query layer (projections/kpi's
 * `createKpiQueries` satisfies it; services do not import projections, the composition root joins them).
 */
export interface KpiReader {
  latest(kpiId: string): Promise<KpiLatest | null>;
  series(kpiId: string, options: { from: string; to: string; grain: Grain; asOf?: string; breakdown?: string }): Promise<KpiPoint[]>;
  drilldown(kpiId: string, period: string, options: { asOf?: string; breakdown?: string; breakdownValue?: string }): Promise<Drilldown>;
  scorecard(leadUnit: string, period: string, options: { asOf?: string }): Promise<Scorecard>;
}
