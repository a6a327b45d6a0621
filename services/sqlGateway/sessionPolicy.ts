import { ClickHouseHttpError } from './clickhouseErrors.ts';
import { EnginePool } from './enginePool.ts';

/**
 * Session policy: which pool a user's query runs on, the engine limits of read-only (analyst)
 * sessions, how many queries each may run at once, and which settings a read-only user may send.
 */

/**
 * Statements a GET request may carry (a ClickHouse server treats GET as read-only). What a
 * statement may touch is decided on the engine's parse of the whole statement, for every user, in
 * statementGuard.ts; read-only users also run on sessions opened with `--readonly=1`.
 */
const READ_STATEMENTS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'EXISTS', 'USE', 'SET', '(']);

/** Per-query engine limits and concurrency of read-only users (0 = no limit for the engine settings). */
export interface AnalystLimits {
  /** Engine setting max_execution_time, seconds. */
  maxExecutionSeconds: number;
  /** Engine setting max_memory_usage, bytes. */
  maxMemoryBytes: number;
  /** Engine settings max_rows_to_read / max_bytes_to_read. */
  maxRowsToRead: number;
  maxBytesToRead: number;
  /** Engine settings max_result_rows / max_result_bytes (result_overflow_mode=throw). */
  maxResultRows: number;
  maxResultBytes: number;
  /** Read-only queries running at once, all users together; beyond it, 429 at once. */
  concurrentQueries: number;
  /** Read-only queries running at once per user (per key); beyond it, 429 at once. */
  concurrentQueriesPerUser: number;
}

export const DEFAULT_ANALYST_LIMITS: AnalystLimits = {
  maxExecutionSeconds: 60,
  maxMemoryBytes: 2 * 1024 ** 3,
  maxRowsToRead: 10_000_000_000,
  maxBytesToRead: 100 * 1024 ** 3,
  maxResultRows: 10_000_000,
  maxResultBytes: 512 * 1024 ** 2,
  concurrentQueries: 4,
  concurrentQueriesPerUser: 2,
};

export interface Pools {
  /** Ordinary sessions; `maxConcurrentPerPool` at once, more wait in order. */
  admin: EnginePool;
  /** Sessions opened with `--readonly=1` and the analyst limits; beyond `concurrentQueries`, 429. */
  readonly: EnginePool;
}

/** The two pools on the one data path: admin sessions and read-only sessions. */
export function createPools(chdbPath: string, limits: AnalystLimits, maxConcurrentPerPool: number): Pools {
  return {
    admin: new EnginePool(chdbPath, undefined, maxConcurrentPerPool),
    readonly: new EnginePool(
      chdbPath,
      [
        '--readonly=1',
        '--async_insert=0',
        `--max_execution_time=${limits.maxExecutionSeconds}`,
        `--max_memory_usage=${limits.maxMemoryBytes}`,
        `--max_rows_to_read=${limits.maxRowsToRead}`,
        `--max_bytes_to_read=${limits.maxBytesToRead}`,
        '--read_overflow_mode=throw',
        `--max_result_rows=${limits.maxResultRows}`,
        `--max_result_bytes=${limits.maxResultBytes}`,
        '--result_overflow_mode=throw',
      ],
      limits.concurrentQueries,
    ),
  };
}

/**
 * Read-only queries running per principal (user and key): `acquire` answers 429 at once beyond
 * `concurrentQueriesPerUser`, otherwise counts the query and returns the function that uncounts it.
 */
export function createPerUserLimit(limits: AnalystLimits): { acquire(principal: string, userName: string): () => void } {
  const runningPerPrincipal = new Map<string, number>();
  return {
    acquire(principal, userName) {
      const mine = runningPerPrincipal.get(principal) ?? 0;
      if (mine >= limits.concurrentQueriesPerUser)
        throw ClickHouseHttpError.of('TOO_MANY_SIMULTANEOUS_QUERIES', `Too many simultaneous queries for user ${userName}. Maximum: ${limits.concurrentQueriesPerUser}; try again when one of your running queries has finished`);
      runningPerPrincipal.set(principal, mine + 1);
      return () => {
        const left = (runningPerPrincipal.get(principal) ?? 1) - 1;
        if (left > 0) runningPerPrincipal.set(principal, left);
        else runningPerPrincipal.delete(principal);
      };
    },
  };
}

/** A server lets a read-only user send a setting only to restate its current value; clients send a few. */
export function checkReadonlySettings(settings: Record<string, string>, current: ReadonlyMap<string, string>): void {
  for (const [name, value] of Object.entries(settings)) {
    const now = current.get(name);
    if (now === undefined) throw ClickHouseHttpError.of('UNKNOWN_SETTING', `Unknown setting '${name}'`);
    if (now !== normaliseSetting(value)) throw ClickHouseHttpError.of('READONLY', `Cannot modify '${name}' setting in readonly mode`);
  }
}

/** A ClickHouse server treats GET as read-only: an admin's GET may carry only read statements. */
export function checkGetIsRead(method: string, kind: string): void {
  if (method === 'GET' && !READ_STATEMENTS.has(kind))
    throw ClickHouseHttpError.of('READONLY', 'Cannot execute query in readonly mode. For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries');
}

/**
 * chDB's local mode does not enforce max_result_bytes (measured on chDB 3.4: a 100 KB cap let
 * 196 MB through), so the size of a read-only user's answer is checked here.
 */
export function checkResultSize(limits: AnalystLimits, bytes: number): void {
  if (limits.maxResultBytes > 0 && bytes > limits.maxResultBytes)
    throw ClickHouseHttpError.of(
      'TOO_MANY_ROWS_OR_BYTES',
      `Limit for result exceeded, max bytes: ${limits.maxResultBytes}, current bytes: ${bytes} (OLAP_ANALYST_MAX_RESULT_BYTES)`,
    );
}

/** A setting's value as system.settings shows it (booleans as 0/1, lower case). */
export function normaliseSetting(v: string): string {
  const s = v.trim().toLowerCase();
  if (s === 'true') return '1';
  if (s === 'false') return '0';
  return s;
}
