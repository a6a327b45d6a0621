import kafkajs, { type Admin, type Kafka, type Producer } from 'kafkajs';
import { BrainError, InfrastructureError, ValidationError } from '../../contracts/errors.ts';
import type { Logger } from '../observability/logger.ts';
import { POLICIES, type RetryPolicy } from '../../contracts/retry.ts';

const { Kafka: KafkaClient, logLevel, Partitioners } = kafkajs;

/**
 * Each kafkajs request: 300 ms, 600 ms, … capped at 10 s, 8 retries (~40 s in all), which rides
 * out a broker restart or a leader election without the caller seeing an error.
 */
export const KAFKA_RETRY: RetryPolicy = POLICIES.KAFKA_REQUESTS;

/** kafkajs's own retry options for a policy (kafkajs applies the jitter itself, as `factor`). */
export function toKafkajsRetry(policy: RetryPolicy): { initialRetryTime: number; multiplier: number; maxRetryTime: number; retries: number; factor: number } {
  return { initialRetryTime: policy.initialDelayMs, multiplier: policy.multiplier, maxRetryTime: policy.maxDelayMs, retries: policy.maxRetries, factor: policy.jitter };
}

export interface KafkaConnection {
  /** Bootstrap servers, `host:port`. */
  brokers: string[];
  clientId?: string;
  /** kafkajs request retries (default KAFKA_RETRY). */
  retry?: RetryPolicy;
  /** TCP connect timeout in ms (default 3,000). */
  connectionTimeout?: number;
  /** Per-request timeout in ms (default 30,000). */
  requestTimeout?: number;
}

/** Fails fast on settings that cannot work, with the fix in the message. */
export function assertConnection(conn: KafkaConnection): void {
  const bad = conn.brokers.filter((b) => !/^[^\s:,]+:\d{1,5}$/.test(b));
  if (conn.brokers.length === 0 || bad.length > 0)
    throw new ValidationError(`kafka brokers must be host:port entries, e.g. KAFKA_BROKERS=127.0.0.1:9092; got ${JSON.stringify(conn.brokers)}`, [
      { field: 'brokers', reason: 'one or more host:port', value: conn.brokers },
    ]);
}

export function assertPositiveInt(field: string, value: number, advice: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new ValidationError(`${field} must be an integer >= 1 (${advice}); got ${value}`, [{ field, reason: 'integer >= 1', value }]);
}

/** A kafkajs client whose log lines go to the platform logger. */
export function createKafka(conn: KafkaConnection, log: Logger): Kafka {
  assertConnection(conn);
  const retry = toKafkajsRetry(conn.retry ?? KAFKA_RETRY);
  return new KafkaClient({
    brokers: conn.brokers,
    clientId: conn.clientId ?? 'innovation-brain',
    connectionTimeout: conn.connectionTimeout ?? 3000,
    requestTimeout: conn.requestTimeout ?? 30_000,
    retry,
    logLevel: logLevel.INFO,
    // kafkajs logs every retried request as an ERROR; those are retried and, if they finally fail,
    // surface as one translated error, so they are warnings here. Its INFO is chatter (debug).
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...rest } = entry as { message: string } & Record<string, unknown>;
        delete rest.timestamp;
        delete rest.logger;
        // Bounded producer retries are deliberate (the relay resumes from its checkpoint and
        // consumers drop duplicates by eventId), so kafkajs's warning about them is not news.
        if (message.startsWith('Limiting retries for the idempotent producer')) log.debug({ kafka: rest }, `kafka: ${message}`);
        else if (level === logLevel.ERROR || level === logLevel.WARN) log.warn({ kafka: rest }, `kafka: ${message}`);
        else log.debug({ kafka: rest }, `kafka: ${message}`);
      },
  });
}

/**
 * The platform's producer: idempotent with one request in flight, so kafkajs's retries neither
 * duplicate nor reorder, and the Java client's murmur2 partitioner, so other Kafka clients put a
 * stream on the same partition.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
}

/** kafkajs errors that mean "the cluster is not reachable / not ready right now". */
const TRANSIENT = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSOffsetOutOfRange',
]);

/**
 * Translates a kafkajs (or any) error into the platform's hierarchy at the adapter boundary.
 * Our own errors pass through. A kafkajs error is retriable when kafkajs says so or when it is a
 * connectivity failure that outlived kafkajs's own retries: the broker may come back.
 */
export function translateKafkaError(err: unknown, what: string): BrainError {
  if (err instanceof BrainError) return err;
  const e = err as { name?: string; message?: string; retriable?: boolean; type?: string; cause?: { name?: string } };
  const retriable = e.retriable === true || TRANSIENT.has(e.name ?? '') || TRANSIENT.has(e.cause?.name ?? '');
  const detail = e.type ? `${e.message} (${e.type})` : (e.message ?? String(err));
  return new InfrastructureError(`kafka: ${what} failed: ${detail}`, { retriable, cause: err });
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** Topic-level configs, e.g. `{ 'retention.ms': '-1' }`. */
  configs?: Record<string, string>;
}

/**
 * The events topic keeps every event (no time or size limit): a fresh consumer group builds its
 * projections from the topic's start. The event store stays the source of truth; rebuilds read it.
 */
export const EVENTS_TOPIC_CONFIGS: Readonly<Record<string, string>> = { 'retention.ms': '-1', 'retention.bytes': '-1', 'cleanup.policy': 'delete' };

/**
 * Creates a topic with explicit partitions and replication unless it exists (idempotent). An
 * existing topic with another partition count is kept as it is, with a warning: changing it
 * would move streams to other partitions and break their order.
 */
export async function ensureTopic(admin: Admin, spec: TopicSpec, log: Logger): Promise<void> {
  assertPositiveInt('partitions', spec.partitions, 'KAFKA_PARTITIONS');
  assertPositiveInt('replicationFactor', spec.replicationFactor, 'KAFKA_REPLICATION; at most the number of brokers');
  try {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: spec.topic,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
    });
    if (created) {
      log.info({ topic: spec.topic, partitions: spec.partitions, replicationFactor: spec.replicationFactor }, 'kafka topic created');
      return;
    }
    const meta = await admin.fetchTopicMetadata({ topics: [spec.topic] });
    const actual = meta.topics[0]?.partitions.length ?? 0;
    if (actual !== spec.partitions)
      log.warn({ topic: spec.topic, configured: spec.partitions, actual }, 'kafka topic exists with another partition count; kept as it is');
  } catch (err) {
    const e = err as { type?: string };
    if (e.type === 'INVALID_REPLICATION_FACTOR')
      throw new ValidationError(`topic ${spec.topic}: replication factor ${spec.replicationFactor} exceeds the number of brokers (KAFKA_REPLICATION)`, [
        { field: 'replicationFactor', reason: 'at most the number of brokers', value: spec.replicationFactor },
      ]);
    throw translateKafkaError(err, `creating topic ${spec.topic}`);
  }
}
