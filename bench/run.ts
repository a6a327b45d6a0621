/**
 * The bench runner (`npm run bench`): runs the suites one after another, each in its own child
 * process (one chDB path per process, and a peak RSS that is the suite's own), and prints one
 * table: figure, value, unit, PERFORMANCE.md's reference, and the ratio to the REFERENCE workload
 * the suite ran in the same process (bare JSON, bare SQLite, SELECT 1, Express hello, raw kafkajs).
 *
 *   npm run bench                        all suites, default sizes (a few minutes)
 *   npm run bench -- --only ingest,kpi   some suites
 *   npm run bench -- --full              big sizes (1,000,000-event rebuild, 100k-record ingest)
 *   npm run bench -- --json              one JSON object of every figure on stdout
 *   npm run bench -- --markdown          the table as Markdown (for docs/BENCHMARKS.md)
 */
import { execFileSync, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { round, type Figure, type SuiteResult } from './support/figures.ts';
import { rssMonitor } from './support/measure.ts';

interface RunOptions {
  full: boolean;
}

interface SuiteDef {
  title: string;
  run(options: RunOptions): Promise<{ figures: Figure[]; notes: string[] }>;
}

const SUITES: Record<string, SuiteDef> = {
  ingest: {
    title: 'ingest: HTTP single records, JSON batches, NDJSON; in-process ingest()',
    run: async (o) => (await import('./ingestBench.ts')).benchIngest({ full: o.full }),
  },
  store: {
    title: 'event store: SQLite appends per transaction of 1/100/1,000, reading the log',
    run: async () => (await import('./support/existingSuites.ts')).eventStoreSuite(),
  },
  projection: {
    title: 'projections: catch-up into chDB and full rebuild',
    run: async (o) => (await import('./support/existingSuites.ts')).projectionSuite({ full: o.full }),
  },
  kpi: {
    title: 'KPI queries on the seeded sample: scorecard, series, /kpis',
    run: async () => (await import('./kpiBench.ts')).benchKpi(),
  },
  kpiTables: {
    title: 'KPI tables: build, /kpis, scorecard, series uncached; /kpis under a 50 events/s trickle; freshness (--full: at 10×)',
    run: async (o) => (await import('./kpiTablesBench.ts')).benchKpiTables({ full: o.full }),
  },
  freshness: {
    title: 'freshness: HTTP ingest → projection checkpoint / fact row (embedded)',
    run: async () => (await import('./freshnessBench.ts')).benchFreshness(),
  },
  seed: {
    title: 'seed: `brain seed` in its own process, records/s and peak RSS (--full: 30,000 firms, 1.2M records)',
    run: async (o) => (await import('./seedBench.ts')).benchSeed({ full: o.full }),
  },
  kafka: {
    title: 'Kafka: relay and consume throughput, freshness through Kafka (starts a broker)',
    run: async () => (await import('./support/existingSuites.ts')).kafkaSuite({ freshness: true }),
  },
};

const HELP = `Usage: npm run bench -- [options]

Runs the benchmark suites, each in its own process, and prints a table of figures compared with
shared/PERFORMANCE.md (its figures are copied in bench/support/figures.ts) and with a reference workload run in the same process.

Options:
  --only a,b     suites to run (default: all): ${Object.keys(SUITES).join(', ')}
  --full         big sizes: 1,000,000-event projection rebuild, ~100k-record ingest runs
  --json         print one JSON object of all figures on stdout (progress goes to stderr)
  --markdown     print the table as Markdown
  --save FILE    also write the JSON object to FILE
  --timeout S    kill a suite after S seconds (default 1200, 3600 with --full)
  --help         this text

Suites:
${Object.entries(SUITES)
  .map(([k, s]) => `  ${k.padEnd(11)}${s.title}`)
  .join('\n')}

Environment: KAFKA_BROKERS (use a running broker instead of starting one), BENCH_KAFKA_EVENTS
(default 50000), BENCH_LOG_LEVEL (platform log level in the suites, default silent).
`;

/** Keys the issues set targets on (KPI tables, write path): top-level numbers of `--json`, with `peak_rss_mb`. */
const TOP_LEVEL_KEYS = new Set([
  'kpis_p95_ms',
  'scorecard_p95_ms',
  'series_p95_ms',
  'kpis_rps_50c_trickle',
  'kpis_p95_ms_10x',
  'kpi_freshness_p99_ms',
  'kpi_tables_build_s_10x',
  'kpi_tables_build_s',
  'projection_ratio_vs_insert',
  'rebuild_all_s_1m',
  'rebuild_all_s_100k',
  'ingest_ndjson_eps',
  'append_ratio_vs_bare',
  'append_ratio_vs_emmett',
  'append_ratio_vs_emmett_connection',
  'append_ratio_vs_emmett_batch100',
  'seed_10x_eps',
  'seed_10x_peak_rss_mb',
  'seed_1x_eps',
  'seed_1x_peak_rss_mb',
]);

interface Args {
  only: string[];
  full: boolean;
  json: boolean;
  markdown: boolean;
  save?: string;
  timeoutS: number;
  child?: string;
}

function parseArgs(argv: string[]): Args | 'help' {
  const args: Args = { only: Object.keys(SUITES), full: false, json: false, markdown: false, timeoutS: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--help' || a === '-h') return 'help';
    else if (a === '--full') args.full = true;
    else if (a === '--json') args.json = true;
    else if (a === '--markdown') args.markdown = true;
    else if (a === '--only' || a.startsWith('--only=')) args.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--timeout' || a.startsWith('--timeout=')) args.timeoutS = Number(value());
    else if (a === '--save' || a.startsWith('--save=')) args.save = value();
    else if (a === '--child') args.child = value();
    else throw new Error(`unknown option ${a} (see --help)`);
  }
  const unknown = args.only.filter((s) => !(s in SUITES));
  if (unknown.length) throw new Error(`unknown suite(s) ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  if (!args.timeoutS) args.timeoutS = args.full ? 3600 : 1200;
  return args;
}

/** In the child: runs one suite and sends its result to the runner. */
async function runChild(name: string, options: RunOptions): Promise<void> {
  const rss = rssMonitor();
  const started = performance.now();
  let result: SuiteResult;
  try {
    const out = await SUITES[name]!.run(options);
    result = { suite: name, seconds: (performance.now() - started) / 1000, peakRssMb: rss.peakMb(), figures: out.figures, notes: out.notes };
  } catch (err) {
    result = { suite: name, seconds: (performance.now() - started) / 1000, peakRssMb: rss.peakMb(), figures: [], notes: [`${name}: FAILED: ${(err as Error).stack ?? String(err)}`] };
  }
  rss.stop();
  // Leftover handles (chDB, Kafka clients) must not keep the suite alive once its figures are out.
  process.send!(result, () => process.exit(0));
}

/** Flushes the kernel's dirty pages (`sync`); where there is no such command, nothing. */
function settleDisk(): void {
  try {
    execFileSync('sync', { stdio: 'ignore', timeout: 120_000 });
  } catch {
    // not a POSIX system, or sync took too long: the suites still run, only less isolated
  }
}

interface SuiteRun extends SuiteResult {
  loadavgStart: number[];
  loadavgEnd: number[];
}

function runInChild(name: string, args: Args): Promise<SuiteRun> {
  const loadavgStart = os.loadavg();
  const started = performance.now();
  return new Promise((resolve) => {
    const childArgs = ['--child', name, ...(args.full ? ['--full'] : [])];
    // Child output goes to stderr: stdout carries only the table or the JSON.
    const child = fork(fileURLToPath(import.meta.url), childArgs, { execArgv: process.execArgv, stdio: ['ignore', 2, 2, 'ipc'] });
    let result: SuiteResult | undefined;
    const timer = setTimeout(() => {
      process.stderr.write(`bench: suite ${name} exceeded ${args.timeoutS} s, stopping it\n`);
      child.kill('SIGKILL');
    }, args.timeoutS * 1000);
    child.on('message', (m) => {
      result = m as SuiteResult;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const failed: SuiteResult = {
        suite: name,
        seconds: (performance.now() - started) / 1000,
        peakRssMb: Number.NaN,
        figures: [],
        notes: [`${name}: FAILED: the suite's process exited (${signal ?? `code ${code}`}) without figures`],
      };
      resolve({ ...(result ?? failed), loadavgStart, loadavgEnd: os.loadavg() });
    });
  });
}

interface Row {
  suite: string;
  key: string;
  value: number;
  unit: string;
  reference: boolean;
  perf?: number;
  perfSource?: string;
  perfRatio?: number;
  ref?: string;
  refValue?: number;
  refRatio?: number;
  note?: string;
}

function rowsOf(run: SuiteRun): Row[] {
  const byKey = new Map(run.figures.map((f) => [f.key, f]));
  return run.figures.map((f) => {
    const refFig = f.ref ? byKey.get(f.ref) : undefined;
    const row: Row = { suite: run.suite, key: f.key, value: round(f.value), unit: f.unit, reference: f.reference ?? false };
    if (f.perf) {
      row.perf = f.perf.value;
      row.perfSource = f.perf.source;
      row.perfRatio = round(f.value / f.perf.value);
    }
    if (refFig) {
      row.ref = refFig.key;
      row.refValue = round(refFig.value);
      row.refRatio = round(f.value / refFig.value);
    }
    if (f.note) row.note = f.note;
    return row;
  });
}

const fmt = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '' : v >= 1000 ? Math.round(v).toLocaleString('en-US') : String(round(v)));
const ratio = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '' : `${round(v)}×`);

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', totalMemGb: round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
}

function printTable(runs: SuiteRun[], markdown: boolean): void {
  const header = ['figure', 'value', 'unit', 'PERFORMANCE.md', '×PERF', 'in-process reference', '×ref'];
  const lines: string[][] = [];
  for (const run of runs) {
    lines.push([`[${run.suite}] ${round(run.seconds)} s, peak RSS ${fmt(run.peakRssMb)} MB, load ${run.loadavgStart.map((l) => l.toFixed(2)).join('/')}`, '', '', '', '', '', '']);
    for (const r of rowsOf(run)) {
      lines.push([r.reference ? `${r.key} (ref)` : r.key, fmt(r.value), r.unit, fmt(r.perf), ratio(r.perfRatio), r.ref ? `${fmt(r.refValue)} (${r.ref.split('.').slice(1).join('.')})` : '', ratio(r.refRatio)]);
    }
  }
  if (markdown) {
    console.log(`| ${header.join(' | ')} |`);
    console.log(`|${header.map((_, i) => (i === 0 || i === 2 || i === 5 ? '---' : '---:')).join('|')}|`);
    for (const l of lines) {
      if (l[1] === '' && l[2] === '') console.log(`| **${l[0]}** |||||||`);
      else console.log(`| ${l.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
    }
  } else {
    const widths = header.map((h, i) => Math.max(h.length, ...lines.filter((l) => l[1] !== '' || i === 0).map((l) => (l[1] === '' && l[2] === '' ? 0 : l[i]!.length))));
    const right = new Set([1, 3, 4, 6]);
    const line = (cells: string[]): string => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const l of lines) console.log(l[1] === '' && l[2] === '' ? `\n${l[0]}` : line(l));
  }
  const notes = runs.flatMap((r) => r.notes);
  if (notes.length) {
    console.log(markdown ? '\nNotes:\n' : '\nnotes:');
    for (const n of notes) console.log(`- ${n}`);
  }
  console.log(
    `\n×PERF = value ÷ PERFORMANCE.md's figure; ×ref = value ÷ the in-process reference workload of the same suite (for ms figures, > 1 means slower).`,
  );
}

async function main(): Promise<void> {
  const parsed = parseArgs(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (parsed.child) {
    await runChild(parsed.child, { full: parsed.full });
    return;
  }
  const started = new Date();
  const loadavgStart = os.loadavg();
  const runs: SuiteRun[] = [];
  for (const name of parsed.only) {
    // The previous suite's files are written back first: a suite that fsyncs (the store, the seed)
    // would otherwise wait behind another suite's gigabyte of dirty pages.
    settleDisk();
    process.stderr.write(`bench: ${name}: ${SUITES[name]!.title}\n`);
    const run = await runInChild(name, parsed);
    process.stderr.write(`bench: ${name}: ${run.figures.length} figures in ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB\n`);
    runs.push(run);
  }
  const info = {
    date: started.toISOString(),
    machine: machine(),
    options: { suites: parsed.only, full: parsed.full },
    loadavg: { start: loadavgStart.map((l) => round(l)), end: os.loadavg().map((l) => round(l)) },
    seconds: round((Date.now() - started.getTime()) / 1000),
  };
  const suites = Object.fromEntries(
    runs.map((run) => [
      run.suite,
      {
        seconds: round(run.seconds),
        peakRssMb: round(run.peakRssMb),
        loadavg: { start: run.loadavgStart.map((l) => round(l)), end: run.loadavgEnd.map((l) => round(l)) },
        figures: Object.fromEntries(rowsOf(run).map(({ suite: _suite, key, ...rest }) => [key, rest])),
        notes: run.notes,
      },
    ]),
  );
  // Figures an issue names by key are top-level numbers of the JSON object too.
  const named = Object.fromEntries(runs.flatMap((run) => run.figures.filter((f) => TOP_LEVEL_KEYS.has(f.key)).map((f) => [f.key, round(f.value)])));
  const peaks = runs.map((r) => r.peakRssMb).filter((v) => Number.isFinite(v));
  if (peaks.length > 0) named.peak_rss_mb = round(Math.max(...peaks));
  const json = JSON.stringify({ ...info, ...named, suites }, null, 2);
  if (parsed.save) writeFileSync(parsed.save, `${json}\n`);
  if (parsed.json) {
    console.log(json);
  } else {
    const m = info.machine;
    console.log(
      `innovation-brain bench · ${info.date} · ${String(m.cpus)} × ${String(m.cpuModel)} · ${String(m.totalMemGb)} GB · Node ${String(m.node)} · load ${info.loadavg.start.join('/')} → ${info.loadavg.end.join('/')} · ${info.seconds} s${parsed.full ? ' · --full' : ''}${named.peak_rss_mb !== undefined ? ` · peak RSS ${fmt(named.peak_rss_mb)} MB (peak_rss_mb, the highest suite)` : ''}\n`,
    );
    printTable(runs, parsed.markdown);
  }
  if (runs.some((r) => r.figures.length === 0)) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exit(2);
  });
}
