import type { OlapClient } from '../../contracts/ports.ts';
import { v001Bookkeeping } from './v001Bookkeeping.ts';

/** One versioned step of DDL. Each statement must be idempotent (IF NOT EXISTS …). */
export interface Migration {
  id: string;
  description: string;
  /** `{db}` stands for the client's database. */
  statements: readonly string[];
}

/** In the order they apply; append only, never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = [v001Bookkeeping];

const SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS {db}.schema_migrations (
  id String,
  description String,
  applied_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree ORDER BY id`;

/**
 * Applies the bookkeeping migrations not yet recorded in `schema_migrations` of the client's
 * database and returns the ids it applied (none on a re-run). Safe to run again at any point,
 * also after a crash half-way: a step's statements are idempotent and it is recorded only after
 * they all ran.
 */
export async function migrate(olap: OlapClient, migrations: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  const db = quoteIdent(olap.database);
  const sql = (s: string) => s.replaceAll('{db}', db);
  await olap.command(sql(SCHEMA_MIGRATIONS));
  const done = new Set((await olap.query<{ id: string }>(`SELECT id FROM ${db}.schema_migrations FINAL`)).map((r) => r.id));
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    for (const statement of m.statements) await olap.command(sql(statement));
    await olap.insert(`${olap.database}.schema_migrations`, [{ id: m.id, description: m.description, applied_at: new Date().toISOString() }]);
    applied.push(m.id);
  }
  return applied;
}

/** Backquotes an identifier for ClickHouse. */
export function quoteIdent(name: string): string {
  return '`' + name.replaceAll('\\', '\\\\').replaceAll('`', '\\`') + '`';
}
