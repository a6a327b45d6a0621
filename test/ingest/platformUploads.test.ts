import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uscc } from '../fixtures/ingest/records.ts';
import { freePort, startService, tempDir, waitReady, writeKeys, type ServiceProcess } from '../distributed/processes.ts';
import { memoryOf, rawRequest, repeated, zipBombXlsx, type RawAnswer } from './uploads.ts';
import { launchChromium } from '../support/browser.ts';

/**
 * The whole platform (`brain start`, its own OS process) against uploads that used to take it
 * down: aborted and lying uploads on every ingest route, a 200 MB file of invalid rows, a zip
 * bomb, a 10,000-deep JSON, and a 100,000-row file that must import whole. Its memory is read
 * from /proc (VmHWM: the peak resident set of the process) against the documented ceiling.
 */

const CEILING = 1.5 * 1024 ** 3;
const NDJSON_LIMIT = 256 * 1024 * 1024;
const REGISTRY_HEADER = '统一社会信用代码,企业名称,成立日期,登记机关,行政区划代码,所属街道,行业代码,注册资本(万元)\n';
const registryRow = (n: number, established = '2021-03-05'): string => `${uscc(n)},武汉${n}号公司,${established},新洲区市场监管局,420117,阳逻街道,C3911,100\n`;

interface Status {
  store: { head: number; events: number };
}

describe('the platform under hostile uploads', () => {
  const dir = tempDir('brain-uploads-');
  let platform: ServiceProcess;
  let base = '';
  let keys: ReturnType<typeof writeKeys>['keys'];

  const auth = (role: keyof typeof keys = 'ingest') => ({ authorization: `Bearer ${keys[role]}` });
  const status = async (): Promise<Status> => {
    const res = await fetch(`${base}/api/v1/status`, { headers: auth('viewer'), signal: AbortSignal.timeout(15_000) });
    expect(res.status).toBe(200);
    return (await res.json()) as Status;
  };
  const alive = async (): Promise<void> => {
    expect(platform.child.exitCode, platform.output()).toBeNull();
    await status();
  };
  const peak = (): number => memoryOf(platform.child.pid!).hwm;

  const ROUTES = [
    { name: 'JSON records', path: '/api/v1/ingest/records', type: 'application/json', body: Buffer.from(`[${'{"type":"EnterpriseRegistered"},'.repeat(4000)}`) },
    { name: 'NDJSON records', path: '/api/v1/ingest/records', type: 'application/x-ndjson', body: Buffer.from('{"type":"EnterpriseRegistered"}\n'.repeat(4000)) },
    { name: 'CSV file', path: '/api/v1/ingest/files?template=enterprise-registry', type: 'text/csv', body: Buffer.from(REGISTRY_HEADER + registryRow(1, 'x').repeat(1000)) },
    { name: 'XLSX file', path: '/api/v1/ingest/files?template=enterprise-registry&format=xlsx', type: 'application/octet-stream', body: Buffer.alloc(100_000, 0x50) },
  ];

  beforeAll(async () => {
    const written = writeKeys(dir);
    keys = written.keys;
    const [port, olapPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${port}`;
    platform = startService('platform', {
      DATA_DIR: dir,
      PORT: String(port),
      OLAP_PORT: String(olapPort),
      API_KEYS_FILE: written.file,
      INGEST_NDJSON_BYTES: String(NDJSON_LIMIT),
    });
    await waitReady(platform, `${base}/readyz`, 120_000);
  }, 180_000);

  afterAll(async () => {
    await platform?.kill('SIGKILL');
  });

  describe.each(ROUTES)('on the $name route', (route) => {
    it.each([4, 60_000])('survives a client that disconnects after %i bytes, and keeps answering', async (bytes) => {
      expect(route.body.length).toBeGreaterThan(bytes);
      const answer = await rawRequest(`${base}${route.path}`, {
        headers: { ...auth(), 'content-type': route.type, 'content-length': 1_000_000 },
        body: [route.body],
        abortAfter: bytes,
      });
      expect(answer).toBe('aborted');
      await alive();
    });

    it('answers 413 to Content-Length 300,000,000 with a 4-byte body, and keeps answering', async () => {
      const answer = await rawRequest(`${base}${route.path}`, {
        headers: { ...auth(), 'content-type': route.type, 'content-length': 300_000_000 },
        body: [route.body.subarray(0, 4)],
      });
      expect(answer).toMatchObject({ status: 413, headers: { connection: 'close' } });
      expect(JSON.parse((answer as RawAnswer).body)).toMatchObject({ type: 'urn:innovation-brain:problem:payload-too-large' });
      await alive();
    });
  });

  it('sends security headers with the dashboard, API JSON and problems', async () => {
    for (const [path, role] of [['/', undefined], ['/api/v1/status', 'viewer'], ['/api/v1/nothing', 'viewer']] as const) {
      const res = await fetch(`${base}${path}`, { headers: role ? auth(role) : {} });
      expect(res.headers.get('content-security-policy'), path).toMatch(/default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });

  it('answers a 10,000-deep JSON with 400', async () => {
    const res = await fetch(`${base}/api/v1/ingest/records`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: `{"type":"EnterpriseRegistered","data":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
    });
    expect(res.status).toBe(400);
    await alive();
  });

  it('refuses a zip-bomb XLSX (400 MB of empty rows in 0.6 MB) without inflating it', async () => {
    const res = await fetch(`${base}/api/v1/ingest/files?template=enterprise-registry&format=xlsx`, {
      method: 'POST',
      headers: auth(),
      body: await zipBombXlsx(400 * 1024 * 1024),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/疑似压缩炸弹/);
    await alive();
    expect(peak()).toBeLessThan(CEILING);
  }, 60_000);

  it('answers a 200 MB CSV of invalid rows with a capped report, under the memory ceiling, serving status all along', async () => {
    const size = 200_000_000;
    const head = (await status()).store.head;
    const upload = rawRequest(`${base}/api/v1/ingest/files?template=enterprise-registry`, {
      headers: { ...auth(), 'content-type': 'text/csv', 'content-length': size },
      body: (function* () {
        yield Buffer.from(REGISTRY_HEADER);
        yield* repeated(registryRow(2, '2021-13-45'), size - Buffer.byteLength(REGISTRY_HEADER));
      })(),
      timeoutMs: 300_000,
    });
    let finished = false;
    void upload.finally(() => (finished = true));
    let answers = 0;
    while (!finished) {
      await status();
      answers++;
      await Promise.race([upload, new Promise((r) => setTimeout(r, 500))]);
    }
    const answer = await upload;
    expect(answer).toMatchObject({ status: 200 });
    const body = (answer as RawAnswer).body;
    const report = JSON.parse(body) as { received: number; rejected: number; accepted: number; results: unknown[]; truncated: { omittedRejected: number; issueCounts: Array<{ field: string; count: number }> } };
    const rows = Math.ceil((size - Buffer.byteLength(REGISTRY_HEADER)) / Buffer.byteLength(registryRow(2, '2021-13-45')));
    expect(report).toMatchObject({ received: rows, rejected: rows, accepted: 0 });
    expect(report.results).toHaveLength(1000);
    expect(report.truncated.omittedRejected).toBe(rows - 1000);
    expect(report.truncated.issueCounts[0]).toMatchObject({ field: '成立日期', count: rows - 1000 });
    expect(body.length).toBeLessThan(2_000_000);
    // The status page answered while the file was read and decided (the import loop yields).
    expect(answers).toBeGreaterThan(3);
    expect((await status()).store.head).toBe(head);
    const mem = memoryOf(platform.child.pid!);
    console.log(`200 MB invalid CSV: ${rows} rows, ${answers} status answers during the import, peak RSS ${(mem.hwm / 2 ** 20).toFixed(0)} MiB, now ${(mem.rss / 2 ** 20).toFixed(0)} MiB`);
    expect(mem.hwm).toBeLessThan(CEILING);
  }, 300_000);

  it('imports a 100,000-row valid CSV with nothing lost', async () => {
    const head = (await status()).store.head;
    const res = await rawRequest(`${base}/api/v1/ingest/files?template=enterprise-registry`, {
      headers: { ...auth(), 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
      body: (function* () {
        yield Buffer.from(REGISTRY_HEADER);
        for (let start = 0; start < 100_000; start += 5000) yield Buffer.from(Array.from({ length: 5000 }, (_, i) => registryRow(10_000 + start + i)).join(''));
      })(),
      timeoutMs: 240_000,
    });
    expect(res).toMatchObject({ status: 200 });
    const report = JSON.parse((res as RawAnswer).body) as { received: number; accepted: number; rejected: number; truncated: { omittedStored: number } };
    expect(report).toMatchObject({ received: 100_000, accepted: 100_000, rejected: 0, truncated: { omittedStored: 99_000 } });
    expect((await status()).store.head).toBe(head + 100_000);
    expect(peak()).toBeLessThan(CEILING);
  }, 300_000);

  it('still runs the dashboard under its Content-Security-Policy: ECharts, its modules, a chart, no violation', async () => {
    // test/dashboards installs Chromium when missing; here it is only a check of the headers' effect.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !/status of 401/.test(msg.text())) problems.push(msg.text());
      });
      // Browser code as text: the test's TypeScript has no DOM types.
      await page.addInitScript({
        content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
      });
      await page.goto(base);
      await page.getByLabel('请输入访问密钥').fill(keys.viewer);
      await page.getByRole('button', { name: '进入驾驶舱' }).click();
      const card = page.locator('.card').first();
      await card.waitFor();
      await card.click();
      await page.locator('#chart canvas').first().waitFor();
      expect(await page.evaluate('typeof window.echarts')).toBe('object');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
