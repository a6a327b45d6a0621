/**
 * `brain`: the platform's command line. Every command has --help.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { isBrainError } from '../../contracts/errors.ts';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../config/config.ts';
import { createLogger, type Logger } from '../observability/logger.ts';

const program = new Command();
program
  .name('brain')
  .description('长江新区创新大脑 · Innovation Brain: run the platform, seed sample data, import department files, inspect status')
  .showHelpAfterError('(run with --help for usage)');

function setup(): { config: Config; log: Logger } {
  const config = loadConfig();
  return { config, log: createLogger({ level: config.LOG_LEVEL }) };
}

/** A progress bar on a terminal; plain log lines elsewhere (CI, files). */
function progressBar(label: string, log: Logger): { update(done: number, total?: number): void; stop(): void } {
  if (!process.stderr.isTTY) {
    let last = -1;
    return {
      update(done, total) {
        const pct = total ? Math.floor((100 * done) / total / 10) * 10 : -1;
        if (pct !== last) {
          last = pct;
          log.info(`${label}: ${done}${total ? `/${total} (${pct}%)` : ''}`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total ?? done, 0);
        started = true;
      }
      if (total) bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

async function apiStatus(config: Config): Promise<unknown | null> {
  const key = process.env.BRAIN_API_KEY ?? readDevKey(config, 'admin');
  if (!key) return null;
  try {
    const res = await fetch(`http://${config.HOST}:${config.PORT}/api/v1/status`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(3000) });
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

function readDevKey(config: Config, role: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(config.DATA_DIR, 'dev-keys.json'), 'utf8')) as Record<string, string>)[role];
  } catch {
    return undefined;
  }
}

program
  .command('start')
  .description('run the platform (SERVICES=all on the embedded default: ingest, projections, API, dashboards, SQL interface)')
  .option('--no-seed', 'do not seed sample history into an empty store')
  .option('--no-trickle', 'no live trickle of sample records')
  .option('-p, --port <port>', 'HTTP port (overrides PORT)')
  .action(async (opts: { seed: boolean; trickle: boolean; port?: string }) => {
    if (opts.port) process.env.PORT = opts.port;
    const { config, log } = setup();
    const { startPlatform } = await import('../platform.ts');
    const bar = progressBar('seeding', log);
    const platform = await startPlatform({
      config,
      log,
      seed: opts.seed && config.SEED,
      trickle: opts.trickle && config.TRICKLE,
      onSeedProgress: process.stderr.isTTY ? (d, t) => bar.update(d, t) : undefined,
    });
    void platform.seeded.then(() => bar.stop());
    const shutdown = async (signal: string) => {
      log.info(`${signal}: stopping`);
      bar.stop();
      await platform.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  });

program
  .command('seed')
  .description('send the deterministic sample history through the ingest path into the store (safe to re-run)')
  .option('--seed <n>', 'random seed', (v) => Number(v))
  .option('--to <date>', 'last day of the history (default: today, Asia/Shanghai)')
  .option('--enterprises <n>', 'number of innovation firms', (v) => Number(v))
  .action(async (opts: { seed?: number; to?: string; enterprises?: number }) => {
    const { config, log } = setup();
    const { createEventStore } = await import('../eventStore/index.ts');
    const { createIngestService } = await import('../ingest/ingestService.ts');
    const { personSalt } = await import('../platform/personSalt.ts');
    const { runSeed, SEED_BATCH } = await import('../seed/runSeed.ts');
    // Nothing else runs in this process (no projections, no HTTP): bigger store transactions, fewer WAL checkpoints.
    const store = createEventStore(config, { bulkLoad: true });
    const ingest = createIngestService({ store, personSalt: personSalt(config), chunkEvents: SEED_BATCH });
    const bar = progressBar('seeding', log);
    const history = {
      batchSize: SEED_BATCH,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.to ? { to: opts.to } : {}),
      ...(opts.enterprises ? { enterprises: opts.enterprises } : {}),
    };
    // The history waits on disk (under DATA_DIR) rather than in memory: 30,000 firms are 1.2M records.
    await runSeed({ ingest, log, history, spillDir: path.join(config.DATA_DIR, 'seed-plan'), collectAboveMb: 768, onProgress: (d, t) => bar.update(d, t) });
    bar.stop();
    await store.close();
  });


program
  .command('import')
  .description('import a department file (CSV in UTF-8 or GBK, or XLSX) following a template; prints the report')
  .argument('<file>', 'the CSV or XLSX file')
  .requiredOption('-t, --template <name>', 'template name (see docs/templates/README.md or `brain templates`)')
  .option('--unit <unit>', 'reporting unit recorded as the source unit, e.g. 科创局')
  .option('--json', 'print the whole report as JSON')
  .action(async (file: string, opts: { template: string; unit?: string; json?: boolean }) => {
    const { config, log } = setup();
    const { createEventStore } = await import('../eventStore/index.ts');
    const { createIngestService } = await import('../ingest/ingestService.ts');
    const { importFile } = await import('../ingest/files/importFile.ts');
    const { personSalt } = await import('../platform/personSalt.ts');
    const store = createEventStore(config);
    try {
      const ingest = createIngestService({ store, personSalt: personSalt(config) });
      const bar = progressBar(`importing ${path.basename(file)}`, log);
      const report = await importFile(ingest, file, { template: opts.template, actor: 'cli:import', document: path.basename(file), unit: opts.unit, onProgress: (d, t) => bar.update(d, t) });
      bar.stop();
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else {
        console.log(`${report.received} rows: ${report.accepted} accepted, ${report.duplicates} duplicates, ${report.rejected} rejected, ${report.flagged} flagged`);
        for (const r of report.results) {
          if (r.status === 'rejected') for (const i of r.issues) console.log(`  row ${i.row ?? r.row}: ${i.field}: ${i.reason}`);
        }
      }
      process.exitCode = report.rejected > 0 ? 2 : 0;
    } finally {
      await store.close();
    }
  });

program
  .command('templates')
  .description('list the file templates and their columns')
  .action(async () => {
    const { TEMPLATES } = await import('../ingest/files/templates.ts');
    for (const t of TEMPLATES) {
      console.log(`${t.name}: ${t.title ?? ''}`);
      console.log(`  ${t.columns.map((c) => c.header).join(', ')}`);
    }
  });

program
  .command('status')
  .description('store head, events by type and projection status (from the running platform, else from the data folder)')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const { config } = setup();
    const live = await apiStatus(config);
    const { createEventStore } = await import('../eventStore/index.ts');
    const store = createEventStore(config);
    const [head, byType] = await Promise.all([store.head(), store.countByType()]);
    await store.close();
    const status = { store: { head: head.position, events: head.events, byType }, projections: (live as { projections?: unknown[] } | null)?.projections ?? 'platform not running' };
    if (opts.json) {
      console.log(JSON.stringify(status, null, 2));
      return;
    }
    console.log(`store head ${head.position}, ${head.events} events`);
    for (const [type, n] of Object.entries(byType).sort((a, b) => b[1] - a[1])) console.log(`  ${type.padEnd(36)} ${String(n).padStart(9)}`);
    if (Array.isArray(status.projections)) {
      console.log('projections:');
      for (const p of status.projections as Array<Record<string, unknown>>)
        console.log(`  ${String(p.name).padEnd(28)} v${p.version} checkpoint ${p.checkpoint} lag ${p.lagEvents} events / ${p.lagSeconds}s ${p.state}`);
    } else console.log('projections: the platform is not running (start it with `npm start`)');
  });

const projections = program.command('projections').description('projection status and rebuilds');
projections
  .command('status')
  .description("each projection's version, checkpoint, lag and state")
  .action(async () => {
    const { config } = setup();
    const live = (await apiStatus(config)) as { projections?: unknown } | null;
    if (!live) {
      console.error('the platform is not running on this data folder (start it with `npm start`)');
      process.exitCode = 1;
      return;
    }
    console.table(live.projections);
  });
projections
  .command('rebuild')
  .description('rebuild a projection (or, with no name or --all, every projection in one pass over the log) from position 0 into new tables while the old ones serve, then swap atomically')
  .argument('[name]', 'projection name (see `brain projections status`); none: every projection')
  .option('--all', 'rebuild every projection, all fed by one pass over the log')
  .action(async (name: string | undefined, opts: { all?: boolean }) => {
    const { config, log } = setup();
    if (name !== undefined && opts.all) throw new Error('give a projection name or --all, not both');
    const key = process.env.BRAIN_API_KEY ?? readDevKey(config, 'admin');
    const what = name === undefined ? 'every projection' : name;
    const path = name === undefined ? 'rebuild' : `${encodeURIComponent(name)}/rebuild`;
    const res = await fetch(`http://${config.HOST}:${config.PORT}/api/v1/admin/projections/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key ?? ''}` },
    }).catch(() => null);
    if (res) {
      const body = await res.text();
      if (!res.ok) throw new Error(`rebuild refused (${res.status}): ${body}`);
      log.info(`rebuild of ${what} done: ${body}`);
      return;
    }
    // Not running: rebuild offline on the data folder.
    const { rebuildOffline } = await import('./offline.ts');
    await rebuildOffline(config, log, name);
  });

program
  .command('olap')
  .description('serve only the ClickHouse HTTP interface of the embedded engine on OLAP_PORT (for DBeaver, clickhouse-connect, JDBC)')
  .action(async () => {
    process.env.SERVICES = 'olap';
    const { config, log } = setup();
    const { startPlatform } = await import('../platform.ts');
    const platform = await startPlatform({ config, log, seed: false, trickle: false });
    process.once('SIGINT', () => void platform.stop().then(() => process.exit(0)));
    process.once('SIGTERM', () => void platform.stop().then(() => process.exit(0)));
  });

const dlq = program.command('dlq').description('the dead-letter topic of the Kafka-fed projection workers');
dlq
  .command('list')
  .description('list dead letters (event, projection, error)')
  .option('--limit <n>', 'at most this many', (v) => Number(v), 100)
  .action(async (opts: { limit: number }) => {
    const { config, log } = setup();
    const { listDeadLetters } = await import('../bus/dlq.ts');
    const letters = await listDeadLetters({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'brain-cli', dlqTopic: config.KAFKA_DLQ_TOPIC, limit: opts.limit, log });
    console.table(letters.map((l) => ({ ...l, payload: undefined })));
  });
dlq
  .command('replay')
  .description('send dead letters back to the events topic (after fixing the projection or the data)')
  .option('--only <eventIds...>', 'only these event ids')
  .option('--force', 'also replay letters that cannot be decoded')
  .action(async (opts: { only?: string[]; force?: boolean }) => {
    const { config, log } = setup();
    const { replayDeadLetters } = await import('../bus/dlq.ts');
    const report = await replayDeadLetters({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'brain-cli', dlqTopic: config.KAFKA_DLQ_TOPIC, topic: config.KAFKA_TOPIC, only: opts.only, force: opts.force, log });
    console.log(JSON.stringify(report, null, 2));
  });

program
  .command('report')
  .description('the periodic assessment report (监测评估报告) of a period from the running platform: writes its XLSX and PDF (and JSON)')
  .requiredOption('--period <period>', 'the period: 2025, 2025-H1, 2025-Q3 or 2025-09 (ended periods only)')
  .option('--as-of <instant>', 'as known at: an ISO instant with offset, or a date (end of that day, Beijing time); default now. The same value gives the same bytes')
  .option('--format <formats>', 'comma-separated: xlsx, pdf, json', 'xlsx,pdf')
  .option('-o, --out <dir>', 'folder to write the files to', '.')
  .option('--url <url>', 'the platform (default http://HOST:PORT of the configuration)')
  .action(async (opts: { period: string; asOf?: string; format: string; out: string; url?: string }) => {
    const { config } = setup();
    const { fetchReport } = await import('./report.ts');
    console.error(`building the report of ${opts.period} (a minute or more on a large history)…`);
    const result = await fetchReport({
      period: opts.period,
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
      formats: opts.format,
      out: opts.out,
      url: opts.url ?? `http://${config.HOST}:${config.PORT}`,
      key: process.env.BRAIN_API_KEY ?? readDevKey(config, 'viewer'),
    });
    console.log(`as of ${result.asOf} (pass --as-of ${result.asOf} to get the same bytes again)`);
    for (const f of result.files) console.log(`  ${f.file}  ${f.bytes} bytes  sha256 ${f.sha256}`);
  });

const keys = program.command('keys').description('API keys');
keys
  .command('create')
  .description('create an API key: prints the key once, and the line to put in API_KEYS_FILE (its SHA-256 only)')
  .addOption(new Option('-r, --role <role>', 'role').choices(['ingest', 'viewer', 'analyst', 'admin']).makeOptionMandatory())
  .requiredOption('-i, --id <id>', 'key id (recorded as the actor on events), e.g. kcj-ingest-1')
  .action(async (opts: { role: string; id: string }) => {
    const { sha256Hex } = await import('../auth/keyring.ts');
    const key = `ib_${opts.role}_${randomBytes(24).toString('base64url')}`;
    console.log(`key (give it to its user; it is not stored anywhere): ${key}`);
    console.log(`API_KEYS_FILE entry: ${JSON.stringify({ id: opts.id, role: opts.role, sha256: sha256Hex(key) })}`);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  if (isBrainError(err)) console.error(`error: ${err.message}`);
  else if (code === 'CHDB_CONNECTION')
    console.error(`error: cannot open the ClickHouse engine's data folder: ${(err as Error).message}. Another process (another \`npm start\` on the same DATA_DIR?) holds it: stop it, or use another DATA_DIR`);
  else if (code === 'EADDRINUSE') console.error(`error: ${(err as Error).message}: another process uses that port (set PORT or OLAP_PORT)`);
  else console.error(err);
  process.exit(1);
});
