import { describe, expect, it } from 'vitest';
import { createProducer } from '../../services/bus/kafkaClient.ts';
import { rawKafka, uniqueName } from '../support/kafka.ts';

// Kafka 4.0 removed old protocol versions (KIP-896); kafkajs 2.2.4 predates it. These are the
// calls the platform makes, against the broker version scripts/kafka.mjs installs.
describe('when kafkajs 2.2.4 talks to the broker scripts/kafka.mjs installs', () => {
  it('creates a topic, produces idempotently, consumes in a group and commits offsets', async () => {
    const kafka = rawKafka();
    const topic = uniqueName('version');
    const groupId = uniqueName('version-group');
    const admin = kafka.admin();
    await admin.connect();
    const producer = createProducer(kafka); // the platform's producer settings
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThan(0);

      expect(await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] })).toBe(true);
      // Idempotent: a second create reports "exists" instead of failing.
      expect(await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] })).toBe(false);
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0]!.partitions).toHaveLength(3);

      await producer.connect();
      const sent = Array.from({ length: 30 }, (_, i) => ({ key: `stream-${i % 5}`, value: `m${i}`, headers: { seq: String(i) } }));
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: sent }] });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const got: { key: string; value: string; seq: string }[] = [];
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachBatchAutoResolve: false,
            eachBatch: async ({ batch, resolveOffset }) => {
              for (const m of batch.messages) {
                got.push({ key: m.key!.toString(), value: m.value!.toString(), seq: m.headers!.seq!.toString() });
                resolveOffset(m.offset);
              }
              const last = batch.messages[batch.messages.length - 1];
              if (last) await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(Number(last.offset) + 1) }]);
              if (got.length >= sent.length) resolve();
            },
          })
          .catch(reject);
      });

      expect(got.map((m) => m.value).sort()).toEqual(sent.map((m) => m.value).sort());
      // One key, one partition: each key's messages arrive in the order they were sent.
      for (let k = 0; k < 5; k++) {
        const seqs = got.filter((m) => m.key === `stream-${k}`).map((m) => Number(m.seq));
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }

      await consumer.disconnect();
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      // Every partition's committed offset is its end (a partition that got nothing has none: -1).
      const byPartition = new Map(committed[0]!.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
      expect(ends.map((p) => [p.partition, byPartition.get(p.partition)])).toEqual(ends.map((p) => [p.partition, Number(p.high)]));
      expect(ends.reduce((s, p) => s + Number(p.high), 0)).toBe(30);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    }
  });
});
