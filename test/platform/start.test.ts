import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiToday } from '../../contracts/dates.ts';
import { KPI_CATALOG } from '../../contracts/kpis.ts';
import { lastClosedPeriods } from '../../services/reports/scheduler.ts';
import { freePort, getJson, startService, tempDir, waitReady, type ServiceProcess } from '../distributed/processes.ts';

/**
 * `npm start` as a user runs it: one process, the embedded default, sample data seeded through
 * the ingest path; then the CLI against it, a rebuild, the SQL interface, a restart.
 */

const root = path.resolve(import.meta.dirname, '../..');
interface Status {
  store: { head: number; events: number };
  projections: Array<{ name: string; version: number; checkpoint: number; lagEvents: number; lagSeconds: number; state: string }>;
  kpiTables: { position: number; recordedAt: string } | null;
}

/**
 * Runs the CLI without blocking this process: a synchronous spawn would freeze the event loop for
 * the whole command, so the keep-alive sockets to the server would miss its idle close and the next
 * request would go out on a socket the server had already closed ("other side closed").
 */
function brain(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'services/cli/main.ts'), ...args],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
        encoding: 'utf8',
        timeout: 240_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Runs a tool without blocking this process (see brain()). */
function run(command: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

describe('npm start on an empty data folder', () => {
  const data = tempDir('brain-start-');
  let env: Record<string, string>;
  let platform: ServiceProcess;
  let base = '';
  let olapBase = '';
  let keys: Record<string, string>;

  async function caughtUp(): Promise<Status> {
    for (const deadline = Date.now() + 240_000; ; ) {
      const s = await getJson<Status>(`${base}/api/v1/status`, keys.viewer!);
      // Facts and the KPI tables built from them (what /kpis answers from) both reflect every event.
      if (s.store.head > 0 && s.projections.length > 0 && s.projections.every((p) => p.checkpoint === s.store.head && p.state === 'live') && s.kpiTables?.position === s.store.head)
        return s;
      if (Date.now() > deadline) throw new Error(`projections not caught up: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  beforeAll(async () => {
    const [port, olapPort] = [await freePort(), await freePort()];
    env = { DATA_DIR: data, PORT: String(port), OLAP_PORT: String(olapPort), TRICKLE: 'false', WARNINGS: 'true', REPORTS: 'true' };
    base = `http://127.0.0.1:${port}`;
    olapBase = `http://127.0.0.1:${olapPort}`;
    platform = startService('platform', { ...env, LOG_LEVEL: 'info' }, ['start', '--no-trickle']);
    await waitReady(platform, `${base}/readyz`, 120_000);
    keys = JSON.parse(readFileSync(path.join(data, 'dev-keys.json'), 'utf8')) as Record<string, string>;
  }, 180_000);

  afterAll(async () => {
    await platform?.kill('SIGKILL');
  });

  it('writes one development key per role to $DATA_DIR/dev-keys.json, readable by its owner only', () => {
    expect(Object.keys(keys).sort()).toEqual(['admin', 'analyst', 'ingest', 'viewer']);
    expect(statSync(path.join(data, 'dev-keys.json')).mode & 0o777).toBe(0o600);
    expect(platform.output()).toContain('dev-keys.json');
  });

  it('seeds more than 100,000 sample events through the ingest path and projects them all', async () => {
    const status = await caughtUp();
    expect(status.store.head).toBeGreaterThanOrEqual(100_000);
    expect(status.store.events).toBe(status.store.head);
    expect(status.projections.map((p) => p.name).sort()).toEqual(['fact_corrections', 'fact_entities', 'fact_flows', 'fact_monitoring', 'fact_reports', 'fact_statuses']);
    expect(platform.output()).toMatch(/seeded \d+ records \(0 duplicates, 0 rejected/);
  }, 300_000);

  it('lists warnings (预警) once the seeded history is in the KPI tables, none raised and cleared while seeding', async () => {
    await caughtUp();
    type Answer = { counts: Record<string, number>; statuses: Record<string, string>; warnings: Array<{ state: string; severity: string; message: string }> };
    let open: Answer | undefined;
    // An evaluation appends its warnings one by one: wait for the one the sample makes certain.
    for (const deadline = Date.now() + 180_000; ; ) {
      open = await getJson<Answer>(`${base}/api/v1/warnings`, keys.viewer!);
      if (open.statuses.tech_contract_turnover === '预警') break;
      if (Date.now() > deadline) throw new Error(`tech_contract_turnover not 预警 after seeding: ${JSON.stringify(open.statuses)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(open.warnings.length).toBeGreaterThan(0);
    expect(open.warnings.every((w) => w.state === 'open' && w.message.length > 0)).toBe(true);
    // The sample sets this year's technology-contract target as a stretch (×1.6): off track.
    expect(open.statuses.tech_contract_turnover).toBe('预警');
    // Evaluations wait for the seeding to end: nothing was raised on half a history and cleared since.
    expect((await getJson<Answer>(`${base}/api/v1/warnings?status=cleared`, keys.viewer!)).warnings).toEqual([]);
  }, 240_000);

  it('issues the reports of the periods just closed; the last full quarter downloads as PDF and XLSX that poppler and LibreOffice open', async () => {
    const due = lastClosedPeriods(shanghaiToday());
    const quarter = due[1]!;
    type Issued = { period: string; asOf: string; sha256: { xlsx: string; pdf: string } };
    let reports: Issued[] = [];
    // All four (month, quarter, half, year): the scheduler is then idle, so the later tests count a quiet store.
    for (const deadline = Date.now() + 600_000; !due.every((p) => reports.some((r) => r.period === p)); ) {
      if (Date.now() > deadline) throw new Error(`not all of ${due.join(', ')} were issued: ${JSON.stringify(reports)}`);
      await new Promise((r) => setTimeout(r, 1000));
      reports = (await getJson<{ reports: Issued[] }>(`${base}/api/v1/reports`, keys.viewer!)).reports;
    }
    const issued = reports.find((r) => r.period === quarter)!;
    const dir = tempDir('brain-start-report-');
    for (const format of ['pdf', 'xlsx'] as const) {
      const res = await fetch(`${base}/api/v1/reports/${quarter}?format=${format}&asOf=${encodeURIComponent(issued.asOf)}`, { headers: { authorization: `Bearer ${keys.viewer}` } });
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      // The same bytes as issued on schedule (and as the files in DATA_DIR/reports).
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(issued.sha256[format]);
      expect(readFileSync(path.join(data, 'reports', `${quarter}.${format}`)).equals(bytes)).toBe(true);
      writeFileSync(path.join(dir, `report.${format}`), bytes);
    }
    const text = await run('pdftotext', [path.join(dir, 'report.pdf'), '-']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('长江新区科技创新监测评估报告');
    expect(text.stdout).toContain('有效期内高新技术企业数');
    const png = await run('pdftoppm', ['-r', '30', '-png', '-f', '1', '-l', '1', path.join(dir, 'report.pdf'), path.join(dir, 'page')]);
    expect(png.status, png.stderr).toBe(0);
    expect(statSync(path.join(dir, 'page-1.png')).size).toBeGreaterThan(1000);
    const lo = await run('soffice', [`-env:UserInstallation=file://${path.join(dir, 'lo-profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, path.join(dir, 'report.xlsx')]);
    expect(lo.status, lo.stderr).toBe(0);
    expect(statSync(path.join(dir, 'report.pdf')).size).toBeGreaterThan(1000);
  }, 900_000);

  it('answers every KPI of the catalog, P1 and P2, with a latest value and a non-empty series', async () => {
    const { kpis } = await getJson<{ kpis: Array<{ id: string; priority: string; latest: { value: number | null } | null }> }>(`${base}/api/v1/kpis`, keys.viewer!);
    expect(kpis.map((k) => k.id)).toEqual(KPI_CATALOG.map((k) => k.id));
    const withoutValue = kpis.filter((k) => k.latest?.value === null || k.latest?.value === undefined).map((k) => k.id);
    expect(withoutValue).toEqual([]);
    for (const { id } of KPI_CATALOG) {
      const { series } = await getJson<{ series: Array<{ value: number | null }> }>(`${base}/api/v1/kpis/${id}/series?from=2023-01&to=2025-12&grain=year`, keys.viewer!);
      expect(series.length, id).toBe(3);
      expect(series.some((p) => p.value !== null && p.value !== 0), id).toBe(true);
    }
  }, 120_000);

  it('shows the store by type with `brain status`', async () => {
    const r = await brain(['status', '--json'], env);
    expect(r.status, r.stderr).toBe(0);
    const status = JSON.parse(r.stdout) as { store: { head: number; byType: Record<string, number> }; projections: unknown[] };
    expect(status.store.byType.TechContractRegistered).toBeGreaterThan(10_000);
    expect(Object.values(status.store.byType).reduce((a, b) => a + b, 0)).toBe(status.store.head);
    expect(status.projections).toHaveLength(6);
  });

  it('rebuilds a projection with `brain projections rebuild` while serving, to the same values', async () => {
    const url = `${base}/api/v1/kpis/tech_contract_turnover/series?from=2023-01&to=2025-12&grain=quarter`;
    const before = await getJson<{ series: unknown }>(url, keys.viewer!);
    const r = await brain(['projections', 'rebuild', 'fact_flows'], env);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const status = await getJson<Status>(`${base}/api/v1/status`, keys.viewer!);
    expect(status.projections.find((p) => p.name === 'fact_flows')?.state).toBe('live');
    // The rebuilt tables replaced the old ones: the analyst's view shows one build.
    const after = await getJson<{ series: unknown }>(`${url}&asOf=${encodeURIComponent(new Date().toISOString())}`, keys.viewer!);
    expect(after.series).toEqual(before.series);
  }, 240_000);

  it('serves SQL to analysts over the ClickHouse HTTP interface, read-only', async () => {
    const auth = `Basic ${Buffer.from(`analyst:${keys.analyst}`).toString('base64')}`;
    const ok = await fetch(`${olapBase}/?query=${encodeURIComponent('SELECT count() FROM fact_flows FORMAT JSONEachRow')}`, { headers: { authorization: auth } });
    expect(ok.status).toBe(200);
    expect(Number((JSON.parse(await ok.text()) as Record<string, number>)['count()'])).toBeGreaterThan(50_000);
    const write = await fetch(`${olapBase}/`, { method: 'POST', headers: { authorization: auth }, body: 'DROP TABLE fact_flows' });
    expect(write.status).not.toBe(200);
    expect(write.headers.get('x-clickhouse-exception-code')).toBe('164');
  });

  it('exports a department scorecard as an assessment package, reproducible by its as-of instant', async () => {
    const url = `${base}/api/v1/exports/scorecards/${encodeURIComponent('科创局')}?period=2025&format=xlsx`;
    const first = await fetch(url, { headers: { authorization: `Bearer ${keys.viewer}` } });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/spreadsheetml/);
    const asOf = first.headers.get('x-brain-as-of')!;
    const bytes = Buffer.from(await first.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    const again = await fetch(`${url}&asOf=${encodeURIComponent(asOf)}`, { headers: { authorization: `Bearer ${keys.viewer}` } });
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
  }, 60_000);

  it('exposes health and readiness to anyone, Prometheus metrics to a key holder', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ status: 'ready' });
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${keys.viewer}` } })).text();
    expect(metrics).toMatch(/^brain_store_head_position \d{6}/m);
    expect(metrics).toMatch(/brain_projection_lag_events\{projection="fact_flows"\} 0/);
  });

  it('loses nothing across a hard kill and a restart without seeding', async () => {
    const before = await caughtUp();
    await platform.kill('SIGKILL');
    const restarted = startService('platform-2', env);
    platform = restarted;
    await waitReady(restarted, `${base}/readyz`, 120_000);
    const after = await caughtUp();
    expect(after.store.head).toBe(before.store.head);
    expect(after.projections.map((p) => p.checkpoint)).toEqual(before.projections.map((p) => p.checkpoint));
  }, 300_000);
});
