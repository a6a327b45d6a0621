/**
 * Rejected records counted in the engine (table `ingest_rejections`): a rejected record leaves
 * nothing in the event store, but the data-quality board shows each department's rejected share by
 * reason. Operational counts, not facts: no projection derives them and a rebuild leaves them alone.
 */
import type { OlapClient, RejectionLog } from '../../contracts/ports.ts';

export const REJECTIONS_TABLE = 'ingest_rejections';

const DDL = `CREATE TABLE IF NOT EXISTS ${REJECTIONS_TABLE} (
  recorded_at DateTime64(3, 'UTC'),
  unit LowCardinality(String),
  type LowCardinality(String),
  field String,
  reason String,
  count UInt64
) ENGINE = MergeTree ORDER BY (unit, recorded_at)`;

/** Creates the table where it is missing (every process that reads or writes it calls this at start). */
export async function ensureRejectionTable(olap: OlapClient): Promise<void> {
  await olap.command(DDL);
}

export function createOlapRejectionLog(olap: OlapClient): RejectionLog {
  return {
    async record(counts, recordedAt) {
      if (counts.length === 0) return;
      const at = recordedAt.replace('T', ' ').replace('Z', '');
      await olap.insert(REJECTIONS_TABLE, counts.map((c) => ({ recorded_at: at, unit: c.unit, type: c.type, field: c.field, reason: c.reason, count: c.count })));
    },
  };
}
