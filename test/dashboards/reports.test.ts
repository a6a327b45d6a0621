/**
 * 监测报告 on the dashboard, in a real browser (Debian's Chromium driven by playwright-core)
 * against a real server (test/support/kpiServer.ts with the static dashboards) on the hand-made
 * report history (test/fixtures/reports/reportFixture.ts): the issued reports with their downloads
 * (the same bytes as issued), and a period's report on screen with its what-moved sentences.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiToday } from '../../contracts/dates.ts';
import type { IssuedReport } from '../../services/reports/service.ts';
import { lastClosedPeriods } from '../../services/reports/scheduler.ts';
import { periodName } from '../../dashboards/format.js';
import { periodZh } from '../../projections/reports/sentences.ts';
import { REPORT_EVENTS } from '../fixtures/reports/reportFixture.ts';
import { launchChromium, openDashboard } from '../support/browser.ts';
import { startKpiServer, type KpiServer } from '../support/kpiServer.ts';

let server: KpiServer;
let browser: Browser;
/** The last closed month, issued as the scheduler would (relative to today: the tab lists recent periods). */
let issued: IssuedReport;

beforeAll(async () => {
  server = await startKpiServer(REPORT_EVENTS, { dashboards: true });
  browser = await launchChromium();
  const month = lastClosedPeriods(shanghaiToday())[0]!;
  issued = (await server.reports.service.issue(month, new Date()))!;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openReports(): Promise<{ page: Page; problems: string[] }> {
  const { page, problems } = await openDashboard(browser, server.url, server.keys.viewer);
  await page.getByRole('tab', { name: '监测报告' }).click();
  return { page, problems };
}

describe('监测报告 on the dashboard', () => {
  it('lists the issued report and downloads the PDF exactly as issued', async () => {
    const { page, problems } = await openReports();
    const row = page.locator(`#reports-issued tr[data-period="${issued.period}"]`);
    await row.waitFor();
    await expect.poll(() => row.locator('th').textContent()).toBe(periodName(issued.period));
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: `下载 ${periodName(issued.period)} PDF` }).click()]);
    expect(download.suggestedFilename()).toBe(`监测评估报告_${issued.period}.pdf`);
    const bytes = readFileSync((await download.path())!);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(issued.sha256.pdf);
    await expect.poll(() => page.locator('#rp-status').textContent()).toContain('已下载');
    expect(problems).toEqual([]);
  });

  it('shows a period\'s report with its lead sentences and what moved per KPI', async () => {
    const { page, problems } = await openReports();
    await page.locator(`#rp-period option[value="${issued.period}"]`).waitFor({ state: 'attached' });
    await page.locator('#rp-period').selectOption(issued.period);
    await page.getByRole('button', { name: '查看报告' }).click();
    const hte = page.locator('#report [data-kpi="hte_count"]');
    await hte.waitFor({ timeout: 240_000 });
    await expect.poll(() => page.locator('#report h2').textContent()).toBe(`长江新区科技创新监测评估报告（${periodZh(issued.period)}）`);
    // The fixture's firms hold 高企 certificates of 2025 (valid three years): the sentence gives the count at the month's end.
    expect(await hte.locator('p').first().textContent()).toMatch(/^有效期内高新技术企业数：期末 \d+ 家/);
    expect(await page.locator('#report .highlights li').first().textContent()).toMatch(/^本月共监测指标 \d+ 项/);
    expect(problems).toEqual([]);
  });
});
