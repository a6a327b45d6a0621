/**
 * The leadership dashboard in a real browser (Debian's Chromium driven by playwright-core)
 * against a real server: static dashboards + the real API over projected chDB tables.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventFactory } from '../fixtures/kpi/eventFactory.ts';
import { dashboardEvents, FIRMS, shanghaiYear, startDashboardServer, type DashboardServer } from './dashboardServer.ts';
import { launchChromium } from '../support/browser.ts';

const SHOTS = path.join(import.meta.dirname, '..', '..', '.tmp', 'dashboards');

let server: DashboardServer;
let browser: Browser;

/** What the API says, read with the same key the browser uses. */
async function apiGet<T>(p: string, key: string): Promise<T> {
  const res = await fetch(`${server.url}/api/v1${p}`, { headers: { Authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

interface KpiListItem {
  id: string;
  name: { zh: string };
  latest: { period: string; value: number | null; target: number | null; attainment: number | null } | null;
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 401/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  (page as Page & { problems: string[] }).problems = problems;
  return page;
}
const problemsOf = (page: Page) => (page as Page & { problems: string[] }).problems;

async function login(page: Page, key: string): Promise<void> {
  await page.goto(server.url);
  await page.getByLabel('请输入访问密钥').fill(key);
  await page.getByRole('button', { name: '进入驾驶舱' }).click();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startDashboardServer(dashboardEvents());
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('when a viewer opens the leadership dashboard', () => {
  it('asks for the key, then shows the P1 KPI cards by dimension with the values the API returns', async () => {
    const page = await newPage();
    await page.goto(server.url);
    await expect(page.title()).resolves.toBe('长江新区创新大脑 · 科技创新监测驾驶舱');
    const loginBox = page.getByRole('dialog', { name: '长江新区创新大脑' });
    await loginBox.waitFor();
    expect(await page.getByLabel('请输入访问密钥').isVisible()).toBe(true);

    await login(page, server.keys.viewer);
    await page.locator('.card[data-kpi="hte_count"] .value').waitFor();
    expect(await loginBox.isVisible()).toBe(false);

    const sections = await page.locator('.dim-title').allTextContents();
    expect(sections.map((s) => s.replace(/^[A-Z]/, '').replace(/\d+ 项$/, ''))).toEqual(['创新平台建设', '产业技术攻关', '科技企业培育', '创新人才集聚', '创新环境营造', '统筹推进']);
    const names = await page.locator('.card .card-name').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['有效期内高新技术企业数', '科创委协调会议次数', '技术合同成交额 (输出/吸纳)', '每万人口发明专利拥有量']));
    expect(names).not.toContain('议定事项办结率'); // a P2 KPI

    const { kpis } = await apiGet<{ kpis: KpiListItem[] }>('/kpis', server.keys.viewer);
    expect(names).toHaveLength(kpis.filter((k) => (k as KpiListItem & { priority?: string }).priority === 'P1').length);
    const hte = kpis.find((k) => k.id === 'hte_count')!;
    // A, B and C hold valid certificates in the area today; D is outside. Target 6 → 50 %.
    expect(hte.latest).toMatchObject({ period: String(shanghaiYear()), value: 3, target: 6, attainment: 0.5 });
    const hteCard = page.locator('.card[data-kpi="hte_count"]');
    expect(await hteCard.locator('.value').textContent()).toBe('3');
    expect(await hteCard.locator('.value').getAttribute('data-value')).toBe(String(hte.latest!.value));
    expect(await hteCard.locator('.unit').textContent()).toBe('家');
    expect(await hteCard.textContent()).toContain('目标 6 家');
    expect(await hteCard.textContent()).toContain('完成率 50%');

    const kcw = kpis.find((k) => k.id === 'kcw_meetings_held')!;
    expect(kcw.latest?.value).toBe(1);
    expect(await page.locator('.card[data-kpi="kcw_meetings_held"] .value').textContent()).toBe('1');
    // A KPI without data says so in Chinese rather than showing a blank or a 0 it does not know;
    // a known 0 shows 0.
    const p1 = kpis.filter((k) => (k as KpiListItem & { priority?: string }).priority === 'P1');
    const noData = p1.filter((k) => k.latest === null || k.latest.value === null);
    expect(noData.length).toBeGreaterThan(0);
    for (const k of noData) expect(await page.locator(`.card[data-kpi="${k.id}"] .card-novalue`).textContent()).toBe('暂无数据');
    const incubating = kpis.find((k) => k.id === 'incubating_tenants')!;
    expect(incubating.latest?.value).toBe(0);
    expect(await page.locator('.card[data-kpi="incubating_tenants"] .value').textContent()).toBe('0');
    expect(await page.locator('.card[data-kpi="incubating_tenants"] .card-novalue').count()).toBe(0);

    // The header shows the store head and freshness from /status.
    await page.locator('#status-text', { hasText: '位置 #' }).waitFor();
    const status = await apiGet<{ store: { head: number; events: number } }>('/status', server.keys.viewer);
    expect(await page.locator('#status-text').textContent()).toContain(`事件 ${status.store.events} 条`);
    expect(await page.locator('#status-text').textContent()).toContain('实时');

    await page.screenshot({ path: path.join(SHOTS, 'overview-1920.png') });
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('keeps the P2 KPIs in a section of their own, opened by a switch, each card with its value and a detail panel', async () => {
    const page = await newPage();
    await login(page, server.keys.viewer);
    const toggle = page.getByRole('button', { name: '展开' });
    await toggle.waitFor();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    const { kpis } = await apiGet<{ kpis: (KpiListItem & { priority: string })[] }>('/kpis', server.keys.viewer);
    const p2 = kpis.filter((k) => k.priority === 'P2');
    expect(await page.locator('#dim-P2').textContent()).toContain(`P2 指标${p2.length} 项`);
    expect(await page.locator('.card[data-kpi="decision_closure_rate"]').count()).toBe(0);

    await toggle.click();
    await page.locator('#p2-cards .card').first().waitFor();
    expect(await page.locator('#p2-toggle').getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator('#p2-toggle').textContent()).toBe('收起');
    const ids = await page.locator('#p2-cards .card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-kpi')));
    expect([...ids].sort()).toEqual(p2.map((k) => k.id).sort());
    // Each card says what the API says: a value where it has one, 暂无数据 where it has none.
    for (const k of p2) {
      const cardOf = page.locator(`#p2-cards .card[data-kpi="${k.id}"]`);
      expect(await cardOf.locator('.card-name').textContent()).toContain(k.name.zh);
      if (k.latest?.value === null || k.latest === null) expect(await cardOf.locator('.card-novalue').textContent()).toBe('暂无数据');
      else expect(await cardOf.locator('.value').getAttribute('data-value')).toBe(String(k.latest.value));
    }
    await page.screenshot({ path: path.join(SHOTS, 'overview-p2-1920.png'), fullPage: true });
    // The switch is remembered for the tab: a reload keeps the section open.
    await page.reload();
    await page.locator('#p2-cards .card[data-kpi="innovation_events"]').waitFor();
    await page.locator('#p2-cards .card[data-kpi="innovation_events"]').click();
    await page.getByRole('dialog', { name: '创新论坛/会议/大赛场次与人次' }).waitFor();
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('opens a detail panel with an ECharts chart and the drill-down of the selected period, by keyboard too', async () => {
    const page = await newPage();
    await login(page, server.keys.viewer);
    const card = page.locator('.card[data-kpi="hte_count"]');
    await card.waitFor();
    await card.focus();
    await page.keyboard.press('Enter');

    const dialog = page.getByRole('dialog', { name: '有效期内高新技术企业数' });
    await dialog.waitFor();
    await dialog.locator('#chart canvas').first().waitFor();
    const rows = dialog.locator('#drill tbody tr');
    await rows.first().waitFor();
    const entities = await Promise.all((await rows.all()).map((tr) => tr.getAttribute('data-entity')));
    expect(entities.sort()).toEqual([FIRMS.A, FIRMS.B, FIRMS.C].sort());
    expect(await dialog.locator('#drill').textContent()).toContain('阳光智能');
    const year = shanghaiYear();
    const quarter = Math.ceil(Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(5, 7)) / 3);
    expect(await dialog.locator('#drill-title').textContent()).toBe(`明细 · ${year}年第${quarter}季度`);

    // Any period of the chart can be drilled into without a mouse: mid-last-year A and B held certificates, C not yet.
    await dialog.getByLabel('期间').selectOption(`${year - 1}-Q2`);
    await dialog.locator('#drill-title', { hasText: `明细 · ${year - 1}年第2季度` }).waitFor();
    await dialog.locator(`#drill tbody tr[data-entity="${FIRMS.A}"]`).waitFor();
    expect(await Promise.all((await rows.all()).map((tr) => tr.getAttribute('data-entity')))).toEqual(expect.arrayContaining([FIRMS.A, FIRMS.B]));
    expect(await dialog.locator(`#drill tbody tr[data-entity="${FIRMS.C}"]`).count()).toBe(0);

    // The grain switch reloads the series by year and drills into the current year.
    await dialog.getByRole('button', { name: '年', exact: true }).click();
    await dialog.locator('#drill-title', { hasText: `明细 · ${year}年` }).waitFor();
    expect(await dialog.getByRole('button', { name: '年', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);

    await page.screenshot({ path: path.join(SHOTS, 'detail-1920.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // Strings, not functions: the test's tsconfig has no DOM types; this runs in the page.
    expect(await page.evaluate('document.activeElement && document.activeElement.dataset.kpi')).toBe('hte_count');
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('names dimensions, grains, kinds and lead units with the labels GET /api/v1/labels serves, read once', async () => {
    const page = await newPage();
    const labelRequests: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.endsWith('/api/v1/labels')) labelRequests.push(r.url());
    });
    await login(page, server.keys.viewer);
    const card = page.locator('.card[data-kpi="enterprise_rd_intensity"]');
    await card.waitFor();
    const labels = await apiGet<{ dimensions: { code: string; zh: string }[]; grains: Record<string, string>; kpiKinds: Record<string, string>; eachTaskLead: string }>('/labels', server.keys.viewer);
    const titles = await page.locator('.dim-title').allTextContents();
    expect(titles.map((s) => s.replace(/^[A-Z]/, '').replace(/\d+ 项$/, ''))).toEqual(labels.dimensions.map((d) => d.zh));

    // A yearly statistic: the other grains are switched off, and say so with the served grain names.
    await card.click();
    const dialog = page.getByRole('dialog', { name: '企业研发投入强度' });
    await dialog.waitFor();
    expect(await dialog.getByRole('button', { name: '月', exact: true }).getAttribute('title')).toBe(`该指标不支持按${labels.grains.month}统计`);
    expect(await dialog.getByRole('button', { name: '月', exact: true }).isDisabled()).toBe(true);
    const meta = await dialog.locator('#detail-meta').textContent();
    expect(meta).toContain(`${labels.dimensions.find((d) => d.code === 'E')?.zh} (E)`);
    expect(meta).toContain(labels.kpiKinds.ratio);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await page.getByRole('tab', { name: '部门考核' }).click();
    await page.locator('#sc-unit option').first().waitFor({ state: 'attached' });
    expect(await page.locator('#sc-unit option').allTextContents()).not.toContain(labels.eachTaskLead);
    expect(labelRequests).toHaveLength(1);
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('shows a department scorecard as a table with value, target, attainment, changes and milestones', async () => {
    const page = await newPage();
    await login(page, server.keys.viewer);
    await page.locator('.card').first().waitFor();
    await page.getByRole('tab', { name: '部门考核' }).click();
    const units = await page.locator('#sc-unit option').allTextContents();
    expect(units).toEqual(['科创局', '发改局', '市场监管局', '组织部', '财政国资局']);
    const year = shanghaiYear() - 1;
    await page.getByLabel('牵头单位').selectOption('科创局');
    await page.getByLabel('年度').selectOption(String(year));
    await page.getByRole('button', { name: '查询' }).click();

    const table = page.locator('table.sc-table');
    await table.waitFor();
    expect(await table.locator('thead th').allTextContents()).toEqual(['指标', '任务', '本期值', '目标值', '完成率', '环比', '同比', '预警']);
    const sc = await apiGet<{ kpis: { id: string; value: number | null }[] }>(`/scorecards/${encodeURIComponent('科创局')}?period=${year}`, server.keys.viewer);
    expect(await table.locator('tbody tr').count()).toBe(sc.kpis.length);
    const kcw = table.locator('tr[data-kpi="kcw_meetings_held"]');
    // Two 科创委 meetings last year against the policy's 2 a year: 100 %.
    expect(sc.kpis.find((k) => k.id === 'kcw_meetings_held')?.value).toBe(2);
    expect(await kcw.locator('td').nth(1).textContent()).toBe('2 次');
    expect(await kcw.textContent()).toContain('100%');

    const milestones = page.locator('table.ms-table tbody tr');
    expect(await milestones.count()).toBe(2);
    expect(await page.locator('table.ms-table').textContent()).toContain('建立高企后备库');
    expect(await page.locator('tr[data-milestone="M9-1"]').textContent()).toContain('已完成');

    await page.screenshot({ path: path.join(SHOTS, 'scorecard-1920.png'), fullPage: true });
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('answers a wrong key in Chinese and keeps the login box open', async () => {
    const page = await newPage();
    await login(page, 'ib_viewer_not-a-real-key-0000000000');
    const error = page.locator('#login-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('访问密钥无效: API 密钥无效');
    expect(await page.getByLabel('请输入访问密钥').isVisible()).toBe(true);
    expect(await page.locator('.card').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'login-wrong-key.png') });

    // A real key of a role that may not read KPIs is refused in Chinese too.
    await page.getByLabel('请输入访问密钥').fill(server.keys.ingest);
    await page.getByRole('button', { name: '进入驾驶舱' }).click();
    await error.filter({ hasText: '无权访问' }).waitFor();
    expect(await error.textContent()).toMatch(/^无权访问: 角色 ingest 无权访问/);
    expect(await page.locator('.card').count()).toBe(0);
    await page.context().close();
  });

  it('takes the key from #key= for kiosk screens and removes it from the address', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/#key=${encodeURIComponent(server.keys.viewer)}`);
    await page.locator('.card[data-kpi="hte_count"] .value').waitFor();
    expect(page.url()).toBe(`${server.url}/`);
    expect(await page.getByLabel('请输入访问密钥').isVisible()).toBe(false);
    await page.context().close();
  });

  it('stays readable on a laptop screen', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/#key=${encodeURIComponent(server.keys.viewer)}`);
    await page.locator('.card[data-kpi="hte_count"] .value').waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SHOTS, 'overview-1366.png'), fullPage: true });
    await context.close();
  });

  it('updates a card in place after a newly ingested event, from the live stream, without reload', async () => {
    const page = await newPage();
    await login(page, server.keys.viewer);
    const value = page.locator('.card[data-kpi="kcw_meetings_held"] .value');
    await value.waitFor();
    const before = Number(await value.getAttribute('data-value'));
    // The page marks itself once the stream is connected.
    await page.waitForFunction(`document.body.dataset.live === 'live'`);
    const cardBefore = await page.locator('.card[data-kpi="kcw_meetings_held"]').elementHandle();
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const { ev } = createEventFactory('00000000-0000-4000-8c00-');
    const meeting = ev('kcwLive', 'GovernanceMeetingHeld', 'governance-meetings', today, { meetingId: `KCW-LIVE-${Date.now()}`, body: '科创委', heldOn: today });
    const sent = performance.now();
    await server.appendOnly([{ ...meeting, recordedAt: new Date().toISOString() }]);
    // The ingested event reaches the card through projection, KPI tables and stream. How fast is
    // a benchmark figure (kpi_freshness_p99_ms, target 2 s), not an assertion here: a test must
    // not fail because the machine is busy. The time is printed for the record.
    await page.locator(`.card[data-kpi="kcw_meetings_held"] .value[data-value="${before + 1}"]`).waitFor({ timeout: 30_000 });
    console.log(`live update: event appended → card changed in ${Math.round(performance.now() - sent)} ms`);
    // In place: no reload of the page, the card replaced on its own (the old node is detached).
    expect(await cardBefore!.evaluate((el) => el.isConnected)).toBe(false);
    expect(await page.locator('.card[data-kpi="hte_count"] .value').count()).toBe(1);
    expect(problemsOf(page)).toEqual([]);
  });
});
