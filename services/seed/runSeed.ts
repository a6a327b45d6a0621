/**
 * Feeds the sample history through the ingest service, batch by batch, exactly like real data.
 * Idempotent: records carry deterministic natural keys, so a second run stores nothing new.
 */
import { shanghaiToday } from '../../contracts/dates.ts';
import type { IngestReport } from '../../contracts/ingest.ts';
import type { IngestService } from '../ingest/ingestService.ts';
import type { Logger } from '../observability/logger.ts';
import { generateHistory, type HistoryOptions } from './generateHistory.ts';

export interface RunSeedOptions {
  ingest: IngestService;
  log?: Pick<Logger, 'info' | 'warn'>;
  /** Called after each batch with records done and the total. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** History options; `to` defaults to today in Asia/Shanghai. */
  history?: Partial<HistoryOptions>;
  now?: () => Date;
  actor?: string;
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
  const plan = generateHistory({ ...options.history, to: options.history?.to ?? shanghaiToday(options.now?.()) });
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
