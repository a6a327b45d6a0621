export { createKpiQueries, asOfParam, type KpiQueries } from './queries.ts';
export type { Drilldown, DrilldownRow, Scorecard, ScorecardEntry, MilestoneStatus } from '../../contracts/kpis.ts';
export { periodOfLabel, periodsBetween, previousPeriod, samePeriodLastYear, type Period } from './periods.ts';
export { KPI_IMPLS } from './definitions.ts';
