import kafkajs, { type Message } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../contracts/events/index.ts';
import { InfrastructureError } from '../../contracts/errors.ts';
import { encodeEvent } from '../../services/bus/codec.ts';
import { listDeadLetters, replayDeadLetters, type DeadLetter } from '../../services/bus/dlq.ts';
import { groupWatermark, kafkaEventSource, type KafkaSourceHandle } from '../../services/bus/kafkaEventSource.ts';
import { eventually, kafkaBrokers, milestoneEvent, rawKafka, testLog, uniqueName } from '../support/kafka.ts';

const { Partitioners } = kafkajs;
const handles: KafkaSourceHandle[] = [];

afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop()));
});

/** Recorded events of one stream, as the relay would have published them. */
function recorded(streamId: string, n: number, firstPosition = 1): RecordedEvent[] {
  return Array.from({ length: n }, (_, i) => ({ ...milestoneEvent(streamId), position: firstPosition + i, streamVersion: i }));
}

async function setUp(partitions = 3) {
  const topic = uniqueName('events');
  const dlqTopic = `${topic}.dlq`;
  const groupId = uniqueName('projector');
  const kafka = rawKafka();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const send = (messages: Message[], to = topic) =>
    producer.sendBatch({ acks: -1, topicMessages: [{ topic: to, messages }] });
  const close = async () => {
    await producer.disconnect();
    await admin.disconnect();
  };
  return { topic, dlqTopic, groupId, admin, send, close };
}

describe('when the projection source reads the events topic', () => {
  it('dead-letters poison messages with the error and goes on with the partition', async () => {
    const { topic, dlqTopic, groupId, admin, send, close } = await setUp();
    try {
      const stream = `${uniqueName('task')}-a`;
      const [e1, e2, e3] = recorded(stream, 3);
      const other = recorded(`${uniqueName('task')}-b`, 4, 10);
      // One key, so all five land on one partition, poison in the middle.
      await send([
        encodeEvent(e1!),
        { key: stream, value: 'not json {' },
        encodeEvent(e2!),
        { key: stream, value: JSON.stringify({ ...e3, type: 'NoSuchEvent' }), headers: { eventId: e3!.eventId } },
        encodeEvent(e3!),
        ...other.map((e) => encodeEvent(e)),
      ]);

      const handed: RecordedEvent[] = [];
      const letters: DeadLetter[] = [];
      const source = kafkaEventSource({ brokers: kafkaBrokers(), topic, groupId, dlqTopic, log: testLog(), onDeadLetter: (l) => void letters.push(l) });
      const handle = await source.start(0, async (events) => void handed.push(...events));
      handles.push(handle);
      await eventually('all 7 valid events', () => handed.length >= 7);

      expect(handed.filter((e) => e.streamId === stream).map((e) => e.eventId)).toEqual([e1!.eventId, e2!.eventId, e3!.eventId]);
      expect(handed.filter((e) => e.streamId !== stream).map((e) => e.streamVersion)).toEqual([0, 1, 2, 3]);
      expect(handed.find((e) => e.eventId === e1!.eventId)).toEqual(e1); // decoded back to the very event
      expect(handle.deadLetters()).toBe(2);
      expect(letters.map((l) => l.error)).toEqual([expect.stringMatching(/^not JSON/), expect.stringMatching(/^not a valid event/)]);
      expect(letters.map((l) => l.offset)).toEqual(['1', '3']);

      // Offsets were committed past the poison messages: nothing is pending for the group.
      await handle.stop();
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends.filter((p) => p.high !== '0'))
        expect(committed[0]!.partitions.find((p) => p.partition === end.partition)!.offset).toBe(end.high);

      const listed = await listDeadLetters({ brokers: kafkaBrokers(), dlqTopic, log: testLog() });
      expect(listed.map((l) => ({ offset: l.offset, key: l.key, topic: l.topic, groupId: l.groupId }))).toEqual([
        { offset: '1', key: stream, topic, groupId },
        { offset: '3', key: stream, topic, groupId },
      ]);
      expect(listed[0]!.value).toBe('not json {');
      expect(listed[1]!.headers).toEqual({ eventId: e3!.eventId });
      expect(listed[1]!.error).toMatch(/NoSuchEvent|Invalid/);
    } finally {
      await close();
    }
  });

  it('replays the dead letters that decode now, and keeps the others', async () => {
    const { topic, dlqTopic, groupId, send, close } = await setUp(1);
    try {
      const handed: RecordedEvent[] = [];
      const handle = await kafkaEventSource({ brokers: kafkaBrokers(), topic, groupId, dlqTopic, log: testLog() }).start(0, async (events) =>
        void handed.push(...events),
      );
      handles.push(handle);
      // As if an older, stricter build had dead-lettered a valid event, next to a real poison one.
      const [fixed] = recorded(`${uniqueName('task')}-r`, 1, 42);
      await send(
        [
          { key: 'k', value: '{"broken":', headers: { 'dlq-error': 'not JSON', 'dlq-offset': '7' } },
          { ...encodeEvent(fixed!), headers: { ...encodeEvent(fixed!).headers, 'dlq-error': 'old schema' } },
        ],
        dlqTopic,
      );

      const report = await replayDeadLetters({ brokers: kafkaBrokers(), dlqTopic, topic, log: testLog() });
      expect(report.replayed.map((r) => r.headers.eventId)).toEqual([fixed!.eventId]);
      expect(report.stillFailing.map((f) => f.record.dlq.offset)).toEqual(['0']);
      await eventually('the replayed event to reach the source', () => handed.length === 1);
      expect(handed[0]).toEqual(fixed);
    } finally {
      await close();
    }
  });

  it('commits nothing for a batch whose handler failed, so it comes again', async () => {
    const { topic, dlqTopic, groupId, send, close } = await setUp(1);
    try {
      const events = recorded(`${uniqueName('task')}-f`, 5);
      await send(events.map((e) => encodeEvent(e)));
      const calls: string[][] = [];
      const handle = await kafkaEventSource({
        brokers: kafkaBrokers(),
        topic,
        groupId,
        dlqTopic,
        log: testLog(),
        retry: { initialDelayMs: 50, multiplier: 2, maxDelayMs: 200, maxRetries: 2, jitter: 0.2 },
      }).start(0, async (batch) => {
        calls.push(batch.map((e) => e.eventId));
        if (calls.length === 1) throw new InfrastructureError('olap down', { retriable: true });
      });
      handles.push(handle);
      await eventually('a second delivery', () => calls.length >= 2);
      expect(calls[0]).toEqual(events.map((e) => e.eventId));
      expect(calls[1]).toEqual(events.map((e) => e.eventId));
    } finally {
      await close();
    }
  });

  it('has a watermark that never claims a position a lagging partition has not handled, and reaches the end', async () => {
    const { topic, dlqTopic, groupId, send, close } = await setUp(2);
    const gates: Array<() => void> = [];
    let open = false;
    try {
      const a = `${uniqueName('task')}-a`;
      const b = `${uniqueName('task')}-b`;
      // As the relay publishes: global positions interleave across the two partitions.
      const event = (stream: string, position: number, version: number): RecordedEvent => ({ ...milestoneEvent(stream), position, streamVersion: version });
      const round = (first: number) => [
        ...[first, first + 2, first + 4].map((p, i) => ({ ...encodeEvent(event(a, p, first + i)), partition: 0 })),
        ...[first + 1, first + 3, first + 5].map((p, i) => ({ ...encodeEvent(event(b, p, first + i)), partition: 1 })),
      ];
      const handled = new Set<number>();
      /** Every position up to the returned one has been handled. */
      const contiguous = () => {
        let p = 0;
        while (handled.has(p + 1)) p++;
        return p;
      };
      const source = kafkaEventSource({ brokers: kafkaBrokers(), topic, groupId, dlqTopic, log: testLog() });
      const handle = await source.start(0, async (events) => {
        if (!open) await new Promise<void>((release) => gates.push(release));
        for (const e of events) handled.add(e.position);
      });
      handles.push(handle);

      const seen: number[] = [];
      for (const first of [1, 7]) {
        await send(round(first));
        const last = first + 5;
        while (contiguous() < last) {
          await eventually('a batch waiting at the gate', () => gates.length > 0 || contiguous() >= last);
          if (gates.length === 0) break;
          // A batch is in its handler (not committed): whatever partition it is, the watermark
          // covers only what was handled before, never the higher positions another partition holds.
          const w = await source.watermark();
          expect(w).toBeLessThanOrEqual(contiguous());
          seen.push(w);
          gates.shift()!();
        }
        await eventually(`the watermark reaches ${last}`, async () => (await source.watermark()) === last);
        seen.push(await source.watermark());
      }
      // It never went back, and it moved.
      expect(seen).toEqual([...seen].sort((x, y) => x - y));
      expect(seen.at(-1)).toBe(12);
    } finally {
      // A failed expectation must not leave a batch waiting (stopping the source waits for it).
      open = true;
      for (const release of gates.splice(0)) release();
      await close();
    }
  });
});

describe('the group watermark of partitions', () => {
  it('is the lowest committed position among lagging partitions, or the highest when none lags', () => {
    // p0 handled through position 9 and is drained; p1 lags after position 6: its next event is beyond 6 only.
    expect(
      groupWatermark([
        { committed: 5, position: 9, high: 5, low: 0 },
        { committed: 3, position: 6, high: 5, low: 0 },
      ]),
    ).toBe(6);
    expect(
      groupWatermark([
        { committed: 5, position: 9, high: 5, low: 0 },
        { committed: 5, position: 10, high: 5, low: 0 },
        { committed: -1, position: 0, high: 0, low: 0 },
      ]),
    ).toBe(10);
    // A partition never committed but holding messages: nothing can be claimed yet.
    expect(
      groupWatermark([
        { committed: 4, position: 8, high: 4, low: 0 },
        { committed: -1, position: 0, high: 2, low: 0 },
      ]),
    ).toBe(0);
  });
});
