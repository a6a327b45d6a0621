import { createClient, type ClickHouseClient } from '@clickhouse/client';
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
  const base =
    options.kind === 'chdb'
      ? createClient({ connection: createChdbConnection({ path: options.path }) as never, database: options.database })
      : createClient({ url: options.url, username: options.user, password: options.password, database: options.database });
  if (options.kind === 'chdb') {
    await base.command({ query: `CREATE DATABASE IF NOT EXISTS ${options.database}` });
    // chDB's connection ignores the client's `database`; its session keeps a current database instead.
    await base.command({ query: `USE ${options.database}` });
  }
  return wrap(base, options.kind, options.database);
}

function wrap(client: ClickHouseClient, kind: OlapClient['kind'], database: string): OlapClient {
  return {
    kind,
    database,
    async query<T>(sql: string, params?: OlapParams): Promise<T[]> {
      try {
        const rs = await client.query({ query: sql, query_params: params, format: 'JSONEachRow', clickhouse_settings: QUERY_SETTINGS });
        return (await rs.json()) as T[];
      } catch (err) {
        throw translate(err, sql);
      }
    },
    async command(sql: string, params?: OlapParams): Promise<void> {
      try {
        await client.command({ query: sql, query_params: params, clickhouse_settings: QUERY_SETTINGS });
      } catch (err) {
        throw translate(err, sql);
      }
    },
    async insert(table, rows, options) {
      if (rows.length === 0) return;
      try {
        await client.insert({
          table: table.includes('.') ? table : `${database}.${table}`,
          values: rows as Record<string, unknown>[],
          format: 'JSONEachRow',
          clickhouse_settings: {
            // Always set, empty when absent: chDB applies settings as session-wide SETs, so a token
            // left over from the previous insert would silently deduplicate this one.
            insert_deduplication_token: options?.deduplicate === false ? '' : (options?.dedupToken ?? ''),
            // Also always set (session-wide on chDB): 1 is the engine's default.
            insert_deduplicate: options?.deduplicate === false ? 0 : 1,
            date_time_input_format: 'best_effort',
          },
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
