import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PROJECTIONS } from '../../projections/registry.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { generateHistory } from '../../services/seed/generateHistory.ts';
import { freePort, getJson, postNdjson, startService, tempDir, waitReady, writeKeys, type ServiceProcess } from '../distributed/processes.ts';

interface Status {
  store: { head: number };
  projections: Array<{ name: string; checkpoint: number; state: string }>;
}

/**
 * Transient OLAP fault under a running lane: a Kafka-fed projection worker writes through
 * ClickHouse's HTTP interface (OLAP=clickhouse) to the olap process, which is killed and started
 * again while events keep arriving. The adapter marks the connection errors retriable, the runner
 * retries them by its declared policy, and the lane resumes by itself: every fact table ends with
 * exactly the rows a clean pass over the store gives, nothing lost, nothing doubled.
 */
describe('when the ClickHouse server of a Kafka-fed worker goes away and comes back', () => {
  const processes: ServiceProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  });

  it('retries the failed writes and ends with every fact exactly once', async () => {
    const brokers = inject('kafkaBrokers');
    const dir = tempDir('brain-olap-outage-');
    const { file, keys } = writeKeys(dir);
    const topic = `brain-outage-${path.basename(dir).slice(-6).toLowerCase()}`;
    const [olapPort, ingestPort, relayPort, workerPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const common = {
      API_KEYS_FILE: file,
      PERSON_SALT: 'outage-test-salt-0123456789',
      CLICKHOUSE_DATABASE: 'brain',
      DATA_DIR: dir,
      BUS: 'kafka',
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC: topic,
      KAFKA_DLQ_TOPIC: `${topic}-dlq`,
      KAFKA_PARTITIONS: '2',
      KAFKA_GROUP: `${topic}-projector`,
    };
    const olapEnv = { ...common, SERVICES: 'olap', OLAP_PORT: String(olapPort) };
    const startOlap = async (name: string): Promise<ServiceProcess> => {
      const p = startService(name, { ...olapEnv, PORT: String(await freePort()) });
      processes.push(p);
      await waitReady(p, `http://127.0.0.1:${olapPort}/ping`, 90_000);
      return p;
    };
    let olap = await startOlap('olap-1');
    const ingest = startService('ingest', { ...common, SERVICES: 'ingest', PORT: String(ingestPort) });
    const relay = startService('relay', { ...common, SERVICES: 'relay', PORT: String(relayPort) });
    const worker = startService('worker', {
      ...common,
      SERVICES: 'projector',
      PORT: String(workerPort),
      LOG_LEVEL: 'warn',
      OLAP: 'clickhouse',
      CLICKHOUSE_URL: `http://127.0.0.1:${olapPort}`,
      CLICKHOUSE_USER: 'admin',
      CLICKHOUSE_PASSWORD: keys.admin,
    });
    processes.push(ingest, relay, worker);
    const ingestUrl = `http://127.0.0.1:${ingestPort}`;
    const workerUrl = `http://127.0.0.1:${workerPort}`;
    await Promise.all([waitReady(ingest, `${ingestUrl}/readyz`, 90_000), waitReady(relay, `http://127.0.0.1:${relayPort}/readyz`, 90_000), waitReady(worker, `${workerUrl}/readyz`, 90_000)]);

    const records = [...generateHistory({ seed: 11, to: '2025-06-30', enterprises: 40 }).batches()].flat();
    const third = Math.floor(records.length / 3);
    let accepted = (await postNdjson(ingestUrl, keys.ingest, records.slice(0, third))).accepted;
    // The lane is running: it has written part of the first third.
    for (const deadline = Date.now() + 90_000; ; ) {
      const s = await getJson<Status>(`${workerUrl}/api/v1/status`, keys.viewer);
      if (s.projections.length > 0 && s.projections.every((p) => p.checkpoint > 0)) break;
      if (Date.now() > deadline) throw new Error(`worker never projected: ${JSON.stringify(s)}\n${worker.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // The outage: the server dies while events keep arriving; the worker's writes fail meanwhile.
    await olap.kill('SIGKILL');
    accepted += (await postNdjson(ingestUrl, keys.ingest, records.slice(third, 2 * third))).accepted;
    for (const deadline = Date.now() + 60_000; !/projection write failed \(transient\), retrying/.test(worker.output()); ) {
      if (Date.now() > deadline) throw new Error(`the worker never retried a write:\n${worker.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    olap = await startOlap('olap-2');
    accepted += (await postNdjson(ingestUrl, keys.ingest, records.slice(2 * third))).accepted;

    for (const deadline = Date.now() + 120_000; ; ) {
      const s = await getJson<Status>(`${workerUrl}/api/v1/status`, keys.viewer);
      if (s.projections.every((p) => p.checkpoint >= accepted && p.state !== 'failed')) break;
      if (Date.now() > deadline) throw new Error(`the lane did not resume: ${JSON.stringify(s)}\n${worker.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(worker.child.exitCode).toBeNull();

    // Expected: one clean pass of the pure projections over the whole store.
    const store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite') });
    const events = await store.readAll();
    await store.close();
    expect(events.length).toBe(accepted);
    const sql = async (query: string): Promise<number> => {
      const res = await fetch(`http://127.0.0.1:${olapPort}/?database=brain`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`admin:${keys.admin}`).toString('base64')}` },
        body: query,
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${query}: ${res.status} ${text}`);
      return Number(text.trim());
    };
    const expected: Record<string, number> = {};
    const actual: Record<string, number> = {};
    for (const p of PROJECTIONS) {
      const rows = p.project(events);
      for (const t of p.tables) {
        expected[t.name] = rows[t.name]?.length ?? 0;
        // The stable views read FINAL: a row written twice would show here only if it differed.
        actual[t.name] = await sql(`SELECT count() FROM brain.${t.name}`);
      }
    }
    expect(Object.values(expected).reduce((a, b) => a + b, 0)).toBeGreaterThan(500);
    expect(actual).toEqual(expected);
  }, 400_000);
});
