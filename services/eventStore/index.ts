import path from 'node:path';
import { ValidationError } from '../../contracts/errors.ts';
import type { EventStore } from '../../contracts/ports.ts';
import type { Config } from '../config/config.ts';
import { createEsdbEventStore } from './esdbEventStore.ts';
import { createSqliteEventStore } from './sqliteEventStore.ts';

/** The SQLite store's file inside DATA_DIR. */
export function sqliteEventStorePath(config: Pick<Config, 'DATA_DIR'>): string {
  return path.join(config.DATA_DIR, 'events.sqlite');
}

/**
 * WAL pages between checkpoints for a bulk load that runs alone in its process (`brain seed`):
 * 256 MiB. A 30,000-firm seed (1.2M records, transactions of 5,000) ran at ~12.9k records/s with
 * SQLite's 1,000 pages, ~14.3k/s with 16,384 and 14.3–15.0k/s with this (docs/BENCHMARKS.md).
 */
const BULK_LOAD_WAL_PAGES = 65_536;

/**
 * The event store the configuration selects: `EVENT_STORE=sqlite` (default, `$DATA_DIR/events.sqlite`)
 * or `esdb`. `bulkLoad`: the process only appends a large history (SQLite checkpoints its WAL less often).
 */
export function createEventStore(config: Config, options: { bulkLoad?: boolean } = {}): EventStore {
  switch (config.EVENT_STORE) {
    case 'sqlite':
      return createSqliteEventStore({ path: sqliteEventStorePath(config), ...(options.bulkLoad ? { walAutocheckpointPages: BULK_LOAD_WAL_PAGES } : {}) });
    case 'esdb':
      // loadConfig already refuses esdb without a connection string; this guards hand-built configs.
      if (!config.ESDB_CONNECTION_STRING) throw new ValidationError('EVENT_STORE=esdb needs ESDB_CONNECTION_STRING, e.g. esdb://127.0.0.1:2113?tls=false', [
          { field: 'ESDB_CONNECTION_STRING', reason: 'required when EVENT_STORE=esdb' },
        ]);
      return createEsdbEventStore({ connectionString: config.ESDB_CONNECTION_STRING });
    default: {
      const never: never = config.EVENT_STORE;
      throw new ValidationError(`unknown EVENT_STORE ${String(never)} (expected sqlite or esdb)`);
    }
  }
}
