/**
 * Event store throughput: appends of 1 / 100 / 1,000 events per transaction (random UUID event ids,
 * as the deterministic UUIDv5 ids of ingest are, over 5,000 streams) and reading the log back.
 * Run alone: `npx tsx bench/eventStore.bench.ts`; the bench runner calls benchEventStore().
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DomainEvent } from '../contracts/events/index.ts';
import type { AppendRequest } from '../contracts/ports.ts';
import { createSqliteEventStore } from '../services/eventStore/sqliteEventStore.ts';
import { emmettAppendRates, type EmmettRates } from './support/emmettReference.ts';

const STREAMS = 5000;

function event(i: number): DomainEvent {
  const streamId = `enterprise-B${String(i % STREAMS).padStart(6, '0')}`;
  return {
    type: 'EnterpriseAnnualFinancialsReported',
    schemaVersion: 1,
    eventId: randomUUID(),
    streamId,
    occurredAt: '2024-12-31',
    recordedAt: new Date().toISOString(),
    source: { system: '部门填报', document: `FIN-2024-${i}`, batch: 'bench', unit: '统计局' },
    actor: 'bench',
    data: {
      uscc: '91430111MA4L41YT1U',
      fiscalYear: 2024,
      revenue: 12345.6,
      rdExpense: 789.1,
      highTechProductRevenue: 456.7,
      employees: 230,
      techStaff: 60,
      aboveScale: true,
      hasRdInstitution: false,
    },
  };
}

/** Groups events into one appendMany request per stream, as batch ingest does. */
function requests(events: DomainEvent[]): AppendRequest[] {
  const byStream = new Map<string, DomainEvent[]>();
  for (const e of events) {
    const list = byStream.get(e.streamId) ?? [];
    list.push(e);
    byStream.set(e.streamId, list);
  }
  return [...byStream].map(([streamId, evs]) => ({ streamId, events: evs }));
}

async function appendRate(synchronous: 'FULL' | 'NORMAL', perTx: number, total: number): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brain-bench-es-'));
  const store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite'), synchronous });
  try {
    // Warm a realistic index size first, so random keys hit a non-trivial B-tree.
    const warm = Array.from({ length: 50_000 }, (_, i) => event(i));
    for (let i = 0; i < warm.length; i += 1000) await store.appendMany(requests(warm.slice(i, i + 1000)));
    const events = Array.from({ length: total }, (_, i) => event(i));
    const started = performance.now();
    for (let i = 0; i < events.length; i += perTx) await store.appendMany(requests(events.slice(i, i + perTx)));
    return total / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function readRate(total: number): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brain-bench-es-'));
  const store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
  try {
    const events = Array.from({ length: total }, (_, i) => event(i));
    for (let i = 0; i < events.length; i += 1000) await store.appendMany(requests(events.slice(i, i + 1000)));
    const started = performance.now();
    let from = 0;
    let read = 0;
    for (;;) {
      const page = await store.readAll({ fromPosition: from, maxCount: 10_000 });
      if (page.length === 0) break;
      read += page.length;
      from = page[page.length - 1]!.position;
    }
    if (read !== total) throw new Error(`read ${read} of ${total} events`);
    return total / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** This store's appends shaped like Emmett's calls: `perCall` events to one stream per `append`, FULL. */
async function ourAppendRate(total: number, perCall: number, streams: number): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brain-bench-es-'));
  const store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite'), synchronous: 'FULL' });
  try {
    const started = performance.now();
    for (let i = 0; i < total; i += perCall) {
      const streamId = `enterprise-B${String((i / perCall) % streams).padStart(6, '0')}`;
      const events = Array.from({ length: Math.min(perCall, total - i) }, (_, k) => ({ ...event(i + k), streamId }));
      await store.append(streamId, events);
    }
    return total / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface VersusEmmett {
  ours: { single: number; batch100: number };
  emmett: EmmettRates;
}

/**
 * Single-event appends and appends of 100, this store against Emmett's SQLite event store
 * (bench/support/emmettReference.ts), same events, same streams, same run, both synchronous=FULL.
 */
export async function benchVersusEmmett(options: { single?: number; batched?: number; streams?: number } = {}): Promise<VersusEmmett> {
  const single = options.single ?? 2_000;
  const batched = options.batched ?? 20_000;
  const streams = options.streams ?? 500;
  const ours = { single: await ourAppendRate(single, 1, streams), batch100: await ourAppendRate(batched, 100, streams) };
  const emmett = await emmettAppendRates({ single, batched, streams, event: (i) => ({ type: 'EnterpriseAnnualFinancialsReported', data: event(i).data as Record<string, unknown> }) });
  return { ours, emmett };
}

/** Events per second, by operation; keys are stable for the bench runner's table. */
export async function benchEventStore(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  for (const synchronous of ['FULL', 'NORMAL'] as const) {
    figures[`sqlite.append.${synchronous}.tx1`] = await appendRate(synchronous, 1, 2_000);
    figures[`sqlite.append.${synchronous}.tx100`] = await appendRate(synchronous, 100, 20_000);
    figures[`sqlite.append.${synchronous}.tx1000`] = await appendRate(synchronous, 1000, 100_000);
  }
  figures['sqlite.readAll.pages10k'] = await readRate(200_000);
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v)]));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const figures = await benchEventStore();
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(32)} ${v.toLocaleString('en-US').padStart(10)} events/s`);
  const { ours, emmett } = await benchVersusEmmett();
  console.log(`vs Emmett (FULL): single ${Math.round(ours.single)} vs ${Math.round(emmett.single)} (long-lived connection ${Math.round(emmett.singleConnection)}), batches of 100 ${Math.round(ours.batch100)} vs ${Math.round(emmett.batch100)} events/s`);
}
