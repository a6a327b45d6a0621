import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (CHROMIUM_PATH to use another). */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

/**
 * A headless Chromium for the browser tests. A missing one is installed by the project's own
 * script (CI installs it before the run; this keeps a fresh dev machine working too), never skipped.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    const r = spawnSync(process.execPath, [path.join(import.meta.dirname, '..', '..', 'scripts', 'ensureChromium.mjs')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('Chromium is missing and scripts/ensureChromium.mjs could not install it');
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/**
 * A new page of the dashboard at `url`, logged in with `key` (the screens' own login dialog), with
 * the page errors and console errors it shows collected in `problems` (401s, and the statuses in
 * `expectedStatuses`, are answers the tests provoke).
 */
export async function openDashboard(browser: Browser, url: string, key: string, options: { viewport?: { width: number; height: number }; expectedStatuses?: number[] } = {}): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1600, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  const expected = new RegExp(`status of (${[401, ...(options.expectedStatuses ?? [])].join('|')})`);
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !expected.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  await page.goto(url);
  await page.getByLabel('请输入访问密钥').fill(key);
  await page.getByRole('button', { name: '进入驾驶舱' }).click();
  await page.locator('#logout:not([hidden])').waitFor();
  return { page, problems };
}
