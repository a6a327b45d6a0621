/**
 * Seeding throughput and memory: `brain seed --enterprises N` run as the operator runs it (the
 * CLI, its own process, a temporary DATA_DIR, the SQLite store with its default synchronous=FULL),
 * timed from spawn to exit, its peak RSS read from the kernel (`VmHWM`, Linux). Default: the
 * 3,000-firm sample (~120k records, `seed_1x_*`); --full: 30,000 firms (~1.2M records, `seed_10x_*`).
 * Run alone: `npx tsx bench/seedBench.ts [--full]`; the bench runner calls benchSeed().
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PERF, type Figure } from './support/figures.ts';
import { progress } from './support/measure.ts';

export interface SeedBenchOptions {
  /** 30,000 firms (~1.2M records) instead of 3,000. */
  full?: boolean;
}

interface SeedRun {
  records: number;
  accepted: number;
  rejected: number;
  /** Spawn to exit. */
  wallMs: number;
  /** What runSeed reports: generation and ingest, without process start-up. */
  seedMs: number;
  /** Kernel high-water mark of the CLI process; NaN where /proc is not available. */
  peakRssMb: number;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** VmHWM of a live process, MB (NaN when unreadable: not Linux, or the process is gone). */
function highWaterMb(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Runs `brain seed --enterprises <n>` on a fresh DATA_DIR; resolves with what it did. */
async function seedCli(enterprises: number): Promise<SeedRun> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'brain-bench-seed-'));
  try {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'services/cli/main.ts'), 'seed', '--enterprises', String(enterprises)], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let peak = Number.NaN;
    // VmHWM only grows, so the last reading before exit is the peak up to that instant.
    const poll = setInterval(() => {
      const mb = highWaterMb(child.pid!);
      if (Number.isFinite(mb)) peak = Number.isFinite(peak) ? Math.max(peak, mb) : mb;
    }, 100);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out = (out + c.toString('utf8')).slice(-200_000)));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (c) => resolve(c));
    });
    clearInterval(poll);
    const wallMs = performance.now() - started;
    const summary = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; total?: number; accepted?: number; rejected?: number; ms?: number })
      .find((l) => l.msg?.startsWith('seeded '));
    if (code !== 0 || !summary) throw new Error(`brain seed --enterprises ${enterprises} exited with ${code}:\n${out.slice(-2000)}`);
    return { records: summary.total ?? 0, accepted: summary.accepted ?? 0, rejected: summary.rejected ?? 0, wallMs, seedMs: summary.ms ?? wallMs, peakRssMb: peak };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Seed figures; keys are stable for the runner's table and `--json`. */
export async function benchSeed(options: SeedBenchOptions = {}): Promise<{ figures: Figure[]; notes: string[] }> {
  const full = options.full ?? false;
  const [label, enterprises] = full ? (['10x', 30_000] as const) : (['1x', 3_000] as const);
  progress(`seed: brain seed --enterprises ${enterprises.toLocaleString('en-US')} (its own process, fresh DATA_DIR, synchronous=FULL)`);
  const run = await seedCli(enterprises);
  const notes: string[] = [];
  if (run.rejected > 0) notes.push(`seed: ${run.rejected} sample records were rejected (a generator or decider bug: the seed should accept all).`);
  if (!Number.isFinite(run.peakRssMb)) notes.push('seed: peak RSS not measured (no /proc/<pid>/status on this system).');
  const what = `${run.records.toLocaleString('en-US')} records, ${run.accepted.toLocaleString('en-US')} accepted`;
  return {
    figures: [
      { key: `seed_${label}_eps`, value: run.records / (run.wallMs / 1000), unit: 'records/s', perf: PERF.ingestInProcess, note: `${what}; whole command, spawn to exit (${(run.wallMs / 1000).toFixed(1)} s)` },
      { key: `seed.${label}.seed_eps`, value: run.records / (run.seedMs / 1000), unit: 'records/s', perf: PERF.ingestInProcess, note: 'as runSeed reports it: generating the history and ingesting it, without process start-up' },
      { key: `seed_${label}_peak_rss_mb`, value: run.peakRssMb, unit: 'MB', lowerIsBetter: true, note: 'peak RSS of the brain seed process (VmHWM)' },
    ],
    notes,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { figures, notes } = await benchSeed({ full: process.argv.includes('--full') });
  for (const f of figures) console.log(`${f.key.padEnd(28)} ${Math.round(f.value).toLocaleString('en-US').padStart(10)} ${f.unit}${f.note ? `  (${f.note})` : ''}`);
  for (const n of notes) console.log(n);
}
