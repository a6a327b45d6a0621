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

/** The event store the configuration selects: `EVENT_STORE=sqlite` (default, `$DATA_DIR/events.sqlite`) or `esdb`. */
export function createEventStore(config: Config): EventStore {
  switch (config.EVENT_STORE) {
    case 'sqlite':
      return createSqliteEventStore({ path: sqliteEventStorePath(config) });
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
