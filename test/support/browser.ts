import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

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
