import type { Admin, Consumer, KafkaMessage, Producer } from 'kafkajs';
import { BrainError } from '../../contracts/errors.ts';
import type { RecordedEvent } from '../../contracts/events/index.ts';
import type { EventSource } from '../../contracts/ports.ts';
import type { Logger } from '../observability/logger.ts';
import { decodeEvent } from './codec.ts';
import { deadLetterHeaders, type DeadLetter } from './dlq.ts';
import { createKafka, createProducer, ensureTopic, toKafkajsRetry, translateKafkaError, type KafkaConnection, EVENTS_TOPIC_CONFIGS } from './kafkaClient.ts';

export interface KafkaEventSourceOptions extends KafkaConnection {
  /** The events topic the relay publishes to (KAFKA_TOPIC). */
  topic: string;
  /** The consumer group (KAFKA_GROUP): workers sharing it split the partitions. */
  groupId: string;
  /** Where poison messages go (KAFKA_DLQ_TOPIC); created at start if missing. */
  dlqTopic: string;
  log: Logger;
  /** Most events per onBatch call (default 1,000); offsets are committed after each. */
  maxBatch?: number;
  /** When the group has no committed offset: read the topic from its start (default true). */
  fromBeginning?: boolean;
  /** Consumer-group session timeout in ms (default 30,000): how soon a dead worker's partitions move. */
  sessionTimeout?: number;
  /** Heartbeat interval in ms (default 3,000; well under sessionTimeout). */
  heartbeatInterval?: number;
  /** Replicas of the dead-letter topic when it is created (default 1). */
  replicationFactor?: number;
  /**
   * Partitions of the events topic if this worker is the first to need it (KAFKA_PARTITIONS):
   * a worker may start before the relay has created the topic, and must not fail for that.
   */
  partitions?: number;
  /** Called once a poison message is safely in the dead-letter topic (e.g. to record it in a table). */
  onDeadLetter?: (letter: DeadLetter) => void | Promise<void>;
}

/** A running Kafka source: what EventSource.start returns, plus what it has seen. */
export interface KafkaSourceHandle {
  stop(): Promise<void>;
  done: Promise<void>;
  /** Poison messages sent to the dead-letter topic since start. */
  deadLetters(): number;
}

/** The Kafka source: an EventSource whose handle also counts dead letters. */
export interface KafkaEventSource extends EventSource {
  start(fromPosition: number, onBatch: (events: RecordedEvent[]) => Promise<void>): Promise<KafkaSourceHandle>;
  watermark(): Promise<number>;
}

function next(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

/** One partition as the group's watermark sees it: its committed offset (with our metadata) and its end. */
export interface PartitionProgress {
  /** Next offset the group will read (-1: nothing committed yet). */
  committed: number;
  /** The global position of the last event committed from this partition (metadata of the commit; 0 when unknown). */
  position: number;
  /** The partition's high watermark and log start. */
  high: number;
  low: number;
}

/**
 * Every event at or before the returned position has been handled by the group. The relay
 * publishes in global-position order, one stream per partition, so inside a partition positions
 * rise. A partition whose committed offset reached its end (read before the ends) holds nothing
 * unhandled; one that lags has handled everything up to the position of its last commit, and its
 * next event lies beyond. So: the lowest committed position among lagging partitions, or, when
 * none lags, the highest committed position of all.
 */
export function groupWatermark(partitions: readonly PartitionProgress[]): number {
  const drained = (p: PartitionProgress) => p.committed >= p.high || (p.committed < 0 && p.low >= p.high);
  const lagging = partitions.filter((p) => !drained(p)).map((p) => p.position);
  if (lagging.length > 0) return Math.min(...lagging);
  return Math.max(0, ...partitions.map((p) => p.position));
}

/**
 * The projection runner's event source in the distributed mode: a Kafka consumer group over the
 * relay's topic. Each partition's messages are decoded and validated (contracts' DomainEvent);
 * a message that cannot be is a poison message: it goes to the dead-letter topic with the error in
 * its headers, is reported through `onDeadLetter`, and the partition goes on. Offsets are
 * committed only after onBatch resolved, so a crash or a rebalance redelivers, never skips: the
 * runner is idempotent by eventId.
 *
 * `fromPosition` of EventSource.start is not used: the group's committed offsets are this
 * source's checkpoint (a rebuild uses a new group id, e.g. one per projection version).
 */
export function kafkaEventSource(options: KafkaEventSourceOptions): KafkaEventSource {
  const { topic, groupId, dlqTopic, log } = options;
  const maxBatch = options.maxBatch ?? 1000;
  const kafka = createKafka({ clientId: `brain-projector-${groupId}`, ...options }, log);

  async function deadLetter(producer: Producer, partition: number, message: KafkaMessage, error: string): Promise<DeadLetter> {
    const letter: DeadLetter = {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      error: error.slice(0, 4000),
      groupId,
      at: new Date().toISOString(),
    };
    try {
      await producer.send({ topic: dlqTopic, acks: -1, messages: [{ key: message.key, value: message.value, headers: deadLetterHeaders(message.headers, letter) }] });
    } catch (err) {
      throw translateKafkaError(err, `dead-lettering ${topic}/${partition}@${message.offset}`);
    }
    log.warn({ topic, partition, offset: message.offset, error: letter.error, dlqTopic }, 'poison message sent to the dead-letter topic');
    return letter;
  }

  /** Position of the last event decoded per partition: committed with the offset, as its metadata. */
  const lastPosition = new Map<number, number>();
  let admin: Admin | undefined;
  let best = 0;
  let asking: Promise<number> | undefined;

  async function readWatermark(): Promise<number> {
    if (!admin) {
      const fresh = kafka.admin();
      await fresh.connect();
      admin = fresh;
    }
    try {
      // Committed offsets first, then the ends: a partition counts as drained only if nothing
      // arrived in it after its commit was read.
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, p]));
      const progress = ends.map((end): PartitionProgress => {
        const c = byPartition.get(end.partition);
        const position = Number(c?.metadata ?? '');
        return { committed: Number(c?.offset ?? -1), position: Number.isSafeInteger(position) ? position : 0, high: Number(end.high), low: Number(end.low) };
      });
      best = Math.max(best, groupWatermark(progress));
      return best;
    } catch (err) {
      const failed = admin;
      admin = undefined;
      await failed.disconnect().catch(() => {});
      throw translateKafkaError(err, `reading the progress of group ${groupId} on ${topic}`);
    }
  }

  return {
    // One order per partition, not one global order: the runner must not filter by position.
    ordered: false,
    watermark() {
      // Callers poll often (status, the KPI tables): concurrent asks share one round trip.
      asking ??= readWatermark().finally(() => (asking = undefined));
      return asking;
    },
    async start(_fromPosition, onBatch) {
      const setup = kafka.admin();
      try {
        await setup.connect();
        await ensureTopic(setup, { topic, partitions: options.partitions ?? 6, replicationFactor: options.replicationFactor ?? 1, configs: EVENTS_TOPIC_CONFIGS }, log);
        await ensureTopic(setup, { topic: dlqTopic, partitions: 1, replicationFactor: options.replicationFactor ?? 1 }, log);
      } catch (err) {
        throw translateKafkaError(err, `preparing topics ${topic} and ${dlqTopic}`);
      } finally {
        await setup.disconnect().catch(() => {});
      }

      const producer = createProducer(kafka);
      const consumer: Consumer = kafka.consumer({
        groupId,
        sessionTimeout: options.sessionTimeout ?? 30_000,
        heartbeatInterval: options.heartbeatInterval ?? 3000,
        maxWaitTimeInMs: 500,
        retry: {
          ...(options.retry ? toKafkajsRetry(options.retry) : {}),
          // A failure that outlived the retries restarts the consumer (it rejoins and resumes from
          // the committed offsets) when it may pass; our own non-retriable errors stop it.
          restartOnFailure: async (err: Error) => (err instanceof BrainError ? err.retriable : true),
        },
      });
      let deadLetters = 0;
      let stopping = false;
      let settle!: { resolve: () => void; reject: (err: unknown) => void };
      const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
      done.catch(() => {});
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) {
          log.warn({ err: payload.error.message, groupId }, 'kafka source: consumer restarts after a failure');
          return;
        }
        const err = translateKafkaError(payload.error, `consuming ${topic} in group ${groupId}`);
        log.error({ err, groupId }, 'kafka source stopped');
        settle.reject(err);
      });

      try {
        await producer.connect();
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
            let events: RecordedEvent[] = [];
            let last: string | undefined;
            const flush = async (): Promise<void> => {
              if (events.length > 0) await onBatch(events);
              const top = events.at(-1)?.position;
              if (top !== undefined) lastPosition.set(batch.partition, top);
              events = [];
              if (last === undefined) return;
              resolveOffset(last);
              const position = lastPosition.get(batch.partition);
              await consumer.commitOffsets([
                { topic: batch.topic, partition: batch.partition, offset: next(last), ...(position !== undefined ? { metadata: String(position) } : {}) },
              ]);
              last = undefined;
              await heartbeat();
            };
            for (const message of batch.messages) {
              // A revoked partition's remaining messages go to its new owner; nothing is committed.
              if (!isRunning() || isStale()) return;
              const decoded = decodeEvent(message.value);
              if (decoded.ok) events.push(decoded.event);
              else {
                const letter = await deadLetter(producer, batch.partition, message, decoded.error);
                deadLetters++;
                await options.onDeadLetter?.(letter);
              }
              last = message.offset;
              if (events.length >= maxBatch) await flush();
            }
            if (!isStale()) await flush();
          },
        });
      } catch (err) {
        await consumer.disconnect().catch(() => {});
        await producer.disconnect().catch(() => {});
        throw translateKafkaError(err, `starting the consumer of ${topic} in group ${groupId}`);
      }
      log.info({ topic, groupId }, 'kafka source started');

      return {
        done,
        deadLetters: () => deadLetters,
        async stop() {
          if (stopping) return done.catch(() => {});
          stopping = true;
          // disconnect() waits for the batch in flight, then leaves the group (partitions move at once).
          await consumer.disconnect().catch((err) => log.warn({ err }, 'kafka source: disconnect failed'));
          await producer.disconnect().catch(() => {});
          await admin?.disconnect().catch(() => {});
          admin = undefined;
          settle.resolve();
        },
      };
    },
  };
}
