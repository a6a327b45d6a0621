import type { IHeaders, Message } from 'kafkajs';
import { z } from 'zod';
import { upcast } from '../../contracts/upcasters.ts';
import { DomainEvent, type RecordedEvent } from '../../contracts/events/index.ts';

/**
 * The wire format of an event on the bus: key = streamId (so a stream stays on one partition, in
 * order), value = the RecordedEvent as JSON, and headers that let a consumer or an operator route
 * and deduplicate without parsing the value.
 */
export const EVENT_HEADERS = ['eventId', 'type', 'position', 'schemaVersion'] as const;

export function encodeEvent(event: RecordedEvent): Message {
  return {
    key: event.streamId,
    // A Buffer, not a string: kafkajs would convert it anyway, and its length is the wire size.
    value: Buffer.from(JSON.stringify(event)),
    headers: {
      eventId: event.eventId,
      type: event.type,
      position: String(event.position),
      schemaVersion: String(event.schemaVersion),
    },
  };
}

const Recorded = z.object({
  position: z.number().int().positive(),
  streamVersion: z.number().int().nonnegative(),
});

export type Decoded = { ok: true; event: RecordedEvent } | { ok: false; error: string };

/**
 * Decodes and validates a message value against the contracts (DomainEvent + position and
 * stream version). What fails is a poison message: the error says why, for the dead-letter topic.
 */
export function decodeEvent(value: Buffer | string | null): Decoded {
  if (value === null || value.length === 0) return { ok: false, error: 'empty message value (tombstone?)' };
  let json: unknown;
  try {
    json = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  try {
    // An event written by older code is brought to the current schema before it is validated.
    if (json && typeof json === 'object' && 'type' in json && 'schemaVersion' in json && 'data' in json)
      json = upcast(json as { type: string; schemaVersion: number; data: unknown });
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const event = DomainEvent.safeParse(json);
  if (!event.success) return { ok: false, error: `not a valid event: ${z.prettifyError(event.error)}` };
  const recorded = Recorded.safeParse(json);
  if (!recorded.success) return { ok: false, error: `not a recorded event: ${z.prettifyError(recorded.error)}` };
  // The union's parsed type is one member (see contracts/events/index.ts); the value is any member.
  return { ok: true, event: { ...(event.data as DomainEvent), ...recorded.data } as RecordedEvent };
}

/** A header as a string (kafkajs hands Buffers, or arrays for repeated headers). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
}
