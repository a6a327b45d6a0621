import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../contracts/ports.ts';
import { createRelay } from '../../services/bus/relay.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { startBroker, type RunningBroker } from '../../scripts/kafka/broker.js';
import { eventually, milestoneEvent, readTopic, testLog, uniqueName } from '../support/kafka.ts';
import { freshOlap } from '../support/olap.ts';
import { kafkaEventSource } from '../../services/bus/kafkaEventSource.ts';
import { createProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import { FACT_PROJECTIONS } from '../../projections/facts/index.ts';

// A broker of its own (the run's shared one stays up for the other tests), killed and restarted
// on the same ports and data while the store keeps taking events.
let broker: RunningBroker;
let dir: string;
let store: EventStore;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'brain-relay-restart-'));
  broker = await startBroker({ dataDir: path.join(dir, 'kafka'), heapMb: 384, log: () => {} });
  store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL', pollIntervalMs: 50 });
});

afterAll(async () => {
  await store?.close();
  await broker?.stop(5000);
  rmSync(dir, { recursive: true, force: true });
});

describe('when the Kafka broker dies mid-stream and comes back', () => {
  it('publishes every event committed meanwhile, each stream still in order', async () => {
    const topic = uniqueName('restart');
    const streams = Array.from({ length: 6 }, (_, i) => `${uniqueName('task')}-${i}`);
    const appended: string[] = [];
    let appending = true;
    const appender = (async () => {
      for (let n = 0; appending; n++) {
        const batch = [0, 1, 2].map((i) => milestoneEvent(streams[(n * 3 + i) % streams.length]!));
        await store.appendMany(batch.map((e) => ({ streamId: e.streamId, events: [e] })));
        appended.push(...batch.map((e) => e.eventId));
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    const relay = createRelay({
      store,
      kafka: { brokers: broker.brokers, clientId: 'relay-restart-test', retry: { initialDelayMs: 100, multiplier: 2, maxDelayMs: 1000, maxRetries: 4, jitter: 0.2 } },
      topic,
      partitions: 3,
      replicationFactor: 1,
      checkpoint: { path: path.join(dir, 'relay.checkpoint.json') },
      log: testLog(),
      maxBatch: 25,
      restart: { initialDelayMs: 200, multiplier: 2, maxDelayMs: 1000, maxRetries: Infinity, jitter: 0.2 },
    });
    try {
      await relay.start();
      await eventually('100 events published before the crash', async () => (await relay.status()).checkpoint >= 100);

      process.kill(broker.pid, 'SIGKILL');
      await broker.exited;
      const atCrash = appended.length;
      await eventually('the store to take 150 more events while Kafka is down', () => appended.length >= atCrash + 150);
      const status = await relay.status();
      expect(status.lag).toBeGreaterThan(0);

      broker = await startBroker({ port: broker.port, controllerPort: broker.controllerPort, dataDir: broker.dataDir, heapMb: 384, log: () => {} });
      const afterRestart = appended.length;
      await eventually('more appends after the restart', () => appended.length >= afterRestart + 60);
      appending = false;
      await appender;

      const head = (await store.head()).position;
      expect(head).toBe(appended.length);
      await eventually('the relay to publish everything', async () => (await relay.status()).checkpoint === head, 60_000);
      expect((await relay.status()).state).toBe('running');
    } finally {
      appending = false;
      await appender;
      await relay.stop();
    }

    const all = new Set(appended);
    const read = await readTopic(topic, (m) => new Set(m.map((x) => x.headers.eventId)).size >= all.size, { brokers: broker.brokers });
    const ids = new Set(read.map((m) => m.headers.eventId));
    expect([...all].filter((id) => !ids.has(id))).toEqual([]); // nothing lost
    expect(ids.size).toBe(all.size);
    // Duplicates (a batch sent before the crash but never acknowledged) are the same event again:
    // dropping repeated eventIds leaves every stream 0, 1, 2, … in order.
    const seen = new Set<string>();
    const versions = new Map<string, number[]>();
    for (const m of read) {
      if (seen.has(m.headers.eventId!)) continue;
      seen.add(m.headers.eventId!);
      versions.set(m.key, [...(versions.get(m.key) ?? []), m.event!.streamVersion]);
    }
    expect(versions.size).toBe(streams.length);
    for (const v of versions.values()) expect(v).toEqual(v.map((_, i) => i));

    // Downstream, no double count: a Kafka-fed worker projects the topic, re-published batches
    // included, and the fact table holds each event once.
    const olap = await freshOlap('relayrestart');
    const source = kafkaEventSource({ brokers: broker.brokers, topic, groupId: uniqueName('g'), dlqTopic: `${topic}-dlq`, log: testLog(), maxBatch: 40 });
    const runner = createProjectionRunner({ olap, source, projections: FACT_PROJECTIONS, flushMs: 50 });
    await runner.start();
    try {
      // A Kafka-fed worker's checkpoint is the highest position written (partitions progress
      // independently), so wait on the table itself: every event there, then none twice.
      const table = `${olap.database}.fact_milestones`;
      await eventually('the worker to project the whole topic', async () => {
        const [r] = await olap.query<{ ids: number }>(`SELECT uniqExact(event_id) AS ids FROM ${table}`);
        return r!.ids >= all.size;
      }, 90_000);
      const [row] = await olap.query<{ n: number; ids: number }>(`SELECT count() AS n, uniqExact(event_id) AS ids FROM ${table} FINAL`);
      expect(row).toEqual({ n: all.size, ids: all.size });
      console.log(`relay broker restart: ${read.length - all.size} re-published messages in the topic, ${all.size} events, each counted once`);
    } finally {
      await runner.stop();
      await olap.close();
    }
  }, 180_000);
});
