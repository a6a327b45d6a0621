import { createReadStream, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { xlsxRows, type SheetRow } from '../../services/ingest/files/readers.ts';

const templates = path.join(import.meta.dirname, '..', '..', 'docs', 'templates');
const files = readdirSync(templates).filter((f) => f.endsWith('.xlsx'));

async function rows(file: string, wholeBytes?: number): Promise<SheetRow[]> {
  const out: SheetRow[] = [];
  for await (const r of xlsxRows(createReadStream(path.join(templates, file)), wholeBytes === undefined ? {} : { wholeBytes })) out.push(r);
  return out;
}

describe('reading an XLSX workbook', () => {
  it.each(files)('gives the same rows whole and streamed (large-file path): %s', async (file) => {
    const whole = await rows(file);
    expect(whole.length).toBeGreaterThan(1);
    expect(whole[0]!.row).toBe(1);
    // A 1-byte threshold sends every file down the streaming reader.
    expect(await rows(file, 1)).toEqual(whole);
  });
});
