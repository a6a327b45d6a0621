import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { registered } from '../fixtures/ingest/records.ts';
import { platformSetup, getJson, startService, tempDir, waitReady, type ServiceProcess } from '../distributed/processes.ts';

interface Status {
  store: { head: number; events: number };
  projections: Array<{ name: string; checkpoint: number; lagEvents: number; state: string }>;
}

/**
 * Fault injection: the event store loses its newest events under projections that had already
 * seen them (an older copy of events.sqlite restored, or a WAL lost as in issue 7). The platform
 * must say so (status, metrics, an error log line) rather than report `lagEvents: 0` while new
 * events never reach the fact tables, and a rebuild must repair it.
 */
describe('when the event store is older than the projections that read it', () => {
  const data = tempDir('brain-ahead-');
  const processes: ServiceProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  });

  it('reports the projections as ahead-of-store, in status, metrics and the log, and a rebuild repairs them', async () => {
    const { olapPort, env, base, keys } = await platformSetup(data);
    const status = () => getJson<Status>(`${base}/api/v1/status`, keys().viewer!);
    const ingest = async (records: unknown[]): Promise<string[]> => {
      const res = await fetch(`${base}/api/v1/ingest/records`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys().ingest}`, 'content-type': 'application/x-ndjson' },
        body: records.map((r) => JSON.stringify(r)).join('\n'),
      });
      expect(res.status).toBe(200);
      const report = (await res.json()) as { accepted: number; results: Array<{ eventIds?: string[] }> };
      expect(report.accepted).toBe(records.length);
      return report.results.flatMap((r) => r.eventIds ?? []);
    };
    const caughtUp = async (): Promise<Status> => {
      for (const deadline = Date.now() + 60_000; ; ) {
        const s = await status();
        if (s.projections.length > 0 && s.projections.every((p) => p.state === 'live' && p.checkpoint === s.store.head)) return s;
        if (Date.now() > deadline) throw new Error(`not caught up: ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const factEventIds = async (): Promise<string[]> => {
      const res = await fetch(`http://127.0.0.1:${olapPort}/?default_format=JSONEachRow`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`analyst:${keys().analyst}`).toString('base64')}` },
        body: 'SELECT event_id FROM fact_entity_locations ORDER BY event_id',
      });
      expect(res.status).toBe(200);
      return (await res.text()).trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { event_id: string }).event_id);
    };

    const first = startService('first', env);
    processes.push(first);
    await waitReady(first, `${base}/readyz`, 120_000);
    const ids = await ingest(Array.from({ length: 20 }, (_, i) => registered(i + 1)));
    expect((await caughtUp()).store.head).toBe(20);
    await first.kill('SIGTERM');

    // The store as an older copy holds it: the last five events are gone, and their positions free.
    const db = new Database(path.join(data, 'events.sqlite'));
    db.exec('DELETE FROM events WHERE position > 15; DELETE FROM type_counts; INSERT INTO type_counts SELECT type, count(*) FROM events GROUP BY type;');
    db.close();

    const second = startService('second', env);
    processes.push(second);
    await waitReady(second, `${base}/readyz`, 120_000);
    const ahead = await status();
    expect(ahead.store.head).toBe(15);
    for (const p of ahead.projections) expect(p, p.name).toMatchObject({ state: 'ahead-of-store', checkpoint: 20, lagEvents: -5 });
    const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${keys().admin}` } })).text();
    expect(metrics).toMatch(/brain_projection_ahead_of_store\{projection="fact_entities"\} 1/);
    expect(metrics).toMatch(/brain_projection_lag_events\{projection="fact_entities"\} -5/);
    expect(second.output()).toMatch(/checkpoint 20 is AHEAD of the event store head 15/);

    // New events take positions 16..18, at or below the checkpoint: without a repair they never land.
    const fresh = await ingest([registered(31), registered(32), registered(33)]);
    expect((await status()).projections.every((p) => p.state === 'ahead-of-store')).toBe(true);

    for (const p of ahead.projections) {
      const res = await fetch(`${base}/api/v1/admin/projections/${p.name}/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${keys().admin}` } });
      expect(res.status, `${p.name}: ${await res.clone().text()}`).toBeLessThan(300);
    }
    const repaired = await caughtUp();
    expect(repaired.store.head).toBe(18);
    expect(await factEventIds()).toEqual([...ids.slice(0, 15), ...fresh].sort());
    const after = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${keys().admin}` } })).text();
    expect(after).toMatch(/brain_projection_ahead_of_store\{projection="fact_entities"\} 0/);
  }, 300_000);
});
