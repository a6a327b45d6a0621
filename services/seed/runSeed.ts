/**
 * Feeds the sample history through the ingest service, batch by batch, exactly like real data.
 * Idempotent: records carry deterministic natural keys, so a second run stores nothing new.
 */
import { shanghaiToday } from '../../contracts/dates.ts';
import type { IngestReport } from '../../contracts/ingest.ts';
import type { IngestService } from '../ingest/ingestService.ts';
import type { Logger } from '../observability/logger.ts';
import { fullGc } from './fullGc.ts';
import { generateHistory, type HistoryOptions, type SeedPlan } from './generateHistory.ts';

/**
 * Records per ingest call (and store transaction) for a seeding that runs alone in its process
 * (`brain seed`): a tenth of the commits (each an fsync under synchronous=FULL) of the default
 * 1,000, and each index page a commit writes holds more of its events (the event keys are random);
 * nothing else in the process waits on the longer calls. 30,000 firms, both with the bulk load's
 * WAL: 15.2–16.6k records/s at 10,000, 14.3–15.0k at 5,000; peak RSS ~0.9 GB (docs/BENCHMARKS.md).
 */
export const SEED_BATCH = 10_000;

export interface RunSeedOptions {
  ingest: IngestService;
  log?: Pick<Logger, 'info' | 'warn'>;
  /** Called after each batch with records done and the total. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** History options; `to` defaults to today in Asia/Shanghai. */
  history?: Partial<HistoryOptions>;
  now?: () => Date;
  actor?: string;
  /**
   * A directory (under DATA_DIR) where the history waits to be sent, instead of memory: for big
   * areas (`brain seed --enterprises 30000` is 1.2M records). Removed when the seeding ends.
   */
  spillDir?: string;
  /**
   * Resident memory (MB) above which a full garbage collection runs, checked after each part of
   * the generator and each batch (`brain seed`, which runs alone in its process): V8, whose heap
   * limit here is several GB, otherwise lets a long seeding's heap grow to many times what is live
   * (30,000 firms: 1.3 GB RSS, 150–400 MB live). Default: never.
   */
  collectAboveMb?: number;
}

export interface SeedSummary {
  total: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  flagged: number;
  ms: number;
}


/** Generates the sample history up to today and ingests it. Rejections are logged, never thrown. */
export async function runSeed(options: RunSeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const cap = options.collectAboveMb ? memoryCap(options.collectAboveMb) : undefined;
  const plan = generateHistory({
    ...options.history,
    to: options.history?.to ?? shanghaiToday(options.now?.()),
    ...(options.spillDir !== undefined ? { spillDir: options.spillDir } : {}),
    ...(cap ? { afterPart: cap } : {}),
  });
  try {
    return await feed(plan, options, started, cap);
  } finally {
    plan.dispose();
  }
}

const MB = 1024 * 1024;

/**
 * Collects when the process holds more than `mb`, at most once every 10 checks: RSS falls only
 * some time after a collection (V8 returns pages lazily), and a live set above the cap must not
 * turn every batch into a collection.
 */
function memoryCap(mb: number): () => void {
  let wait = 0;
  return () => {
    if (wait > 0) wait--;
    else if (process.memoryUsage.rss() > mb * MB) {
      fullGc();
      wait = 10;
    }
  };
}

async function feed(plan: SeedPlan, options: RunSeedOptions, started: number, cap: (() => void) | undefined): Promise<SeedSummary> {
  const summary: SeedSummary = { total: plan.total, accepted: 0, duplicates: 0, rejected: 0, flagged: 0, ms: 0 };
  options.log?.info({ total: plan.total }, `seeding ${plan.total} sample records`);
  let done = 0;
  let reported = 0;
  for (const batch of plan.batches()) {
    const report: IngestReport = await options.ingest.ingest(batch, { actor: options.actor ?? 'system:seed', firstRow: done + 1 });
    summary.accepted += report.accepted;
    summary.duplicates += report.duplicates;
    summary.rejected += report.rejected;
    summary.flagged += report.flagged;
    for (const r of report.results) {
      // A few examples are enough to find a generator bug; the count says how many.
      if (r.status === 'rejected' && reported++ < 5) options.log?.warn({ row: r.row, type: batch[r.row - done - 1]?.type, issues: r.issues }, 'sample record rejected');
    }
    done += batch.length;
    options.onProgress?.(done, plan.total);
    cap?.();
    // Ingest resolves in microtasks; yield a macrotask so HTTP requests and projections keep moving.
    await new Promise((resolve) => setImmediate(resolve));
  }
  summary.ms = Date.now() - started;
  options.log?.info(summary, `seeded ${summary.accepted} records (${summary.duplicates} duplicates, ${summary.rejected} rejected, ${summary.flagged} flagged) in ${summary.ms} ms`);
  return summary;
}
