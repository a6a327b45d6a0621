import { createReadStream } from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ValidationError, type FieldIssue } from '../../../contracts/errors.ts';
import type { IngestReport } from '../../../contracts/ingest.ts';
import type { IngestService } from '../ingestService.ts';
import { createReportCollector } from '../report.ts';
import { coerceCell, setPath } from './coerce.ts';
import { csvRows, xlsxRows, type ByteSource, type SheetRow } from './readers.ts';
import { normaliseHeader, templateByName, TEMPLATES, type FileTemplate, type TemplateColumn } from './templates.ts';
import type { InflationLimits } from './zipGuard.ts';

export type FileFormat = 'csv' | 'xlsx';

export interface FileImportOptions {
  /** Template name (see TEMPLATES / GET /api/v1/ingest/templates). */
  template: string;
  actor: string;
  /** File name or document number, recorded as `source.document`. */
  document?: string;
  batch?: string;
  unit?: string;
  correlationId?: string;
  /** Rows per ingest call (default 1,000). */
  chunkRows?: number;
  /** Called after every chunk with the data rows done and, when known, the total. */
  onProgress?: (done: number, total?: number) => void;
  /** Data rows expected, when the caller knows (for the progress total). */
  totalRows?: number;
  /** Rows the report lists in full, each of rejected and of stored ones (default 1,000); the rest are counted. */
  reportRows?: number;
  /** How far an XLSX may inflate (zip-bomb guard); default DEFAULT_INFLATION_LIMITS. */
  xlsxInflation?: InflationLimits;
}

function templateOrThrow(name: string): FileTemplate {
  const t = templateByName(name);
  if (!t) {
    throw new ValidationError(`未知的模板 "${name}"; 可用模板: ${TEMPLATES.map((x) => x.name).join(', ')}`, [
      { field: 'template', reason: '未知的模板', value: name },
    ]);
  }
  return t;
}

/** Header cells → the template column of each position; refuses a file missing a required column. */
function mapHeader(template: FileTemplate, header: SheetRow): (TemplateColumn | undefined)[] {
  const lookup = new Map<string, TemplateColumn>();
  for (const col of template.columns) {
    for (const h of [col.header, ...(col.aliases ?? [])]) {
      const n = normaliseHeader(h);
      lookup.set(n, col);
      // Also match the header without its unit: 注册资本(万元) ~ 注册资本.
      lookup.set(n.replace(/\([^)]*\)$/, ''), col);
    }
  }
  const columns = header.cells.map((c) => {
    const n = normaliseHeader(String(c ?? ''));
    return lookup.get(n) ?? lookup.get(n.replace(/\([^)]*\)$/, ''));
  });
  // Two columns for one field (the same header twice, or a header and its alias): the last one
  // silently won. Refuse, naming both headers.
  const seen = new Map<string, string>();
  header.cells.forEach((c, i) => {
    const text = String(c ?? '').trim();
    if (text === '') return;
    const key = columns[i] ? `col:${columns[i]!.header}` : `text:${normaliseHeader(text)}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const what = first === text ? `列 "${text}" 出现了两次` : `列 "${first}" 与 "${text}" 是同一字段`;
      throw new ValidationError(`表头重复: ${what} (第 ${header.row} 行); 请删除多余的列`, [{ field: text, row: header.row, reason: `表头重复: ${what}`, value: text }]);
    }
    seen.set(key, text);
  });
  const missing = template.columns.filter((c) => c.required && !columns.includes(c));
  if (missing.length > 0) {
    throw new ValidationError(
      `文件缺少模板 "${template.name}" (${template.title}) 的必需列: ${missing.map((c) => c.header).join('、')}`,
      missing.map((c) => ({ field: c.header, row: header.row, reason: '缺少必需列' })),
    );
  }
  return columns;
}

/**
 * Imports spreadsheet rows (header first) through a template into the ingest service, chunk by
 * chunk. Issues name the column header as the field, and the spreadsheet row number.
 */
export async function importRows(ingest: IngestService, rows: AsyncIterable<SheetRow>, options: FileImportOptions): Promise<IngestReport> {
  const template = templateOrThrow(options.template);
  const chunkRows = options.chunkRows ?? 1000;
  const source = {
    system: template.system,
    ...(options.document ? { document: options.document } : {}),
    ...(options.batch ? { batch: options.batch } : {}),
    ...(options.unit ? { unit: options.unit } : {}),
  };
  const headerOf = new Map<string, string>(template.columns.filter((c) => c.field).map((c) => [`data.${c.field}`, c.header]));
  const relabel = (issues: FieldIssue[]): FieldIssue[] => issues.map((i) => ({ ...i, field: headerOf.get(i.field) ?? i.field }));

  const collector = createReportCollector({ detailRows: options.reportRows });
  let columns: (TemplateColumn | undefined)[] | undefined;
  let records: unknown[] = [];
  let rowNumbers: number[] = [];
  let done = 0;

  const flush = async (): Promise<void> => {
    if (records.length === 0) return;
    const part = await ingest.ingest(records, { actor: options.actor, rows: rowNumbers, ...(options.correlationId ? { correlationId: options.correlationId } : {}) });
    for (const r of part.results) if (r.status === 'rejected') r.issues = relabel(r.issues);
    collector.add(part);
    done += records.length;
    records = [];
    rowNumbers = [];
    options.onProgress?.(done, options.totalRows);
    // Ingest resolves in microtasks: let the status page, the API and the projections run between chunks.
    await nextTurn();
  };

  for await (const row of rows) {
    if (!columns) {
      columns = mapHeader(template, row);
      continue;
    }
    const data: Record<string, unknown> = {};
    let empty = true;
    row.cells.forEach((cell, i) => {
      const col = columns![i];
      if (!col?.field) return;
      const value = coerceCell(cell, col.kind);
      if (value === undefined) return;
      empty = false;
      setPath(data, col.field, value);
    });
    if (empty) continue;
    records.push({ type: template.recordType, source, data });
    rowNumbers.push(row.row);
    if (records.length >= chunkRows) await flush();
  }
  if (!columns) throw new ValidationError('文件是空的: 第 1 行应为表头', [{ field: '(file)', row: 1, reason: '没有表头' }]);
  await flush();
  options.onProgress?.(done, done);
  const report = collector.report();
  if (report.received === 0) {
    const head = await ingest.ingest([], { actor: options.actor });
    report.position = head.position;
  }
  return report;
}

/** Imports a CSV or XLSX byte stream (e.g. an HTTP request body). */
export function importStream(ingest: IngestService, source: ByteSource, format: FileFormat, options: FileImportOptions): Promise<IngestReport> {
  return importRows(ingest, format === 'csv' ? csvRows(source) : xlsxRows(source, options.xlsxInflation ? { inflation: options.xlsxInflation } : {}), options);
}

/** The format of a file by its extension. */
export function formatOf(file: string): FileFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  throw new ValidationError(`不支持的文件类型 "${ext}": 请使用 .csv 或 .xlsx`, [{ field: 'file', reason: '不支持的文件类型', value: file }]);
}

/** Counts line breaks: an upper bound of a CSV's records, good enough for a progress total. */
async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(file)) {
    const buf = chunk as Buffer;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  }
  return n;
}

/** Imports a file from disk (the CLI); the document defaults to the file's name. */
export async function importFile(ingest: IngestService, file: string, options: FileImportOptions & { format?: FileFormat }): Promise<IngestReport> {
  const format = options.format ?? formatOf(file);
  const totalRows = options.totalRows ?? (format === 'csv' && options.onProgress ? Math.max(0, (await countLines(file)) - 1) : undefined);
  return importStream(ingest, createReadStream(file), format, {
    document: path.basename(file),
    ...options,
    ...(totalRows !== undefined ? { totalRows } : {}),
  });
}
