/**
 * Decoder of the LZ4 frame format (lz4.github.io/lz4/lz4_Frame_format): the `Content-Encoding:
 * lz4` that clickhouse-connect sends insert bodies in by default.
 *
 * Why this is written here rather than taken from a package: the maintained Node LZ4 packages
 * (lz4-napi, lz4) decompress a whole frame into memory with no bound on the output, so one small
 * upload could expand ~255× and take the process down; an HTTP body must be decoded under the
 * gateway's size cap, which this decoder checks before every byte it writes. What it does take
 * from a package is the checksum (xxHash32, `xxhash-wasm`): the header checksum, the block
 * checksums and the content checksum are verified when the frame carries them, and a declared
 * content size must match. Every read is bounds-checked: a corrupt or truncated body is an error,
 * never a crash or a silent short read. Linked blocks work because all output lands in one buffer.
 */
import xxhash from 'xxhash-wasm';

const hasher = await xxhash();
/** xxHash32 as an unsigned 32-bit number (the wasm binding may hand it back signed). */
const h32 = (bytes: Uint8Array): number => hasher.h32Raw(bytes, 0) >>> 0;

const FRAME_MAGIC = 0x184d2204;

export class Lz4FrameError extends Error {
  override name = 'Lz4FrameError';
}

export function decodeLz4Frames(input: Buffer, maxOutput: number): Buffer {
  let out = Buffer.allocUnsafe(Math.min(Math.max(input.length * 4, 1024), maxOutput));
  let outLen = 0;
  /** Room for `need` bytes of output, keeping the `used` bytes written so far (a block grows it mid-way). */
  const ensure = (need: number, used: number): void => {
    if (need > maxOutput) throw new Lz4FrameError(`decompressed body exceeds ${maxOutput} bytes`);
    if (need <= out.length) return;
    const grown = Buffer.allocUnsafe(Math.min(Math.max(need, out.length * 2), maxOutput));
    out.copy(grown, 0, 0, used);
    out = grown;
  };
  const need = (p: number, bytes: number, what: string): void => {
    if (p + bytes > input.length) throw new Lz4FrameError(`truncated LZ4 frame (${what})`);
  };

  let p = 0;
  while (p < input.length) {
    need(p, 4, 'magic number');
    const magic = input.readUInt32LE(p);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      need(p, 8, 'skippable frame');
      p += 8 + input.readUInt32LE(p + 4); // skippable frame
      if (p > input.length) throw new Lz4FrameError('truncated LZ4 frame (skippable frame)');
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new Lz4FrameError('not an LZ4 frame');
    need(p, 7, 'frame descriptor');
    const flg = input[p + 4]!;
    if (flg >> 6 !== 1) throw new Lz4FrameError(`unsupported LZ4 frame version ${flg >> 6}`);
    const blockChecksum = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    if (flg & 0x01) throw new Lz4FrameError('LZ4 frames with a dictionary are not supported');
    const descriptorEnd = p + 6 + (hasContentSize ? 8 : 0);
    need(descriptorEnd, 1, 'frame descriptor');
    const headerChecksum = (h32(input.subarray(p + 4, descriptorEnd)) >>> 8) & 0xff;
    if (headerChecksum !== input[descriptorEnd]) throw new Lz4FrameError('LZ4 frame header checksum mismatch');
    const contentSize = hasContentSize ? input.readBigUInt64LE(p + 6) : undefined;
    p = descriptorEnd + 1;
    const frameStart = outLen;
    for (;;) {
      need(p, 4, 'block size');
      const word = input.readUInt32LE(p);
      p += 4;
      if (word === 0) break; // end mark
      const size = word & 0x7fffffff;
      const end = p + size;
      need(p, size + (blockChecksum ? 4 : 0), 'block');
      if (blockChecksum && h32(input.subarray(p, end)) !== input.readUInt32LE(end)) throw new Lz4FrameError('LZ4 block checksum mismatch');
      if (word & 0x80000000) {
        ensure(outLen + size, outLen);
        input.copy(out, outLen, p, end);
        outLen += size;
      } else {
        outLen = decodeBlock(input, p, end, () => out, ensure, outLen);
      }
      p = end + (blockChecksum ? 4 : 0);
    }
    if (contentSize !== undefined && BigInt(outLen - frameStart) !== contentSize) throw new Lz4FrameError('LZ4 frame content size mismatch');
    if (contentChecksum) {
      need(p, 4, 'content checksum');
      if (h32(out.subarray(frameStart, outLen)) !== input.readUInt32LE(p)) throw new Lz4FrameError('LZ4 content checksum mismatch');
      p += 4;
    }
  }
  return out.subarray(0, outLen);
}

/** One LZ4 block's sequences, src[start, end), appended at `outStart`; returns the new output length. */
function decodeBlock(src: Buffer, start: number, end: number, dst: () => Buffer, ensure: (total: number, used: number) => void, outStart: number): number {
  const corrupt = (why: string): never => {
    throw new Lz4FrameError(`corrupt LZ4 block (${why})`);
  };
  const byte = (at: number): number => (at < end ? src[at]! : corrupt('runs past its end'));
  let p = start;
  let o = outStart;
  while (p < end) {
    const token = src[p++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        b = byte(p++);
        literals += b;
      } while (b === 255);
    }
    if (p + literals > end) corrupt('literals run past its end');
    ensure(o + literals, o);
    src.copy(dst(), o, p, p + literals);
    p += literals;
    o += literals;
    if (p >= end) break; // the last sequence has literals only
    const offset = byte(p) | (byte(p + 1) << 8);
    p += 2;
    if (offset === 0 || offset > o) corrupt('bad match offset');
    let length = (token & 0x0f) + 4;
    if ((token & 0x0f) === 15) {
      let b: number;
      do {
        b = byte(p++);
        length += b;
      } while (b === 255);
    }
    ensure(o + length, o);
    const buf = dst();
    // Byte by byte: a match may overlap the bytes it produces (run-length style).
    for (let i = 0; i < length; i++) buf[o + i] = buf[o - offset + i]!;
    o += length;
  }
  return o;
}
