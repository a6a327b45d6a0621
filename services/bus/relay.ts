import type { Message, Producer } from 'kafkajs';
import { BrainError, InfrastructureError } from '../../contracts/errors.ts';
import type { RecordedEvent } from '../../contracts/events/index.ts';
import type { EventStore } from '../../contracts/ports.ts';
import type { Logger } from '../observability/logger.ts';
import { fileCheckpoint, type CheckpointStore } from './checkpoint.ts';
import { encodeEvent } from './codec.ts';
import { POLICIES, withRetry, type RetryPolicy } from '../../contracts/retry.ts';
import { createKafka, createProducer, ensureTopic, EVENTS_TOPIC_CONFIGS, translateKafkaError, type KafkaConnection } from './kafkaClient.ts';

export interface RelayOptions {
  store: EventStore;
  kafka: KafkaConnection;
  /** The events topic (KAFKA_TOPIC). */
  topic: string;
  /** Partitions of the topic when the relay creates it (KAFKA_PARTITIONS). */
  partitions: number;
  /** Replicas of each partition when the relay creates the topic (KAFKA_REPLICATION). */
  replicationFactor: number;
  /** A checkpoint store, or the path of the checkpoint file (e.g. `$DATA_DIR/relay.checkpoint.json`). */
  checkpoint: CheckpointStore | { path: string };
  log: Logger;
  /** Most events per sendBatch (default 2,000). */
  maxBatch?: number;
  /**
   * Most bytes of event JSON per sendBatch (default 900 KB): even if every event of a batch went
   * to one partition, its record batch stays under the broker's default message.max.bytes (1 MiB).
   */
  maxBatchBytes?: number;
  /**
   * After a failure that outlived kafkajs's own retries (KAFKA_RETRY), the relay re-creates its
   * producer and resumes from the checkpoint after these delays (default POLICIES.RELAY_RESTART: 1 s … 30 s with jitter, no limit).
   */
  restart?: RetryPolicy;
}

export type RelayState = 'idle' | 'running' | 'retrying' | 'stopped' | 'failed';

export interface RelayStatus {
  state: RelayState;
  /** Global position of the last event Kafka acknowledged (and the checkpoint saved). */
  checkpoint: number;
  /** The store's head position. */
  head: number;
  /** Events committed to the store and not yet acknowledged by Kafka. */
  lag: number;
  /** Events published since start (re-publications after a restart included). */
  published: number;
  lastError?: string;
}

/** The relay: the store's committed events, in order, onto Kafka. */
export interface Relay {
  /** Creates the topic (idempotent), connects, and starts publishing from the checkpoint. */
  start(): Promise<void>;
  /** Finishes the batch in flight, then disconnects. */
  stop(): Promise<void>;
  status(): Promise<RelayStatus>;
  /** Resolves after stop(); rejects when the relay fails for good (a non-retriable error). */
  readonly done: Promise<void>;
}

/**
 * Creates the relay: a checkpointed subscription to the store's global log, published with an
 * idempotent producer (acks=all, one request in flight, so kafkajs's retries neither duplicate nor
 * reorder), keyed by streamId (one stream, one partition, in order). The checkpoint advances only
 * after Kafka acknowledged a batch, so a crash re-publishes at most the unacknowledged tail; such
 * duplicates carry the same `eventId` header and consumers drop them.
 */
export function createRelay(options: RelayOptions): Relay {
  const { store, topic, log } = options;
  const maxBatch = options.maxBatch ?? 2000;
  const maxBatchBytes = options.maxBatchBytes ?? 900_000;
  const restart = options.restart ?? POLICIES.RELAY_RESTART;
  const checkpoints = 'path' in options.checkpoint ? fileCheckpoint(options.checkpoint.path) : options.checkpoint;
  const kafka = createKafka({ clientId: 'brain-relay', ...options.kafka }, log);

  let state: RelayState = 'idle';
  let checkpoint = 0;
  let published = 0;
  let lastError: string | undefined;
  let producer: Producer | undefined;
  const stopping = new AbortController();
  let resolveDone!: () => void;
  let rejectDone!: (err: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => {}); // a caller that never awaits done still sees the failure in status()

  async function send(messages: Message[], last: number): Promise<void> {
    try {
      await producer!.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
    } catch (err) {
      throw translateKafkaError(err, `publishing ${messages.length} events to ${topic}`);
    }
    await checkpoints.save(last);
    checkpoint = last;
    published += messages.length;
  }

  async function publish(events: RecordedEvent[]): Promise<void> {
    let chunk: Message[] = [];
    let bytes = 0;
    for (let i = 0; i < events.length; i++) {
      const message = encodeEvent(events[i]!);
      const size = (message.value as Buffer).length;
      if (chunk.length > 0 && (chunk.length >= maxBatch || bytes + size > maxBatchBytes)) {
        await send(chunk, events[i - 1]!.position);
        chunk = [];
        bytes = 0;
      }
      chunk.push(message);
      bytes += size;
    }
    if (chunk.length > 0) await send(chunk, events[events.length - 1]!.position);
    if (state === 'retrying') {
      log.info({ checkpoint }, 'relay: publishing again');
      state = 'running';
      lastError = undefined;
    }
  }

  async function connectProducer(): Promise<void> {
    producer = createProducer(kafka);
    try {
      await producer.connect();
    } catch (err) {
      throw translateKafkaError(err, 'connecting the producer');
    }
  }

  async function dropProducer(): Promise<void> {
    const p = producer;
    producer = undefined;
    await p?.disconnect().catch(() => {});
  }

  /** One session: connect if needed, then publish from the checkpoint until stopped or failed. */
  async function session(): Promise<void> {
    try {
      if (!producer) await connectProducer();
      if (stopping.signal.aborted) return;
      checkpoint = await checkpoints.load();
      const subscription = store.subscribe({ fromPosition: checkpoint, maxBatch }, publish);
      // stop() ends the subscription after the batch in flight, whenever it comes.
      const onStop = (): void => void subscription.stop();
      stopping.signal.addEventListener('abort', onStop, { once: true });
      try {
        await subscription.done;
      } finally {
        stopping.signal.removeEventListener('abort', onStop);
      }
    } catch (err) {
      throw err instanceof BrainError ? err : translateKafkaError(err, 'relaying');
    }
  }

  async function run(): Promise<void> {
    let before = published;
    try {
      await withRetry(
        async () => {
          before = published;
          await session();
        },
        {
          policy: restart,
          signal: stopping.signal,
          // A session that published before failing starts a new series of delays.
          progressed: () => published > before,
          onRetry: async (err, _attempt, delay) => {
            state = 'retrying';
            lastError = (err as Error).message;
            log.warn({ err: lastError, checkpoint, retryInMs: delay }, 'relay: Kafka unavailable; resuming from the checkpoint');
            // kafkajs's idempotent producer keeps sequence numbers that a failed request may have
            // advanced: a fresh producer (new producer id) resumes cleanly from the checkpoint.
            await dropProducer();
          },
        },
      );
    } catch (err) {
      if (stopping.signal.aborted) return;
      lastError = (err as Error).message;
      state = 'failed';
      log.error({ err, checkpoint }, 'relay failed');
      throw err;
    }
  }

  return {
    done,
    async start() {
      if (state !== 'idle') throw new InfrastructureError(`relay already ${state}`, { retriable: false });
      const admin = kafka.admin();
      try {
        await admin.connect();
        await ensureTopic(admin, { topic, partitions: options.partitions, replicationFactor: options.replicationFactor, configs: EVENTS_TOPIC_CONFIGS }, log);
      } catch (err) {
        throw translateKafkaError(err, `preparing topic ${topic}`);
      } finally {
        await admin.disconnect().catch(() => {});
      }
      await connectProducer();
      checkpoint = await checkpoints.load();
      state = 'running';
      log.info({ topic, checkpoint }, 'relay started');
      run().then(
        () => {
          state = 'stopped';
          resolveDone();
        },
        (err) => rejectDone(err),
      );
    },
    async stop() {
      stopping.abort();
      if (state === 'idle') {
        state = 'stopped';
        resolveDone();
        return;
      }
      await done.catch(() => {});
      await dropProducer();
      if (state !== 'failed') state = 'stopped';
    },
    async status() {
      const head = (await store.head()).position;
      return { state, checkpoint, head, lag: Math.max(0, head - checkpoint), published, ...(lastError ? { lastError } : {}) };
    },
  };
}
