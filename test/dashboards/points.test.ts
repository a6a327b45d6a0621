/**
 * 创新积分 on the dashboard, in a real browser (Debian's Chromium driven by playwright-core)
 * against a real server (test/support/kpiServer.ts with the static dashboards) on the hand-made
 * points history (test/fixtures/points/pointsFixture.ts; the points are worked out by hand in
 * test/points/points.test.ts): the ranking per group, a firm's breakdown, the link to its file, the export.
 */
import { readFileSync } from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRMS, POINT_EVENTS } from '../fixtures/points/pointsFixture.ts';
import { launchChromium, openDashboard } from '../support/browser.ts';
import { startKpiServer, type KpiServer } from '../support/kpiServer.ts';

let server: KpiServer;
let browser: Browser;

beforeAll(async () => {
  server = await startKpiServer(POINT_EVENTS, { dashboards: true });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openPoints(): Promise<{ page: Page; problems: string[] }> {
  const { page, problems } = await openDashboard(browser, server.url, server.keys.viewer);
  await page.getByRole('tab', { name: '创新积分' }).click();
  // Year and set chosen explicitly: the fixture's year is 2025 and its restatement comes later.
  await page.locator('#pt-year option[value="2025"]').waitFor({ state: 'attached' });
  await page.locator('#pt-year').selectOption('2025');
  await page.locator('#pt-set').selectOption('points-2.0');
  await page.getByRole('button', { name: '查询积分' }).click();
  await page.locator('#points table tbody tr').first().waitFor();
  return { page, problems };
}

describe('创新积分 on the dashboard', () => {
  it('ranks the firms within the 2.0 groups, with names from the API, ties sharing a rank', async () => {
    const { page, problems } = await openPoints();
    const rows = page.locator('#points tbody tr');
    await expect.poll(() => rows.count()).toBe(5);
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].slice(0, 5).map((c) => c.textContent?.trim())));
    expect(cells).toEqual([
      ['初创期 (营业收入 2000 万元以下)', '1 / 3', '江滩材料', '武湖街道', '23'],
      ['初创期 (营业收入 2000 万元以下)', '1 / 3', '滠水电子', '滠口街道', '23'],
      ['初创期 (营业收入 2000 万元以下)', '3 / 3', '仓埠农科', '仓埠街道', '5.55'],
      ['成长期 (2000 万至 2 亿元)', '1 / 1', '智点科技', '阳逻街道', '60.82'],
      ['壮大期 (2 亿元及以上)', '1 / 1', '阳逻重工', '阳逻街道', '7.85'],
    ]);
    expect(await page.locator('#points thead th').allTextContents()).toEqual(expect.arrayContaining(['创新投入 (40)', '创新产出 (30)', '创新成效 (20)', '创新资质 (10)']));
    // One group only.
    await page.locator('#pt-group').selectOption('seed');
    await page.locator('#points-form button[type=submit]').click();
    await expect.poll(() => page.locator('#points tbody tr').count()).toBe(3);
    expect(problems).toEqual([]);
  }, 120_000);

  it("shows a firm's points per indicator with the figures read, and links to its file", async () => {
    const { page, problems } = await openPoints();
    await page.getByRole('button', { name: '智点科技 的积分明细' }).click();
    const detail = page.locator('#points-detail');
    await detail.locator('h3').waitFor();
    expect(await detail.locator('h3').textContent()).toBe('智点科技 · 2025 年度积分 60.82 / 100');
    const rd = detail.locator('tr[data-indicator="rd_intensity"] td');
    expect(await rd.allTextContents()).toEqual(['创新投入', '10 %', expect.stringContaining('线性'), '15', '15']);
    expect(await detail.locator('tr[data-indicator="hte"] td').nth(1).textContent()).toBe('是');
    await page.locator(`#points tr[data-entity="${FIRMS.A}"] a.entity-link`).click();
    await page.waitForURL(new RegExp(`#entity/${FIRMS.A}`));
    await page.locator('#entity-profile h2', { hasText: '智点科技' }).waitFor();
    expect(await page.getByRole('tab', { name: '一企一档' }).getAttribute('aria-selected')).toBe('true');
    expect(problems).toEqual([]);
  }, 120_000);

  it('exports the ranking as CSV with the chosen year and set', async () => {
    const { page, problems } = await openPoints();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出创新积分 CSV 文件' }).click()]);
    expect(download.suggestedFilename()).toBe('创新积分_2025_points-2.0.csv');
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toContain('智点科技');
    expect(text).toContain('60.82');
    expect(problems).toEqual([]);
  }, 120_000);
});
