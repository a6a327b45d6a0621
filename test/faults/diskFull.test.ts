import { execFileSync } from 'node:child_process';
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { mixedBatch } from '../fixtures/ingest/records.ts';
import { freePort, startService, tempDir, waitReady, writeKeys, type ServiceProcess } from '../distributed/processes.ts';

/**
 * Fault injection: the data folder on a small filesystem (a tmpfs of 16 MiB) that fills up during
 * ingest. Mounting needs root (CAP_SYS_ADMIN); where it is refused the test is skipped and says so.
 */
const data = tempDir('brain-diskfull-');
const mounted = (() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', data], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn(`diskFull.test.ts: cannot mount a tmpfs at ${data} (needs root); the disk-full test is skipped`);
    return false;
  }
})();

interface Report {
  accepted: number;
  duplicates: number;
  results: Array<{ status: string; eventIds?: string[] }>;
}

describe.skipIf(!mounted)('when the disk of the data folder fills up during ingest', () => {
  const processes: ServiceProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    if (mounted) execFileSync('umount', ['-l', data]);
  });

  it('answers 507 naming the disk, keeps every acknowledged event, corrupts nothing, and recovers when space returns', async () => {
    const keysDir = tempDir('brain-diskfull-keys-');
    const { file, keys } = writeKeys(keysDir);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const ingestor = startService('ingest', { DATA_DIR: data, API_KEYS_FILE: file, PERSON_SALT: 'disk-full-salt-0123456789', SERVICES: 'ingest', PORT: String(port) });
    processes.push(ingestor);
    await waitReady(ingestor, `${base}/readyz`, 90_000);
    const post = (records: unknown[]) =>
      fetch(`${base}/api/v1/ingest/records`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/x-ndjson' },
        body: records.map((r) => JSON.stringify(r)).join('\n'),
        signal: AbortSignal.timeout(60_000),
      });

    // Leave ~400 KiB: a few batches fit, then the disk is full.
    const filler = path.join(data, 'filler.bin');
    const free = statfsSync(data);
    writeFileSync(filler, Buffer.alloc(Math.max(0, free.bavail * free.bsize - 400 * 1024)));

    const acknowledged = new Set<string>();
    let refused: { batch: unknown[]; status: number; type: string; body: { status: number; detail: string } } | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const batch = mixedBatch(200, i * 200);
      const res = await post(batch);
      if (res.status === 200) {
        const report = (await res.json()) as Report;
        expect(report.accepted).toBe(200);
        for (const r of report.results) for (const id of r.eventIds ?? []) acknowledged.add(id);
      } else refused = { batch, status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as { status: number; detail: string } };
    }
    expect(refused, 'the disk never filled').toBeDefined();
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(refused!.status).toBe(507);
    expect(refused!.type).toMatch(/application\/problem\+json/);
    expect(refused!.body.status).toBe(507);
    expect(refused!.body.detail).toContain(data);
    expect(refused!.body.detail).toMatch(/full/);
    // Still serving.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    // Space returns: the same batch lands whole, without a restart; what was acknowledged stays once.
    rmSync(filler);
    const again = await post(refused!.batch);
    expect(again.status).toBe(200);
    const report = (await again.json()) as Report;
    expect(report.accepted).toBe(200);
    for (const r of report.results) for (const id of r.eventIds ?? []) acknowledged.add(id);

    // A hard kill, then the file as the next start will read it.
    await ingestor.kill('SIGKILL');
    const db = new Database(path.join(data, 'events.sqlite'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const ids = db.prepare('SELECT event_id FROM events ORDER BY position').pluck().all() as string[];
      expect(ids.length).toBe(acknowledged.size);
      expect(new Set(ids)).toEqual(acknowledged);
      expect(db.prepare('SELECT max(position) = count(*) FROM events').pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  }, 240_000);
});
