/**
 * 一企一档 on the leadership dashboard, in a real browser (Debian's Chromium driven by
 * playwright-core) against a real server (test/support/kpiServer.ts with the static dashboards):
 * from a KPI card through a drill-down row to a firm's profile, and from the search box.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityProfile } from '../../contracts/entities.ts';
import type { EventDataInput } from '../../contracts/events/index.ts';
import { createEventFactory } from '../fixtures/kpi/eventFactory.ts';
import { dashboardEvents, FIRMS, shanghaiYear, startDashboardServer, type DashboardServer } from './dashboardServer.ts';
import { launchChromium } from '../support/browser.ts';

const SHOTS = path.join(import.meta.dirname, '..', '..', '.tmp', 'dashboards');

let server: DashboardServer;
let browser: Browser;

async function apiGet<T>(p: string): Promise<T> {
  const res = await fetch(`${server.url}/api/v1${p}`, { headers: { Authorization: `Bearer ${server.keys.viewer}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

async function newPage(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // A profile of an unknown id answers 404 by design; the browser logs the failed fetch.
    if (msg.type() === 'error' && !/status of (401|404)/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  return { page, problems };
}

async function login(page: Page): Promise<void> {
  await page.goto(server.url);
  await page.getByLabel('请输入访问密钥').fill(server.keys.viewer);
  await page.getByRole('button', { name: '进入驾驶舱' }).click();
  await page.locator('.card[data-kpi="hte_count"] .value').waitFor();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startDashboardServer(dashboardEvents());
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('一企一档 on the dashboard', () => {
  it('opens a firm from a KPI card through a drill-down row: name, statuses, timeline and KPI memberships', async () => {
    const { page, problems } = await newPage();
    await login(page);
    await page.locator('.card[data-kpi="hte_count"]').click();
    const dialog = page.getByRole('dialog', { name: '有效期内高新技术企业数' });
    await dialog.waitFor();
    const link = dialog.locator(`#drill tbody tr[data-entity="${FIRMS.A}"] a.entity-link`);
    await link.waitFor();
    expect(await link.textContent()).toBe('阳光智能');
    await link.click();

    // The detail panel closes, the 一企一档 tab shows the profile, the address names it.
    const profile = page.locator('#entity-profile');
    await profile.locator('h2', { hasText: '阳光智能' }).waitFor();
    expect(await dialog.isVisible()).toBe(false);
    expect(await page.getByRole('tab', { name: '一企一档' }).getAttribute('aria-selected')).toBe('true');
    expect(page.url()).toBe(`${server.url}/#entity/${FIRMS.A}`);

    const api = await apiGet<EntityProfile>(`/entities/${FIRMS.A}`);
    expect(await profile.locator('.facts').textContent()).toContain(FIRMS.A);
    expect(await profile.locator('.facts').textContent()).toContain('阳逻街道');
    expect(await profile.locator('.facts').textContent()).toContain('智能制造');
    expect(await profile.locator('.profile-title .chip').allTextContents()).toEqual(expect.arrayContaining(['高企']));
    // 高企 since last year's certificate, held today.
    const hte = profile.locator('tr[data-status="hte"]');
    expect(await hte.textContent()).toContain(api.statuses.find((s) => s.id === 'hte')!.since);
    expect(await hte.textContent()).toContain('有效');

    // The timeline, oldest first, as the API orders it: the registration, the certificate, the contract.
    const items = profile.locator('.timeline li');
    expect(await items.count()).toBe(api.timeline.length);
    expect(await Promise.all((await items.all()).map((li) => li.getAttribute('data-event')))).toEqual(api.timeline.map((t) => t.eventId));
    expect(await items.first().textContent()).toContain('企业登记');
    expect(await items.first().locator('time').textContent()).toBe('2018-03-01');
    expect(await profile.locator('.timeline').textContent()).toContain('高新技术企业认定');

    // 计入指标: at least hte_count, with the API's reason.
    const membership = api.kpis.find((k) => k.kpiId === 'hte_count');
    expect(membership).toBeDefined();
    const row = profile.locator('tr[data-kpi="hte_count"]');
    expect(await row.textContent()).toContain('有效期内高新技术企业数');
    expect(await row.textContent()).toContain(membership!.reason);
    expect(await profile.locator('.kpi-membership tbody tr').count()).toBe(api.kpis.length);
    await page.screenshot({ path: path.join(SHOTS, 'profile-1920.png'), fullPage: true });

    // The back button returns to the overview; forward opens the profile again.
    await page.goBack();
    await page.locator('#view-overview').waitFor({ state: 'visible' });
    expect(await page.locator('#view-entities').isVisible()).toBe(false);
    await page.goForward();
    await profile.locator('h2', { hasText: '阳光智能' }).waitFor();
    expect(await page.locator('#view-entities').isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('finds a firm by a two-character fragment of its name in the search box and opens it', async () => {
    const { page, problems } = await newPage();
    await login(page);
    await page.getByRole('tab', { name: '一企一档' }).click();
    await page.getByLabel('企业名称 / 信用代码').fill('生物');
    await page.getByRole('button', { name: '检索' }).click();
    const results = page.locator('#entity-results .entity-list li');
    await results.first().waitFor();
    expect(await results.count()).toBe(1);
    expect(await results.first().getAttribute('data-entity')).toBe(FIRMS.B);
    expect(await results.first().textContent()).toContain('长江生物');
    expect(await results.first().textContent()).toContain('武湖街道');
    expect(await results.first().locator('.chip').allTextContents()).toContain('高企');
    expect(page.url()).toBe(`${server.url}/#entities?q=${encodeURIComponent('生物')}`);
    await page.screenshot({ path: path.join(SHOTS, 'profile-search-1920.png') });

    await results.first().getByRole('link').click();
    const profile = page.locator('#entity-profile');
    await profile.locator('h2', { hasText: '长江生物' }).waitFor();
    expect(await profile.locator('.timeline').textContent()).toContain('高新技术企业认定');
    const api = await apiGet<EntityProfile>(`/entities/${FIRMS.B}`);
    expect(api.kpis.map((k) => k.kpiId)).toContain('hte_count');
    await profile.locator('tr[data-kpi="hte_count"]').waitFor();
    expect(await profile.locator('tr[data-kpi="hte_count"]').textContent()).toContain(api.kpis.find((k) => k.kpiId === 'hte_count')!.reason);
    // The results stay beside the profile, the open one marked.
    expect(await results.first().getAttribute('class')).toBe('current');

    // Back returns to the results; a fragment nothing matches says so.
    await page.goBack();
    await profile.locator('.placeholder').waitFor();
    await results.first().waitFor();
    expect(await results.count()).toBe(1);
    expect((await results.first().getAttribute('class')) ?? '').not.toContain('current');
    await page.getByLabel('企业名称 / 信用代码').fill('不存在的');
    await page.getByRole('button', { name: '检索' }).click();
    await page.locator('#entity-results', { hasText: '未找到' }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('exports the profile as XLSX with the sheets 概况, 资质, 时间线, 计入指标, 年度财务', async () => {
    const { page, problems } = await newPage();
    await login(page);
    await page.goto(`${server.url}/#entity/${FIRMS.A}`);
    const profile = page.locator('#entity-profile');
    await profile.locator('h2', { hasText: '阳光智能' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), profile.getByRole('button', { name: '导出 XLSX' }).click()]);
    expect(download.suggestedFilename()).toBe('阳光智能_一企一档.xlsx');
    await profile.locator('.export-status', { hasText: '已导出 阳光智能_一企一档.xlsx' }).waitFor();
    const file = await download.path();
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    expect(book.worksheets.map((w) => w.name)).toEqual(expect.arrayContaining(['概况', '资质', '时间线', '计入指标', '年度财务']));
    const api = await apiGet<EntityProfile>(`/entities/${FIRMS.A}`);
    const values = (name: string) => book.getWorksheet(name)!.getSheetValues().flat().map((v) => String(v));
    expect(values('概况')).toEqual(expect.arrayContaining(['阳光智能', FIRMS.A, '阳逻街道']));
    // One row per timeline event under the header, with its date and summary.
    const timeline = book.getWorksheet('时间线')!;
    const eventIds = values('时间线');
    for (const t of api.timeline) expect(eventIds).toContain(t.eventId);
    expect(timeline.actualRowCount).toBeGreaterThanOrEqual(api.timeline.length + 1);
    expect(values('计入指标')).toEqual(expect.arrayContaining(['hte_count', api.kpis.find((k) => k.kpiId === 'hte_count')!.reason]));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('refuses a bad id of the export with 400 naming the field, and an unknown one with 404', async () => {
    const get = (p: string) => fetch(`${server.url}/api/v1/exports${p}`, { headers: { Authorization: `Bearer ${server.keys.viewer}` } });
    const bad = await get(`/entities/${encodeURIComponent('<script>')}?format=xlsx`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('"field":"id"');
    const badFormat = await get(`/entities/${FIRMS.A}?format=pdf`);
    expect(badFormat.status).toBe(400);
    expect(JSON.stringify(await badFormat.json())).toContain('format');
    expect((await get(`/entities/91420117MA4ZZ99999?format=xlsx`)).status).toBe(404);
    // One table per file for CSV: the timeline part.
    const csv = await get(`/entities/${FIRMS.A}?format=csv&part=timeline`);
    expect(csv.status).toBe(200);
    expect((await csv.text()).split('\r\n')[0]).toContain('报送部门');
  });

  it('links a correction and the record it corrected in the timeline', async () => {
    // The market regulator corrects 关山光电's registered name: the timeline keeps both records.
    const original = dashboardEvents().find((e) => e.type === 'EnterpriseRegistered' && e.streamId === `enterprise-${FIRMS.D}`)!;
    const { ev } = createEventFactory('00000000-0000-4000-8e00-');
    const correction = ev('regD2', 'EnterpriseRegistered', original.streamId, '2018-03-01', { ...(original.data as EventDataInput<'EnterpriseRegistered'>), name: '关山光电科技' }, {
      supersedes: original.eventId,
      recordedAt: new Date(Date.now() - 1000).toISOString(),
    });
    await server.append([correction]);

    const { page, problems } = await newPage();
    await login(page);
    await page.goto(`${server.url}/#entity/${FIRMS.D}`);
    const profile = page.locator('#entity-profile');
    await profile.locator('h2', { hasText: '关山光电科技' }).waitFor();
    const corrected = profile.locator(`.timeline li[data-event="${original.eventId}"]`);
    const correcting = profile.locator(`.timeline li[data-event="${correction.eventId}"]`);
    expect(await corrected.getAttribute('class')).toContain('superseded');
    expect(await corrected.textContent()).toContain('已被更正');
    expect(await correcting.textContent()).toContain('更正了此前记录');
    expect(await correcting.textContent()).toContain('[更正]');
    // Following the link moves to the correction.
    await corrected.getByRole('button', { name: '已被更正 → 查看更正' }).click();
    await page.locator(`#entity-profile .timeline li.flash[data-event="${correction.eventId}"]`).waitFor();
    expect(await page.evaluate('document.activeElement && document.activeElement.dataset.event')).toBe(correction.eventId);
    // And back from the correction to what it corrected.
    await correcting.getByRole('button', { name: '更正了此前记录' }).click();
    await page.locator(`#entity-profile .timeline li.flash[data-event="${original.eventId}"]`).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('fits a laptop screen without sideways scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/#key=${encodeURIComponent(server.keys.viewer)}`);
    await page.locator('.card[data-kpi="hte_count"] .value').waitFor();
    await page.goto(`${server.url}/#entity/${FIRMS.A}`);
    await page.locator('#entity-profile .timeline li').first().waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SHOTS, 'profile-1366.png'), fullPage: true });
    await context.close();
  });

  it('opens a profile from a link, and says so when the id is unknown', async () => {
    const { page } = await newPage();
    await login(page);
    await page.goto(`${server.url}/#entity/${FIRMS.C}`);
    await page.locator('#entity-profile h2', { hasText: '后湖数据' }).waitFor();
    expect(await page.locator('#entity-profile .timeline').textContent()).toContain('技术合同登记');
    // As known at the start of last year: only the registration; 高企 and the contract came later.
    const lastYear = `${shanghaiYear() - 1}-01-01`;
    await page.locator('#entity-asof').fill(lastYear);
    await page.locator('#entity-profile .timeline li').first().waitFor();
    await page.waitForURL(`${server.url}/#entity/${FIRMS.C}?asOf=${lastYear}`);
    await page.locator('#entity-profile', { hasText: '暂无资质记录' }).waitFor();
    const then = await apiGet<EntityProfile>(`/entities/${FIRMS.C}?asOf=${lastYear}`);
    expect(then.timeline.map((t) => t.type)).toEqual(['EnterpriseRegistered']);
    expect(await page.locator('#entity-profile .timeline li').count()).toBe(1);
    expect(await page.locator('#entity-profile').textContent()).toContain('时平台已知的记录');
    await page.goto(`${server.url}/#entity/91420117MA4ZZ99999`);
    await page.locator('#entity-profile', { hasText: '未找到主体 91420117MA4ZZ99999' }).waitFor();
    await page.context().close();
  });
});

describe('数据质量 on the dashboard', () => {
  it('shows each sending department with what the API says of it', async () => {
    const board = await apiGet<{ units: Array<{ unit: string; records: number; overdue: boolean }> }>('/data-quality');
    expect(board.units.length).toBeGreaterThan(0);
    const { page, problems } = await newPage();
    await login(page);
    await page.getByRole('tab', { name: '数据质量' }).click();
    for (const u of board.units) {
      const row = page.locator(`#data-quality tr[data-unit="${u.unit}"]`);
      await expect.poll(() => row.count()).toBe(1);
      const cells = await row.locator('td').allTextContents();
      expect(Number(cells[0]!.replaceAll(',', ''))).toBe(u.records);
      expect(cells[4]).toBe(u.overdue ? '逾期未报' : '按期');
    }
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});
