import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestReport } from '../../contracts/ingest.ts';
import type { EventStore } from '../../contracts/ports.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { createIngestService, type IngestService } from '../../services/ingest/ingestService.ts';
import { shanghaiToday } from '../../contracts/dates.ts';
import { runSeed, type SeedSummary } from '../../services/seed/runSeed.ts';
import { startTrickle } from '../../services/seed/trickle.ts';

// A small area keeps the test quick; the rules exercised are the same as for the full seed.
const HISTORY = { seed: 11, enterprises: 400, to: '2025-06-30' };
const now = (): Date => new Date('2025-06-30T04:00:00Z');

let dir: string;
let store: EventStore;
let ingest: IngestService;
let first: SeedSummary;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'seed-run-'));
  store = createSqliteEventStore({ path: path.join(dir, 'events.db'), synchronous: 'NORMAL' });
  ingest = createIngestService({ store, personSalt: 'seed-test' });
  const progress: number[] = [];
  first = await runSeed({ ingest, history: HISTORY, onProgress: (done) => progress.push(done) });
  expect(progress.at(-1)).toBe(first.total);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('when the sample history is fed through the ingest service', () => {
  it('accepts every record, flagging only the deliberately wrong check characters', async () => {
    expect(first.total).toBeGreaterThan(5_000);
    expect(first.rejected).toBe(0);
    expect(first.accepted).toBe(first.total);
    expect(first.flagged).toBeGreaterThan(0);
    expect(first.flagged / first.total).toBeLessThan(0.03);
    expect((await store.head()).position).toBe(first.total);
  });

  it('stores nothing new when seeded again', async () => {
    const again = await runSeed({ ingest, history: HISTORY });
    expect(again.accepted).toBe(0);
    expect(again.rejected).toBe(0);
    expect(again.duplicates).toBe(first.total);
  });

  it('sends the same records when the history waits on disk (collecting garbage as it goes), and removes the files after', async () => {
    const spillDir = path.join(dir, 'seed-plan');
    const again = await runSeed({ ingest, history: { ...HISTORY, batchSize: 5_000 }, spillDir, collectAboveMb: 1 });
    expect(again).toMatchObject({ total: first.total, accepted: 0, rejected: 0, duplicates: first.total });
    expect(existsSync(spillDir)).toBe(false);
  });

  it('accepts the live trickle on top of it', async () => {
    const reports: IngestReport[] = [];
    const trickle = startTrickle({ seed: HISTORY.seed, enterprises: HISTORY.enterprises, now, intervalMs: 10, ingest: async (records) => reports.push(await ingest.ingest(records, { actor: 'system:trickle' })) });
    for (let i = 0; i < 2_000 && reports.reduce((s, r) => s + r.received, 0) < 40; i++) await new Promise((r) => setTimeout(r, 10));
    await trickle.stop();
    const received = reports.reduce((s, r) => s + r.received, 0);
    expect(received).toBeGreaterThanOrEqual(40);
    const rejected = reports.flatMap((r) => r.results.filter((x) => x.status === 'rejected'));
    expect(rejected).toEqual([]);
    expect(reports.reduce((s, r) => s + r.accepted, 0)).toBe(received - reports.reduce((s, r) => s + r.duplicates, 0));
  });
});

describe('today for the seed', () => {
  it('is the civil date in Asia/Shanghai', () => {
    expect(shanghaiToday(new Date('2025-06-30T15:59:59Z'))).toBe('2025-06-30');
    expect(shanghaiToday(new Date('2025-06-30T16:00:00Z'))).toBe('2025-07-01');
  });
});
