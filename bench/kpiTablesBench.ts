/**
 * KPI tables on the seeded sample: the platform (ingest, projector, api) on a temporary DATA_DIR,
 * seeded with the default sample history and caught up; then the time to build every KPI table,
 * the uncached latency of /kpis, a scorecard and a series (answered from the KPI tables on the
 * viewers' session), /kpis throughput at 50 connections during a 50 events/s trickle, and the
 * freshness of the KPI tables under that trickle (event accepted → reflected by a materializer
 * run, announced on the stream). With `full`, the same at ten times the history (30,000 firms).
 * The figures the issue names are keyed as its `--json` keys.
 */
import { runSeed } from '../services/seed/runSeed.ts';
import { startTrickle } from '../services/seed/trickle.ts';
import type { Figure } from './support/figures.ts';
import { expectStatus, httpClient } from './support/http.ts';
import { latencies, percentile, pool, progress, sleep } from './support/measure.ts';
import { startBenchPlatform, type BenchPlatform } from './support/platform.ts';

const UNIT = '科创局';

/** Seeds, waits for the projections, then for the KPI tables to reflect the head; returns the build seconds. */
async function seeded(enterprises?: number): Promise<{ bench: BenchPlatform; head: number; buildS: number }> {
  const bench = await startBenchPlatform({ SERVICES: 'ingest,projector,api' });
  const { platform } = bench;
  progress(`kpi tables: seeding ${enterprises ? `${enterprises} firms` : 'the default sample'}`);
  await runSeed({ ingest: platform.ingest!, ...(enterprises ? { history: { enterprises } } : {}) });
  await platform.runner!.waitUntilCaughtUp({ timeoutMs: 60 * 60_000, pollMs: 50 });
  const head = (await platform.store!.head()).position;
  // The tables are built by runs while seeding goes on; what is left once the facts caught up is
  // timed here, and the whole build (from facts already in place) is timed again by a rebuild.
  const materializer = platform.kpiTables!.materializer!;
  for (;;) {
    const h = materializer.head();
    if (h && h.position >= head) break;
    await sleep(200);
  }
  progress('kpi tables: timing a full build from the fact tables (every KPI, period and breakdown)');
  const started = performance.now();
  await materializer.rebuild();
  const buildS = (performance.now() - started) / 1000;
  return { bench, head, buildS };
}

export async function benchKpiTables(options: { full?: boolean; samples?: number } = {}): Promise<{ figures: Figure[]; notes: string[] }> {
  const samples = options.samples ?? 60;
  const measured: Figure[] = [];
  // Each figure also goes to the progress stream as it is measured (a long --full run shows them early).
  const figures = {
    push(...fs: Figure[]): void {
      for (const f of fs) progress(`kpi tables: ${f.key} = ${f.value.toFixed(1)} ${f.unit}${f.note ? ` (${f.note})` : ''}`);
      measured.push(...fs);
    },
  };
  const notes: string[] = [];
  const { bench, head, buildS } = await seeded();
  const { platform } = bench;
  const client = httpClient(platform.url, { connections: 50 });
  const viewer = bench.auth('viewer');
  let n = 0;
  try {
    notes.push(`kpi tables: ${head.toLocaleString('en-US')} events; full build ${buildS.toFixed(1)} s.`);
    figures.push({ key: 'kpi_tables_build_s', value: buildS, unit: 's', lowerIsBetter: true, note: `every KPI table from the fact tables, ${head.toLocaleString('en-US')} events` });

    // A distinct URL per request: never a response-cache hit.
    progress('kpi tables: GET /api/v1/kpis, scorecard, series uncached');
    const kpis = await latencies(samples, async () => expectStatus(await client.get(`/api/v1/kpis?n=${++n}`, viewer), [200], 'kpis'));
    figures.push({ key: 'kpis_p95_ms', value: kpis.p95, unit: 'ms', lowerIsBetter: true, note: `GET /api/v1/kpis, no cache hit, p50 ${kpis.p50.toFixed(1)} ms, n=${kpis.n}` });
    const sc = await latencies(samples, async () => expectStatus(await client.get(`/api/v1/scorecards/${encodeURIComponent(UNIT)}?period=2025&n=${++n}`, viewer), [200], 'scorecard'));
    figures.push({ key: 'scorecard_p95_ms', value: sc.p95, unit: 'ms', lowerIsBetter: true, note: `${UNIT} 2025, no cache hit, p50 ${sc.p50.toFixed(1)} ms` });
    const series = await latencies(samples, async () => expectStatus(await client.get(`/api/v1/kpis/hte_count/series?from=2023-01&to=2025-12&grain=quarter&n=${++n}`, viewer), [200], 'series'));
    figures.push({ key: 'series_p95_ms', value: series.p95, unit: 'ms', lowerIsBetter: true, note: `hte_count, 12 quarters, no cache hit, p50 ${series.p50.toFixed(1)} ms` });

    progress('kpi tables: 50 events/s trickle: /kpis at 50 connections, freshness');
    const accepted: Array<{ position: number; at: number }> = [];
    const freshness: number[] = [];
    const materializer = platform.kpiTables!.materializer!;
    const off = materializer.onChange((_changes, h) => {
      const now = performance.now();
      while (accepted.length > 0 && accepted[0]!.position <= h.position) freshness.push(now - accepted.shift()!.at);
    });
    // 2–5 records per batch every 70 ms ≈ 50 events/s.
    const trickle = startTrickle({
      intervalMs: 70,
      ingest: async (records) => {
        const r = await platform.ingest!.ingest(records, { actor: 'bench:trickle' });
        accepted.push({ position: (await platform.store!.head()).position, at: performance.now() });
        return r;
      },
    });
    try {
      await sleep(3_000);
      const run = await pool(6_000, 50, async () => expectStatus(await client.get('/api/v1/kpis', viewer), [200], 'kpis'));
      figures.push({ key: 'kpis_rps_50c_trickle', value: 6_000 / (run.ms / 1000), unit: 'req/s', note: `6,000 × GET /api/v1/kpis, 50 connections, during the trickle; p50 ${run.latency.p50.toFixed(1)} ms` });
      await sleep(10_000);
    } finally {
      await trickle.stop();
    }
    for (let i = 0; i < 100 && accepted.length > 0; i++) await sleep(100);
    off();
    const sorted = [...freshness].sort((a, b) => a - b);
    figures.push({ key: 'kpi_freshness_p99_ms', value: percentile(sorted, 99), unit: 'ms', lowerIsBetter: true, note: `event accepted → KPI tables run reflecting it (stream), n=${sorted.length}, p50 ${percentile(sorted, 50).toFixed(0)} ms` });
  } finally {
    client.close();
    await bench.stop();
  }

  if (options.full) {
    const big = await seeded(30_000);
    const c = httpClient(big.bench.platform.url, { connections: 50 });
    try {
      const v = big.bench.auth('viewer');
      const kpis = await latencies(samples, async () => expectStatus(await c.get(`/api/v1/kpis?n=${++n}`, v), [200], 'kpis'));
      figures.push({ key: 'kpis_p95_ms_10x', value: kpis.p95, unit: 'ms', lowerIsBetter: true, note: `as kpis_p95_ms, ${big.head.toLocaleString('en-US')} events` });
      figures.push({ key: 'kpi_tables_build_s_10x', value: big.buildS, unit: 's', lowerIsBetter: true, note: `every KPI table from the fact tables, ${big.head.toLocaleString('en-US')} events` });
    } finally {
      c.close();
      await big.bench.stop();
    }
  }
  return { figures: measured, notes };
}
