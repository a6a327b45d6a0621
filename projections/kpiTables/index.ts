export { createKpiMaterializer, type KpiChange, type KpiMaterializer, type KpiTablesHead, type RunSummary } from './materializer.ts';
export { createKpiTableSource, pollKpiTablesHead, type KpiTableSource } from './tableSource.ts';
export { KPI_VALUES, KPI_RUNS, KPI_DEFS, KPI_VIEW, MARKER } from './schema.ts';
export { allPlans, planOf, KPI_TABLES_FROM } from './plan.ts';
