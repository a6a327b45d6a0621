/**
 * Collects generated records with the day they would be sent, then hands them out in the order
 * a department would have sent them. Ties on a day keep generation order, with entity creation
 * before ordinary facts and terminations last, so no record refers to something sent later.
 */
import type { IngestRecordInput } from '../../contracts/ingest.ts';
import type { EventDataInput, EventType } from '../../contracts/events/index.ts';
import { isoOf, monthOf, yearOf, type Day } from './calendar.ts';

/** Same-day order: 0 creates an entity, 1 is an ordinary fact, 2 ends something. */
export type Priority = 0 | 1 | 2;

interface Pending {
  at: Day;
  priority: Priority;
  record: IngestRecordInput;
}

export interface SourceSpec {
  system: string;
  unit: string;
  batch?: string;
  document?: string;
}

export interface EmitOptions {
  priority?: Priority;
  /** Business time when it differs from the sending day (only intended corrections). */
  occurredAt?: Day;
}

/** Prefix of `source.document` on records that intentionally correct an earlier one. */
export const CORRECTION_DOCUMENT_PREFIX = '更正';

export class Emitter {
  private readonly pending: Pending[] = [];
  /** Records dated after this day are never emitted: they have not happened yet. */
  constructor(readonly lastDay: Day) {}

  emit<T extends EventType>(at: Day, type: T, data: EventDataInput<T>, source: SourceSpec, options: EmitOptions = {}): boolean {
    if (at > this.lastDay) return false;
    const src: IngestRecordInput['source'] = { system: source.system, unit: source.unit };
    if (source.batch !== undefined) src.batch = source.batch;
    if (source.document !== undefined) src.document = source.document;
    // The union of record types cannot follow T through an object literal; the shape is checked by the tests.
    const record = { type, occurredAt: isoOf(options.occurredAt ?? at), source: src, data } as unknown as IngestRecordInput;
    this.keep(at, options.priority ?? 1, record);
    return true;
  }

  /** Holds an emitted record until it is handed out (a subclass may keep it elsewhere). */
  protected keep(at: Day, priority: Priority, record: IngestRecordInput): void {
    this.pending.push({ at, priority, record });
  }

  /** Records in sending order. */
  drain(): IngestRecordInput[] {
    const order = this.pending.map((_, i) => i);
    order.sort((a, b) => {
      const x = this.pending[a] as Pending;
      const y = this.pending[b] as Pending;
      return x.at - y.at || x.priority - y.priority || a - b;
    });
    return order.map((i) => (this.pending[i] as Pending).record);
  }
}

/** A monthly batch number, the way departments number their extracts (`SCJG-202305`). */
export function monthBatch(prefix: string, day: Day): string {
  return `${prefix}-${yearOf(day)}${String(monthOf(day)).padStart(2, '0')}`;
}
