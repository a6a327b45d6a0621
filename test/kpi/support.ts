import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DomainEvent, RecordedEvent } from '../../contracts/events/index.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import { FACT_PROJECTIONS } from '../../projections/facts/index.ts';
import { createProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import { storeEventSource } from '../../projections/runner/storeEventSource.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';

/**
 * The fact tables under their logical names, filled straight from `project()` (no runner, no
 * views): the quickest way to put a handful of events in front of the KPI queries.
 */
export async function loadFactsDirect(olap: OlapClient, events: readonly RecordedEvent[]): Promise<void> {
  for (const p of FACT_PROJECTIONS) {
    for (const t of p.tables) await olap.command(t.ddl.replaceAll('{table}', t.name));
    const handled = new Set<string>(p.handles);
    const rows = p.project(events.filter((e) => handled.has(e.type)));
    for (const [table, list] of Object.entries(rows)) await olap.insert(table, list);
  }
}

/**
 * The real path: the events appended to a real SQLite store, projected by the real runner into
 * versioned tables behind the stable views the KPI queries read.
 */
export async function loadFactsWithRunner(olap: OlapClient, events: readonly RecordedEvent[], options: { batchSize?: number } = {}): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brain-kpi-'));
  const store = createSqliteEventStore({ path: path.join(dir, 'store.sqlite'), synchronous: 'NORMAL' });
  try {
    for (const e of events) {
      const { position: _p, streamVersion: _v, ...event } = e;
      // Rest of a discriminated union loses the discriminant in TS; the value is the stored event minus its positions.
      await store.append(e.streamId, [event as DomainEvent]);
    }
    const runner = createProjectionRunner({
      olap,
      source: storeEventSource(store, { maxBatch: 500 }),
      projections: FACT_PROJECTIONS,
      batchSize: options.batchSize ?? 500,
      flushMs: 20,
    });
    await runner.start();
    await runner.waitUntilCaughtUp();
    await runner.stop();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
