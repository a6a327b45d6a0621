/**
 * The 导出 menus of the dashboard in a real browser (Debian's Chromium through playwright-core)
 * against a real server: static dashboards, the JSON API and the export router over projected
 * chDB tables of the hand fixture.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAND_EVENTS } from '../fixtures/kpi/handFixture.ts';
import { startKpiServer as startExportServer, type KpiServer as ExportServer } from '../support/kpiServer.ts';
import { launchChromium } from '../support/browser.ts';


let server: ExportServer;
let browser: Browser;

beforeAll(async () => {
  server = await startExportServer(HAND_EVENTS, { dashboards: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function loggedIn(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  (page as Page & { problems: string[] }).problems = problems;
  await page.goto(server.url);
  await page.getByLabel('请输入访问密钥').fill(server.keys.viewer);
  await page.getByRole('button', { name: '进入驾驶舱' }).click();
  await page.locator('.card').first().waitFor();
  return page;
}
const problemsOf = (page: Page) => (page as Page & { problems: string[] }).problems;

describe('when a viewer exports the scorecard on screen', () => {
  it('downloads the Excel package of the unit and period shown, under its Chinese name', async () => {
    const page = await loggedIn();
    await page.getByRole('tab', { name: '部门考核' }).click();
    await page.getByLabel('牵头单位').selectOption('市场监管局');
    await page.getByLabel('年度').selectOption('2024');
    await page.locator('#sc-part').selectOption('Q4');
    await page.getByRole('button', { name: '查询' }).click();
    await page.locator('.sc-head h2', { hasText: '市场监管局' }).waitFor();
    await page.locator('table.sc-table').waitFor();

    const toggle = page.getByRole('button', { name: '导出' }).first();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel 表格' }).first().click()]);
    expect(download.suggestedFilename()).toBe('市场监管局_2024-Q4_考核.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['部门考核', '任务节点', '说明']);
    const rows = wb.getWorksheet('部门考核')!.getColumn(1).values.slice(2);
    expect(rows).toEqual(['task_milestone_completion', 'invention_patents_per_10k', 'high_value_patents_per_10k', 'ip_pledge_financing']);

    const status = page.locator('#sc-export-status');
    await status.filter({ hasText: '已导出 市场监管局_2024-Q4_考核.xlsx' }).waitFor();
    expect(await status.textContent()).toContain('数据截至');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });
});

describe('when a viewer exports the series of the KPI detail panel', () => {
  it('downloads the CSV of the series shown, and Escape closes the menu without closing the panel', async () => {
    const page = await loggedIn();
    await page.locator('.card[data-kpi="hte_count"]').click();
    const dialog = page.getByRole('dialog', { name: '有效期内高新技术企业数' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '年', exact: true }).click();

    const toggle = dialog.getByRole('button', { name: '导出' });
    await toggle.click();
    await page.keyboard.press('Escape');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await dialog.isVisible()).toBe(true);

    await toggle.click();
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: '导出 CSV 文件' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^有效期内高新技术企业数_\d{4}-01至\d{4}-\d{2}_年度\.csv$/);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]!.startsWith('指标编号,指标名称,期间,起始日期,截止日期,单位,数值')).toBe(true);
    // Hand-worked: A and B valid and in the area at the end of 2024.
    expect(lines.find((l) => l.startsWith('hte_count,有效期内高新技术企业数,2024,'))).toContain(',家,2,');
    await dialog.locator('#detail-export-status', { hasText: '已导出' }).waitFor();
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });
});
