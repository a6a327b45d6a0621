import { Readable, pipeline } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { ValidationError } from '../../../contracts/errors.ts';

/** How far an XLSX may inflate: a zip bomb is refused before (declared sizes) and while (counted bytes) it inflates. */
export interface InflationLimits {
  /** All entries together, inflated bytes. */
  totalBytes: number;
  /** One entry that is not a worksheet (shared strings, styles…): they are held whole by the reader. */
  entryBytes: number;
  /** Inflated / compressed, for entries inflating to more than 1 MiB (spreadsheets stay far below it). */
  ratio: number;
}

export const DEFAULT_INFLATION_LIMITS: InflationLimits = {
  totalBytes: 512 * 1024 * 1024,
  entryBytes: 64 * 1024 * 1024,
  ratio: 100,
};

const RATIO_FLOOR = 1024 * 1024;
const MAX_ENTRIES = 10_000;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  flags: number;
}

function refuse(reason: string): ValidationError {
  return new ValidationError(`XLSX 文件被拒绝: ${reason}`, [{ field: '(file)', reason }]);
}

/** The central directory of a zip held in memory (no ZIP64: a spreadsheet that needs it is far over every limit). */
export function zipEntries(zip: Buffer): { entries: ZipEntry[]; directoryOffset: number } {
  // The end-of-central-directory record: 22 bytes plus a comment of at most 65,535.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw refuse('不是有效的 XLSX (zip) 文件: 找不到目录');
  const count = zip.readUInt16LE(eocd + 10);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw refuse('ZIP64 格式不受支持 (文件过大)');
  if (count > MAX_ENTRIES) throw refuse(`压缩包条目过多 (${count})`);
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50) throw refuse('不是有效的 XLSX (zip) 文件: 目录损坏');
    const nameLength = zip.readUInt16LE(p + 28);
    const entry: ZipEntry = {
      method: zip.readUInt16LE(p + 10),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      name: zip.toString('utf8', p + 46, p + 46 + nameLength),
      localOffset: zip.readUInt32LE(p + 42),
      flags: zip.readUInt16LE(p + 8),
    };
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localOffset === 0xffffffff) throw refuse('ZIP64 格式不受支持 (文件过大)');
    entries.push(entry);
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return { entries, directoryOffset: cdOffset };
}

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const isWorksheet = (name: string): boolean => /^xl\/worksheets\/[^/]+\.xml$/.test(name);

/** Checks one entry's declared size against the limits; returns the bytes it may inflate to. */
function allowance(e: ZipEntry, limits: InflationLimits): number {
  if (!isWorksheet(e.name) && e.size > limits.entryBytes) throw refuse(`条目 ${e.name} 解压后 ${mib(e.size)}, 超过上限 ${mib(limits.entryBytes)}`);
  if (e.size > RATIO_FLOOR && e.size > e.compressedSize * limits.ratio) {
    throw refuse(`条目 ${e.name} 压缩比 ${Math.round(e.size / Math.max(1, e.compressedSize))}:1 (${mib(e.compressedSize)} → ${mib(e.size)}), 超过 ${limits.ratio}:1, 疑似压缩炸弹`);
  }
  return e.size;
}

/** Where an entry's (compressed) data lies: after its local header, name and extra field. */
function entrySpan(zip: Buffer, e: ZipEntry): { start: number; end: number } {
  const start = e.localOffset + 30 + zip.readUInt16LE(e.localOffset + 26) + zip.readUInt16LE(e.localOffset + 28);
  return { start, end: start + e.compressedSize };
}

/**
 * One entry's inflated bytes, streamed. For a zip `checkInflation` has passed: its entries are
 * where the directory says, stored or deflated, and inflate to what they declare.
 */
export function openEntry(zip: Buffer, e: ZipEntry): Readable {
  const { start, end } = entrySpan(zip, e);
  const data = Readable.from([zip.subarray(start, end)]);
  return e.method === 0 ? data : pipeline(data, createInflateRaw(), () => undefined);
}

/** Inflates an entry, counting and discarding its bytes, stopping as soon as it passes what it declared. */
async function inflatedSize(data: Buffer, declared: number, name: string): Promise<number> {
  let size = 0;
  const inflate = createInflateRaw();
  const chunks = Readable.from([data]).pipe(inflate);
  try {
    for await (const chunk of chunks as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > declared) throw refuse(`条目 ${name} 声明解压后 ${declared} 字节, 实际更多: 文件损坏或为压缩炸弹`);
    }
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw refuse(`条目 ${name} 无法解压: ${(err as Error).message}`);
  } finally {
    inflate.destroy();
  }
  return size;
}

/**
 * Refuses a zip that would inflate past the limits: first by the sizes its directory declares,
 * then by inflating each entry with a counter (a zip can lie about its sizes; the XLSX reader
 * would inflate what is there). Returns the total inflated size.
 */
export async function checkInflation(zip: Buffer, limits: InflationLimits = DEFAULT_INFLATION_LIMITS): Promise<number> {
  const { entries, directoryOffset } = zipEntries(zip);
  let total = 0;
  for (const e of entries) total += allowance(e, limits);
  if (total > limits.totalBytes) throw refuse(`解压后共 ${mib(total)}, 超过上限 ${mib(limits.totalBytes)}`);
  // A reader may walk the local entries rather than the directory (a streaming unzip does): the
  // entries must tile the file up to the directory, so that no unlisted (unchecked) entry hides
  // between them.
  let expected = 0;
  for (const e of [...entries].sort((a, b) => a.localOffset - b.localOffset)) {
    if (e.localOffset !== expected || e.localOffset + 30 > zip.length || zip.readUInt32LE(e.localOffset) !== 0x04034b50) throw refuse(`条目 ${e.name} 的位置与目录不符 (文件损坏或被篡改)`);
    const { start, end } = entrySpan(zip, e);
    if (end > zip.length) throw refuse(`条目 ${e.name} 不完整`);
    const data = zip.subarray(start, end);
    if (e.method === 0) {
      if (e.compressedSize !== e.size) throw refuse(`条目 ${e.name} 损坏 (未压缩条目大小不符)`);
    } else if (e.method === 8) {
      await inflatedSize(data, e.size, e.name);
    } else throw refuse(`条目 ${e.name} 的压缩方法 ${e.method} 不受支持`);
    // A data descriptor (flag bit 3) follows the data: 12 bytes, or 16 with its signature.
    expected = end + ((e.flags & 8) === 0 ? 0 : end + 4 <= zip.length && zip.readUInt32LE(end) === 0x08074b50 ? 16 : 12);
  }
  if (expected !== directoryOffset) throw refuse('压缩包中有目录未列出的数据 (文件损坏或被篡改)');
  return total;
}
