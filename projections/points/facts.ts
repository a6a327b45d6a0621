/**
 * The firm-year figures innovation points read, from the fact tables as known at an instant
 * (the same `live` / `spans` rules as the KPI queries and the profiles): every enterprise in the
 * area on the year's last day with an annual report for the year. Every user value is bound.
 */
import type { FirmYearFacts } from '../../contracts/points.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import { asOfParam } from '../kpi/queries.ts';
import { live, NO_POSITION_BOUND, QUERY_SETTINGS, spans, UNKNOWN_STREET } from '../kpi/sql.ts';

export interface FirmYear {
  entityId: string;
  name: string;
  street: string;
  facts: FirmYearFacts;
}

const SRDI_TIERS = "['创新型中小企业', '专精特新中小企业', '专精特新小巨人']";
/** Valid on the year's last day. */
const AT_END = 'valid_from <= {end:Date} AND valid_until >= {end:Date}';
const IN_YEAR = 'occurred >= {start:Date} AND occurred <= {end:Date}';

const SQL = `WITH
fin AS (
  SELECT uscc, fiscal_year, argMax(revenue, position) AS revenue, argMax(rd_expense, position) AS rd,
    argMax(high_tech_revenue, position) AS htr, argMax(employees, position) AS employees,
    argMax(tech_staff, position) AS tech_staff, argMax(has_rd_institution, position) AS rd_inst
  FROM ${live('fact_financials', 'fiscal_year IN ({year:UInt16}, {prev:UInt16})')}
  GROUP BY uscc, fiscal_year
),
cur AS (SELECT * FROM fin WHERE fiscal_year = {year:UInt16}),
prev AS (SELECT * FROM fin WHERE fiscal_year = {prev:UInt16}),
loc AS (
  -- An in-area firm whose street was not reported shows 街道未报, as in the KPIs by street.
  SELECT l.uscc AS uscc, argMax(l.in_area, (l.effective_from, l.position)) AS in_area,
    argMax(if(l.in_area = 1 AND l.street = '', '${UNKNOWN_STREET}', l.street), (l.effective_from, l.position)) AS street,
    argMaxIf(l.name, (l.effective_from, l.position), l.change = 'registered') AS name
  FROM ${live('fact_entity_locations', 'effective_from <= {end:Date}')} AS l
  GROUP BY l.uscc
),
owned AS (SELECT entity_id, attr AS patent FROM ${spans("status = 'patent_owner'")} WHERE ${AT_END}),
inventions AS (SELECT entity_id AS patent FROM ${spans("status = 'patent' AND tier = '发明'")} WHERE ${AT_END}),
patents AS (SELECT o.entity_id AS uscc, count() AS n FROM owned AS o INNER JOIN inventions AS i ON i.patent = o.patent GROUP BY o.entity_id),
granted AS (
  SELECT entity_id AS uscc, uniqExact(attr) AS n FROM ${live('fact_status_intervals', "status = 'patent_owner'")}
  WHERE event_id IN (SELECT event_id FROM ${live('fact_status_intervals', "status = 'patent' AND valid_from >= {start:Date} AND valid_from <= {end:Date}")})
  GROUP BY entity_id
),
contracts AS (SELECT subject_id AS uscc, sum(amount) AS amount FROM ${live('fact_flows', "flow = 'tech_contract'")} WHERE ${IN_YEAR} GROUP BY subject_id),
equity AS (SELECT subject_id AS uscc, sum(amount) AS amount FROM ${live('fact_flows', "flow = 'fund_investment'")} WHERE ${IN_YEAR} GROUP BY subject_id),
held AS (
  SELECT entity_id AS uscc, max(status = 'hte') AS hte, max(status = 'tech_sme') AS tech_sme,
    max(if(status = 'srdi', indexOf(${SRDI_TIERS}, tier), 0)) AS srdi
  FROM ${spans("status IN ('hte', 'tech_sme', 'srdi')")} WHERE ${AT_END}
  GROUP BY entity_id
),
platforms AS (SELECT attr AS uscc, count() AS n FROM ${spans("status = 'rd_platform'")} WHERE ${AT_END} GROUP BY attr)
SELECT c.uscc AS uscc, l.name AS name, l.street AS street,
  c.revenue AS revenue, c.rd AS rd, c.htr AS htr, c.employees AS employees, c.tech_staff AS tech_staff, c.rd_inst AS rd_inst,
  p.uscc != '' AS has_prev, p.revenue AS prev_revenue, p.rd AS prev_rd,
  ifNull(pa.n, 0) AS inventions, ifNull(g.n, 0) AS granted, ifNull(ct.amount, 0) AS contracts, ifNull(eq.amount, 0) AS equity,
  ifNull(h.hte, 0) AS hte, ifNull(h.tech_sme, 0) AS tech_sme, ifNull(h.srdi, 0) AS srdi, ifNull(pl.n, 0) AS platforms
FROM cur AS c
INNER JOIN loc AS l ON l.uscc = c.uscc
LEFT JOIN prev AS p ON p.uscc = c.uscc
LEFT JOIN patents AS pa ON pa.uscc = c.uscc
LEFT JOIN granted AS g ON g.uscc = c.uscc
LEFT JOIN contracts AS ct ON ct.uscc = c.uscc
LEFT JOIN equity AS eq ON eq.uscc = c.uscc
LEFT JOIN held AS h ON h.uscc = c.uscc
LEFT JOIN platforms AS pl ON pl.uscc = c.uscc
WHERE l.in_area = 1
ORDER BY c.uscc
${QUERY_SETTINGS}`;

interface Row {
  uscc: string;
  name: string;
  street: string;
  revenue: number;
  rd: number;
  htr: number;
  employees: number;
  tech_staff: number;
  rd_inst: number;
  has_prev: number;
  prev_revenue: number;
  prev_rd: number;
  inventions: string | number;
  granted: string | number;
  contracts: number;
  equity: number;
  hte: number;
  tech_sme: number;
  srdi: number;
  platforms: string | number;
}

/** A percentage of two figures; null without a positive denominator. */
const pct = (a: number, b: number): number | null => (b > 0 ? (a / b) * 100 : null);
const growth = (cur: number, prev: number | null): number | null => (prev !== null && prev > 0 ? ((cur - prev) / prev) * 100 : null);

/** The figures of one row (pure: the SQL gives counts and sums, the ratios are computed here). */
export function factsOfRow(r: Row): FirmYearFacts {
  const n = Number;
  const hasPrev = n(r.has_prev) === 1;
  return {
    revenue: n(r.revenue),
    revenue_growth: growth(n(r.revenue), hasPrev ? n(r.prev_revenue) : null),
    rd_expense: n(r.rd),
    rd_expense_growth: growth(n(r.rd), hasPrev ? n(r.prev_rd) : null),
    rd_intensity: pct(n(r.rd), n(r.revenue)),
    tech_staff: n(r.tech_staff),
    tech_staff_share: pct(n(r.tech_staff), n(r.employees)),
    high_tech_revenue_share: pct(n(r.htr), n(r.revenue)),
    invention_patents: n(r.inventions),
    patents_granted: n(r.granted),
    tech_contract_amount: n(r.contracts),
    equity_financing: n(r.equity),
    hte: n(r.hte) ? 1 : 0,
    tech_sme: n(r.tech_sme) ? 1 : 0,
    srdi_tier: n(r.srdi),
    rd_institution: n(r.rd_inst) ? 1 : 0,
    rd_platforms: n(r.platforms),
  };
}

/** Reads the figures of every scored firm of a fiscal year, as known at `asOf` (default now). */
export async function readFirmYears(olap: OlapClient, year: number, asOf?: string): Promise<FirmYear[]> {
  const rows = await olap.query<Row>(SQL, {
    asOf: asOfParam(asOf),
    maxPos: NO_POSITION_BOUND,
    year,
    prev: year - 1,
    start: `${year}-01-01`,
    end: `${year}-12-31`,
  });
  return rows.map((r) => ({ entityId: r.uscc, name: r.name, street: r.street, facts: factsOfRow(r) }));
}
