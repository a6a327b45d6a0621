// @ts-check
/**
 * The SQLite event store's writer thread (node:worker_threads): appends run here, on a connection
 * of their own, so that inserting and syncing a batch (milliseconds at synchronous=FULL) leaves the
 * event loop free to read and validate the next one. Plain JavaScript with no imports of ours, so
 * it starts the same under tsx, vitest and plain node. The main thread (sqliteEventStore.ts)
 * prepares the rows (event keys, JSON columns) and turns the answers back into our errors.
 *
 * In: `{ id, requests: [{ streamId, expected, rows: [eventId, key, type, schemaVersion, occurredAt,
 * recordedAt, meta, data][] }] }`. Out: `{ id, results }`, `{ id, conflict: { streamId, expected,
 * actual } }` or `{ id, error: { code, message } }`; nothing of a refused batch is written.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

/** @typedef {[string, number, string, number, string, string, string, string]} Row */
/** @typedef {{ streamId: string, expected: string | number, rows: Row[] }} Request */
/** @typedef {{ nextExpectedVersion: number, position: number, appended: number, duplicates: number }} AppendResult */

const require = createRequire(import.meta.url);
/** @type {typeof import('better-sqlite3')} */
const Database = require('better-sqlite3');
const options = /** @type {{ file: string, synchronous: string, busyTimeoutMs: number }} */ (workerData);
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

const db = new Database(options.file, { timeout: options.busyTimeoutMs });
db.pragma(`synchronous = ${options.synchronous}`);
db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
db.pragma('cache_size = -65536');

const stmt = {
  streamHead: db.prepare('SELECT stream_version, position FROM events WHERE stream_id = ? ORDER BY stream_version DESC LIMIT 1').raw(),
  findEvent: db.prepare('SELECT position FROM events WHERE event_key = ? AND event_id = ?').pluck(),
  insert: db.prepare(
    'INSERT INTO events (stream_id, stream_version, event_id, event_key, type, schema_version, occurred_at, recorded_at, meta, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  countType: db.prepare('INSERT INTO type_counts (type, n) VALUES (?, ?) ON CONFLICT (type) DO UPDATE SET n = n + excluded.n'),
};

/** A stream at `actual` (-1: none) that does not meet `expected`; the main thread words the error. */
class Conflict extends Error {
  /** @param {string} streamId @param {string | number} expected @param {number} actual */
  constructor(streamId, expected, actual) {
    super('conflict');
    this.detail = { streamId, expected, actual };
  }
}

/** The same rule as checkExpectedVersion (envelope.ts). @param {string | number} expected @param {number} actual */
function meets(expected, actual) {
  return expected === 'any' || (expected === 'no_stream' && actual === -1) || (expected === 'stream_exists' && actual >= 0) || expected === actual;
}

/** One request inside the write transaction, as appendOne in sqliteEventStore.ts did it inline. @param {Request} r @param {Map<string, number>} types @returns {AppendResult} */
function appendOne(r, types) {
  const head = /** @type {[number, number] | undefined} */ (stmt.streamHead.get(r.streamId));
  let version = head ? head[0] : -1;
  let position = head ? head[1] : 0;
  /** @type {Row[]} */
  const fresh = [];
  const seen = new Set();
  for (const row of r.rows) {
    if (seen.has(row[0]) || stmt.findEvent.get(row[1], row[0]) !== undefined) continue;
    seen.add(row[0]);
    fresh.push(row);
  }
  // A re-sent request (every event already stored) is acknowledged as a no-op whatever it expected;
  // an empty request still checks, so it can serve as an assertion on the stream.
  if ((fresh.length > 0 || r.rows.length === 0) && !meets(r.expected, version)) throw new Conflict(r.streamId, r.expected, version);
  for (const row of fresh) {
    version += 1;
    const info = stmt.insert.run(r.streamId, version, row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7]);
    position = Number(info.lastInsertRowid);
    types.set(row[2], (types.get(row[2]) ?? 0) + 1);
  }
  return { nextExpectedVersion: version, position, appended: fresh.length, duplicates: r.rows.length - fresh.length };
}

const appendTx = db.transaction(/** @param {Request[]} requests */ (requests) => {
  /** @type {Map<string, number>} */
  const types = new Map();
  const results = requests.map((r) => appendOne(r, types));
  for (const [type, n] of types) stmt.countType.run(type, n);
  return results;
});

port.on('message', (/** @type {{ id: number, requests?: Request[], close?: boolean }} */ msg) => {
  if (msg.close) {
    db.close();
    port.close();
    return;
  }
  try {
    // IMMEDIATE takes the write lock up front: the version read and the insert see the same state
    // even when another process appends to the same file.
    port.postMessage({ id: msg.id, results: appendTx.immediate(msg.requests ?? []) });
  } catch (err) {
    if (err instanceof Conflict) port.postMessage({ id: msg.id, conflict: err.detail });
    else {
      const e = /** @type {{ code?: unknown, message?: unknown }} */ (err ?? {});
      port.postMessage({ id: msg.id, error: { code: typeof e.code === 'string' ? e.code : '', message: String(e.message ?? err) } });
    }
  }
});
