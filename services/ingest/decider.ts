import { createHash } from 'node:crypto';
import { addDays, shanghaiDate } from '../../contracts/dates.ts';
import { IllegalStateError, ValidationError, type FieldIssue } from '../../contracts/errors.ts';
import {
  EVENT_DEFINITIONS,
  type DomainEvent,
  type EventData,
  type EventType,
  type SourceContext,
} from '../../contracts/events/index.ts';
import { patentCheckOk, usccCheckOk } from '../../contracts/identifiers.ts';
import type { IngestRecord } from '../../contracts/ingest.ts';
import { contentHash, deterministicEventId } from './eventId.ts';

/** The event types a source context owns. */
export type TypesOf<C extends SourceContext> = {
  [T in EventType]: (typeof EVENT_DEFINITIONS)[T]['context'] extends C ? T : never;
}[EventType];
export type RecordOf<T extends EventType> = Extract<IngestRecord, { type: T }>;
export type ContextRecord<C extends SourceContext> = RecordOf<TypesOf<C>>;
export type ContextEvent<C extends SourceContext> = Extract<DomainEvent, { type: TypesOf<C> }>;

/** What a decider may know beyond the record and the stream: time and lookups, passed in. */
export interface DecideContext {
  /** The instant the platform accepts the record (becomes `recordedAt`). */
  recordedAt: string;
  /** `key:<keyId>` of the API key that sent the record. */
  actor: string;
  correlationId?: string;
}

export type Decision =
  | { outcome: 'new'; events: DomainEvent[]; quality: string[] }
  | { outcome: 'duplicate'; eventIds: string[] };

/**
 * What the stream already holds under one natural key: the newest event and every content seen
 * (content hash → the event that first had it). Nearly every key has one content, so that one is
 * kept in two fields and a map is made only for a second: a seeding keeps ~10⁵ streams in memory.
 */
export interface KnownFact {
  latest: string;
  firstHash: string;
  firstEventId: string;
  /** The contents after the first, when the key was corrected. */
  more?: Map<string, string>;
}
export type Facts = Map<string, KnownFact>;

/** The event that first had this content under the key, if any did. */
function seenWith(known: KnownFact, hash: string): string | undefined {
  return known.firstHash === hash ? known.firstEventId : known.more?.get(hash);
}

/**
 * A decider per source context (emmett style). `decide` is pure and throws IllegalStateError
 * when a business rule refuses the record. `evolve` folds an event into the state it is given
 * and returns it: the state belongs to the fold (initialState() makes a fresh one), and copying
 * maps per event would make loading a long stream (a platform's services, a task's milestones)
 * quadratic.
 */
export interface Decider<C extends SourceContext, S extends { facts: Facts }> {
  context: C;
  initialState(): S;
  evolve(state: S, event: ContextEvent<C>): S;
  decide(record: ContextRecord<C>, state: S, ctx: DecideContext): Decision;
  /** The stream a record belongs to (`enterprise-<uscc>`, `fund-<id>`…). */
  streamOf(record: ContextRecord<C>): string;
  /**
   * Rewrites the raw payload before validation, for what must never reach the schema as sent
   * (a personal ID number becomes a salted reference). Returns the new payload or the issues.
   */
  prepare?(type: string, data: Record<string, unknown>, ctx: PrepareContext): { data: Record<string, unknown> } | { issues: FieldIssue[] };
}

export interface PrepareContext {
  /** Salted hash of a personal ID number (the salt is the platform's, never stored with it). */
  personRef(idNumber: string): string;
}

/** Per event type: its natural key within the stream and the payload date `occurredAt` defaults to. */
export type TypeSpecs<C extends SourceContext> = {
  [T in TypesOf<C>]: { key(data: EventData<T>): string; date(data: EventData<T>): string };
};

export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}

/** `<category>-<id…>`, with whitespace folded and over-long ids hashed, so it fits the envelope's streamId rule. */
export function streamId(category: string, ...parts: (string | number)[]): string {
  const id = parts.map((p) => String(p).trim().replace(/\s+/g, '_')).join('-');
  if (id.length <= 120) return `${category}-${id}`;
  return `${category}-${id.slice(0, 80)}~${createHash('sha1').update(id).digest('hex').slice(0, 16)}`;
}

function specOf<C extends SourceContext>(specs: TypeSpecs<C>, type: TypesOf<C>) {
  // The specs table is a mapped type over the context's types; indexing it with the union loses
  // the pairing of type and payload, which the caller guarantees (it passes the record's own type).
  return specs[type] as unknown as { key(data: unknown): string; date(data: unknown): string };
}

/**
 * Types whose business date may lie ahead: a milestone's due date, a statistic's or a target's
 * period, a yearly list or report dated by its year. Their date may be at most a year ahead.
 */
const PLANNED_TYPES = new Set(['TaskMilestoneReported', 'StatisticPublished', 'KpiTargetSet', 'EnterpriseAnnualFinancialsReported', 'TechSmeRegistered', 'NewSpeciesListed']);

/** The latest business dates a record recorded at an instant may carry (one call's records share it). */
let limitsAt: { recordedAt: string; today: string; planned: string; other: string } | undefined;
function dateLimits(recordedAt: string): { today: string; planned: string; other: string } {
  if (limitsAt?.recordedAt !== recordedAt) {
    const today = shanghaiDate(recordedAt);
    limitsAt = { recordedAt, today, planned: `${Number(today.slice(0, 4)) + 1}-12-31`, other: addDays(today, 1) };
  }
  return limitsAt;
}

/** A certificate issued, a contract signed or a meeting held after today is a typo, not a fact. */
function assertNotFuture(type: string, data: unknown, occurredAt: string, recordedAt: string): void {
  const { today, planned, other } = dateLimits(recordedAt);
  const date = shanghaiDate(occurredAt);
  const limit = PLANNED_TYPES.has(type) ? planned : other;
  if (date <= limit) return;
  // Name the payload field the date came from, when it came from one.
  const field = Object.entries((data ?? {}) as Record<string, unknown>).find(([, v]) => v === occurredAt)?.[0];
  const reason = PLANNED_TYPES.has(type) ? `日期 ${date} 超过明年年底: 请检查年份` : `业务日期 ${date} 晚于今天 (${today}): 尚未发生的事项不能登记, 请检查日期`;
  throw new ValidationError(reason, [{ field: field ? `data.${field}` : 'occurredAt', reason, value: occurredAt }]);
}

/** Hashes of events decided in this process, so folding a fresh event in does not hash it again. */
const decidedHashes = new WeakMap<object, string>();

/** Records the event under its natural key; part of every context's evolve. */
export function trackFact<C extends SourceContext>(facts: Facts, specs: TypeSpecs<C>, event: ContextEvent<C>): void {
  const key = `${event.type}|${specOf(specs, event.type as TypesOf<C>).key(event.data)}`;
  const hash = decidedHashes.get(event) ?? contentHash(event.data, event.occurredAt);
  const known = facts.get(key);
  if (known) {
    known.latest = event.eventId;
    if (seenWith(known, hash) === undefined) (known.more ??= new Map()).set(hash, event.eventId);
  } else {
    facts.set(key, { latest: event.eventId, firstHash: hash, firstEventId: event.eventId });
  }
}

/** The state of a context without business rules: what each stream already holds, per natural key. */
export interface FactState {
  facts: Facts;
}

/**
 * The decider of a context without business rules (platforms, transfer, talent, governance): each
 * record is a fact under its natural key (`specs`), new, a duplicate (same content) or a correction
 * (changed content). `specs` names every type of the context, so no type can be left out.
 */
export function factOnlyDecider<C extends SourceContext>(
  context: C,
  specs: TypeSpecs<C>,
  streamOf: (record: ContextRecord<C>) => string,
  extra: Pick<Decider<C, FactState>, 'prepare'> = {},
): Decider<C, FactState> {
  return {
    context,
    initialState: () => ({ facts: new Map() }),
    evolve(state, event) {
      trackFact(state.facts, specs, event);
      return state;
    },
    streamOf,
    // The generic record's payload is the union of every context's: narrowed back to C's own.
    decide: (record, state, ctx) => decideFact(specs, state.facts, { record, streamId: streamOf(record), data: record.data as ContextRecord<C>['data'] }, ctx),
    ...extra,
  };
}

export interface Draft<C extends SourceContext> {
  record: ContextRecord<C>;
  streamId: string;
  /** The payload to store (the record's, possibly completed: defaults, hashed references). */
  data: ContextRecord<C>['data'];
}

export type Known = { kind: 'new' } | { kind: 'duplicate'; eventId: string } | { kind: 'correction'; supersedes: string };

/**
 * The part of every decision that is the same in all contexts: the natural key, the content hash,
 * and from them duplicate / correction / new; then the envelope and the data-quality flags.
 * `rules` runs only for a new fact (a correction restates a fact the rules already admitted).
 */
export function decideFact<C extends SourceContext>(
  specs: TypeSpecs<C>,
  facts: Facts,
  draft: Draft<C>,
  ctx: DecideContext,
  options: { rules?: () => void; quality?: () => string[] } = {},
): Decision {
  const { record, data } = draft;
  const spec = specOf(specs, record.type as TypesOf<C>);
  const naturalKey = spec.key(data);
  const occurredAt = record.occurredAt ?? spec.date(data);
  assertNotFuture(record.type, data, occurredAt, ctx.recordedAt);
  const hash = contentHash(data, occurredAt);
  const known = facts.get(`${record.type}|${naturalKey}`);
  const seen = known ? seenWith(known, hash) : undefined;
  // Any content this key ever had counts as already known: re-sending an old file after a
  // correction must not flip the fact back (re-sending is always safe).
  if (seen) return { outcome: 'duplicate', eventIds: [seen] };
  if (!known) options.rules?.();

  const quality = [...identifierFlags(data), ...(options.quality?.() ?? [])];
  const event: Record<string, unknown> = {
    type: record.type,
    schemaVersion: EVENT_DEFINITIONS[record.type].version,
    eventId: deterministicEventId({ system: record.source.system, type: record.type, naturalKey: `${draft.streamId}|${naturalKey}`, contentHash: hash }),
    streamId: draft.streamId,
    occurredAt,
    recordedAt: ctx.recordedAt,
    source: record.source,
  };
  if (known) event.supersedes = known.latest;
  const correlationId = record.correlationId ?? ctx.correlationId;
  if (correlationId !== undefined) event.correlationId = correlationId;
  event.actor = ctx.actor;
  if (quality.length > 0) event.quality = quality;
  event.data = data;
  decidedHashes.set(event, hash);
  // Built field by field to keep optional envelope members absent rather than undefined; the
  // shape is DomainEvent by construction (type, version and data come from the validated record).
  return { outcome: 'new', events: [event as unknown as DomainEvent], quality };
}

/** A refusal by a business rule, naming the record field. */
export function refuse(field: string, reason: string, value?: unknown): never {
  throw new IllegalStateError(reason, [{ field, reason, ...(value === undefined ? {} : { value }) }]);
}

/**
 * Data-quality flags on identifiers anywhere in the payload: a USCC with a wrong check character
 * (`uscc-check:<path>`), a patent number with a wrong check digit (`patent-check:<path>`).
 * Both are accepted (real codes in circulation fail their checks), never rejected.
 */
export function identifierFlags(data: unknown): string[] {
  const flags: string[] = [];
  const walk = (value: unknown, path: string, key: string, parentKey: string): void => {
    if (typeof value === 'string') {
      if (/uscc$/i.test(key) && !usccCheckOk(value)) flags.push(`uscc-check:${path}`);
      else if ((key === 'applicationNumber' || parentKey === 'patents') && !patentCheckOk(value)) flags.push(`patent-check:${path}`);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, path ? `${path}.${i}` : String(i), String(i), key));
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, k, key);
    }
  };
  walk(data, '', '', '');
  return flags;
}
