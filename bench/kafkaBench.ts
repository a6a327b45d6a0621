import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { DomainEvent } from '../contracts/events/index.ts';
import { kafkaEventSource } from '../services/bus/kafkaEventSource.ts';
import { createRelay } from '../services/bus/relay.ts';
import { createSqliteEventStore } from '../services/eventStore/sqliteEventStore.ts';
import { startBroker } from '../scripts/kafka/broker.js';
import { FACT_PROJECTIONS } from '../projections/facts/index.ts';
import { createProjectionRunner } from '../projections/runner/projectionRunner.ts';
import { createIngestService } from '../services/ingest/ingestService.ts';
import { createOlapClient } from '../services/olap/client.ts';
import { generateHistory } from '../services/seed/generateHistory.ts';

const EVENTS = Number(process.env.BENCH_KAFKA_EVENTS ?? 50_000);
const STREAMS = 500;

function event(i: number): DomainEvent {
  return {
    type: 'TaskMilestoneReported',
    schemaVersion: 1,
    eventId: randomUUID(),
    streamId: `milestone-bench-${i % STREAMS}`,
    occurredAt: '2025-03-01',
    recordedAt: new Date().toISOString(),
    source: { system: '部门填报', unit: '科创局' },
    actor: 'bench',
    data: { task: (i % 18) + 1, milestoneId: `m-${i}`, title: `里程碑 ${i}`, unit: '科创局', dueOn: '2025-06-30', status: '进行中' },
  };
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Relay throughput (SQLite store → Kafka, idempotent producer, checkpoint per batch of 1,000), the
 * Kafka source's consume throughput (consumer group, decode + contract validation, commit per
 * batch) and Kafka → ClickHouse projection throughput (the fact projections fed by a consumer
 * group into chDB), on 50,000 events of the sample history's mix, 6 partitions. Uses KAFKA_BROKERS when set, else starts
 * a broker with scripts/kafka/broker.js (as `npm run kafka:start` does) and stops it afterwards.
 */
export async function benchKafka(): Promise<Record<string, number>> {
  const log = pino({ level: 'error' });
  const given = process.env.KAFKA_BROKERS;
  const broker = given ? undefined : await startBroker({ log: () => {} });
  const brokers = given ? given.split(',') : broker!.brokers;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brain-kafka-bench-'));
  const store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
  const topic = `bench-${randomUUID().slice(0, 8)}`;
  try {
    // The realistic mix of the sample history, through the ingest path, as the relay would see it.
    const ingest = createIngestService({ store, personSalt: 'bench-salt-0123456789abcdef' });
    let sent = 0;
    for (const batch of generateHistory({ to: '2026-06-30', seed: 4242 }).batches()) {
      if (sent >= EVENTS) break;
      await ingest.ingest(batch.slice(0, EVENTS - sent), { actor: 'bench' });
      sent += Math.min(batch.length, EVENTS - sent);
    }
    for (let i = (await store.head()).position; i < EVENTS; i += 1000) {
      const events = Array.from({ length: Math.min(1000, EVENTS - i) }, (_, j) => event(i + j));
      await store.appendMany(events.map((e) => ({ streamId: e.streamId, events: [e] })));
    }

    const relay = createRelay({
      store,
      kafka: { brokers },
      topic,
      partitions: 6,
      replicationFactor: 1,
      checkpoint: { path: path.join(dir, 'relay.checkpoint.json') },
      log,
      maxBatch: Number(process.env.BENCH_RELAY_BATCH ?? 1000),
    });
    await relay.start();
    const relayStart = performance.now();
    await until(async () => (await relay.status()).checkpoint >= EVENTS);
    const relaySeconds = (performance.now() - relayStart) / 1000;
    await relay.stop();

    let handed = 0;
    let firstBatchAt = 0;
    const source = kafkaEventSource({ brokers, topic, groupId: `${topic}-group`, dlqTopic: `${topic}.dlq`, log, maxBatch: 1000 });
    // Measured from the first batch: joining the group is a one-off, not throughput.
    const handle = await source.start(0, async (events) => {
      firstBatchAt ||= performance.now();
      handed += events.length;
    });
    await until(() => handed >= EVENTS);
    const consumeSeconds = (performance.now() - firstBatchAt) / 1000;
    await handle.stop();

    // Kafka → ClickHouse: the fact projections fed by a fresh consumer group, into chDB.
    const olap = await createOlapClient({ kind: 'chdb', path: path.join(dir, 'chdb'), database: 'bench' });
    const runner = createProjectionRunner({
      olap,
      source: kafkaEventSource({ brokers, topic, groupId: `${topic}-projector`, dlqTopic: `${topic}.dlq`, log, maxBatch: 5000 }),
      projections: FACT_PROJECTIONS,
    });
    const projectStart = performance.now();
    await runner.start();
    await until(async () => (await runner.status()).every((p) => p.checkpoint >= EVENTS));
    const projectSeconds = (performance.now() - projectStart) / 1000;
    await runner.stop();
    await olap.close();

    return {
      relay_events_per_s: Math.round(EVENTS / relaySeconds),
      kafka_consume_events_per_s: Math.round(EVENTS / consumeSeconds),
      kafka_projection_events_per_s: Math.round(EVENTS / projectSeconds),
    };
  } finally {
    await store.close();
    await broker?.stop();
    if (broker) rmSync(broker.dataDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchKafka()));
}
