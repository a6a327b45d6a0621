import type { RecordedEvent } from '../../contracts/events/index.ts';
import type { Row } from '../projection.ts';
import { shanghaiDate } from '../../contracts/dates.ts';

/** `valid_to` of an interval with no natural end (the largest ClickHouse `Date`). */
export const OPEN_END = '2149-06-06';

/**
 * Columns every fact row carries: the event behind it, its global position, business date
 * (Asia/Shanghai) and record instant, so any query can be evaluated "as known at" an instant.
 */
export const BASE_COLUMNS = `event_id String,
  position UInt64,
  stream_id String,
  occurred Date,
  recorded_at DateTime64(3, 'UTC')`;

/**
 * Facts are insert-only and keyed by their event: a replayed batch re-inserts identical rows,
 * which ReplacingMergeTree folds (queries read with `final = 1`), and an identical retried block
 * is dropped at insert by the deduplication window.
 */
export function factTableDdl(columns: string, orderBy: string): string {
  return `CREATE TABLE IF NOT EXISTS {table} (
  ${BASE_COLUMNS},
  ${columns}
) ENGINE = ReplacingMergeTree
ORDER BY (${orderBy})
SETTINGS non_replicated_deduplication_window = 1000`;
}

/** The business date of an instant or date, in Asia/Shanghai (UTC+8, no DST). */
/** An instant as ClickHouse's DateTime64(3, 'UTC') text. */
export function utcInstant(value: string): string {
  // The store's own form (`toISOString()`: YYYY-MM-DDTHH:MM:SS.mmmZ) already is the answer, less
  // its T and Z; anything else goes through Date.
  if (value.length === 24 && value.charCodeAt(23) === 90 /* Z */ && CANONICAL_INSTANT.test(value) && validClock(value))
    return `${value.slice(0, 10)} ${value.slice(11, 23)}`;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${value}`);
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

const CANONICAL_INSTANT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The day exists in its month (the pattern only bounds it by 31). */
function validClock(value: string): boolean {
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (day <= DAYS_IN_MONTH[month - 1]!) return true;
  const year = Number(value.slice(0, 4));
  return month === 2 && day === 29 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** The id a party is counted under: its USCC, or its name when it has none (one rule, so every fact table's ids join). */
export function partyKey(p: { uscc?: string | undefined; name: string }): string {
  return p.uscc ?? `name:${p.name}`;
}

/** The columns every row of one event shares. */
export function baseRow(e: RecordedEvent): Row {
  return {
    event_id: e.eventId,
    position: e.position,
    stream_id: e.streamId,
    occurred: shanghaiDate(e.occurredAt),
    recorded_at: utcInstant(e.recordedAt),
  };
}

/**
 * `fact[key]` when the fact has the key (even with the value undefined), else `otherwise`: how
 * `{ ...defaults, ...fact }` resolves one column, for rows written out as one literal (spreads
 * per row cost more than the rest of a projection).
 */
export const pick = (fact: Row, key: string, otherwise: unknown): unknown => (key in fact ? fact[key] : otherwise);
