import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { Session } from 'chdb';
import type { Authenticated } from './auth.ts';
import { ClickHouseHttpError } from './clickhouseErrors.ts';
import { EnginePool, type EngineOutput } from './enginePool.ts';
import type { QueryParameters, QueryStatement } from './request.ts';
import { checkGetIsRead, checkReadonlySettings, checkResultSize, createPerUserLimit, createPools, normaliseSetting, type AnalystLimits } from './sessionPolicy.ts';
import { outputFormatClause, sqlIdentifier, sqlString, tokenize } from './sqlText.ts';
import { guardStatement, loadGuardCatalog, type GuardCatalog, type GuardedStatement } from './statementGuard.ts';

/** The subset of a pino logger the gateway uses. */
export interface SqlGatewayLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the engine says about itself, read once at start (for headers and error bodies). */
export interface ServerInfo {
  version: string;
  timezone: string;
  displayName: string;
  /** Current values of every setting on a read-only session (a read-only user may restate them). */
  readonlySettings: Map<string, string>;
}

/** What the response needs to know of a request, success or error; filled in as the request goes. */
export interface RequestState {
  queryId: string;
  userName: string;
  /** The output format: TabSeparated until the statement's own (or the default) is known. */
  format: string;
}

export interface QueryRequest {
  method: string;
  auth: Authenticated;
  parameters: QueryParameters;
  statement: QueryStatement;
}

export interface QueryResult {
  out: EngineOutput;
  isInsert: boolean;
}

export interface QueryRunnerOptions {
  chdbPath: string;
  defaultDatabase: string;
  limits: AnalystLimits;
  maxConcurrentPerPool: number;
  log?: SqlGatewayLogger;
}

export interface QueryRunner {
  /** Opens the engine, creates the default database and reads what the engine says about itself. */
  start(): Promise<ServerInfo>;
  /** Runs one statement on the user's pool, guarded, cancelled if the client goes away. */
  run(q: QueryRequest, res: ServerResponse, state: RequestState): Promise<QueryResult>;
  close(): Promise<void>;
}

/**
 * Running statements on the embedded engine (chDB): read-only users on sessions opened with
 * `--readonly=1`, admin on ordinary sessions of the same data path; every statement goes through
 * the guard (statementGuard.ts) on the engine's parse of the whole of it.
 */
export function createQueryRunner(options: QueryRunnerOptions): QueryRunner {
  const { limits, log } = options;
  const { admin, readonly } = createPools(options.chdbPath, limits, options.maxConcurrentPerPool);
  const perUser = createPerUserLimit(limits);
  let info: ServerInfo | undefined;
  let catalog: GuardCatalog | undefined;
  // chDB shuts its engine down when the last session on a path closes and boots it again (~40 ms)
  // on the next one; one idle session held for the server's lifetime keeps per-request sessions cheap.
  let anchor: Session | undefined;

  /**
   * Stops a running query of this server: its session carries `log_comment = <tag>`. KILL QUERY
   * runs on a session of its own (outside the pools, so a full pool cannot delay it), ASYNC:
   * SYNC waits on the engine forever in chDB's local mode (measured on chDB 3.4).
   */
  async function killQuery(tag: string): Promise<void> {
    const s = new Session(options.chdbPath);
    try {
      await s.queryAsync(`KILL QUERY WHERE Settings['log_comment'] = ${sqlString(tag)} ASYNC`);
    } finally {
      s.close();
    }
  }

  async function runAdmin(s: Session, q: { sql: string; format: string; upload?: Buffer; insertFormatStart?: number }): Promise<EngineOutput> {
    if (!q.upload || q.insertFormatStart === undefined) return EnginePool.execute(s, q.sql, q.format);
    // Binary data cannot travel inside SQL text: hand it to the engine as a file of the data
    // directory, read by the same INSERT (`… FROM INFILE '<file>' FORMAT <fmt>`).
    const file = path.join(options.chdbPath, `http_upload_${randomUUID()}.bin`);
    await writeFile(file, q.upload, { mode: 0o600 });
    try {
      const sql = `${q.sql.slice(0, q.insertFormatStart)} FROM INFILE ${sqlString(file)} ${q.sql.slice(q.insertFormatStart)}`;
      return await EnginePool.execute(s, sql, q.format);
    } finally {
      await rm(file, { force: true });
    }
  }

  return {
    async start(): Promise<ServerInfo> {
      anchor ??= new Session(options.chdbPath);
      catalog = await admin.withSession(async (s) => {
        await s.queryAsync(`CREATE DATABASE IF NOT EXISTS ${sqlIdentifier(options.defaultDatabase)}`);
        return loadGuardCatalog(s);
      });
      const meta = await readonly.withSession(async (s) => {
        const row = (await s.queryAsync('SELECT version() AS v, timezone() AS tz, displayName() AS dn', { format: 'JSONEachRow' })).json<{ v: string; tz: string; dn: string }>();
        // One row (the session's own result limits apply to this read too).
        const settings = (await s.queryAsync('SELECT groupArray((name, value)) FROM system.settings', { format: 'JSONCompact' })).json<{ data: [[string, string][]][] }>();
        return { row, settings: { data: settings.data[0]![0] } };
      });
      info = {
        version: meta.row.v,
        timezone: meta.row.tz,
        displayName: meta.row.dn,
        readonlySettings: new Map(meta.settings.data.map(([k, v]) => [k, normaliseSetting(v)])),
      };
      return info;
    },

    async run(q: QueryRequest, res: ServerResponse, state: RequestState): Promise<QueryResult> {
      const { user, principal } = q.auth;
      const { database, params, settings, defaultFormat } = q.parameters;
      const { sql, upload, kind, databaseMayBeMissing } = q.statement;
      const outputFormatOf = (guarded: GuardedStatement) => (guarded.kind === 'InsertQuery' ? undefined : outputFormatClause(tokenize(guarded.sql)));

      // Each request's session is tagged, so a client that goes away takes its query with it.
      const tag = `brain-olap-http:${randomUUID()}`;
      const extraArgs = [`--log_comment=${tag}`];
      let running = false;
      let finished = false;
      let gone = false;
      const startRunning = () => {
        if (gone) throw ClickHouseHttpError.of('ABORTED', 'the client went away before its query started');
        running = true;
      };
      res.once('close', () => {
        if (finished || res.writableFinished) return;
        gone = true;
        if (!running) return;
        log?.info({ user: state.userName, queryId: state.queryId }, 'olap http client went away: cancelling its query');
        killQuery(tag).catch((err: unknown) => log?.warn({ err, queryId: state.queryId }, 'olap http: could not cancel the query of a client that went away'));
      });

      try {
        if (user.readonly) {
          checkReadonlySettings(settings, info!.readonlySettings);
          const release = perUser.acquire(principal, user.name);
          try {
            const out = await readonly.withSession(
              async (s) => {
                await EnginePool.prepare(s, { database, params, settings: {} });
                const guarded = await guardStatement(s, sql, { readonly: true, catalog: catalog! });
                state.format = outputFormatOf(guarded) ?? defaultFormat;
                startRunning();
                const result = await EnginePool.execute(s, guarded.sql, state.format);
                checkResultSize(limits, result.bytes.byteLength);
                return result;
              },
              { extraArgs, wait: false },
            );
            return { out, isInsert: false };
          } finally {
            release();
          }
        }
        checkGetIsRead(q.method, kind);
        let isInsert = false;
        const out = await admin.withSession(
          async (s) => {
            await EnginePool.prepare(s, { database, params, settings, databaseMayBeMissing });
            const guarded = await guardStatement(s, sql, { readonly: false, catalog: catalog! });
            isInsert = guarded.kind === 'InsertQuery';
            state.format = outputFormatOf(guarded) ?? defaultFormat;
            // VALUES data is literals only: with expressions, a row could call any function.
            if (guarded.dataFormat?.toLowerCase() === 'values')
              await EnginePool.prepare(s, {
                database,
                params: {},
                settings: { input_format_values_interpret_expressions: '0', input_format_values_deduce_templates_of_expressions: '0' },
                databaseMayBeMissing,
              });
            startRunning();
            return runAdmin(s, { sql: guarded.sql, upload, insertFormatStart: guarded.insertFormatStart, format: state.format });
          },
          { extraArgs },
        );
        return { out, isInsert };
      } finally {
        finished = true;
      }
    },

    async close(): Promise<void> {
      await Promise.all([admin.close(), readonly.close()]);
      anchor?.close();
      anchor = undefined;
    },
  };
}
