import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator, type SqlGatewayUser } from './auth.ts';
import { ClickHouseHttpError, fromEngineError } from './clickhouseErrors.ts';
import { createQueryRunner, type RequestState, type ServerInfo, type SqlGatewayLogger } from './queryRunner.ts';
import { parseQueryParameters, readStatement } from './request.ts';
import { ALLOWED_METHODS, writeError, writeNotFound, writeOptions, writePing, writeResult } from './response.ts';
import { DEFAULT_ANALYST_LIMITS, type AnalystLimits } from './sessionPolicy.ts';
import { guardSettingNames } from './statementGuard.ts';

export type { SqlGatewayUser } from './auth.ts';
export type { SqlGatewayLogger } from './queryRunner.ts';
export { DEFAULT_ANALYST_LIMITS, type AnalystLimits } from './sessionPolicy.ts';

export interface SqlGatewayOptions {
  /** chDB data directory: the same path as the platform's own chDB client (one path per process). */
  chdbPath: string;
  /** Database for unqualified names when the request names none (created at listen). */
  defaultDatabase: string;
  users: SqlGatewayUser[];
  log?: SqlGatewayLogger;
  /** Largest request body accepted, after decompression. Default 256 MiB. */
  maxBodyBytes?: number;
  /** Admin queries running at once (more wait in order). Default 2. */
  maxConcurrentPerPool?: number;
  /** Limits of every read-only (analyst) query; see `docs/analyst-guide.md`. */
  analyst?: Partial<AnalystLimits>;
}

export interface SqlGateway {
  /** Starts listening; resolves with the bound port (pass 0 for any free port). */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * ClickHouse's HTTP interface over the embedded engine (chDB), for analysts' tools (DBeaver/JDBC,
 * clickhouse-connect, @clickhouse/client, curl) and for other processes of the platform
 * (OlapClient kind 'clickhouse' pointed at it). This file wires request parsing (request.ts),
 * authentication (auth.ts), session policy (sessionPolicy.ts), running the statement
 * (queryRunner.ts) and response writing (response.ts).
 */
export function createSqlGateway(options: SqlGatewayOptions): SqlGateway {
  const maxBody = options.maxBodyBytes ?? 256 * 1024 * 1024;
  const authenticate = createAuthenticator(options.users);
  const runner = createQueryRunner({
    chdbPath: options.chdbPath,
    defaultDatabase: options.defaultDatabase,
    limits: { ...DEFAULT_ANALYST_LIMITS, ...options.analyst },
    maxConcurrentPerPool: options.maxConcurrentPerPool ?? 2,
    log: options.log,
  });
  let info: ServerInfo | undefined;
  let server: http.Server | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const serverInfo = info!;
    const state: RequestState = { queryId: url.searchParams.get('query_id') || randomUUID(), userName: '', format: 'TabSeparated' };
    try {
      if (method === 'OPTIONS') return writeOptions(res);
      if (!['GET', 'HEAD', 'POST'].includes(method)) {
        res.setHeader('Allow', ALLOWED_METHODS);
        throw ClickHouseHttpError.of('UNSUPPORTED_METHOD', `HTTP method ${method} is not supported: use GET or POST (or HEAD on /ping)`);
      }
      if (url.pathname === '/ping' || url.pathname === '/replicas_status' || (url.pathname === '/' && method !== 'POST' && !url.searchParams.has('query')))
        return writePing(res, method);
      if (url.pathname !== '/') return writeNotFound(res, url.pathname);
      if (method === 'HEAD') {
        res.setHeader('Allow', 'GET, POST');
        throw ClickHouseHttpError.of('UNSUPPORTED_METHOD', 'HTTP method HEAD is not supported with a query: use GET or POST');
      }
      const auth = authenticate(req, url);
      state.userName = auth.user.name;
      const parameters = parseQueryParameters(req, url, options.defaultDatabase);
      guardSettingNames(Object.keys(parameters.settings));
      const statement = await readStatement(req, url, method, maxBody);

      const { out, isInsert } = await runner.run({ method, auth, parameters, statement }, res, state);
      if (res.destroyed) return;
      const elapsedNs = process.hrtime.bigint() - started;
      const bytes = await writeResult(req, res, url, { out, isInsert, elapsedNs, info: serverInfo, state });
      options.log?.debug({ user: state.userName, queryId: state.queryId, format: state.format, bytes, ms: Number(elapsedNs / 1_000_000n) }, 'olap http query');
    } catch (err) {
      const e = fromEngineError(err);
      const status = e.httpStatus;
      const log = options.log;
      if (log) (status >= 500 ? log.error : log.info).call(log, { user: state.userName, queryId: state.queryId, code: e.code, status, err: e.message }, 'olap http query failed');
      writeError(res, e, serverInfo, state);
    }
  }

  return {
    async listen(port: number, host = '127.0.0.1'): Promise<number> {
      info = await runner.start();
      const srv = http.createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
          options.log?.error({ err }, 'olap http handler crashed');
          res.destroy();
        });
      });
      srv.keepAliveTimeout = 10_000;
      server = srv;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, host, () => {
          srv.off('error', reject);
          resolve();
        });
      });
      const bound = (srv.address() as AddressInfo).port;
      options.log?.info({ host, port: bound, version: info.version }, 'ClickHouse HTTP interface of the embedded engine listening');
      return bound;
    },
    async close(): Promise<void> {
      const srv = server;
      server = undefined;
      if (srv) {
        const closed = new Promise<void>((resolve) => srv.close(() => resolve()));
        srv.closeIdleConnections();
        await closed;
      }
      await runner.close();
    },
  };
}
