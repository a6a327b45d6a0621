/**
 * What the runner finds at start: per projection, the build that serves, the one being built,
 * and what a crash left half done (a retirement not dropped, two live builds after a crashed
 * swap, views half switched, a build of an older version), each put right idempotently.
 */
import type { Projection } from '../projection.ts';
import type { Bookkeeping, BuildRecord } from './bookkeeping.ts';
import { buildRecord, newLane, nextBuildId, tablesOf, type Lane } from './lane.ts';
import type { BuildTables } from './tables.ts';
import type { RunnerLog } from './types.ts';

export interface ReconcileOptions {
  books: Bookkeeping;
  tables: BuildTables;
  projections: readonly Projection[];
  log: RunnerLog;
  /**
   * The live source (a Kafka group) is past the start of history: a projection added to a running
   * deployment builds from the rebuild source (the store) first.
   */
  buildsFirstFromStore: boolean;
  /** Starts a new build of a projection (tables created, recorded as `building`). */
  beginBuild(projection: Projection, existing: readonly BuildRecord[]): Promise<Lane>;
}

export interface Reconciled {
  /** Lanes of the builds that serve and match the code's version (they go on live). */
  live: Lane[];
  /** Lanes of builds to build (resumed or new), served only once caught up. */
  building: Lane[];
  /** Per projection, the build the views point at and its checkpoint. */
  serving: Map<string, { record: BuildRecord; checkpoint: number }>;
}

export async function reconcileBuilds(options: ReconcileOptions): Promise<Reconciled> {
  const { books, tables, projections, log, buildsFirstFromStore, beginBuild } = options;
  const builds = await books.builds();
  const checkpoints = await books.checkpoints();
  const cp = (b: BuildRecord) => checkpoints.get(`${b.projection}/${b.build}`);
  const live: Lane[] = [];
  const serving = new Map<string, { record: BuildRecord; checkpoint: number }>();
  const building: Lane[] = [];
  // Builds whose views are pointed at the end, once every new build is recorded.
  const views: BuildRecord[] = [];
  // First builds, recorded together once their tables exist (one insert instead of one per projection).
  const created: BuildRecord[] = [];
  for (const projection of projections) {
    const mine = builds.filter((b) => b.projection === projection.name);
    // A kill between a retirement and its DROP leaves the tables behind; dropping is idempotent.
    for (const b of mine.filter((b) => b.state === 'retired')) await tables.drop(b);
    const lives = mine.filter((b) => b.state === 'live');
    // Two live rows only after a crash inside a swap: the newer one had already taken over.
    for (const extra of lives.slice(0, -1)) {
      await books.writeBuild({ ...extra, state: 'retired' });
      await tables.drop(extra);
    }
    let current = lives.at(-1);
    let next: BuildRecord | undefined;
    for (const b of mine.filter((b) => b.state === 'building')) {
      if (b.version === projection.version && !next) next = b;
      else {
        await books.writeBuild({ ...b, state: 'retired' });
        await tables.drop(b);
      }
    }
    if (!current && next) {
      // Nothing serves yet, so there is nothing to protect: the build serves from now on.
      current = { ...next, state: 'live', finishedAt: Date.now() };
      await books.writeBuild(current);
      next = undefined;
    }
    if (!current && buildsFirstFromStore && builds.some((b) => b.state === 'live')) {
      // A projection added to a running deployment: the live source (a Kafka group) is past the
      // start of history, so the first build reads the rebuild source (the store) and is then
      // handed over to the live group.
      building.push(await beginBuild(projection, mine));
      continue;
    }
    if (!current) {
      current = buildRecord(projection, nextBuildId(projection, mine), 'live');
      // Tables first: a kill between the two then leaves unrecorded empty tables (taken up again by
      // the same build id, or left unused), never a live build without tables, which a start with
      // a bumped version would keep serving and fail to point the views at.
      await tables.ensure(projection, tablesOf(current));
      created.push(current);
    } else if (current.version === projection.version) {
      await tables.ensure(projection, tablesOf(current));
    }
    if (current.version === projection.version) live.push(newLane(projection, current, cp(current), log));
    // Also undoes views half-switched by a swap that crashed before it was recorded.
    views.push(current);
    serving.set(projection.name, { record: current, checkpoint: cp(current)?.position ?? 0 });
    if (next) {
      const lane = newLane(projection, next, cp(next), log);
      await tables.ensure(projection, lane.tables);
      building.push(lane);
    } else if (current.version !== projection.version) {
      // The code's version changed: the old build keeps serving (frozen) while the new one builds.
      building.push(await beginBuild(projection, mine));
    }
  }
  await books.writeBuilds(created);
  for (const record of views) await tables.pointViews(record);
  return { live, building, serving };
}
