import { EventEmitter } from 'node:events';
import { mkdirSync, statfsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BrainError, InfrastructureError } from '../../contracts/errors.ts';
import type { DomainEvent, RecordedEvent } from '../../contracts/events/index.ts';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedVersion,
  ReadAllOptions,
  ReadStreamOptions,
  StoreHead,
  SubscribeOptions,
  Subscription,
} from '../../contracts/ports.ts';
import { assertExpectedVersion, assertStreamMatches, checkExpectedVersion, envelopeMeta, joinEvent, type EnvelopeMeta } from './envelope.ts';
import { subscriptionHandle } from './subscription.ts';

export interface SqliteEventStoreOptions {
  /** The database file; its directory is created if missing. */
  path: string;
  /**
   * FULL (default): every commit is fsynced before append resolves, so nothing acknowledged is
   * lost even on power loss. NORMAL: commits survive a process crash but the last ones may be
   * lost on power loss (WAL is synced at checkpoints only); ~3× faster for single-event appends.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How often a subscriber looks for appends made by other processes (default 250 ms). */
  pollIntervalMs?: number;
  /** How long a writer waits for another process's write transaction (default 10 s). */
  busyTimeoutMs?: number;
  /** Largest batch handed to a subscription handler when the caller gives none (default 1,000). */
  defaultMaxBatch?: number;
  /**
   * WAL pages after which a commit copies them back into the database file (SQLite's
   * `wal_autocheckpoint`; default SQLite's 1,000 pages of 4 KiB). Event keys are random, so on a
   * large store a big transaction dirties pages all over both indexes, and at 1,000 pages nearly
   * every such commit also checkpoints, writing each page twice: a bulk load alone in its process
   * (`brain seed`) takes far more. Not the default: while a WAL file grows toward a larger size,
   * every synchronous=FULL commit also syncs the file's new size (single appends ~25 % slower),
   * whereas a small WAL is soon reused in place.
   */
  walAutocheckpointPages?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY,  -- rowid: 1-based, gap-free (rows are never deleted; a rolled-back insert frees its id)
  stream_id      TEXT    NOT NULL,
  stream_version INTEGER NOT NULL,     -- 0-based
  event_id       TEXT    NOT NULL,
  event_key      INTEGER NOT NULL,     -- 52 bits of event_id: the dedup lookup key (see eventKey)
  type           TEXT    NOT NULL,
  schema_version INTEGER NOT NULL,
  occurred_at    TEXT    NOT NULL,
  recorded_at    TEXT    NOT NULL,
  meta           TEXT    NOT NULL,     -- JSON: source, actor, supersedes, correlationId, causationId, quality
  data           TEXT    NOT NULL      -- JSON payload
);
CREATE UNIQUE INDEX IF NOT EXISTS events_stream ON events (stream_id, stream_version);
CREATE INDEX IF NOT EXISTS events_event_key ON events (event_key);
CREATE TABLE IF NOT EXISTS type_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
`;

const COLUMNS = 'position, stream_id, stream_version, event_id, type, schema_version, occurred_at, recorded_at, meta, data';
type Row = [number, string, number, string, string, number, string, string, string, string];

/**
 * The dedup lookup key of an eventId. A UNIQUE index on the 36-character text costs 4× in
 * throughput (PERFORMANCE.md): random keys dirty one index page per row. An 8-byte integer
 * packs ~3× more keys per page, so fewer pages are touched and more stay cached; and for
 * time-ordered ids (UUIDv7) the 48 timestamp bits come first, so inserts go to the index's end.
 * Collisions are harmless: the lookup also compares the full event_id, and the write lock of the
 * IMMEDIATE transaction makes check-then-insert atomic across processes.
 */
export function eventKey(eventId: string): number {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/i.test(eventId)) {
    // 32 + 16 bits before the version nibble, then the 4 bits after it: 52 bits, a safe integer.
    return parseInt(eventId.slice(0, 8), 16) * 2 ** 20 + parseInt(eventId.slice(9, 13) + eventId.slice(15, 16), 16);
  }
  let h = 0x811c9dc5; // FNV-1a, for ids that are not UUIDs (the store validates nothing)
  for (let i = 0; i < eventId.length; i++) h = Math.imul(h ^ eventId.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** One notifier per database file in this process, so every store instance on it wakes at once. */
const notifiers = new Map<string, EventEmitter>();
function notifierFor(file: string): EventEmitter {
  let n = notifiers.get(file);
  if (!n) {
    n = new EventEmitter();
    n.setMaxListeners(0);
    notifiers.set(file, n);
  }
  return n;
}

function toInfrastructure(err: unknown, what: string, file?: string): Error {
  if (err instanceof BrainError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (file && (code === 'SQLITE_FULL' || (code.startsWith('SQLITE_IOERR') && diskFull(file)))) {
    // A full disk rolls the transaction back: nothing of the request is stored, the file stays
    // consistent, and the same request succeeds once space is freed (so: retriable, 507).
    return new InfrastructureError(
      `event store (sqlite): the disk holding ${path.dirname(file)} is full (${code}; ${freeText(file)}): nothing of this request was stored; free space there and send it again`,
      { retriable: true, cause: err, status: 507 },
    );
  }
  const retriable = code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
  return new InfrastructureError(`event store (sqlite): ${what} failed: ${(err as Error).message ?? String(err)}`, { retriable, cause: err });
}

/** SQLITE_FULL means the disk; an I/O write error counts as such only when the disk is (nearly) full. */
function diskFull(file: string): boolean {
  try {
    const s = statfsSync(path.dirname(file));
    return s.bavail * s.bsize < 1024 * 1024;
  } catch {
    return false;
  }
}

function freeText(file: string): string {
  try {
    const s = statfsSync(path.dirname(file));
    return `${Math.floor((s.bavail * s.bsize) / 1024)} KiB free of ${Math.floor((s.blocks * s.bsize) / 1024)} KiB`;
  } catch {
    return 'free space unknown';
  }
}

/**
 * The embedded event store: one SQLite file in WAL mode, shared safely by several processes
 * (writers queue on the file lock for up to `busyTimeoutMs`). Appends are synchronous on the
 * calling thread; batch them (appendMany) for throughput.
 */
export function createSqliteEventStore(options: SqliteEventStoreOptions): EventStore {
  const file = path.resolve(options.path);
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const defaultMaxBatch = options.defaultMaxBatch ?? 1000;
  mkdirSync(path.dirname(file), { recursive: true });

  let db: Database.Database;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 10_000 });
    db.pragma('journal_mode = WAL');
    // See SqliteEventStoreOptions.synchronous: FULL is the default because the store is the only
    // write of the platform; an acknowledged event must survive a power loss.
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    db.pragma('cache_size = -65536'); // 64 MiB: keeps the random-key index pages hot
    if (options.walAutocheckpointPages !== undefined) db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(options.walAutocheckpointPages))}`);
    db.exec(SCHEMA);
  } catch (err) {
    throw toInfrastructure(err, `opening ${file}`);
  }

  const stmt = {
    streamHead: db.prepare('SELECT stream_version, position FROM events WHERE stream_id = ? ORDER BY stream_version DESC LIMIT 1').raw(),
    findEvent: db.prepare('SELECT position FROM events WHERE event_key = ? AND event_id = ?').pluck(),
    insert: db.prepare(
      'INSERT INTO events (stream_id, stream_version, event_id, event_key, type, schema_version, occurred_at, recorded_at, meta, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    countType: db.prepare('INSERT INTO type_counts (type, n) VALUES (?, ?) ON CONFLICT (type) DO UPDATE SET n = n + excluded.n'),
    readAll: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(),
    readStream: db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?`).raw(),
    // One index seek per stream; absent streams come back as NULL.
    streamVersions: db.prepare('SELECT s.value, (SELECT max(stream_version) FROM events WHERE stream_id = s.value) FROM json_each(?) s').raw(),
    head: db.prepare('SELECT coalesce(max(position), 0) FROM events').pluck(),
    countByType: db.prepare('SELECT type, n FROM type_counts ORDER BY type').raw(),
  };

  const notifier = notifierFor(file);
  const subscriptions = new Set<Subscription>();
  let closed = false;

  function decode(r: Row): RecordedEvent {
    return joinEvent({
      position: r[0],
      streamId: r[1],
      streamVersion: r[2],
      eventId: r[3],
      type: r[4],
      schemaVersion: r[5],
      occurredAt: r[6],
      recordedAt: r[7],
      meta: JSON.parse(r[8]) as EnvelopeMeta,
      data: JSON.parse(r[9]) as unknown,
    });
  }

  /** One request inside the caller's write transaction. */
  function appendOne(streamId: string, events: readonly DomainEvent[], expected: ExpectedVersion, types: Map<string, number>): AppendResult {
    assertStreamMatches(streamId, events);
    const headRow = stmt.streamHead.get(streamId) as [number, number] | undefined;
    let version = headRow ? headRow[0] : -1;
    let position = headRow ? headRow[1] : 0;

    const fresh: { event: DomainEvent; key: number }[] = [];
    const seen = new Set<string>();
    for (const event of events) {
      const key = eventKey(event.eventId);
      if (seen.has(event.eventId) || stmt.findEvent.get(key, event.eventId) !== undefined) continue;
      seen.add(event.eventId);
      fresh.push({ event, key });
    }
    // A re-sent request (every event already stored) is acknowledged as a no-op whatever it expected;
    // an empty request still checks, so it can serve as an assertion on the stream.
    if (fresh.length > 0 || events.length === 0) checkExpectedVersion(streamId, expected, version);

    for (const { event, key } of fresh) {
      version += 1;
      const info = stmt.insert.run(
        streamId,
        version,
        event.eventId,
        key,
        event.type,
        event.schemaVersion,
        event.occurredAt,
        event.recordedAt,
        JSON.stringify(envelopeMeta(event)),
        JSON.stringify(event.data),
      );
      position = Number(info.lastInsertRowid);
      types.set(event.type, (types.get(event.type) ?? 0) + 1);
    }
    return { nextExpectedVersion: version, position, appended: fresh.length, duplicates: events.length - fresh.length };
  }

  const appendTx = db.transaction((requests: readonly AppendRequest[]): AppendResult[] => {
    const types = new Map<string, number>();
    const results = requests.map((r) => appendOne(r.streamId, r.events, r.expectedVersion ?? 'any', types));
    for (const [type, n] of types) stmt.countType.run(type, n);
    return results;
  });

  function appendRequests(requests: readonly AppendRequest[]): AppendResult[] {
    if (closed) throw new InfrastructureError('event store (sqlite) is closed', { retriable: false });
    for (const r of requests) assertExpectedVersion(r.expectedVersion ?? 'any');
    let results: AppendResult[];
    try {
      // IMMEDIATE takes the write lock up front: the version read and the insert see the same state
      // even when another process appends to the same file.
      results = appendTx.immediate(requests);
    } catch (err) {
      throw toInfrastructure(err, 'append', file);
    }
    if (results.some((r) => r.appended > 0)) notifier.emit('append');
    return results;
  }

  function readAllSync(fromPosition: number, maxCount: number): RecordedEvent[] {
    try {
      return (stmt.readAll.all(fromPosition, maxCount) as Row[]).map(decode);
    } catch (err) {
      throw toInfrastructure(err, 'readAll');
    }
  }

  function subscribe(opts: SubscribeOptions, handler: (events: RecordedEvent[]) => Promise<void>): Subscription {
    const maxBatch = opts.maxBatch ?? defaultMaxBatch;
    let position = opts.fromPosition;
    let stopped = false;
    let signalled = false;
    let wake: (() => void) | undefined;
    const onAppend = (): void => {
      signalled = true;
      wake?.();
    };
    notifier.on('append', onAppend);
    // Appends by other processes on the same file raise no event here: a modest poll finds them.
    const poll = setInterval(onAppend, pollIntervalMs);
    poll.unref();

    const run = async (): Promise<void> => {
      try {
        while (!stopped) {
          signalled = false;
          const batch = readAllSync(position, maxBatch);
          if (batch.length > 0) {
            await handler(batch);
            position = batch[batch.length - 1]!.position;
            continue;
          }
          if (signalled || stopped) continue;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      } finally {
        notifier.off('append', onAppend);
        clearInterval(poll);
      }
    };
    return subscriptionHandle(subscriptions, run(), () => {
      stopped = true;
      wake?.();
    });
  }

  return {
    kind: 'sqlite',
    async append(streamId, events, appendOptions) {
      return appendRequests([{ streamId, events, expectedVersion: appendOptions?.expectedVersion ?? 'any' }])[0]!;
    },
    async appendMany(requests) {
      if (requests.length === 0) return [];
      return appendRequests(requests);
    },
    async readStream(streamId: string, readOptions?: ReadStreamOptions) {
      try {
        return (stmt.readStream.all(streamId, readOptions?.fromVersion ?? 0, readOptions?.maxCount ?? -1) as Row[]).map(decode);
      } catch (err) {
        throw toInfrastructure(err, 'readStream');
      }
    },
    async streamVersions(streamIds) {
      const versions = new Map<string, number>();
      if (streamIds.length === 0) return versions;
      try {
        for (const [id, version] of stmt.streamVersions.all(JSON.stringify(streamIds)) as [string, number | null][]) versions.set(id, version ?? -1);
      } catch (err) {
        throw toInfrastructure(err, 'streamVersions');
      }
      return versions;
    },
    async readAll(readOptions?: ReadAllOptions) {
      return readAllSync(readOptions?.fromPosition ?? 0, readOptions?.maxCount ?? -1);
    },
    subscribe,
    async head(): Promise<StoreHead> {
      try {
        // Positions are gap-free from 1, so the newest position is also the number of events;
        // max(rowid) is one B-tree seek where count(*) would scan the table.
        const position = stmt.head.get() as number;
        return { position, events: position };
      } catch (err) {
        throw toInfrastructure(err, 'head');
      }
    },
    async countByType() {
      try {
        return Object.fromEntries(stmt.countByType.all() as [string, number][]);
      } catch (err) {
        throw toInfrastructure(err, 'countByType');
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.stop()));
      db.close();
    },
  };
}
