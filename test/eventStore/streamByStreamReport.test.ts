import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppendResult, EventStore } from '../../contracts/ports.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { createIngestService } from '../../services/ingest/ingestService.ts';
import { certified, registered, uscc } from '../fixtures/ingest/records.ts';
import { makeEvent } from './events.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'stream-by-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * EventStoreDB's appendMany semantics over a real SQLite store: requests are appended one by one
 * (esdbEventStore.ts), so a conflict leaves the requests before it stored. `beforeAppend` lets a
 * second writer slip in between two requests, as another process would.
 */
function streamByStream(inner: EventStore, beforeAppend: (streamId: string) => Promise<void>): EventStore {
  return {
    ...inner,
    kind: 'stream-by-stream',
    async appendMany(requests) {
      const out: AppendResult[] = [];
      for (const r of requests) {
        await beforeAppend(r.streamId);
        out.push(await inner.append(r.streamId, r.events, { expectedVersion: r.expectedVersion ?? 'any' }));
      }
      return out;
    },
  };
}

describe('when a stream-by-stream store reports a version conflict twice in one chunk', () => {
  it('reports as accepted exactly the records whose events were stored, and refuses the others', async () => {
    const sqlite = createSqliteEventStore({ path: path.join(dir, 'store.db'), synchronous: 'NORMAL' });
    afterAll(() => sqlite.close());
    const contested = `enterprise-${uscc(2)}`;
    const setup = createIngestService({ store: sqlite, personSalt: 'test-salt-0123456789' });
    await setup.ingest([registered(2)], { actor: 'key:setup' });

    // Another writer appends to the contested stream just before each of our appends to it.
    let interferences = 0;
    const store = streamByStream(sqlite, async (streamId) => {
      if (streamId !== contested || interferences >= 2) return;
      interferences++;
      await sqlite.append(contested, [makeEvent(contested)]);
    });
    const svc = createIngestService({ store, personSalt: 'test-salt-0123456789' });
    // Streams in order: uscc(1) is appended before the contested one, uscc(3) after it.
    const report = await svc.ingest([registered(1), certified(2), registered(3)], { actor: 'key:test' });

    expect(interferences).toBe(2);
    const storedIds = new Set((await sqlite.readAll()).map((e) => e.eventId));
    for (const r of report.results) {
      if (r.status === 'accepted') expect(r.eventIds.every((id) => storedIds.has(id))).toBe(true);
    }
    expect(report.results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected']);
    expect(report.results[1]).toMatchObject({ code: 'conflict' });
    expect(report).toMatchObject({ accepted: 1, rejected: 2 });
    // What the report refused is not in the store; what it accepted is, once.
    expect(await sqlite.readStream(`enterprise-${uscc(1)}`)).toHaveLength(1);
    expect(await sqlite.readStream(`enterprise-${uscc(3)}`)).toHaveLength(0);
    expect((await sqlite.readStream(contested)).map((e) => e.type)).toEqual(['EnterpriseRegistered', 'StatisticPublished', 'StatisticPublished']);

    // Re-sending the same records: the stored one is a duplicate, the refused ones land now.
    const again = await svc.ingest([registered(1), certified(2), registered(3)], { actor: 'key:test' });
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'accepted', 'accepted']);
  });

  it('keeps as accepted what the retry stored before its own conflict (first conflict on the first stream, second on the last)', async () => {
    const sqlite = createSqliteEventStore({ path: path.join(dir, 'late.db'), synchronous: 'NORMAL' });
    afterAll(() => sqlite.close());
    const setup = createIngestService({ store: sqlite, personSalt: 'test-salt-0123456789' });
    await setup.ingest([registered(11), registered(13)], { actor: 'key:setup' });
    const first = `enterprise-${uscc(11)}`;
    const last = `enterprise-${uscc(13)}`;
    const plan = [first, last];
    const store = streamByStream(sqlite, async (streamId) => {
      if (plan[0] !== streamId) return;
      plan.shift();
      await sqlite.append(streamId, [makeEvent(streamId)]);
    });
    const svc = createIngestService({ store, personSalt: 'test-salt-0123456789' });
    const report = await svc.ingest([certified(11), registered(12), certified(13)], { actor: 'key:test' });
    expect(plan).toEqual([]);
    expect(report.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'rejected']);
    const storedIds = new Set((await sqlite.readAll()).map((e) => e.eventId));
    for (const r of report.results) if (r.status === 'accepted') expect(r.eventIds.every((id) => storedIds.has(id))).toBe(true);
    expect((await sqlite.readStream(last)).map((e) => e.type)).toEqual(['EnterpriseRegistered', 'StatisticPublished']);
  });

  it('refuses all records on an atomic store (SQLite), where nothing of the chunk was stored', async () => {
    const sqlite = createSqliteEventStore({ path: path.join(dir, 'atomic.db'), synchronous: 'NORMAL' });
    afterAll(() => sqlite.close());
    const contested = `enterprise-${uscc(2)}`;
    await createIngestService({ store: sqlite, personSalt: 'test-salt-0123456789' }).ingest([registered(2)], { actor: 'key:setup' });
    let interferences = 0;
    const store: EventStore = {
      ...sqlite,
      async appendMany(requests) {
        if (interferences < 2) {
          interferences++;
          await sqlite.append(contested, [makeEvent(contested)]);
        }
        return sqlite.appendMany(requests);
      },
    };
    const report = await createIngestService({ store, personSalt: 'test-salt-0123456789' }).ingest([registered(1), certified(2), registered(3)], { actor: 'key:test' });
    expect(report.results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await sqlite.readStream(`enterprise-${uscc(1)}`)).toHaveLength(0);
  });
});
