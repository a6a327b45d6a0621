import { DEFAULT_TARGETS, KPI_CATALOG, LeadUnit, TASK_LEAD_UNITS, type KpiDefinition } from '../../contracts/kpis.ts';
import type { WarningView } from '../../contracts/warningView.ts';
import type { DataQualityView } from '../../contracts/monitoring.ts';
import type { WarningRule } from '../../contracts/events/monitoring.ts';
import { shanghaiDate } from '../../contracts/dates.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import { MILESTONES } from '../kpi/definitions.ts';
import { asOfParam, knownOnOf, NOW, type KpiQueries } from '../kpi/queries.ts';
import type { Period } from '../kpi/periods.ts';
import { live, NO_POSITION_BOUND, QUERY_SETTINGS } from '../kpi/sql.ts';
import type { KpiMeasurement, MilestoneReading, Readings, SourceReading } from './evaluate.ts';
import type { EarlierYear } from './forecast.ts';

/** How many earlier years a projection looks back at. */
export const EARLIER_YEARS = 3;

export interface WarningFilter {
  leadUnit?: string;
  dimension?: string;
  kpi?: string;
  /** `open` (default), `cleared`, `all`, or a severity (关注 / 预警) of open warnings. */
  status?: 'open' | 'cleared' | 'all' | '关注' | '预警';
  asOf?: string;
}

export type { WarningView };

export interface MonitoringQueries {
  /** What the rules look at, as known now, periods under way evaluated on `today`. */
  readings(today: string): Promise<Readings>;
  /** Warnings as known at `asOf` (now when absent), filtered. */
  warnings(filter?: WarningFilter): Promise<WarningView[]>;
  /** A stored record's department and review flags, from the source facts (undefined: unknown or not projected yet). */
  flaggedRecord(eventId: string): Promise<{ unit: string; flags: string[] } | undefined>;
  /** The data-quality board: per sending department, as known at `asOf`; cadences from the rule table given. */
  dataQuality(options: { asOf?: string; rules: readonly WarningRule[] }): Promise<DataQualityView>;
}

const yearPeriod = (y: number, end = `${y}-12-31`): Period => ({ label: String(y), grain: 'year', start: `${y}-01-01`, end });
/** The same month and day in an earlier year (29 February becomes the 28th). */
function sameDay(today: string, year: number): string {
  const md = today.slice(5);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return `${year}-${md === '02-29' && !leap ? '02-28' : md}`;
}

const instant = (v: unknown) => `${String(v).replace(' ', 'T')}Z`;

/** The monitor's readings and the warnings fact table, over the fact tables' stable names. */
export function createMonitoringQueries(olap: OlapClient, kpis: KpiQueries): MonitoringQueries {
  async function measure(kpi: KpiDefinition, today: string): Promise<KpiMeasurement | null> {
    const year = Number(today.slice(0, 4));
    const periods: Period[] = [yearPeriod(year)];
    for (let y = year - 1; y >= year - EARLIER_YEARS; y--) periods.push(yearPeriod(y, sameDay(today, y)), yearPeriod(y));
    const set = await kpis.compute({ kpi, slot: 'year', periods, maxPosition: Number.MAX_SAFE_INTEGER, knownOn: today });
    const at = (i: number) => set.byPeriod![i]!.points[0] ?? set.byPeriod![i]!.empty;
    const cur = at(0);
    if (cur.target === null || cur.target <= 0) return null;
    const earlier: EarlierYear[] = [];
    for (let i = 0; i < EARLIER_YEARS; i++) earlier.push({ year: year - 1 - i, toDate: at(1 + 2 * i).value, full: at(2 + 2 * i).value });
    return { kpi, year, target: cur.target, value: cur.value, startValue: earlier[0]!.full, earlier };
  }

  return {
    async readings(today) {
      // KPIs with a target this year (entered, or the policy's own), measured through the year
      // (not annual statistics known only the next spring).
      const entered = await olap.query<{ id: string }>(
        `SELECT DISTINCT kpi_id AS id FROM ${live('fact_kpi_targets', `kind = 'target' AND startsWith(period, {year:String})`)} ${QUERY_SETTINGS}`,
        { asOf: NOW, maxPos: NO_POSITION_BOUND, year: today.slice(0, 4) },
      );
      const withTarget = new Set([...entered.map((r) => r.id), ...DEFAULT_TARGETS.map((t) => t.kpiId)]);
      const candidates = KPI_CATALOG.filter((k) => withTarget.has(k.id) && kpis.isComputed(k.id) && k.grains.includes('ytd'));
      const measured = [];
      for (const k of candidates) measured.push(await measure(k, today));
      const ms = await olap.query<Record<string, unknown>>(`SELECT * FROM ${MILESTONES} AS s WHERE s.due_on < {today:Date} ORDER BY s.task, s.due_on, s.milestone_id ${QUERY_SETTINGS}`, {
        asOf: NOW, maxPos: NO_POSITION_BOUND, today,
      });
      const milestones: MilestoneReading[] = ms.map((m) => {
        const task = Number(m.task);
        const unit = String(m.unit);
        return { task, milestoneId: String(m.milestone_id), title: String(m.title), unit, leadUnit: LeadUnit.safeParse(unit).success ? unit : (TASK_LEAD_UNITS[task]?.[0] ?? unit), dueOn: String(m.due_on), status: String(m.status) };
      });
      const src = await olap.query<{ unit: string; last: string }>(`SELECT unit, toString(max(occurred)) AS last FROM fact_source_records WHERE occurred <= {today:Date} GROUP BY unit ORDER BY unit ${QUERY_SETTINGS}`, { today });
      const sources: SourceReading[] = src.map((s) => ({ unit: s.unit, lastOccurred: s.last }));
      return { today, kpis: measured.filter((m): m is KpiMeasurement => m !== null), milestones, sources };
    },

    async warnings(filter = {}) {
      const status = filter.status ?? 'open';
      const conditions: string[] = [];
      if (filter.leadUnit) conditions.push('lead_unit = {leadUnit:String}');
      if (filter.dimension) conditions.push('dimension = {dimension:String}');
      if (filter.kpi) conditions.push('kpi_id = {kpi:String}');
      if (status === 'open' || status === '关注' || status === '预警') conditions.push(`last = 'raised'`);
      if (status === 'cleared') conditions.push(`last = 'cleared'`);
      if (status === '关注' || status === '预警') conditions.push('severity = {severity:String}');
      const rows = await olap.query<Record<string, unknown>>(
        `SELECT * FROM (
          SELECT warning_id, argMax(transition, position) AS last, argMax(severity, position) AS severity, argMax(rule_id, position) AS rule_id,
            argMax(rule_kind, position) AS rule_kind, argMax(rules_version, position) AS rules_version, argMax(subject_kind, position) AS subject_kind,
            argMax(subject_key, position) AS subject_key, argMax(kpi_id, position) AS kpi_id, argMax(lead_unit, position) AS lead_unit,
            argMax(dimension, position) AS dimension, argMax(task, position) AS task, argMax(milestone_id, position) AS milestone_id,
            argMax(source_unit, position) AS source_unit, argMax(period, position) AS period, toString(argMax(evaluated_on, position)) AS evaluated_on,
            argMax(tuple(measured), position).1 AS measured, argMax(threshold, position) AS threshold, argMax(message, position) AS message,
            toString(maxIf(recorded_at, transition = 'raised')) AS raised_at, toString(argMax(recorded_at, position)) AS last_at, argMax(event_id, position) AS event_id,
            max(position) AS pos
          FROM fact_warnings WHERE recorded_at <= {asOf:DateTime64(3)} GROUP BY warning_id)
        ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY last = 'raised' DESC, severity = '预警' DESC, lead_unit, kpi_id, warning_id ${QUERY_SETTINGS}`,
        { asOf: asOfParam(filter.asOf), leadUnit: filter.leadUnit ?? '', dimension: filter.dimension ?? '', kpi: filter.kpi ?? '', severity: status },
      );
      const opt = (v: unknown) => (v === '' || v === null || v === undefined ? null : String(v));
      return rows.map((r): WarningView => ({
        warningId: String(r.warning_id),
        state: r.last === 'raised' ? 'open' : 'cleared',
        // The columns hold only what the event schemas allowed in.
        severity: String(r.severity) as WarningView['severity'],
        ruleId: String(r.rule_id),
        ruleKind: String(r.rule_kind) as WarningView['ruleKind'],
        rulesVersion: Number(r.rules_version),
        subject: {
          kind: String(r.subject_kind) as WarningView['subject']['kind'], key: String(r.subject_key), kpiId: opt(r.kpi_id), leadUnit: opt(r.lead_unit), dimension: opt(r.dimension),
          task: Number(r.task) || null, milestoneId: opt(r.milestone_id), sourceUnit: opt(r.source_unit),
        },
        period: String(r.period),
        evaluatedOn: String(r.evaluated_on),
        measured: r.measured === null ? null : Number(r.measured),
        threshold: Number(r.threshold),
        message: String(r.message),
        raisedAt: instant(r.raised_at),
        clearedAt: r.last === 'cleared' ? instant(r.last_at) : null,
        eventId: String(r.event_id),
      }));
    },
    async dataQuality({ asOf, rules }) {
      const at = asOfParam(asOf);
      const day = knownOnOf(at);
      // "The last 30 days" end at the as-of instant, or now (not at the far end "as known now" stands for).
      const p = { asOf: at, day, ref: asOfParam(asOf ?? new Date()) };
      const explained = `(SELECT DISTINCT explains FROM fact_explanations WHERE recorded_at <= {asOf:DateTime64(3)})`;
      const [units, flags, names, awaiting, rejectedUnits, reasons] = await Promise.all([
        olap.query<{ unit: string; systems: string[]; records: number; recent: number; last_recorded: string; last_occurred: string; corrections: number; flagged: number; review: number; explained: number }>(
          `SELECT s.unit AS unit, arraySort(groupUniqArray(s.system)) AS systems, count() AS records,
             countIf(s.recorded_at > {ref:DateTime64(3)} - INTERVAL 30 DAY) AS recent,
             toString(max(s.recorded_at)) AS last_recorded, toString(max(s.occurred)) AS last_occurred,
             countIf(c.event_id != '') AS corrections, countIf(notEmpty(s.quality)) AS flagged,
             countIf(arrayExists(q -> startsWith(q, 'review:'), s.quality)) AS review,
             countIf(arrayExists(q -> startsWith(q, 'review:'), s.quality) AND s.event_id IN ${explained}) AS explained
           FROM (SELECT * FROM fact_source_records WHERE recorded_at <= {asOf:DateTime64(3)}) AS s
           LEFT JOIN (SELECT DISTINCT event_id FROM fact_corrections WHERE recorded_at <= {asOf:DateTime64(3)}) AS c ON c.event_id = s.event_id
           GROUP BY s.unit ORDER BY s.unit ${QUERY_SETTINGS}`,
          p,
        ),
        olap.query<{ unit: string; flag: string; n: number }>(
          `SELECT unit, flag, count() AS n FROM fact_source_records ARRAY JOIN quality AS flag
           WHERE recorded_at <= {asOf:DateTime64(3)} GROUP BY unit, flag ORDER BY unit, flag ${QUERY_SETTINGS}`,
          p,
        ),
        olap.query<{ name: string; usccs: string[] }>(
          `SELECT name, arraySort(groupUniqArray(uscc)) AS usccs FROM fact_entity_locations
           WHERE change = 'registered' AND name != '' AND recorded_at <= {asOf:DateTime64(3)}
             AND event_id NOT IN (SELECT supersedes FROM fact_corrections WHERE recorded_at <= {asOf:DateTime64(3)})
           GROUP BY name HAVING length(usccs) > 1 ORDER BY name LIMIT 200 ${QUERY_SETTINGS}`,
          p,
        ),
        olap.query<{ unit: string; event_id: string; flags: string[]; recorded: string }>(
          `SELECT unit, event_id, arrayFilter(q -> startsWith(q, 'review:'), quality) AS flags, toString(recorded_at) AS recorded
           FROM fact_source_records
           WHERE recorded_at <= {asOf:DateTime64(3)} AND notEmpty(flags) AND event_id NOT IN ${explained}
           ORDER BY unit, fact_source_records.recorded_at, event_id LIMIT 50 BY unit ${QUERY_SETTINGS}`,
          p,
        ),
        // Counted by the ingest service (services/olap/rejectionLog.ts): rejected records leave no event.
        olap.query<{ unit: string; n: number; recent: number }>(
          `SELECT unit, sum(count) AS n, sumIf(count, recorded_at > {ref:DateTime64(3)} - INTERVAL 30 DAY) AS recent
           FROM ingest_rejections WHERE recorded_at <= {asOf:DateTime64(3)} GROUP BY unit ORDER BY unit`,
          p,
        ),
        olap.query<{ unit: string; field: string; reason: string; n: number }>(
          `SELECT unit, field, reason, sum(count) AS n FROM ingest_rejections WHERE recorded_at <= {asOf:DateTime64(3)}
           GROUP BY unit, field, reason ORDER BY unit, n DESC, field, reason LIMIT 10 BY unit`,
          p,
        ),
      ]);
      const overdueRule = rules.find((r): r is Extract<WarningRule, { kind: 'source-overdue' }> => r.kind === 'source-overdue');
      const dayMs = Date.parse(`${day}T00:00:00Z`);
      return {
        asOf: asOf ?? null,
        day,
        units: [...new Set([...units.map((u) => u.unit), ...rejectedUnits.map((r) => r.unit)])].sort().map((name) => {
          const cadenceDays = overdueRule ? (overdueRule.cadenceDays[name] ?? overdueRule.defaultCadenceDays) : 0;
          const rej = rejectedUnits.find((r) => r.unit === name);
          const rejected = { rejected: Number(rej?.n ?? 0), rejectedLast30Days: Number(rej?.recent ?? 0) };
          const rejections = reasons.filter((r) => r.unit === name).map((r) => ({ field: r.field, reason: r.reason, count: Number(r.n) }));
          const u = units.find((x) => x.unit === name);
          if (!u) {
            // A department all of whose records were rejected: nothing stored, so no cadence to measure.
            return {
              unit: name, systems: [], records: 0, recordsLast30Days: 0, lastRecordedAt: null, lastOccurred: null, cadenceDays, daysSinceLast: null, daysSinceLastSent: null, overdue: false,
              corrections: 0, flagged: 0, underReview: 0, explained: 0, awaitingExplanation: [], flags: {}, ...rejected, rejectedShare: rejected.rejected > 0 ? 1 : null, rejections,
            };
          }
          // The rule's measure: the latest business date (a department sending only old data is behind too).
          const daysSinceLast = Math.max(0, Math.round((dayMs - Date.parse(`${u.last_occurred}T00:00:00Z`)) / 86_400_000));
          const sentDay = shanghaiDate(instant(u.last_recorded));
          const daysSinceLastSent = Math.max(0, Math.round((dayMs - Date.parse(`${sentDay}T00:00:00Z`)) / 86_400_000));
          const sent = rejected.rejected + Number(u.records);
          return {
            unit: u.unit,
            systems: u.systems,
            records: Number(u.records),
            recordsLast30Days: Number(u.recent),
            lastRecordedAt: instant(u.last_recorded),
            lastOccurred: u.last_occurred,
            cadenceDays,
            daysSinceLast,
            daysSinceLastSent,
            overdue: cadenceDays > 0 && daysSinceLast > cadenceDays,
            corrections: Number(u.corrections),
            flagged: Number(u.flagged),
            underReview: Number(u.review),
            explained: Number(u.explained),
            awaitingExplanation: awaiting.filter((a) => a.unit === u.unit).map((a) => ({ eventId: a.event_id, flags: a.flags, recordedAt: instant(a.recorded) })),
            flags: Object.fromEntries(flags.filter((f) => f.unit === u.unit).map((f) => [f.flag, Number(f.n)])),
            ...rejected,
            rejectedShare: sent > 0 ? rejected.rejected / sent : null,
            rejections,
          };
        }),
        duplicateNames: names.map((n) => ({ name: n.name, usccs: n.usccs })),
      };
    },
    async flaggedRecord(eventId) {
      const [row] = await olap.query<{ unit: string; flags: string[] }>(
        `SELECT unit, arrayFilter(q -> startsWith(q, 'review:'), quality) AS flags FROM fact_source_records WHERE event_id = {id:String} LIMIT 1 ${QUERY_SETTINGS}`,
        { id: eventId },
      );
      return row;
    },
  };
}

