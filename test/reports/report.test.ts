/**
 * The periodic assessment report (监测评估报告) of 2025-Q3 over the hand-made history of
 * test/fixtures/reports/reportFixture.ts, through the real store, runner, KPI tables and HTTP API.
 * Every expected figure is worked out by hand below; the PDF is rendered by poppler (pdftoppm,
 * pdftotext) and the XLSX opened by LibreOffice and exceljs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report, ReportKpi } from '../../contracts/reports.ts';
import { shanghaiToday } from '../../contracts/dates.ts';
import { recentPeriods } from '../../services/api/reportsRouter.ts';
import { lastClosedPeriods } from '../../services/reports/scheduler.ts';
import { REPORT_EVENTS, REPORT_FIRMS as F, REPORT_IDS as ID } from '../fixtures/reports/reportFixture.ts';
import { useKpiServer } from '../support/kpiServer.ts';
import { createEventFactory } from '../fixtures/kpi/eventFactory.ts';

const server = useKpiServer(REPORT_EVENTS);
const AS_OF = '2025-10-10T00:00:00+08:00';
const work = mkdtempSync(path.join(os.tmpdir(), 'brain-report-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function get(pathAndQuery: string): Promise<Response> {
  return fetch(`${server().url}${pathAndQuery}`, { headers: { authorization: `Bearer ${server().keys.viewer}` } });
}
async function report(period: string, asOf = AS_OF): Promise<Report> {
  const res = await get(`/api/v1/reports/${period}?asOf=${encodeURIComponent(asOf)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
}
async function file(period: string, format: 'pdf' | 'xlsx'): Promise<{ body: Buffer; res: Response }> {
  const res = await get(`/api/v1/reports/${period}?format=${format}&asOf=${encodeURIComponent(AS_OF)}`);
  expect(res.status).toBe(200);
  return { body: Buffer.from(await res.arrayBuffer()), res };
}
const kpi = (r: Report, id: string): ReportKpi => {
  const k = r.kpis.find((x) => x.id === id);
  if (!k) throw new Error(`${id} is not in the report`);
  return k;
};

describe('the 2025-Q3 report of the hand-made history', () => {
  /*
   * 高企 valid at each end (3 years from issue; as known on 2025-10-10, G2's certificate corrected to 2025-07-10):
   *   2025-06-30: G1 (to 2025-08-01), G4, G6                     → 3
   *   2025-09-30: G2 (2025-07-10), G3 (08-15), G5 (07-20)       → 3: 新认定 3; G1 到期, G4 撤销 (09-01), G6 迁出 (09-10)
   *   2024-09-30: G1, G4, G6                                    → 3
   * Target 8 → attainment 3/8 = 37.5 %.
   * Projection (a stock, docs/monitoring.md): the change from the end of September to the year's end in
   * 2024 (3 → 3), 2023 (G1, G6: 2 → 2) and 2022 (G1: 1 → 1) is 0 on average → 3 + 0 = 3, 37.5 % of 8.
   * Rules on 2025-09-30 (day 273 of 365, e = 0.7479): expected = 37.5 + 62.5 × e = 84.2 %, 46.7 points
   * behind → behind-10 and behind-25 (预警); projected 37.5 % < 90 and < 70 → projected-90, projected-70;
   * same span of 2024: 3, now 3 → no yoy-10. Status 预警.
   */
  it('gives 高企 with its movement by reason, projection, rules fired and sentences, all worked out by hand', async () => {
    const r = await report('2025-Q3');
    expect(r).toMatchObject({ period: '2025-Q3', grain: 'quarter', start: '2025-07-01', end: '2025-09-30', asOf: '2025-10-09T16:00:00.000Z', previousPeriod: '2025-Q2', lastYearPeriod: '2024-Q3' });
    expect(r.title).toBe('长江新区科技创新监测评估报告（2025年第三季度）');
    const h = kpi(r, 'hte_count');
    expect(h).toMatchObject({ value: 3, target: 8, attainment: 0.375, previous: { period: '2025-Q2', value: 3 }, lastYear: { period: '2024-Q3', value: 3 }, status: '预警' });
    expect(h.projection).toEqual({ yearEnd: 3, yearTarget: 8, attainment: 0.375, method: 'seasonal' });
    expect(Object.fromEntries(h.movement!.reasons.map((x) => [x.label, x.count]))).toEqual({ 新认定: 3, 迁入: 0, 到期: 1, 撤销: 1, 迁出: 1 });
    // Names in pinyin order: 丙 bǐng, 戊 wù, 乙 yǐ; 丁 dīng, 己 jǐ, 甲 jiǎ.
    expect(h.movement!.topEntered.map((m) => m.name)).toEqual([F.G3.name, F.G5.name, F.G2.name]);
    expect(h.movement!.topLeft.map((m) => m.name)).toEqual([F.G4.name, F.G6.name, F.G1.name]);
    expect(h.sentences).toEqual([
      '有效期内高新技术企业数：期末 3 家，与上期末（2025年第二季度）持平（新认定 3 家；到期 1 家、撤销 1 家、迁出 1 家）。',
      '新进入的有：丙数据、戊智造、乙生物。',
      '退出的有：丁材料、己医疗、甲光电。',
      '目标 8 家，完成 37.5%；按往年同期规律预计年末 3 家，为全年目标的 37.5%；状态：预警。',
    ]);
    expect(r.warnings.filter((w) => w.kpiId === 'hte_count').map((w) => w.ruleId).sort()).toEqual(['behind-10', 'behind-25', 'projected-70', 'projected-90']);
    const behind = r.warnings.find((w) => w.kpiId === 'hte_count' && w.ruleId === 'behind-25')!;
    expect(behind.measured).toBe(46.7);
    expect(r.dimensions.find((d) => d.dimension === 'E')!.kpiIds).toContain('hte_count');
    expect(r.units.find((u) => u.leadUnit === '科创局')!.kpiIds).toContain('hte_count');
  });

  /*
   * 技术合同成交额 (亿元, seller in the area): 2025-Q3: G3 300 万 + G5 100 万 = 0.04 亿; 2024-Q3: G1 200 万 = 0.02 亿
   * → +100 % on the same quarter of 2024; contributors G3's contract 0.03, then G5's 0.01.
   */
  it('names the largest contributors of a flow and its change on the same period last year', async () => {
    const t = kpi(await report('2025-Q3'), 'tech_contract_turnover');
    expect(t).toMatchObject({ value: 0.04, lastYear: { period: '2024-Q3', value: 0.02 }, movement: null });
    expect(t.contributors.map((c) => [c.name, c.value])).toEqual([
      ['丙数据 → 某外地公司', 0.03],
      ['戊智造 → 某外地公司', 0.01],
    ]);
    expect(t.sentences[0]).toBe('技术合同成交额 (输出/吸纳)：本期 0.04 亿元，同比增长 100%（上年同期 0.02 亿元）。');
    expect(t.sentences[1]).toBe('主要来自：丙数据 → 某外地公司（0.03 亿元）、戊智造 → 某外地公司（0.01 亿元）。');
  });

  /*
   * The 2025-Q2 report was issued as of 2025-07-05 00:00 (+08:00): then G2's certificate was dated
   * 2024-05-10, so 高企 at 2025-06-30 was G1, G2, G4, G6 = 4. The correction recorded 2025-08-20 moved
   * it to 2025-07-10: 3 now. No report of 2024-Q3 was issued, so that period is not checked.
   */
  it('restates the figure of the issued Q2 report and names the correction behind it', async () => {
    const r = await report('2025-Q3');
    expect(r.restatements).toHaveLength(1);
    const [s] = r.restatements;
    expect(s).toMatchObject({ kpiId: 'hte_count', period: '2025-Q2', reportAsOf: '2025-07-04T16:00:00.000Z', was: 4, now: 3, lateRecords: 0 });
    expect(s!.corrections).toEqual([{ eventId: ID.hteG2fix, type: 'HighTechCertified', recordedAt: '2025-08-20T02:00:00.000Z', supersedes: ID.hteG2, unit: '测试夹具' }]);
    expect(s!.sentence).toBe(
      `有效期内高新技术企业数2025年第二季度的数值，在截至 2025-07-05 的已发布报告中为 4 家，现为 3 家：更正 1 项（测试夹具 于 2025-08-20 提交的 HighTechCertified 更正（事件 ${ID.hteG2fix}，替代事件 ${ID.hteG2}））。`,
    );
    expect(r.summary.restatements).toBe(1);
  });

  it('shows the Q2 figure as known when that report was issued', async () => {
    const q2 = await report('2025-Q2', '2025-07-05T00:00:00+08:00');
    expect(kpi(q2, 'hte_count')).toMatchObject({ value: 4, movement: { entered: 0 } });
    expect(q2.restatements).toEqual([]);
  });

  it('reuses a report whose asOf everything is projected past, however the store moves on', async () => {
    const s = server();
    // As of 2025-07-05 the KPI tables are past (they reflect records up to 2025-08-20): the report is final.
    const q2 = await report('2025-Q2', '2025-07-05T00:00:00+08:00');
    const before = s.reports.service.stats();
    const later = createEventFactory('00000000-0000-4000-8d01-').ev('gdp', 'StatisticPublished', 'statistic-地区生产总值-2025-Q2', '2025-08-31', { statistic: '地区生产总值', period: '2025-Q2', value: 100, unit: '亿元' }, { recordedAt: '2025-09-01T10:00:00+08:00' });
    await s.append([later]);
    expect((await s.store.head()).events).toBeGreaterThan(REPORT_EVENTS.length);
    expect(await report('2025-Q2', '2025-07-05T00:00:00+08:00')).toEqual(q2);
    expect(s.reports.service.stats()).toEqual({ built: before.built, reused: before.reused + 1 });
  });

  it('gives the same bytes for the same period and asOf, in XLSX and in PDF', async () => {
    for (const format of ['pdf', 'xlsx'] as const) {
      const a = await file('2025-Q3', format);
      const b = await file('2025-Q3', format);
      expect(sha(a.body)).toBe(sha(b.body));
      expect(a.res.headers.get('x-brain-as-of')).toBe('2025-10-09T16:00:00.000Z');
      expect(a.res.headers.get('content-disposition')).toContain(`assessment_report_2025-Q3.${format}`);
    }
  });

  it('renders a PDF whose pages poppler draws, with the text and a chart', async () => {
    const { body, res } = await file('2025-Q3', 'pdf');
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = path.join(work, 'report.pdf');
    writeFileSync(pdf, body);
    const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text.status).toBe(0);
    for (const s of ['长江新区科技创新监测评估报告（2025年第三季度）', '有效期内高新技术企业数', '新认定 3 家', '各维度指标状态', '数据重述']) expect(text.stdout).toContain(s);
    const png = spawnSync('pdftoppm', ['-r', '40', '-png', pdf, path.join(work, 'page')]);
    expect(png.status).toBe(0);
    const pages = readdirSync(work).filter((f) => f.startsWith('page') && f.endsWith('.png'));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    // The first page's chart: the status bars are drawn in colour (预警 red #ee6666) — pdftoppm to PPM, counted.
    const ppm = spawnSync('pdftoppm', ['-r', '40', '-f', '1', '-l', '1', pdf], { maxBuffer: 64 * 1024 * 1024 });
    expect(ppm.status).toBe(0);
    expect(redPixels(ppm.stdout)).toBeGreaterThan(50);
  });

  it('writes an XLSX that LibreOffice opens, with the KPI sheet and the what-moved sentences', async () => {
    const { body } = await file('2025-Q3', 'xlsx');
    const xlsx = path.join(work, 'report.xlsx');
    writeFileSync(xlsx, body);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概要', '指标', '变动说明', '变动明细', '牵头单位', '数据重述', '预警', '说明']);
    const moved = wb.getWorksheet('变动说明')!;
    const texts: string[] = [];
    moved.eachRow((row) => texts.push(String(row.getCell(3).value)));
    expect(texts).toContain('退出的有：丁材料、己医疗、甲光电。');
    const out = path.join(work, 'lo');
    const lo = spawnSync('soffice', [`-env:UserInstallation=file://${path.join(work, 'lo-profile')}`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76', '--outdir', out, xlsx], { encoding: 'utf8', timeout: 240_000 });
    expect(lo.status, lo.stderr).toBe(0);
    // LibreOffice writes the first sheet (概要) as CSV.
    const csv = readFileSync(path.join(out, 'report.csv'), 'utf8');
    expect(csv).toContain('长江新区科技创新监测评估报告（2025年第三季度）');
  });

  it('issues a period once as a ReportIssued event whose hashes the same request reproduces', async () => {
    const s = server();
    const issued = await s.reports.service.issue('2025-Q3', new Date(AS_OF));
    expect(issued).toMatchObject({ period: '2025-Q3', asOf: '2025-10-09T16:00:00.000Z' });
    expect(await s.reports.service.issue('2025-Q3', new Date(AS_OF))).toBeNull();
    expect((await s.store.readStream('report-2025-Q3')).map((e) => e.type)).toEqual(['ReportIssued']);
    expect(sha((await file('2025-Q3', 'pdf')).body)).toBe(issued!.sha256.pdf);
    expect(sha((await file('2025-Q3', 'xlsx')).body)).toBe(issued!.sha256.xlsx);
    // The list covers the last 24 months, 8 quarters, 4 halves and 5 years before today: of the two
    // issued quarters (Q2 in the fixture, Q3 just now), those still in that window.
    const list = (await (await get('/api/v1/reports')).json()) as { reports: Array<{ period: string; sha256: { pdf: string } }> };
    const window = recentPeriods(shanghaiToday());
    expect(list.reports.map((x) => x.period).sort()).toEqual(['2025-Q2', '2025-Q3'].filter((p) => window.includes(p)));
    expect(recentPeriods('2025-10-10')).toEqual(expect.arrayContaining(['2025-09', '2023-10', '2025-Q3', '2023-Q4', '2025-H1', '2023-H2', '2024', '2020']));
    expect(recentPeriods('2025-10-10')).not.toContain('2025-Q4');
  });

  it('writes the files with `brain report`, the same bytes as the API', async () => {
    const out = path.join(work, 'cli');
    // Asynchronously: the server answering the command runs in this process.
    const cli = await run(process.execPath, ['--import', 'tsx', 'services/cli/main.ts', 'report', '--period', '2025-Q3', '--as-of', AS_OF, '--url', server().url, '--out', out], {
      ...process.env, BRAIN_API_KEY: server().keys.viewer, LOG_LEVEL: 'silent',
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('as of 2025-10-09T16:00:00.000Z');
    expect(sha(readFileSync(path.join(out, '监测评估报告_2025-Q3.pdf')))).toBe(sha((await file('2025-Q3', 'pdf')).body));
    expect(sha(readFileSync(path.join(out, '监测评估报告_2025-Q3.xlsx')))).toBe(sha((await file('2025-Q3', 'xlsx')).body));
  });

  it.each([
    ['/api/v1/reports/2025-Q5', 'period'],
    ['/api/v1/reports/2025-13', 'period'],
    ['/api/v1/reports/2025-Q3?format=docx', 'format'],
    ['/api/v1/reports/2025-Q3?grain=month', 'grain'],
    ['/api/v1/reports/2025-Q3?asOf=2999-01-01', 'asOf'],
    ['/api/v1/reports/2999-Q1', 'period'],
  ])('refuses %s with a 400 naming %s', async (url, field) => {
    const res = await get(url);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { detail: string; errors?: Array<{ field: string }> };
    // A field of its own, or (an unknown parameter) named in the message.
    expect([...(problem.errors?.map((e) => e.field) ?? []), problem.detail].join(' ')).toContain(field);
  });

  it('answers 401 without a key', async () => {
    expect((await fetch(`${server().url}/api/v1/reports/2025-Q3`)).status).toBe(401);
  });
});

describe('the periods the scheduler issues', () => {
  it('are the last closed month, quarter, half and year', () => {
    expect(lastClosedPeriods('2025-10-01')).toEqual(['2025-09', '2025-Q3', '2025-H1', '2024']);
    expect(lastClosedPeriods('2026-01-15')).toEqual(['2025-12', '2025-Q4', '2025-H2', '2025']);
    expect(lastClosedPeriods('2025-07-31')).toEqual(['2025-06', '2025-Q2', '2025-H1', '2024']);
  });
});

/** Pixels close to the 预警 red (#ee6666) in a binary PPM (P6) image. */
function redPixels(ppm: Buffer): number {
  // Header: "P6\n<w> <h>\n<max>\n" then RGB bytes.
  let offset = 0;
  const fields: string[] = [];
  while (fields.length < 4) {
    while (/\s/.test(String.fromCharCode(ppm[offset]!))) offset++;
    let token = '';
    while (!/\s/.test(String.fromCharCode(ppm[offset]!))) token += String.fromCharCode(ppm[offset++]!);
    fields.push(token);
  }
  offset++;
  expect(fields[0]).toBe('P6');
  let n = 0;
  for (let i = offset; i + 2 < ppm.length; i += 3) {
    if (Math.abs(ppm[i]! - 0xee) < 16 && Math.abs(ppm[i + 1]! - 0x66) < 16 && Math.abs(ppm[i + 2]! - 0x66) < 16) n++;
  }
  return n;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
