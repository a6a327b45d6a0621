import type { OlapClient } from '../../contracts/ports.ts';
import type { Projection } from '../projection.ts';
import { createBookkeeping } from './bookkeeping.ts';
import type { ProjectionStatus } from './projectionRunner.ts';

/**
 * Projection status read from the bookkeeping tables, for a process that runs no projections
 * itself (the API process of the distributed mode): the serving build of each projection and
 * its checkpoint, against the store head.
 */
export async function readProjectionStatus(olap: OlapClient, projections: readonly Projection[], head: number, now = Date.now()): Promise<ProjectionStatus[]> {
  const books = createBookkeeping(olap);
  const [builds, checkpoints] = await Promise.all([books.builds().catch(() => []), books.checkpoints().catch(() => new Map())]);
  return projections.map((p): ProjectionStatus => {
    const mine = builds.filter((b) => b.projection === p.name);
    const live = mine.filter((b) => b.state === 'live').at(-1);
    const building = mine.find((b) => b.state === 'building');
    const cp = live ? checkpoints.get(`${p.name}/${live.build}`) : undefined;
    const checkpoint = cp?.position ?? 0;
    // A checkpoint past the head: the store lost events the projection had seen (see ProjectionRunState).
    const ahead = !building && checkpoint > head;
    const lagEvents = ahead ? head - checkpoint : Math.max(0, head - checkpoint);
    const lagSeconds = lagEvents > 0 && cp?.lastRecordedAt ? Math.max(0, (now - cp.lastRecordedAt) / 1000) : 0;
    return {
      name: p.name,
      version: live?.version ?? p.version,
      checkpoint,
      lagEvents,
      lagSeconds: ahead ? 0 : lagSeconds,
      state: building ? 'rebuilding' : ahead ? 'ahead-of-store' : lagEvents === 0 ? 'live' : 'catching-up',
      serving: live ? { build: live.build, version: live.version, checkpoint } : null,
      ...(ahead ? { error: `checkpoint ${checkpoint} is ahead of the store head ${head}; rebuild the projection` } : {}),
    };
  });
}
