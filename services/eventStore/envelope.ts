import { ConflictError, ValidationError } from '../../contracts/errors.ts';
import type { DomainEvent, RecordedEvent } from '../../contracts/events/index.ts';
import type { ExpectedVersion } from '../../contracts/ports.ts';
import { upcast } from '../../contracts/upcasters.ts';

/**
 * The envelope fields that have no column / native slot of their own in a store (source, actor,
 * supersedes, correlation…), kept together as one JSON document next to the payload.
 */
export type EnvelopeMeta = Omit<DomainEvent, 'type' | 'schemaVersion' | 'eventId' | 'streamId' | 'occurredAt' | 'recordedAt' | 'data'>;

/** Fields stored in their own columns / native slots, or added on read. */
const NOT_META = new Set(['type', 'schemaVersion', 'eventId', 'streamId', 'occurredAt', 'recordedAt', 'data', 'position', 'streamVersion']);

/**
 * The envelope fields a store keeps as one JSON document. Copies every other key, so a future
 * envelope field is kept rather than silently dropped; read-side fields of a re-appended
 * RecordedEvent are not.
 */
export function envelopeMeta(event: DomainEvent): EnvelopeMeta {
  const meta: Record<string, unknown> = {};
  const fields = event as unknown as Record<string, unknown>;
  // for…in over own keys: Object.entries would build an array of pairs for every event appended.
  for (const key in fields) {
    if (!Object.hasOwn(fields, key) || NOT_META.has(key)) continue;
    const value = fields[key];
    if (value !== undefined) meta[key] = value;
  }
  return meta as EnvelopeMeta;
}

export interface StoredParts {
  type: string;
  schemaVersion: number;
  eventId: string;
  streamId: string;
  occurredAt: string;
  recordedAt: string;
  meta: EnvelopeMeta;
  data: unknown;
  position: number;
  streamVersion: number;
}

/** Rebuilds the event in the envelope's canonical key order, upcast to its current schema version. */
export function joinEvent(p: StoredParts): RecordedEvent {
  return upcast({
    type: p.type,
    schemaVersion: p.schemaVersion,
    eventId: p.eventId,
    streamId: p.streamId,
    occurredAt: p.occurredAt,
    recordedAt: p.recordedAt,
    ...p.meta,
    data: p.data,
    position: p.position,
    streamVersion: p.streamVersion,
    // The store returns what it was given; the discriminated union cannot be proven from columns.
  } as RecordedEvent);
}

/** Rejects what is not a valid ExpectedVersion at all (a programming error, not a conflict). */
export function assertExpectedVersion(expected: ExpectedVersion): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new ValidationError(`invalid expectedVersion ${JSON.stringify(expected)}: use 'any', 'no_stream', 'stream_exists' or a 0-based version`, [
    { field: 'expectedVersion', reason: "'any' | 'no_stream' | 'stream_exists' | integer >= 0", value: expected },
  ]);
}

/** The conflict of a stream at `actual` (-1 = no stream) appended to with another expectation (a vendor's may be any text). */
export function conflictError(streamId: string, expected: ExpectedVersion | string, actual: number): ConflictError {
  const state = actual === -1 ? 'does not exist' : `is at version ${actual}`;
  return new ConflictError(`stream ${streamId} ${state}, expected ${typeof expected === 'number' ? `version ${expected}` : expected}`, streamId, expected, actual);
}

/** Throws ConflictError when a stream at `current` (-1 = no stream) does not match `expected`. */
export function checkExpectedVersion(streamId: string, expected: ExpectedVersion, current: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === -1) ||
    (expected === 'stream_exists' && current >= 0) ||
    (typeof expected === 'number' && current === expected);
  if (!ok) throw conflictError(streamId, expected, current);
}

/** An event appended under another stream than its envelope says would read back inconsistently. */
export function assertStreamMatches(streamId: string, events: readonly DomainEvent[]): void {
  const bad = events.findIndex((e) => e.streamId !== streamId);
  if (bad >= 0)
    throw new ValidationError(`event ${events[bad]!.eventId} has streamId ${events[bad]!.streamId} but is appended to ${streamId}`, [
      { field: `events[${bad}].streamId`, reason: `must equal the stream appended to (${streamId})`, value: events[bad]!.streamId },
    ]);
}
