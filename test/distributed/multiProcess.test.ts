import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { generateHistory } from '../../services/seed/generateHistory.ts';
import { freePort, getJson, postNdjson, startService, tempDir, waitReady, writeKeys, type ServiceProcess } from './processes.ts';

/**
 * The distributed mode on one machine, every service its own OS process:
 * ingest → SQLite store → relay → real Kafka → two projection workers → the embedded engine served
 * over ClickHouse's HTTP interface by the olap process → API. Its KPI values must equal those of
 * the embedded single-process platform fed the same records.
 */

interface KpiList {
  kpis: Array<{ id: string; latest: { period: string; value: number | null } | null }>;
}
interface Status {
  store: { head: number };
  projections: Array<{ name: string; checkpoint: number; state: string }>;
  kpiTables: { position: number } | null;
}

const records = [...generateHistory({ seed: 77, to: '2025-06-30', enterprises: 120 }).batches()].flat();
const SERIES = ['hte_count', 'tech_contract_turnover', 'incubating_tenants', 'invention_patents_per_10k', 'fund_investment_in_area'];

async function kpiSnapshot(base: string, key: string): Promise<Record<string, unknown>> {
  const list = await getJson<KpiList>(`${base}/api/v1/kpis`, key);
  const snapshot: Record<string, unknown> = Object.fromEntries(list.kpis.map((k) => [k.id, k.latest]));
  for (const id of SERIES) snapshot[`series:${id}`] = (await getJson<{ series: unknown }>(`${base}/api/v1/kpis/${id}/series?from=2023-01&to=2025-06&grain=quarter`, key)).series;
  return snapshot;
}

describe('the distributed mode, one process per service', () => {
  const processes: ServiceProcess[] = [];
  let keys: ReturnType<typeof writeKeys>['keys'];
  let embedded = '';
  let distributedApi = '';
  let ingestUrl = '';
  let accepted = 0;

  beforeAll(async () => {
    const brokers = inject('kafkaBrokers');
    const dir = tempDir('brain-dist-');
    const written = writeKeys(dir);
    keys = written.keys;
    const common = { API_KEYS_FILE: written.file, PERSON_SALT: 'distributed-test-salt-0123456789', CLICKHOUSE_DATABASE: 'brain' };
    const topic = `brain-events-${path.basename(dir).slice(-6).toLowerCase()}`;

    // The reference: the embedded platform in one process.
    const [embeddedPort, embeddedOlap] = [await freePort(), await freePort()];
    const single = startService('embedded', { ...common, DATA_DIR: tempDir('brain-single-'), PORT: String(embeddedPort), OLAP_PORT: String(embeddedOlap) });
    processes.push(single);
    embedded = `http://127.0.0.1:${embeddedPort}`;

    // The distributed platform: one data folder shared by the processes of this machine (the
    // SQLite store file; chDB is opened by the olap process alone).
    const data = tempDir('brain-multi-');
    const [olapPort, ingestPort, relayPort, p1, p2, apiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    const multi = { ...common, DATA_DIR: data, BUS: 'kafka', KAFKA_BROKERS: brokers, KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: `${topic}-dlq`, KAFKA_PARTITIONS: '4', KAFKA_GROUP: `${topic}-projector` };
    const viaOlap = { OLAP: 'clickhouse', CLICKHOUSE_URL: `http://127.0.0.1:${olapPort}`, CLICKHOUSE_USER: 'admin', CLICKHOUSE_PASSWORD: keys.admin };
    const olap = startService('olap', { ...multi, SERVICES: 'olap', PORT: String(await freePort()), OLAP_PORT: String(olapPort) });
    const ingest = startService('ingest', { ...multi, SERVICES: 'ingest', PORT: String(ingestPort) });
    processes.push(olap, ingest);
    await waitReady(olap, `http://127.0.0.1:${olapPort}/ping`);
    const relay = startService('relay', { ...multi, SERVICES: 'relay', PORT: String(relayPort) });
    const worker1 = startService('projector-1', { ...multi, ...viaOlap, SERVICES: 'projector', PORT: String(p1) });
    processes.push(relay, worker1);
    await waitReady(worker1, `http://127.0.0.1:${p1}/readyz`, 90_000);
    const worker2 = startService('projector-2', { ...multi, ...viaOlap, SERVICES: 'projector', PORT: String(p2) });
    const api = startService('api', { ...multi, ...viaOlap, SERVICES: 'api', PORT: String(apiPort) });
    processes.push(worker2, api);
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    distributedApi = `http://127.0.0.1:${apiPort}`;
    await Promise.all([
      waitReady(single, `${embedded}/readyz`, 90_000),
      waitReady(ingest, `${ingestUrl}/readyz`, 90_000),
      waitReady(relay, `http://127.0.0.1:${relayPort}/readyz`, 90_000),
      waitReady(worker2, `http://127.0.0.1:${p2}/readyz`, 90_000),
      waitReady(api, `${distributedApi}/readyz`, 90_000),
    ]);

    // The same records into both, in two halves: the second half arrives while workers are busy.
    const half = Math.floor(records.length / 2);
    for (const part of [records.slice(0, half), records.slice(half)]) {
      const [a, b] = await Promise.all([postNdjson(embedded, keys.ingest, part), postNdjson(ingestUrl, keys.ingest, part)]);
      expect(a.rejected).toBe(0);
      expect(b.accepted).toBe(a.accepted);
      accepted += b.accepted;
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
  });

  it('stores every record once in the distributed store', async () => {
    const status = await getJson<Status>(`${distributedApi}/api/v1/status`, keys.viewer);
    expect(accepted).toBeGreaterThan(3_000);
    expect(status.store.head).toBe(accepted);
  });

  it('ends with the same KPI values as the embedded single-process platform', async () => {
    // The embedded platform: wait until its projections have everything.
    for (const deadline = Date.now() + 120_000; ; ) {
      const s = await getJson<Status>(`${embedded}/api/v1/status`, keys.viewer);
      // KPI answers come from the KPI tables: wait until they reflect every event, not only the facts.
      if (s.projections.length > 0 && s.projections.every((p) => p.checkpoint >= s.store.head && s.store.head === accepted) && (s.kpiTables?.position ?? 0) >= accepted) break;
      if (Date.now() > deadline) throw new Error(`embedded projections not caught up: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const expected = await kpiSnapshot(embedded, keys.viewer);
    expect(Object.values(expected).filter((v) => v !== null).length).toBeGreaterThan(20);

    // The distributed one converges through relay, Kafka and two workers.
    let actual: Record<string, unknown> = {};
    for (const deadline = Date.now() + 150_000; ; ) {
      const s = await getJson<Status>(`${distributedApi}/api/v1/status`, keys.viewer);
      if (s.projections.every((p) => p.checkpoint >= accepted) && (s.kpiTables?.position ?? 0) >= accepted) {
        actual = await kpiSnapshot(distributedApi, keys.viewer);
        if (JSON.stringify(actual) === JSON.stringify(expected)) break;
      }
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(actual).toEqual(expected);
  }, 300_000);

  it('re-sending the same records through the distributed ingest stores nothing new', async () => {
    const again = await postNdjson(ingestUrl, keys.ingest, records.slice(0, 500));
    expect(again.accepted).toBe(0);
    expect(again.duplicates).toBe(500);
    const status = await getJson<Status>(`${distributedApi}/api/v1/status`, keys.viewer);
    expect(status.store.head).toBe(accepted);
  });
});
