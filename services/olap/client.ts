import { createClient, parseError, type ClickHouseClient } from '@clickhouse/client';
import { formatQueryParams } from '@clickhouse/client-common';
import { createChdbConnection } from 'chdb/connection';
import { InfrastructureError, ValidationError } from '../../contracts/errors.ts';
import type { OlapClient, OlapParams } from '../../contracts/ports.ts';
import { classifyOlapError } from './errorClass.ts';

export type OlapClientOptions =
  | { kind: 'chdb'; /** chDB data directory (one per process). */ path: string; database: string }
  | { kind: 'clickhouse'; url: string; user: string; password: string; database: string };

/**
 * Vendor errors into ours, classified here at the adapter: a wrong statement is a
 * ValidationError; an outage, overload or dropped connection is retriable (callers retry it
 * through contracts/retry.ts with their declared policy); anything else is not.
 */
function translate(err: unknown, sql: string): Error {
  const e = err as { message?: string };
  const message = `${e.message ?? String(err)} (query: ${sql.slice(0, 200)})`;
  const kind = classifyOlapError(err);
  if (kind === 'query') return new ValidationError(message);
  return new InfrastructureError(message, { retriable: kind === 'transient', cause: err });
}

/**
 * Creates the one ClickHouse client of the platform: `@clickhouse/client` over chDB's in-process
 * connection (embedded default) or over HTTP to a server. Creates the database if missing.
 */
export async function createOlapClient(options: OlapClientOptions): Promise<OlapClient> {
  if (options.kind === 'clickhouse') {
    // A server refuses a `database` that does not exist yet: create it through a client without one.
    const bootstrap = createClient({ url: options.url, username: options.user, password: options.password });
    try {
      await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${options.database}` });
    } catch (err) {
      throw translate(err, `CREATE DATABASE ${options.database}`);
    } finally {
      await bootstrap.close();
    }
  }
  const connection = options.kind === 'chdb' ? createChdbConnection({ path: options.path }) : undefined;
  const base =
    options.kind === 'chdb'
      ? createClient({ connection: connection as never, database: options.database })
      : createClient({ url: options.url, username: options.user, password: options.password, database: options.database });
  if (connection) {
    await base.command({ query: `CREATE DATABASE IF NOT EXISTS ${options.database}` });
    // chDB's connection ignores the client's `database`; its session keeps a current database instead.
    await base.command({ query: `USE ${options.database}` });
  }
  return wrap(base, options.kind, options.database, connection ? rawInserter(connection.chdb) : undefined);
}

/** chDB's raw insert: the payload goes to the engine as bytes, with the statement's own SETTINGS. */
type RawInsert = (params: { table: string; columns: string[]; values: string; format: 'JSONCompactEachRow'; settings: Record<string, string | number> }) => Promise<unknown>;

function rawInserter(chdb: { rawInsert(params: never): Promise<unknown> }): RawInsert {
  return (params) => chdb.rawInsert(params as never);
}

/**
 * Rows as JSONCompactEachRow: one JSON array per row, in the order of `columns` (every key any row
 * has). A key a row lacks goes as null, which the engine reads as the column's default
 * (input_format_null_as_default), as JSONEachRow does for an absent key. Key names are written
 * once instead of in every row: chDB parses a fact row about 2× faster so (bench/projectionBench.ts).
 */
export function compactRows(rows: readonly Record<string, unknown>[]): { columns: string[]; body: string } {
  const columns = Object.keys(rows[0]!);
  let known = new Set(columns);
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i]!;
    for (const key in row)
      if (!known.has(key)) {
        columns.push(key);
        known = new Set(columns);
      }
  }
  const n = columns.length;
  const values: unknown[] = new Array(n);
  let body = '';
  for (const row of rows) {
    for (let c = 0; c < n; c++) {
      const v = row[columns[c]!];
      values[c] = v === undefined ? null : v;
    }
    body += JSON.stringify(values) + '\n';
  }
  return { columns, body };
}

const PLAIN_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A `{name:Type}` query parameter (the type may nest: `Array(Date)`, `DateTime64(3)`). */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g;

/**
 * Writes the values of the statement's `{name:Type}` parameters into it as typed literals
 * (`CAST(<literal> AS Type)`, the literal written by clickhouse-js's own formatter: strings quoted
 * and escaped, arrays as array literals). Why: chDB runs *parameterised* statements one at a time
 * across the whole process, whatever session sends them, while plain ones run side by side; with
 * the engine's binding, every dashboard read that missed the cache queued behind the materializer's
 * 12–25 s KPI-table queries after a 100,000-row import. A placeholder whose name has no value is
 * left as it is, for the engine to refuse.
 */
export function bindParams(sql: string, params: OlapParams): string {
  return sql.replace(PLACEHOLDER, (whole, name: string, type: string) => {
    if (!Object.hasOwn(params, name)) return whole;
    const value = params[name];
    // A JS Date would be written as a Unix timestamp, which a Date column reads as a day count.
    if (value instanceof Date) throw new ValidationError(`query parameter ${name}: pass dates as text, not as a Date object`);
    if (type.trim() === 'Identifier') throw new ValidationError(`query parameter ${name}: Identifier parameters are not supported`);
    return `CAST(${formatQueryParams({ value, wrapStringInQuotes: true, printNullAsKeyword: true })} AS ${type})`;
  });
}

function wrap(client: ClickHouseClient, kind: OlapClient['kind'], database: string, raw?: RawInsert): OlapClient {
  // Over chDB the values are bound here (see bindParams); a server binds them itself.
  const statement = kind === 'chdb'
    ? (sql: string, params?: OlapParams) => ({ query: params ? bindParams(sql, params) : sql })
    : (sql: string, params?: OlapParams) => ({ query: sql, query_params: params });
  return {
    kind,
    database,
    async query<T>(sql: string, params?: OlapParams): Promise<T[]> {
      const bound = statement(sql, params);
      try {
        const rs = await client.query({ ...bound, format: 'JSONEachRow', clickhouse_settings: QUERY_SETTINGS });
        return (await rs.json()) as T[];
      } catch (err) {
        throw translate(err, sql);
      }
    },
    async command(sql: string, params?: OlapParams): Promise<void> {
      const bound = statement(sql, params);
      try {
        await client.command({ ...bound, clickhouse_settings: QUERY_SETTINGS });
      } catch (err) {
        throw translate(err, sql);
      }
    },
    async insert(table, rows, options) {
      if (rows.length === 0) return;
      const qualified = table.includes('.') ? table : `${database}.${table}`;
      const settings = {
        insert_deduplication_token: options?.deduplicate === false ? '' : (options?.dedupToken ?? ''),
        insert_deduplicate: (options?.deduplicate === false ? 0 : 1) as 0 | 1,
        date_time_input_format: 'best_effort' as const,
      };
      const compact = raw ? compactRows(rows) : undefined;
      if (raw && compact && compact.columns.every((c) => PLAIN_IDENT.test(c))) {
        // The settings travel in the INSERT itself (`INSERT … SETTINGS … FORMAT`), so nothing is left
        // set on the session for the next statement.
        try {
          await raw({ table: qualified, columns: compact.columns, values: compact.body, format: 'JSONCompactEachRow', settings });
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          const mapped = parseError(message);
          if (mapped !== err && err instanceof Error) (mapped as Error & { cause?: unknown }).cause = err;
          throw translate(mapped, `INSERT INTO ${table}`);
        }
        return;
      }
      try {
        await client.insert({
          table: qualified,
          values: rows as Record<string, unknown>[],
          format: 'JSONEachRow',
          // Always set, the token empty when absent: over chDB's connection settings become
          // session-wide SETs, so a token left over from a previous insert would deduplicate this one.
          clickhouse_settings: settings,
        });
      } catch (err) {
        throw translate(err, `INSERT INTO ${table}`);
      }
    },
    async ping() {
      const r = await client.ping();
      return r.success;
    },
    async close() {
      await client.close();
    },
  };
}

/** Same result shapes from both engines: 64-bit integers as JSON numbers. */
const QUERY_SETTINGS = { output_format_json_quote_64bit_integers: 0, output_format_json_quote_decimals: 0 } as const;
