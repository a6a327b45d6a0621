/**
 * Feeds the sample history through the ingest service, batch by batch, exactly like real data.
 * Idempotent: records carry deterministic natural keys, so a second run stores nothing new.
 */
import { shanghaiToday } from '../../contracts/dates.ts';
import type { IngestReport } from '../../contracts/ingest.ts';
import type { IngestService } from '../ingest/ingestService.ts';
import type { Logger } from '../observability/logger.ts';
import { generateHistory, type HistoryOptions, type SeedPlan } from './generateHistory.ts';

/**
 * Records per ingest call (and store transaction) for a seeding that runs alone in its process
 * (`brain seed`): 5,000 commit a fifth as often as the default 1,000, which at 1M+ events is ~10 %
 * of the time, and hold nothing else up because nothing else runs there.
 */
export const SEED_BATCH = 5_000;

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
  const plan = generateHistory({
    ...options.history,
    to: options.history?.to ?? shanghaiToday(options.now?.()),
    ...(options.spillDir !== undefined ? { spillDir: options.spillDir } : {}),
  });
  try {
    return await feed(plan, options, started);
  } finally {
    plan.dispose();
  }
}

async function feed(plan: SeedPlan, options: RunSeedOptions, started: number): Promise<SeedSummary> {
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
    // Ingest resolves in microtasks; yield a macrotask so HTTP requests and projections keep moving.
    await new Promise((resolve) => setImmediate(resolve));
  }
  summary.ms = Date.now() - started;
  options.log?.info(summary, `seeded ${summary.accepted} records (${summary.duplicates} duplicates, ${summary.rejected} rejected, ${summary.flagged} flagged) in ${summary.ms} ms`);
  return summary;
}
