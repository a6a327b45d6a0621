import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { EventStore } from '../../contracts/ports.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';

/** A unique temp directory, removed after the file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let n = 0;
/** A fresh SQLite store in its own file (NORMAL sync: tests assert behaviour, not durability). */
export function freshStore(dir: string): { store: EventStore; file: string } {
  const file = path.join(dir, `store-${process.pid}-${++n}.db`);
  const store = createSqliteEventStore({ path: file, synchronous: 'NORMAL' });
  afterAll(() => store.close());
  return { store, file };
}
