export { createKpiQueries, asOfParam, type KpiQueries, type Drilldown, type DrilldownRow, type Scorecard, type ScorecardEntry, type MilestoneStatus } from './queries.ts';
export { periodOfLabel, periodsBetween, previousPeriod, samePeriodLastYear, type Period } from './periods.ts';
export { KPI_IMPLS } from './definitions.ts';
