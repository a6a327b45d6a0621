/**
 * The deterministic sample history of the area from 2023-01-01 (plus the pre-history that the
 * window's statuses depend on) up to a given day, as ingest records in sending order. It never
 * writes anywhere: the caller feeds the batches through the ingest service like real data.
 */
import type { IngestRecordInput } from '../../contracts/ingest.ts';
import { dayOf, yearOf } from './calendar.ts';
import type { Ctx } from './context.ts';
import { Emitter } from './emitter.ts';
import { generateEcosystem } from './phases/ecosystem.ts';
import { generateEnterprises } from './phases/enterprises.ts';
import { generateFunds } from './phases/funds.ts';
import { generateGovernance } from './phases/governance.ts';
import { generateIncubation } from './phases/incubation.ts';
import { generatePlatforms } from './phases/platforms.ts';
import { generateTalent } from './phases/talent.ts';
import { generateTiers } from './phases/tiers.ts';
import { generateTransfer } from './phases/transfer.ts';
import { createRng } from './random.ts';
import { SpillingEmitter } from './spillingEmitter.ts';
import { buildWorld } from './world.ts';

export const DEFAULT_SEED = 20231108;
export const DEFAULT_FROM = '2023-01-01';
export const DEFAULT_ENTERPRISES = 3_000;
export const DEFAULT_BATCH_SIZE = 1_000;

export interface HistoryOptions {
  seed?: number;
  /** First day of the window (pre-history before it is included where statuses need it). */
  from?: string;
  /** Last day generated, usually today (YYYY-MM-DD). */
  to: string;
  /** Innovation firms in the area; flows scale with it. */
  enterprises?: number;
  batchSize?: number;
  /**
   * A directory to keep the records in while they wait to be sent (created and, by `dispose()`,
   * removed): memory then holds one month of records instead of the whole history. For big areas.
   */
  spillDir?: string;
  /** Called after each part of the generator (enterprises, tiers, …): progress, or memory housekeeping. */
  afterPart?: (part: string) => void;
}

export interface SeedPlan {
  /** Number of records in all batches. */
  total: number;
  /** Records per event type. */
  countsByType: Readonly<Record<string, number>>;
  /** Batches of about `batchSize` records, in sending (chronological) order; may be iterated again. */
  batches(): Iterable<IngestRecordInput[]>;
  /** Frees what the plan holds (a spill directory's files); the batches cannot be read after. */
  dispose(): void;
}

/**
 * Generates the sample history. Same options → byte-for-byte the same records.
 * Runs in about a second for the default 3,000 firms (~120,000 records).
 */
export function generateHistory(options: HistoryOptions): SeedPlan {
  const seed = options.seed ?? DEFAULT_SEED;
  const from = dayOf(options.from ?? DEFAULT_FROM);
  const to = dayOf(options.to);
  if (to < from) throw new RangeError(`generateHistory: to (${options.to}) is before from (${options.from ?? DEFAULT_FROM})`);
  const enterprises = options.enterprises ?? DEFAULT_ENTERPRISES;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);

  const world = buildWorld({ seed, from, to, enterprises });
  const spill = options.spillDir !== undefined ? new SpillingEmitter(to, options.spillDir) : undefined;
  const ctx: Ctx = {
    world,
    rng: createRng(seed).fork('history'),
    out: spill ?? new Emitter(to),
    from,
    to,
    fromYear: yearOf(from),
    toYear: yearOf(to),
    scale: world.firms.length / DEFAULT_ENTERPRISES,
    facts: { hte: new Map(), techSme: new Map(), tenancies: new Map(), serviceProviders: [], hteBaseline: 0 },
  };
  // Order matters only where one part reads another's facts (tiers → incubation → funds, platforms → vouchers, tiers → ecosystem).
  const parts: [string, (c: Ctx) => void][] = [
    ['enterprises', generateEnterprises],
    ['tiers', generateTiers],
    ['incubation', generateIncubation],
    ['platforms', generatePlatforms],
    ['funds', generateFunds],
    ['transfer', generateTransfer],
    ['talent', generateTalent],
    ['governance', generateGovernance],
    ['ecosystem', generateEcosystem],
  ];
  for (const [name, generate] of parts) {
    generate(ctx);
    options.afterPart?.(name);
  }

  if (spill) {
    return {
      total: Object.values(spill.countsByType).reduce((sum, n) => sum + n, 0),
      countsByType: spill.countsByType,
      batches: () => spill.batches(batchSize),
      dispose: () => spill.dispose(),
    };
  }
  const records = ctx.out.drain();
  const countsByType: Record<string, number> = {};
  for (const r of records) countsByType[r.type] = (countsByType[r.type] ?? 0) + 1;
  return {
    total: records.length,
    countsByType,
    *batches() {
      for (let i = 0; i < records.length; i += batchSize) yield records.slice(i, i + batchSize);
    },
    dispose() {},
  };
}
