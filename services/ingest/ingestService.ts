import PQueue from 'p-queue';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConflictError, IllegalStateError, ValidationError, type FieldIssue } from '../../contracts/errors.ts';
import { EVENT_DEFINITIONS, isIngestEventType, type DomainEvent, type RecordedEvent, type SourceContext } from '../../contracts/events/index.ts';
import { IngestRecord, type IngestReport, type RecordOutcome } from '../../contracts/ingest.ts';
import type { AppendRequest, EventStore, ExpectedVersion, RejectionCount, RejectionLog } from '../../contracts/ports.ts';
import { POLICIES, withRetry, type RetryPolicy } from '../../contracts/retry.ts';
import type { ContextEvent, ContextRecord, DecideContext, Decider, Facts, PrepareContext } from './decider.ts';
import { DECIDERS } from './deciders.ts';
import { StreamCache } from './streamCache.ts';

export interface IngestMeta {
  /** Who sends: `key:<keyId>` of the API key (never the key itself). */
  actor: string;
  correlationId?: string;
  /** Row number of the first record (default 1); rows count up from it. */
  firstRow?: number;
  /** Row number of each record, when they are not consecutive (a spreadsheet with blank rows). */
  rows?: readonly number[];
  /** Accept only records of this source context (the `/:context/records` route). */
  context?: SourceContext;
}

export interface IngestService {
  /**
   * Validates, decides and stores records, each on its own: a rejected record leaves nothing and
   * does not stop the others. Re-sending the same records stores nothing new (all `duplicate`).
   */
  ingest(records: readonly unknown[], meta: IngestMeta): Promise<IngestReport>;
}

export interface IngestServiceDeps {
  store: EventStore;
  now?: () => Date;
  /** Salt of the personal-ID hash (`personRef`); keep it stable, or the same person gets a new reference. */
  personSalt: string;
  /** Events per store transaction (default 5,000: an NDJSON stream's runs; JSON arrays and files come in calls of 1,000). */
  chunkEvents?: number;
  /** Stream states kept between calls (default 50,000 streams). */
  cachedStreams?: number;
  /** Retries of an append the store refused as busy or unavailable (default POLICIES.STORE_APPENDS). */
  appendRetry?: RetryPolicy;
  /** Told of each such retry (the composition root logs it). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Counts of rejected records for the data-quality board; a failure to count never fails the ingest. */
  rejections?: RejectionLog;
  /** Told when counting rejections failed (the composition root logs it). */
  onRejectionLogError?: (err: unknown) => void;
}

/** The sending department of a raw record, whatever else is wrong with it. */
const NO_UNIT = '(未注明单位)';
/** Array positions in a field path (`data.owners[1].uscc`, `data.owners.1.uscc`) dropped, so counts group by field. */
const fieldKey = (field: string) => field.replace(/\[\d+\]/g, '').replace(/\.\d+(?=\.|$)/g, '');

/** One batch's rejected records counted by department, type, field and reason (the first issue of each). */
export function countRejections(records: readonly unknown[], results: readonly RecordOutcome[]): RejectionCount[] {
  const counts = new Map<string, RejectionCount>();
  results.forEach((r, i) => {
    if (r?.status !== 'rejected') return;
    const raw = records[i] as { type?: unknown; source?: { unit?: unknown } } | null | undefined;
    const unit = typeof raw?.source?.unit === 'string' && raw.source.unit.trim() ? raw.source.unit.trim().slice(0, 64) : NO_UNIT;
    const type = typeof raw?.type === 'string' ? raw.type.slice(0, 64) : '(无类型)';
    const issue = r.issues[0];
    const field = fieldKey(issue?.field ?? '(record)').slice(0, 120);
    const reason = (issue?.reason ?? r.code ?? 'rejected').slice(0, 120);
    const key = [unit, type, field, reason].join('\u0000');
    const c = counts.get(key);
    if (c) c.count++;
    else counts.set(key, { unit, type, field, reason, count: 1 });
  });
  return [...counts.values()];
}

// Deciders differ by context; the service routes each record to its context's decider, so the
// pairing of record and decider holds by construction, which the union type cannot express.
type AnyDecider = Decider<SourceContext, { facts: Facts }>;
const deciderOf = (context: SourceContext): AnyDecider => DECIDERS[context] as unknown as AnyDecider;

const zhErrors = z.locales.zhCN().localeError;
/** Chinese messages; a missing field says so plainly instead of "expected string, received undefined". */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return `缺少必填字段 (应为 ${issue.expected})`;
  if (issue.code === 'invalid_union' && 'discriminator' in issue) {
    // The issue's input is the whole record; the discriminator is its `type`.
    const value = (issue.input as { type?: unknown } | undefined)?.type;
    return value === undefined ? '缺少 type (记录类型)' : `未知的记录类型 ${JSON.stringify(value)}, 见 GET /api/v1/ingest/schemas`;
  }
  return zhErrors(issue);
};

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** Zod issues as FieldIssues: dotted path, Chinese reason, the offending value when it is a scalar. */
export function toFieldIssues(error: z.ZodError, input: unknown, row?: number): FieldIssue[] {
  return error.issues.flatMap((i) => {
    // One issue per unknown field, named by its own path, so the sender sees which key to fix.
    if (i.code === 'unrecognized_keys')
      return i.keys.map((key): FieldIssue => ({
        field: [...i.path, key].map(String).join('.'),
        reason: '未知字段: 该记录类型没有这个字段 (字段名拼写? 见 GET /api/v1/ingest/schemas)',
        ...(row !== undefined ? { row } : {}),
      }));
    const value = valueAt(input, i.path);
    const issue: FieldIssue = { field: i.path.length ? i.path.map(String).join('.') : '(record)', reason: i.message };
    if (row !== undefined) issue.row = row;
    if (value !== undefined && (value === null || typeof value !== 'object')) issue.value = value;
    return issue;
  });
}

interface StreamSlot {
  decider: AnyDecider;
  state: { facts: Facts };
  /** Version of the stream's last event, -1 when it has none; counts the events decided in this call. */
  version: number;
  /** Version the store holds (what appends expect). */
  storedVersion: number;
}

interface Valid {
  index: number;
  row: number;
  record: IngestRecord;
  decider: AnyDecider;
  streamId: string;
}

/** Builds the ingest service over an event store. */
export function createIngestService(deps: IngestServiceDeps): IngestService {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const chunkEvents = deps.chunkEvents ?? 5000;
  const appendRetry = deps.appendRetry ?? POLICIES.STORE_APPENDS;
  const prepareCtx: PrepareContext = {
    personRef: (idNumber) => createHash('sha256').update(`${deps.personSalt}:${idNumber}`, 'utf8').digest('hex'),
  };

  function validate(raw: unknown, row: number, context: SourceContext | undefined): { record: IngestRecord; decider: AnyDecider } | FieldIssue[] {
    let input = raw;
    const obj = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
    const type = obj?.type;
    if (typeof type === 'string' && Object.hasOwn(EVENT_DEFINITIONS, type) && !isIngestEventType(type))
      return [{ field: 'type', reason: `记录类型 ${type} 由平台自身记录 (预警), 不能报送`, row, value: type }];
    const def = typeof type === 'string' && isIngestEventType(type) ? EVENT_DEFINITIONS[type] : undefined;
    if (def && context && def.context !== context) {
      return [{ field: 'type', reason: `记录类型 ${String(type)} 属于 ${def.context}, 不能发送到 ${context}`, row, value: type }];
    }
    const data = obj?.data;
    const decider = def ? deciderOf(def.context) : undefined;
    if (decider?.prepare && data !== null && typeof data === 'object' && !Array.isArray(data)) {
      const prepared = decider.prepare(String(type), data as Record<string, unknown>, prepareCtx);
      if ('issues' in prepared) return prepared.issues.map((i) => ({ ...i, row }));
      input = { ...obj, data: prepared.data };
    }
    const parsed = IngestRecord.safeParse(input, { error: errorMap });
    if (!parsed.success) return toFieldIssues(parsed.error, input, row);
    const record = parsed.data as IngestRecord;
    return { record, decider: decider ?? deciderOf(EVENT_DEFINITIONS[record.type].context) };
  }

  function fold(slot: StreamSlot, events: readonly RecordedEvent[]): StreamSlot {
    for (const e of events) {
      if (EVENT_DEFINITIONS[e.type]?.context === slot.decider.context) slot.state = slot.decider.evolve(slot.state, e as ContextEvent<SourceContext>);
      slot.version = e.streamVersion;
    }
    slot.storedVersion = slot.version;
    return slot;
  }

  /**
   * Stream states between calls. Replaying a long stream (a platform's thousands of services) for
   * every batch that touches it made seeding quadratic. Only committed state stays here: a chunk
   * that fails to append drops its streams.
   */
  const streams = new StreamCache<StreamSlot>(deps.cachedStreams ?? 50_000);

  /**
   * The state of a stream whose stored version is `storedVersion` (from streamVersions): the cached
   * one when it is current; otherwise only what is missing is read (nothing for a new stream).
   */
  async function checkout(streamId: string, decider: AnyDecider, storedVersion: number): Promise<StreamSlot> {
    const cached = streams.take(streamId);
    let slot: StreamSlot;
    if (cached && cached.decider === decider) {
      // Another process may have appended since: fold in what is newer than what the cache holds.
      slot = storedVersion === cached.storedVersion ? cached : fold(cached, await store.readStream(streamId, { fromVersion: cached.version + 1 }));
    } else {
      slot = { decider, state: decider.initialState(), version: -1, storedVersion: -1 };
      if (storedVersion >= 0) fold(slot, await store.readStream(streamId));
    }
    streams.put(streamId, slot, cached !== undefined || storedVersion >= 0);
    return slot;
  }

  // Calls run one at a time: they share the cached states, which a call evolves in place while it
  // decides. Each call is CPU and SQLite bound, so running them interleaved would gain nothing.
  const calls = new PQueue({ concurrency: 1 });
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => calls.add(fn, { throwOnTimeout: true });

  async function ingestNow(records: readonly unknown[], meta: IngestMeta): Promise<IngestReport> {
    const ctx: DecideContext = { recordedAt: now().toISOString(), actor: meta.actor, ...(meta.correlationId ? { correlationId: meta.correlationId } : {}) };
    const firstRow = meta.firstRow ?? 1;
    const rowOf = (i: number): number => meta.rows?.[i] ?? firstRow + i;
    const results: RecordOutcome[] = new Array(records.length);

    const valid: Valid[] = [];
    records.forEach((raw, index) => {
      const row = rowOf(index);
      const v = validate(raw, row, meta.context);
      if (Array.isArray(v)) {
        results[index] = { row, status: 'rejected', code: 'validation', issues: v };
        return;
      }
      valid.push({ index, row, ...v, streamId: v.decider.streamOf(v.record as ContextRecord<SourceContext>) });
    });

    const cache = new Map<string, StreamSlot>();
    /** Checks out the chunk's streams this call has not loaded yet, their versions asked in one query. */
    const loadStreams = async (chunk: readonly Valid[]): Promise<void> => {
      const wanted = new Map<string, AnyDecider>();
      for (const v of chunk) if (!cache.has(v.streamId) && !wanted.has(v.streamId)) wanted.set(v.streamId, v.decider);
      if (wanted.size === 0) return;
      const versions = await store.streamVersions([...wanted.keys()]);
      for (const [streamId, decider] of wanted) cache.set(streamId, await checkout(streamId, decider, versions.get(streamId) ?? -1));
    };

    /** Decides a run of records against the cached streams; returns the append requests. */
    const decideChunk = async (chunk: readonly Valid[]): Promise<AppendRequest[]> => {
      const pending = new Map<string, DomainEvent[]>();
      const expected = new Map<string, ExpectedVersion>();
      await loadStreams(chunk);
      for (const v of chunk) {
        const slot = cache.get(v.streamId)!;
        try {
          const decision = slot.decider.decide(v.record as ContextRecord<SourceContext>, slot.state, ctx);
          if (decision.outcome === 'duplicate') {
            results[v.index] = { row: v.row, status: 'duplicate', eventIds: decision.eventIds, streamId: v.streamId };
            continue;
          }
          if (v.record.expectedVersion !== undefined && v.record.expectedVersion !== slot.version) {
            throw new ConflictError(
              `流 ${v.streamId} 当前版本为 ${slot.version}, 与 expectedVersion ${v.record.expectedVersion} 不符`,
              v.streamId,
              v.record.expectedVersion,
              slot.version,
            );
          }
          if (!expected.has(v.streamId)) expected.set(v.streamId, slot.storedVersion < 0 ? 'no_stream' : slot.storedVersion);
          const list = pending.get(v.streamId) ?? [];
          for (const e of decision.events) {
            list.push(e);
            slot.state = slot.decider.evolve(slot.state, e as ContextEvent<SourceContext>);
            slot.version += 1;
          }
          pending.set(v.streamId, list);
          results[v.index] = {
            row: v.row,
            status: 'accepted',
            eventIds: decision.events.map((e) => e.eventId),
            streamId: v.streamId,
            ...(decision.quality.length ? { quality: decision.quality } : {}),
            ...(decision.events[0]?.supersedes ? { supersedes: decision.events[0].supersedes } : {}),
          };
        } catch (err) {
          const outcome = rejection(err, v.row);
          if (!outcome) throw err;
          results[v.index] = outcome;
        }
      }
      return [...pending].map(([streamId, events]) => ({ streamId, events, expectedVersion: expected.get(streamId) ?? 'any' }));
    };

    const writeChunk = async (chunk: readonly Valid[]): Promise<void> => {
      let todo = chunk;
      for (let attempt = 0; ; attempt++) {
        let requests: AppendRequest[] = [];
        try {
          requests = await decideChunk(todo);
          if (requests.length === 0) return;
          // Busy, locked or unavailable stores are retried (appends are idempotent); a conflict is not.
          const written = await withRetry(() => store.appendMany(requests), { policy: appendRetry, onRetry: deps.onRetry });
          requests.forEach((r, i) => {
            const slot = cache.get(r.streamId);
            if (slot) slot.storedVersion = written[i]?.nextExpectedVersion ?? slot.version;
          });
          return;
        } catch (err) {
          // The chunk's states hold its undone events (and, on a conflict, miss another writer's;
          // a decider bug may have left them half-evolved): forget them, the next use reloads them.
          for (const v of todo) {
            cache.delete(v.streamId);
            streams.delete(v.streamId);
          }
          if (!(err instanceof ConflictError)) throw err;
          // A store that appends stream by stream (EventStoreDB) has stored the requests before the
          // conflicting one: their records stay accepted and are neither re-decided nor refused.
          const stored = await storedStreams(store, requests);
          todo = todo.filter((v) => !stored.has(v.streamId));
          if (attempt >= 1) {
            for (const v of todo) {
              if (results[v.index]?.status === 'accepted') {
                results[v.index] = {
                  row: v.row,
                  status: 'rejected',
                  code: 'conflict',
                  issues: [{ field: 'expectedVersion', row: v.row, reason: `并发写入冲突 (流 ${err.streamId ?? v.streamId}), 请重试` }],
                };
              }
            }
            return;
          }
        }
      }
    };

    // Chunks count records; nearly every record yields one event, so this bounds a transaction's size.
    for (let start = 0; start < valid.length; start += chunkEvents) {
      await writeChunk(valid.slice(start, start + chunkEvents));
    }

    let accepted = 0;
    let duplicates = 0;
    let rejected = 0;
    let flagged = 0;
    for (const r of results) {
      if (r.status === 'accepted') {
        accepted++;
        if (r.quality?.length) flagged++;
      } else if (r.status === 'duplicate') duplicates++;
      else rejected++;
    }
    if (rejected > 0 && deps.rejections) {
      await deps.rejections.record(countRejections(records, results), ctx.recordedAt).catch((err: unknown) => deps.onRejectionLogError?.(err));
    }
    const head = await store.head();
    return { received: records.length, accepted, duplicates, rejected, flagged, position: head.position, results };
  }

  return {
    ingest: (records, meta) => exclusive(() => ingestNow(records, meta)),
  };
}

/**
 * The streams of `requests` whose events are all in the store now. After a failed appendMany an
 * atomic store (SQLite) has none; a stream-by-stream one (EventStoreDB) has those before the
 * failing request. Read back rather than inferred, so the report says what is stored.
 */
export async function storedStreams(store: EventStore, requests: readonly AppendRequest[]): Promise<Set<string>> {
  const stored = new Set<string>();
  for (const r of requests) {
    if (r.events.length === 0) continue;
    const from = typeof r.expectedVersion === 'number' ? r.expectedVersion + 1 : 0;
    const ids = new Set((await store.readStream(r.streamId, { fromVersion: from })).map((e) => e.eventId));
    if (r.events.every((e) => ids.has(e.eventId))) stored.add(r.streamId);
  }
  return stored;
}

/** A business refusal or a version conflict becomes the record's rejection; anything else is not the record's fault. */
function rejection(err: unknown, row: number): RecordOutcome | undefined {
  if (err instanceof ConflictError) {
    return {
      row,
      status: 'rejected',
      code: 'conflict',
      issues: [{ field: 'expectedVersion', row, reason: err.message, ...(err.expected !== undefined ? { value: err.expected } : {}) }],
    };
  }
  if (err instanceof ValidationError || err instanceof IllegalStateError) {
    return { row, status: 'rejected', code: err.code, issues: (err.issues.length ? err.issues : [{ field: '(record)', reason: err.message }]).map((i) => ({ ...i, row })) };
  }
  return undefined;
}
