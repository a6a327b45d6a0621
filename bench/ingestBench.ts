/**
 * Ingest throughput (records/s; one record is one event for all but a few record types) over
 * real HTTP against the platform started in this process (`startPlatform`, SERVICES=ingest, a
 * temporary DATA_DIR, SQLite store with its default synchronous=FULL), for single records
 * (one POST each, many in flight), JSON batches of 1,000 and NDJSON streams; and in-process
 * `ingest()` without HTTP. Every method gets its own fresh platform and a fresh sample world
 * (a new seed), sent in history order, so the record mix is alike and nothing is a duplicate.
 * Run alone: `npx tsx bench/ingestBench.ts [--full]`; the bench runner calls benchIngest().
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IngestRecordInput, IngestReport } from '../contracts/ingest.ts';
import { IngestRecord } from '../contracts/ingest.ts';
import { PERF, type Figure } from './support/figures.ts';
import { expectStatus, httpClient, startHelloServer } from './support/http.ts';
import { pool, progress, timed } from './support/measure.ts';
import { freshRecords, startBenchPlatform } from './support/platform.ts';

export interface IngestBenchOptions {
  /** Bigger sizes (≈100k records per batch method, 10k single records). */
  full?: boolean;
  /** Requests in flight for single records (default 32). */
  concurrency?: number;
}

interface Outcomes {
  accepted: number;
  duplicates: number;
  rejected: number;
}

const ZERO = (): Outcomes => ({ accepted: 0, duplicates: 0, rejected: 0 });

function add(total: Outcomes, report: Pick<IngestReport, 'accepted' | 'duplicates' | 'rejected'>): void {
  total.accepted += report.accepted;
  total.duplicates += report.duplicates;
  total.rejected += report.rejected;
}

function describe(o: Outcomes): string {
  return `${o.accepted} accepted, ${o.duplicates} duplicates, ${o.rejected} rejected`;
}

/** A fresh sample world of about `wanted` records (history order), capped at `wanted`. */
function worldOf(wanted: number): IngestRecordInput[] {
  // ~34 records per firm at the default window (2023 → today), plus the fixed catalog.
  const enterprises = Math.max(60, Math.round(wanted / 34));
  const { records } = freshRecords({ enterprises });
  return records.slice(0, wanted);
}

/** Reference: JSON.stringify + JSON.parse of each record, and the same with zod validation between. */
function jsonReferences(records: readonly IngestRecordInput[]): { roundTrip: number; validated: number } {
  const rounds = Math.max(1, Math.ceil(40_000 / records.length));
  let t = performance.now();
  let sink = 0;
  for (let r = 0; r < rounds; r++) for (const rec of records) sink += (JSON.parse(JSON.stringify(rec)) as { type: string }).type.length;
  const roundTrip = (rounds * records.length) / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const rec of records) {
      const parsed = IngestRecord.safeParse(JSON.parse(JSON.stringify(rec)));
      if (parsed.success) sink += JSON.stringify(parsed.data).length;
    }
  }
  const validated = (rounds * records.length) / ((performance.now() - t) / 1000);
  if (sink < 0) throw new Error('unreachable: keeps the loops from being optimised away');
  return { roundTrip, validated };
}

async function helloReference(requests: number, concurrency: number): Promise<number> {
  const server = await startHelloServer();
  const client = httpClient(server.url, { connections: concurrency });
  try {
    await pool(200, concurrency, () => client.get('/hello'));
    const { ms } = await pool(requests, concurrency, async () => expectStatus(await client.get('/hello'), [200], 'hello'));
    return requests / (ms / 1000);
  } finally {
    client.close();
    await server.close();
  }
}

async function inProcess(records: readonly IngestRecordInput[], batch: number): Promise<{ rate: number; outcomes: Outcomes }> {
  const bench = await startBenchPlatform({ SERVICES: 'ingest' });
  try {
    const ingest = bench.platform.ingest!;
    const outcomes = ZERO();
    const { ms } = await timed(async () => {
      for (let i = 0; i < records.length; i += batch) add(outcomes, await ingest.ingest(records.slice(i, i + batch), { actor: 'bench', firstRow: i + 1 }));
    });
    return { rate: records.length / (ms / 1000), outcomes };
  } finally {
    await bench.stop();
  }
}

async function httpSingle(records: readonly IngestRecordInput[], concurrency: number): Promise<{ rate: number; p50: number; p99: number; outcomes: Outcomes }> {
  const bench = await startBenchPlatform({ SERVICES: 'ingest' });
  const client = httpClient(bench.platform.url, { connections: concurrency });
  const headers = { ...bench.auth('ingest'), 'content-type': 'application/json' };
  try {
    const outcomes = ZERO();
    const bodies = records.map((r) => JSON.stringify(r));
    const { ms, latency } = await pool(bodies.length, concurrency, async (i) => {
      const res = await client.request('POST', '/api/v1/ingest/records', { headers, body: bodies[i]! });
      if (res.status === 201) outcomes.accepted++;
      else if (res.status === 200) outcomes.duplicates++;
      else if (res.status === 400 || res.status === 409 || res.status === 422) outcomes.rejected++;
      else expectStatus(res, [201], 'single record');
    });
    return { rate: bodies.length / (ms / 1000), p50: latency.p50, p99: latency.p99, outcomes };
  } finally {
    client.close();
    await bench.stop();
  }
}

/** JSON arrays of `batch` records, one request at a time (one sender). */
async function httpBatches(
  records: readonly IngestRecordInput[],
  batch: number,
  env: Record<string, string> = { SERVICES: 'ingest' },
): Promise<{ rate: number; outcomes: Outcomes; caughtUpRate?: number }> {
  const bench = await startBenchPlatform(env);
  const client = httpClient(bench.platform.url, { connections: 2 });
  const headers = { ...bench.auth('ingest'), 'content-type': 'application/json' };
  try {
    const outcomes = ZERO();
    // Encoded before the clock starts, as for the NDJSON streams below.
    const bodies: Buffer[] = [];
    for (let i = 0; i < records.length; i += batch) bodies.push(Buffer.from(JSON.stringify(records.slice(i, i + batch)), 'utf8'));
    const started = performance.now();
    for (const body of bodies) {
      const res = expectStatus(await client.request('POST', '/api/v1/ingest/records', { headers, body }), [200], 'JSON batch');
      add(outcomes, JSON.parse(res.body) as IngestReport);
    }
    const ingestMs = performance.now() - started;
    let caughtUpRate: number | undefined;
    if (bench.platform.runner) {
      await bench.platform.runner.waitUntilCaughtUp({ timeoutMs: 10 * 60_000, pollMs: 20 });
      caughtUpRate = records.length / ((performance.now() - started) / 1000);
    }
    return { rate: records.length / (ingestMs / 1000), outcomes, ...(caughtUpRate !== undefined ? { caughtUpRate } : {}) };
  } finally {
    client.close();
    await bench.stop();
  }
}

/** NDJSON streams of `perRequest` records each, one request at a time. */
async function httpNdjson(records: readonly IngestRecordInput[], perRequest: number): Promise<{ rate: number; outcomes: Outcomes }> {
  const bench = await startBenchPlatform({ SERVICES: 'ingest' });
  const client = httpClient(bench.platform.url, { connections: 1 });
  const headers = { ...bench.auth('ingest'), 'content-type': 'application/x-ndjson' };
  try {
    const outcomes = ZERO();
    // The bodies are encoded before the clock starts, as a sender streaming a file would have them:
    // the client shares this process and its cores with the server it measures.
    const bodies: Buffer[] = [];
    for (let i = 0; i < records.length; i += perRequest) {
      bodies.push(Buffer.from(records.slice(i, i + perRequest).map((r) => JSON.stringify(r)).join('\n'), 'utf8'));
    }
    const { ms } = await timed(async () => {
      for (const body of bodies) {
        const res = expectStatus(await client.request('POST', '/api/v1/ingest/records', { headers, body }), [200], 'NDJSON stream');
        add(outcomes, JSON.parse(res.body) as IngestReport);
      }
    });
    return { rate: records.length / (ms / 1000), outcomes };
  } finally {
    client.close();
    await bench.stop();
  }
}

/** Ingest figures; keys are stable for the runner's table and `--json`. */
export async function benchIngest(options: IngestBenchOptions = {}): Promise<{ figures: Figure[]; notes: string[] }> {
  const full = options.full ?? false;
  const concurrency = options.concurrency ?? 32;
  const sizes = full ? { single: 10_000, batch: 100_000, ndjson: 100_000, e2e: 100_000 } : { single: 3_000, batch: 20_000, ndjson: 40_000, e2e: 20_000 };
  const notes: string[] = [];
  const figures: Figure[] = [];

  progress('ingest: reference workloads (JSON, zod, Express hello)');
  const sample = worldOf(20_000);
  const refs = jsonReferences(sample);
  const hello = await helloReference(full ? 20_000 : 6_000, concurrency);
  figures.push(
    { key: 'ingest.ref.json_roundtrip', value: refs.roundTrip, unit: 'records/s', reference: true, perf: PERF.jsonRoundTrip, note: 'JSON.stringify + JSON.parse of the same sample records' },
    { key: 'ingest.ref.zod_roundtrip', value: refs.validated, unit: 'records/s', reference: true, perf: PERF.parseValidateStringify, note: 'parse + IngestRecord zod validation + stringify' },
    { key: 'ingest.ref.express_hello', value: hello, unit: 'req/s', reference: true, perf: PERF.expressHello, note: `Express 5 hello-JSON, ${concurrency} in flight, same client` },
  );

  progress(`ingest: in-process ingest(), batches of 1,000 (${sizes.batch.toLocaleString('en-US')} records)`);
  const ip = await inProcess(worldOf(sizes.batch), 1000);
  figures.push({ key: 'ingest.inprocess.batch1000', value: ip.rate, unit: 'records/s', ref: 'ingest.ref.zod_roundtrip', perf: PERF.ingestInProcess, note: describe(ip.outcomes) });

  progress(`ingest: in-process ingest(), one record per call (${sizes.single.toLocaleString('en-US')} records)`);
  const ip1 = await inProcess(worldOf(sizes.single), 1);
  figures.push({ key: 'ingest.inprocess.single', value: ip1.rate, unit: 'records/s', ref: 'ingest.ref.zod_roundtrip', perf: PERF.sqliteFullTx1, note: `one call after another, one fsync each; ${describe(ip1.outcomes)}` });

  progress(`ingest: HTTP single records (${sizes.single.toLocaleString('en-US')}, ${concurrency} in flight)`);
  const single = await httpSingle(worldOf(sizes.single), concurrency);
  figures.push(
    { key: 'ingest.http.single', value: single.rate, unit: 'records/s', ref: 'ingest.ref.express_hello', perf: PERF.ingestHttpSingle, note: `${concurrency} in flight; ${describe(single.outcomes)}` },
    { key: 'ingest.http.single.p50', value: single.p50, unit: 'ms', lowerIsBetter: true, note: `per request, ${concurrency} in flight` },
    { key: 'ingest.http.single.p99', value: single.p99, unit: 'ms', lowerIsBetter: true },
  );

  progress(`ingest: HTTP JSON batches of 1,000 (${sizes.batch.toLocaleString('en-US')} records)`);
  const batches = await httpBatches(worldOf(sizes.batch), 1000);
  figures.push({ key: 'ingest.http.batch1000', value: batches.rate, unit: 'records/s', ref: 'ingest.inprocess.batch1000', perf: PERF.ingestHttpBatch1000, note: `one sender; ${describe(batches.outcomes)}` });

  progress(`ingest: HTTP batches of 100 (${(sizes.batch / 4).toLocaleString('en-US')} records)`);
  const small = await httpBatches(worldOf(sizes.batch / 4), 100);
  figures.push({ key: 'ingest.http.batch100', value: small.rate, unit: 'records/s', ref: 'ingest.inprocess.batch1000', perf: PERF.ingestHttpBatch100, note: `one sender; ${describe(small.outcomes)}` });

  progress(`ingest: HTTP NDJSON, 20,000 records per request (${sizes.ndjson.toLocaleString('en-US')} records)`);
  const nd = await httpNdjson(worldOf(sizes.ndjson), 20_000);
  figures.push(
    { key: 'ingest.http.ndjson20k', value: nd.rate, unit: 'records/s', ref: 'ingest.inprocess.batch1000', perf: PERF.ingestHttpBatch1000, note: `one sender; ${describe(nd.outcomes)}` },
    // The issue's name for the same figure (a top-level key of --json).
    { key: 'ingest_ndjson_eps', value: nd.rate, unit: 'records/s', ref: 'ingest.inprocess.batch1000', perf: PERF.ingestHttpBatch1000, note: 'same run as ingest.http.ndjson20k (NDJSON, 20,000 records per request, projections paused)' },
  );

  progress(`ingest: HTTP batches of 1,000 with the projector running, until caught up (${sizes.e2e.toLocaleString('en-US')} records)`);
  const e2e = await httpBatches(worldOf(sizes.e2e), 1000, { SERVICES: 'ingest,projector' });
  figures.push(
    { key: 'ingest.http.batch1000.with_projector', value: e2e.rate, unit: 'records/s', ref: 'ingest.inprocess.batch1000', perf: PERF.ingestHttpBatch1000, note: 'ingest rate while the projections run in the same process' },
    { key: 'pipeline.http_to_clickhouse', value: e2e.caughtUpRate ?? Number.NaN, unit: 'records/s', ref: 'ingest.inprocess.batch1000', perf: PERF.pipeline, note: 'first POST → every projection caught up (one process, 2 cores)' },
  );

  const rejected = [ip, ip1, single, batches, small, nd, e2e].reduce((s, r) => s + r.outcomes.rejected, 0);
  if (rejected > 0) notes.push(`ingest: ${rejected} sample records were rejected by business rules (counted in the rates: they were validated and decided too).`);
  if (single.outcomes.rejected > 0) notes.push(`ingest: single records run ${concurrency} at a time, so a record can overtake one it depends on: ${single.outcomes.rejected} rejected (422).`);
  return { figures, notes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { figures, notes } = await benchIngest({ full: process.argv.includes('--full') });
  for (const f of figures) console.log(`${f.key.padEnd(40)} ${Math.round(f.value).toLocaleString('en-US').padStart(10)} ${f.unit}${f.note ? `  (${f.note})` : ''}`);
  for (const n of notes) console.log(n);
}
