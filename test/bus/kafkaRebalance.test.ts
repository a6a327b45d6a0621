import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import kafkajs from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEvent } from '../../services/bus/codec.ts';
import { kafkaEventSource, type KafkaSourceHandle } from '../../services/bus/kafkaEventSource.ts';
import { eventually, kafkaBrokers, milestoneEvent, rawKafka, testLog, uniqueName } from '../support/kafka.ts';

const { Partitioners } = kafkajs;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Worker A, in its own process: every eventId it was handed arrives in `seen`. */
function spawnWorker(args: string[], seen: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'support', 'consumerProcess.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  createInterface({ input: child.stdout! }).on('line', (line) => seen.push(line));
  cleanup.push(() => void child.kill('SIGKILL'));
  return child;
}

describe('when projection workers join and die in one consumer group', () => {
  it('hands every event over at least once, and dedup by eventId counts each exactly once', async () => {
    const topic = uniqueName('rebalance');
    const dlqTopic = `${topic}.dlq`;
    const groupId = uniqueName('workers');
    const kafka = rawKafka();
    const admin = kafka.admin();
    await admin.connect();
    cleanup.push(() => admin.disconnect());
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 4, replicationFactor: 1 }] });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    cleanup.push(() => producer.disconnect());

    const streams = Array.from({ length: 24 }, (_, i) => `${uniqueName('task')}-${i}`);
    const produced: string[] = [];
    let position = 0;
    const versions = new Map<string, number>();
    async function produce(n: number): Promise<void> {
      const events = Array.from({ length: n }, () => {
        const streamId = streams[position % streams.length]!;
        const streamVersion = versions.get(streamId) ?? 0;
        versions.set(streamId, streamVersion + 1);
        return { ...milestoneEvent(streamId), position: ++position, streamVersion };
      });
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: events.map(encodeEvent) }] });
      produced.push(...events.map((e) => e.eventId));
    }

    await produce(150);
    const seenByA: string[] = [];
    const a = spawnWorker([kafkaBrokers().join(','), topic, groupId, dlqTopic], seenByA);
    await eventually('worker A to get going', () => seenByA.length >= 20, 45_000);

    // Worker B joins mid-stream: the group rebalances and the partitions are split.
    const seenByB: { eventId: string; streamId: string; streamVersion: number }[] = [];
    const b = kafkaEventSource({ brokers: kafkaBrokers(), topic, groupId, dlqTopic, log: testLog(), maxBatch: 10, sessionTimeout: 3000, heartbeatInterval: 500 });
    const handle: KafkaSourceHandle = await b.start(0, async (events) => {
      seenByB.push(...events.map((e) => ({ eventId: e.eventId, streamId: e.streamId, streamVersion: e.streamVersion })));
    });
    cleanup.push(() => handle.stop());
    await produce(150);
    // A works slowly (30 ms a batch of 10), so it is still busy with its partitions when it dies.
    await eventually('B to get its share of the partitions', () => seenByB.length > 0);

    // Worker A dies without a goodbye; its partitions move to B once its session expires.
    a.kill('SIGKILL');
    await new Promise((r) => a.once('exit', r));
    await produce(150);

    const all = new Set(produced);
    const union = () => new Set([...seenByA, ...seenByB.map((e) => e.eventId)]);
    await eventually('B to take over what A left', () => [...all].every((id) => union().has(id)), 45_000);

    const handedOver = [...seenByA, ...seenByB.map((e) => e.eventId)];
    expect(handedOver.length).toBeGreaterThanOrEqual(all.size); // at least once
    expect([...union()].filter((id) => !all.has(id))).toEqual([]); // nothing invented
    expect(union().size).toBe(450); // after dedup: each event counted exactly once
    expect(seenByA.length).toBeGreaterThan(0);
    expect(seenByB.length).toBeGreaterThan(0);
    // What B got of each stream came in stream order (redeliveries restart from a committed offset).
    const firstSeen = new Map<string, number[]>();
    const dedup = new Set<string>();
    for (const e of seenByB) {
      if (dedup.has(e.eventId)) continue;
      dedup.add(e.eventId);
      firstSeen.set(e.streamId, [...(firstSeen.get(e.streamId) ?? []), e.streamVersion]);
    }
    for (const v of firstSeen.values()) expect(v).toEqual([...v].sort((x, y) => x - y));
  }, 120_000);
});
