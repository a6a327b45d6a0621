/**
 * The projection runner: events from an EventSource → pure `project()` → rows in the physical
 * tables of each projection build, with a checkpoint per build, stable views, dead letters and
 * rebuilds without downtime.
 *
 * Put together here: the subscriptions (groups of lanes per source), the build lifecycle
 * (reconcile at start, rebuild, swap, hand-over to the live source) and the runner's surface.
 * Batches and the exactly-once argument: batches.ts. Lanes: lane.ts. Physical tables and stable
 * views: tables.ts. Status lines: status.ts. Public shapes: types.ts.
 */
import { IllegalStateError, ValidationError } from '../../contracts/errors.ts';
import { POLICIES, withRetry as retrying } from '../../contracts/retry.ts';
import { migrate } from '../migrations/migrate.ts';
import type { Projection } from '../projection.ts';
import { createBatches } from './batches.ts';
import { createBookkeeping, type BuildRecord } from './bookkeeping.ts';
import { reconcileBuilds } from './builds.ts';
import { buildRecord, newLane, nextBuildId, withLock, type Group, type Lane } from './lane.ts';
import { statusLines } from './status.ts';
import { buildTables } from './tables.ts';
import { SILENT, type ProjectionRunner, type ProjectionRunnerOptions } from './types.ts';

export type { ProjectionRunner, ProjectionRunnerOptions, ProjectionRunState, ProjectionStatus, RunnerLog } from './types.ts';

const BOOKKEEPING = new Set(['schema_migrations', 'projection_checkpoints', 'projection_state', 'projection_dead_letters']);
const IDENT = /^[a-z][a-z0-9_]{0,62}$/;
/** Handled events per batch while far behind, when no batch size is given (see batches.ts). */
const CATCH_UP_BATCH = 20_000;
/** Deliveries an ordered group's lanes may still be handling while its source reads on. */
const PIPELINE = 8;
/** Creates a runner; nothing happens until `start()`. */
export function createProjectionRunner(options: ProjectionRunnerOptions): ProjectionRunner {
  const { olap, source, projections } = options;
  const rebuildSource = options.rebuildSource ?? source;
  const batchSize = options.batchSize ?? 5_000;
  // An explicit batch size (tests cut batches small on purpose) holds while catching up too.
  const catchUpBatchSize = options.catchUpBatchSize ?? (options.batchSize === undefined ? CATCH_UP_BATCH : batchSize);
  const flushMs = options.flushMs ?? 1_000;
  const retry = options.retry ?? POLICIES.OLAP_WRITES;
  const log = options.log ?? SILENT;
  const books = createBookkeeping(olap);

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

  const tables = buildTables(olap, withRetry);
  const batches = createBatches({
    olap,
    books,
    tables,
    retrying: withRetry,
    batchSize,
    catchUpBatchSize,
    log,
    ...(options.onDeadLetters ? { onDeadLetters: options.onDeadLetters } : {}),
    onCommitted(lane, to) {
      const srv = serving.get(lane.projection.name);
      if (srv && srv.record.build === lane.record.build) srv.checkpoint = to;
    },
    async afterFlush(lane, to) {
      if (to >= Math.max(knownHead, maxSeen)) await onCaughtUp(lane);
    },
  });
  const { flush, accept, acceptUnordered } = batches;

  async function onCaughtUp(lane: Lane): Promise<void> {
    if (source.head && lane.checkpoint < (await headNow())) return;
    lane.caughtUp = true;
    if (buildingLanes.get(lane.projection.name) === lane) await swap(lane);
  }

  async function startGroup(lanes: Lane[], from = source): Promise<Group> {
    const group: Group = { lanes, source: from, deliveredTo: 0, inFlight: [] };
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
      const lanes = [...group.lanes];
      const settle = (): void => {
        group.deliveredTo = Math.max(group.deliveredTo, last);
        if (group.releaseAt !== undefined && group.deliveredTo >= group.releaseAt) release(group);
      };
      // A lane handed over to an unordered source needs each delivery written before the next.
      if (lanes.some((l) => l.unordered)) {
        await Promise.all(group.inFlight.splice(0));
        for (const lane of lanes) await withLock(lane, () => (lane.unordered ? acceptUnordered(lane, events) : accept(lane, events, caughtUp)));
        settle();
        return;
      }
      // Pipelined: this delivery waits on each lane's lock while the source reads the next ones, so
      // reading and projecting overlap the engine's inserts. At most PIPELINE deliveries are in
      // the lanes' hands; the oldest must be done before this handler returns.
      const done = Promise.all(lanes.map((lane) => withLock(lane, () => (lane.unordered ? acceptUnordered(lane, events) : accept(lane, events, caughtUp))))).then(settle);
      done.catch((err: unknown) => {
        if (!running) return;
        log.error({ err }, 'projecting a delivered batch failed; its projections stop until restarted');
        for (const lane of lanes) lane.failed ??= err instanceof Error ? err.message : String(err);
      });
      group.inFlight.push(done);
      if (group.inFlight.length > PIPELINE) await group.inFlight.shift();
      // A turn of the event loop before the next read: without it a source that reads
      // synchronously (the store) runs on in microtasks, and the engine's finished inserts wait
      // unseen (the engine idle) until the pipeline is full.
      else await new Promise<void>((resolve) => setImmediate(resolve));
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
    const lane = newLane(projection, record, undefined, log);
    await tables.ensure(projection, lane.tables);
    await books.writeBuild(record);
    log.info({ projection: projection.name, build: record.build }, 'rebuild started');
    return lane;
  }

  /**
   * Starts one subscription of the rebuild source feeding every given building lane (one pass over
   * the log for all of them); each `swapped` settles once that lane serves (or fails).
   */
  async function runBuilding(lanes: readonly Lane[]): Promise<Promise<void>[]> {
    const swapped = lanes.map((lane) => {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      promise.catch(() => {});
      lane.onSwapped = { resolve, reject, promise };
      buildingLanes.set(lane.projection.name, lane);
      return promise;
    });
    if (lanes.length === 0) return swapped;
    await startGroup([...lanes], rebuildSource);
    // An empty store, or a build that resumed already complete: nothing will arrive to flush.
    const head = await headNow();
    for (const lane of lanes) if (lane.checkpoint >= head) await withLock(lane, () => onCaughtUp(lane));
    return swapped;
  }

  /** The building lane caught up: point the views at it, retire and drop the build it replaces. */
  async function swap(lane: Lane): Promise<void> {
    const name = lane.projection.name;
    const previous = serving.get(name)?.record;
    try {
      await tables.pointViews(lane.record, previous);
      lane.record = { ...lane.record, state: 'live', finishedAt: Date.now() };
      await books.writeBuild(lane.record);
      buildingLanes.delete(name);
      serving.set(name, { record: lane.record, checkpoint: lane.checkpoint });
      const old = liveLanes.get(name);
      liveLanes.set(name, lane);
      if (old && old !== lane) await withLock(old, async () => void (old.retired = true));
      if (previous && previous.build !== lane.record.build) {
        await books.writeBuild({ ...previous, state: 'retired', finishedAt: previous.finishedAt ?? Date.now() });
        await tables.drop(previous);
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
    const found = await reconcileBuilds({ books, tables, projections, log, buildsFirstFromStore: rebuildSource !== source, beginBuild });
    for (const lane of found.live) liveLanes.set(lane.projection.name, lane);
    for (const [name, s] of found.serving) serving.set(name, s);
    return found;
  }

  async function rebuildProjections(names: readonly string[] = projections.map((p) => p.name)): Promise<void> {
    const wanted = [...new Set(names)].map((name) => {
      const projection = projections.find((p) => p.name === name);
      if (!projection) throw new ValidationError(`no projection named ${name}`, [{ field: 'name', reason: 'unknown projection', value: name }]);
      return projection;
    });
    if (!running) throw new IllegalStateError('the projection runner is not started');
    const waits: Promise<void>[] = [];
    const fresh: Lane[] = [];
    const existing = await books.builds();
    for (const projection of wanted) {
      const inProgress = buildingLanes.get(projection.name);
      if (inProgress?.onSwapped) waits.push(inProgress.onSwapped.promise);
      else fresh.push(await beginBuild(projection, existing));
    }
    waits.push(...(await runBuilding(fresh)));
    await Promise.all(waits);
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
      await runBuilding(building);
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
      return statusLines({
        projections,
        building: buildingLanes,
        live: liveLanes,
        serving,
        head,
        storeHead: actual,
        progress,
        isAhead: checkAhead,
        now: Date.now(),
      });
    },

    rebuildProjection: (name) => rebuildProjections([name]),
    rebuildProjections,

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
