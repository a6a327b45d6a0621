/**
 * The projection runner's public shapes: its options, its status lines, the runner itself.
 * The runner is put together in projectionRunner.ts from lanes (lane.ts), batches (batches.ts),
 * builds found at start (builds.ts), physical tables and views (tables.ts) and status (status.ts).
 */
import type { EventSource, OlapClient } from '../../contracts/ports.ts';
import type { RetryPolicy } from '../../contracts/retry.ts';
import type { Projection } from '../projection.ts';
import type { DeadLetter } from './bookkeeping.ts';

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
  /**
   * Handled events per batch while the source is far behind (default 20,000; when `batchSize` is
   * given and this is not, `batchSize`). Fewer, bigger blocks and checkpoint rows while catching up.
   */
  catchUpBatchSize?: number;
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
  /**
   * Rebuilds several projections (default: all) as `rebuildProjection` does, fed by one pass over
   * the log; each swaps in as soon as it has caught up. Resolves once all are swapped.
   */
  rebuildProjections(names?: readonly string[]): Promise<void>;
  /** Resolves when every projection serves its code version with nothing left to project. */
  waitUntilCaughtUp(options?: { timeoutMs?: number; pollMs?: number }): Promise<void>;
}

export const SILENT: RunnerLog = { info() {}, warn() {}, error() {} };
