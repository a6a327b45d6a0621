/**
 * Batches of a projection build: events accepted into a lane's open batch, cut by count, timer,
 * "caught up" or a pending intent, projected by the pure `project()`, and written with a
 * checkpoint per batch and dead letters for events whose projection throws.
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
import { ValidationError } from '../../contracts/errors.ts';
import type { RecordedEvent } from '../../contracts/events/index.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import type { Row } from '../projection.ts';
import type { Bookkeeping, DeadLetter } from './bookkeeping.ts';
import { checkpointRecord, emptyBatch, fail, type Lane, type OpenBatch } from './lane.ts';
import type { BuildTables } from './tables.ts';
import type { RunnerLog } from './types.ts';

export interface BatchesOptions {
  olap: OlapClient;
  books: Bookkeeping;
  tables: BuildTables;
  /** Runs a write with the runner's retry policy (transient errors only; ends when the runner stops). */
  retrying<T>(what: string, fn: () => Promise<T>): Promise<T>;
  batchSize: number;
  /** Handled events per batch while the source is far behind (≥ batchSize). */
  catchUpBatchSize?: number;
  log: RunnerLog;
  onDeadLetters?: (letters: readonly DeadLetter[]) => Promise<void>;
  /** A lane's batch is written up to `to`. */
  onCommitted(lane: Lane, to: number): void;
  /** After an ordered flush to `to` (the runner checks whether the lane caught up). */
  afterFlush(lane: Lane, to: number): Promise<void>;
}

export interface Batches {
  /** Writes the open batch (checkpoint, to]. Caller holds the lane's lock. */
  flush(lane: Lane, to: number): Promise<void>;
  /** Accepts one delivered batch of an ordered source into a lane's open batch, flushing where the rules say. */
  accept(lane: Lane, events: readonly RecordedEvent[], caughtUp: boolean): Promise<void>;
  /** Writes one delivered batch of an unordered source before it resolves. */
  acceptUnordered(lane: Lane, events: readonly RecordedEvent[]): Promise<void>;
}

export function createBatches(options: BatchesOptions): Batches {
  const { olap, books, tables, retrying, batchSize, log } = options;
  const catchUpBatchSize = Math.max(batchSize, options.catchUpBatchSize ?? batchSize);

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

  /** Adds a projected part to a lane's open batch (its rows after the ones already there). */
  function addTo(open: OpenBatch, { rows, dead }: Projected): void {
    for (const [logical, list] of rows) {
      const all = open.rows.get(logical);
      if (all) for (const r of list) all.push(r);
      else open.rows.set(logical, list);
    }
    for (const d of dead) open.dead.push(d);
  }

  /** The open batch is written and its checkpoint `to` recorded: the lane (and the serving build) moves on. */
  function committed(lane: Lane, to: number): void {
    lane.checkpoint = to;
    lane.lastRecordedAt = lane.seenRecordedAt;
    lane.open = emptyBatch();
    lane.openedAt = 0;
    options.onCommitted(lane, to);
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
      const folds = await tables.foldsCopies(physical);
      let attempt = 0;
      await retrying('insert', () =>
        olap.insert(`${olap.database}.${physical}`, list, folds && (replay || attempt++ > 0) ? { deduplicate: false } : { dedupToken: token }),
      );
    }
    if (dead.length > 0) {
      await retrying('dead letters', () => books.deadLetters(dead));
      await options.onDeadLetters?.(dead);
    }
  }

  /** Writes the open batch (checkpoint, to]. Caller holds the lane's lock. */
  async function flush(lane: Lane, to: number): Promise<void> {
    const from = lane.checkpoint;
    if (to <= from || lane.failed || lane.retired) return;
    const projected = lane.open;
    // An intent read back at start (not written by this flush): the batch is a replay after a crash.
    const replay = lane.pendingTo === to;
    try {
      if ((projected.rows.size > 0 || projected.dead.length > 0) && lane.pendingTo !== to) {
        await retrying('intent', () => books.writeCheckpoint(checkpointRecord(lane, from, to, lane.lastRecordedAt)));
        lane.pendingTo = to;
      }
      await writeProjected(lane, projected, `${from + 1}-${to}`, replay);
      await retrying('checkpoint', () => books.writeCheckpoint(checkpointRecord(lane, to, 0, lane.seenRecordedAt)));
    } catch (err) {
      fail(lane, err, log, { from, to });
      return;
    }
    lane.pendingTo = 0;
    committed(lane, to);
    await options.afterFlush(lane, to);
  }

  /**
   * Accepts one delivered batch into a lane's open batch, flushing where the rules say. The
   * handled events are projected as they come (per delivery, and before every cut), so the open
   * batch holds rows: the events themselves die young, which spares the collector most of its
   * work while far behind.
   */
  async function accept(lane: Lane, events: readonly RecordedEvent[], caughtUp: boolean): Promise<void> {
    // Far behind, batches grow: fewer, bigger blocks and checkpoint rows (a caught-up lane still
    // flushes at once, for freshness).
    const limit = caughtUp ? batchSize : catchUpBatchSize;
    // recordedAt of the last accepted event, parsed only where a flush needs it.
    let unparsed: RecordedEvent | undefined;
    const noteSeen = (): void => {
      if (unparsed) lane.seenRecordedAt = Date.parse(unparsed.recordedAt);
      unparsed = undefined;
    };
    // Handled events accepted since the open batch was last projected.
    let segment: RecordedEvent[] = [];
    const projectSegment = (): void => {
      if (segment.length === 0) return;
      addTo(lane.open, projectBatch(lane, segment));
      segment = [];
    };
    for (const event of events) {
      if (lane.failed || lane.retired) break;
      if (event.position <= lane.seenTo) continue; // redelivered
      // A pending intent fixes this batch's end: cut exactly there, whatever else would apply.
      if (lane.pendingTo > lane.checkpoint && event.position > lane.pendingTo) {
        noteSeen();
        projectSegment();
        await flush(lane, lane.pendingTo);
      }
      if (lane.openedAt === 0) lane.openedAt = Date.now();
      lane.seenTo = event.position;
      unparsed = event;
      if (lane.handles.has(event.type)) {
        segment.push(event);
        lane.open.handled += 1;
      }
      if (lane.pendingTo > lane.checkpoint) {
        if (event.position === lane.pendingTo) {
          noteSeen();
          projectSegment();
          await flush(lane, lane.pendingTo);
        }
      } else if (lane.open.handled >= limit && lane.open.handled >= lane.open.cutAt) {
        projectSegment();
        if (lane.open.rows.size > 0 || lane.open.dead.length > 0) {
          noteSeen();
          await flush(lane, lane.seenTo);
        } else {
          // Nothing to write but the checkpoint (a projection that handles every type and keeps
          // few): the batch goes on, written by the timer, a later count or catching up.
          lane.open.cutAt = lane.open.handled + limit;
        }
      }
    }
    noteSeen();
    projectSegment();
    if (lane.failed || lane.retired) return;
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
    const handled: RecordedEvent[] = [];
    for (const event of events) {
      if (lane.handles.has(event.type)) handled.push(event);
      if (event.position > top) {
        top = event.position;
        topRecordedAt = Date.parse(event.recordedAt);
      }
    }
    lane.seenTo = top;
    lane.seenRecordedAt = topRecordedAt;
    lane.caughtUp = true;
    const digest = createHash('sha1')
      .update(handled.map((e) => e.eventId).sort().join(','))
      .digest('hex');
    // A lane turns unordered right after a flush (handOver), so its ordered batch is empty here.
    addTo(lane.open, projectBatch(lane, handled));
    try {
      await writeProjected(lane, lane.open, `u${digest}`);
      if (top > lane.checkpoint) await retrying('checkpoint', () => books.writeCheckpoint(checkpointRecord(lane, top, 0, topRecordedAt)));
    } catch (err) {
      fail(lane, err, log);
      // Rethrown so the source does not commit offsets past rows that were not written.
      throw err;
    }
    committed(lane, Math.max(lane.checkpoint, top));
  }

  return { flush, accept, acceptUnordered };
}
