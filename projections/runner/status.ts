/**
 * The status lines of a running runner (GET /api/v1/status `projections`): per projection, the
 * lane that decides (a rebuild in progress, else the live one), its contiguous progress, lag and
 * state, and the build the views serve.
 */
import type { Projection } from '../projection.ts';
import type { BuildRecord } from './bookkeeping.ts';
import type { Lane } from './lane.ts';
import type { ProjectionRunState, ProjectionStatus } from './types.ts';

export interface RunnerView {
  projections: readonly Projection[];
  building: ReadonlyMap<string, Lane>;
  live: ReadonlyMap<string, Lane>;
  serving: ReadonlyMap<string, { record: BuildRecord; checkpoint: number }>;
  /** The highest position known to exist (store head, or the highest seen). */
  head: number;
  /** The store's own head, when the sources can tell. */
  storeHead: number | undefined;
  /** Where a lane has written every event up to (see the runner's contiguousProgress). */
  progress(lane: Lane): number;
  /** True when the lane's checkpoint is past the store head (logged once by the runner). */
  isAhead(lane: Lane, storeHead: number | undefined): boolean;
  now: number;
}

export function statusLines(view: RunnerView): ProjectionStatus[] {
  const { head, storeHead: actual, progress, now } = view;
  return view.projections.map((p): ProjectionStatus => {
    const building = view.building.get(p.name);
    const live = view.live.get(p.name);
    const lane = building ?? live;
    const srv = view.serving.get(p.name);
    const servingCheckpoint = srv && lane && srv.record.build === lane.record.build ? progress(lane) : srv?.checkpoint;
    const servingInfo = srv ? { build: srv.record.build, version: srv.record.version, checkpoint: servingCheckpoint ?? srv.checkpoint } : null;
    if (!lane) return { name: p.name, version: p.version, checkpoint: 0, lagEvents: head, lagSeconds: 0, state: 'catching-up', serving: servingInfo };
    // The serving lane decides: a rebuild in progress repairs it, and says so as `rebuilding`.
    if (!building && live && view.isAhead(live, actual))
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
}
