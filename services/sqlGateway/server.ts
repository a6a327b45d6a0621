import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Session } from 'chdb';
import { ClickHouseHttpError, fromEngineError } from './clickhouseErrors.ts';
import { EnginePool, type EngineOutput } from './enginePool.ts';
import { decodeLz4Frames } from './lz4Frame.ts';
import { READ_STATEMENTS } from './readonlyGate.ts';
import { insertFormatClause, leadingKeyword, outputFormatClause, sqlIdentifier, sqlString, tokenize } from './sqlText.ts';
import { guardSettingNames, guardStatement, loadGuardCatalog, type GuardCatalog, type GuardedStatement } from './statementGuard.ts';

export interface OlapHttpUser {
  name: string;
  /** The password in clear (development keys), or … */
  password?: string;
  /** … the SHA-256 hex digests of the accepted passwords (API keys files store only hashes). */
  passwordSha256?: readonly string[];
  /** Read-only users run on sessions opened with `--readonly=1`. */
  readonly: boolean;
}

/** The subset of a pino logger the server uses. */
export interface OlapHttpLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface OlapHttpServerOptions {
  /** chDB data directory: the same path as the platform's own chDB client (one path per process). */
  chdbPath: string;
  /** Database for unqualified names when the request names none (created at listen). */
  defaultDatabase: string;
  users: OlapHttpUser[];
  log?: OlapHttpLogger;
  /** Largest request body accepted, after decompression. Default 256 MiB. */
  maxBodyBytes?: number;
  /** Admin queries running at once (more wait in order). Default 2. */
  maxConcurrentPerPool?: number;
  /** Limits of every read-only (analyst) query; see `docs/analyst-guide.md`. */
  analyst?: Partial<AnalystLimits>;
}

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

export interface OlapHttpServer {
  /** Starts listening; resolves with the bound port (pass 0 for any free port). */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * URL parameters that belong to the HTTP layer (or are answered here), not engine settings.
 * Read-only users may send these; everything else is a setting and must not change anything.
 */
const HTTP_PARAMS = new Set([
  'query', 'database', 'default_format', 'user', 'password', 'query_id', 'session_id', 'session_timeout', 'session_check',
  'close_session', 'compress', 'decompress', 'quota_key', 'stacktrace', 'role', 'client_protocol_version', 'buffer_size',
  'wait_end_of_query', 'enable_http_compression', 'http_zlib_compression_level', 'send_progress_in_http_headers',
  'http_headers_progress_interval_ms', 'http_wait_end_of_query', 'http_response_buffer_size', 'cancel_http_readonly_queries_on_client_close',
  'http_native_compression_disable_checksumming_on_decompress', 'extremes_in_headers',
]);

const ALLOWED_METHODS = 'GET, POST, HEAD, OPTIONS';

/** Insert formats whose data is not text: sent to the engine as a file (FROM INFILE), not as SQL text. */
const BINARY_FORMATS = new Set([
  'Native', 'RowBinary', 'RowBinaryWithNames', 'RowBinaryWithNamesAndTypes', 'RowBinaryWithDefaults', 'Parquet', 'Arrow',
  'ArrowStream', 'ORC', 'Avro', 'MsgPack', 'Protobuf', 'ProtobufSingle', 'ProtobufList', 'CapnProto', 'BSONEachRow', 'Npy',
]);

const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);
const brotli = promisify(zlib.brotliCompress);
const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const unbrotli = promisify(zlib.brotliDecompress);

interface ServerInfo {
  version: string;
  timezone: string;
  displayName: string;
  /** Current values of every setting on a read-only session (a read-only user may restate them). */
  readonlySettings: Map<string, string>;
}

/**
 * ClickHouse's HTTP interface over the embedded engine (chDB), for analysts' tools (DBeaver/JDBC,
 * clickhouse-connect, @clickhouse/client, curl) and for other processes of the platform
 * (OlapClient kind 'clickhouse' pointed at it). Read-only users run on sessions opened with
 * `--readonly=1`; admin runs on ordinary sessions of the same data path.
 */
export function createOlapHttpServer(options: OlapHttpServerOptions): OlapHttpServer {
  const maxBody = options.maxBodyBytes ?? 256 * 1024 * 1024;
  const perPool = options.maxConcurrentPerPool ?? 2;
  const limits: AnalystLimits = { ...DEFAULT_ANALYST_LIMITS, ...options.analyst };
  const admin = new EnginePool(options.chdbPath, undefined, perPool);
  const readonly = new EnginePool(
    options.chdbPath,
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
  );
  /** Read-only queries running per principal (user and key). */
  const runningPerPrincipal = new Map<string, number>();
  const users = new Map(
    options.users.map((u) => [
      u.name,
      { ...u, digests: [...(u.password !== undefined ? [sha256(u.password)] : []), ...(u.passwordSha256 ?? []).map((h) => Buffer.from(h, 'hex'))] },
    ]),
  );
  let info: ServerInfo | undefined;
  let catalog: GuardCatalog | undefined;
  let server: http.Server | undefined;
  // chDB shuts its engine down when the last session on a path closes and boots it again (~40 ms)
  // on the next one; one idle session held for the server's lifetime keeps per-request sessions cheap.
  let anchor: Session | undefined;

  async function start(): Promise<ServerInfo> {
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
    return {
      version: meta.row.v,
      timezone: meta.row.tz,
      displayName: meta.row.dn,
      readonlySettings: new Map(meta.settings.data.map(([k, v]) => [k, normaliseSetting(v)])),
    };
  }

  /** The user and which of its keys was presented (`name#index`: the unit of the per-user limit). */
  function authenticate(req: IncomingMessage, url: URL): { user: OlapHttpUser; principal: string } {
    let name = 'default';
    let password = '';
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      name = colon < 0 ? decoded : decoded.slice(0, colon);
      password = colon < 0 ? '' : decoded.slice(colon + 1);
    } else if (req.headers['x-clickhouse-user'] !== undefined) {
      name = String(req.headers['x-clickhouse-user']);
      password = String(req.headers['x-clickhouse-key'] ?? '');
    } else if (url.searchParams.has('user')) {
      name = url.searchParams.get('user') ?? '';
      password = url.searchParams.get('password') ?? '';
    }
    const user = users.get(name);
    const presented = sha256(password);
    // Compare digests so the time taken says nothing about the password's length or prefix.
    // Every digest is compared (no early exit), so the time taken says nothing about which key matched.
    const matches = user ? user.digests.map((d) => d.length === presented.length && timingSafeEqual(d, presented)) : [];
    const index = matches.indexOf(true);
    if (!user || index < 0)
      throw ClickHouseHttpError.of('AUTHENTICATION_FAILED', `${name}: Authentication failed: password is incorrect, or there is no user with such name`);
    return { user, principal: `${user.name}#${index}` };
  }

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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const queryId = url.searchParams.get('query_id') || randomUUID();
    const method = req.method ?? 'GET';
    const serverInfo = info!;
    let format = 'TabSeparated';
    let userName = '';
    try {
      if (method === 'OPTIONS') {
        // A preflight or a probe: say what the interface accepts. No Access-Control-* headers:
        // browsers on other origins are not let in (the platform's CORS stays closed).
        res.writeHead(204, { Allow: ALLOWED_METHODS, 'Content-Length': 0 });
        res.end();
        return;
      }
      if (!['GET', 'HEAD', 'POST'].includes(method)) {
        res.setHeader('Allow', ALLOWED_METHODS);
        throw ClickHouseHttpError.of('UNSUPPORTED_METHOD', `HTTP method ${method} is not supported: use GET or POST (or HEAD on /ping)`);
      }
      if (url.pathname === '/ping' || url.pathname === '/replicas_status' || (url.pathname === '/' && method !== 'POST' && !url.searchParams.has('query'))) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': 4 });
        res.end(method === 'HEAD' ? undefined : 'Ok.\n');
        return;
      }
      if (url.pathname !== '/') {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' });
        res.end(`There is no handle ${url.pathname}\n\nUse / or /ping for health checks.\n`);
        return;
      }
      if (method === 'HEAD') {
        res.setHeader('Allow', 'GET, POST');
        throw ClickHouseHttpError.of('UNSUPPORTED_METHOD', 'HTTP method HEAD is not supported with a query: use GET or POST');
      }
      const { user, principal } = authenticate(req, url);
      userName = user.name;

      if (isOn(url.searchParams.get('compress')) || isOn(url.searchParams.get('decompress')))
        throw ClickHouseHttpError.of('NOT_IMPLEMENTED', 'ClickHouse native block compression (compress=1 / decompress=1) is not supported by the embedded engine; use HTTP compression (enable_http_compression=1 with Accept-Encoding: gzip), e.g. compress=false in JDBC');

      const params: Record<string, string> = {};
      const settings: Record<string, string> = {};
      for (const [key, value] of url.searchParams) {
        if (key.startsWith('param_')) params[key.slice('param_'.length)] = value;
        else if (!HTTP_PARAMS.has(key)) settings[key] = value;
      }
      guardSettingNames(Object.keys(settings));
      const database = url.searchParams.get('database') || headerValue(req, 'x-clickhouse-database') || options.defaultDatabase;
      const defaultFormat = url.searchParams.get('default_format') || headerValue(req, 'x-clickhouse-format') || 'TabSeparated';

      const body = method === 'POST' ? await readBody(req, maxBody) : Buffer.alloc(0);
      const queryParam = url.searchParams.get('query') ?? '';
      let sql: string;
      let upload: Buffer | undefined;
      const statementTokens = tokenize(queryParam);
      const insertFormat = insertFormatClause(statementTokens);
      if (queryParam && body.length > 0 && insertFormat && BINARY_FORMATS.has(insertFormat.format)) {
        sql = queryParam;
        upload = body;
      } else if (queryParam) {
        sql = body.length > 0 ? `${queryParam}\n${body.toString('utf8')}` : queryParam;
      } else {
        sql = body.toString('utf8');
      }
      if (sql.trim() === '') throw ClickHouseHttpError.of('SYNTAX_ERROR', 'Empty query');

      // The first words only, for the GET rule and CREATE DATABASE; every decision about what
      // the statement does is taken on the engine's parse of all of it (statementGuard.ts).
      const tokens = queryParam ? statementTokens : tokenize(sql.slice(0, 4096));
      const kind = leadingKeyword(tokens);
      const databaseMayBeMissing = kind === 'CREATE' && tokens[1]?.kind === 'word' && tokens[1].value.toUpperCase() === 'DATABASE';
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
        options.log?.info({ user: userName, queryId }, 'olap http client went away: cancelling its query');
        killQuery(tag).catch((err: unknown) => options.log?.warn({ err, queryId }, 'olap http: could not cancel the query of a client that went away'));
      });

      let out: EngineOutput;
      let isInsert = false;
      try {
        if (user.readonly) {
          for (const [name, value] of Object.entries(settings)) {
            const current = serverInfo.readonlySettings.get(name);
            if (current === undefined) throw ClickHouseHttpError.of('UNKNOWN_SETTING', `Unknown setting '${name}'`);
            // A server lets a read-only user restate a setting's current value; clients send a few.
            if (current !== normaliseSetting(value)) throw ClickHouseHttpError.of('READONLY', `Cannot modify '${name}' setting in readonly mode`);
          }
          const mine = runningPerPrincipal.get(principal) ?? 0;
          if (mine >= limits.concurrentQueriesPerUser)
            throw ClickHouseHttpError.of('TOO_MANY_SIMULTANEOUS_QUERIES', `Too many simultaneous queries for user ${user.name}. Maximum: ${limits.concurrentQueriesPerUser}; try again when one of your running queries has finished`);
          runningPerPrincipal.set(principal, mine + 1);
          try {
            out = await readonly.withSession(
              async (s) => {
                await EnginePool.prepare(s, { database, params, settings: {} });
                const guarded = await guardStatement(s, sql, { readonly: true, catalog: catalog! });
                format = outputFormatOf(guarded) ?? defaultFormat;
                startRunning();
                const result = await EnginePool.execute(s, guarded.sql, format);
                // chDB's local mode does not enforce max_result_bytes (measured on chDB 3.4: a
                // 100 KB cap let 196 MB through), so the size of the answer is checked here.
                if (limits.maxResultBytes > 0 && result.bytes.byteLength > limits.maxResultBytes)
                  throw ClickHouseHttpError.of(
                    'TOO_MANY_ROWS_OR_BYTES',
                    `Limit for result exceeded, max bytes: ${limits.maxResultBytes}, current bytes: ${result.bytes.byteLength} (OLAP_ANALYST_MAX_RESULT_BYTES)`,
                  );
                return result;
              },
              { extraArgs, wait: false },
            );
          } finally {
            const left = (runningPerPrincipal.get(principal) ?? 1) - 1;
            if (left > 0) runningPerPrincipal.set(principal, left);
            else runningPerPrincipal.delete(principal);
          }
        } else {
          if (method === 'GET' && !READ_STATEMENTS.has(kind))
            throw ClickHouseHttpError.of('READONLY', 'Cannot execute query in readonly mode. For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries');
          out = await admin.withSession(
            async (s) => {
              await EnginePool.prepare(s, { database, params, settings, databaseMayBeMissing });
              const guarded = await guardStatement(s, sql, { readonly: false, catalog: catalog! });
              isInsert = guarded.kind === 'InsertQuery';
              format = outputFormatOf(guarded) ?? defaultFormat;
              // VALUES data is literals only: with expressions, a row could call any function.
              if (guarded.dataFormat?.toLowerCase() === 'values')
                await EnginePool.prepare(s, {
                  database,
                  params: {},
                  settings: { input_format_values_interpret_expressions: '0', input_format_values_deduce_templates_of_expressions: '0' },
                  databaseMayBeMissing,
                });
              startRunning();
              return runAdmin(s, { sql: guarded.sql, upload, insertFormatStart: guarded.insertFormatStart, format });
            },
            { extraArgs },
          );
        }
      } finally {
        finished = true;
      }

      if (res.destroyed) return;
      const elapsedNs = process.hrtime.bigint() - started;
      const summary = {
        read_rows: String(isInsert ? 0 : out.rowsRead),
        read_bytes: String(isInsert ? 0 : out.bytesRead),
        written_rows: String(isInsert ? out.rowsRead : 0),
        written_bytes: String(isInsert ? out.bytesRead : 0),
        total_rows_to_read: String(isInsert ? 0 : out.rowsRead),
        result_rows: String(isInsert ? out.rowsRead : 0),
        result_bytes: String(isInsert ? out.bytesRead : 0),
        elapsed_ns: String(elapsedNs),
      };
      let payload: Buffer = Buffer.from(out.bytes.buffer, out.bytes.byteOffset, out.bytes.byteLength);
      const headers: Record<string, string | number> = {
        'Content-Type': contentType(format),
        'X-ClickHouse-Server-Display-Name': serverInfo.displayName,
        'X-ClickHouse-Query-Id': queryId,
        'X-ClickHouse-Format': format,
        'X-ClickHouse-Timezone': serverInfo.timezone,
        'X-ClickHouse-Summary': JSON.stringify(summary),
      };
      const encoding = isOn(url.searchParams.get('enable_http_compression')) ? pickEncoding(req.headers['accept-encoding']) : undefined;
      if (encoding) {
        const level = Number(url.searchParams.get('http_zlib_compression_level') ?? '3');
        payload = await compress(payload, encoding, Number.isInteger(level) ? level : 3);
        headers['Content-Encoding'] = encoding;
        headers.Vary = 'Accept-Encoding';
      }
      headers['Content-Length'] = payload.length;
      res.writeHead(200, headers);
      res.end(payload);
      options.log?.debug({ user: userName, queryId, format, bytes: payload.length, ms: Number(elapsedNs / 1_000_000n) }, 'olap http query');
    } catch (err) {
      const e = fromEngineError(err);
      const status = e.httpStatus;
      const log = options.log;
      if (log) (status >= 500 ? log.error : log.info).call(log, { user: userName, queryId, code: e.code, status, err: e.message }, 'olap http query failed');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const text = e.body(serverInfo.version);
      res.writeHead(status, {
        'Content-Type': 'text/plain; charset=UTF-8',
        'X-ClickHouse-Server-Display-Name': serverInfo.displayName,
        'X-ClickHouse-Query-Id': queryId,
        'X-ClickHouse-Format': format,
        'X-ClickHouse-Timezone': serverInfo.timezone,
        'X-ClickHouse-Exception-Code': String(e.code),
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
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
    async listen(port: number, host = '127.0.0.1'): Promise<number> {
      info = await start();
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
      await Promise.all([admin.close(), readonly.close()]);
      anchor?.close();
      anchor = undefined;
    },
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function isOn(v: string | null): boolean {
  return v !== null && ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());
}

function normaliseSetting(v: string): string {
  const s = v.trim().toLowerCase();
  if (s === 'true') return '1';
  if (s === 'false') return '0';
  return s;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw ClickHouseHttpError.of('QUERY_IS_TOO_LARGE', `Request body is larger than ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  const encoding = (headerValue(req, 'content-encoding') ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return raw;
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return await gunzip(raw, { maxOutputLength: max });
    if (encoding === 'deflate') return await inflate(raw, { maxOutputLength: max });
    if (encoding === 'br') return await unbrotli(raw, { maxOutputLength: max });
    if (encoding === 'lz4') return decodeLz4Frames(raw, max);
  } catch (err) {
    throw ClickHouseHttpError.of('CANNOT_DECOMPRESS', `Cannot decompress the request body (${encoding}): ${(err as Error).message}`);
  }
  throw ClickHouseHttpError.of('UNKNOWN_COMPRESSION_METHOD', `Unknown HTTP compression method '${encoding}': supported are gzip, deflate, br, lz4`);
}

type Encoding = 'gzip' | 'deflate' | 'br';

function pickEncoding(header: string | undefined): Encoding | undefined {
  const offered = (header ?? '').split(',').map((p) => p.split(';')[0]!.trim().toLowerCase());
  return (['gzip', 'br', 'deflate'] as const).find((e) => offered.includes(e));
}

async function compress(data: Buffer, encoding: Encoding, level: number): Promise<Buffer> {
  if (encoding === 'gzip') return gzip(data, { level });
  if (encoding === 'deflate') return deflate(data, { level });
  return brotli(data);
}

function contentType(format: string): string {
  const f = format.toLowerCase();
  if (f.startsWith('tabseparated') || f.startsWith('tsv')) return 'text/tab-separated-values; charset=UTF-8';
  if (f.startsWith('csv')) return `text/csv; charset=UTF-8; header=${f.includes('withnames') ? 'present' : 'absent'}`;
  if (f.startsWith('json') || f === 'ndjson') return 'application/json; charset=UTF-8';
  if (f === 'xml') return 'application/xml; charset=UTF-8';
  if (BINARY_FORMATS.has(format) || f.startsWith('rowbinary')) return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}
