import kafkajs, { type Message } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../contracts/events/index.ts';
import { InfrastructureError } from '../../contracts/errors.ts';
import { encodeEvent } from '../../services/bus/codec.ts';
import { listDeadLetters, replayDeadLetters, type DeadLetter } from '../../services/bus/dlq.ts';
import { kafkaEventSource, type KafkaSourceHandle } from '../../services/bus/kafkaEventSource.ts';
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
});
