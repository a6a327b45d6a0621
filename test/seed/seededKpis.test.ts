/**
 * Every KPI of the catalog is computed and has a value on the sample history: the history is fed
 * through the real ingest service into a real SQLite store, projected by the real runner into
 * chDB, and each KPI is asked for its series over the history's last full year.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KPI_CATALOG } from '../../contracts/kpis.ts';
import type { EventStore, OlapClient } from '../../contracts/ports.ts';
import { FACT_PROJECTIONS } from '../../projections/facts/index.ts';
import { KPI_IMPLS } from '../../projections/kpi/definitions.ts';
import { createKpiQueries } from '../../projections/kpi/queries.ts';
import { createProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import { storeEventSource } from '../../projections/runner/storeEventSource.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { createIngestService } from '../../services/ingest/ingestService.ts';
import { runSeed, type SeedSummary } from '../../services/seed/runSeed.ts';
import { freshOlap } from '../support/olap.ts';

// A small area keeps the test quick; every phase of the history runs as in the full seed.
const HISTORY = { seed: 7, enterprises: 300, to: '2025-03-31' };
/** The ten P2 KPIs computed last: each must show activity on the sample, not just a zero. */
const NEW_P2 = ['decision_closure_rate', 'academic_sites', 'key_tech_projects', 'innovation_consortia', 'transfer_carriers', 'tech_brokers', 'tech_credit', 'digital_infra', 'brain_onboarding', 'innovation_events'];

let dir: string;
let store: EventStore;
let olap: OlapClient;
let seeded: SeedSummary;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'seeded-kpis-'));
  store = createSqliteEventStore({ path: path.join(dir, 'events.db'), synchronous: 'NORMAL' });
  seeded = await runSeed({ ingest: createIngestService({ store, personSalt: 'seeded-kpis' }), history: HISTORY });
  olap = await freshOlap('seeded');
  const runner = createProjectionRunner({ olap, source: storeEventSource(store, { maxBatch: 2_000 }), projections: FACT_PROJECTIONS, batchSize: 2_000, flushMs: 20 });
  await runner.start();
  await runner.waitUntilCaughtUp();
  await runner.stop();
}, 300_000);

afterAll(async () => {
  await olap?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('when the sample history is projected', () => {
  it('accepts every sample record, the P2 ones included', () => {
    expect(seeded.rejected).toBe(0);
    expect(seeded.accepted).toBe(seeded.total);
  });

  it('gives every KPI of the catalog a computed value for 2024, and the ten P2 KPIs computed last a non-zero one', async () => {
    const kpi = createKpiQueries(olap);
    const missing: string[] = [];
    const zero: string[] = [];
    for (const k of KPI_CATALOG) {
      expect(KPI_IMPLS[k.id], k.id).toBeDefined();
      const [point] = await kpi.series(k.id, { from: '2024', to: '2024', grain: 'year' });
      if (point?.value === null || point?.value === undefined) missing.push(k.id);
      else if (NEW_P2.includes(k.id) && point.value === 0) zero.push(k.id);
    }
    expect(missing).toEqual([]);
    expect(zero).toEqual([]);
  }, 300_000);
});
