/**
 * The projection runner: events from an EventSource → pure `project()` → rows in the physical
 * tables of each projection build, with a checkpoint per build, stable views, dead letters and
 * rebuilds without downtime.
 *
 * EXACTLY-ONCE EFFECT — what this relies on and why:
 *
 * 1. Write-ahead batch intents + insert_deduplication_token. Before a batch (C, P] writes any row,
 *    the checkpoint row records the intent `position = C, pending_to = P`. Rows then go to each
 *    table with the token `<projection>:<build>:<table>:<C+1>-<P>`, and the commit row
 *    `position = P` follows. After a crash the runner reads the intent and re-forms exactly the
 *    batch (C, P] (the same handled events, so the same rows: `project` is pure), re-inserts it
 *    with the same tokens, and the engine drops what already landed. Batch boundaries may come
 *    from counts, timers or "caught up"; the intent is what makes the replayed boundary equal the
 *    original, so no alignment of boundaries to positions is needed. Tokens only work on
 *    non-replicated MergeTree with `non_replicated_deduplication_window` > 0: the runner sets it on
 *    every table it creates (ALTER … MODIFY SETTING, verified on chDB 26.7) because the tables'
 *    DDL belongs to the projections. The window only has to cover the blocks of one batch: after
 *    a crash nothing else is written to that build's tables before the replay.
 * 2. Position filtering. Each build remembers the last position it accepted and ignores anything
 *    at or below it, so a source that redelivers (store resubscribe, Kafka after a rebalance) has
 *    no effect.
 * 3. Bookkeeping rows are idempotent facts (ReplacingMergeTree keyed by projection + build, with a
 *    version derived from positions), so a repeated checkpoint or state row changes nothing.
 *
 * Residual windows, stated plainly: a block's dedup-log record and its part are not written
 * atomically. A record without its part was seen in test/faults/randomKills.test.ts (the platform
 * killed ten times): the first block of fact_financials was in the log, its part and its six rows
 * were not, while the checkpoint had moved past it. The block numbers skipped in the neighbouring
 * tables point to inserts that failed inside the process and were retried; an attempt that fails
 * after its record is written, or a kill there, leaves the token behind, and the retry or replay
 * with the same token is then dropped as a duplicate: rows lost for good. So on tables that fold
 * copies by key (plain ReplacingMergeTree: every fact table, keyed by event id / position) a
 * replayed batch and every retried insert go in WITHOUT deduplication: a second copy of a block
 * folds away (the views read such tables with FINAL), a missing one is written. Tables of other
 * engines keep the token on replays and retries (a second copy would count twice there), with
 * that window left open.
 *
 * `project` must not depend on where batches are cut (project(a ++ b) = project(a) ++ project(b)),
 * since boundaries depend on timing; otherwise a rebuild would not equal the live result.
 */
import { createHash } from 'node:crypto';
import { IllegalStateError, ValidationError } from '../../contracts/errors.ts';
import type { RecordedEvent } from '../../contracts/events/index.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import { POLICIES, withRetry as retrying, type RetryPolicy } from '../../contracts/retry.ts';
import { migrate, quoteIdent } from '../migrations/migrate.ts';
import type { EventSource } from '../../contracts/ports.ts';
import type { Projection, Row } from '../projection.ts';
import { createBookkeeping, type BuildRecord, type CheckpointRecord, type DeadLetter } from './bookkeeping.ts';

/**
 * `ahead-of-store`: the checkpoint is past the store's head, so the store lost events the
 * projection had already seen (restored from an older copy, a lost WAL). New events at positions
 * at or below the checkpoint would be skipped as redeliveries; a rebuild repairs it.
 */
export type ProjectionRunState = 'catching-up' | 'live' | 'rebuilding' | 'failed' | 'ahead-of-store';

/** One line of GET /api/v1/status `projections`. */
export interface ProjectionStatus {
  name: string;
  version: number;
  checkpoint: number;
  /** Events behind the store head; negative when the checkpoint is ahead of it (`ahead-of-store`). */
  lagEvents: number;
  lagSeconds: number;
  state: ProjectionRunState;
  /** The build whose tables the stable views point at (differs from `version` while rebuilding). */
  serving: { build: string; version: number; checkpoint: number } | null;
  error?: string;
}

/** What the runner logs through (pino's Logger fits). */
export interface RunnerLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ProjectionRunnerOptions {
  olap: OlapClient;
  /** Where events come from; if it has `head()`, lag and "caught up" use it. */
  source: EventSource & { head?(): Promise<number> };
  /**
   * Where rebuilds read from position 0 (default: `source`). With Kafka as `source`, the event
   * store: it holds every event, and a rebuild must not join the live consumer group.
   */
  rebuildSource?: EventSource & { head?(): Promise<number> };
  projections: readonly Projection[];
  /** Handled events per batch before a flush (default 5,000). */
  batchSize?: number;
  /** Longest time an open batch waits before a flush (default 1,000 ms). */
  flushMs?: number;
  /**
   * Retries of a failed write, applied only to errors the OLAP adapter marked retriable
   * (default POLICIES.OLAP_WRITES: from 200 ms, ×2, up to 10 s, with jitter, until it succeeds or
   * the runner stops). A lane so waits out a ClickHouse outage and resumes where it was.
   */
  retry?: RetryPolicy;
  /**
   * Called with the events whose projection threw, after they are in projection_dead_letters
   * (the distributed mode also publishes them to the dead-letter topic).
   */
  onDeadLetters?: (letters: readonly DeadLetter[]) => Promise<void>;
  log?: RunnerLog;
}

export interface ProjectionRunner {
  /** Migrates, reconciles builds with the code (a bumped version starts a rebuild) and subscribes. */
  start(): Promise<void>;
  /** Stops the subscriptions after the batch in flight; open batches are flushed. */
  stop(): Promise<void>;
  status(): Promise<ProjectionStatus[]>;
  /**
   * Rebuilds a projection from position 0 into new tables while the current ones keep serving,
   * then points the views at them and drops the old tables. Resolves once swapped.
   */
  rebuildProjection(name: string): Promise<void>;
  /** Resolves when every projection serves its code version with nothing left to project. */
  waitUntilCaughtUp(options?: { timeoutMs?: number; pollMs?: number }): Promise<void>;
}

const SILENT: RunnerLog = { info() {}, warn() {}, error() {} };
const BOOKKEEPING = new Set(['schema_migrations', 'projection_checkpoints', 'projection_state', 'projection_dead_letters']);
const IDENT = /^[a-z][a-z0-9_]{0,62}$/;
/** Engines whose rows collapse by key: their views read FINAL so stable names never show duplicates. */
const COLLAPSING_ENGINE = /^(Replacing|Collapsing|VersionedCollapsing|Summing|Aggregating|Coalescing)MergeTree$/;
const DEDUP_WINDOW = 1000;
/** Engines where a second copy of a row folds into the first (so a block may be inserted twice). */
const FOLDS_COPIES = /^ReplacingMergeTree$/;

interface Lane {
  projection: Projection;
  handles: ReadonlySet<string>;
  record: BuildRecord;
  /** logical → physical (unqualified). */
  tables: Map<string, string>;
  checkpoint: number;
  pendingTo: number;
  lastRecordedAt: number | null;
  /** Last source position accepted into the open batch (≥ checkpoint). */
  seenTo: number;
  seenRecordedAt: number | null;
  buffer: RecordedEvent[];
  /** When the open batch got its first position (0: no open batch). */
  openedAt: number;
  startedAt: number;
  caughtUp: boolean;
  failed: string | null;
  retired: boolean;
  /** Handed over to an unordered live source: every delivery is written as it comes (see handOver). */
  unordered?: boolean;
  lock: Promise<void>;
  /** Set on a rebuild lane: called once it serves. */
  onSwapped?: { resolve(): void; reject(err: unknown): void; promise: Promise<void> };
}

interface Group {
  lanes: Lane[];
  source: EventSource & { head?(): Promise<number> };
  handle?: { stop(): Promise<void>; done: Promise<void> };
  /** Set on a rebuild group whose lane was handed over: it runs until it has delivered this position. */
  releaseAt?: number;
  /** Highest position whose batch this (ordered) group has handled. */
  deliveredTo: number;
}

/** Creates a runner; nothing happens until `start()`. */
export function createProjectionRunner(options: ProjectionRunnerOptions): ProjectionRunner {
  const { olap, source, projections } = options;
  const rebuildSource = options.rebuildSource ?? source;
  const batchSize = options.batchSize ?? 5_000;
  const flushMs = options.flushMs ?? 1_000;
  const retry = options.retry ?? POLICIES.OLAP_WRITES;
  const log = options.log ?? SILENT;
  const books = createBookkeeping(olap);
  const db = quoteIdent(olap.database);
  const q = (name: string) => `${db}.${quoteIdent(name)}`;

  validate(projections);

  const groups: Group[] = [];
  /** name → the lane writing the build the views point at (absent when that build is frozen). */
  const liveLanes = new Map<string, Lane>();
  /** name → the lane building the next build. */
  const buildingLanes = new Map<string, Lane>();
  /** name → the build the views point at. */
  const serving = new Map<string, { record: BuildRecord; checkpoint: number }>();
  let knownHead = 0;
  let maxSeen = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  /** The store's own head now (not the highest seen), when the sources can tell. */
  async function storeHead(): Promise<number | undefined> {
    const head = rebuildSource.head ?? source.head;
    return head ? head() : undefined;
  }

  /** Lanes already reported as ahead of the store (logged once each, as an error). */
  const reportedAhead = new WeakSet<Lane>();
  function checkAhead(lane: Lane, head: number | undefined): boolean {
    if (head === undefined || lane.checkpoint <= head) return false;
    if (!reportedAhead.has(lane)) {
      reportedAhead.add(lane);
      log.error(
        { projection: lane.projection.name, build: lane.record.build, checkpoint: lane.checkpoint, storeHead: head },
        `projection ${lane.projection.name}: checkpoint ${lane.checkpoint} is AHEAD of the event store head ${head}: the store lost events this projection had seen (restored from an older copy?), and new events up to position ${lane.checkpoint} would never be projected. Restore the right store, or rebuild: POST /api/v1/admin/projections/${lane.projection.name}/rebuild`,
      );
    }
    return true;
  }

  /** The live source's last known watermark (kept when asking fails: it never goes back). */
  let watermark = 0;
  /**
   * Where each lane has written every event up to: its checkpoint for an ordered lane; for one fed
   * by an unordered source, the source's watermark (the highest handled position is not that: a
   * lagging partition may still hold lower ones), and no further than its rebuild subscription has
   * delivered while that still feeds it during a hand-over.
   */
  async function contiguousProgress(): Promise<(lane: Lane) => number> {
    const unordered = [...liveLanes.values(), ...buildingLanes.values()].some((l) => l.unordered);
    if (unordered && source.watermark)
      watermark = await source.watermark().catch((err: unknown) => {
        log.warn({ err }, 'cannot read the live source watermark; progress shown as last known');
        return watermark;
      });
    return (lane) => {
      if (!lane.unordered || !source.watermark) return lane.checkpoint;
      const feeding = groups.find((g) => g.source !== source && g.lanes.includes(lane));
      return Math.min(watermark, feeding ? feeding.deliveredTo : Infinity);
    };
  }

  async function headNow(): Promise<number> {
    const head = source.head ?? rebuildSource.head;
    if (head) knownHead = Math.max(knownHead, await head());
    return Math.max(knownHead, maxSeen);
  }

  function withLock<T>(lane: Lane, fn: () => Promise<T>): Promise<T> {
    const result = lane.lock.then(fn);
    lane.lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Ends retry waits when the runner stops, so stop() never waits on an outage. */
  let stopping = new AbortController();

  function withRetry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return retrying(fn, {
      policy: retry,
      signal: stopping.signal,
      onRetry: (err, attempt, delayMs) =>
        log.warn({ err: err instanceof Error ? err.message : String(err), attempt, what, retryInMs: delayMs }, 'projection write failed (transient), retrying'),
    });
  }

  // ---- tables and views ------------------------------------------------------------------

  async function ensureTables(projection: Projection, tables: Map<string, string>): Promise<void> {
    for (const def of projection.tables) {
      const physical = tables.get(def.name)!;
      await olap.command(def.ddl.replaceAll('{table}', q(physical)));
      const [info] = await olap.query<{ engine: string; engine_full: string }>(
        `SELECT engine, engine_full FROM system.tables WHERE database = {db:String} AND name = {name:String}`,
        { db: olap.database, name: physical },
      );
      if (!info) throw new IllegalStateError(`projection ${projection.name}: DDL of ${def.name} did not create ${physical}`);
      // Tokens dedupe only inside the window; Replicated* engines have their own (on by default).
      const window = /non_replicated_deduplication_window = (\d+)/.exec(info.engine_full);
      if (/MergeTree$/.test(info.engine) && !info.engine.startsWith('Replicated') && (!window || Number(window[1]) < DEDUP_WINDOW))
        await olap.command(`ALTER TABLE ${q(physical)} MODIFY SETTING non_replicated_deduplication_window = ${DEDUP_WINDOW}`);
    }
  }

  async function pointViews(record: BuildRecord, previous?: BuildRecord): Promise<void> {
    for (let i = 0; i < record.logicalTables.length; i++) {
      const physical = record.physicalTables[i]!;
      const [info] = await olap.query<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = {db:String} AND name = {name:String}`, {
        db: olap.database,
        name: physical,
      });
      // `SELECT … FROM view FINAL` is silently ignored by the engine, so FINAL lives in the view.
      const final = info && COLLAPSING_ENGINE.test(info.engine) ? ' FINAL' : '';
      await olap.command(`CREATE OR REPLACE VIEW ${q(record.logicalTables[i]!)} AS SELECT * FROM ${q(physical)}${final}`);
    }
    for (const logical of previous?.logicalTables ?? [])
      if (!record.logicalTables.includes(logical)) await olap.command(`DROP VIEW IF EXISTS ${q(logical)}`);
  }

  const folding = new Map<string, boolean>();
  /** Whether a physical table folds copies of a row by key (asked of the engine once per table). */
  async function foldsCopies(physical: string): Promise<boolean> {
    let folds = folding.get(physical);
    if (folds === undefined) {
      const [info] = await withRetry('engine', () =>
        olap.query<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = {db:String} AND name = {name:String}`, { db: olap.database, name: physical }),
      );
      folds = FOLDS_COPIES.test(info?.engine ?? '');
      folding.set(physical, folds);
    }
    return folds;
  }

  async function dropTables(record: BuildRecord): Promise<void> {
    for (const physical of record.physicalTables) await olap.command(`DROP TABLE IF EXISTS ${q(physical)}`);
  }

  // ---- lanes -----------------------------------------------------------------------------

  function newLane(projection: Projection, record: BuildRecord, cp: CheckpointRecord | undefined): Lane {
    const checkpoint = cp?.position ?? 0;
    if (cp && cp.pendingTo > cp.position)
      log.info({ projection: projection.name, build: record.build, from: cp.position, to: cp.pendingTo }, 'resuming an interrupted batch: re-forming it exactly');
    return {
      projection,
      handles: new Set(projection.handles),
      record,
      tables: new Map(record.logicalTables.map((l, i) => [l, record.physicalTables[i]!])),
      checkpoint,
      pendingTo: cp && cp.pendingTo > cp.position ? cp.pendingTo : 0,
      lastRecordedAt: cp?.lastRecordedAt ?? null,
      seenTo: checkpoint,
      seenRecordedAt: cp?.lastRecordedAt ?? null,
      buffer: [],
      openedAt: 0,
      startedAt: Date.now(),
      caughtUp: false,
      failed: null,
      retired: false,
      lock: Promise.resolve(),
    };
  }

  function buildRecord(projection: Projection, build: string, state: 'building' | 'live'): BuildRecord {
    const logicalTables = projection.tables.map((t) => t.name);
    return {
      projection: projection.name,
      build,
      version: projection.version,
      state,
      logicalTables,
      physicalTables: logicalTables.map((l) => `${l}_${build}`),
      startedAt: Date.now(),
      finishedAt: state === 'live' ? Date.now() : null,
    };
  }

  /** A build id never used before for this projection, so no old checkpoint or dedup log applies. */
  function nextBuildId(projection: Projection, existing: readonly BuildRecord[]): string {
    const base = `v${projection.version}`;
    const used = existing.filter((b) => b.projection === projection.name && b.version === projection.version).map((b) => b.build);
    if (!used.includes(base)) return base;
    const n = Math.max(0, ...used.map((b) => Number(/_r(\d+)$/.exec(b)?.[1] ?? 0)));
    return `${base}_r${n + 1}`;
  }

  type Projected = { rows: Map<string, Row[]>; dead: DeadLetter[] };

  function projectOne(lane: Lane, events: readonly RecordedEvent[], into: Map<string, Row[]>): void {
    const out = lane.projection.project(events);
    for (const [logical, rows] of Object.entries(out)) {
      if (!lane.tables.has(logical)) throw new ValidationError(`project() returned rows for unknown table ${logical}`);
      if (rows.length === 0) continue;
      const list = into.get(logical);
      if (list) for (const r of rows) list.push(r);
      else into.set(logical, [...rows]);
    }
  }

  /** The whole batch at once; if that throws, event by event, dead-lettering the ones that throw. */
  function projectBatch(lane: Lane, events: readonly RecordedEvent[]): Projected {
    const rows = new Map<string, Row[]>();
    if (events.length === 0) return { rows, dead: [] };
    try {
      projectOne(lane, events, rows);
      return { rows, dead: [] };
    } catch {
      rows.clear();
    }
    const dead: DeadLetter[] = [];
    for (const event of events) {
      const one = new Map<string, Row[]>();
      try {
        projectOne(lane, [event], one);
      } catch (err) {
        const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        log.error({ projection: lane.projection.name, eventId: event.eventId, position: event.position, type: event.type, error }, 'project() threw: event dead-lettered');
        dead.push({ projection: lane.projection.name, version: lane.record.version, event, error });
        continue;
      }
      for (const [logical, list] of one) {
        const all = rows.get(logical);
        if (all) for (const r of list) all.push(r);
        else rows.set(logical, list);
      }
    }
    return { rows, dead };
  }

  function checkpointRecord(lane: Lane, position: number, pendingTo: number, lastRecordedAt: number | null): CheckpointRecord {
    return {
      projection: lane.projection.name,
      build: lane.record.build,
      version: lane.record.version,
      position,
      pendingTo,
      lastRecordedAt,
    };
  }

  /**
   * Inserts a projected batch: each table's rows as one block whose dedup token is the build,
   * the table and `batchKey`, then its dead letters.
   */
  async function writeProjected(lane: Lane, { rows, dead }: Projected, batchKey: string, replay = false): Promise<void> {
    for (const [logical, list] of rows) {
      const physical = lane.tables.get(logical)!;
      const token = `${lane.projection.name}:${lane.record.build}:${logical}:${batchKey}`;
      // A replay or a retry must not trust the dedup log where copies fold (see the top comment).
      const folds = await foldsCopies(physical);
      let attempt = 0;
      await withRetry('insert', () =>
        olap.insert(`${olap.database}.${physical}`, list, folds && (replay || attempt++ > 0) ? { deduplicate: false } : { dedupToken: token }),
      );
    }
    if (dead.length > 0) {
      await withRetry('dead letters', () => books.deadLetters(dead));
      await options.onDeadLetters?.(dead);
    }
  }

  function fail(lane: Lane, err: unknown, context: object = {}): void {
    lane.failed = err instanceof Error ? err.message : String(err);
    log.error({ err, projection: lane.projection.name, build: lane.record.build, ...context }, 'projection failed; it stops here until restarted');
  }

  /** The open batch is written and its checkpoint `to` recorded: the lane (and the serving build) moves on. */
  function committed(lane: Lane, to: number): void {
    lane.checkpoint = to;
    lane.lastRecordedAt = lane.seenRecordedAt;
    lane.buffer = [];
    lane.openedAt = 0;
    const srv = serving.get(lane.projection.name);
    if (srv && srv.record.build === lane.record.build) srv.checkpoint = to;
  }

  /** Writes the open batch (checkpoint, to]. Caller holds the lane's lock. */
  async function flush(lane: Lane, to: number): Promise<void> {
    const from = lane.checkpoint;
    if (to <= from || lane.failed || lane.retired) return;
    const projected = projectBatch(lane, lane.buffer);
    // An intent read back at start (not written by this flush): the batch is a replay after a crash.
    const replay = lane.pendingTo === to;
    try {
      if ((projected.rows.size > 0 || projected.dead.length > 0) && lane.pendingTo !== to) {
        await withRetry('intent', () => books.writeCheckpoint(checkpointRecord(lane, from, to, lane.lastRecordedAt)));
        lane.pendingTo = to;
      }
      await writeProjected(lane, projected, `${from + 1}-${to}`, replay);
      await withRetry('checkpoint', () => books.writeCheckpoint(checkpointRecord(lane, to, 0, lane.seenRecordedAt)));
    } catch (err) {
      fail(lane, err, { from, to });
      return;
    }
    lane.pendingTo = 0;
    committed(lane, to);
    if (to >= Math.max(knownHead, maxSeen)) await onCaughtUp(lane);
  }

  async function onCaughtUp(lane: Lane): Promise<void> {
    if (source.head && lane.checkpoint < (await headNow())) return;
    lane.caughtUp = true;
    if (buildingLanes.get(lane.projection.name) === lane) await swap(lane);
  }

  /** Accepts one delivered batch into a lane's open batch, flushing where the rules say. */
  async function accept(lane: Lane, events: readonly RecordedEvent[], caughtUp: boolean): Promise<void> {
    for (const event of events) {
      if (lane.failed || lane.retired) return;
      if (event.position <= lane.seenTo) continue; // redelivered
      // A pending intent fixes this batch's end: cut exactly there, whatever else would apply.
      if (lane.pendingTo > lane.checkpoint && event.position > lane.pendingTo) await flush(lane, lane.pendingTo);
      if (lane.openedAt === 0) lane.openedAt = Date.now();
      lane.seenTo = event.position;
      lane.seenRecordedAt = Date.parse(event.recordedAt);
      if (lane.handles.has(event.type)) lane.buffer.push(event);
      if (lane.pendingTo > lane.checkpoint) {
        if (event.position === lane.pendingTo) await flush(lane, lane.pendingTo);
      } else if (lane.buffer.length >= batchSize) await flush(lane, lane.seenTo);
    }
    if (caughtUp && lane.pendingTo <= lane.checkpoint && lane.seenTo > lane.checkpoint) await flush(lane, lane.seenTo);
  }

  /**
   * An unordered source (Kafka) redelivers from its own committed offsets, not from our
   * checkpoint: every delivered batch is written before the handler resolves (so offsets are
   * committed only for written rows), with a token derived from the batch's event ids, and
   * duplicates across differently cut batches fold in the fact tables' ReplacingMergeTree keys.
   * The checkpoint is then the highest position written, for lag and status only.
   */
  async function acceptUnordered(lane: Lane, events: readonly RecordedEvent[]): Promise<void> {
    if (lane.failed || lane.retired) return;
    let top = lane.seenTo;
    let topRecordedAt = lane.seenRecordedAt;
    for (const event of events) {
      if (lane.handles.has(event.type)) lane.buffer.push(event);
      if (event.position > top) {
        top = event.position;
        topRecordedAt = Date.parse(event.recordedAt);
      }
    }
    lane.seenTo = top;
    lane.seenRecordedAt = topRecordedAt;
    lane.caughtUp = true;
    const digest = createHash('sha1')
      .update(lane.buffer.map((e) => e.eventId).sort().join(','))
      .digest('hex');
    try {
      await writeProjected(lane, projectBatch(lane, lane.buffer), `u${digest}`);
      if (top > lane.checkpoint) await withRetry('checkpoint', () => books.writeCheckpoint(checkpointRecord(lane, top, 0, topRecordedAt)));
    } catch (err) {
      fail(lane, err);
      // Rethrown so the source does not commit offsets past rows that were not written.
      throw err;
    }
    committed(lane, Math.max(lane.checkpoint, top));
  }

  async function startGroup(lanes: Lane[], from = source): Promise<Group> {
    const group: Group = { lanes, source: from, deliveredTo: 0 };
    groups.push(group);
    const start = lanes.length > 0 ? Math.min(...lanes.map((l) => l.checkpoint)) : 0;
    const ordered = from.ordered !== false;
    group.handle = await from.start(start, async (events) => {
      if (events.length === 0) return;
      const last = events.reduce((m, e) => Math.max(m, e.position), 0);
      maxSeen = Math.max(maxSeen, last);
      if (!ordered) {
        for (const lane of [...group.lanes]) await withLock(lane, () => acceptUnordered(lane, events));
        return;
      }
      let caughtUp = false;
      if ((from.head || source.head) && last >= knownHead) caughtUp = last >= (await headNow());
      for (const lane of [...group.lanes]) await withLock(lane, () => (lane.unordered ? acceptUnordered(lane, events) : accept(lane, events, caughtUp)));
      group.deliveredTo = Math.max(group.deliveredTo, last);
      if (group.releaseAt !== undefined && last >= group.releaseAt) release(group);
    });
    group.handle.done.catch((err: unknown) => {
      if (!running) return;
      log.error({ err }, 'event source failed; its projections stop until restarted');
      for (const lane of group.lanes) lane.failed ??= err instanceof Error ? err.message : String(err);
    });
    return group;
  }

  function tick(): void {
    const now = Date.now();
    for (const group of groups)
      for (const lane of group.lanes)
        if (lane.openedAt > 0 && now - lane.openedAt >= flushMs && lane.pendingTo <= lane.checkpoint)
          withLock(lane, async () => {
            if (lane.openedAt > 0 && lane.pendingTo <= lane.checkpoint) await flush(lane, lane.seenTo);
          }).catch((err: unknown) => log.error({ err, projection: lane.projection.name }, 'timed flush failed'));
  }

  // ---- builds ----------------------------------------------------------------------------

  async function beginBuild(projection: Projection, existing: readonly BuildRecord[]): Promise<Lane> {
    const record = buildRecord(projection, nextBuildId(projection, existing), 'building');
    const lane = newLane(projection, record, undefined);
    await ensureTables(projection, lane.tables);
    await books.writeBuild(record);
    log.info({ projection: projection.name, build: record.build }, 'rebuild started');
    return lane;
  }

  /** Starts a building lane's own subscription; `swapped` settles once it serves (or fails). */
  async function runBuilding(lane: Lane): Promise<{ swapped: Promise<void> }> {
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    promise.catch(() => {});
    lane.onSwapped = { resolve, reject, promise };
    buildingLanes.set(lane.projection.name, lane);
    await startGroup([lane], rebuildSource);
    // An empty store, or a build that resumed already complete: nothing will arrive to flush.
    if (lane.checkpoint >= (await headNow())) await withLock(lane, () => onCaughtUp(lane));
    return { swapped: promise };
  }

  /** The building lane caught up: point the views at it, retire and drop the build it replaces. */
  async function swap(lane: Lane): Promise<void> {
    const name = lane.projection.name;
    const previous = serving.get(name)?.record;
    try {
      await pointViews(lane.record, previous);
      lane.record = { ...lane.record, state: 'live', finishedAt: Date.now() };
      await books.writeBuild(lane.record);
      buildingLanes.delete(name);
      serving.set(name, { record: lane.record, checkpoint: lane.checkpoint });
      const old = liveLanes.get(name);
      liveLanes.set(name, lane);
      if (old && old !== lane) await withLock(old, async () => void (old.retired = true));
      if (previous && previous.build !== lane.record.build) {
        await books.writeBuild({ ...previous, state: 'retired', finishedAt: previous.finishedAt ?? Date.now() });
        await dropTables(previous);
      }
    } catch (err) {
      // A restart finds the build still `building` (or two `live`) and finishes the swap.
      lane.failed = err instanceof Error ? err.message : String(err);
      log.error({ err, projection: name, build: lane.record.build }, 'rebuild swap failed');
      lane.onSwapped?.reject(err);
      return;
    }
    log.info({ projection: name, build: lane.record.build, replaced: previous?.build }, 'rebuild swapped in');
    handOver(lane);
    lane.onSwapped?.resolve();
  }

  /**
   * A build made from the rebuild source (the store) goes on from the live source (Kafka) once it
   * serves. It joins the live group at once, and keeps its store subscription until that has
   * delivered every position the live group may already have passed (`maxSeen` now): so no event
   * falls between the two. Meanwhile both feed it, each delivery written as it comes; the overlap's
   * duplicates fold in the fact keys, as redeliveries do.
   */
  function handOver(lane: Lane): void {
    if (rebuildSource === source) return;
    const own = groups.find((g) => g.lanes.includes(lane) && g.source === rebuildSource);
    const live = groups.find((g) => g.source === source);
    if (!own || !live) return;
    lane.unordered = true;
    live.lanes.push(lane);
    own.releaseAt = maxSeen;
  }

  /** Ends a rebuild group's subscription once its handed-over lanes need it no more. */
  function release(group: Group): void {
    group.lanes = group.lanes.filter((l) => !l.unordered);
    if (group.lanes.length > 0) return;
    // Not awaited: this runs inside the subscription's own handler.
    setImmediate(() => {
      void group.handle?.stop().catch((err: unknown) => log.warn({ err }, 'stopping the rebuild subscription failed'));
      // stop() may have emptied `groups` meanwhile; splice(-1) would drop another group.
      const i = groups.indexOf(group);
      if (i >= 0) groups.splice(i, 1);
    });
  }

  async function reconcile(): Promise<{ live: Lane[]; building: Lane[] }> {
    const builds = await books.builds();
    const checkpoints = await books.checkpoints();
    const cp = (b: BuildRecord) => checkpoints.get(`${b.projection}/${b.build}`);
    const live: Lane[] = [];
    const building: Lane[] = [];
    for (const projection of projections) {
      const mine = builds.filter((b) => b.projection === projection.name);
      // A kill between a retirement and its DROP leaves the tables behind; dropping is idempotent.
      for (const b of mine.filter((b) => b.state === 'retired')) await dropTables(b);
      const lives = mine.filter((b) => b.state === 'live');
      // Two live rows only after a crash inside a swap: the newer one had already taken over.
      for (const extra of lives.slice(0, -1)) {
        await books.writeBuild({ ...extra, state: 'retired' });
        await dropTables(extra);
      }
      let current = lives.at(-1);
      let next: BuildRecord | undefined;
      for (const b of mine.filter((b) => b.state === 'building')) {
        if (b.version === projection.version && !next) next = b;
        else {
          await books.writeBuild({ ...b, state: 'retired' });
          await dropTables(b);
        }
      }
      if (!current && next) {
        // Nothing serves yet, so there is nothing to protect: the build serves from now on.
        current = { ...next, state: 'live', finishedAt: Date.now() };
        await books.writeBuild(current);
        next = undefined;
      }
      if (!current && rebuildSource !== source && builds.some((b) => b.state === 'live')) {
        // A projection added to a running deployment: the live source (a Kafka group) is past the
        // start of history, so the first build reads the rebuild source (the store) and is then
        // handed over to the live group.
        building.push(await beginBuild(projection, mine));
        continue;
      }
      if (!current) {
        current = buildRecord(projection, nextBuildId(projection, mine), 'live');
        await books.writeBuild(current);
      }
      if (current.version === projection.version) {
        const lane = newLane(projection, current, cp(current));
        await ensureTables(projection, lane.tables);
        liveLanes.set(projection.name, lane);
        live.push(lane);
      }
      // Also undoes views half-switched by a swap that crashed before it was recorded.
      await pointViews(current);
      serving.set(projection.name, { record: current, checkpoint: cp(current)?.position ?? 0 });
      if (next) {
        const lane = newLane(projection, next, cp(next));
        await ensureTables(projection, lane.tables);
        building.push(lane);
      } else if (current.version !== projection.version) {
        // The code's version changed: the old build keeps serving (frozen) while the new one builds.
        building.push(await beginBuild(projection, mine));
      }
    }
    return { live, building };
  }

  async function stopAll(): Promise<void> {
    running = false;
    stopping.abort();
    if (timer) clearInterval(timer);
    timer = undefined;
    await Promise.all(groups.map((g) => g.handle?.stop()));
  }

  return {
    async start() {
      if (running) return;
      running = true;
      stopping = new AbortController();
      await migrate(olap);
      await headNow();
      const { live, building } = await reconcile();
      timer = setInterval(tick, Math.max(10, Math.floor(flushMs / 4)));
      timer.unref();
      // With a separate rebuild source, the live group runs even with no lane yet: builds hand over to it.
      if (live.length > 0 || rebuildSource !== source) await startGroup(live);
      for (const lane of building) await runBuilding(lane);
      const actual = await storeHead();
      for (const lane of live) checkAhead(lane, actual);
      log.info({ projections: projections.map((p) => `${p.name}@v${p.version}`), head: knownHead }, 'projection runner started');
    },

    async stop() {
      if (!running) return;
      await stopAll();
      for (const group of groups)
        for (const lane of group.lanes)
          await withLock(lane, async () => {
            if (lane.pendingTo <= lane.checkpoint) await flush(lane, lane.seenTo);
          });
      for (const lane of buildingLanes.values()) lane.onSwapped?.reject(new IllegalStateError(`runner stopped before ${lane.projection.name} was rebuilt`));
      groups.length = 0;
      buildingLanes.clear();
      liveLanes.clear();
    },

    async status() {
      const actual = await storeHead();
      const head = await headNow();
      const progress = await contiguousProgress();
      const now = Date.now();
      return projections.map((p): ProjectionStatus => {
        const building = buildingLanes.get(p.name);
        const live = liveLanes.get(p.name);
        const lane = building ?? live;
        const srv = serving.get(p.name);
        const servingCheckpoint = srv && lane && srv.record.build === lane.record.build ? progress(lane) : srv?.checkpoint;
        const servingInfo = srv ? { build: srv.record.build, version: srv.record.version, checkpoint: servingCheckpoint ?? srv.checkpoint } : null;
        if (!lane) return { name: p.name, version: p.version, checkpoint: 0, lagEvents: head, lagSeconds: 0, state: 'catching-up', serving: servingInfo };
        // The serving lane decides: a rebuild in progress repairs it, and says so as `rebuilding`.
        if (!building && live && checkAhead(live, actual))
          return {
            name: p.name,
            version: live.record.version,
            checkpoint: live.checkpoint,
            lagEvents: actual! - live.checkpoint,
            lagSeconds: 0,
            state: 'ahead-of-store',
            serving: servingInfo,
            error: `checkpoint ${live.checkpoint} is ahead of the store head ${actual}; rebuild the projection`,
          };
        const checkpoint = progress(lane);
        const lagEvents = Math.max(0, head - checkpoint);
        const since = lane.lastRecordedAt ?? lane.startedAt;
        const lagSeconds = lagEvents > 0 ? Math.max(0, (now - since) / 1000) : 0;
        const state: ProjectionRunState = lane.failed ? 'failed' : building ? 'rebuilding' : lane.caughtUp || lagEvents === 0 ? 'live' : 'catching-up';
        return {
          name: p.name,
          version: lane.record.version,
          checkpoint,
          lagEvents,
          lagSeconds,
          state,
          serving: servingInfo,
          ...(lane.failed ? { error: lane.failed } : {}),
        };
      });
    },

    async rebuildProjection(name) {
      const projection = projections.find((p) => p.name === name);
      if (!projection) throw new ValidationError(`no projection named ${name}`, [{ field: 'name', reason: 'unknown projection', value: name }]);
      if (!running) throw new IllegalStateError('the projection runner is not started');
      const inProgress = buildingLanes.get(name);
      if (inProgress?.onSwapped) return inProgress.onSwapped.promise;
      const lane = await beginBuild(projection, await books.builds());
      return (await runBuilding(lane)).swapped;
    },

    async waitUntilCaughtUp({ timeoutMs = 30_000, pollMs = 20 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const head = await headNow();
        const progress = await contiguousProgress();
        const failed = [...liveLanes.values(), ...buildingLanes.values()].find((l) => l.failed);
        if (failed) throw new IllegalStateError(`projection ${failed.projection.name} failed: ${failed.failed}`);
        const done = projections.every((p) => {
          const lane = liveLanes.get(p.name);
          return !buildingLanes.has(p.name) && lane && lane.record.version === p.version && progress(lane) >= head;
        });
        if (done) return;
        if (Date.now() > deadline) throw new IllegalStateError(`projections not caught up with position ${head} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
  };
}

function validate(projections: readonly Projection[]): void {
  const names = new Set<string>();
  const tables = new Set<string>();
  for (const p of projections) {
    if (!IDENT.test(p.name)) throw new ValidationError(`projection name ${p.name} must match ${IDENT}`);
    if (names.has(p.name)) throw new ValidationError(`two projections are named ${p.name}`);
    names.add(p.name);
    if (!Number.isInteger(p.version) || p.version < 1) throw new ValidationError(`projection ${p.name}: version must be a positive integer`);
    for (const t of p.tables) {
      if (!IDENT.test(t.name) || BOOKKEEPING.has(t.name)) throw new ValidationError(`projection ${p.name}: table name ${t.name} is not allowed`);
      if (tables.has(t.name)) throw new ValidationError(`table ${t.name} is written by two projections`);
      if (!t.ddl.includes('{table}')) throw new ValidationError(`projection ${p.name}: DDL of ${t.name} has no {table} placeholder`);
      tables.add(t.name);
    }
  }
}
