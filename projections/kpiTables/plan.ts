import { createHash } from 'node:crypto';
import { DEFAULT_TARGETS, KPI_CATALOG, type Breakdown, type Grain, type KpiDefinition } from '../../contracts/kpis.ts';
import { KPI_IMPLS } from '../kpi/definitions.ts';
import { sharesItems } from '../kpi/queries.ts';
import { periodsBetween, type Period } from '../kpi/periods.ts';
import { SHARED_CTES } from '../kpi/sql.ts';

/** Where the KPI tables start: periods from this month on are kept. */
export const KPI_TABLES_FROM = '2023-01';

export type Slot = Grain | 'latest';

/** What the materializer needs to know of one KPI: its slots, dimensions, source tables and definition hash. */
export interface KpiPlan {
  kpi: KpiDefinition;
  /** Breakdown dimensions kept, '' (the total) first. */
  dims: Array<Breakdown | ''>;
  /** The same, as the groups computed together from one evaluation of the items (the total's first; see sharesItems). */
  dimGroups: Array<Array<Breakdown | ''>>;
  slots: Slot[];
  /** Fact tables its SQL reads (views by logical name). */
  tables: Set<string>;
  /** String literals of its SQL: a status or flow kind outside them cannot change the KPI. */
  literals: Set<string>;
  /** Changes whenever the KPI's SQL, catalog entry or default target changes: its rows are then recomputed. */
  hash: string;
}

/** Fact tables whose rows carry a kind (status, flow) that the KPI SQL filters on by literal. */
export const KIND_COLUMN: Readonly<Record<string, string>> = {
  fact_status_intervals: 'status',
  fact_status_closures: 'status',
  fact_flows: 'flow',
};

export function planOf(kpi: KpiDefinition): KpiPlan {
  const impl = KPI_IMPLS[kpi.id]!;
  const dims: Array<Breakdown | ''> = ['', ...kpi.breakdowns.filter((b) => impl.breakdowns[b] !== undefined)];
  const sql = [
    ...dims.map((d) => impl.items(d === '' ? "''" : `toString(${impl.breakdowns[d]!})`)),
    impl.value,
    impl.numerator ?? '',
    impl.denominator ?? '',
    ...Object.entries(impl.components ?? {}).map(([k, v]) => `${k}=${v}`),
  ].join('\n');
  const tables = new Set(sql.match(/\bfact_[a-z_]+/g) ?? []);
  // The shared CTEs that read entity locations: locs (locatedOn), names.
  if (/\b(locs|names)\b/.test(sql)) tables.add('fact_entity_locations');
  tables.add('fact_corrections');
  tables.add('fact_kpi_targets');
  const literals = new Set([...sql.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]!));
  const hash = createHash('sha256')
    .update(JSON.stringify({ sql, ctes: SHARED_CTES, kpi, target: DEFAULT_TARGETS.find((t) => t.kpiId === kpi.id) ?? null }))
    .digest('hex')
    .slice(0, 16);
  const alone = dims.filter((d): d is Breakdown => d !== '' && !sharesItems(impl, d));
  const dimGroups = [dims.filter((d) => d === '' || sharesItems(impl, d)), ...alone.map((d) => [d])];
  return { kpi, dims, dimGroups, slots: [...kpi.grains, 'latest'], tables, literals, hash };
}

/** Every computed KPI of the catalog. */
export function allPlans(): KpiPlan[] {
  return KPI_CATALOG.filter((k) => k.id in KPI_IMPLS).map(planOf);
}

/** The periods of a slot kept in the tables on `today`: from {@link KPI_TABLES_FROM} to the one holding today. */
export function periodsOf(slot: Grain, today: string): Period[] {
  return today < `${KPI_TABLES_FROM}-01` ? [] : periodsBetween(KPI_TABLES_FROM, today, slot);
}
