import type { RecordedEvent } from '../../contracts/events/index.ts';
import type { Row } from '../projection.ts';

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
export function shanghaiDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${value}`);
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

/** An instant as ClickHouse's DateTime64(3, 'UTC') text. */
export function utcInstant(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${value}`);
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  const md = date.slice(4);
  // 29 February of a non-leap year rolls to 28 February, as a certificate's anniversary does.
  if (md === '-02-29' && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return `${y}-02-28`;
  return `${y}${md}`;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
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
