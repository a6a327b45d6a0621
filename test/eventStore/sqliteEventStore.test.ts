import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../contracts/events/index.ts';
import type { EventStore } from '../../contracts/ports.ts';
import { createEventStore } from '../../services/eventStore/index.ts';
import { loadConfig } from '../../services/config/config.ts';
import { createSqliteEventStore, eventKey } from '../../services/eventStore/sqliteEventStore.ts';
import { eventStoreContract } from './eventStoreContract.ts';
import { eventually, makeEvent, makeEvents, uniqueStream } from './events.ts';

const writerScript = fileURLToPath(new URL('../fixtures/eventStoreWriter.ts', import.meta.url));

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'brain-es-'));
}

eventStoreContract('sqlite', async () => {
  const dir = tempDir();
  // NORMAL: the contract is about behaviour, not durability; FULL is exercised by the tests below.
  const store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

/** A writer process on the same file; resolves once it is running (or on its first message). */
function startWriter(file: string, mode: string, stream: string): { child: ChildProcess; messages: unknown[]; exited: Promise<number | null> } {
  const child = fork(writerScript, [file, mode, stream], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: unknown[] = [];
  child.on('message', (m) => messages.push(m));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, messages, exited };
}

describe('the sqlite event store on one file shared by several processes', () => {
  let dir: string;
  let file: string;
  let store: EventStore;

  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, 'events.sqlite');
    store = createSqliteEventStore({ path: file, pollIntervalMs: 50 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets exactly one of two processes appending at the same expected version win', async () => {
    const stream = uniqueStream();
    await store.append(stream, [makeEvent(stream)]);
    const writers = [startWriter(file, 'race', stream), startWriter(file, 'race', stream)];
    await eventually(() => writers.every((w) => w.messages.includes('ready')), 'both writers to start', 30_000);
    for (const w of writers) w.child.send('go');
    await Promise.all(writers.map((w) => w.exited));

    const outcomes = writers.map((w) => w.messages.find((m) => m !== 'ready') as { ok: boolean; error?: string });
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.find((o) => !o.ok)?.error).toBe('ConflictError');
    expect((await store.readStream(stream)).map((e) => e.streamVersion)).toEqual([0, 1]);
  });

  it('keeps a batch whole or not at all when the writing process is killed mid-append', async () => {
    const prefix = `batch-${randomUUID().slice(0, 8)}-`;
    const writer = startWriter(file, 'batches', prefix);
    // Kill it soon after it starts its third transaction: most likely while that batch is being written.
    await eventually(() => writer.messages.length >= 3, 'the writer to start its third batch', 60_000);
    writer.child.kill('SIGKILL');
    await writer.exited;

    const reopened = createSqliteEventStore({ path: file });
    try {
      const events = await reopened.readAll({ fromPosition: 0 });
      const perStream = new Map<string, number>();
      for (const e of events) perStream.set(e.streamId, (perStream.get(e.streamId) ?? 0) + 1);
      expect(perStream.size).toBeGreaterThanOrEqual(2);
      for (const n of perStream.values()) expect(n).toBe(2000);
      expect(await reopened.head()).toEqual({ position: events.length, events: events.length });
      expect(events.map((e) => e.position)).toEqual(events.map((_, i) => i + 1));
    } finally {
      await reopened.close();
    }
    const db = new Database(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('wakes a subscriber in this process for appends made by another process', async () => {
    const stream = uniqueStream();
    const seen: RecordedEvent[] = [];
    const sub = store.subscribe({ fromPosition: 0 }, async (events) => {
      seen.push(...events);
    });
    const writer = startWriter(file, 'append', stream);
    expect(await writer.exited).toBe(0);
    await eventually(() => seen.length === 3, "the other process's events");
    await sub.stop();
    expect(seen.map((e) => [e.streamId, e.streamVersion, e.position])).toEqual([
      [stream, 0, 1],
      [stream, 1, 2],
      [stream, 2, 3],
    ]);
  });
});

describe('the sqlite event store in one process', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps what it stored across a close and a reopen, with synchronous FULL by default', async () => {
    const file = path.join(dir, 'events.sqlite');
    const stream = uniqueStream();
    const first = createSqliteEventStore({ path: file });
    await first.append(stream, makeEvents(stream, 3));
    await first.close();

    const second = createSqliteEventStore({ path: file });
    expect((await second.readStream(stream)).map((e) => e.streamVersion)).toEqual([0, 1, 2]);
    // the re-sent events are still recognised after the reopen
    expect((await second.append(stream, [makeEvent(stream)], { expectedVersion: 2 })).appended).toBe(1);
    await second.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('wakes a subscriber of another store instance on the same file without waiting for the poll', async () => {
    const file = path.join(dir, 'events.sqlite');
    const writer = createSqliteEventStore({ path: file });
    // A poll this slow would fail the deadline below: only the in-process notification can deliver in time.
    const reader = createSqliteEventStore({ path: file, pollIntervalMs: 60_000 });
    const seen: RecordedEvent[] = [];
    const sub = reader.subscribe({ fromPosition: 0 }, async (events) => {
      seen.push(...events);
    });
    const stream = uniqueStream();
    await writer.append(stream, makeEvents(stream, 2));
    await eventually(() => seen.length === 2, 'the notified subscriber', 5_000);
    await sub.stop();
    await reader.close();
    await writer.close();
  });

  it('recognises a duplicate whose lookup key collides with another event', async () => {
    const file = path.join(dir, 'events.sqlite');
    const store = createSqliteEventStore({ path: file });
    const stream = uniqueStream();
    // Same first 52 bits, different ids: the same key, two different events.
    const a = makeEvent(stream, { eventId: '0190a1b2-c3d4-7e5f-8000-000000000001' });
    const b = makeEvent(stream, { eventId: '0190a1b2-c3d4-7e5f-8000-000000000002' });
    expect(eventKey(a.eventId)).toBe(eventKey(b.eventId));
    expect((await store.append(stream, [a])).appended).toBe(1);
    expect(await store.append(stream, [b, a])).toMatchObject({ appended: 1, duplicates: 1 });
    await store.close();
  });

  it('checkpoints its WAL every walAutocheckpointPages; nothing is lost either way', async () => {
    const walBytesAfter = async (name: string, pages: number): Promise<number> => {
      const file = path.join(dir, name);
      const store = createSqliteEventStore({ path: file, synchronous: 'NORMAL', walAutocheckpointPages: pages });
      for (let t = 0; t < 20; t++) {
        const streams = Array.from({ length: 200 }, () => uniqueStream());
        await store.appendMany(streams.map((s) => ({ streamId: s, events: [makeEvent(s)] })));
      }
      const bytes = statSync(`${file}-wal`).size;
      await store.close();
      const db = new Database(file, { readonly: true });
      expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(4000);
      db.close();
      return bytes;
    };
    const seldom = await walBytesAfter('seldom.sqlite', 1_000_000);
    const often = await walBytesAfter('often.sqlite', 8);
    // 20 commits of 200 events: every page they wrote stays in a WAL never checkpointed; checkpointed
    // after each commit, the file is reused from its start and stays about one commit long.
    expect(seldom).toBeGreaterThan(1_000_000);
    expect(often).toBeLessThan(seldom / 4);
  });

  it('is what createEventStore builds by default, at DATA_DIR/events.sqlite', async () => {
    const config = loadConfig({ DATA_DIR: dir });
    const store = createEventStore(config);
    expect(store.kind).toBe('sqlite');
    const stream = uniqueStream();
    await store.append(stream, [makeEvent(stream)]);
    await store.close();
    const db = new Database(path.join(dir, 'events.sqlite'), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1);
    db.close();
  });
});
