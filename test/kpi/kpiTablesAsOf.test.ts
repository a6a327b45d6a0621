/**
 * The KPI tables and the fact tables agree "as known at" any instant. The hand fixture's events
 * (a correction and a restated statistic among them) arrive in chunks in record-time order; after
 * each chunk the real runner projects them and the materializer runs on the day they were
 * recorded. Then, for random instants, KPIs, grains and period ranges, a read through the KPI
 * tables equals the computation from the fact tables; the tables answer every instant they cover.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../contracts/dates.ts';
import type { DomainEvent, RecordedEvent } from '../../contracts/events/index.ts';
import { KPI_CATALOG, type Grain } from '../../contracts/kpis.ts';
import type { EventStore, OlapClient } from '../../contracts/ports.ts';
import { FACT_PROJECTIONS } from '../../projections/facts/index.ts';
import { KPI_IMPLS } from '../../projections/kpi/definitions.ts';
import { createKpiQueries, type KpiQueries } from '../../projections/kpi/queries.ts';
import { createKpiMaterializer, createKpiTableSource, type KpiTableSource } from '../../projections/kpiTables/index.ts';
import { createProjectionRunner, type ProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import { storeEventSource } from '../../projections/runner/storeEventSource.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { HAND_EVENTS } from '../fixtures/kpi/handFixture.ts';
import { freshOlap, sameDatabase } from '../support/olap.ts';

let dir: string;
let store: EventStore;
let olap: OlapClient;
let viewer: OlapClient;
let runner: ProjectionRunner;
let facts: KpiQueries;
let tables: KpiQueries;
let source: KpiTableSource;
/** Per run: the record instant it reflects and the first instant after it (the next chunk's first event). */
const covered: Array<{ from: number; until: number }> = [];

const ordered = HAND_EVENTS.map((e, i) => ({ e, i })).sort((a, b) => Date.parse(a.e.recordedAt) - Date.parse(b.e.recordedAt) || a.i - b.i).map((x) => x.e);
const strip = (e: RecordedEvent): DomainEvent => {
  const { position: _p, streamVersion: _v, ...event } = e;
  // The rest of a discriminated union loses its discriminant in TS: the value is the event minus its positions.
  return event as DomainEvent;
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'brain-kpitables-'));
  store = createSqliteEventStore({ path: path.join(dir, 'store.sqlite'), synchronous: 'NORMAL' });
  olap = await freshOlap('kpitables');
  runner = createProjectionRunner({ olap, source: storeEventSource(store, { maxBatch: 500 }), projections: FACT_PROJECTIONS, batchSize: 500, flushMs: 20 });
  await runner.start();
  let day = shanghaiDate(ordered[0]!.recordedAt);
  const materializer = createKpiMaterializer({
    olap,
    queries: createKpiQueries(olap),
    committed: async () => Math.min(...(await runner.status()).map((s) => s.serving?.checkpoint ?? 0)),
    today: () => day,
  });
  await materializer.open();
  await materializer.runOnce();
  // Chunks of 4–9 events; the materializer runs after each, on the day its last event was recorded.
  const sizes = [5, 9, 4, 7, 6, 8, 4, 9, 5, 7, 6];
  let at = 0;
  for (let c = 0; at < ordered.length; c++) {
    const chunk = ordered.slice(at, at + sizes[c % sizes.length]!);
    at += chunk.length;
    for (const e of chunk) await store.append(e.streamId, [strip(e)]);
    await runner.waitUntilCaughtUp();
    day = shanghaiDate(chunk.at(-1)!.recordedAt);
    await materializer.runOnce();
    const next = ordered[at];
    covered.push({ from: Date.parse(chunk.at(-1)!.recordedAt), until: next ? Date.parse(next.recordedAt) : Date.parse(chunk.at(-1)!.recordedAt) + 30 * 86_400_000 });
  }
  viewer = await sameDatabase(olap);
  facts = createKpiQueries(viewer);
  source = createKpiTableSource({ olap: viewer, head: () => materializer.head() });
  tables = createKpiQueries(viewer, { source });
}, 600_000);

afterAll(async () => {
  await runner?.stop();
  await viewer?.close();
  await olap?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const computed = KPI_CATALOG.filter((k) => k.id in KPI_IMPLS);
const iso = (ms: number) => new Date(ms).toISOString();

describe('when a KPI is read as known at a random instant', () => {
  it('gives the same points from the KPI tables as from the fact tables', async () => {
    const first = Date.parse(ordered[0]!.recordedAt);
    const last = Date.parse(ordered.at(-1)!.recordedAt);
    // Half the instants fall where a run's knowledge is exact (the tables must answer), half anywhere.
    const instant = fc.oneof(
      fc.integer({ min: first - 86_400_000, max: last + 86_400_000 }),
      fc.tuple(fc.nat({ max: covered.length - 1 }), fc.double({ min: 0, max: 0.999, noNaN: true })).map(([i, f]) => {
        const c = covered[i]!;
        return Math.floor(c.from + f * (c.until - c.from));
      }),
    );
    const read = fc.record({
      kpi: fc.constantFrom(...computed),
      grain: fc.constantFrom<Grain>('month', 'quarter', 'half', 'year', 'ytd'),
      fromYear: fc.constantFrom(2023, 2024),
      span: fc.integer({ min: 0, max: 2 }),
      breakdown: fc.boolean(),
      at: instant,
    });
    const hitsBefore = source.stats.hits;
    await fc.assert(
      fc.asyncProperty(read, async (r) => {
        if (!r.kpi.grains.includes(r.grain)) return;
        const dims = r.kpi.breakdowns.filter((b) => KPI_IMPLS[r.kpi.id]!.breakdowns[b] !== undefined);
        const q = {
          from: `${r.fromYear}-01`,
          to: `${Math.min(2025, r.fromYear + r.span)}-12`,
          grain: r.grain,
          asOf: iso(r.at),
          ...(r.breakdown && dims.length > 0 ? { breakdown: dims[0]! } : {}),
        };
        expect(await tables.series(r.kpi.id, q)).toEqual(await facts.series(r.kpi.id, q));
      }),
      { numRuns: 60, seed: 20261201 },
    );
    // Scorecards of each lead unit at covered instants: every entry equal.
    for (const [i, c] of covered.entries()) {
      const at = iso(c.from + Math.floor((c.until - c.from) / 2));
      const unit = i % 2 === 0 ? '科创局' : '市场监管局';
      expect(await tables.scorecard(unit, '2024-Q2', { asOf: at })).toEqual(await facts.scorecard(unit, '2024-Q2', { asOf: at }));
    }
    expect(source.stats.hits - hitsBefore).toBeGreaterThan(20);
  }, 600_000);
});
