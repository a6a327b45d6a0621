import { randomUUID } from 'node:crypto';
import kafkajs, { type Consumer, type KafkaMessage } from 'kafkajs';
import pino from 'pino';
import { inject } from 'vitest';
import type { DomainEventOf, RecordedEvent } from '../../contracts/events/index.ts';
import { EVENT_HEADERS, decodeEvent, headerText } from '../../services/bus/codec.ts';
import type { Logger } from '../../services/observability/logger.ts';

const { Kafka, logLevel } = kafkajs;

/** The bootstrap servers of this run's real broker (started by test/support/globalSetup.ts). */
export function kafkaBrokers(): string[] {
  return inject('kafkaBrokers').split(',');
}

/** A topic / group name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Logs only warnings and errors, to the test's output. */
export function testLog(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'error' });
}

/** A plain kafkajs client for what a test does around the code under test (inspecting topics). */
export function rawKafka(brokers: string[] = kafkaBrokers()) {
  return new Kafka({ brokers, clientId: 'brain-test', logLevel: logLevel.NOTHING });
}

let counter = 0;

/** A valid TaskMilestoneReported event of `streamId` (a stream of milestone reports). */
export function milestoneEvent(streamId: string, n = ++counter): DomainEventOf<'TaskMilestoneReported'> {
  return {
    type: 'TaskMilestoneReported',
    schemaVersion: 1,
    eventId: randomUUID(),
    streamId,
    occurredAt: '2025-03-01',
    recordedAt: new Date().toISOString(),
    source: { system: '部门填报', unit: '科创局' },
    actor: 'test',
    data: { task: 3, milestoneId: `m-${n}`, title: `里程碑 ${n}`, unit: '科创局', dueOn: '2025-06-30', status: '进行中' },
  };
}

/** `n` events spread over `streams` streams, round-robin, with their stream ids `prefix-<i>`. */
export function milestoneEvents(n: number, streams: number, prefix = uniqueName('task')): DomainEventOf<'TaskMilestoneReported'>[] {
  return Array.from({ length: n }, (_, i) => milestoneEvent(`${prefix}-${i % streams}`));
}

export interface ReadMessage {
  partition: number;
  offset: string;
  key: string;
  headers: Record<string, string | undefined>;
  event: RecordedEvent | undefined;
  raw: KafkaMessage;
}

/**
 * Reads a topic from the beginning until `until` holds for what was read (or the timeout passes)
 * with a fresh consumer group, then leaves. Returns the messages in arrival order.
 */
export async function readTopic(
  topic: string,
  until: (messages: ReadMessage[]) => boolean,
  options: { brokers?: string[]; timeoutMs?: number; headers?: readonly string[] } = {},
): Promise<ReadMessage[]> {
  const consumer: Consumer = rawKafka(options.brokers).consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  const read: ReadMessage[] = [];
  const names = options.headers ?? EVENT_HEADERS;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let satisfied!: () => void;
    const enough = new Promise<void>((resolve) => (satisfied = resolve));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const decoded = decodeEvent(message.value);
        read.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          headers: Object.fromEntries(names.map((h) => [h, headerText(message.headers, h)])),
          event: decoded.ok ? decoded.event : undefined,
          raw: message,
        });
        if (until(read)) satisfied();
      },
    });
    if (!until(read)) {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, options.timeoutMs ?? 30_000).unref());
      await Promise.race([enough, timeout]);
    }
    return read;
  } finally {
    await consumer.disconnect();
  }
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How many messages a topic holds (the sum of its partitions' end offsets). */
export async function topicMessageCount(topic: string, brokers?: string[]): Promise<number> {
  const admin = rawKafka(brokers).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}
