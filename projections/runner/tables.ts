/**
 * The physical tables of projection builds and the stable views over them: created from each
 * projection's DDL with a deduplication window, pointed at by views named after the logical
 * tables, dropped when a build retires.
 */
import { IllegalStateError } from '../../contracts/errors.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import { quoteIdent } from '../migrations/migrate.ts';
import type { Projection } from '../projection.ts';
import type { BuildRecord } from './bookkeeping.ts';

/** Engines whose rows collapse by key: their views read FINAL so stable names never show duplicates. */
const COLLAPSING_ENGINE = /^(Replacing|Collapsing|VersionedCollapsing|Summing|Aggregating|Coalescing)MergeTree$/;
const DEDUP_WINDOW = 1000;
/** Engines where a second copy of a row folds into the first (so a block may be inserted twice). */
const FOLDS_COPIES = /^ReplacingMergeTree$/;

export interface BuildTables {
  /** Creates a build's physical tables (idempotent) with a deduplication window on each. */
  ensure(projection: Projection, tables: ReadonlyMap<string, string>): Promise<void>;
  /** Points the stable views at a build (dropping views of tables the previous build had and this one has not). */
  pointViews(record: BuildRecord, previous?: BuildRecord): Promise<void>;
  /** Whether a physical table folds copies of a row by key (asked of the engine once per table). */
  foldsCopies(physical: string): Promise<boolean>;
  drop(record: BuildRecord): Promise<void>;
}

export function buildTables(olap: OlapClient, retrying: <T>(what: string, fn: () => Promise<T>) => Promise<T>): BuildTables {
  const db = quoteIdent(olap.database);
  const q = (name: string) => `${db}.${quoteIdent(name)}`;
  // A physical table's engine never changes under its name (a build id is never reused), so it is
  // asked once: at creation, and then known to the views and to every insert.
  const engines = new Map<string, { engine: string; engine_full: string }>();
  /** Asks the engine of every name not known yet, in one query. */
  const learnEngines = async (physical: readonly string[]) => {
    const unknown = physical.filter((name) => !engines.has(name));
    if (unknown.length === 0) return;
    const rows = await olap.query<{ name: string; engine: string; engine_full: string }>(
      `SELECT name, engine, engine_full FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}`,
      { db: olap.database, names: unknown },
    );
    for (const { name, engine, engine_full } of rows) engines.set(name, { engine, engine_full });
  };
  const engineOf = async (physical: string) => {
    await learnEngines([physical]);
    return engines.get(physical);
  };

  return {
    async ensure(projection, tables) {
      const physical = projection.tables.map((def) => tables.get(def.name)!);
      for (const [i, def] of projection.tables.entries()) await olap.command(def.ddl.replaceAll('{table}', q(physical[i]!)));
      await learnEngines(physical);
      for (const [i, def] of projection.tables.entries()) {
        const info = engines.get(physical[i]!);
        if (!info) throw new IllegalStateError(`projection ${projection.name}: DDL of ${def.name} did not create ${physical[i]}`);
        // Tokens dedupe only inside the window; Replicated* engines have their own (on by default).
        const window = /non_replicated_deduplication_window = (\d+)/.exec(info.engine_full);
        if (/MergeTree$/.test(info.engine) && !info.engine.startsWith('Replicated') && (!window || Number(window[1]) < DEDUP_WINDOW))
          await olap.command(`ALTER TABLE ${q(physical[i]!)} MODIFY SETTING non_replicated_deduplication_window = ${DEDUP_WINDOW}`);
      }
    },

    async pointViews(record, previous) {
      for (let i = 0; i < record.logicalTables.length; i++) {
        const physical = record.physicalTables[i]!;
        const info = await engineOf(physical);
        // `SELECT … FROM view FINAL` is silently ignored by the engine, so FINAL lives in the view.
        const final = info && COLLAPSING_ENGINE.test(info.engine) ? ' FINAL' : '';
        await olap.command(`CREATE OR REPLACE VIEW ${q(record.logicalTables[i]!)} AS SELECT * FROM ${q(physical)}${final}`);
      }
      for (const logical of previous?.logicalTables ?? [])
        if (!record.logicalTables.includes(logical)) await olap.command(`DROP VIEW IF EXISTS ${q(logical)}`);
    },

    async foldsCopies(physical) {
      return FOLDS_COPIES.test((await retrying('engine', () => engineOf(physical)))?.engine ?? '');
    },

    async drop(record) {
      for (const physical of record.physicalTables) {
        engines.delete(physical);
        await olap.command(`DROP TABLE IF EXISTS ${q(physical)}`);
      }
    },
  };
}
