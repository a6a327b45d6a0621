import type { EventType, RecordedEvent } from '../contracts/events/index.ts';

/** One fact table a projection writes. DDL uses `{table}` where the physical table name goes. */
export interface TableDefinition {
  /** Logical name, e.g. `status_intervals`; the physical name adds the projection version. */
  name: string;
  /** `CREATE TABLE IF NOT EXISTS {table} (...) ENGINE = ...`; must be idempotent under replays. */
  ddl: string;
}

export type Row = Record<string, unknown>;

/**
 * A declarative projection: a name, a version (bump it to rebuild), the event types it handles,
 * its tables, and a pure function from a batch of events to rows per logical table.
 * The runner owns I/O, batching, checkpoints, deduplication and rebuilds.
 */
export interface Projection {
  name: string;
  version: number;
  handles: readonly EventType[];
  tables: readonly TableDefinition[];
  project(events: readonly RecordedEvent[]): Record<string, Row[]>;
}

