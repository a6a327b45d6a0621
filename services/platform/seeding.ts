/**
 * Sample data of a fresh platform: the seeded history (an empty store, or a seeding a crash
 * interrupted), the sample departments' explanations of flagged records, and the live trickle.
 */
import path from 'node:path';
import type { EventStore } from '../../contracts/ports.ts';
import type { ProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import type { Config } from '../config/config.ts';
import type { IngestService } from '../ingest/ingestService.ts';
import type { MonitoringRoot } from '../monitoringRoot.ts';
import type { Logger } from '../observability/logger.ts';
import { runSeed } from '../seed/runSeed.ts';
import { fileSampleExplanations } from '../seed/sampleExplanations.ts';
import { startTrickle, type Trickle } from '../seed/trickle.ts';
import { readSeedState, writeSeedState } from './seedState.ts';

export interface SeedingOptions {
  config: Config;
  log: Logger;
  ingest: IngestService;
  store: EventStore;
  /** Seed sample history into an empty store (or resume an interrupted seeding). */
  seed: boolean;
  /** Keep a slow live trickle of sample records once seeding is done. */
  trickle: boolean;
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Where they run: the sample explanations wait for the projections and read the data-quality board. */
  monitoring?: MonitoringRoot | undefined;
  runner?: ProjectionRunner | undefined;
}

export interface Seeding {
  /** Resolves when seeding has finished (immediately when there is nothing to seed); never rejects. */
  seeded: Promise<void>;
  /** Stops the trickle and the sample explanations. */
  stop(): Promise<void>;
}

export function startSeeding(options: SeedingOptions): Seeding {
  const { config, log, ingest, store } = options;
  let trickle: Trickle | undefined;
  let stopped = false;
  const seeded = (async () => {
    // Seed an empty store, or finish a seeding that a crash interrupted (re-sending is safe:
    // what already landed comes back as duplicates). A store with real data is never seeded.
    const marker = path.join(config.DATA_DIR, 'seed-state.json');
    const previous = readSeedState(marker);
    const interrupted = previous?.state === 'running';
    if (options.seed && (interrupted || (await store.head()).position === 0)) {
      if (interrupted) log.warn('the last seeding was interrupted: resuming it');
      // A resumed seeding sends the same history again (its size as first chosen), so what
      // already landed comes back as duplicates and nothing is seeded twice.
      const enterprises = (interrupted ? previous.enterprises : undefined) ?? config.SEED_ENTERPRISES;
      writeSeedState(marker, { state: 'running', since: new Date().toISOString(), enterprises });
      const summary = await runSeed({ ingest, log, history: { enterprises }, onProgress: options.onProgress });
      writeSeedState(marker, { state: 'complete', at: new Date().toISOString(), enterprises, ...summary });
      // The sample departments explain some of the records filing review flagged (填报说明).
      // Part of the monitoring sample: WARNINGS=false leaves the store to the departments' records.
      const m = options.monitoring;
      const live = options.runner;
      if (m && live && config.WARNINGS) {
        void fileSampleExplanations({
          caughtUp: async () => {
            const head = (await store.head()).position;
            return (await live.status()).every((st) => st.state === 'live' && st.checkpoint >= head);
          },
          awaiting: async () => {
            const board = await m.queries.dataQuality({ rules: (await m.rules.current()).rules });
            return board.units.flatMap((u) => u.awaitingExplanation.map((a) => ({ eventId: a.eventId, unit: u.unit, flags: a.flags })));
          },
          file: (body, actor) => m.api.explanations.file(body, actor),
          stopped: () => stopped,
        })
          .then((n) => log.info(`sample data: ${n} flagged records explained (填报说明)`))
          .catch((err: unknown) => log.warn({ err }, 'sample explanations failed'));
      }
    }
    if (options.trickle && !stopped) {
      trickle = startTrickle({ ingest: (records) => ingest.ingest(records, { actor: 'system:trickle' }) });
      log.info('live trickle of sample records started (--no-trickle turns it off)');
    }
  })().catch((err: unknown) => log.error({ err }, 'seeding failed'));
  return {
    seeded,
    async stop() {
      stopped = true;
      await trickle?.stop();
    },
  };
}
