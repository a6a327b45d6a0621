/**
 * SQL building blocks of the KPI queries. Only constants of this module and of the KPI
 * definitions are spliced into SQL; every user value (as-of instant, periods, breakdown value)
 * is a bound `{name:Type}` parameter.
 */

export const AS_OF = '{asOf:DateTime64(3)}';

/**
 * The highest store position a query may see. The fact path binds the largest UInt64 (no bound);
 * the KPI tables' materializer binds the position every fact projection has committed, so a
 * computed value reflects exactly the events up to that position (some tables may already hold
 * rows of the batch in flight beyond it).
 */
export const MAX_POS = '{maxPos:UInt64}';

/** `maxPos` when nothing bounds the position. */
export const NO_POSITION_BOUND = '18446744073709551615';

/** Rows of a fact table as known at the as-of instant, without facts a correction replaced by then. */
export function live(table: string, where?: string): string {
  return `(SELECT * FROM ${table} WHERE recorded_at <= ${AS_OF} AND position <= ${MAX_POS} AND event_id NOT IN (SELECT supersedes FROM fact_corrections WHERE recorded_at <= ${AS_OF} AND position <= ${MAX_POS})${
    where ? ` AND (${where})` : ''
  })`;
}

/**
 * Status intervals with their effective end: `valid_until` is the natural end (`valid_to`) or
 * the day before the earliest closure of the same instance that is on or after the interval's
 * start and comes from another event; `ended_by` says which (expiry, revocation, …).
 */
export function spans(where: string): string {
  const applies = `c.event_id != '' AND c.event_id != i.event_id AND c.closed_on >= i.valid_from`;
  return `(SELECT i.event_id AS event_id, any(i.position) AS position, any(i.status) AS status, i.entity_id AS entity_id,
    any(i.entity_name) AS entity_name, i.instance_key AS instance_key, any(i.tier) AS tier, any(i.level) AS level,
    any(i.attr) AS attr, any(i.flag) AS flag, any(i.amount) AS amount, any(i.amount2) AS amount2,
    any(i.valid_from) AS valid_from, any(i.valid_to) AS valid_to,
    minIfOrNull(c.closed_on, ${applies}) AS closed_on,
    argMinIf(c.closed_by, c.closed_on, ${applies}) AS closed_by,
    if(closed_on IS NULL OR closed_on > valid_to, valid_to, closed_on - 1) AS valid_until,
    if(closed_on IS NULL OR closed_on > valid_to, 'expiry', closed_by) AS ended_by
  FROM ${live('fact_status_intervals', where)} AS i
  LEFT JOIN ${live('fact_status_closures')} AS c ON c.instance_key = i.instance_key
  GROUP BY i.event_id, i.entity_id, i.instance_key)`;
}

/** Intervals valid at each period end, with the period's columns. */
export function validAtEnd(where: string): string {
  return `(SELECT p.period AS period, p.p_start AS p_start, p.p_end AS p_end, s.*
  FROM ${spans(where)} AS s CROSS JOIN periods AS p
  WHERE s.valid_from <= p.p_end AND s.valid_until >= p.p_end)`;
}

/** The street bucket of an in-area firm whose street was not reported. */
export const UNKNOWN_STREET = '街道未报';

/**
 * Shared CTEs; ClickHouse only evaluates those a query references.
 * - periods: (period, p_start, p_end) from bound arrays;
 * - locs: each enterprise's location from each effective date on (the last record of that date by
 *   store position); a row finds the location it had on a day with {@link locatedOn};
 * - names: each enterprise's registered name and industry.
 */
export const SHARED_CTES = `periods AS (
  SELECT tupleElement(t, 1) AS period, tupleElement(t, 2) AS p_start, tupleElement(t, 3) AS p_end
  FROM (SELECT arrayJoin(arrayZip({labels:Array(String)}, {starts:Array(Date)}, {ends:Array(Date)})) AS t)
),
locs AS (
  SELECT l.uscc AS uscc, l.effective_from AS effective_from,
    argMax(l.in_area, l.position) AS in_area,
    -- A firm in the area whose street was not reported (a relocation in without one) is counted
    -- under 街道未报, never in an empty bucket.
    argMax(if(l.in_area = 1 AND l.street = '', '${UNKNOWN_STREET}', l.street), l.position) AS street
  FROM ${live('fact_entity_locations')} AS l
  GROUP BY l.uscc, l.effective_from
),
names AS (
  SELECT l.uscc AS uscc, argMaxIf(l.name, l.position, l.name != '') AS name, argMaxIf(l.industry, l.position, l.industry != '') AS industry
  FROM ${live('fact_entity_locations')} AS l
  GROUP BY l.uscc
)`;

/**
 * Joins each row of the left side to the location its enterprise (`uscc`) had on `day` (both
 * expressions of the left side), as `alias`: the latest `locs` row dated on or before that day,
 * i.e. the last location record of the latest effective date (store position breaks ties). One
 * ASOF lookup per row instead of a table of every firm's location at every period end. `inner`
 * keeps only rows with a location; `left` gives a row without one the column defaults (in_area 0,
 * street '').
 */
export function locatedOn(alias: string, uscc: string, day: string, join: 'inner' | 'left' = 'inner'): string {
  return `ASOF ${join === 'inner' ? 'INNER' : 'LEFT'} JOIN locs AS ${alias} ON ${alias}.uscc = ${uscc} AND ${day} >= ${alias}.effective_from`;
}

/** Facts of one flow type, with the subject's location on the flow's date (see {@link locatedOn}). */
export function flowsWithLocation(where: string): string {
  return `(SELECT f.*, la.in_area AS in_area, la.street AS street
  FROM ${live('fact_flows', where)} AS f
  ${locatedOn('la', 'f.subject_id', 'f.occurred', 'left')})`;
}

/** Settings of every KPI query: fold replayed rows (ReplacingMergeTree) and keep LEFT JOIN defaults non-null. */
export const QUERY_SETTINGS = 'SETTINGS final = 1, join_use_nulls = 0';

/** Quotes a constant of ours (never a user value) as a ClickHouse string literal. */
export function lit(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** A constant array literal, e.g. the tiers of a ladder, for `indexOf(...)` ranks. */
export function litArray(values: readonly string[]): string {
  return `[${values.map(lit).join(', ')}]`;
}
