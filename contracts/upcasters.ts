import { EVENT_DEFINITIONS, type EventType } from './events/index.ts';
import { ValidationError } from './errors.ts';

/** Turns the payload of version N into the payload of version N + 1. Pure. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** Per event type, the upcaster from each old version to the next: `{ HighTechCertified: { 1: (d) => … } }`. */
export type UpcasterRegistry = Partial<Record<EventType, Readonly<Record<number, Upcaster>>>>;

/**
 * The upcasters of the platform. Every event type is at version 1 today, so there are none; when
 * a payload changes shape, bump its `version` in EVENT_DEFINITIONS and add `{ [old]: fn }` here.
 * Stored events are never rewritten: readers (stores, the Kafka codec) upcast as they read.
 */
export const UPCASTERS: UpcasterRegistry = {};

/**
 * Brings an event read from storage or the bus to its type's current schema version. An event of
 * a known type but of a version newer than this code knows is refused (a newer writer's payload
 * must not be misread by older code). An event of a type this code does not know passes through
 * unchanged: a type added by a newer writer is nobody's input here (no decider or projection of
 * this code handles it), and refusing it would stop every reader of the log.
 */
export function upcast<E extends { type: string; schemaVersion: number; data: unknown }>(event: E, registry: UpcasterRegistry = UPCASTERS): E {
  const def = (EVENT_DEFINITIONS as Record<string, { version: number } | undefined>)[event.type];
  if (!def) return event;
  if (event.schemaVersion === def.version) return event;
  if (event.schemaVersion > def.version)
    throw new ValidationError(`event ${event.type} has schemaVersion ${event.schemaVersion}, newer than this code's ${def.version}: upgrade the reader`);
  let data = event.data as Record<string, unknown>;
  for (let v = event.schemaVersion; v < def.version; v++) {
    const step = registry[event.type as EventType]?.[v];
    if (!step) throw new ValidationError(`no upcaster for ${event.type} from schemaVersion ${v} to ${v + 1}`);
    data = step(data);
  }
  return { ...event, schemaVersion: def.version, data };
}
