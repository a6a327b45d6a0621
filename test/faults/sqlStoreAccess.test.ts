import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registered } from '../fixtures/ingest/records.ts';
import { platformSetup, getJson, postNdjson, startService, tempDir, waitReady, type ServiceProcess } from '../distributed/processes.ts';

interface Status {
  store: { head: number; events: number };
  projections: Array<{ name: string; checkpoint: number; state: string }>;
}

/**
 * Issue 7, item 1: a `sqlite()` access to the live events.sqlite from the engine deleted the
 * store's -wal and -shm files under the running process (the engine's SQLite connection closed the
 * file, and POSIX locks are per process), and acknowledged events were lost on the next hard kill.
 * Now every SQL path to the store's files is refused, and a hard kill after the attempts loses
 * nothing.
 */
describe('when SQL users try to open the event store under a running platform', () => {
  const data = tempDir('brain-sqlstore-');
  const processes: ServiceProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  });

  it('refuses every attempt, keeps the WAL in place, and an event acknowledged afterwards survives kill -9', async () => {
    const { olapPort, env, base, keys } = await platformSetup(data);
    const sql = async (user: 'admin' | 'analyst', text: string) => {
      const res = await fetch(`http://127.0.0.1:${olapPort}/`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${user}:${keys()[user]}`).toString('base64')}` },
        body: text,
      });
      return { status: res.status, text: await res.text() };
    };

    const first = startService('first', env);
    processes.push(first);
    await waitReady(first, `${base}/readyz`, 120_000);
    expect((await postNdjson(base, keys().ingest!, Array.from({ length: 5 }, (_, i) => registered(i + 1)))).accepted).toBe(5);

    const store = path.join(data, 'events.sqlite');
    const wal = `${store}-wal`;
    expect(existsSync(wal)).toBe(true);
    const attempts: ['admin' | 'analyst', string][] = [
      ['analyst', `DESCRIBE TABLE sqlite('${store}', 'events')`],
      ['analyst', `SELECT count() FROM sqlite('${store}', 'events')`],
      ['admin', `SELECT count() FROM sqlite('${store}', 'events')`],
      ['admin', `DESCRIBE TABLE sqlite('${store}', 'events')`],
      ['admin', `INSERT INTO FUNCTION sqlite('${store}', 'events') SELECT * FROM generateRandom('position Int64') LIMIT 1`],
      ['admin', `CREATE TABLE default.store_copy (position Int64) ENGINE = SQLite('${store}', 'events')`],
      ['admin', `CREATE DATABASE store_db ENGINE = SQLite('${store}')`],
      ['admin', `SELECT count() FROM file('${wal}', 'RawBLOB')`],
      ['analyst', `SELECT length(file('${wal}'))`],
    ];
    for (const [user, text] of attempts) {
      const r = await sql(user, text);
      expect(r.status, `${user}: ${text} → ${r.text}`).toBe(403);
    }
    expect(existsSync(wal), 'the WAL of the running store is still there').toBe(true);

    // An event acknowledged after the attempts …
    const res = await fetch(`${base}/api/v1/ingest/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys().ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify(registered(6)),
    });
    expect(res.status).toBe(201);
    const report = (await res.json()) as { position: number; results: Array<{ eventIds?: string[] }> };
    const eventId = report.results[0]!.eventIds![0]!;
    expect(report.position).toBe(6);

    // … survives a hard kill and a restart.
    await first.kill('SIGKILL');
    const second = startService('second', env);
    processes.push(second);
    await waitReady(second, `${base}/readyz`, 120_000);
    const status = await getJson<Status>(`${base}/api/v1/status`, keys().viewer!);
    expect(status.store.head).toBe(6);
    for (const deadline = Date.now() + 60_000; ; ) {
      const r = await sql('analyst', `SELECT count() FROM fact_entity_locations WHERE event_id = '${eventId}'`);
      if (r.text === '1\n') break;
      if (Date.now() > deadline) throw new Error(`event ${eventId} never reached the fact table: ${r.status} ${r.text}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 300_000);
});
