#!/usr/bin/env node
// Makes sure Debian's Chromium is installed for the browser tests (playwright-core drives it;
// no browser download of playwright's own is reachable from here). Idempotent: does nothing
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
