#!/usr/bin/env node
// The README's test command: runs the whole vitest suite and ends with a plain
// "N passed, N failed[, N skipped]" line computed from the runner's JSON results.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const out = path.join(root, '.tmp', 'vitest-results.json');
mkdirSync(path.dirname(out), { recursive: true });
rmSync(out, { force: true });

// The browser tests drive Debian's Chromium: install it first when it is missing (root, apt).
try {
  const { ensureChromium } = await import('./ensureChromium.mjs');
  ensureChromium();
} catch (err) {
  console.error(`could not install Chromium for the browser tests: ${err.message}`);
}
// test/reports renders the report PDF with poppler (pdftoppm) and opens its XLSX with LibreOffice.
try {
  const { ensureReportTools } = await import('./ensureChromium.mjs');
  ensureReportTools();
} catch (err) {
  console.error(`could not install the report tools (test/reports will fail): ${err.message}`);
}
// test/olap/thirdParty.test.ts drives Python's clickhouse-connect (PyPI) and the ClickHouse JDBC driver (Maven Central).
try {
  const { ensureTestClients } = await import('./ensureTestClients.mjs');
  await ensureTestClients();
} catch (err) {
  console.error(`could not install the third-party ClickHouse clients (test/olap/thirdParty.test.ts will fail on CI, skip elsewhere):\n${err.message}`);
}

const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env: process.env });

if (!existsSync(out)) {
  console.log('0 passed, 1 failed');
  console.error('vitest wrote no results (it crashed before finishing); see its output above');
  process.exit(run.status || 1);
}
const r = JSON.parse(readFileSync(out, 'utf8'));
let passed = 0, failed = 0, skipped = 0;
for (const file of r.testResults ?? []) {
  for (const t of file.assertionResults ?? []) {
    if (t.status === 'passed') passed++;
    else if (t.status === 'failed') failed++;
    else skipped++;
  }
  // A file that failed to load has no assertions: count it as one failure.
  if ((file.assertionResults ?? []).length === 0 && file.status === 'failed') failed++;
}
const summary = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
console.log(summary);
process.exit(failed > 0 ? 1 : run.status ?? 1);
