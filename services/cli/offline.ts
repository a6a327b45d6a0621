import { PROJECTIONS } from '../../projections/registry.ts';
import { createProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import { storeEventSource } from '../../projections/runner/storeEventSource.ts';
import type { Config } from '../config/config.ts';
import { createEventStore } from '../eventStore/index.ts';
import type { Logger } from '../observability/logger.ts';
import { openOlap } from '../platform/olap.ts';

/**
 * Rebuilds one projection (or, with no name, every projection from one pass over the log) on the
 * data folder while the platform is not running.
 */
export async function rebuildOffline(config: Config, log: Logger, name?: string): Promise<void> {
  if (name !== undefined && !PROJECTIONS.some((p) => p.name === name))
    throw new Error(`unknown projection "${name}"; known: ${PROJECTIONS.map((p) => p.name).join(', ')}`);
  const store = createEventStore(config);
  const olap = await openOlap(config);
  const runner = createProjectionRunner({ olap, source: storeEventSource(store), projections: PROJECTIONS, log: log.child({ name: 'projections' }) });
  try {
    await runner.start();
    const what = name ?? 'every projection';
    log.info(`rebuilding ${what} from position 0`);
    await runner.rebuildProjections(name === undefined ? undefined : [name]);
    log.info(`rebuild of ${what} done: the views now point at the new tables`);
  } finally {
    await runner.stop();
    await olap.close();
    await store.close();
  }
}
