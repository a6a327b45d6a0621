import { Session } from 'chdb';
import PQueue from 'p-queue';
import { ClickHouseHttpError, fromEngineError } from './clickhouseErrors.ts';
import { sqlIdentifier, sqlString } from './sqlText.ts';

/** What one HTTP query asks of the engine. */
export interface EngineQuery {
  sql: string;
  /** Output format when the SQL has no FORMAT clause. */
  format: string;
  /** Current database for unqualified names. */
  database: string;
  /** `{name:Type}` bindings, each in ClickHouse's escaped text form as sent in `param_<name>`. */
  params: Record<string, string>;
  /** Settings for this query only (never given for read-only sessions). */
  settings: Record<string, string>;
  /**
   * Run even if `database` does not exist (CREATE DATABASE: clients that create their database
   * send it as the current database of the very request that creates it).
   */
  databaseMayBeMissing?: boolean;
}

export interface EngineOutput {
  bytes: Uint8Array;
  rowsRead: number;
  bytesRead: number;
  elapsedSeconds: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * chDB sessions on the platform's one data path, one fresh session per HTTP request: a
 * ClickHouse server keeps no SET, USE or parameter from one request to the next, and sessions
 * on one path are cheap (~0.3 ms) and coexist. `connectionArgs` apply to every session, which
 * is how the read-only pool gets `--readonly=1` at the connection level.
 * At most `maxConcurrent` sessions run at once; the rest wait in order.
 */
export class EnginePool {
  private readonly sessions: PQueue;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly connectionArgs: readonly string[] | undefined,
    private readonly maxConcurrent: number,
  ) {
    this.sessions = new PQueue({ concurrency: maxConcurrent });
  }

  /** Queries running now. */
  get running(): number {
    return this.sessions.pending;
  }

  /**
   * Runs `fn` on a fresh session that is closed afterwards. `extraArgs` are added to the pool's
   * connection arguments for this session only (e.g. a `--log_comment` that names the request, so
   * it can be found in system.processes and killed). With `wait: false` a full pool answers
   * TOO_MANY_SIMULTANEOUS_QUERIES at once instead of queueing.
   */
  async withSession<T>(fn: (session: Session) => Promise<T>, opts: { extraArgs?: readonly string[]; wait?: boolean } = {}): Promise<T> {
    if (this.closed) throw ClickHouseHttpError.of('ABORTED', 'the server is shutting down');
    if (opts.wait === false && this.sessions.pending >= this.maxConcurrent)
      throw ClickHouseHttpError.of('TOO_MANY_SIMULTANEOUS_QUERIES', `Too many simultaneous queries. Maximum: ${this.maxConcurrent}; try again when one of the running queries has finished`);
    return this.sessions.add(
      async () => {
        // Queued before close(): refused when its turn comes.
        if (this.closed) throw ClickHouseHttpError.of('ABORTED', 'the server is shutting down');
        const args = [...(this.connectionArgs ?? []), ...(opts.extraArgs ?? [])];
        const session = args.length > 0 ? new Session(this.path, { connectionArgs: args }) : new Session(this.path);
        try {
          return await fn(session);
        } finally {
          session.close();
        }
      },
      { throwOnTimeout: true },
    );
  }

  /** USE, SET (settings and parameters) and the query itself, on one session. */
  static async run(session: Session, q: EngineQuery): Promise<EngineOutput> {
    await EnginePool.prepare(session, q);
    return EnginePool.execute(session, q.sql, q.format);
  }

  /** USE and SET (settings and parameters): what the statement will be parsed and run under. */
  static async prepare(session: Session, q: Omit<EngineQuery, 'sql' | 'format'>): Promise<void> {
    try {
      try {
        await session.queryAsync(`USE ${sqlIdentifier(q.database)}`);
      } catch (err) {
        if (!(q.databaseMayBeMissing && fromEngineError(err).errorName === 'UNKNOWN_DATABASE')) throw err;
      }
      const sets: string[] = [];
      for (const [name, value] of Object.entries(q.settings)) {
        if (!NAME.test(name)) throw ClickHouseHttpError.of('BAD_ARGUMENTS', `Invalid setting name '${name}'`);
        sets.push(`${name} = ${sqlString(value)}`);
      }
      // `SET param_x = '<escaped text>'` binds the value exactly as a server binds `param_x`
      // from a URL; chdb's own binder would re-escape it as if it were a plain string.
      for (const [name, value] of Object.entries(q.params)) {
        if (!NAME.test(name)) throw ClickHouseHttpError.of('BAD_ARGUMENTS', `Invalid query parameter name '${name}'`);
        sets.push(`param_${name} = ${sqlString(value)}`);
      }
      if (sets.length > 0) await session.queryAsync(`SET ${sets.join(', ')}`);
    } catch (err) {
      throw fromEngineError(err);
    }
  }

  /** The statement itself, on a prepared session. */
  static async execute(session: Session, sql: string, format: string): Promise<EngineOutput> {
    try {
      const r = await session.queryAsync(sql, { format });
      return { bytes: r.bytes(), rowsRead: r.rowsRead, bytesRead: r.bytesRead, elapsedSeconds: r.elapsed };
    } catch (err) {
      throw fromEngineError(err);
    }
  }

  /** Refuses new work and resolves once running sessions are closed (queued ones are refused). */
  async close(): Promise<void> {
    this.closed = true;
    await this.sessions.onIdle();
  }
}
