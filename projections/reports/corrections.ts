import type { OlapClient } from '../../contracts/ports.ts';
import type { ReportRestatement } from '../../contracts/reports.ts';
import { asOfParam } from '../kpi/queries.ts';

export interface CorrectionQueries {
  /**
   * Corrections recorded in (from, to] that replaced an event behind the value then, or that are
   * behind the value now: what restated an earlier report's figure.
   */
  between(from: Date, to: Date, thenIds: readonly string[], nowIds: readonly string[]): Promise<ReportRestatement['corrections']>;
}

const instant = (v: unknown) => `${String(v).replace(' ', 'T')}Z`;

export function createCorrectionQueries(olap: OlapClient): CorrectionQueries {
  return {
    async between(from, to, thenIds, nowIds) {
      const rows = await olap.query<{ event_id: string; event_type: string; recorded_at: string; supersedes: string; unit: string }>(
        `SELECT c.event_id AS event_id, c.event_type AS event_type, toString(c.recorded_at) AS recorded_at, c.supersedes AS supersedes, any(s.unit) AS unit
         FROM fact_corrections AS c LEFT JOIN fact_source_records AS s ON s.event_id = c.event_id
         WHERE c.recorded_at > {from:DateTime64(3)} AND c.recorded_at <= {to:DateTime64(3)}
           AND (c.supersedes IN {thenIds:Array(String)} OR c.event_id IN {nowIds:Array(String)})
         GROUP BY c.event_id, c.event_type, c.recorded_at, c.supersedes
         ORDER BY c.recorded_at, c.event_id
         SETTINGS final = 1, join_use_nulls = 0`,
        { from: asOfParam(from), to: asOfParam(to), thenIds: [...thenIds], nowIds: [...nowIds] },
      );
      return rows.map((r) => ({ eventId: r.event_id, type: r.event_type, recordedAt: instant(r.recorded_at), supersedes: r.supersedes, unit: r.unit || null }));
    },
  };
}
