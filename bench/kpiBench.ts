/**
 * KPI query latency on the full seeded sample: the platform (ingest, projector, api) on a
 * temporary DATA_DIR is seeded with the default sample history (~118k records through the
 * ingest service, as `npm start` does) and waited on until every projection has caught up.
 * Then: the department scorecard (`scorecard('科创局', '2025')` and its HTTP endpoint, cached and
 * uncached), a series query, GET /api/v1/kpis, and throughput at 50 connections.
 * Run alone: `npx tsx bench/kpiBench.ts`; the bench runner calls benchKpi().
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKpiQueries } from '../projections/kpi/index.ts';
import { runSeed } from '../services/seed/runSeed.ts';
import { PERF, type Figure } from './support/figures.ts';
import { expectStatus, httpClient, startHelloServer } from './support/http.ts';
import { latencies, pool, progress } from './support/measure.ts';
import { startBenchPlatform } from './support/platform.ts';

export interface KpiBenchOptions {
  /** Sequential samples per uncached query (default 30). */
  samples?: number;
  /** Firms of the sample world (default: the seed's 3,000, ~118k records). */
  enterprises?: number;
}

const UNIT = '科创局';
const SERIES_KPI = 'hte_count';

export async function benchKpi(options: KpiBenchOptions = {}): Promise<{ figures: Figure[]; notes: string[] }> {
  const samples = options.samples ?? 30;
  const figures: Figure[] = [];
  const notes: string[] = [];

  progress('kpi: Express hello reference (50 connections)');
  const hello = await startHelloServer();
  const helloClient = httpClient(hello.url, { connections: 50 });
  await pool(200, 50, () => helloClient.get('/hello'));
  const helloRun = await pool(3_000, 50, async () => expectStatus(await helloClient.get('/hello'), [200], 'hello'));
  helloClient.close();
  await hello.close();

  const bench = await startBenchPlatform({ SERVICES: 'ingest,projector,api' });
  const { platform } = bench;
  const client = httpClient(platform.url, { connections: 50 });
  const viewer = bench.auth('viewer');
  try {
    progress('kpi: seeding the sample history through ingest (projections running), then waiting until caught up');
    const started = performance.now();
    const seed = await runSeed({ ingest: platform.ingest!, ...(options.enterprises ? { history: { enterprises: options.enterprises } } : {}) });
    const seededMs = performance.now() - started;
    await platform.runner!.waitUntilCaughtUp({ timeoutMs: 20 * 60_000, pollMs: 50 });
    const caughtUpMs = performance.now() - started;
    const head = (await platform.store!.head()).position;
    notes.push(`kpi: seeded ${seed.total.toLocaleString('en-US')} records → ${head.toLocaleString('en-US')} events (${seed.rejected} rejected).`);
    figures.push(
      { key: 'kpi.seed.ingest', value: seed.total / (seededMs / 1000), unit: 'records/s', perf: PERF.ingestInProcess, note: `runSeed, in-process batches of 1,000, projector running alongside` },
      { key: 'kpi.seed.caught_up', value: head / (caughtUpMs / 1000), unit: 'events/s', perf: PERF.pipeline, note: `seed start → every fact projection caught up (${(caughtUpMs / 1000).toFixed(1)} s)` },
    );

    const olap = platform.olap!;
    const kpis = createKpiQueries(olap);
    progress('kpi: chDB SELECT 1 reference');
    const select1 = await latencies(100, () => olap.query('SELECT 1'), 5);
    figures.push(
      { key: 'kpi.ref.chdb_select1', value: select1.p50, unit: 'ms', lowerIsBetter: true, reference: true, perf: PERF.chdbSelect1, note: 'p50, platform OLAP client, sequential' },
      { key: 'kpi.ref.express_hello', value: helloRun.ms ? 3_000 / (helloRun.ms / 1000) : Number.NaN, unit: 'req/s', reference: true, perf: PERF.expressHello, note: 'Express 5 hello-JSON, 50 connections, same client' },
    );

    const lat = (key: string, l: { p50: number; p95: number; n: number }, note: string, perf?: Figure['perf']): void => {
      figures.push({ key: `${key}.p50`, value: l.p50, unit: 'ms', lowerIsBetter: true, ref: 'kpi.ref.chdb_select1', ...(perf ? { perf } : {}), note: `${note}; n=${l.n}` });
      figures.push({ key: `${key}.p95`, value: l.p95, unit: 'ms', lowerIsBetter: true, ref: 'kpi.ref.chdb_select1' });
    };

    progress(`kpi: scorecard('${UNIT}', '2025') direct (${samples} samples)`);
    const scorecard = await kpis.scorecard(UNIT, '2025');
    notes.push(`kpi: the ${UNIT} scorecard holds ${scorecard.kpis.length} KPIs and ${scorecard.milestones.length} milestones.`);
    lat('kpi.scorecard.direct', await latencies(samples, () => kpis.scorecard(UNIT, '2025')), `scorecard() on the OLAP client, no cache (${scorecard.kpis.length} KPIs)`);

    const scorecardPath = `/api/v1/scorecards/${encodeURIComponent(UNIT)}?period=2025`;
    progress('kpi: GET /api/v1/scorecards/科创局?period=2025, uncached (fresh asOf each time) and cached');
    const asOfBase = Date.now();
    lat(
      'kpi.http.scorecard.uncached',
      await latencies(samples, async (i) => expectStatus(await client.get(`${scorecardPath}&asOf=${new Date(asOfBase - (i + 10) * 1000).toISOString()}`, viewer), [200], 'scorecard')),
      'HTTP, a fresh asOf per request defeats the response cache',
      PERF.apiUncachedP50,
    );
    lat('kpi.http.scorecard.cached', await latencies(300, async () => expectStatus(await client.get(scorecardPath, viewer), [200], 'scorecard')), 'HTTP, same URL (cache keyed on the projection checkpoints)');

    const seriesOptions = { from: '2023-01', to: '2025-12', grain: 'quarter' as const };
    progress(`kpi: series ${SERIES_KPI} 2023–2025 by quarter (direct, HTTP uncached, HTTP cached)`);
    lat('kpi.series.direct', await latencies(samples, () => kpis.series(SERIES_KPI, seriesOptions)), `series('${SERIES_KPI}', 12 quarters), no cache`, PERF.chdbSmallKpi);
    const seriesPath = `/api/v1/kpis/${SERIES_KPI}/series?from=2023-01&to=2025-12&grain=quarter`;
    lat(
      'kpi.http.series.uncached',
      await latencies(samples, async (i) => expectStatus(await client.get(`${seriesPath}&asOf=${new Date(asOfBase - (i + 10) * 1000).toISOString()}`, viewer), [200], 'series')),
      'HTTP, fresh asOf each time',
    );
    lat('kpi.http.series.cached', await latencies(300, async () => expectStatus(await client.get(seriesPath, viewer), [200], 'series')), 'HTTP, same URL');

    progress('kpi: GET /api/v1/kpis (every KPI of the catalog with its latest value), uncached and cached');
    lat(
      'kpi.http.kpis.uncached',
      await latencies(Math.max(5, Math.round(samples / 3)), async (i) => expectStatus(await client.get(`/api/v1/kpis?n=${i}`, viewer), [200], 'kpis'), 1),
      'HTTP, a new query string each time defeats the cache',
    );
    lat('kpi.http.kpis.cached', await latencies(300, async () => expectStatus(await client.get('/api/v1/kpis', viewer), [200], 'kpis')), 'HTTP, same URL');

    progress('kpi: throughput at 50 connections (series uncached, scorecard cached)');
    const uncached = await pool(samples * 5, 50, async (i) =>
      expectStatus(await client.get(`${seriesPath}&asOf=${new Date(asOfBase - (i + 1000) * 1000).toISOString()}`, viewer), [200], 'series'),
    );
    figures.push(
      { key: 'kpi.http.series.uncached.rps', value: (samples * 5) / (uncached.ms / 1000), unit: 'req/s', ref: 'kpi.ref.express_hello', perf: PERF.apiUncachedRps, note: `${samples * 5} requests, 50 connections, each uncached` },
      { key: 'kpi.http.series.uncached.c50.p50', value: uncached.latency.p50, unit: 'ms', lowerIsBetter: true, ref: 'kpi.ref.chdb_select1', perf: PERF.apiUncachedP50, note: 'latency under 50 connections' },
    );
    const cachedRun = await pool(3_000, 50, async () => expectStatus(await client.get(scorecardPath, viewer), [200], 'scorecard'));
    figures.push({ key: 'kpi.http.scorecard.cached.rps', value: 3_000 / (cachedRun.ms / 1000), unit: 'req/s', ref: 'kpi.ref.express_hello', perf: PERF.expressHello, note: '3,000 requests, 50 connections, cached' });
    return { figures, notes };
  } finally {
    client.close();
    await bench.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { figures, notes } = await benchKpi();
  for (const f of figures) console.log(`${f.key.padEnd(40)} ${f.value.toFixed(f.value < 100 ? 1 : 0).padStart(10)} ${f.unit}${f.note ? `  (${f.note})` : ''}`);
  for (const n of notes) console.log(n);
}
