import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { ClickHouseHttpError } from './clickhouseErrors.ts';
import type { EngineOutput } from './enginePool.ts';
import { BINARY_FORMATS } from './formats.ts';
import type { RequestState, ServerInfo } from './queryRunner.ts';
import { isOn } from './request.ts';

/**
 * Response writing as a ClickHouse server answers: content types by format, the X-ClickHouse-*
 * headers (summary, query id, format, timezone), HTTP compression of results, and errors in
 * ClickHouse's wire format with their HTTP status.
 */

export const ALLOWED_METHODS = 'GET, POST, HEAD, OPTIONS';

const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);
const brotli = promisify(zlib.brotliCompress);

/**
 * A preflight or a probe: say what the interface accepts. No Access-Control-* headers:
 * browsers on other origins are not let in (the platform's CORS stays closed).
 */
export function writeOptions(res: ServerResponse): void {
  res.writeHead(204, { Allow: ALLOWED_METHODS, 'Content-Length': 0 });
  res.end();
}

/** The health answer of /ping, /replicas_status and a bare GET /. */
export function writePing(res: ServerResponse, method: string): void {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': 4 });
  res.end(method === 'HEAD' ? undefined : 'Ok.\n');
}

export function writeNotFound(res: ServerResponse, pathname: string): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' });
  res.end(`There is no handle ${pathname}\n\nUse / or /ping for health checks.\n`);
}

/** Writes a statement's result (compressed when asked); returns the bytes of the body sent. */
export async function writeResult(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  r: { out: EngineOutput; isInsert: boolean; elapsedNs: bigint; info: ServerInfo; state: RequestState },
): Promise<number> {
  const { out, isInsert, info, state } = r;
  const summary = {
    read_rows: String(isInsert ? 0 : out.rowsRead),
    read_bytes: String(isInsert ? 0 : out.bytesRead),
    written_rows: String(isInsert ? out.rowsRead : 0),
    written_bytes: String(isInsert ? out.bytesRead : 0),
    total_rows_to_read: String(isInsert ? 0 : out.rowsRead),
    result_rows: String(isInsert ? out.rowsRead : 0),
    result_bytes: String(isInsert ? out.bytesRead : 0),
    elapsed_ns: String(r.elapsedNs),
  };
  let payload: Buffer = Buffer.from(out.bytes.buffer, out.bytes.byteOffset, out.bytes.byteLength);
  const headers: Record<string, string | number> = {
    'Content-Type': contentType(state.format),
    'X-ClickHouse-Server-Display-Name': info.displayName,
    'X-ClickHouse-Query-Id': state.queryId,
    'X-ClickHouse-Format': state.format,
    'X-ClickHouse-Timezone': info.timezone,
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
  return payload.length;
}

/** Writes an error in ClickHouse's format; a response already under way is cut instead. */
export function writeError(res: ServerResponse, e: ClickHouseHttpError, info: ServerInfo, state: RequestState): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = e.body(info.version);
  res.writeHead(e.httpStatus, {
    'Content-Type': 'text/plain; charset=UTF-8',
    'X-ClickHouse-Server-Display-Name': info.displayName,
    'X-ClickHouse-Query-Id': state.queryId,
    'X-ClickHouse-Format': state.format,
    'X-ClickHouse-Timezone': info.timezone,
    'X-ClickHouse-Exception-Code': String(e.code),
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
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
