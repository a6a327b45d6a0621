/**
 * The suites around the existing benches (bench/eventStore.bench.ts, bench/projectionBench.ts,
 * bench/kafkaBench.ts): each runs the bench as it is and adds its REFERENCE workload in the same
 * process, so every figure also has a machine-independent ratio.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { benchEventStore, benchVersusEmmett } from '../eventStore.bench.ts';
import { benchProjection } from '../projectionBench.ts';
import { createOlapClient } from '../../services/olap/client.ts';
import { PERF, type Figure } from './figures.ts';
import { latencies, progress } from './measure.ts';
import { bareInsertRate, bareReadRate } from './sqliteReference.ts';

export interface SuiteOutput {
  figures: Figure[];
  notes: string[];
}

/** benchEventStore() plus bare better-sqlite3 inserts / reads of the same rows. */
export async function eventStoreSuite(): Promise<SuiteOutput> {
  progress('event store: bare SQLite reference (same rows, same indexes)');
  const bare = {
    FULL: { tx1: bareInsertRate('FULL', 1, 2_000), tx100: bareInsertRate('FULL', 100, 20_000), tx1000: bareInsertRate('FULL', 1000, 100_000) },
    NORMAL: { tx1: bareInsertRate('NORMAL', 1, 2_000), tx100: bareInsertRate('NORMAL', 100, 20_000), tx1000: bareInsertRate('NORMAL', 1000, 100_000) },
    read: bareReadRate(200_000),
  };
  progress('event store: benchEventStore() (appends of 1 / 100 / 1,000 per transaction, FULL and NORMAL; read back)');
  const store = await benchEventStore();
  const figures: Figure[] = [];
  const perfOf: Record<string, Figure['perf']> = {
    'FULL.tx1': PERF.sqliteFullTx1,
    'NORMAL.tx1': PERF.sqliteRandomTx1,
    'NORMAL.tx100': PERF.sqliteRandomTx100,
    'NORMAL.tx1000': PERF.sqliteRandomTx1000,
  };
  for (const sync of ['FULL', 'NORMAL'] as const) {
    for (const tx of ['tx1', 'tx100', 'tx1000'] as const) {
      figures.push({ key: `store.ref.bare_insert.${sync}.${tx}`, value: bare[sync][tx], unit: 'events/s', reference: true, note: `bare better-sqlite3 insert, ${tx.slice(2)} per transaction, synchronous=${sync}` });
    }
  }
  figures.push({ key: 'store.ref.bare_read', value: bare.read, unit: 'events/s', reference: true, perf: PERF.sqliteReadPages, note: 'bare SELECT by position, pages of 10k, JSON.parse of meta + data' });
  for (const sync of ['FULL', 'NORMAL'] as const) {
    for (const tx of ['tx1', 'tx100', 'tx1000'] as const) {
      const value = store[`sqlite.append.${sync}.${tx}`];
      if (value === undefined) continue;
      const perf = perfOf[`${sync}.${tx}`];
      figures.push({ key: `store.append.${sync}.${tx}`, value, unit: 'events/s', ref: `store.ref.bare_insert.${sync}.${tx}`, ...(perf ? { perf } : {}), note: `appendMany, ${tx.slice(2)} events per transaction, random event ids, 5,000 streams` });
    }
  }
  const read = store['sqlite.readAll.pages10k'];
  if (read !== undefined) figures.push({ key: 'store.readAll.pages10k', value: read, unit: 'events/s', ref: 'store.ref.bare_read', perf: PERF.sqliteReadPages, note: 'readAll in pages of 10,000, decoded to RecordedEvent' });
  const tx1000 = store['sqlite.append.FULL.tx1000'];
  if (tx1000 !== undefined) figures.push({ key: 'append_ratio_vs_bare', value: tx1000 / bare.FULL.tx1000, unit: 'ratio', note: 'store.append.FULL.tx1000 ÷ bare inserts of the same rows, 1,000 per transaction' });

  progress("event store: against Emmett's SQLite event store (single-event appends, appends of 100; both synchronous=FULL)");
  const vs = await benchVersusEmmett();
  figures.push(
    { key: 'store.ref.emmett.single', value: vs.emmett.single, unit: 'events/s', reference: true, note: "Emmett getSQLiteEventStore({ fileName }).appendToStream, 1 event per call (its default: a connection per call)" },
    { key: 'store.ref.emmett.single_connection', value: vs.emmett.singleConnection, unit: 'events/s', reference: true, note: "Emmett appendToStream on one long-lived sqliteConnection, 1 event per call" },
    { key: 'store.ref.emmett.batch100', value: vs.emmett.batch100, unit: 'events/s', reference: true, note: 'Emmett default store, 100 events per appendToStream call' },
    { key: 'store.append.single', value: vs.ours.single, unit: 'events/s', ref: 'store.ref.emmett.single', note: 'append(stream, [event]) per call, 500 streams, FULL: the same events as Emmett' },
    { key: 'store.append.batch100', value: vs.ours.batch100, unit: 'events/s', ref: 'store.ref.emmett.batch100', note: 'append(stream, 100 events) per call, FULL' },
    { key: 'append_ratio_vs_emmett', value: vs.ours.single / vs.emmett.single, unit: 'ratio', note: "single-event appends ÷ Emmett's default SQLite event store, same run" },
    { key: 'append_ratio_vs_emmett_connection', value: vs.ours.single / vs.emmett.singleConnection, unit: 'ratio', note: 'single-event appends ÷ Emmett on one long-lived connection' },
    { key: 'append_ratio_vs_emmett_batch100', value: vs.ours.batch100 / vs.emmett.batch100, unit: 'ratio', note: 'appends of 100 ÷ Emmett, 100 per call' },
  );
  const notes = ["store: PERFORMANCE.md's SQLite rows are for a UNIQUE index on the 36-character UUID; the store indexes a 52-bit integer key instead, so it can beat them."];
  if (vs.emmett.synchronous !== 2) notes.push(`store: Emmett's connection reported PRAGMA synchronous=${vs.emmett.synchronous}, not FULL (2): its ratios are not like for like.`);
  if (vs.emmett.retries > 0) notes.push(`store: ${vs.emmett.retries} Emmett appends met SQLITE_BUSY (its default store closes each call's connection without waiting) and were retried; the retries are in its time.`);
  return { figures, notes };
}

const sizeLabel = (n: number): string => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

/** benchProjection() on this process's one chDB path, plus `SELECT 1` and plain inserts on the same client. */
export async function projectionSuite(options: { full?: boolean } = {}): Promise<SuiteOutput> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brain-bench-projection-suite-'));
  const olap = await createOlapClient({ kind: 'chdb', path: path.join(dir, 'chdb'), database: 'bench' });
  try {
    progress('projection: chDB reference (SELECT 1, inserts of 10,000 rows)');
    const select1 = await latencies(200, () => olap.query('SELECT 1'), 10);
    const table = `ref_insert_${randomUUID().slice(0, 8)}`;
    await olap.command(`CREATE TABLE ${table} (position UInt64, event_id String, occurred_at Date, kind LowCardinality(String), amount Float64, note String) ENGINE = MergeTree ORDER BY position`);
    const rows = (from: number) =>
      Array.from({ length: 10_000 }, (_, i) => ({ position: from + i, event_id: randomUUID(), occurred_at: '2025-03-01', kind: 'voucher', amount: i / 10, note: `备注 ${i}` }));
    await olap.insert(table, rows(0));
    const batches = Array.from({ length: 8 }, (_, b) => rows((b + 1) * 10_000));
    const t = performance.now();
    for (const b of batches) await olap.insert(table, b);
    const insertRate = 80_000 / ((performance.now() - t) / 1000);
    await olap.command(`DROP TABLE ${table}`);

    const events = options.full ? 1_000_000 : 200_000;
    progress(`projection: benchProjection() over ${events.toLocaleString('en-US')} events (catch-up, then a full rebuild)`);
    const p = await benchProjection({ events, olap });
    const factEvents = options.full ? 1_000_000 : 100_000;
    progress(`projection: benchProjection() with the registry's fact projections over ${factEvents.toLocaleString('en-US')} events`);
    const facts = await benchProjection({ events: factEvents, olap, projections: 'facts' });
    const factsCatchUp = facts.projection_catch_up_events_per_s!;
    const figures: Figure[] = [
      { key: 'projection.ref.chdb_select1', value: select1.p50, unit: 'ms', lowerIsBetter: true, reference: true, perf: PERF.chdbSelect1, note: 'p50 of 200 sequential SELECT 1' },
      { key: 'projection.ref.chdb_insert10k', value: insertRate, unit: 'rows/s', reference: true, perf: PERF.chdbInsert10k, note: "OlapClient.insert of 10,000 rows × 8 (6 columns; on chDB the adapter's raw JSONCompactEachRow insert)" },
      { key: 'projection.catch_up', value: p.projection_catch_up_events_per_s!, unit: 'events/s', ref: 'projection.ref.chdb_insert10k', perf: PERF.projection, note: `${events.toLocaleString('en-US')} stored events → chDB, the runner's fixture projection (2 tables), start included` },
      { key: 'projection.rebuild', value: p.projection_rebuild_events_per_s!, unit: 'events/s', ref: 'projection.ref.chdb_insert10k', perf: PERF.projection, note: 'rebuildProjections into new tables while the old serve' },
      { key: `projection.full_rebuild_s.${sizeLabel(events)}`, value: p.projection_full_rebuild_s!, unit: 's', lowerIsBetter: true, note: `full rebuild of ${events.toLocaleString('en-US')} events (fixture projection)` },
      { key: 'projection.facts.start_s', value: facts.projection_start_s!, unit: 's', lowerIsBetter: true, note: "the runner's start (migrations, builds reconciled, every fact table created) before the catch-up" },
      { key: 'projection.facts.catch_up', value: factsCatchUp, unit: 'events/s', ref: 'projection.ref.chdb_insert10k', perf: PERF.projection, note: `${factEvents.toLocaleString('en-US')} events (vouchers, meetings, milestones, statistics) → every fact projection of the registry, start included` },
      {
        key: 'projection_ratio_vs_insert',
        value: Number((factsCatchUp / insertRate).toFixed(3)),
        unit: 'ratio',
        note: 'projection.facts.catch_up (events/s) ÷ projection.ref.chdb_insert10k (rows/s), same client, same run',
      },
      {
        key: `rebuild_all_s_${sizeLabel(factEvents).toLowerCase()}`,
        value: facts.projection_full_rebuild_s!,
        unit: 's',
        lowerIsBetter: true,
        note: `every fact projection rebuilt over ${factEvents.toLocaleString('en-US')} events by rebuildProjections: one pass over the log feeds every new build`,
      },
    ];
    return { figures, notes: [] };
  } finally {
    await olap.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Raw kafkajs produce (sendBatch of 1,000) and consume (eachBatch) of `n` messages of `bytes` each: the Kafka reference. */
async function rawKafka(brokers: string[], n: number, bytes: number): Promise<{ produce: number; consume: number }> {
  const kafka = new kafkajs.Kafka({ brokers, clientId: 'bench-ref', logLevel: kafkajs.logLevel.NOTHING });
  const topic = `bench-ref-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const value = Buffer.alloc(bytes, 'x');
  let t = performance.now();
  for (let i = 0; i < n; i += 1000) {
    const messages = Array.from({ length: Math.min(1000, n - i) }, (_, j) => ({ key: `s-${(i + j) % 500}`, value }));
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
  }
  const produce = n / ((performance.now() - t) / 1000);
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let first = 0;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      first ||= performance.now();
      seen += batch.messages.length;
      if (seen >= n) resolveDone();
    },
  });
  await done;
  t = first;
  const consume = n / ((performance.now() - t) / 1000);
  await consumer.disconnect();
  return { produce, consume };
}

/**
 * benchKafka() against a broker this suite starts (or KAFKA_BROKERS), plus raw kafkajs produce /
 * consume; with `freshness`, also benchFreshness({ kafka: true }) on the same broker.
 */
export async function kafkaSuite(options: { freshness?: boolean } = {}): Promise<SuiteOutput> {
  const { startBroker } = await import('../../scripts/kafka/broker.js');
  const given = process.env.KAFKA_BROKERS;
  progress(given ? `kafka: using KAFKA_BROKERS=${given}` : 'kafka: starting a broker (scripts/kafka/broker.js)');
  const broker = given ? undefined : await startBroker({ log: () => {} });
  const brokers = given ? given.split(',') : broker!.brokers;
  try {
    const events = Number(process.env.BENCH_KAFKA_EVENTS ?? 50_000);
    progress(`kafka: raw kafkajs reference (${events.toLocaleString('en-US')} messages of 600 B)`);
    const raw = await rawKafka(brokers, events, 600);
    progress('kafka: benchKafka() (relay store → Kafka, Kafka source consume)');
    process.env.KAFKA_BROKERS = brokers.join(',');
    const { benchKafka } = await import('../kafkaBench.ts');
    const k = await benchKafka();
    const fresh = options.freshness ? await (await import('../freshnessBench.ts')).benchFreshness({ kafka: true }) : { figures: [], notes: [] };
    return {
      figures: [
        { key: 'kafka.ref.produce_raw', value: raw.produce, unit: 'msg/s', reference: true, perf: PERF.kafkaProduceBatched, note: 'kafkajs idempotent sendBatch of 1,000 × 600 B, acks=all, 6 partitions' },
        { key: 'kafka.ref.consume_raw', value: raw.consume, unit: 'msg/s', reference: true, note: 'kafkajs consumer eachBatch, no decoding' },
        { key: 'kafka.relay', value: k.relay_events_per_s!, unit: 'events/s', ref: 'kafka.ref.produce_raw', note: `${events.toLocaleString('en-US')} events, SQLite store → Kafka, checkpoint per batch` },
        { key: 'kafka.consume', value: k.kafka_consume_events_per_s!, unit: 'events/s', ref: 'kafka.ref.consume_raw', note: 'Kafka source: decode + contract validation, commit per batch' },
        { key: 'kafka.projection', value: k.kafka_projection_events_per_s!, unit: 'events/s', ref: 'kafka.ref.consume_raw', note: 'Kafka → ClickHouse: fact projections fed by a consumer group into chDB' },
        ...fresh.figures,
      ],
      notes: ["kafka: PERFORMANCE.md's Kafka rates are published laptop figures (300k msg/s batched), not measured on this machine.", ...fresh.notes],
    };
  } finally {
    if (given === undefined) delete process.env.KAFKA_BROKERS;
    await broker?.stop();
    if (broker) rmSync(broker.dataDir, { recursive: true, force: true });
  }
}
