#!/usr/bin/env node
// Makes sure the Debian tools the tests drive are installed: Chromium for the browser tests (playwright-core drives it;
// no browser download of playwright's own is reachable from here), poppler and LibreOffice for the report tests. Idempotent: does nothing
// when the binary is already there. Needs root (CI and the dev machines run as root).
// Usage: node scripts/ensureChromium.mjs   → prints the executable path on stdout.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function run(command) {
  const r = spawnSync('sh', ['-c', command], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error(`"${command}" failed with exit code ${r.status ?? r.signal}`);
}

/**
 * The Debian tools the report tests drive: pdftoppm / pdftotext render and read the assessment
 * report's PDF, LibreOffice opens its XLSX (test/reports). Installed with apt when missing (root).
 */
export const REPORT_TOOLS = [
  { binary: '/usr/bin/pdftoppm', pkg: 'poppler-utils' },
  { binary: '/usr/bin/soffice', pkg: 'libreoffice-calc-nogui' },
];

/** Installs the report tools that are missing; returns the packages it installed. */
export function ensureReportTools() {
  const missing = REPORT_TOOLS.filter((t) => !existsSync(t.binary)).map((t) => t.pkg);
  if (missing.length === 0) return [];
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get') || (typeof process.getuid === 'function' && process.getuid() !== 0))
    throw new Error(`missing ${missing.join(', ')}: run "sudo apt-get install -y ${missing.join(' ')}"`);
  console.error(`installing ${missing.join(', ')} for the report tests (once)…`);
  try {
    run(`apt-get install -y -q --no-install-recommends ${missing.join(' ')}`);
  } catch {
    run('apt-get update -q');
    run(`apt-get install -y -q --no-install-recommends ${missing.join(' ')}`);
  }
  return missing;
}

/** Installs Chromium with apt when missing; returns its executable path. */
export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get'))
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} and apt-get is not available: install Chromium and set CHROMIUM_PATH`);
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run "sudo apt-get install -y chromium" (or this script as root)`);
  console.error(`Chromium not found at ${CHROMIUM_PATH}: installing Debian's chromium package (once)…`);
  run('apt-get update -q');
  // fonts-noto-cjk: without a CJK font the dashboard's Chinese renders as boxes in screenshots.
  run('apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk');
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  return CHROMIUM_PATH;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
