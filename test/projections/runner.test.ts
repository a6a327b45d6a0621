import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../contracts/events/index.ts';
import type { EventStore, OlapClient } from '../../contracts/ports.ts';
import { migrate } from '../../projections/migrations/migrate.ts';
import type { EventSource } from '../../contracts/ports.ts';
import type { Projection } from '../../projections/projection.ts';
import { createProjectionRunner, type ProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import { storeEventSource } from '../../projections/runner/storeEventSource.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { expectedValues, fixtureEvents, readValuesSql, testProjection, type FixtureSpec } from '../fixtures/projections/testProjection.ts';
import { freshOlap } from '../support/olap.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'brain-runner-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let storeCount = 0;
function freshStore(): EventStore {
  return createSqliteEventStore({ path: path.join(tmp, `store-${storeCount++}.sqlite`), synchronous: 'NORMAL' });
}

async function append(store: EventStore, events: readonly DomainEvent[]): Promise<void> {
  // One request per stream keeps the fixture's streams in order; chunks keep transactions small.
  for (let i = 0; i < events.length; i += 200) {
    const chunk = events.slice(i, i + 200);
    await store.appendMany(chunk.map((e) => ({ streamId: e.streamId, events: [e] })));
  }
}

function specs(n: number, offset = 0): FixtureSpec[] {
  return Array.from({ length: n }, (_, k): FixtureSpec => {
    const i = k + offset;
    switch (i % 4) {
      case 0:
        return { kind: 'voucher', amount: (i % 97) + 0.25 };
      case 1:
        return { kind: 'meeting', meeting: i % 37, body: i % 3 === 0 ? '科创委' : '科创办' };
      case 2:
        return { kind: 'milestone', task: (i % 18) + 1 };
      default:
        return { kind: 'statistic', value: i };
    }
  });
}

async function readValues(olap: OlapClient, name = 'fx_counts') {
  const [events, meetings] = readValuesSql(olap.database, name);
  return { events: await olap.query(events!), meetings: await olap.query(meetings!) };
}

async function tableNames(olap: OlapClient): Promise<string[]> {
  const rows = await olap.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name`, { db: olap.database });
  return rows.map((r) => r.name);
}

function runner(olap: OlapClient, store: EventStore, projections: Projection[], extra: { batchSize?: number; source?: EventSource } = {}): ProjectionRunner {
  return createProjectionRunner({
    olap,
    source: extra.source ?? storeEventSource(store, { maxBatch: 500 }),
    projections,
    batchSize: extra.batchSize ?? 300,
    flushMs: 50,
  });
}

describe('when the runner projects a store end to end', () => {
  it('fills the tables behind stable views with exactly the expected values, and reports live with no lag', async () => {
    const olap = await freshOlap('run');
    const store = freshStore();
    const s = specs(1200);
    await append(store, fixtureEvents(s));
    const r = runner(olap, store, [testProjection()]);
    await r.start();
    await r.waitUntilCaughtUp();
    expect(await readValues(olap)).toEqual(expectedValues(s));
    const [status] = await r.status();
    expect(status).toMatchObject({ name: 'fx_counts', version: 1, checkpoint: 1200, lagEvents: 0, lagSeconds: 0, state: 'live' });
    expect(await tableNames(olap)).toEqual(expect.arrayContaining(['fx_counts_events', 'fx_counts_events_v1', 'fx_counts_meetings', 'fx_counts_meetings_v1']));

    // Live appends after catching up are projected too (the caught-up flush, not only the timer).
    const more = specs(50, 1200);
    await append(store, fixtureEvents(more));
    await r.waitUntilCaughtUp();
    expect(await readValues(olap)).toEqual(expectedValues([...s, ...more]));
    await r.stop();
    await store.close();
  });

  it('gives every physical table a dedup window, so a retried insert with the same token is dropped', async () => {
    const olap = await freshOlap('tok');
    const store = freshStore();
    const r = runner(olap, store, [testProjection()]);
    await r.start();
    const [t] = await olap.query<{ engine_full: string }>(`SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'fx_counts_events_v1'`, {
      db: olap.database,
    });
    expect(t!.engine_full).toMatch(/non_replicated_deduplication_window = 1000/);
    const row = { position: 1, event_id: 'x', type: 'T', amount_fen: 1 };
    await olap.insert('fx_counts_events_v1', [row], { dedupToken: 'same' });
    await olap.insert('fx_counts_events_v1', [row], { dedupToken: 'same' });
    await olap.insert('fx_counts_events_v1', [row]);
    expect(await olap.query(`SELECT count() AS n FROM fx_counts_events_v1`)).toEqual([{ n: 2 }]);
    await r.stop();
    await store.close();
  });
});

describe('when a runner restarts from its checkpoint', () => {
  it('projects only what is new, so the values are those of one clean pass', async () => {
    const olap = await freshOlap('resume');
    const store = freshStore();
    const first = specs(700);
    await append(store, fixtureEvents(first));
    const r1 = runner(olap, store, [testProjection()]);
    await r1.start();
    await r1.waitUntilCaughtUp();
    await r1.stop();

    const second = specs(400, 700);
    await append(store, fixtureEvents(second));
    const r2 = runner(olap, store, [testProjection()]);
    await r2.start();
    await r2.waitUntilCaughtUp();
    expect(await readValues(olap)).toEqual(expectedValues([...first, ...second]));
    expect((await r2.status())[0]!.checkpoint).toBe(1100);
    await r2.stop();
    await store.close();
  });
});

describe('when the source redelivers batches', () => {
  it('ignores what it already accepted', async () => {
    const olap = await freshOlap('redeliver');
    const store = freshStore();
    const s = specs(900);
    await append(store, fixtureEvents(s));
    const inner = storeEventSource(store, { maxBatch: 128 });
    // At-least-once delivery, as Kafka after a rebalance: every batch twice, plus the previous one again.
    const redelivering: EventSource & { head(): Promise<number> } = {
      head: () => inner.head(),
      start: (from, onBatch) => {
        let previous: Parameters<typeof onBatch>[0] = [];
        return inner.start(from, async (events) => {
          await onBatch(events);
          await onBatch([...previous, ...events]);
          previous = events;
        });
      },
    };
    const r = runner(olap, store, [testProjection()], { source: redelivering, batchSize: 100 });
    await r.start();
    await r.waitUntilCaughtUp();
    expect(await readValues(olap)).toEqual(expectedValues(s));
    await r.stop();
    await store.close();
  });
});

describe('when project() throws on an event', () => {
  it('dead-letters that event with its id and keeps projecting the rest of the stream', async () => {
    const olap = await freshOlap('dead');
    const store = freshStore();
    const s: FixtureSpec[] = [...specs(200), { kind: 'voucher', amount: 666 }, ...specs(200, 201)];
    const events = fixtureEvents(s);
    await append(store, events);
    const r = runner(olap, store, [testProjection({ throwOnAmount: 666 })]);
    await r.start();
    await r.waitUntilCaughtUp();
    expect(await readValues(olap)).toEqual(expectedValues(s, 666));
    const dead = await olap.query<{ projection: string; event_id: string; position: number; type: string; error: string; payload: string }>(
      `SELECT projection, event_id, position, type, error, payload FROM projection_dead_letters FINAL`,
    );
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ projection: 'fx_counts', event_id: events[200]!.eventId, position: 201, type: 'InnovationVoucherRedeemed' });
    expect(dead[0]!.error).toContain('cannot project voucher');
    expect(JSON.parse(dead[0]!.payload).data.amount).toBe(666);
    expect((await r.status())[0]).toMatchObject({ state: 'live', checkpoint: 401 });
    await r.stop();
    await store.close();
  });
});

describe('when a projection is rebuilt', () => {
  it('keeps serving the complete old values while building, then swaps to equal values in new tables', async () => {
    const olap = await freshOlap('rebuild');
    const store = freshStore();
    const s = specs(4000);
    await append(store, fixtureEvents(s));
    const expected = expectedValues(s);
    const r = runner(olap, store, [testProjection()], { batchSize: 100 });
    await r.start();
    await r.waitUntilCaughtUp();

    const rebuilt = r.rebuildProjection('fx_counts');
    let reads = 0;
    let sawRebuilding = false;
    let settled = false;
    void rebuilt.finally(() => (settled = true));
    while (!settled) {
      expect(await readValues(olap)).toEqual(expected);
      sawRebuilding ||= (await r.status())[0]!.state === 'rebuilding';
      reads++;
    }
    await rebuilt;
    expect(reads).toBeGreaterThan(0);
    expect(sawRebuilding).toBe(true);
    expect(await readValues(olap)).toEqual(expected);
    const names = await tableNames(olap);
    expect(names).toContain('fx_counts_events_v1_r1');
    expect(names).not.toContain('fx_counts_events_v1');
    expect((await r.status())[0]).toMatchObject({ state: 'live', version: 1, checkpoint: 4000, serving: { build: 'v1_r1' } });

    // The rebuilt build is the live one: new events land in it.
    const more = specs(30, 4000);
    await append(store, fixtureEvents(more));
    await r.waitUntilCaughtUp();
    expect(await readValues(olap)).toEqual(expectedValues([...s, ...more]));
    await r.stop();
    await store.close();
  });

  it('starts a rebuild by itself when the code bumps the version, and drops the old tables after the swap', async () => {
    const olap = await freshOlap('bump');
    const store = freshStore();
    const s = specs(1500);
    await append(store, fixtureEvents(s));
    const r1 = runner(olap, store, [testProjection({ version: 1 })]);
    await r1.start();
    await r1.waitUntilCaughtUp();
    await r1.stop();

    const r2 = runner(olap, store, [testProjection({ version: 2 })], { batchSize: 100 });
    await r2.start();
    expect((await r2.status())[0]).toMatchObject({ version: 2 });
    // Whichever build serves at this instant (v1 while v2 builds, then v2), the values are complete.
    expect(await readValues(olap)).toEqual(expectedValues(s));
    await r2.waitUntilCaughtUp();
    expect(await readValues(olap)).toEqual(expectedValues(s));
    expect((await r2.status())[0]).toMatchObject({ version: 2, state: 'live', checkpoint: 1500, serving: { build: 'v2' } });
    const names = await tableNames(olap);
    expect(names).toEqual(expect.arrayContaining(['fx_counts_events_v2', 'fx_counts_meetings_v2']));
    expect(names).not.toContain('fx_counts_events_v1');
    const builds = await olap.query(`SELECT build, state FROM projection_state FINAL ORDER BY build`);
    expect(builds).toEqual([
      { build: 'v1', state: 'retired' },
      { build: 'v2', state: 'live' },
    ]);
    await r2.stop();
    await store.close();
  });
});

describe('when migrations run again', () => {
  it('applies nothing twice and leaves the bookkeeping tables in place', async () => {
    const olap = await freshOlap('mig');
    expect(await migrate(olap)).toEqual(['001_bookkeeping']);
    await olap.insert('projection_dead_letters', [{ projection: 'p', version: 1, event_id: 'e', position: 1, type: 'T', error: 'x', payload: '{}', at: '2025-01-01T00:00:00Z' }], {
      dedupToken: 'mig-test',
    });
    expect(await migrate(olap)).toEqual([]);
    expect(await migrate(olap)).toEqual([]);
    expect(await olap.query(`SELECT id FROM schema_migrations FINAL`)).toEqual([{ id: '001_bookkeeping' }]);
    expect(await olap.query(`SELECT count() AS n FROM projection_dead_letters`)).toEqual([{ n: 1 }]);
    expect(await tableNames(olap)).toEqual(['projection_checkpoints', 'projection_dead_letters', 'projection_state', 'schema_migrations']);
  });
});
