import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { DomainEvent } from '../../contracts/events/index.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { importFile } from '../../services/ingest/files/importFile.ts';
import { createIngestService } from '../../services/ingest/ingestService.ts';
import { uscc } from '../fixtures/ingest/records.ts';
import { tempDir } from './support.ts';

const dir = tempDir('ingest-crash');
const child = path.join(import.meta.dirname, '..', 'fixtures', 'ingest', 'importChild.ts');
const ROWS = 20_000;
const CHUNK = 500;

/** A large 高企 list: one certificate per firm, every 997th row with an impossible date. */
function writeCsv(file: string): void {
  const lines = ['统一社会信用代码,企业名称,证书编号,发证日期,技术领域'];
  for (let i = 1; i <= ROWS; i++) {
    const date = i % 997 === 0 ? '2023-02-30' : `2023-${String((i % 12) + 1).padStart(2, '0')}-15`;
    lines.push(`${uscc(i)},企业${i},GR2023420${String(i).padStart(5, '0')},${date},电子信息`);
  }
  writeFileSync(file, `\uFEFF${lines.join('\n')}\n`);
}

/** Runs the importer as `npx tsx` in its own process group; `killAfter` rows committed, SIGKILLs the group. */
function runChild(storeFile: string, csv: string, killAfter?: number): Promise<{ killed: boolean; progress: number[]; done?: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn('npx', ['tsx', child, storeFile, csv, 'hightech-certificates', String(CHUNK)], {
      cwd: path.join(import.meta.dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
      // Its own group: npx → tsx → node is a chain of processes, and all of them must die at once.
      detached: true,
    });
    const progress: number[] = [];
    let done: string | undefined;
    let killed = false;
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const [word, rest] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
      if (word === 'progress') {
        progress.push(Number(rest));
        if (killAfter !== undefined && !killed && Number(rest) >= killAfter) {
          killed = true;
          process.kill(-proc.pid!, 'SIGKILL');
        }
      } else if (word === 'done') done = rest;
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (!killed && code !== 0) reject(new Error(`importer exited with ${code ?? signal}`));
      else resolve({ killed, progress, ...(done ? { done } : {}) });
    });
  });
}

describe('when an import is killed mid-way', () => {
  it('leaves only whole, valid events, and re-running completes it without duplicates', async () => {
    const csv = path.join(dir, 'big.csv');
    writeCsv(csv);

    // The count a clean, uninterrupted import stores.
    const cleanStore = createSqliteEventStore({ path: path.join(dir, 'clean.db'), synchronous: 'NORMAL' });
    const clean = await importFile(createIngestService({ store: cleanStore, personSalt: 'crash-test-salt-0123' }), csv, {
      template: 'hightech-certificates',
      actor: 'key:clean',
      chunkRows: CHUNK,
    });
    const cleanCount = (await cleanStore.head()).events;
    await cleanStore.close();
    expect(clean.rejected).toBe(Math.floor(ROWS / 997));
    expect(cleanCount).toBe(ROWS - clean.rejected);

    const storeFile = path.join(dir, 'crash.db');
    const first = await runChild(storeFile, csv, 4 * CHUNK);
    expect(first.killed).toBe(true);
    expect(first.done).toBeUndefined();

    const store = createSqliteEventStore({ path: storeFile });
    try {
      const afterCrash = await store.readAll();
      // The head moved, but the import did not finish.
      expect(afterCrash.length).toBeGreaterThan(0);
      expect(afterCrash.length).toBeLessThan(cleanCount);
      // Every stored event is complete: it parses as a domain event, envelope and payload.
      for (const { position: _p, streamVersion: _v, ...event } of afterCrash) expect(DomainEvent.safeParse(event).success).toBe(true);

      const second = await runChild(storeFile, csv);
      expect(second.killed).toBe(false);
      const counts = JSON.parse(second.done!) as { accepted: number; duplicates: number; rejected: number };
      expect(counts.duplicates).toBe(afterCrash.length);
      expect(counts.accepted + counts.duplicates).toBe(cleanCount);

      const all = await store.readAll();
      expect(all.length).toBe(cleanCount);
      expect(new Set(all.map((e) => e.eventId)).size).toBe(cleanCount);
      expect(new Set(all.map((e) => e.streamId)).size).toBe(cleanCount);
      expect(all.map((e) => e.position)).toEqual(all.map((_e, i) => i + 1));
    } finally {
      await store.close();
    }
  });
});
