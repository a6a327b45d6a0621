import type { OlapClient } from '../../contracts/ports.ts';

/** What changed in the fact tables between two store positions, per table. */
export interface FactDelta {
  table: string;
  /** Distinct status / flow kinds of the changed rows (tables with a kind column). */
  kinds: string[];
  /** The earliest business date the changed rows can affect ('1970-01-01': any period). */
  from: string;
  rows: number;
  /** Latest record instant among the changed rows. */
  recordedAt: string;
}

const ANY = `toDate('1970-01-01')`;

/**
 * Per fact table, the earliest period end a new row can change: its dates (occurred, validity
 * start, the day before a closure, a fiscal year's first day). Tables whose newest row rewrites
 * older facts (latest location/name, latest milestone report, statistics, targets, corrections)
 * can change any period.
 */
const SOURCES: ReadonlyArray<{ table: string; kind?: string; from: string }> = [
  { table: 'fact_status_intervals', kind: 'status', from: 'least(occurred, valid_from)' },
  { table: 'fact_status_closures', kind: 'status', from: 'least(occurred, closed_on - 1)' },
  { table: 'fact_flows', kind: 'flow', from: 'occurred' },
  { table: 'fact_financials', from: 'least(occurred, makeDate(fiscal_year, 1, 1))' },
  { table: 'fact_entity_locations', from: ANY },
  { table: 'fact_milestones', from: ANY },
  { table: 'fact_statistics', from: ANY },
  { table: 'fact_kpi_targets', from: ANY },
  { table: 'fact_corrections', from: ANY },
];

export const FACT_TABLES: readonly string[] = SOURCES.map((s) => s.table);

/** The fact rows of store positions (after, upTo], summarised per table (tables without rows are left out). */
export async function factDelta(olap: OlapClient, after: number, upTo: number): Promise<FactDelta[]> {
  const sql = SOURCES.map(
    (s) => `SELECT '${s.table}' AS t, ${s.kind ? `groupUniqArray(toString(${s.kind}))` : 'CAST([] AS Array(String))'} AS kinds,
      toString(min(${s.from})) AS from, count() AS n, toString(max(recorded_at)) AS r
    FROM ${s.table} WHERE position > {after:UInt64} AND position <= {upTo:UInt64}`,
  ).join('\nUNION ALL\n');
  const rows = await olap.query<{ t: string; kinds: string[]; from: string; n: number; r: string }>(sql, { after: String(after), upTo: String(upTo) });
  return rows.filter((r) => Number(r.n) > 0).map((r) => ({ table: r.t, kinds: r.kinds, from: r.from, rows: Number(r.n), recordedAt: r.r }));
}

/** The earliest record instant of any fact row after a position (null when none): where a run's knowledge ends. */
export async function nextRecordedAfter(olap: OlapClient, position: number): Promise<string | null> {
  const sql = `SELECT toString(min(r)) AS r, count() AS n FROM (${SOURCES.map((s) => `SELECT recorded_at AS r FROM ${s.table} WHERE position > ${Math.floor(position)}`).join(' UNION ALL ')})`;
  const [row] = await olap.query<{ r: string; n: number }>(sql);
  return row && Number(row.n) > 0 ? row.r : null;
}
