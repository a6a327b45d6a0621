/**
 * A lane is one projection build being written: its tables, its checkpoint, its open batch. A
 * group is one subscription to an event source feeding some lanes.
 */
import PQueue from 'p-queue';
import type { EventSource } from '../../contracts/ports.ts';
import type { Projection, Row } from '../projection.ts';
import type { BuildRecord, CheckpointRecord, DeadLetter } from './bookkeeping.ts';
import type { RunnerLog } from './types.ts';

export interface Lane {
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
  /** The open batch (checkpoint, seenTo], already projected (see batches.ts). */
  open: OpenBatch;
  /** When the open batch got its first position (0: no open batch). */
  openedAt: number;
  startedAt: number;
  caughtUp: boolean;
  failed: string | null;
  retired: boolean;
  /** Handed over to an unordered live source: every delivery is written as it comes (see handOver). */
  unordered?: boolean;
  /** One thing at a time per lane (accepting, flushing, swapping). */
  lock: PQueue;
  /** Set on a rebuild lane: called once it serves. */
  onSwapped?: { resolve(): void; reject(err: unknown): void; promise: Promise<void> };
}

/**
 * An open batch, projected as its events arrive: the rows per logical table and the dead letters
 * of its handled events, so a lane holds rows, not the events behind them, until the batch is
 * written. The same rows as projecting the whole batch at once: `project` must not depend on
 * where batches are cut (batches.ts).
 */
export interface OpenBatch {
  rows: Map<string, Row[]>;
  dead: DeadLetter[];
  /** Handled events in the batch (what a count cut counts). */
  handled: number;
  /** `handled` at which a count cut is next considered (one that would write no row is put off, see batches.ts). */
  cutAt: number;
}

export function emptyBatch(): OpenBatch {
  return { rows: new Map(), dead: [], handled: 0, cutAt: 0 };
}

export interface Group {
  lanes: Lane[];
  source: EventSource & { head?(): Promise<number> };
  handle?: { stop(): Promise<void>; done: Promise<void> };
  /** Set on a rebuild group whose lane was handed over: it runs until it has delivered this position. */
  releaseAt?: number;
  /** Highest position whose batch this (ordered) group has handled. */
  deliveredTo: number;
  /** Deliveries still being handled by the lanes, oldest first (ordered groups pipeline a few). */
  inFlight: Promise<void>[];
}

/** A build's tables: logical name → physical name. */
export function tablesOf(record: BuildRecord): Map<string, string> {
  return new Map(record.logicalTables.map((l, i) => [l, record.physicalTables[i]!]));
}

/** A lane for a build, resuming from its checkpoint (and the batch intent a crash left, if any). */
export function newLane(projection: Projection, record: BuildRecord, cp: CheckpointRecord | undefined, log: RunnerLog): Lane {
  const checkpoint = cp?.position ?? 0;
  if (cp && cp.pendingTo > cp.position)
    log.info({ projection: projection.name, build: record.build, from: cp.position, to: cp.pendingTo }, 'resuming an interrupted batch: re-forming it exactly');
  return {
    projection,
    handles: new Set(projection.handles),
    record,
    tables: tablesOf(record),
    checkpoint,
    pendingTo: cp && cp.pendingTo > cp.position ? cp.pendingTo : 0,
    lastRecordedAt: cp?.lastRecordedAt ?? null,
    seenTo: checkpoint,
    seenRecordedAt: cp?.lastRecordedAt ?? null,
    open: emptyBatch(),
    openedAt: 0,
    startedAt: Date.now(),
    caughtUp: false,
    failed: null,
    retired: false,
    lock: new PQueue({ concurrency: 1 }),
  };
}

export function buildRecord(projection: Projection, build: string, state: 'building' | 'live'): BuildRecord {
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
export function nextBuildId(projection: Projection, existing: readonly BuildRecord[]): string {
  const base = `v${projection.version}`;
  const used = existing.filter((b) => b.projection === projection.name && b.version === projection.version).map((b) => b.build);
  if (!used.includes(base)) return base;
  const n = Math.max(0, ...used.map((b) => Number(/_r(\d+)$/.exec(b)?.[1] ?? 0)));
  return `${base}_r${n + 1}`;
}

export function checkpointRecord(lane: Lane, position: number, pendingTo: number, lastRecordedAt: number | null): CheckpointRecord {
  return {
    projection: lane.projection.name,
    build: lane.record.build,
    version: lane.record.version,
    position,
    pendingTo,
    lastRecordedAt,
  };
}

/** Runs `fn` after whatever the lane is doing: one thing at a time per lane (a failure does not block the next). */
export function withLock<T>(lane: Lane, fn: () => Promise<T>): Promise<T> {
  return lane.lock.add(fn, { throwOnTimeout: true });
}

/** Marks a lane failed: it stops until the runner restarts. */
export function fail(lane: Lane, err: unknown, log: RunnerLog, context: object = {}): void {
  lane.failed = err instanceof Error ? err.message : String(err);
  log.error({ err, projection: lane.projection.name, build: lane.record.build, ...context }, 'projection failed; it stops here until restarted');
}
