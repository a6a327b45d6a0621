import type { DomainEvent, RecordedEvent } from './events/index.ts';

/**
 * What the caller expects a stream to be at when appending:
 * - `any`: no check;
 * - `no_stream`: the stream must not exist yet;
 * - `stream_exists`: the stream must have at least one event;
 * - a number N: the stream's last event has version N (versions are 0-based).
 */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** The stream's version after the append (its last event's version). */
  nextExpectedVersion: number;
  /** Global position of the last event of the stream touched by this append, new or not. */
  position: number;
  /** Events newly stored. */
  appended: number;
  /** Events whose eventId was already stored: acknowledged, not stored again. */
  duplicates: number;
}

export interface AppendRequest {
  streamId: string;
  events: DomainEvent[];
  expectedVersion?: ExpectedVersion;
}

export interface StoreHead {
  /** Global position of the newest event (0 when empty). */
  position: number;
  /** Number of events stored. */
  events: number;
}

export interface ReadAllOptions {
  /** Read events with position > fromPosition (exclusive); 0 reads from the start. */
  fromPosition?: number;
  maxCount?: number;
}

/** Rejected records counted by sending department, record type, field and reason (one batch's rows). */
export interface RejectionCount {
  unit: string;
  type: string;
  field: string;
  reason: string;
  count: number;
}

/**
 * Where the ingest service counts what it rejected: a rejected record leaves nothing in the event
 * store, but the data-quality board shows each department's rejected share by reason.
 */
export interface RejectionLog {
  record(counts: readonly RejectionCount[], recordedAt: string): Promise<void>;
}

export interface ReadStreamOptions {
  /** First version to return (inclusive, 0-based). */
  fromVersion?: number;
  maxCount?: number;
}

export interface Subscription {
  /** Resolves when the subscription has stopped and no handler call is running. */
  stop(): Promise<void>;
  /** Resolves (or rejects with the handler's error) when the subscription ends. */
  readonly done: Promise<void>;
}

export interface SubscribeOptions {
  /** Deliver events with position > fromPosition. */
  fromPosition: number;
  /** Largest batch handed to the handler at once. */
  maxBatch?: number;
}

/**
 * The event store port. Appends are atomic per request, optimistic on the stream version and
 * idempotent by eventId: a re-sent event is acknowledged (counted in `duplicates`), not stored twice.
 * Global positions are 1-based and gap-free.
 */
export interface EventStore {
  readonly kind: string;
  append(streamId: string, events: DomainEvent[], options?: { expectedVersion?: ExpectedVersion }): Promise<AppendResult>;
  /**
   * Appends to several streams. Atomic across streams where the store can be (SQLite);
   * otherwise stream by stream, which is safe to retry because appends are idempotent.
   */
  appendMany(requests: AppendRequest[]): Promise<AppendResult[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * The version of each stream's last event (-1 for a stream with none), in one round trip where
   * the store can: a writer that caches stream states checks a whole batch of streams at once
   * instead of reading each one before deciding.
   */
  streamVersions(streamIds: readonly string[]): Promise<Map<string, number>>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch up from a position, then deliver live appends, batch by batch, in order. */
  subscribe(options: SubscribeOptions, handler: (events: RecordedEvent[]) => Promise<void>): Subscription;
  head(): Promise<StoreHead>;
  /** Events stored per type. */
  countByType(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** Query parameters bound server-side as `{name:Type}` placeholders. */
export type OlapParams = Record<string, unknown>;

/**
 * The narrow ClickHouse port (after clickhouse-js's Connection): the embedded engine (chDB) and a
 * ClickHouse server both sit behind it. Rows travel as JSON objects (JSONEachRow).
 */
export interface OlapClient {
  readonly kind: 'chdb' | 'clickhouse';
  /** The database all unqualified table names resolve to. */
  readonly database: string;
  query<T = Record<string, unknown>>(sql: string, params?: OlapParams): Promise<T[]>;
  command(sql: string, params?: OlapParams): Promise<void>;
  /**
   * Inserts rows. With `dedupToken`, a retried insert of the same block is dropped by the
   * engine (non-replicated MergeTree deduplication window), which makes replays harmless.
   * With `deduplicate: false` the block is inserted even if its token or an identical block was
   * seen (for tables that fold copies by key anyway: see projections/runner/projectionRunner.ts).
   */
  insert(table: string, rows: readonly Record<string, unknown>[], options?: { dedupToken?: string; deduplicate?: boolean }): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Where the runner's events come from: the store's subscription (embedded) or Kafka (distributed).
 * Batches arrive in global-position order per stream; a source may redeliver.
 */
export interface EventSource {
  /**
   * False when batches may arrive out of global-position order or be redelivered out of order
   * (Kafka: one order per partition). The runner then writes each delivered batch before its
   * handler resolves and relies on idempotent fact keys instead of position filtering.
   */
  readonly ordered?: boolean;
  start(fromPosition: number, onBatch: (events: RecordedEvent[]) => Promise<void>): Promise<{ stop(): Promise<void>; done: Promise<void> }>;
  /**
   * For an unordered source: the highest global position P such that every event at or before P
   * has been delivered and its onBatch resolved, by every consumer sharing this source (all the
   * workers of a Kafka consumer group). Never decreases within a process. The highest position
   * handled is not that: a lagging partition may still hold lower positions.
   */
  watermark?(): Promise<number>;
}
