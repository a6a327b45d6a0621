/**
 * End-to-end freshness on the embedded platform: one record is appended via HTTP ingest (a new
 * firm's registration), then the bench polls until (a) every projection's checkpoint in
 * GET /api/v1/status has reached the position the ingest call returned, and (b) the event's row
 * is in the fact table (what any KPI query reads). Latency from just before the POST.
 * The platform holds a small seeded history first, so projections and tables are warm.
 * With `kafka`, the same through the distributed path (relay → Kafka → Kafka source) against a
 * broker started with scripts/kafka/broker.js (or KAFKA_BROKERS).
 * Run alone: `npx tsx bench/freshnessBench.ts [--kafka]`; the bench runner calls benchFreshness().
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { fileURLToPath } from 'node:url';
import type { IngestRecordInput, IngestReport } from '../contracts/ingest.ts';
import { runSeed } from '../services/seed/runSeed.ts';
import type { Figure } from './support/figures.ts';
import { expectStatus, httpClient } from './support/http.ts';
import { latencies, progress, sleep, summarize } from './support/measure.ts';
import { freshRecords, startBenchPlatform } from './support/platform.ts';

export interface FreshnessBenchOptions {
  /** Records appended one by one (default 100). */
  samples?: number;
  /** Through relay + Kafka + the Kafka source instead of the store subscription. */
  kafka?: boolean;
  /** Firms of the warm-up history (default 300, ~12k records). */
  enterprises?: number;
  /** Poll interval, ms (default 2). */
  pollMs?: number;
}

interface StatusBody {
  projections: { name: string; checkpoint: number }[];
}

/** New firms' registrations: each stands alone (no record it depends on), so any order is valid. */
function registrations(n: number): IngestRecordInput[] {
  const out = freshRecords({ enterprises: Math.max(300, n * 2) }).records.filter((r) => r.type === 'EnterpriseRegistered');
  if (out.length < n) throw new Error(`freshness: only ${out.length} registrations in the fresh world, need ${n}`);
  return out.slice(0, n);
}

export async function benchFreshness(options: FreshnessBenchOptions = {}): Promise<{ figures: Figure[]; notes: string[] }> {
  const samples = options.samples ?? 100;
  const pollMs = options.pollMs ?? 2;
  const prefix = options.kafka ? 'freshness.kafka' : 'freshness';
  const notes: string[] = [];

  let broker: { brokers: string[]; dataDir: string; stop(): Promise<void> } | undefined;
  const env: Record<string, string> = { SERVICES: 'ingest,projector,api' };
  if (options.kafka) {
    const given = process.env.KAFKA_BROKERS;
    if (!given) {
      progress('freshness: starting a Kafka broker (scripts/kafka/broker.js)');
      const { startBroker } = await import('../scripts/kafka/broker.js');
      broker = await startBroker({ log: () => {} });
    }
    const topic = `bench-fresh-${randomUUID().slice(0, 8)}`;
    const brokers = given ? given.split(',') : broker!.brokers;
    // startPlatform starts the projector (Kafka source) before the relay, and the source cannot
    // subscribe to a topic that does not exist yet: create it as the relay would.
    const kafka = new kafkajs.Kafka({ brokers, clientId: 'bench-freshness', logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    notes.push('freshness.kafka: the topic is created before startPlatform: the Kafka source of a SERVICES=…,relay,projector process subscribes before the relay creates it.');
    Object.assign(env, {
      SERVICES: 'ingest,relay,projector,api',
      BUS: 'kafka',
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC: topic,
      KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      KAFKA_GROUP: `${topic}-group`,
    });
  }

  const bench = await startBenchPlatform(env);
  const { platform } = bench;
  const client = httpClient(platform.url, { connections: 4 });
  const ingestHeaders = { ...bench.auth('ingest'), 'content-type': 'application/json' };
  const viewer = bench.auth('viewer');
  try {
    progress(`freshness${options.kafka ? ' (Kafka)' : ''}: warm-up history (${options.enterprises ?? 300} firms), waiting until caught up`);
    await runSeed({ ingest: platform.ingest!, history: { enterprises: options.enterprises ?? 300 } });
    await platform.runner!.waitUntilCaughtUp({ timeoutMs: 10 * 60_000, pollMs: 50 });

    const olap = platform.olap!;
    const statusLatency = await latencies(50, async () => expectStatus(await client.get('/api/v1/status', viewer), [200], 'status'));
    const factQuery = await latencies(50, () => olap.query('SELECT count() AS n FROM fact_entity_locations WHERE event_id = {id:String}', { id: randomUUID() }));

    const records = registrations(samples);
    progress(`freshness${options.kafka ? ' (Kafka)' : ''}: ${samples} records, one at a time, polling every ${pollMs} ms`);
    const toCheckpoint: number[] = [];
    const toFactRow: number[] = [];
    const ingestAck: number[] = [];
    for (const record of records) {
      const t0 = performance.now();
      const res = expectStatus(await client.request('POST', '/api/v1/ingest/records', { headers: ingestHeaders, body: JSON.stringify(record) }), [201], 'ingest');
      ingestAck.push(performance.now() - t0);
      const report = JSON.parse(res.body) as IngestReport;
      const outcome = report.results[0];
      if (outcome?.status !== 'accepted') throw new Error(`freshness: record not accepted: ${res.body.slice(0, 300)}`);
      const eventId = outcome.eventIds[0]!;
      let checkpointAt = 0;
      let factAt = 0;
      const deadline = t0 + 60_000;
      while (checkpointAt === 0 || factAt === 0) {
        if (performance.now() > deadline) throw new Error(`freshness: event ${eventId} (position ${report.position}) not visible after 60 s`);
        if (checkpointAt === 0) {
          const status = JSON.parse(expectStatus(await client.get('/api/v1/status', viewer), [200], 'status').body) as StatusBody;
          if (status.projections.length > 0 && status.projections.every((p) => p.checkpoint >= report.position)) checkpointAt = performance.now();
        }
        if (factAt === 0) {
          const rows = await olap.query<{ n: number }>('SELECT count() AS n FROM fact_entity_locations WHERE event_id = {id:String}', { id: eventId });
          if (Number(rows[0]?.n ?? 0) > 0) factAt = performance.now();
        }
        if (checkpointAt === 0 || factAt === 0) await sleep(pollMs);
      }
      toCheckpoint.push(checkpointAt - t0);
      toFactRow.push(factAt - t0);
      // Spread the samples so each starts from an idle, caught-up platform.
      await sleep(20 + Math.random() * 30);
    }
    const ack = summarize(ingestAck);
    const cp = summarize(toCheckpoint);
    const fact = summarize(toFactRow);
    const route = options.kafka ? 'relay → Kafka → Kafka source → projections' : 'store subscription → projections';
    const figures: Figure[] = [
      { key: `${prefix}.ref.status_poll`, value: statusLatency.p50, unit: 'ms', lowerIsBetter: true, reference: true, note: 'p50 of one GET /api/v1/status (one poll)' },
      { key: `${prefix}.ref.fact_query`, value: factQuery.p50, unit: 'ms', lowerIsBetter: true, reference: true, note: 'p50 of one fact-table lookup by event_id (one poll)' },
      { key: `${prefix}.ingest_ack.p50`, value: ack.p50, unit: 'ms', lowerIsBetter: true, ref: `${prefix}.ref.status_poll`, note: 'POST of one record → 201' },
      { key: `${prefix}.checkpoint.p50`, value: cp.p50, unit: 'ms', lowerIsBetter: true, ref: `${prefix}.ref.status_poll`, note: `POST → every projection checkpoint ≥ the returned position (${route}); n=${cp.n}` },
      { key: `${prefix}.checkpoint.p99`, value: cp.p99, unit: 'ms', lowerIsBetter: true, ref: `${prefix}.ref.status_poll` },
      { key: `${prefix}.fact_row.p50`, value: fact.p50, unit: 'ms', lowerIsBetter: true, ref: `${prefix}.ref.fact_query`, note: `POST → the event's row visible in fact_entity_locations; n=${fact.n}` },
      { key: `${prefix}.fact_row.p99`, value: fact.p99, unit: 'ms', lowerIsBetter: true, ref: `${prefix}.ref.fact_query` },
    ];
    notes.push(`${prefix}: max ${cp.max.toFixed(0)} ms to checkpoint, ${fact.max.toFixed(0)} ms to the fact row over ${samples} samples; polls every ${pollMs} ms.`);
    return { figures, notes };
  } finally {
    client.close();
    await bench.stop();
    if (broker) {
      await broker.stop();
      rmSync(broker.dataDir, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { figures, notes } = await benchFreshness({ kafka: process.argv.includes('--kafka') });
  for (const f of figures) console.log(`${f.key.padEnd(40)} ${f.value.toFixed(1).padStart(10)} ${f.unit}${f.note ? `  (${f.note})` : ''}`);
  for (const n of notes) console.log(n);
}
