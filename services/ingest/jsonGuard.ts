import { isUtf8 } from 'node:buffer';
import { ValidationError } from '../../contracts/errors.ts';

/** Where in a body something is: 1-based line and column (in bytes) and the byte offset. */
function whereOf(bytes: Uint8Array, offset: number, line?: number): string {
  let l = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      l++;
      start = i + 1;
    }
  }
  return line !== undefined ? `第 ${line} 行第 ${offset + 1} 字节` : `第 ${l} 行第 ${offset - start + 1} 列 (字节偏移 ${offset})`;
}

/** The byte offset of the first byte that is not well-formed UTF-8 (RFC 3629: no overlongs, no surrogates). */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= b.length) return i;
    const c1 = b[i + 1]!;
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

/**
 * Refuses JSON text that is not UTF-8 (it was stored with U+FFFD in its place) or nests deeper
 * than `maxDepth` (a 10,000-deep body costs every later step something; no record nests past a
 * few levels). Names where: line and column, or the NDJSON line.
 */
export function checkJsonBytes(bytes: Uint8Array, maxDepth: number, line?: number): void {
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    const where = whereOf(bytes, Math.max(0, at), line);
    throw new ValidationError(`JSON 不是合法的 UTF-8: ${where}处的字节无效 (请以 UTF-8 编码发送)`, [
      { field: '(body)', reason: `非 UTF-8 字节 (${where})`, ...(line !== undefined ? { row: line } : {}) },
    ]);
  }
  checkJsonDepth(bytes, maxDepth, line);
}

/** The depth half of checkJsonBytes, for bytes already known to be UTF-8 (an NDJSON stream checks a run of lines at once). */
export function checkJsonDepth(bytes: Uint8Array, maxDepth: number, line?: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) {
        const where = whereOf(bytes, i, line);
        throw new ValidationError(`JSON 嵌套过深: 超过 ${maxDepth} 层 (${where})`, [
          { field: '(body)', reason: `嵌套超过 ${maxDepth} 层 (${where})`, ...(line !== undefined ? { row: line } : {}) },
        ]);
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}
