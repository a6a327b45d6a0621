import { EVENT_TYPES, type RecordedEvent } from '../../contracts/events/index.ts';
import type { Projection, Row } from '../projection.ts';
import { baseRow, factTableDdl } from './common.ts';

/**
 * Which event corrects which. A fact whose event appears here as `supersedes`, in a row recorded
 * at or before the asked instant, is ignored by every KPI query: corrections are restatements
 * that an "as known at" query before the correction does not see.
 */
export const correctionFacts: Projection = {
  name: 'fact_corrections',
  version: 1,
  handles: EVENT_TYPES,
  tables: [{ name: 'fact_corrections', ddl: factTableDdl(`supersedes String,\n  event_type LowCardinality(String)`, 'supersedes, event_id') }],
  project(events: readonly RecordedEvent[]) {
    const rows: Row[] = [];
    for (const e of events) if (e.supersedes) rows.push({ ...baseRow(e), supersedes: e.supersedes, event_type: e.type });
    return { fact_corrections: rows };
  },
};
