/**
 * The event store's REFERENCE workload: bare better-sqlite3 inserts of the same rows into a table
 * of the same shape and indexes as the SQLite store's (WAL, prepared statement, one transaction
 * per N rows), with none of the store's work (stream-version checks, dedup lookups, type counts,
 * envelope encoding). Divided into the store's figures it gives the store's own overhead.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

// Mirrors services/eventStore/sqliteEventStore.ts (columns and indexes), so both write alike pages.
const SCHEMA = `
CREATE TABLE events (
  position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, stream_version INTEGER NOT NULL,
  event_id TEXT NOT NULL, event_key INTEGER NOT NULL, type TEXT NOT NULL, schema_version INTEGER NOT NULL,
  occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL, meta TEXT NOT NULL, data TEXT NOT NULL
);
CREATE UNIQUE INDEX events_stream ON events (stream_id, stream_version);
CREATE INDEX events_event_key ON events (event_key);
`;

const STREAMS = 5000;
type Row = [string, number, string, number, string, number, string, string, string, string];

/** Rows like benchEventStore's events: random UUIDs, 5,000 streams, an annual-financials payload. */
function rows(from: number, n: number, versions: Map<string, number>): Row[] {
  const out: Row[] = [];
  for (let i = from; i < from + n; i++) {
    const streamId = `enterprise-B${String(i % STREAMS).padStart(6, '0')}`;
    const version = (versions.get(streamId) ?? -1) + 1;
    versions.set(streamId, version);
    const eventId = randomUUID();
    out.push([
      streamId,
      version,
      eventId,
      parseInt(eventId.slice(0, 8), 16) * 2 ** 20 + parseInt(eventId.slice(9, 13) + eventId.slice(15, 16), 16),
      'EnterpriseAnnualFinancialsReported',
      1,
      '2024-12-31',
      new Date().toISOString(),
      JSON.stringify({ source: { system: '部门填报', document: `FIN-2024-${i}`, batch: 'bench', unit: '统计局' }, actor: 'bench' }),
      JSON.stringify({ uscc: '91430111MA4L41YT1U', fiscalYear: 2024, revenue: 12345.6, rdExpense: 789.1, highTechProductRevenue: 456.7, employees: 230, techStaff: 60, aboveScale: true, hasRdInstitution: false }),
    ]);
  }
  return out;
}

function open(synchronous: 'FULL' | 'NORMAL'): { db: Database.Database; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brain-bench-sqlite-ref-'));
  const db = new Database(path.join(dir, 'events.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('cache_size = -65536');
  db.exec(SCHEMA);
  return { db, dir };
}

/** Rows per second of bare inserts, `perTx` rows per transaction, after 50,000 warm rows (as benchEventStore does). */
export function bareInsertRate(synchronous: 'FULL' | 'NORMAL', perTx: number, total: number): number {
  const { db, dir } = open(synchronous);
  try {
    const insert = db.prepare(
      'INSERT INTO events (stream_id, stream_version, event_id, event_key, type, schema_version, occurred_at, recorded_at, meta, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const tx = db.transaction((batch: Row[]) => {
      for (const r of batch) insert.run(...r);
    });
    const versions = new Map<string, number>();
    const warm = rows(0, 50_000, versions);
    for (let i = 0; i < warm.length; i += 1000) tx(warm.slice(i, i + 1000));
    const data = rows(50_000, total, versions);
    const started = performance.now();
    for (let i = 0; i < data.length; i += perTx) tx(data.slice(i, i + perTx));
    return total / ((performance.now() - started) / 1000);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows per second of reading the table back by position in pages of 10,000, parsing both JSON columns. */
export function bareReadRate(total: number): number {
  const { db, dir } = open('NORMAL');
  try {
    const insert = db.prepare(
      'INSERT INTO events (stream_id, stream_version, event_id, event_key, type, schema_version, occurred_at, recorded_at, meta, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const tx = db.transaction((batch: Row[]) => {
      for (const r of batch) insert.run(...r);
    });
    const versions = new Map<string, number>();
    for (let i = 0; i < total; i += 10_000) tx(rows(i, Math.min(10_000, total - i), versions));
    const page = db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT 10000').raw();
    const started = performance.now();
    let from = 0;
    let read = 0;
    for (;;) {
      const got = page.all(from) as unknown[][];
      if (got.length === 0) break;
      for (const r of got) {
        JSON.parse(r[9] as string);
        JSON.parse(r[10] as string);
      }
      read += got.length;
      from = got[got.length - 1]![0] as number;
    }
    if (read !== total) throw new Error(`bare read: ${read} of ${total} rows`);
    return total / ((performance.now() - started) / 1000);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
