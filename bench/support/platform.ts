/**
 * The platform as the benchmarks run it: the real composition root (`startPlatform`) on a
 * temporary DATA_DIR, port 0, silent logs, no seed, no trickle; plus fresh sample records.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { IngestRecordInput } from '../../contracts/ingest.ts';
import type { DevKeys } from '../../services/auth/keyring.ts';
import { loadConfig } from '../../services/config/config.ts';
import { startPlatform, type Platform } from '../../services/platform.ts';
import { generateHistory } from '../../services/seed/generateHistory.ts';
import { shanghaiToday } from '../../contracts/dates.ts';

export interface BenchPlatform {
  platform: Platform;
  dataDir: string;
  keys: DevKeys;
  /** `{ authorization: 'Bearer …' }` of a role's development key. */
  auth(role: keyof DevKeys): Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the platform with `env` on top of the bench defaults (SERVICES=all without the OLAP HTTP port). */
export async function startBenchPlatform(env: Record<string, string> = {}): Promise<BenchPlatform> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'brain-bench-platform-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    OLAP_PORT: '0',
    SERVICES: 'ingest,projector,api',
    LOG_LEVEL: 'silent',
    SEED: '0',
    TRICKLE: '0',
    ...env,
  });
  const log = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' });
  const platform = await startPlatform({ config, log, seed: false, trickle: false });
  const keys = platform.keyring.devKeys;
  if (!keys) throw new Error('bench platform: expected development keys (no API_KEYS_FILE)');
  return {
    platform,
    dataDir,
    keys,
    auth: (role) => ({ authorization: `Bearer ${keys[role]}` }),
    async stop() {
      await platform.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Sample records of a world no store has seen: the seed differs per call, so firms, USCCs and
 * natural keys are new and every record is a new event (not a duplicate of an earlier run).
 * In sending (chronological) order, so records that depend on earlier ones come after them.
 */
export function freshRecords(options: { enterprises?: number; seed?: number } = {}): { seed: number; records: IngestRecordInput[] } {
  const seed = options.seed ?? randomInt(1, 2 ** 31 - 1);
  const plan = generateHistory({ seed, to: shanghaiToday(new Date()), enterprises: options.enterprises ?? 3_000, batchSize: 10_000 });
  const records: IngestRecordInput[] = [];
  for (const batch of plan.batches()) for (const r of batch) records.push(r);
  return { seed, records };
}
