/**
 * The same appends through Emmett's SQLite event store (`@event-driven-io/emmett-sqlite`, a dev
 * dependency): the reference for `append_ratio_vs_emmett`. Three ways of using it, each against
 * the same events this project's store appends in `bench/eventStore.bench.ts`:
 * - `default`: `getSQLiteEventStore({ fileName })` as its README shows it, which opens (and closes)
 *   a connection for every call;
 * - `connection`: one long-lived connection (`sqliteConnection` + `appendToStream`), which removes
 *   the per-call open;
 * - `batch100`: the default store, 100 events per `appendToStream` call (one transaction).
 * Both stores run at synchronous=FULL: SQLite's default, which Emmett keeps (checked, not assumed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface EmmettEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface EmmettRates {
  /** Single-event appends per second, default store (connection per call). */
  single: number;
  /** Single-event appends per second on one long-lived connection. */
  singleConnection: number;
  /** Events per second, 100 per append call, default store. */
  batch100: number;
  /** `PRAGMA synchronous` of Emmett's connection (2 = FULL). */
  synchronous: number;
  /** Appends retried after SQLITE_BUSY (see `timed`). */
  retries: number;
}

type AppendTo = (stream: string, events: EmmettEvent[]) => Promise<unknown>;

const isBusy = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 'SQLITE_BUSY';

/**
 * Appends `total` events, `perCall` per call. Emmett's default store closes each call's connection
 * without waiting, so under back-to-back calls a commit now and then meets SQLITE_BUSY ("SQL
 * statements in progress"); the transaction is rolled back, and the call is retried, as a caller of
 * Emmett would. Retries are counted and part of the time.
 */
async function timed(total: number, perCall: number, streams: number, event: (i: number) => EmmettEvent, append: AppendTo): Promise<{ rate: number; retries: number }> {
  let retries = 0;
  const started = performance.now();
  for (let i = 0; i < total; i += perCall) {
    const events = Array.from({ length: Math.min(perCall, total - i) }, (_, k) => event(i + k));
    const stream = `enterprise-B${String((i / perCall) % streams).padStart(6, '0')}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await append(stream, events);
        break;
      } catch (err) {
        if (!isBusy(err) || attempt === 20) throw err;
        retries++;
      }
    }
  }
  return { rate: total / ((performance.now() - started) / 1000), retries };
}

/** Emmett logs every rolled-back transaction with console.log: kept off the bench's output while it runs. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
  }
}

/** Emmett's appends of `single` one-event calls and `batched` events in calls of 100, over `streams` streams. */
export async function emmettAppendRates(options: { single: number; batched: number; streams: number; event: (i: number) => EmmettEvent }): Promise<EmmettRates> {
  const { getSQLiteEventStore, sqliteConnection, appendToStream, createEventStoreSchema } = await import('@event-driven-io/emmett-sqlite');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brain-bench-emmett-'));
  const file = (name: string): string => path.join(dir, `${name}.sqlite`);
  try {
    const probe = sqliteConnection({ fileName: file('probe') });
    const synchronous = (await probe.querySingle<{ synchronous: number }>('PRAGMA synchronous'))?.synchronous ?? -1;
    probe.close();

    const store = getSQLiteEventStore({ fileName: file('default') });
    const single = await quietly(() => timed(options.single, 1, options.streams, options.event, (s, e) => store.appendToStream(s, e)));

    const connection = sqliteConnection({ fileName: file('connection') });
    await createEventStoreSchema(connection);
    const singleConnection = await quietly(() => timed(options.single, 1, options.streams, options.event, (s, e) => appendToStream(connection, s, 'enterprise', e)));
    connection.close();

    const batchStore = getSQLiteEventStore({ fileName: file('batch') });
    const batch100 = await quietly(() => timed(options.batched, 100, options.streams, options.event, (s, e) => batchStore.appendToStream(s, e)));
    return {
      single: single.rate,
      singleConnection: singleConnection.rate,
      batch100: batch100.rate,
      synchronous,
      retries: single.retries + singleConnection.retries + batch100.retries,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
