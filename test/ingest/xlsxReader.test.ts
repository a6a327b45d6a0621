import { createReadStream, readdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { xlsxRows, type SheetRow } from '../../services/ingest/files/readers.ts';

const templates = path.join(import.meta.dirname, '..', '..', 'docs', 'templates');
const files = readdirSync(templates).filter((f) => f.endsWith('.xlsx'));

async function collect(source: AsyncIterable<Buffer>, wholeBytes?: number): Promise<SheetRow[]> {
  const out: SheetRow[] = [];
  for await (const r of xlsxRows(source, wholeBytes === undefined ? {} : { wholeBytes })) out.push(r);
  return out;
}

const rows = (file: string, wholeBytes?: number): Promise<SheetRow[]> => collect(createReadStream(path.join(templates, file)), wholeBytes);

describe('reading an XLSX workbook', () => {
  it.each(files)('gives the same rows whole and streamed (large-file path): %s', async (file) => {
    const whole = await rows(file);
    expect(whole.length).toBeGreaterThan(1);
    expect(whole[0]!.row).toBe(1);
    // A 1-byte threshold sends every file down the streaming reader.
    expect(await rows(file, 1)).toEqual(whole);
  });

  it('streams the sheet the workbook lists first, with its dates, shared strings and numbers', async () => {
    const book = new ExcelJS.Workbook();
    const first = book.addWorksheet('填报');
    first.addRow(['统一社会信用代码', '日期', '金额']);
    first.addRow(['91420100MA4K0000X1', new Date(Date.UTC(2024, 2, 31)), 12.5]);
    first.addRow(['91420100MA4K0000X1', new Date(Date.UTC(2024, 5, 30)), 7]);
    book.addWorksheet('说明').addRow(['这一页不是数据']);
    const zip = Buffer.from(await book.xlsx.writeBuffer());
    const source = async function* (): AsyncGenerator<Buffer> {
      yield zip;
    };
    const streamed = await collect(source(), 1);
    expect(streamed).toEqual(await collect(source()));
    expect(streamed.map((r) => r.cells)).toEqual([
      ['统一社会信用代码', '日期', '金额'],
      ['91420100MA4K0000X1', new Date(Date.UTC(2024, 2, 31)), 12.5],
      ['91420100MA4K0000X1', new Date(Date.UTC(2024, 5, 30)), 7],
    ]);
  });
});
