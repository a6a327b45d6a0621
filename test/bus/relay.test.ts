import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../contracts/events/index.ts';
import type { EventStore } from '../../contracts/ports.ts';
import { fileCheckpoint } from '../../services/bus/checkpoint.ts';
import { createRelay, type Relay } from '../../services/bus/relay.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { eventually, kafkaBrokers, milestoneEvents, readTopic, testLog, topicMessageCount, uniqueName, type ReadMessage } from '../support/kafka.ts';

let dir: string;
let store: EventStore;
const relays: Relay[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'brain-relay-'));
  store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL', pollIntervalMs: 50 });
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function append(events: DomainEvent[]): Promise<void> {
  // One request per event keeps the streams interleaved in the global log.
  await store.appendMany(events.map((e) => ({ streamId: e.streamId, events: [e] })));
}

function relay(topic: string, extra: { brokers?: string[]; maxBatch?: number } = {}): Relay {
  const r = createRelay({
    store,
    kafka: { brokers: extra.brokers ?? kafkaBrokers(), clientId: 'relay-test' },
    topic,
    partitions: 4,
    replicationFactor: 1,
    checkpoint: { path: path.join(dir, 'relay.checkpoint.json') },
    log: testLog(),
    maxBatch: extra.maxBatch ?? 50,
  });
  relays.push(r);
  return r;
}

/** Per stream, the stream versions in the order the messages arrived. */
function versionsByStream(messages: ReadMessage[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of messages) out.set(m.key, [...(out.get(m.key) ?? []), m.event!.streamVersion]);
  return out;
}

describe('when the relay publishes committed events', () => {
  it('sends each event once, keyed by stream, in stream order, with its headers', async () => {
    const topic = uniqueName('relay');
    const events = milestoneEvents(300, 7);
    await append(events.slice(0, 120));
    const r = relay(topic);
    await r.start();
    await append(events.slice(120)); // live appends after the catch-up
    await eventually('the relay to catch up', async () => (await r.status()).lag === 0 && (await r.status()).checkpoint === 300);

    const read = await readTopic(topic, (m) => m.length >= 300);
    expect(read).toHaveLength(300);
    expect(new Set(read.map((m) => m.headers.eventId))).toEqual(new Set(events.map((e) => e.eventId)));
    for (const m of read) {
      expect(m.key).toBe(m.event!.streamId);
      expect(m.headers).toEqual({
        eventId: m.event!.eventId,
        type: 'TaskMilestoneReported',
        position: String(m.event!.position),
        schemaVersion: '1',
      });
    }
    // One stream lives on one partition, and arrives 0, 1, 2, … in order.
    for (const [stream, versions] of versionsByStream(read)) {
      expect(new Set(read.filter((m) => m.key === stream).map((m) => m.partition)).size).toBe(1);
      expect(versions).toEqual(versions.map((_, i) => i));
    }
    const status = await r.status();
    expect(status).toMatchObject({ state: 'running', checkpoint: 300, head: 300, lag: 0, published: 300 });
  });

  it('resumes from its checkpoint after a restart without publishing anything again', async () => {
    const topic = uniqueName('relay-restart');
    const events = milestoneEvents(200, 5);
    await append(events.slice(0, 80));
    const first = relay(topic);
    await first.start();
    await eventually('the first relay to publish 80', async () => (await first.status()).checkpoint === 80);
    await first.stop();
    expect((await first.status()).state).toBe('stopped');
    expect(await fileCheckpoint(path.join(dir, 'relay.checkpoint.json')).load()).toBe(80);

    await append(events.slice(80)); // committed while no relay runs
    const second = relay(topic);
    await second.start();
    await eventually('the second relay to catch up', async () => (await second.status()).checkpoint === 200);
    expect((await second.status()).published).toBe(120);

    // Exactly once here: every event acknowledged before the stop was not sent again.
    expect(await topicMessageCount(topic)).toBe(200);
    const read = await readTopic(topic, (m) => m.length >= 200);
    expect(read.map((m) => m.headers.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    for (const versions of versionsByStream(read).values()) expect(versions).toEqual(versions.map((_, i) => i));
  });

  it('refuses settings that cannot work, saying which', async () => {
    expect(() =>
      createRelay({
        store,
        kafka: { brokers: ['no-port'] },
        topic: 't',
        partitions: 1,
        replicationFactor: 1,
        checkpoint: { path: path.join(dir, 'c.json') },
        log: testLog(),
      }),
    ).toThrow(/host:port/);
    const r = createRelay({
      store,
      kafka: { brokers: kafkaBrokers() },
      topic: uniqueName('relay-bad'),
      partitions: 0,
      replicationFactor: 1,
      checkpoint: { path: path.join(dir, 'c.json') },
      log: testLog(),
    });
    await expect(r.start()).rejects.toThrow(/partitions must be an integer >= 1/);
  });
});
