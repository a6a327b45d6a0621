import { Readable, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { ValidationError } from '../../../contracts/errors.ts';
import type { Cell } from './coerce.ts';
import { checkInflation, DEFAULT_INFLATION_LIMITS, openEntry, zipEntries, type InflationLimits } from './zipGuard.ts';

/** One spreadsheet row: its number as a spreadsheet shows it (header = 1) and its cells by column. */
export interface SheetRow {
  row: number;
  cells: Cell[];
}

export type ByteSource = AsyncIterable<Buffer | Uint8Array | string>;

/** How much of the start of a file decides its encoding: the header row (Chinese) lies well inside it. */
const SNIFF_BYTES = 64 * 1024;

export type CsvEncoding = 'utf-8' | 'gbk';

/** UTF-8 (with or without BOM) when the start is valid UTF-8, else GBK (what Excel on Chinese Windows saves). */
export function sniffEncoding(head: Uint8Array): { encoding: CsvEncoding; bom: boolean } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return { encoding: 'utf-8', bom: false };
  } catch {
    return { encoding: 'gbk', bom: false };
  }
}

/** Decodes a byte stream to text chunks, sniffing the encoding from its first 64 KiB. */
async function* decode(source: ByteSource, onEncoding?: (e: CsvEncoding) => void): AsyncGenerator<string> {
  const pending: Buffer[] = [];
  let size = 0;
  let decoder: { write(b: Buffer): string; end(): string } | undefined;
  const start = (): void => {
    const head = Buffer.concat(pending);
    const { encoding } = sniffEncoding(head);
    onEncoding?.(encoding);
    if (encoding === 'gbk') {
      const d = iconv.getDecoder('gbk');
      decoder = { write: (b) => d.write(b), end: () => d.end() ?? '' };
    } else {
      // TextDecoder drops a leading BOM (ignoreBOM: false). Fatal: a file that turns out not to be UTF-8 after its first 64 KiB must fail loudly, not import mojibake.
      const d = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
      decoder = { write: (b) => d.decode(b, { stream: true }), end: () => d.decode() };
    }
  };
  try {
    for await (const chunk of source) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      if (!decoder) {
        pending.push(buf);
        size += buf.length;
        if (size < SNIFF_BYTES) continue;
        start();
        yield decoder!.write(Buffer.concat(pending.splice(0)));
        continue;
      }
      yield decoder.write(buf);
    }
    if (!decoder) {
      start();
      yield decoder!.write(Buffer.concat(pending.splice(0)));
    }
    yield decoder!.end();
  } catch (err) {
    if (err instanceof TypeError && /decode|encoded/i.test(err.message)) {
      throw new ValidationError('文件编码无法识别: 开头是 UTF-8, 后面出现了非 UTF-8 字节; 请统一保存为 UTF-8 或 GBK', [{ field: '(file)', reason: '编码不一致' }]);
    }
    throw err;
  }
}

/**
 * Rows of a CSV file, streamed: UTF-8 (BOM or not) or GBK, detected. Every record counts as a row,
 * blank ones too (they are skipped but keep the numbering a spreadsheet shows).
 */
export async function* csvRows(source: ByteSource): AsyncGenerator<SheetRow> {
  // pipeline, not pipe: a failing source (an aborted upload, a body over the limit) must reach the
  // parser's iterator below; with pipe it was an unhandled 'error' event that ended the process.
  const parser = pipeline(
    Readable.from(decode(source), { objectMode: false }),
    parse({ relax_column_count: true, relax_quotes: true, skip_empty_lines: false, trim: true, bom: true }),
    () => undefined,
  );
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      yield { row, cells: record };
    }
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    const e = err as { code?: string; message: string; lines?: number };
    if (e.code?.startsWith('CSV_')) {
      throw new ValidationError(`CSV 格式错误 (第 ${e.lines ?? row + 1} 行附近): ${e.message}`, [{ field: '(file)', row: e.lines ?? row + 1, reason: e.message }]);
    }
    throw err;
  }
}

type ExcelValue = ExcelJS.CellValue;

/** Rich text, hyperlinks, formulas and errors as the plain value a user sees in the cell. */
function plainCell(v: ExcelValue): Cell {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('formula' in v || 'sharedFormula' in v) return plainCell((v as { result?: ExcelValue }).result ?? null);
    if ('hyperlink' in v) return String((v as { text?: unknown }).text ?? '');
    if ('error' in v) return undefined;
  }
  return String(v);
}

/**
 * Workbooks this small (packed and inflated) are read whole; larger ones are streamed, which keeps
 * memory bounded. Department files are far smaller.
 */
const WHOLE_XLSX_BYTES = 32 * 1024 * 1024;
const WHOLE_XLSX_INFLATED = 32 * 1024 * 1024;

export interface XlsxOptions {
  /** Read whole when the file is at most this many bytes (default 32 MiB) and inflates to at most 32 MiB; else streamed. */
  wholeBytes?: number;
  inflation?: InflationLimits;
}

/**
 * Rows of the first worksheet of an XLSX workbook. The file is held (the route bounds its size)
 * and its zip checked before anything inflates it: a zip bomb is refused, not expanded.
 */
export async function* xlsxRows(source: ByteSource, options: XlsxOptions = {}): AsyncGenerator<SheetRow> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  const zip = Buffer.concat(parts);
  parts.length = 0;
  const inflated = await checkInflation(zip, options.inflation ?? DEFAULT_INFLATION_LIMITS);
  if (zip.length > (options.wholeBytes ?? WHOLE_XLSX_BYTES) || inflated > WHOLE_XLSX_INFLATED) {
    yield* xlsxRowsStreamed(zip);
    return;
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(zip as unknown as ArrayBuffer);
  } catch (err) {
    throw new ValidationError(`无法读取 XLSX 文件: ${(err as Error).message}`, [{ field: '(file)', reason: (err as Error).message }]);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return;
  const rows: SheetRow[] = [];
  // exceljs row values are 1-based (index 0 is empty).
  sheet.eachRow((r) => rows.push({ row: r.number, cells: (r.values as ExcelValue[]).slice(1).map(plainCell) }));
  yield* rows;
}

/**
 * The parts of exceljs's streaming `WorkbookReader` that read one zip entry each. They are not in
 * its typings; exceljs is pinned (4.4.0, its last release), and the streamed test of every template
 * workbook fails if they change.
 */
interface EntryParsers {
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(entry: Readable, sheetNo: string): Generator<{ eventType: string; value: AsyncIterable<ExcelJS.Row> }>;
  workbookRels?: { Id: string; Target: string }[];
  model?: { sheets?: { rId: string }[] };
}

/**
 * Rows of the first worksheet of a large XLSX workbook, streamed. The entries are opened from the
 * zip's directory and handed to exceljs's reader in the order it needs them (relationships,
 * workbook, shared strings, styles, then the sheet), instead of letting it walk the zip: its walk
 * ends when the zip's bytes are written, not when its last entry is read, and under load it lost
 * the last entry (`workbook.xml` in the files exceljs writes: "reading 'sheets' of undefined").
 */
async function* xlsxRowsStreamed(zip: Buffer): AsyncGenerator<SheetRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
    sharedStrings: 'cache',
    // Styles tell a date cell from a number: without them dates arrive as serial numbers.
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  }) as unknown as EntryParsers;
  const entries = new Map(zipEntries(zip).entries.map((e) => [e.name, e]));
  const open = (name: string): Readable | undefined => {
    const e = entries.get(name);
    return e && openEntry(zip, e);
  };
  try {
    const rels = open('xl/_rels/workbook.xml.rels');
    const book = open('xl/workbook.xml');
    if (!rels || !book) throw new Error('缺少 xl/workbook.xml 或其关系文件');
    await reader._parseRels(rels);
    await reader._parseWorkbook(book);
    const strings = open('xl/sharedStrings.xml');
    if (strings) for await (const _ of reader._parseSharedStrings(strings)) { /* 'cache': the reader keeps them */ }
    const styles = open('xl/styles.xml');
    if (styles) await reader._parseStyles(styles);
    // The first sheet as the workbook lists it (as the whole reader's worksheets[0]).
    const rId = reader.model?.sheets?.[0]?.rId;
    const target = reader.workbookRels?.find((r) => r.Id === rId)?.Target;
    if (!target) return;
    const name = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
    const sheetEntry = open(name);
    if (!sheetEntry) throw new Error(`缺少工作表 ${name}`);
    const sheetNo = /sheet(\d+)\.xml$/.exec(name)?.[1] ?? '1';
    for (const { value: sheet } of reader._parseWorksheet(sheetEntry, sheetNo)) {
      for await (const r of sheet) {
        const values = r.values as ExcelValue[];
        // exceljs row values are 1-based (index 0 is empty).
        yield { row: r.number, cells: values.slice(1).map(plainCell) };
      }
    }
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError(`无法读取 XLSX 文件: ${(err as Error).message}`, [{ field: '(file)', reason: (err as Error).message }]);
  }
}
