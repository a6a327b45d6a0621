/**
 * The shape every bench suite returns, and the reference figures of shared/PERFORMANCE.md (its figures are copied in bench/support/figures.ts)
 * (measured on a 2-vCPU machine of the project's kind, ±25 %) that the table compares with.
 */

export interface Figure {
  /** Stable key (`ingest.http.single`), the row of the table and the key in `--json`. */
  key: string;
  value: number;
  /** `events/s`, `req/s`, `rows/s`, `ms`, `s`. */
  unit: string;
  /** Lower is better (latencies, durations); ratios are read the other way round. */
  lowerIsBetter?: boolean;
  /** A REFERENCE workload run in the same process (bare JSON, bare SQLite, `SELECT 1`, ...). */
  reference?: boolean;
  /** Key of the same suite's reference workload this figure is divided by (machine-independent ratio). */
  ref?: string;
  /** PERFORMANCE.md's figure for the same (or the nearest) operation. */
  perf?: PerfFigure;
  /** What was measured, in one line (sizes, concurrency, counts). */
  note?: string;
}

export interface PerfFigure {
  value: number;
  /** Where in PERFORMANCE.md, in a few words. */
  source: string;
}

export interface SuiteResult {
  suite: string;
  /** Wall time of the whole suite, setup included. */
  seconds: number;
  /** Highest resident set size seen while the suite ran (its own process), MB. */
  peakRssMb: number;
  figures: Figure[];
  /** Anything the reader should know about this run (rejections, skipped parts). */
  notes: string[];
}

/** A latency sample set's summary. */
export interface Latency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** The reference figures of PERFORMANCE.md, by the operation they describe. */
export const PERF = {
  jsonParse: { value: 205_000, source: 'JSON.parse ~560 B event, 1 core' },
  jsonStringify: { value: 240_000, source: 'JSON.stringify, 1 core' },
  /** 1 / (1/205k + 1/240k). */
  jsonRoundTrip: { value: 110_600, source: 'JSON.parse + stringify (derived from 205k/s and 240k/s)' },
  parseValidateStringify: { value: 68_000, source: 'parse + zod validate + stringify, 1 core' },
  /** 35–60 µs/event → 17–29k/s; the midpoint. */
  ingestInProcess: { value: 21_000, source: 'ingest ≈ 35–60 µs/event (midpoint 47.5 µs)' },
  ingestHttpSingle: { value: 1_500, source: 'one event per request caps ingest at ~1,500/s' },
  ingestHttpBatch100: { value: 12_600, source: 'batches of 100 → ~12,600/s end to end' },
  ingestHttpBatch1000: { value: 22_600, source: 'batches of 1,000 → ~22,600/s end to end' },
  expressHello: { value: 3_900, source: 'Express 5 hello-JSON, 50 connections' },
  sqliteOrderedTx1: { value: 12_600, source: 'SQLite WAL, ordered keys, NORMAL, tx of 1' },
  sqliteRandomTx1: { value: 9_400, source: 'SQLite WAL, random keys UNIQUE, tx of 1' },
  sqliteRandomTx100: { value: 12_600, source: 'SQLite WAL, random keys UNIQUE, tx of 100' },
  sqliteRandomTx1000: { value: 16_700, source: 'SQLite WAL, random keys UNIQUE, tx of 1,000' },
  sqliteOrderedTx1000: { value: 65_000, source: 'SQLite WAL, ordered keys, tx of 1,000' },
  sqliteFullTx1: { value: 3_600, source: 'synchronous=FULL, 1 event/tx: fsync-bound' },
  sqliteReadPages: { value: 135_000, source: 'read log in pages of 10k incl. JSON.parse' },
  sqliteReadRaw: { value: 266_000, source: 'read log in pages of 10k, no parse' },
  chdbInsert10k: { value: 107_000, source: 'chDB INSERT FORMAT JSONEachRow inline, 10k rows/insert' },
  chdbSessionInsert10k: { value: 53_000, source: 'chDB session.insert({values}), 10k rows/insert' },
  chdbSelect1: { value: 1, source: 'chDB fixed cost per query (SELECT 1) ~1 ms' },
  chdbSmallKpi: { value: 5, source: 'chDB small KPI query ~5 ms' },
  apiUncachedP50: { value: 318, source: 'uncached Express+chDB KPI endpoint, p50 at 50 connections' },
  apiUncachedRps: { value: 150, source: 'uncached Express+chDB KPI endpoint, 50 connections' },
  /** 35–45 µs/event → 22–29k/s. */
  projection: { value: 25_000, source: 'projection ≈ 35–45 µs/event (midpoint 40 µs)' },
  pipeline: { value: 24_000, source: 'whole pipeline 20–28k events/s on 2 cores (midpoint)' },
  kafkaProduceBatched: { value: 300_000, source: 'kafkajs sendBatch, batches of 100 (published, laptop)' },
  kafkaProduceSingle: { value: 62_000, source: 'kafkajs one at a time (published, laptop)' },
} as const satisfies Record<string, PerfFigure>;

/** Rounds for display and JSON: 3 significant digits below 100, integers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const a = Math.abs(value);
  if (a >= 100) return Math.round(value);
  if (a >= 10) return Math.round(value * 10) / 10;
  if (a >= 1) return Math.round(value * 100) / 100;
  return Number(value.toPrecision(3));
}
