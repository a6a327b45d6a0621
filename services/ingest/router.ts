import { isUtf8 } from 'node:buffer';
import { setImmediate as nextTurn } from 'node:timers/promises';
import express, { type Request, type Response } from 'express';
import { FileUploadQuery, SchemaQuery } from '../../contracts/api/ingest.ts';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '../../contracts/errors.ts';
import { EVENT_DEFINITIONS, SOURCE_CONTEXTS, type SourceContext } from '../../contracts/events/index.ts';
import type { IngestReport, RecordOutcome } from '../../contracts/ingest.ts';
import { actorOf, principalOf, type Keyring } from '../auth/keyring.ts';
import { parseQuery } from '../api/parseQuery.ts';
import type { Config } from '../config/config.ts';
import { importStream, type FileFormat } from './files/importFile.ts';
import type { ByteSource } from './files/readers.ts';
import { TEMPLATES } from './files/templates.ts';
import { DEFAULT_INFLATION_LIMITS, type InflationLimits } from './files/zipGuard.ts';
import type { IngestMeta, IngestService } from './ingestService.ts';
import { checkJsonBytes, checkJsonDepth } from './jsonGuard.ts';
import { createReportCollector, createStreamReport, DEFAULT_REPORT_ROWS } from './report.ts';
import { eventJsonSchema, eventsJsonSchema, isEventType } from './schemas.ts';

export interface IngestLimits {
  /** A JSON body (one record or an array), bytes. Default 16 MiB. */
  jsonBytes: number;
  /** A whole NDJSON stream, bytes. Default 1 GiB. */
  ndjsonBytes: number;
  /** One NDJSON line, bytes. Default 1 MiB. */
  lineBytes: number;
  /** An uploaded CSV / XLSX file, bytes. Default 200 MiB. */
  fileBytes: number;
  /** Records per ingest call of a JSON array or a file, and the chunks a stream's report is ordered by. Default 1,000. */
  chunkRecords: number;
  /**
   * Records per ingest call while streaming NDJSON: one store transaction (up to the service's
   * chunkEvents), so fewer syncs and index page writes per record. Default 5,000.
   */
  streamRecords: number;
  /** Bytes of lines held for one such call, whatever their number (memory stays bounded). Default 16 MiB. */
  streamBytes: number;
  /** Nesting depth of a JSON body or NDJSON line. Default 64 (records nest a few levels). */
  jsonDepth: number;
  /** Rows a report lists in full, each of rejected and of stored ones; the rest are counted. Default 1,000. */
  reportRows: number;
  /** File uploads imported at once; more get 429 (each may hold its file, an XLSX whole). Default 2. */
  concurrentFiles: number;
  /** How far an uploaded XLSX may inflate (zip-bomb guard). */
  xlsxInflation: InflationLimits;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  jsonBytes: 16 * 1024 * 1024,
  ndjsonBytes: 1024 * 1024 * 1024,
  lineBytes: 1024 * 1024,
  fileBytes: 200 * 1024 * 1024,
  chunkRecords: 1000,
  streamRecords: 5000,
  streamBytes: 16 * 1024 * 1024,
  jsonDepth: 64,
  reportRows: DEFAULT_REPORT_ROWS,
  concurrentFiles: 2,
  xlsxInflation: DEFAULT_INFLATION_LIMITS,
};

/** The limits the config sets (INGEST_*). */
export function ingestLimitsOf(config: Config): IngestLimits {
  return {
    ...DEFAULT_INGEST_LIMITS,
    jsonBytes: config.INGEST_JSON_BYTES,
    ndjsonBytes: config.INGEST_NDJSON_BYTES,
    lineBytes: config.INGEST_LINE_BYTES,
    fileBytes: config.INGEST_FILE_BYTES,
    jsonDepth: config.INGEST_JSON_DEPTH,
    reportRows: config.INGEST_REPORT_ROWS,
    concurrentFiles: config.INGEST_CONCURRENT_FILES,
    xlsxInflation: { ...DEFAULT_INFLATION_LIMITS, totalBytes: config.INGEST_XLSX_INFLATED_BYTES, ratio: config.INGEST_XLSX_RATIO },
  };
}

export interface IngestRouterDeps {
  ingest: IngestService;
  keyring: Keyring;
  limits?: Partial<IngestLimits>;
}

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

/** The shape body-parser gives its 413, so the one problem middleware words every 413 alike. */
function payloadTooLarge(limit: number, what: string): Error {
  return Object.assign(new Error(`${what} exceeds ${limit} bytes`), { status: 413, statusCode: 413, expose: true, type: 'entity.too.large', limit });
}

/** A single record's rejection as the error its HTTP status stands for (400 / 422 / 409). */
function singleRejection(outcome: Extract<RecordOutcome, { status: 'rejected' }>): Error {
  const detail = outcome.issues.map((i) => `${i.field}: ${i.reason}`).join('; ');
  switch (outcome.code) {
    case 'conflict':
      return new ConflictError(detail, undefined, outcome.issues[0]?.value);
    case 'illegal-state':
      return new IllegalStateError(detail, outcome.issues);
    case 'validation':
    case undefined:
      return new ValidationError(detail, outcome.issues);
    default: {
      const never: never = outcome.code;
      return new Error(`unknown rejection code ${String(never)}`);
    }
  }
}

/** An http-errors shaped 4xx, so the one problem middleware words it. */
function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true });
}

/**
 * Request bytes, counted against a limit as they arrive (a declared Content-Length over it is
 * refused before reading). A client that goes away ends the read with a 400 (nobody sees it) rather
 * than an error event; reading that stops early does not destroy the socket, so the answer (413,
 * a refused header) still reaches the sender, with `Connection: close`.
 */
async function* limitedBody(req: Request, limit: number, what: string): ByteSource {
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(limit, what);
  let bytes = 0;
  const chunks = req.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer>;
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await chunks.next();
    } catch (err) {
      throw Object.assign(httpError(400, `请求中断: ${(err as Error).message}`), { type: 'request.aborted', cause: err });
    }
    if (next.done) return;
    bytes += next.value.length;
    if (bytes > limit) throw payloadTooLarge(limit, what);
    yield next.value;
  }
}

/**
 * NDJSON, split into lines as bytes arrive and ingested in runs: never held whole in memory.
 * Each line is checked (UTF-8, depth) and parsed on its own; a bad line is that row's rejection.
 * A run is up to `streamRecords` records (one store transaction, fewer syncs per record) or
 * `streamBytes` of lines; the report is the one chunks of `chunkRecords` give (createStreamReport).
 */
async function ingestNdjson(req: Request, ingest: IngestService, meta: IngestMeta, limits: IngestLimits): Promise<IngestReport> {
  const stream = createStreamReport({ detailRows: limits.reportRows, chunkRecords: limits.chunkRecords });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer = Buffer.alloc(0);
  let line = 0;
  let records: unknown[] = [];
  let rows: number[] = [];
  let heldBytes = 0;
  let sent = 0;
  const due = (): boolean =>
    records.length >= limits.streamRecords || heldBytes >= limits.streamBytes || (records.length > 0 && stream.held >= limits.chunkRecords);
  const flush = async (): Promise<void> => {
    if (records.length === 0) return;
    stream.decided(await ingest.ingest(records, { ...meta, rows }));
    sent += records.length;
    records = [];
    rows = [];
    heldBytes = 0;
    // Ingest resolves in microtasks: let the status page, the API and the projections run.
    await nextTurn();
  };
  const refuse = (err: unknown): void => {
    const issues = err instanceof ValidationError ? err.issues : [{ field: '(line)', row: line, reason: `JSON 格式错误: ${(err as Error).message}` }];
    stream.reject({ row: line, status: 'rejected', code: 'validation', issues });
  };
  const keep = (text: string, bytes: number): void => {
    if (text.trim() === '') return;
    records.push(JSON.parse(text));
    rows.push(line);
    heldBytes += bytes;
    stream.read();
  };
  /** A line on its own: checked, decoded, parsed. */
  const take = (bytes: Buffer): void => {
    line++;
    try {
      checkJsonBytes(bytes, limits.jsonDepth, line);
      keep(decoder.decode(bytes), bytes.length);
    } catch (err) {
      refuse(err);
    }
  };
  /** A line whose bytes are known to be UTF-8, with its text already decoded. */
  const takeDecoded = (bytes: Buffer, text: string): void => {
    line++;
    try {
      checkJsonDepth(bytes, limits.jsonDepth, line);
      // A leading byte-order mark goes, as `take`'s TextDecoder drops it (files saved on Windows start with one).
      keep(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, bytes.length);
    } catch (err) {
      refuse(err);
    }
  };
  for await (const chunk of limitedBody(req, limits.ndjsonBytes, 'NDJSON body')) {
    // A newline byte never occurs inside a UTF-8 sequence: lines split on bytes are whole characters.
    const buf = pending.length > 0 ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
    // The whole lines of this piece checked and decoded at once (one call each rather than one per
    // line); a piece with a bad byte goes line by line, so the bad line is named as before.
    const last = buf.lastIndexOf(10);
    const text = last >= 0 && isUtf8(buf.subarray(0, last)) ? buf.toString('utf8', 0, last) : undefined;
    let start = 0;
    let at = 0;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
      if (nl - start > limits.lineBytes) throw payloadTooLarge(limits.lineBytes, `NDJSON line ${line + 1}`);
      if (text === undefined) take(buf.subarray(start, nl));
      else {
        let end = text.indexOf('\n', at);
        if (end === -1) end = text.length;
        takeDecoded(buf.subarray(start, nl), text.slice(at, end));
        at = end + 1;
      }
      start = nl + 1;
      if (due()) await flush();
    }
    pending = buf.subarray(start);
    if (pending.length > limits.lineBytes) throw payloadTooLarge(limits.lineBytes, `NDJSON line ${line + 1}`);
  }
  if (pending.length > 0) take(pending);
  stream.finish();
  await flush();
  const report = stream.report();
  if (sent === 0) report.position = (await ingest.ingest([], meta)).position;
  return report;
}

/** A JSON array, ingested a chunk at a time (yielding between) into a capped report. */
async function ingestArray(body: readonly unknown[], ingest: IngestService, meta: IngestMeta, limits: IngestLimits): Promise<IngestReport> {
  const collector = createReportCollector({ detailRows: limits.reportRows });
  if (body.length === 0) collector.add(await ingest.ingest([], meta));
  for (let start = 0; start < body.length; start += limits.chunkRecords) {
    collector.add(await ingest.ingest(body.slice(start, start + limits.chunkRecords), { ...meta, firstRow: start + 1 }));
    await nextTurn();
  }
  return collector.report();
}

function metaOf(req: Request, res: Response, context?: SourceContext): IngestMeta {
  const correlationId = req.get('x-correlation-id');
  return {
    actor: actorOf(principalOf(res)),
    ...(correlationId ? { correlationId: correlationId.slice(0, 128) } : {}),
    ...(context ? { context } : {}),
  };
}

function contextParam(value: unknown): SourceContext {
  const c = String(value);
  if (!(SOURCE_CONTEXTS as readonly string[]).includes(c)) throw new NotFoundError(`没有这个来源上下文: ${c}; 可用: ${SOURCE_CONTEXTS.join(', ')}`);
  return c as SourceContext;
}

/**
 * The ingest API, mounted at `/api/v1/ingest`. Writes need the `ingest` role; the templates and
 * schemas can be read with any key. Errors go to the app's problem-details middleware.
 */
export function createIngestRouter(deps: IngestRouterDeps): express.Router {
  const limits: IngestLimits = { ...DEFAULT_INGEST_LIMITS, ...deps.limits };
  const { ingest, keyring } = deps;
  const router = express.Router();
  const writer = keyring.requireRole('ingest');
  const reader = keyring.requireRole('ingest', 'viewer', 'analyst');
  // verify sees the raw bytes before parsing: invalid UTF-8 was stored as U+FFFD, and depth is refused before JSON.parse.
  const json = express.json({ limit: limits.jsonBytes, strict: true, verify: (_req, _res, buf) => checkJsonBytes(buf, limits.jsonDepth) });
  // body-parser answers a Content-Length over its limit only after reading off the whole body, so a
  // lying 300 MB Content-Length left the sender waiting for ever: refuse the declared length first.
  const declaredJson: express.RequestHandler = (req, _res, next) => {
    const declared = Number(req.get('content-length'));
    next(req.is('application/json') && Number.isFinite(declared) && declared > limits.jsonBytes ? payloadTooLarge(limits.jsonBytes, 'JSON body') : undefined);
  };
  let filesInFlight = 0;

  const records = async (req: Request, res: Response, context?: SourceContext): Promise<void> => {
    const meta = metaOf(req, res, context);
    if (req.is(NDJSON_TYPES)) {
      res.status(200).json(await ingestNdjson(req, ingest, meta, limits));
      return;
    }
    if (!req.is('application/json')) {
      throw new ValidationError('Content-Type 应为 application/json (一条记录或数组) 或 application/x-ndjson (每行一条)', [
        { field: 'Content-Type', reason: '不支持的内容类型', value: req.get('content-type') ?? '' },
      ]);
    }
    const body: unknown = req.body;
    if (Array.isArray(body)) {
      res.status(200).json(await ingestArray(body, ingest, meta, limits));
      return;
    }
    const report = await ingest.ingest([body], meta);
    const outcome = report.results[0]!;
    if (outcome.status === 'rejected') throw singleRejection(outcome);
    res.status(outcome.status === 'accepted' ? 201 : 200).json(report);
  };

  router.post('/records', writer, declaredJson, json, (req, res) => records(req, res));
  router.post('/:context/records', writer, declaredJson, json, (req, res) => records(req, res, contextParam(req.params.context)));

  router.post('/files', writer, async (req, res) => {
    const q = parseQuery(FileUploadQuery, req);
    const format: FileFormat | undefined =
      q.format ?? (req.is(['text/csv', 'application/csv', 'text/plain']) ? 'csv' : req.is(XLSX_MIME) ? 'xlsx' : undefined);
    if (!format) {
      throw new ValidationError(`Content-Type 应为 text/csv 或 ${XLSX_MIME} (或加参数 format=csv|xlsx)`, [
        { field: 'Content-Type', reason: '不支持的文件类型', value: req.get('content-type') ?? '' },
      ]);
    }
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    const template = q.template;
    const document = str(q.document) ?? str(req.get('x-file-name'));
    const batch = str(q.batch);
    if (filesInFlight >= limits.concurrentFiles) {
      res.set('Retry-After', '10');
      throw httpError(429, `同时导入的文件已达上限 (${limits.concurrentFiles} 个), 请稍后重试`);
    }
    const meta = metaOf(req, res);
    filesInFlight++;
    try {
      const report = await importStream(ingest, limitedBody(req, limits.fileBytes, 'file'), format, {
        template,
        actor: meta.actor,
        ...(meta.correlationId ? { correlationId: meta.correlationId } : {}),
        ...(document ? { document } : {}),
        ...(batch ? { batch } : {}),
        chunkRows: limits.chunkRecords,
        reportRows: limits.reportRows,
        xlsxInflation: limits.xlsxInflation,
      });
      res.status(200).json(report);
    } finally {
      filesInFlight--;
    }
  });

  router.get('/templates', reader, (_req, res) => {
    res.json({
      templates: TEMPLATES.map((t) => ({
        name: t.name,
        title: t.title,
        recordType: t.recordType,
        context: EVENT_DEFINITIONS[t.recordType].context,
        system: t.system,
        sender: t.sender,
        description: t.description,
        columns: t.columns.map((c) => ({
          header: c.header,
          aliases: c.aliases ?? [],
          field: c.field ?? null,
          kind: c.kind,
          required: c.required,
          description: c.description,
          example: c.example,
        })),
      })),
    });
  });

  router.get('/schemas', reader, (_req, res) => {
    res.type('application/schema+json').send(JSON.stringify(eventsJsonSchema()));
  });

  router.get('/schemas/:type', reader, (req, res) => {
    const type = String(req.params.type);
    if (!isEventType(type)) throw new NotFoundError(`没有这种事件类型: ${type}`);
    const { as } = parseQuery(SchemaQuery, req);
    res.type('application/schema+json').send(JSON.stringify(eventJsonSchema(type, as)));
  });

  return router;
}
