import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBookkeeping } from '../../projections/runner/bookkeeping.ts';
import { createProjectionRunner, type ProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import { storeEventSource } from '../../projections/runner/storeEventSource.ts';
import type { EventStore, OlapClient } from '../../contracts/ports.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { expectedValues, fixtureEvents, readValuesSql, testProjection, type FixtureSpec } from '../fixtures/projections/testProjection.ts';
import { freshOlap } from '../support/olap.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'brain-deduplog-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const specs: FixtureSpec[] = Array.from({ length: 60 }, (_, i): FixtureSpec =>
  i % 2 === 0 ? { kind: 'meeting', meeting: i, body: i % 4 === 0 ? '科创委' : '科创办' } : { kind: 'voucher', amount: i + 0.5 },
);

function runner(olap: OlapClient, store: EventStore): ProjectionRunner {
  return createProjectionRunner({ olap, source: storeEventSource(store, { maxBatch: 500 }), projections: [testProjection()], batchSize: 500, flushMs: 50 });
}

async function readValues(olap: OlapClient) {
  const [events, meetings] = readValuesSql(olap.database, 'fx_counts');
  return { events: await olap.query(events!), meetings: await olap.query(meetings!) };
}

/**
 * The engine's dedup log and a block's part are not written atomically: after kill -9 the log can
 * hold a batch's token while the table lacks its rows (seen in test/faults/randomKills.test.ts).
 * This sets up that state directly (the rows deleted by a mutation, which leaves the token in the
 * log; the batch's intent put back as the last checkpoint) and restarts the runner.
 */
describe('when the dedup log holds a batch token whose rows are not in the table', () => {
  it('writes the replayed batch into a table that folds copies (instead of dropping it as a duplicate), and nothing twice into one that does not', async () => {
    const olap = await freshOlap('deduplog');
    const store = createSqliteEventStore({ path: path.join(tmp, 'store.sqlite'), synchronous: 'NORMAL' });
    for (const e of fixtureEvents(specs)) await store.append(e.streamId, [e]);
    const head = (await store.head()).position;

    const first = runner(olap, store);
    await first.start();
    await first.waitUntilCaughtUp();
    const [status] = await first.status();
    await first.stop();
    expect(status!.checkpoint).toBe(head);
    // One batch (0, head]: the plain MergeTree got one block, so one token per table.
    const parts = await olap.query<{ n: number }>(
      `SELECT count() AS n FROM system.parts WHERE database = {db:String} AND table = 'fx_counts_events_v1' AND active`,
      { db: olap.database },
    );
    expect(parts).toEqual([{ n: 1 }]);
    const expected = expectedValues(specs);
    expect(await readValues(olap)).toEqual(expected);

    // The state a kill can leave: the meetings block's token logged, its rows gone; the intent pending.
    await olap.command(`ALTER TABLE fx_counts_meetings_v1 DELETE WHERE 1 SETTINGS mutations_sync = 2`);
    await olap.command(`ALTER TABLE projection_checkpoints DELETE WHERE projection = 'fx_counts' SETTINGS mutations_sync = 2`);
    await createBookkeeping(olap).writeCheckpoint({ projection: 'fx_counts', build: status!.serving!.build, version: 1, position: 0, pendingTo: head, lastRecordedAt: null });
    expect((await readValues(olap)).meetings).toEqual([]);

    const second = runner(olap, store);
    await second.start();
    await second.waitUntilCaughtUp();
    expect((await second.status())[0]!.checkpoint).toBe(head);
    // Meetings back (the replay went in without deduplication); events once (their token still dedupes).
    expect(await readValues(olap)).toEqual(expected);
    await second.stop();
    await store.close();
  });
});
