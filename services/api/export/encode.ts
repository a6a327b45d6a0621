import { Bool, Field, Float64, RecordBatch, Schema, Table as ArrowTable, Utf8, tableToIPC, vectorFromArray, type DataType } from 'apache-arrow';
import ExcelJS from 'exceljs';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import type { Bilingual, Cell, Column, ExportDocument, MetadataEntry, Table } from './table.ts';
import { stampZipEntries } from './zip.ts';

import { EXPORT_FORMATS, type ExportFormat } from '../../../contracts/api/exports.ts';

export { EXPORT_FORMATS, type ExportFormat };

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  arrow: 'application/vnd.apache.arrow.stream',
  parquet: 'application/vnd.apache.parquet',
};

export const EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', xlsx: 'xlsx', arrow: 'arrows', parquet: 'parquet' };

/** Written into every Parquet footer instead of a library version string, so upgrades do not change bytes by themselves. */
const CREATED_BY = 'innovation-brain exports';

const isBilingual = (c: Cell): c is Bilingual => typeof c === 'object' && c !== null;

/** A cell as people read it (CSV / XLSX): Chinese text, 是 / 否. */
function zhText(c: Cell): string | number | null {
  if (c === null) return null;
  if (isBilingual(c)) return c.zh;
  if (typeof c === 'boolean') return c ? '是' : '否';
  return c;
}

/** A cell as analysts' tools read it (Arrow / Parquet): English text, real booleans. */
function enValue(c: Cell, column: Column): string | number | boolean | null {
  if (c === null) return null;
  if (isBilingual(c)) return c.en;
  if (column.type === 'number') return typeof c === 'number' ? c : null;
  if (column.type === 'boolean') return typeof c === 'boolean' ? c : null;
  return String(c);
}

/**
 * Spreadsheet formula injection (OWASP "CSV injection"): a text cell starting with = + - @ (or a
 * tab / carriage return, which some spreadsheets skip before one) is prefixed with ' so it stays text.
 */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const text = typeof v === 'number' ? String(v) : neutralise(v);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 (CRLF, quoted where needed), UTF-8 with a BOM so Excel in China opens it as UTF-8; Chinese headers. */
export function encodeCsv(table: Table): Buffer {
  const lines = [table.columns.map((c) => csvField(c.zh)).join(',')];
  for (const row of table.rows) lines.push(row.map((c) => csvField(zhText(c))).join(','));
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}

function numFmt(column: Column, v: number): string | undefined {
  switch (column.style) {
    case 'ratio':
      return '0.0%';
    case 'percentPoints':
      return '0.0"%"';
    case 'amount':
      return Number.isInteger(v) ? '#,##0' : '#,##0.00##';
    default:
      return undefined;
  }
}

function addSheet(wb: ExcelJS.Workbook, table: Table): void {
  const ws = wb.addWorksheet(table.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = table.columns.map((c) => ({ header: c.zh, key: c.name, width: c.width ?? 12 }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle' };
  for (const row of table.rows) {
    const added = ws.addRow(row.map((c) => {
      const v = zhText(c);
      return typeof v === 'string' ? neutralise(v) : v;
    }));
    table.columns.forEach((column, i) => {
      const v = row[i];
      if (typeof v !== 'number') return;
      const fmt = numFmt(column, v);
      if (fmt) added.getCell(i + 1).numFmt = fmt;
    });
  }
}

function addMetadataSheet(wb: ExcelJS.Workbook, metadata: readonly MetadataEntry[]): void {
  const ws = wb.addWorksheet('说明', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: '项目', key: 'zh', width: 18 },
    { header: '内容', key: 'value', width: 70 },
    { header: '键', key: 'key', width: 18 },
  ];
  ws.getRow(1).font = { bold: true };
  for (const m of metadata) ws.addRow([m.zh, neutralise(m.value), m.key]);
}

/**
 * One workbook: every table as a sheet, then 说明 (what it was computed from). The workbook's dates
 * and every zip entry's time are the as-of instant, so the same content gives the same bytes.
 */
export async function encodeXlsx(doc: ExportDocument, asOf: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '长江新区创新大脑';
  wb.lastModifiedBy = '长江新区创新大脑';
  wb.created = asOf;
  wb.modified = asOf;
  for (const t of doc.tables) addSheet(wb, t);
  addMetadataSheet(wb, doc.metadata);
  const out = Buffer.from(await wb.xlsx.writeBuffer());
  return stampZipEntries(out, asOf);
}

const metadataMap = (doc: ExportDocument, table: Table) =>
  new Map<string, string>([
    ...doc.metadata.map((m) => [m.key, m.value] as [string, string]),
    ['table', table.sheet],
    // Analysts see snake_case names; the Chinese headers of the spreadsheets travel along.
    ['column_labels_zh', JSON.stringify(Object.fromEntries(table.columns.map((c) => [c.name, c.zh])))],
  ]);

function arrowType(column: Column): DataType {
  return column.type === 'number' ? new Float64() : column.type === 'boolean' ? new Bool() : new Utf8();
}

/** An Arrow IPC stream of one table, English column names, the export's metadata on the schema. */
export function encodeArrow(doc: ExportDocument, table: Table): Buffer {
  const vectors = Object.fromEntries(
    table.columns.map((c, i) => [c.name, vectorFromArray(table.rows.map((r) => enValue(r[i] ?? null, c)), arrowType(c))]),
  );
  const plain = new ArrowTable(vectors);
  const fields = table.columns.map((c) => new Field(c.name, arrowType(c), true));
  const schema = new Schema(fields, metadataMap(doc, table));
  // Zero rows still need one (empty) batch for the schema to carry its metadata through tableToIPC.
  const batches = plain.batches.map((b) => new RecordBatch(schema, b.data));
  return Buffer.from(tableToIPC(new ArrowTable(schema, batches), 'stream'));
}

/** A Parquet file of one table (hyparquet-writer, Snappy), English column names, the export's metadata as key-value metadata. */
export function encodeParquet(doc: ExportDocument, table: Table): Buffer {
  const columnData: ColumnSource[] = table.columns.map((c, i) => ({
    name: c.name,
    data: table.rows.map((r) => enValue(r[i] ?? null, c)),
    type: c.type === 'number' ? 'DOUBLE' : c.type === 'boolean' ? 'BOOLEAN' : 'STRING',
    nullable: true,
  }));
  const kvMetadata = [...metadataMap(doc, table)].map(([key, value]) => ({ key, value }));
  return Buffer.from(parquetWriteBuffer({ columnData, kvMetadata, createdBy: CREATED_BY }));
}

/** RFC 6266 / 5987: an ASCII fallback for old clients, the Chinese name for everyone else. */
export function contentDisposition(name: { zh: string; ascii: string }, ext: string): string {
  const ascii = `${name.ascii.replace(/[^A-Za-z0-9._-]/g, '_')}.${ext}`;
  // Characters no file system takes (and the catalog's 「/」 in names like 服务平台数 / 服务企业数) become _.
  const zh = name.zh.replace(/[\\/:*?"<>|\s]+/g, '_');
  const utf8 = encodeURIComponent(`${zh}.${ext}`).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

/** The bytes of one export in one format; `table` picks the table for single-table formats (default: the first). */
export async function encode(doc: ExportDocument, format: ExportFormat, asOf: Date, table: Table = doc.tables[0]!): Promise<Buffer> {
  switch (format) {
    case 'csv':
      return encodeCsv(table);
    case 'xlsx':
      return encodeXlsx(doc, asOf);
    case 'arrow':
      return encodeArrow(doc, table);
    case 'parquet':
      return encodeParquet(doc, table);
  }
}
