import { randomUUID } from 'node:crypto';
import type { IHeaders } from 'kafkajs';
import type { Logger } from '../observability/logger.ts';
import type { RecordedEvent } from '../../contracts/events/index.ts';
import { decodeEvent, encodeEvent, headerText } from './codec.ts';
import { createKafka, createProducer, translateKafkaError, type KafkaConnection } from './kafkaClient.ts';

/** Headers a dead letter carries besides the original message's own. */
export const DLQ_HEADERS = {
  error: 'dlq-error',
  topic: 'dlq-topic',
  partition: 'dlq-partition',
  offset: 'dlq-offset',
  group: 'dlq-group',
  at: 'dlq-at',
} as const;

/** A message that could not be decoded into a RecordedEvent, as sent to the dead-letter topic. */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  error: string;
  groupId: string;
  at: string;
}

/**
 * A dead letter's headers: the original message's own, then why it failed, and where when it
 * came from a topic (a projection's dead letter came from the store and has no topic place).
 */
export function deadLetterHeaders(
  original: IHeaders | undefined,
  letter: Pick<DeadLetter, 'error' | 'groupId' | 'at'> & Partial<Pick<DeadLetter, 'topic' | 'partition' | 'offset'>>,
): IHeaders {
  return {
    ...original,
    [DLQ_HEADERS.error]: letter.error.slice(0, 4000),
    ...(letter.topic !== undefined ? { [DLQ_HEADERS.topic]: letter.topic } : {}),
    ...(letter.partition !== undefined ? { [DLQ_HEADERS.partition]: String(letter.partition) } : {}),
    ...(letter.offset !== undefined ? { [DLQ_HEADERS.offset]: letter.offset } : {}),
    [DLQ_HEADERS.group]: letter.groupId,
    [DLQ_HEADERS.at]: letter.at,
  };
}

/** One message of the dead-letter topic, with where it sits there (`brain dlq list`). */
export interface DeadLetterRecord extends DeadLetter {
  /** Its place in the dead-letter topic: what `replayDeadLetters({ only })` selects by. */
  dlq: { partition: number; offset: string };
  /** The original message's headers (eventId, type, position, schemaVersion when the relay sent it). */
  headers: Record<string, string>;
  /** The original value, as text. */
  value: string | null;
}

export interface DlqOptions extends KafkaConnection {
  /** The dead-letter topic (KAFKA_DLQ_TOPIC). */
  dlqTopic: string;
  log: Logger;
}

const DLQ_HEADER_NAMES = new Set<string>(Object.values(DLQ_HEADERS));

function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const v = headerText(headers, name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * Every message of the dead-letter topic, oldest first (up to `limit`). Reads with a throwaway
 * consumer group that commits nothing and is deleted afterwards, so listing changes nothing.
 */
export async function listDeadLetters(options: DlqOptions & { limit?: number }): Promise<DeadLetterRecord[]> {
  const { dlqTopic, log } = options;
  const kafka = createKafka({ clientId: 'brain-dlq', ...options }, log);
  const admin = kafka.admin();
  const groupId = `brain-dlq-reader-${randomUUID()}`;
  await admin.connect().catch((err) => {
    throw translateKafkaError(err, 'connecting to Kafka');
  });
  try {
    let ends: { partition: number; high: string; low: string }[];
    try {
      ends = await admin.fetchTopicOffsets(dlqTopic);
    } catch (err) {
      if ((err as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return []; // no poison message ever
      throw translateKafkaError(err, `reading offsets of ${dlqTopic}`);
    }
    const remaining = new Map(ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
    if (remaining.size === 0) return [];

    const records: DeadLetterRecord[] = [];
    const limit = options.limit ?? Infinity;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const end = remaining.get(partition);
              if (end === undefined || records.length >= limit) return;
              const headers = textHeaders(message.headers);
              records.push({
                topic: headers[DLQ_HEADERS.topic] ?? '',
                partition: Number(headers[DLQ_HEADERS.partition] ?? -1),
                offset: headers[DLQ_HEADERS.offset] ?? '',
                key: message.key?.toString() ?? null,
                error: headers[DLQ_HEADERS.error] ?? '',
                groupId: headers[DLQ_HEADERS.group] ?? '',
                at: headers[DLQ_HEADERS.at] ?? '',
                dlq: { partition, offset: message.offset },
                headers: Object.fromEntries(Object.entries(headers).filter(([k]) => !DLQ_HEADER_NAMES.has(k))),
                value: message.value?.toString('utf8') ?? null,
              });
              if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
              if (remaining.size === 0 || records.length >= limit) resolve();
            },
          })
          .catch(reject);
      });
    } catch (err) {
      throw translateKafkaError(err, `reading ${dlqTopic}`);
    } finally {
      await consumer.disconnect().catch(() => {});
      await admin.deleteGroups([groupId]).catch(() => {});
    }
    return records.sort((a, b) => a.dlq.partition - b.dlq.partition || Number(BigInt(a.dlq.offset) - BigInt(b.dlq.offset)));
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export interface ReplayReport {
  /** Dead letters published back to the events topic. */
  replayed: DeadLetterRecord[];
  /** Dead letters left where they are: they still do not decode (use `force` to send them anyway). */
  stillFailing: { record: DeadLetterRecord; error: string }[];
}

/**
 * Publishes dead letters back to the events topic (`brain dlq replay`), e.g. after a fix to the
 * contracts made them decodable. Only those that now decode go, unless `force`; `only` picks
 * entries by their dead-letter place (`"<partition>:<offset>"`, as listDeadLetters shows them).
 * Replayed events keep their key and headers (the same eventId), so a consumer that had seen
 * them drops them; the dead-letter topic itself is left as it is, as a record.
 */
export async function replayDeadLetters(options: DlqOptions & { topic: string; only?: string[]; force?: boolean }): Promise<ReplayReport> {
  const { topic, log } = options;
  const wanted = options.only ? new Set(options.only) : undefined;
  const records = (await listDeadLetters(options)).filter((r) => !wanted || wanted.has(`${r.dlq.partition}:${r.dlq.offset}`));

  const replayed: DeadLetterRecord[] = [];
  const stillFailing: ReplayReport['stillFailing'] = [];
  for (const record of records) {
    const decoded = decodeEvent(record.value);
    if (decoded.ok || options.force) replayed.push(record);
    else stillFailing.push({ record, error: decoded.error });
  }
  if (replayed.length > 0) {
    const producer = createProducer(createKafka({ clientId: 'brain-dlq', ...options }, log));
    try {
      await producer.connect();
      await producer.sendBatch({
        acks: -1,
        topicMessages: [
          {
            topic,
            messages: replayed.map((r) => ({
              key: r.key,
              value: r.value,
              headers: { ...r.headers, 'dlq-replayed-from': `${options.dlqTopic}/${r.dlq.partition}:${r.dlq.offset}` },
            })),
          },
        ],
      });
    } catch (err) {
      throw translateKafkaError(err, `replaying ${replayed.length} dead letters to ${topic}`);
    } finally {
      await producer.disconnect().catch(() => {});
    }
    log.info({ topic, replayed: replayed.length, stillFailing: stillFailing.length }, 'dead letters replayed');
  }
  return { replayed, stillFailing };
}

/** A projection's dead letter: the event whose project() threw, with the error. */
export interface ProjectionDeadLetter {
  projection: string;
  version: number;
  event: RecordedEvent;
  error: string;
}

/**
 * Publishes events whose projection threw to the dead-letter topic, with the error in the
 * headers, so `brain dlq list|replay` sees them beside the messages that could not be decoded.
 */
export function createDeadLetterPublisher(options: DlqOptions & { groupId: string }) {
  const producer = createProducer(createKafka({ clientId: 'brain-dlq-publisher', ...options }, options.log));
  let connected: Promise<void> | undefined;
  return {
    async publish(letters: readonly ProjectionDeadLetter[]): Promise<void> {
      if (letters.length === 0) return;
      const at = new Date().toISOString();
      try {
        // A failed connect is not kept: the next publish tries again.
        connected ??= producer.connect().catch((err: unknown) => {
          connected = undefined;
          throw err;
        });
        await connected;
        await producer.send({
          topic: options.dlqTopic,
          acks: -1,
          messages: letters.map((l) => {
            const message = encodeEvent(l.event);
            const error = `projection ${l.projection} v${l.version}: ${l.error}`;
            return { ...message, headers: deadLetterHeaders(message.headers, { error, groupId: options.groupId, at }) };
          }),
        });
      } catch (err) {
        throw translateKafkaError(err, `publishing dead letters to ${options.dlqTopic}`);
      }
    },
    async close(): Promise<void> {
      if (connected) await producer.disconnect().catch(() => {});
    },
  };
}
