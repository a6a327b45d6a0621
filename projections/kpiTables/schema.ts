/**
 * The KPI tables: every computed KPI's points per slot (grain or `latest`), period, breakdown
 * dimension and value, each row tagged with the store position and record instant it reflects.
 * Rows are only added: a value that changes gets a new row at a higher position, so "as known at"
 * is a lookup of the latest row at or before a position.
 */
export const KPI_VALUES = 'kpi_values';
/** One row per materializer run: the position it reflected and the day it evaluated periods under way on. */
export const KPI_RUNS = 'kpi_runs';
/** Per KPI, the definition (SQL hash) its rows were computed with and the position they start at. */
export const KPI_DEFS = 'kpi_defs';
/** The analysts' stable view (docs/analyst-tables.md). */
export const KPI_VIEW = 'kpi_table';

/** The breakdown value of a point's marker row: "this period was computed", with the value an empty group has. */
export const MARKER = '\u0000marker';

export const KPI_TABLES_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${KPI_VALUES} (
  kpi_id LowCardinality(String),
  breakdown LowCardinality(String),
  slot LowCardinality(String),
  period String,
  eval_end Date,
  b String,
  position UInt64,
  recorded_at DateTime64(3, 'UTC'),
  row_kind Enum8('value' = 1, 'gone' = 2, 'marker' = 3),
  value Nullable(Float64),
  numerator Nullable(Float64),
  denominator Nullable(Float64),
  target Nullable(Float64),
  attainment Nullable(Float64),
  components String,
  point String,
  computed_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (kpi_id, breakdown, slot, period, eval_end, b, position)`,
  `CREATE TABLE IF NOT EXISTS ${KPI_RUNS} (
  position UInt64,
  known_on Date,
  recorded_at DateTime64(3, 'UTC'),
  kind LowCardinality(String),
  kpis UInt16,
  rows UInt32,
  ms UInt32,
  at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (position, known_on)`,
  `CREATE TABLE IF NOT EXISTS ${KPI_DEFS} (
  kpi_id String,
  def_hash String,
  since_position UInt64,
  at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (kpi_id, def_hash)`,
  // Analysts read the latest value of each KPI point; the history stays in kpi_values.
  `CREATE OR REPLACE VIEW ${KPI_VIEW} AS
SELECT v.kpi_id AS kpi_id, v.slot AS grain, v.period AS period, v.breakdown AS breakdown, v.b AS breakdown_value, v.eval_end AS eval_end,
  argMax(v.value, v.position) AS value, argMax(v.numerator, v.position) AS numerator, argMax(v.denominator, v.position) AS denominator,
  argMax(v.target, v.position) AS target, argMax(v.attainment, v.position) AS attainment, argMax(v.components, v.position) AS components,
  max(v.position) AS position, argMax(v.recorded_at, v.position) AS recorded_at
FROM ${KPI_VALUES} AS v
INNER JOIN (SELECT kpi_id, slot, period, max(eval_end) AS last_end FROM ${KPI_VALUES} GROUP BY kpi_id, slot, period) AS e
  ON e.kpi_id = v.kpi_id AND e.slot = v.slot AND e.period = v.period AND e.last_end = v.eval_end
WHERE v.row_kind != 'marker'
GROUP BY v.kpi_id, v.slot, v.period, v.breakdown, v.b, v.eval_end
HAVING argMax(v.row_kind, v.position) = 'value'`,
];
