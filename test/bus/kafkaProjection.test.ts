import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../contracts/events/index.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import { FACT_PROJECTIONS } from '../../projections/facts/index.ts';
import { createKpiQueries } from '../../projections/kpi/index.ts';
import { createBookkeeping } from '../../projections/runner/bookkeeping.ts';
import { createProjectionRunner, type ProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import { encodeEvent } from '../../services/bus/codec.ts';
import { createDeadLetterPublisher, listDeadLetters } from '../../services/bus/dlq.ts';
import { kafkaEventSource } from '../../services/bus/kafkaEventSource.ts';
import { ensureTopic } from '../../services/bus/kafkaClient.ts';
import { HAND_EVENTS } from '../fixtures/kpi/handFixture.ts';
import { fixtureEvents, testProjection } from '../fixtures/projections/testProjection.ts';
import { storeEventSource } from '../../projections/runner/storeEventSource.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadFactsWithRunner } from '../kpi/support.ts';
import { kafkaBrokers, rawKafka, testLog, uniqueName } from '../support/kafka.ts';
import { freshOlap } from '../support/olap.ts';

/**
 * The projection runner fed by Kafka (the distributed mode): partitions interleave streams out of
 * global order and redeliver after rebalances, so the effect must come from idempotent fact keys.
 */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function publish(topic: string, messages: Array<{ key?: string; value: string; headers?: Record<string, string> }>, partitions = 3): Promise<void> {
  const kafka = rawKafka();
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopic(admin, { topic, partitions, replicationFactor: 1 }, testLog());
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}

function messageOf(e: RecordedEvent) {
  const m = encodeEvent(e);
  return { key: String(m.key), value: String(m.value), headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)])) };
}

async function runUntil(runner: ProjectionRunner, done: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  await runner.start();
  cleanups.push(() => runner.stop());
  for (const deadline = Date.now() + timeoutMs; !(await done()); ) {
    if (Date.now() > deadline) throw new Error('the Kafka-fed runner did not get there in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Whether the group has committed every message of the topic (its offsets at each partition's end). */
async function consumedToEnd(topic: string, groupId: string): Promise<boolean> {
  const admin = rawKafka().admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const at = new Map(committed!.partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.every((e) => at.get(e.partition) === Number(e.high));
  } finally {
    await admin.disconnect();
  }
}

async function kpiValues(olap: OlapClient) {
  const kpis = createKpiQueries(olap);
  const out: Record<string, unknown> = {};
  for (const id of ['hte_count', 'tech_contract_turnover', 'incubating_tenants', 'invention_patents_per_10k', 'fund_investment_in_area', 'kcw_meetings_held'])
    out[id] = await kpis.series(id, { from: '2023-01', to: '2025-12', grain: 'quarter' });
  return out;
}

describe('when projections are fed by Kafka', () => {
  it('reaches the KPI values of the ordered store-fed run, though every event arrives twice and partitions interleave', async () => {
    const reference = await freshOlap('kref');
    cleanups.push(() => reference.close());
    await loadFactsWithRunner(reference, HAND_EVENTS);

    const olap = await freshOlap('kkafka');
    cleanups.push(() => olap.close());
    const topic = uniqueName('facts');
    // Everything twice: once in order, once reversed (a redelivery after a rebalance, out of order).
    await publish(topic, [...HAND_EVENTS.map(messageOf), ...[...HAND_EVENTS].reverse().map(messageOf)]);
    const groupId = uniqueName('g');
    const source = kafkaEventSource({ brokers: kafkaBrokers(), topic, groupId, dlqTopic: `${topic}-dlq`, log: testLog(), maxBatch: 7 });
    const runner = createProjectionRunner({ olap, source, projections: FACT_PROJECTIONS, flushMs: 50 });
    // Offsets are committed only once a batch's rows are written: when the group's committed
    // offsets reach the end of every partition, both copies of every event have landed.
    await runUntil(runner, () => consumedToEnd(topic, groupId));
    expect(await kpiValues(olap)).toEqual(await kpiValues(reference));
  });

  it('sends events whose projection throws to the dead-letter table and topic, and undecodable messages to both too', async () => {
    const olap = await freshOlap('kdlq');
    cleanups.push(() => olap.close());
    const topic = uniqueName('poison');
    const dlqTopic = `${topic}-dlq`;
    const vouchers: RecordedEvent[] = [5, 13, 8].map((amount, i) => ({
      type: 'InnovationVoucherRedeemed',
      schemaVersion: 1,
      eventId: `00000000-0000-4000-8000-00000000000${i + 1}`,
      streamId: `voucher-v${i}`,
      occurredAt: '2025-03-01',
      recordedAt: '2025-03-02T00:00:00.000Z',
      source: { system: '部门填报' },
      actor: 'key:test',
      data: { voucherId: `v${i}`, enterpriseUscc: '91430111MA4L41YT1U', amount, redeemedOn: '2025-03-01' },
      position: i + 1,
      streamVersion: 0,
    }));
    await publish(topic, [...vouchers.map(messageOf), { key: 'x', value: '{"not": "an event"' }], 1);
    const books = createBookkeeping(olap);
    const publisher = createDeadLetterPublisher({ brokers: kafkaBrokers(), dlqTopic, groupId: 'g', log: testLog() });
    cleanups.push(() => publisher.close());
    const source = kafkaEventSource({ brokers: kafkaBrokers(), topic, groupId: uniqueName('g'), dlqTopic, log: testLog(), onDeadLetter: (l) => books.undecodable(l) });
    const runner = createProjectionRunner({ olap, source, projections: [testProjection({ throwOnAmount: 13 })], flushMs: 50, onDeadLetters: (l) => publisher.publish(l) });
    const letters = async () => olap.query<{ projection: string; event_id: string; error: string }>(`SELECT projection, event_id, error FROM projection_dead_letters ORDER BY projection`);
    await runUntil(runner, async () => (await letters()).length >= 2);

    const rows = await letters();
    expect(rows.map((r) => r.projection)).toEqual(['(decode)', 'fx_counts']);
    expect(rows[1]!.event_id).toBe(vouchers[1]!.eventId);
    expect(rows[1]!.error).toContain('cannot project voucher v1');
    expect(rows[0]!.error).toMatch(/not JSON/);
    // The partition went on: the other two vouchers were projected.
    const [sum] = await olap.query<{ fen: number; n: number }>(`SELECT sum(amount_fen) AS fen, count() AS n FROM fx_counts_events`);
    expect(sum).toEqual({ fen: 1300, n: 2 });

    const topicLetters = await listDeadLetters({ brokers: kafkaBrokers(), dlqTopic, log: testLog() });
    expect(topicLetters.map((l) => l.error).sort()).toEqual([expect.stringMatching(/^not JSON/), expect.stringContaining('projection fx_counts v1: Error: cannot project voucher v1')]);
  });

  it('builds a projection added later from the store, then feeds it from the Kafka group', async () => {
    const olap = await freshOlap('kadd');
    cleanups.push(() => olap.close());
    const store = createSqliteEventStore({ path: path.join(mkdtempSync(path.join(os.tmpdir(), 'kadd-')), 'events.sqlite'), synchronous: 'NORMAL' });
    cleanups.push(() => store.close());
    const topic = uniqueName('added');
    const groupId = uniqueName('g');
    // What the relay does: publish what the store committed.
    const appendAndPublish = async (amounts: number[]) => {
      const head = (await store.head()).position;
      for (const e of fixtureEvents(amounts.map((amount) => ({ kind: 'voucher' as const, amount })))) await store.append(`${e.streamId}-${head}`, [{ ...e, streamId: `${e.streamId}-${head}` }]);
      await publish(topic, (await store.readAll({ fromPosition: head })).map(messageOf));
    };
    const newSource = () => kafkaEventSource({ brokers: kafkaBrokers(), topic, groupId, dlqTopic: `${topic}-dlq`, log: testLog(), maxBatch: 5 });
    const totals = async (name: string) =>
      (await olap.query<{ n: number; fen: number }>(`SELECT count() AS n, sum(amount_fen) AS fen FROM (SELECT DISTINCT event_id, amount_fen FROM ${name}_events)`))[0];

    await appendAndPublish([1, 2, 3]);
    const first = createProjectionRunner({ olap, source: newSource(), rebuildSource: storeEventSource(store), projections: [testProjection({ name: 'fx_a' })], flushMs: 50 });
    await runUntil(first, async () => (await totals('fx_a'))?.n === 3);
    await first.stop();
    cleanups.pop();

    // The group is now past these events; a new projection must still see them.
    await appendAndPublish([10, 20]);
    const second = createProjectionRunner({
      olap,
      source: newSource(),
      rebuildSource: storeEventSource(store),
      projections: [testProjection({ name: 'fx_a' }), testProjection({ name: 'fx_b' })],
      flushMs: 50,
    });
    await runUntil(second, async () => (await second.status()).every((s) => s.state === 'live' && s.checkpoint >= 5));
    expect(await totals('fx_b')).toEqual({ n: 5, fen: 3600 });
    // After the hand-over, new events reach it through Kafka.
    await appendAndPublish([100]);
    for (const deadline = Date.now() + 30_000; (await totals('fx_b'))?.n !== 6; ) {
      if (Date.now() > deadline) throw new Error(`fx_b did not get the event published after the hand-over: ${JSON.stringify(await totals('fx_b'))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await totals('fx_b')).toEqual({ n: 6, fen: 13600 });
    expect(await totals('fx_a')).toEqual({ n: 6, fen: 13600 });
  });

  it('rebuilds from the store while events keep coming through Kafka, and loses none at the hand-over', async () => {
    const olap = await freshOlap('krebuild');
    cleanups.push(() => olap.close());
    const store = createSqliteEventStore({ path: path.join(mkdtempSync(path.join(os.tmpdir(), 'krebuild-')), 'events.sqlite'), synchronous: 'NORMAL' });
    cleanups.push(() => store.close());
    const topic = uniqueName('rebuild');
    let sent = 0;
    const appendAndPublish = async (n: number) => {
      const head = (await store.head()).position;
      for (const e of fixtureEvents(Array.from({ length: n }, () => ({ kind: 'voucher' as const, amount: 1 })))) {
        const streamId = `${e.streamId}-${head}`;
        await store.append(streamId, [{ ...e, streamId }]);
      }
      await publish(topic, (await store.readAll({ fromPosition: head })).map(messageOf));
      sent += n;
    };
    const count = async () => (await olap.query<{ n: number }>(`SELECT count() AS n FROM (SELECT DISTINCT event_id FROM fx_r_events)`))[0]?.n;
    await appendAndPublish(50);
    const runner = createProjectionRunner({
      olap,
      source: kafkaEventSource({ brokers: kafkaBrokers(), topic, groupId: uniqueName('g'), dlqTopic: `${topic}-dlq`, log: testLog(), maxBatch: 7 }),
      rebuildSource: storeEventSource(store, { maxBatch: 7 }),
      projections: [testProjection({ name: 'fx_r' })],
      flushMs: 20,
    });
    await runUntil(runner, async () => (await count()) === 50);
    // Events arrive before, during and after the rebuild and its hand-over to the Kafka group.
    const rebuilt = runner.rebuildProjection('fx_r');
    for (let i = 0; i < 6; i++) {
      await appendAndPublish(13);
      await new Promise((r) => setTimeout(r, 30));
    }
    await rebuilt;
    for (let i = 0; i < 3; i++) await appendAndPublish(5);
    for (const deadline = Date.now() + 30_000; (await count()) !== sent; ) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await count()).toBe(sent);
    expect((await runner.status())[0]?.state).toBe('live');
  });
});
