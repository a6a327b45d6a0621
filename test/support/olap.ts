import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { OlapClient } from '../../contracts/ports.ts';
import { createOlapClient } from '../../services/olap/client.ts';

/**
 * The chDB data directory of this test worker (one per process, as chDB requires). Tests never
 * open another path: each gets its own database inside this one.
 */
export const workerChdbPath = path.join(os.tmpdir(), `brain-test-chdb-${process.pid}`);

/** A client of this worker's engine (or of CLICKHOUSE_URL) on `database`, on a session of its own. */
async function clientOn(database: string): Promise<OlapClient> {
  if (process.env.CLICKHOUSE_URL)
    return createOlapClient({
      kind: 'clickhouse',
      url: process.env.CLICKHOUSE_URL,
      user: process.env.CLICKHOUSE_USER ?? 'default',
      password: process.env.CLICKHOUSE_PASSWORD ?? '',
      database,
    });
  return createOlapClient({ kind: 'chdb', path: workerChdbPath, database });
}

/** A client on a fresh, uniquely named database of this worker's engine (or of CLICKHOUSE_URL). */
export async function freshOlap(prefix = 't'): Promise<OlapClient> {
  return clientOn(`${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`);
}

/** A second client (its own engine session) on the same database as `olap`: the viewers' session. */
export async function sameDatabase(olap: OlapClient): Promise<OlapClient> {
  return clientOn(olap.database);
}
