/**
 * Entity profiles (一企一档) read from the fact tables, as known at an instant: the entities of
 * the area (enterprises from the enterprise dimension; incubators, platforms and funds from their
 * statuses), their current location and tags, their status history, annual figures and the
 * events behind them. Every user value is a bound parameter.
 */
import { ENTITY_KIND_LABELS, ENTITY_TAGS, type EntityKind, type EntityProfile, type EntitySearchQuery, type EntitySearchResult, type EntitySummary, type EntityTag, type EntityTagView } from '../../contracts/entities.ts';
import { NotFoundError } from '../../contracts/errors.ts';
import type { OlapClient, OlapParams } from '../../contracts/ports.ts';
import { asOfParam, createKpiQueries, knownOnOf, NOW, type KpiQueries } from '../kpi/queries.ts';
import { lit, live, NO_POSITION_BOUND, QUERY_SETTINGS, spans } from '../kpi/sql.ts';

export interface EntityQueries {
  search(query: EntitySearchQuery): Promise<EntitySearchResult>;
  /** A profile without its KPI memberships and store details (the API adds those). */
  profile(id: string, options?: { asOf?: string }): Promise<Omit<EntityProfile, 'kpis'>>;
}

/** Statuses shown as tags (the other statuses of the facts describe patents, not entities). */
const TAG_STATUSES = Object.keys(ENTITY_TAGS).filter((t) => t !== 'chain_leader');
const STATUS_FILTER = `status IN (${TAG_STATUSES.map(lit).join(', ')})`;
const OTHER_KINDS = `entity_kind IN ('incubator', 'platform', 'fund') AND entity_name != ''`;

/** Every entity once, with its name and where it is at the day (`{day:Date}`). */
const ENTITIES = `ents AS (
  SELECT uscc AS id, 'enterprise' AS kind,
    argMaxIf(name, (effective_from, position), change = 'registered') AS name,
    argMaxIf(industry, (effective_from, position), change = 'registered') AS industry,
    argMax(street, (effective_from, position)) AS street,
    argMax(park, (effective_from, position)) AS park,
    argMax(in_area, (effective_from, position)) AS in_area,
    toString(minIf(effective_from, change = 'registered')) AS established
  FROM ${live('fact_entity_locations', 'effective_from <= {day:Date}')}
  GROUP BY uscc
  UNION ALL
  SELECT entity_id AS id, any(entity_kind) AS kind, argMax(entity_name, (valid_from, position)) AS name,
    '' AS industry, '' AS street, '' AS park, toUInt8(1) AS in_area, '' AS established
  FROM ${live('fact_status_intervals', OTHER_KINDS)}
  GROUP BY entity_id
),
tags AS (
  SELECT id, groupArray((status, d, f, u)) AS t FROM (
    SELECT entity_id AS id, status, arrayStringConcat(arraySort(arrayFilter(x -> x != '', groupUniqArray(if(tier != '', tier, level)))), '/') AS d,
      toString(min(valid_from)) AS f, toString(max(valid_until)) AS u
    FROM ${spans(STATUS_FILTER)}
    WHERE valid_from <= {day:Date} AND valid_until >= {day:Date}
    GROUP BY entity_id, status)
  GROUP BY id
),
leaders AS (
  SELECT subject_id AS id, min(occurred) AS since FROM ${live('fact_flows', `flow = 'settlement' AND category = '链主'`)} WHERE occurred <= {day:Date} GROUP BY subject_id
)`;

const SELECT_SUMMARY = `SELECT e.id AS id, e.kind AS kind, e.name AS name, e.industry AS industry, e.street AS street, e.park AS park,
  e.in_area AS in_area, e.established AS established, t.t AS tags, toString(l.since) AS leader_since`;
const FROM_SUMMARY = `FROM ents AS e LEFT JOIN tags AS t ON t.id = e.id LEFT JOIN leaders AS l ON l.id = e.id`;

interface SummaryRow {
  id: string;
  kind: string;
  name: string;
  industry: string;
  street: string;
  park: string;
  in_area: number;
  established: string;
  tags: Array<[string, string, string, string]>;
  /** '1970-01-01' when not a chain leader (join_use_nulls = 0). */
  leader_since: string;
  total?: string | number;
}

const OPEN_END = '2149-06-06';

function tagView(id: EntityTag, detail: string, since: string, until: string): EntityTagView {
  return { id, label: ENTITY_TAGS[id], ...(detail ? { detail } : {}), since, until: until >= OPEN_END ? null : until };
}

function summaryOf(r: SummaryRow): EntitySummary {
  const kind = r.kind as EntityKind;
  const tags = r.tags.map(([s, d, from, to]) => tagView(s as EntityTag, d, from, to)).sort((a, b) => a.since.localeCompare(b.since));
  if (r.leader_since && r.leader_since !== '1970-01-01') tags.push(tagView('chain_leader', '', r.leader_since, OPEN_END));
  return {
    id: r.id,
    kind,
    kindLabel: ENTITY_KIND_LABELS[kind] ?? kind,
    name: r.name,
    uscc: kind === 'enterprise' ? r.id : null,
    street: r.street,
    park: r.park,
    industry: r.industry,
    inArea: Number(r.in_area) === 1,
    tags,
  };
}

export function createEntityQueries(olap: OlapClient): EntityQueries {
  function bound(asOf: string | undefined): OlapParams & { asOf: string; day: string } {
    const instant = asOfParam(asOf);
    return { asOf: instant, maxPos: NO_POSITION_BOUND, day: knownOnOf(instant) };
  }

  async function summary(id: string, params: OlapParams): Promise<(SummaryRow & { established: string }) | undefined> {
    const [row] = await olap.query<SummaryRow>(`WITH ${ENTITIES} ${SELECT_SUMMARY} ${FROM_SUMMARY} WHERE e.id = {id:String} LIMIT 1 ${QUERY_SETTINGS}`, { ...params, id });
    return row;
  }

  return {
    async search(query) {
      const params: OlapParams = { ...bound(query.asOf), limit: query.limit, offset: query.offset };
      const where: string[] = [];
      if (query.q !== undefined) {
        where.push('(positionCaseInsensitiveUTF8(e.name, {q:String}) > 0 OR e.id = {q:String})');
        params.q = query.q;
      }
      for (const key of ['kind', 'street', 'park', 'industry'] as const) {
        const value = query[key];
        if (value === undefined) continue;
        where.push(`e.${key} = {${key}:String}`);
        params[key] = value;
      }
      if (query.tag === 'chain_leader') where.push(`l.since > '1970-01-01'`);
      else if (query.tag !== undefined) {
        where.push('has(arrayMap(x -> x.1, t.t), {tag:String})');
        params.tag = query.tag;
      }
      const rows = await olap.query<SummaryRow>(
        `WITH ${ENTITIES}
${SELECT_SUMMARY}, count() OVER () AS total
${FROM_SUMMARY}
${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
ORDER BY e.kind != 'enterprise', e.name = '', e.name, e.id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
${QUERY_SETTINGS}`,
        params,
      );
      return {
        entities: rows.map(summaryOf),
        total: rows.length > 0 ? Number(rows[0]!.total) : 0,
        limit: query.limit,
        offset: query.offset,
        asOf: query.asOf ?? null,
      };
    },

    async profile(id, options = {}) {
      const params = bound(options.asOf);
      const row = await summary(id, params);
      if (!row) throw new NotFoundError(`没有这个主体: ${id}${options.asOf ? ` (截至 ${options.asOf})` : ''}`);
      const base = summaryOf(row);
      const p = { ...params, id };
      const [statuses, financials, timeline] = await Promise.all([
        olap.query<{ status: string; d: string; valid_from: string; valid_until: string; ended_by: string; event_id: string }>(
          `SELECT status, if(tier != '', tier, level) AS d, toString(valid_from) AS valid_from, toString(valid_until) AS valid_until, ended_by, event_id
           FROM ${spans(`${STATUS_FILTER} AND entity_id = {id:String}`)} ORDER BY valid_from, event_id ${QUERY_SETTINGS}`,
          p,
        ),
        olap.query<{ fiscal_year: number; revenue: number; rd_expense: number; event_id: string }>(
          `SELECT fiscal_year, argMax(revenue, position) AS revenue, argMax(rd_expense, position) AS rd_expense, argMax(event_id, position) AS event_id
           FROM ${live('fact_financials', 'uscc = {id:String}')} GROUP BY fiscal_year ORDER BY fiscal_year ${QUERY_SETTINGS}`,
          p,
        ),
        // Every event behind a fact about the entity, corrections and corrected ones included.
        olap.query<{ event_id: string; position: string; stream_id: string; occurred: string; recorded_at: string; supersedes: string; superseded_by: string; type: string }>(
          `WITH mine AS (
             SELECT event_id, position, stream_id, occurred, recorded_at FROM fact_entity_locations WHERE uscc = {id:String}
             UNION ALL SELECT event_id, position, stream_id, occurred, recorded_at FROM fact_status_intervals
               WHERE entity_id = {id:String} OR startsWith(instance_key, concat('tenant:', {id:String}, ':'))
             UNION ALL SELECT event_id, position, stream_id, occurred, recorded_at FROM fact_status_closures WHERE entity_id = {id:String}
             UNION ALL SELECT event_id, position, stream_id, occurred, recorded_at FROM fact_flows WHERE subject_id = {id:String} OR party_id = {id:String}
             UNION ALL SELECT event_id, position, stream_id, occurred, recorded_at FROM fact_financials WHERE uscc = {id:String}
           ),
           events AS (SELECT event_id, any(position) AS pos, any(stream_id) AS sid, any(occurred) AS occ, any(recorded_at) AS rec
             FROM mine WHERE recorded_at <= {asOf:DateTime64(3)} GROUP BY event_id)
           SELECT e.event_id AS event_id, toString(e.pos) AS position, e.sid AS stream_id, toString(e.occ) AS occurred,
             toString(e.rec) AS recorded_at, c.supersedes AS supersedes, c.event_type AS type, n.event_id AS superseded_by
           FROM events AS e
           LEFT JOIN (SELECT event_id, any(supersedes) AS supersedes, any(event_type) AS event_type FROM fact_corrections
             WHERE recorded_at <= {asOf:DateTime64(3)} GROUP BY event_id) AS c ON c.event_id = e.event_id
           LEFT JOIN (SELECT supersedes, argMax(event_id, position) AS event_id FROM fact_corrections
             WHERE recorded_at <= {asOf:DateTime64(3)} GROUP BY supersedes) AS n ON n.supersedes = e.event_id
           ORDER BY e.occ, e.pos
           LIMIT 5000 ${QUERY_SETTINGS}`,
          p,
        ),
      ]);
      const day = params.day;
      return {
        ...base,
        establishedOn: row.established && row.established !== '1970-01-01' ? row.established : null,
        statuses: statuses.map((s) => ({
          ...tagView(s.status as EntityTag, s.d, s.valid_from, s.valid_until),
          current: s.valid_from <= day && s.valid_until >= day,
          endedBy: s.valid_until >= OPEN_END ? null : s.ended_by,
          eventId: s.event_id,
        })),
        financials: financials.map((f) => ({ fiscalYear: Number(f.fiscal_year), revenue: Number(f.revenue), rdExpense: f.rd_expense == null ? null : Number(f.rd_expense), eventId: f.event_id })),
        timeline: timeline.map((t) => ({
          eventId: t.event_id,
          type: t.type ?? '',
          occurred: t.occurred,
          recordedAt: `${t.recorded_at.replace(' ', 'T')}Z`,
          position: Number(t.position),
          streamId: t.stream_id,
          sourceUnit: null,
          summary: '',
          supersedes: t.supersedes ? t.supersedes : null,
          supersededBy: t.superseded_by ? t.superseded_by : null,
        })),
        asOf: options.asOf && options.asOf !== NOW ? options.asOf : null,
      };
    },
  };
}

/** What the profile routes read: search and profiles, and KPI memberships from the KPI item queries (on the same session). */
export function createEntityReader(olap: OlapClient): EntityQueries & { memberships: KpiQueries['memberships'] } {
  const profiles = createEntityQueries(olap);
  const kpis = createKpiQueries(olap);
  return { search: (q) => profiles.search(q), profile: (id, o) => profiles.profile(id, o), memberships: (id, o) => kpis.memberships(id, o) };
}
