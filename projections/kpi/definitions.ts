import { Level } from '../../contracts/events/common.ts';
import { NewSpeciesTier, SrdiTier } from '../../contracts/events/enterprises.ts';
import type { TalentRole } from '../../contracts/events/talent.ts';
import { KEY_INDUSTRIES } from '../../contracts/identifiers.ts';
import { TASK_LEAD_UNITS, type Breakdown } from '../../contracts/kpis.ts';
import { flowsWithLocation, live, lit, litArray, locatedOn, spans, validAtEnd } from './sql.ts';

/**
 * How one KPI is computed. `items(b)` returns one row per counted thing and period, with the
 * columns `period, b, entity, name, event_ids, x, y` (x: contribution to the numerator /
 * value, y: to the denominator) plus KPI-specific detail columns; `b` is the breakdown
 * expression, chosen from `breakdowns` (never from user text). The series aggregates items per
 * (period, b); the drill-down lists the items of one period.
 */
export interface KpiImpl {
  items(b: string): string;
  breakdowns: Partial<Record<Breakdown, string>>;
  /** Aggregates over items. */
  value: string;
  numerator?: string;
  denominator?: string;
  components?: Record<string, string>;
  /** Ratios have no value without items; counts and sums are 0. */
  ratio: boolean;
}

const RATIO_PCT = { value: 'sum(x) / nullIf(sum(y), 0) * 100', numerator: 'sum(x)', denominator: 'sum(y)', ratio: true } as const;
const RATIO = { value: 'sum(x) / nullIf(sum(y), 0)', numerator: 'sum(x)', denominator: 'sum(y)', ratio: true } as const;
const ENTERPRISE_BREAKDOWNS = { street: 'street', industry: 'industry' } as const;

/** Entities (platforms, incubators, tenants, funds…) holding a status at each period end, one row per entity. */
function entityStock(where: string): string {
  // An upgraded platform holds several valid recognitions: its name, type and level are the latest one's.
  const latest = (col: string) => `argMax(v.${col}, (v.valid_from, v.position))`;
  return `(SELECT v.period AS period, any(v.p_end) AS p_end, v.entity_id AS entity, ${latest('entity_name')} AS name, groupArray(v.event_id) AS event_ids,
    ${latest('tier')} AS tier, ${latest('level')} AS level, ${latest('attr')} AS attr, ${latest('amount')} AS amount, ${latest('amount2')} AS amount2
  FROM ${validAtEnd(where)} AS v GROUP BY v.period, v.entity_id)`;
}

/**
 * Enterprises holding a status at each period end AND located in the area that day, one row
 * per enterprise; with a rank, tier and level are those of its highest-ranked interval.
 */
function enterpriseStock(where: string, rank?: string): string {
  const pick = (col: string) => (rank ? `argMax(v.${col}, ${rank})` : `any(v.${col})`);
  return `(SELECT e.period AS period, e.p_end AS p_end, e.entity AS entity, n.name AS name, e.event_ids AS event_ids, e.tier AS tier,
    e.level AS level, e.street AS street, n.industry AS industry
  FROM (SELECT v.period AS period, any(v.p_end) AS p_end, v.entity_id AS entity, groupArray(v.event_id) AS event_ids, ${pick('tier')} AS tier,
          ${pick('level')} AS level, any(loc.street) AS street
        FROM ${validAtEnd(where)} AS v ${locatedOn('loc', 'v.entity_id', 'v.p_end')}
        WHERE loc.in_area = 1
        GROUP BY v.period, v.entity_id) AS e
  LEFT JOIN names AS n ON n.uscc = e.entity)`;
}

function simpleStock(where: string, extraBreakdowns: Partial<Record<Breakdown, string>> = {}): KpiImpl {
  return {
    items: (b) => `SELECT period, ${b} AS b, entity, name, event_ids, toFloat64(1) AS x, toFloat64(0) AS y, tier, level FROM ${entityStock(where)}`,
    breakdowns: extraBreakdowns,
    value: 'sum(x)',
    ratio: false,
  };
}

function enterpriseStockKpi(where: string, rank?: string, extra: Partial<Record<Breakdown, string>> = {}): KpiImpl {
  return {
    items: (b) =>
      `SELECT period, ${b} AS b, entity, name, event_ids, toFloat64(1) AS x, toFloat64(0) AS y, tier, level, street, industry FROM ${enterpriseStock(where, rank)}`,
    breakdowns: { ...ENTERPRISE_BREAKDOWNS, ...extra },
    value: 'sum(x)',
    ratio: false,
  };
}

function meetings(body: '科创委' | '科创办'): KpiImpl {
  return {
    items: (b) => `SELECT p.period AS period, ${b} AS b, f.ref AS entity, f.subject_name AS name, [f.event_id] AS event_ids,
      toFloat64(1) AS x, toFloat64(0) AS y, toString(f.occurred) AS held_on, f.quantity AS decisions
    FROM ${live('fact_flows', `flow = 'meeting' AND category = ${lit(body)}`)} AS f CROSS JOIN periods AS p
    WHERE f.occurred BETWEEN p.p_start AND p.p_end`,
    breakdowns: {},
    value: 'uniqExact(entity)',
    ratio: false,
  };
}

/** Enterprise flows whose subject was in the area on the flow's date. */
function enterpriseFlow(flow: string, components: Record<string, string>): KpiImpl {
  return {
    items: (b) => `SELECT p.period AS period, ${b} AS b, f.subject_id AS entity, f.subject_name AS name, [f.event_id] AS event_ids,
      f.amount AS x, toFloat64(0) AS y, f.street AS street, n.industry AS industry, toString(f.occurred) AS on_date, f.ref AS ref
    FROM ${flowsWithLocation(`flow = ${lit(flow)}`)} AS f CROSS JOIN periods AS p LEFT JOIN names AS n ON n.uscc = f.subject_id
    WHERE f.occurred BETWEEN p.p_start AND p.p_end AND f.in_area = 1`,
    breakdowns: ENTERPRISE_BREAKDOWNS,
    value: 'sum(x)',
    components,
    ratio: false,
  };
}

/** Latest live report per milestone (argMax over a tuple keeps a NULL completion date). */
export const MILESTONES = `(SELECT m.milestone_id AS milestone_id, argMax(m.task, m.position) AS task, argMax(m.title, m.position) AS title,
    argMax(m.unit, m.position) AS unit, argMax(m.due_on, m.position) AS due_on, argMax(m.status, m.position) AS status,
    argMax(tuple(m.completed_on), m.position).1 AS completed_on, argMax(m.occurred, m.position) AS reported_on,
    argMax(m.event_id, m.position) AS event_id
  FROM ${live('fact_milestones')} AS m GROUP BY m.milestone_id)`;

const TASK_LEADS_SQL = `[${Array.from({ length: 18 }, (_, i) => litArray(TASK_LEAD_UNITS[i + 1] ?? [])).join(', ')}]`;

/** Latest live annual report per (enterprise, fiscal year). */
const FINANCIALS = `(SELECT r.uscc AS uscc, r.fiscal_year AS fiscal_year, argMax(r.revenue, r.position) AS revenue,
    argMax(r.rd_expense, r.position) AS rd_expense, argMax(r.above_scale, r.position) AS above_scale,
    argMax(r.has_rd_institution, r.position) AS has_rd, argMax(r.event_id, r.position) AS event_id
  FROM ${live('fact_financials')} AS r GROUP BY r.uscc, r.fiscal_year)`;

/** Per period and enterprise: whether a 高企 certificate is valid at the end / the day before the start, revoked within. */
const HTE_STATE = `(SELECT p.period AS period, any(p.p_start) AS p_start, any(p.p_end) AS p_end, s.entity_id AS entity,
    max(s.valid_from <= p.p_end AND s.valid_until >= p.p_end) AS valid_end,
    max(s.valid_from < p.p_start AND s.valid_until >= p.p_start - 1) AS valid_start,
    max(s.ended_by = 'revocation' AND s.valid_until BETWEEN p.p_start - 1 AND p.p_end - 1) AS revoked_in,
    groupArrayIf(s.event_id, s.valid_from <= p.p_end AND s.valid_until >= p.p_start - 1) AS event_ids
  FROM ${spans(`status = 'hte'`)} AS s CROSS JOIN periods AS p
  WHERE s.valid_from <= p.p_end
  GROUP BY p.period, s.entity_id)`;

function hteItems(b: string): string {
  return `SELECT h.period AS period, ${b} AS b, h.entity AS entity, n.name AS name, h.event_ids AS event_ids,
    toFloat64(in_end) AS x, toFloat64(0) AS y,
    h.valid_end AND le.in_area = 1 AS in_end, h.valid_start AND ls.in_area = 1 AS in_start,
    multiIf(in_end AND NOT in_start, if(h.valid_start, 'moved_in', 'new'),
            in_start AND NOT in_end, if(h.valid_end, 'moved_out', if(h.revoked_in, 'revoked', 'expired')), '') AS movement,
    -- A firm no longer counted (moved out, expired, revoked) is listed under the street it was counted
    -- under when the period started: outside the area it has none.
    if(in_end, le.street, ls.street) AS street, n.industry AS industry
  FROM ${HTE_STATE} AS h
  ${locatedOn('le', 'h.entity', 'h.p_end', 'left')}
  ${locatedOn('ls', 'h.entity', 'h.p_start - 1', 'left')}
  LEFT JOIN names AS n ON n.uscc = h.entity
  WHERE in_end OR in_start`;
}

/**
 * One row per period with the population it divides by (万人, in y): the latest 常住人口 whose period
 * starts by the period end; a unit without 万 is persons.
 */
const POPULATION_ROWS = `SELECT p.period, '常住人口', concat('常住人口 ', argMax(s.period, (s.period_end, s.position))), [argMax(s.event_id, (s.period_end, s.position))],
    toFloat64(0), argMax(if(position(s.unit, '万') > 0, s.value, s.value / 10000), (s.period_end, s.position))
  FROM ${live('fact_statistics', `statistic = '常住人口'`)} AS s CROSS JOIN periods AS p
  WHERE s.period_start <= p.p_end
  GROUP BY p.period`;

function patentsPer10k(highValueOnly: boolean): KpiImpl {
  // Patents are paired with their owners first, and only then with the periods at whose end both are
  // valid: pairing them per period would join two tables of every patent at every period end.
  const where = `status = 'patent' AND tier = '发明'${highValueOnly ? ' AND flag = 1' : ''}`;
  return {
    items: (b) => `SELECT period, ${b} AS b, entity, name, event_ids, x, y FROM (
      SELECT j.period AS period, j.entity AS entity, any(j.name) AS name,
        arrayDistinct(arrayConcat(groupArray(j.patent_event), groupArray(j.owner_event))) AS event_ids, toFloat64(1) AS x, toFloat64(0) AS y
      FROM (SELECT p.period AS period, p.p_end AS p_end, pt.entity_id AS entity, pt.entity_name AS name, pt.event_id AS patent_event,
              o.event_id AS owner_event, o.entity_id AS owner
            FROM ${spans(where)} AS pt
            INNER JOIN ${spans(`status = 'patent_owner'`)} AS o ON o.attr = pt.entity_id
            CROSS JOIN periods AS p
            WHERE pt.valid_from <= p.p_end AND pt.valid_until >= p.p_end AND o.valid_from <= p.p_end AND o.valid_until >= p.p_end) AS j
      ${locatedOn('loc', 'j.owner', 'j.p_end')}
      WHERE loc.in_area = 1
      GROUP BY j.period, j.entity
      UNION ALL
      ${POPULATION_ROWS})`,
    breakdowns: {},
    ...RATIO,
  };
}

const TENANT_INVESTMENTS_12M = `(SELECT p.period AS period, f.subject_id AS uscc, groupArray(f.event_id) AS event_ids
  FROM ${live('fact_flows', `flow = 'fund_investment'`)} AS f CROSS JOIN periods AS p
  WHERE f.occurred > subtractMonths(p.p_end, 12) AND f.occurred <= p.p_end
  GROUP BY p.period, f.subject_id)`;

const TECH_CONTRACTS = `(SELECT c.*, lb.in_area AS buyer_in_area
  FROM ${flowsWithLocation(`flow = 'tech_contract'`)} AS c
  ${locatedOn('lb', 'c.party_id', 'c.occurred', 'left')})`;

const HTE_BASELINE = `(SELECT argMax(t.value, t.position) AS value, argMax(t.event_id, t.position) AS event_id, argMax(t.period, t.position) AS period
  FROM ${live('fact_kpi_targets', `kind = 'baseline' AND kpi_id IN ('hte_doubling_progress', 'hte_count')`)} AS t)`;

const LEVELS = litArray(Level.options);

/**
 * Each platform recognition with the highest level rank (1 = 区级 … 4 = 国家级) of the same
 * platform's earlier recognitions (business date, then store position); 0 for the first.
 */
const PLATFORM_RECOGNITIONS = `(SELECT r.event_id AS event_id, r.entity_id AS entity_id, r.entity_name AS entity_name, r.tier AS tier,
    r.level AS level, r.attr AS host, r.valid_from AS valid_from, indexOf(${LEVELS}, r.level) AS level_rank,
    max(indexOf(${LEVELS}, r.level)) OVER (PARTITION BY r.entity_id ORDER BY r.valid_from, r.position ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prior_rank
  FROM ${live('fact_status_intervals', `status = 'rd_platform'`)} AS r)`;

const CULTIVATION_ROLES: Record<string, readonly (typeof TalentRole.options)[number][]> = {
  deputies: ['科技副总', '科技特派员'],
  researchAssistants: ['科研助理'],
  graduatesRetained: ['毕业生留区'],
};
const CULTIVATION_KIND = `multiIf(${Object.entries(CULTIVATION_ROLES)
  .map(([kind, roles]) => `f.attr IN (${roles.map(lit).join(', ')}), ${lit(kind)}`)
  .join(', ')}, '')`;

/** Statuses that make an in-area firm a registered innovation entity (the denominator of 上云率). */
const INNOVATION_STATUSES = `status IN ('hte', 'tech_sme', 'srdi', 'new_species')`;
/** brain_onboarding: the firm (e) had its first onboarding (o) by the period end. */
const ONBOARDED = `(o.event_id != '' AND o.first_on <= e.p_end)`;

/**
 * Per period and subject (and `key`, e.g. the bank): the latest report on or before the period end of
 * a flow that reports a level, not an amount (loan balances per bank and borrower, 5G / compute per reporter).
 */
function latestAtEnd(flow: string, key: string): string {
  const latest = (col: string) => `argMax(${col}, (f.occurred, f.position))`;
  return `(SELECT p.period AS period, any(p.p_end) AS p_end, f.subject_id AS subject_id, ${key} AS k, ${latest('f.subject_name')} AS subject_name,
    ${latest('f.party_name')} AS party_name, ${latest('f.category')} AS category, ${latest('f.amount')} AS amount,
    ${latest('f.quantity')} AS quantity, ${latest('f.event_id')} AS event_id, ${latest('f.occurred')} AS reported_on
  FROM ${live('fact_flows', `flow = ${lit(flow)}`)} AS f CROSS JOIN periods AS p
  WHERE f.occurred <= p.p_end
  GROUP BY p.period, f.subject_id, k)`;
}

/** Every KPI of the catalog. */
export const KPI_IMPLS: Readonly<Record<string, KpiImpl>> = {
  kcw_meetings_held: meetings('科创委'),
  kcb_meetings_held: meetings('科创办'),

  task_milestone_completion: {
    items: (b) => `SELECT p.period AS period, ${b} AS b, s.milestone_id AS entity, s.title AS name, [s.event_id] AS event_ids,
      toFloat64(s.status = '已完成' AND ifNull(s.completed_on, s.reported_on) <= p.p_end) AS x, toFloat64(1) AS y,
      s.task AS task, if(has(${TASK_LEADS_SQL}[s.task], s.unit), s.unit, ${TASK_LEADS_SQL}[s.task][1]) AS lead_unit,
      s.status AS status, toString(s.due_on) AS due_on, toString(s.completed_on) AS completed_on
    FROM ${MILESTONES} AS s CROSS JOIN periods AS p
    WHERE s.due_on BETWEEN p.p_start AND p.p_end`,
    breakdowns: { task: 'toString(task)', leadUnit: 'lead_unit' },
    ...RATIO_PCT,
  },

  decision_closure_rate: {
    // Decisions due in the period (an ongoing period: due by the day it is known at); closed on time = a closure on or before the due date.
    items: (b) => `SELECT p.period AS period, ${b} AS b, d.entity_id AS entity, d.entity_name AS name,
      [d.event_id] AS event_ids, toFloat64(on_time) AS x, toFloat64(1) AS y, d.tier AS body, d.attr AS owner,
      toString(d.valid_to) AS due_on, if(d.closed_on IS NULL, '', toString(d.closed_on)) AS closed_date,
      d.closed_on IS NOT NULL AND d.closed_on <= d.valid_to AS on_time, d.closed_on IS NOT NULL AND d.closed_on > d.valid_to AS late
    FROM ${spans(`status = 'decision' AND flag = 1`)} AS d CROSS JOIN periods AS p
    WHERE d.valid_to BETWEEN p.p_start AND p.p_end`,
    breakdowns: { tier: 'body' },
    ...RATIO_PCT,
    components: { closedLate: 'countIf(late)', open: 'countIf(NOT on_time AND NOT late)' },
  },

  academic_sites: simpleStock(`status = 'academic_site'`, { type: 'tier' }),

  hubu_colleges_relocated: simpleStock(`status = 'college' AND tier = '湖北大学' AND flag = 1`),
  applied_univ_bases: simpleStock(`status = 'training_base'`, { tier: 'tier' }),
  rd_platforms: simpleStock(`status = 'rd_platform'`, { level: 'level', type: 'tier' }),

  rd_platform_upgrades: {
    items: (b) => `SELECT p.period AS period, ${b} AS b, u.entity_id AS entity, u.entity_name AS name, [u.event_id] AS event_ids,
      toFloat64(1) AS x, toFloat64(0) AS y, u.level AS level, u.tier AS type, ${LEVELS}[u.prior_rank] AS from_level,
      toString(u.valid_from) AS recognized_on, u.host AS host
    FROM ${PLATFORM_RECOGNITIONS} AS u CROSS JOIN periods AS p
    WHERE u.prior_rank > 0 AND u.level_rank > u.prior_rank AND u.valid_from BETWEEN p.p_start AND p.p_end`,
    breakdowns: { level: 'level', type: 'type' },
    value: 'sum(x)',
    ratio: false,
  },
  new_rd_institutions: simpleStock(`status = 'nri'`, { industry: 'tier' }),

  key_tech_projects: {
    items: (b) => `SELECT p.period AS period, ${b} AS b, f.ref AS entity, f.party_name AS name, [f.event_id] AS event_ids,
      toFloat64(1) AS x, toFloat64(0) AS y, f.category AS industry, f.subject_name AS lead, f.amount AS funding,
      f.amount2 AS total_investment, toString(f.occurred) AS approved_on
    FROM ${live('fact_flows', `flow = 'key_tech_project'`)} AS f CROSS JOIN periods AS p
    WHERE f.occurred BETWEEN p.p_start AND p.p_end`,
    breakdowns: { industry: 'industry' },
    value: 'sum(x)',
    components: { funding: 'sum(funding)' },
    ratio: false,
  },

  innovation_consortia: {
    // A consortium counts while it exists and its lead firm is in the area at the period end.
    items: (b) => `SELECT e.period AS period, ${b} AS b, e.entity AS entity, e.name AS name, e.event_ids AS event_ids,
      toFloat64(1) AS x, toFloat64(0) AS y, e.tier AS industry, loc.street AS street, e.attr AS lead, n.name AS lead_name, e.amount AS members
    FROM ${entityStock(`status = 'consortium'`)} AS e
    ${locatedOn('loc', 'e.attr', 'e.p_end')}
    LEFT JOIN names AS n ON n.uscc = e.attr
    WHERE loc.in_area = 1`,
    breakdowns: { street: 'street', industry: 'industry' },
    value: 'sum(x)',
    components: { members: 'sum(members)' },
    ratio: false,
  },

  nri_industry_coverage: {
    items: (b) => `SELECT k.period AS period, ${b} AS b, k.industry AS entity, k.industry AS name, n.event_ids AS event_ids,
      toFloat64(length(n.event_ids) > 0) AS x, toFloat64(1) AS y
    FROM (SELECT period, arrayJoin(${litArray(KEY_INDUSTRIES)}) AS industry FROM periods) AS k
    LEFT JOIN (SELECT period, tier, groupArray(event_id) AS event_ids FROM ${validAtEnd(`status = 'nri'`)} GROUP BY period, tier) AS n
      ON n.period = k.period AND n.tier = k.industry`,
    breakdowns: {},
    ...RATIO_PCT,
  },

  public_service_platforms: {
    items: (b) => `SELECT period, ${b} AS b, entity, name, event_ids, x, y, kind, amount FROM (
      SELECT e.period AS period, e.entity AS entity, e.name AS name, e.event_ids AS event_ids, toFloat64(1) AS x, toFloat64(0) AS y,
        'platform' AS kind, toFloat64(0) AS amount
      FROM ${entityStock(`status = 'psp'`)} AS e
      UNION ALL
      SELECT p.period, f.subject_id, '', [f.event_id], toFloat64(0), toFloat64(0), 'service', f.amount
      FROM ${live('fact_flows', `flow = 'platform_service'`)} AS f CROSS JOIN periods AS p
      WHERE f.occurred BETWEEN p.p_start AND p.p_end)`,
    breakdowns: {},
    value: `uniqExactIf(entity, kind = 'platform')`,
    components: { clientFirms: `uniqExactIf(entity, kind = 'service')`, services: `countIf(kind = 'service')`, serviceAmount: `sumIf(amount, kind = 'service')` },
    ratio: false,
  },

  challenge_award_rate: {
    items: (b) => `SELECT p.period AS period, ${b} AS b, c.ref AS entity, c.subject_name AS name,
      if(awarded, arrayConcat([c.event_id], a.event_ids), [c.event_id]) AS event_ids,
      toFloat64(awarded) AS x, toFloat64(1) AS y, c.amount AS budget, if(awarded, a.amount, 0) AS awarded_amount,
      a.ref != '' AND a.awarded_on <= p.p_end AS awarded, c.attr AS cohort
    FROM ${live('fact_flows', `flow = 'challenge_published'`)} AS c CROSS JOIN periods AS p
    LEFT JOIN (SELECT ref, min(occurred) AS awarded_on, groupArray(event_id) AS event_ids, sum(amount) AS amount
               FROM ${live('fact_flows', `flow = 'challenge_awarded'`)} GROUP BY ref) AS a ON a.ref = c.ref
    WHERE toUInt16OrZero(c.attr) = toYear(p.p_end) AND c.occurred <= p.p_end`,
    breakdowns: {},
    ...RATIO_PCT,
    components: { budget: 'sum(budget)', awardedAmount: 'sum(awarded_amount)' },
  },

  chain_leaders_introduced: {
    items: (b) => `SELECT p.period AS period, ${b} AS b, f.subject_id AS entity, n.name AS name, [f.event_id] AS event_ids,
      toFloat64(1) AS x, toFloat64(0) AS y, f.category AS type, f.attr AS parent, f.street AS street, n.industry AS industry,
      toString(f.occurred) AS settled_on
    FROM ${flowsWithLocation(`flow = 'settlement' AND category IN ('链主', '配套')`)} AS f CROSS JOIN periods AS p
    LEFT JOIN names AS n ON n.uscc = f.subject_id
    WHERE f.occurred BETWEEN p.p_start AND p.p_end AND f.in_area = 1`,
    breakdowns: { ...ENTERPRISE_BREAKDOWNS, type: 'type' },
    value: 'uniqExact(entity)',
    components: { chainLeaders: `uniqExactIf(entity, type = '链主')`, suppliers: `uniqExactIf(entity, type = '配套')` },
    ratio: false,
  },

  tech_sme_count: enterpriseStockKpi(`status = 'tech_sme'`),

  hte_count: {
    items: hteItems,
    breakdowns: ENTERPRISE_BREAKDOWNS,
    value: 'sum(x)',
    components: {
      new: `countIf(movement = 'new')`,
      movedIn: `countIf(movement = 'moved_in')`,
      expired: `countIf(movement = 'expired')`,
      revoked: `countIf(movement = 'revoked')`,
      movedOut: `countIf(movement = 'moved_out')`,
    },
    ratio: false,
  },

  hte_doubling_progress: {
    items: (b) => `SELECT period, ${b} AS b, entity, name, event_ids, x, y FROM (
      SELECT period, entity, name, event_ids, x, toFloat64(0) AS y FROM (${hteItems("''")}) WHERE x > 0
      UNION ALL
      SELECT p.period, 'baseline', concat('基数 ', bl.period), [bl.event_id], toFloat64(0), bl.value
      FROM periods AS p CROSS JOIN ${HTE_BASELINE} AS bl WHERE bl.event_id != '')`,
    breakdowns: {},
    ...RATIO,
  },

  hte_reserve_conversion: {
    items: (b) => `SELECT r.period AS period, ${b} AS b, r.entity AS entity, n.name AS name, arrayConcat([r.event_id], h.event_ids) AS event_ids,
      toFloat64(length(h.event_ids) > 0) AS x, toFloat64(1) AS y
    FROM (SELECT p.period AS period, s.entity_id AS entity, any(s.event_id) AS event_id
          FROM ${spans(`status = 'reserve_pool' AND tier = '高企后备库'`)} AS s CROSS JOIN periods AS p
          WHERE s.valid_from <= toStartOfYear(p.p_end) AND s.valid_until >= toStartOfYear(p.p_end)
          GROUP BY p.period, s.entity_id) AS r
    LEFT JOIN (SELECT p.period AS period, s.entity_id AS entity, groupArray(s.event_id) AS event_ids
               FROM ${spans(`status = 'hte'`)} AS s CROSS JOIN periods AS p
               WHERE s.valid_from BETWEEN toStartOfYear(p.p_end) AND p.p_end
               GROUP BY p.period, s.entity_id) AS h ON h.period = r.period AND h.entity = r.entity
    LEFT JOIN names AS n ON n.uscc = r.entity`,
    breakdowns: {},
    ...RATIO_PCT,
  },

  above_scale_hte_rd_coverage: {
    items: (b) => `SELECT e.period AS period, ${b} AS b, e.entity AS entity, e.name AS name, arrayConcat(e.event_ids, [f.event_id]) AS event_ids,
      toFloat64(f.has_rd) AS x, toFloat64(1) AS y, e.street AS street, e.industry AS industry, f.fiscal_year AS fiscal_year
    FROM ${enterpriseStock(`status = 'hte'`)} AS e
    -- The report of the latest fiscal year up to the year of the period end (FINANCIALS: one per firm and year).
    ASOF INNER JOIN ${FINANCIALS} AS f ON f.uscc = e.entity AND toYear(e.p_end) >= f.fiscal_year
    WHERE f.above_scale = 1`,
    breakdowns: ENTERPRISE_BREAKDOWNS,
    ...RATIO_PCT,
  },

  enterprise_rd_intensity: {
    items: (b) => `SELECT c.period AS period, ${b} AS b, c.uscc AS entity, n.name AS name, [c.event_id] AS event_ids,
      c.rd AS x, c.revenue AS y, c.cohorts AS cohorts
    FROM (SELECT p.period AS period, g.uscc AS uscc, g.event_id AS event_id, g.rd_expense AS rd, g.revenue AS revenue,
            arrayFilter(z -> z != '', [if(h.entity != '', '高企', ''), if(g.above_scale = 1, '规上', '')]) AS cohorts
          FROM ${FINANCIALS} AS g CROSS JOIN periods AS p
          ${locatedOn('loc', 'g.uscc', 'p.p_end')}
          LEFT JOIN (SELECT period, entity FROM ${enterpriseStock(`status = 'hte'`)}) AS h ON h.period = p.period AND h.entity = g.uscc
          WHERE g.fiscal_year = toYear(p.p_end) AND loc.in_area = 1) AS c
    LEFT JOIN names AS n ON n.uscc = c.uscc
    WHERE length(c.cohorts) > 0`,
    breakdowns: { cohort: 'arrayJoin(cohorts)' },
    ...RATIO_PCT,
  },

  innovation_vouchers: enterpriseFlow('voucher', { firms: 'uniqExact(entity)' }),

  srdi_firms: enterpriseStockKpi(`status = 'srdi'`, `indexOf(${litArray(SrdiTier.options)}, v.tier)`, { tier: 'tier', level: 'level' }),

  new_species_firms: {
    items: (b) => `SELECT e.period AS period, ${b} AS b, e.entity AS entity, e.name AS name, e.event_ids AS event_ids,
      toFloat64(1) AS x, toFloat64(0) AS y, e.tier AS tier, e.street AS street, e.industry AS industry,
      st.rank_start > 0 AND indexOf(${litArray(NewSpeciesTier.options)}, e.tier) > st.rank_start AS promoted
    FROM ${enterpriseStock(`status = 'new_species'`, `indexOf(${litArray(NewSpeciesTier.options)}, v.tier)`)} AS e
    LEFT JOIN (SELECT p.period AS period, s.entity_id AS entity, max(indexOf(${litArray(NewSpeciesTier.options)}, s.tier)) AS rank_start
               FROM ${spans(`status = 'new_species'`)} AS s CROSS JOIN periods AS p
               WHERE s.valid_from < p.p_start AND s.valid_until >= p.p_start - 1
               GROUP BY p.period, s.entity_id) AS st ON st.period = e.period AND st.entity = e.entity`,
    breakdowns: { ...ENTERPRISE_BREAKDOWNS, tier: 'tier' },
    value: 'sum(x)',
    components: { promotions: 'countIf(promoted)' },
    ratio: false,
  },

  incubation_carriers: {
    items: (b) => `SELECT e.period AS period, ${b} AS b, e.entity AS entity, e.name AS name, e.event_ids AS event_ids,
      toFloat64(1) AS x, toFloat64(0) AS y, e.tier AS type, lv.level AS level
    FROM ${entityStock(`status = 'incubator'`)} AS e
    LEFT JOIN (SELECT p.period AS period, i.entity_id AS entity, argMax(i.level, (i.valid_from, i.position)) AS level
               FROM ${live('fact_status_intervals', `status IN ('incubator', 'incubator_level')`)} AS i CROSS JOIN periods AS p
               WHERE i.valid_from <= p.p_end
               GROUP BY p.period, i.entity_id) AS lv ON lv.period = e.period AND lv.entity = e.entity`,
    breakdowns: { type: 'type', level: 'level' },
    value: 'sum(x)',
    ratio: false,
  },

  incubating_tenants: simpleStock(`status = 'tenant'`, { tier: 'tier' }),

  graduated_tenants: {
    items: (b) => `SELECT p.period AS period, ${b} AS b, g.entity AS entity, g.name AS name, [g.event_id, g.admit_event] AS event_ids,
      toFloat64(g.closed_on >= p.p_start) AS x, toFloat64(0) AS y, g.tier AS tier, toString(g.closed_on) AS graduated_on, g.reason AS criterion
    FROM (SELECT c.event_id AS event_id, c.closed_on AS closed_on, c.reason AS reason, i.entity_id AS entity, i.entity_name AS name,
            i.tier AS tier, i.event_id AS admit_event
          FROM ${live('fact_status_closures', `closed_by = 'graduation'`)} AS c
          LEFT JOIN ${live('fact_status_intervals', `status = 'tenant'`)} AS i ON i.instance_key = c.instance_key) AS g
    CROSS JOIN periods AS p
    WHERE g.closed_on <= p.p_end`,
    breakdowns: { tier: 'tier' },
    value: 'sum(x)',
    components: { cumulative: 'count()' },
    ratio: false,
  },

  tenant_financing_rate: {
    items: (b) => `SELECT e.period AS period, ${b} AS b, e.entity AS entity, e.name AS name, arrayConcat(e.event_ids, inv.event_ids) AS event_ids,
      toFloat64(length(inv.event_ids) > 0) AS x, toFloat64(1) AS y
    FROM ${entityStock(`status = 'tenant'`)} AS e
    LEFT JOIN ${TENANT_INVESTMENTS_12M} AS inv ON inv.period = e.period AND inv.uscc = e.entity`,
    breakdowns: {},
    ...RATIO_PCT,
  },

  tech_contract_turnover: {
    items: (b) => `SELECT p.period AS period, ${b} AS b, c.ref AS entity, concat(c.subject_name, ' → ', c.party_name) AS name, [c.event_id] AS event_ids,
      c.amount / 10000 AS x, toFloat64(0) AS y, c.in_area = 1 AS seller_in, c.buyer_in_area = 1 AS buyer_in,
      c.amount2 / 10000 AS tech, c.category AS type, c.subject_id AS seller, c.party_id AS buyer, c.amount AS amount_wan
    FROM ${TECH_CONTRACTS} AS c CROSS JOIN periods AS p
    WHERE c.occurred BETWEEN p.p_start AND p.p_end AND (seller_in OR buyer_in)`,
    breakdowns: { type: 'type' },
    value: 'sum(x)',
    components: { output: 'sumIf(x, seller_in)', absorbed: 'sumIf(x, buyer_in)', techTransaction: 'sum(tech)', contracts: 'count()' },
    ratio: false,
  },

  transfer_carriers: simpleStock(`status = 'transfer_carrier'`, { type: 'tier', level: 'level' }),

  tech_brokers: simpleStock(`status = 'tech_broker'`, { level: 'level' }),

  invention_patents_per_10k: patentsPer10k(false),
  high_value_patents_per_10k: patentsPer10k(true),

  ip_pledge_financing: enterpriseFlow('ip_pledge', { pledges: 'count()', pledgors: 'uniqExact(entity)' }),

  high_level_talent: {
    items: (b) => `SELECT p.period AS period, ${b} AS b, f.ref AS entity, if(f.flow = 'team', f.party_name, '') AS name, [f.event_id] AS event_ids,
      toFloat64(1) AS x, toFloat64(0) AS y, f.flow AS kind, f.category AS programme, f.level AS level, f.subject_id AS employer
    FROM ${live('fact_flows', `(flow = 'talent' AND attr = '科技领军人才') OR flow = 'team'`)} AS f CROSS JOIN periods AS p
    WHERE f.occurred BETWEEN p.p_start AND p.p_end`,
    breakdowns: { tier: 'programme', level: 'level' },
    value: 'sum(x)',
    components: { talents: `countIf(kind = 'talent')`, teams: `countIf(kind = 'team')` },
    ratio: false,
  },

  talent_cultivation: {
    items: (b) => `SELECT p.period AS period, ${b} AS b, f.ref AS entity, concat(f.attr, if(n.name != '', concat(' · ', n.name), '')) AS name,
      [f.event_id] AS event_ids, toFloat64(1) AS x, toFloat64(0) AS y, ${CULTIVATION_KIND} AS kind, f.attr AS role,
      f.category AS programme, f.subject_id AS employer, toString(f.occurred) AS introduced_on
    FROM ${live('fact_flows', `flow = 'talent' AND attr IN (${Object.values(CULTIVATION_ROLES).flat().map(lit).join(', ')})`)} AS f
    CROSS JOIN periods AS p LEFT JOIN names AS n ON n.uscc = f.subject_id
    WHERE f.occurred BETWEEN p.p_start AND p.p_end`,
    breakdowns: { type: 'role' },
    value: 'uniqExact(entity)',
    components: Object.fromEntries(Object.keys(CULTIVATION_ROLES).map((k) => [k, `uniqExactIf(entity, kind = ${lit(k)})`])),
    ratio: false,
  },

  fund_matrix: {
    items: (b) => `SELECT period, ${b} AS b, entity, name, event_ids, x, y, kind, strategy, fund_level, committed, government, paid FROM (
      SELECT e.period AS period, e.entity AS entity, e.name AS name, e.event_ids AS event_ids, e.amount / 10000 AS x, toFloat64(0) AS y,
        'fund' AS kind, e.tier AS strategy, e.level AS fund_level, e.amount AS committed, e.amount2 AS government, toFloat64(0) AS paid
      FROM ${entityStock(`status = 'fund'`)} AS e
      UNION ALL
      SELECT p.period, c.subject_id, c.ref, [c.event_id], toFloat64(0), toFloat64(0), 'call', fd.tier, fd.level, toFloat64(0), toFloat64(0), c.amount / 10000
      FROM ${live('fact_flows', `flow = 'capital_call'`)} AS c CROSS JOIN periods AS p
      LEFT JOIN (SELECT entity_id, any(tier) AS tier, any(level) AS level FROM ${live('fact_status_intervals', `status = 'fund'`)} GROUP BY entity_id) AS fd
        ON fd.entity_id = c.subject_id
      WHERE c.occurred <= p.p_end)`,
    breakdowns: { tier: 'strategy' },
    value: `sumIf(x, kind = 'fund')`,
    components: {
      paidIn: 'sum(paid)',
      funds: `countIf(kind = 'fund')`,
      subFunds: `countIf(kind = 'fund' AND fund_level = '子基金')`,
      leverage: `sumIf(committed, kind = 'fund') / nullIf(sumIf(government, kind = 'fund'), 0)`,
    },
    ratio: false,
  },

  fund_investment_in_area: {
    items: (b) => `SELECT period, ${b} AS b, entity, name, event_ids, x, y, kind, round, early, in_period, amount, government FROM (
      SELECT p.period AS period, f.subject_id AS entity, f.subject_name AS name, [f.event_id] AS event_ids,
        if(f.occurred >= p.p_start, f.amount, 0) AS x, toFloat64(0) AS y, 'investment' AS kind, f.category AS round, f.flag AS early,
        f.occurred >= p.p_start AS in_period, f.amount AS amount, toFloat64(0) AS government
      FROM ${flowsWithLocation(`flow = 'fund_investment'`)} AS f CROSS JOIN periods AS p
      WHERE f.occurred <= p.p_end AND f.in_area = 1
      UNION ALL
      SELECT e.period, e.entity, e.name, e.event_ids, toFloat64(0), toFloat64(0), 'fund', '', 0, 0, toFloat64(0), e.amount2
      FROM ${entityStock(`status = 'fund'`)} AS e)`,
    breakdowns: {},
    value: 'sum(x)',
    components: {
      earlyShare: `sumIf(amount, in_period AND early = 1) / nullIf(sum(x), 0) * 100`,
      reinvestmentMultiple: `sumIf(amount, kind = 'investment') / nullIf(sumIf(government, kind = 'fund'), 0)`,
      investments: `countIf(kind = 'investment' AND in_period)`,
    },
    ratio: false,
  },

  tech_credit: {
    // Each bank's latest month-end balance to each borrower by the period end, for borrowers in the area that day.
    items: (b) => `SELECT l.period AS period, ${b} AS b, l.subject_id AS entity, l.subject_name AS name, [l.event_id] AS event_ids,
      l.amount / 10000 AS x, toFloat64(0) AS y, l.party_name AS bank, l.category AS type, loc.street AS street, n.industry AS industry,
      l.amount AS amount_wan, toString(l.reported_on) AS balance_on
    FROM ${latestAtEnd('loan_balance', 'f.ref')} AS l
    ${locatedOn('loc', 'l.subject_id', 'l.p_end')}
    LEFT JOIN names AS n ON n.uscc = l.subject_id
    WHERE loc.in_area = 1 AND l.amount > 0`,
    breakdowns: { street: 'street', type: 'type' },
    value: 'sum(x)',
    components: { borrowers: 'uniqExact(entity)' },
    ratio: false,
  },

  digital_infra: {
    // 5G stations of every reporter's latest report by the period end ÷ population (万人); compute (PFLOPS) alongside.
    items: (b) => `SELECT period, ${b} AS b, entity, name, event_ids, x, y, pflops, reported_on FROM (
      SELECT d.period AS period, d.subject_id AS entity, d.subject_name AS name, [d.event_id] AS event_ids, d.quantity AS x, toFloat64(0) AS y,
        d.amount AS pflops, toString(d.reported_on) AS reported_on
      FROM ${latestAtEnd('digital_infra', "''")} AS d
      UNION ALL
      SELECT *, toFloat64(0), '' FROM (${POPULATION_ROWS}))`,
    breakdowns: {},
    ...RATIO,
    components: { stations: 'sum(x)', computePflops: 'sum(pflops)' },
  },

  brain_onboarding: {
    // In-area firms holding an innovation status (高企, 科小, 专精特新 tiers, 新物种) at the period end; onboarded by then.
    // A firm's first onboarding, counted from its date on (the first one by the period end is the first one ever, if any).
    items: (b) => `SELECT e.period AS period, ${b} AS b, e.entity AS entity, e.name AS name,
      if(${ONBOARDED}, arrayConcat(e.event_ids, [o.event_id]), e.event_ids) AS event_ids,
      toFloat64(${ONBOARDED}) AS x, toFloat64(1) AS y, e.street AS street, e.industry AS industry,
      if(${ONBOARDED}, toString(o.first_on), '') AS onboarded_on
    FROM ${enterpriseStock(INNOVATION_STATUSES)} AS e
    LEFT JOIN (SELECT f.subject_id AS uscc, argMin(f.event_id, (f.occurred, f.position)) AS event_id, min(f.occurred) AS first_on
               FROM ${live('fact_flows', `flow = 'onboarding'`)} AS f
               GROUP BY f.subject_id) AS o ON o.uscc = e.entity`,
    breakdowns: ENTERPRISE_BREAKDOWNS,
    ...RATIO_PCT,
  },

  innovation_events: {
    items: (b) => `SELECT p.period AS period, ${b} AS b, f.ref AS entity, f.subject_name AS name, [f.event_id] AS event_ids,
      toFloat64(1) AS x, toFloat64(0) AS y, f.category AS type, f.level AS level, f.quantity AS attendees,
      f.party_name AS organizer, toString(f.occurred) AS held_on
    FROM ${live('fact_flows', `flow = 'innovation_event'`)} AS f CROSS JOIN periods AS p
    WHERE f.occurred BETWEEN p.p_start AND p.p_end`,
    breakdowns: { level: 'level', type: 'type' },
    value: 'sum(x)',
    components: { attendees: 'sum(attendees)' },
    ratio: false,
  },

  listing_pipeline: {
    items: (b) => `SELECT period, ${b} AS b, entity, name, event_ids, x, y, kind, street, industry FROM (
      SELECT e.period AS period, e.entity AS entity, e.name AS name, e.event_ids AS event_ids, toFloat64(1) AS x, toFloat64(0) AS y,
        'member' AS kind, e.street AS street, e.industry AS industry
      FROM ${enterpriseStock(`status = 'reserve_pool' AND tier = '上市后备库'`)} AS e
      UNION ALL
      SELECT p.period, f.subject_id, n.name, [f.event_id], toFloat64(0), toFloat64(0), 'listing', f.street, n.industry
      FROM ${flowsWithLocation(`flow = 'listing'`)} AS f CROSS JOIN periods AS p LEFT JOIN names AS n ON n.uscc = f.subject_id
      WHERE f.occurred BETWEEN p.p_start AND p.p_end AND f.in_area = 1)`,
    breakdowns: ENTERPRISE_BREAKDOWNS,
    value: 'sum(x)',
    components: { listings: `countIf(kind = 'listing')` },
    ratio: false,
  },
};
