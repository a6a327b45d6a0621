/**
 * Projection throughput into chDB: a catch-up pass over N stored events (events/s, the runner's
 * start included) and a rebuild of every projection over the same N through `rebuildProjections`
 * (one pass over the log feeding every new build) while the old tables keep serving (seconds).
 * Run alone: `npx tsx bench/projectionBench.ts [N] [test|facts]`; the bench runner calls benchProjection().
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OlapClient } from '../contracts/ports.ts';
import type { Projection } from '../projections/projection.ts';
import { createProjectionRunner } from '../projections/runner/projectionRunner.ts';
import { storeEventSource } from '../projections/runner/storeEventSource.ts';
import { createSqliteEventStore } from '../services/eventStore/sqliteEventStore.ts';
import { createOlapClient } from '../services/olap/client.ts';
import { fixtureEvents, testProjection, type FixtureSpec } from '../test/fixtures/projections/testProjection.ts';

export interface ProjectionBenchOptions {
  /** Events in the store (default 200,000). */
  events?: number;
  /** `test`: the runner's fixture projection (one row per handled event, 2 tables); `facts`: the registry's. */
  projections?: 'test' | 'facts';
  /** A client to use; by default one on a temporary chDB directory (one chDB path per process). */
  olap?: OlapClient;
  /** The runner's batch size (default: the runner's own defaults, bigger batches while catching up). */
  batchSize?: number;
}

function spec(i: number): FixtureSpec {
  switch (i % 4) {
    case 0:
      return { kind: 'voucher', amount: (i % 9973) / 10 };
    case 1:
      return { kind: 'meeting', meeting: i % 5000, body: i % 3 === 0 ? '科创委' : '科创办' };
    case 2:
      return { kind: 'milestone', task: (i % 18) + 1 };
    default:
      return { kind: 'statistic', value: i };
  }
}

async function loadProjections(kind: 'test' | 'facts'): Promise<Projection[]> {
  if (kind === 'test') return [testProjection()];
  const { PROJECTIONS } = await import('../projections/registry.ts');
  return PROJECTIONS;
}

export async function benchProjection(options: ProjectionBenchOptions = {}): Promise<Record<string, number>> {
  const n = options.events ?? 200_000;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brain-bench-projection-'));
  const olap = options.olap ?? (await createOlapClient({ kind: 'chdb', path: path.join(dir, 'chdb'), database: 'bench' }));
  const store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
  try {
    for (let i = 0; i < n; i += 5_000) {
      const events = fixtureEvents(Array.from({ length: Math.min(5_000, n - i) }, (_, k) => spec(i + k)));
      await store.appendMany(events.map((e) => ({ streamId: e.streamId, events: [e] })));
    }
    const projections = await loadProjections(options.projections ?? 'test');
    const runner = createProjectionRunner({
      olap,
      source: storeEventSource(store),
      projections,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    });

    let t = performance.now();
    await runner.start();
    const startS = (performance.now() - t) / 1000;
    await runner.waitUntilCaughtUp({ timeoutMs: 30 * 60_000, pollMs: 20 });
    const catchUpS = (performance.now() - t) / 1000;

    t = performance.now();
    await runner.rebuildProjections(projections.map((p) => p.name));
    const rebuildS = (performance.now() - t) / 1000;
    await runner.stop();

    return {
      projection_events: n,
      projection_start_s: Number(startS.toFixed(2)),
      projection_catch_up_events_per_s: Math.round(n / catchUpS),
      projection_full_rebuild_s: Number(rebuildS.toFixed(2)),
      projection_rebuild_events_per_s: Math.round(n / rebuildS),
    };
  } finally {
    await store.close();
    if (!options.olap) await olap.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const events = process.argv[2] ? Number(process.argv[2]) : undefined;
  const projections = process.argv[3] === 'facts' ? 'facts' : 'test';
  console.log(JSON.stringify(await benchProjection({ events, projections }), null, 2));
}
