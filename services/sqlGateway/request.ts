import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { ClickHouseHttpError } from './clickhouseErrors.ts';
import { BINARY_FORMATS } from './formats.ts';
import { decodeLz4Frames } from './lz4Frame.ts';
import { insertFormatClause, leadingKeyword, tokenize } from './sqlText.ts';

/**
 * Request parsing: what a ClickHouse HTTP request asks for, read from its URL parameters, headers
 * and (decompressed) body. Nothing here decides who may do what (auth.ts, sessionPolicy.ts).
 */

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

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const unbrotli = promisify(zlib.brotliDecompress);

/** What the URL and headers of a query request say, before its body is read. */
export interface QueryParameters {
  /** `{name:Type}` bindings (`param_<name>`). */
  params: Record<string, string>;
  /** Every other parameter that is not the HTTP layer's own: an engine setting. */
  settings: Record<string, string>;
  /** Current database for unqualified names. */
  database: string;
  /** Output format when the statement has no FORMAT clause. */
  defaultFormat: string;
}

/** Reads the parameters of a query request; refuses ClickHouse's native block compression. */
export function parseQueryParameters(req: IncomingMessage, url: URL, defaultDatabase: string): QueryParameters {
  if (isOn(url.searchParams.get('compress')) || isOn(url.searchParams.get('decompress')))
    throw ClickHouseHttpError.of('NOT_IMPLEMENTED', 'ClickHouse native block compression (compress=1 / decompress=1) is not supported by the embedded engine; use HTTP compression (enable_http_compression=1 with Accept-Encoding: gzip), e.g. compress=false in JDBC');
  const params: Record<string, string> = {};
  const settings: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key.startsWith('param_')) params[key.slice('param_'.length)] = value;
    else if (!HTTP_PARAMS.has(key)) settings[key] = value;
  }
  const database = url.searchParams.get('database') || headerValue(req, 'x-clickhouse-database') || defaultDatabase;
  const defaultFormat = url.searchParams.get('default_format') || headerValue(req, 'x-clickhouse-format') || 'TabSeparated';
  return { params, settings, database, defaultFormat };
}

/** The statement of a request: from `query=`, the body, or both (the body then follows the query). */
export interface QueryStatement {
  sql: string;
  /** Binary insert data (Native, Parquet …), kept out of the SQL text. */
  upload?: Buffer;
  /** The statement's first keyword (for the GET rule). */
  kind: string;
  /** CREATE DATABASE: the request's current database may not exist yet. */
  databaseMayBeMissing: boolean;
}

/** Reads the body (POST only, decompressed, at most `maxBodyBytes`) and assembles the statement. */
export async function readStatement(req: IncomingMessage, url: URL, method: string, maxBodyBytes: number): Promise<QueryStatement> {
  const body = method === 'POST' ? await readBody(req, maxBodyBytes) : Buffer.alloc(0);
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
  return { sql, upload, kind, databaseMayBeMissing };
}

export function isOn(v: string | null): boolean {
  return v !== null && ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
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
