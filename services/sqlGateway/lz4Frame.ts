/**
 * Decoder of the LZ4 frame format (lz4.github.io/lz4/lz4_Frame_format): the `Content-Encoding:
 * lz4` that clickhouse-connect sends insert bodies in by default. Node has no LZ4, and this is
 * the one place the platform needs it. Checksums are not verified (TCP and the engine's own
 * parsing guard the data); linked blocks work because all output lands in one buffer.
 */
export function decodeLz4Frames(input: Buffer, maxOutput: number): Buffer {
  let out = Buffer.allocUnsafe(Math.min(Math.max(input.length * 4, 1024), maxOutput));
  let outLen = 0;
  const ensure = (need: number) => {
    if (need > maxOutput) throw new Error(`decompressed body exceeds ${maxOutput} bytes`);
    if (need <= out.length) return;
    const grown = Buffer.allocUnsafe(Math.min(Math.max(need, out.length * 2), maxOutput));
    out.copy(grown, 0, 0, outLen);
    out = grown;
  };

  let p = 0;
  while (p < input.length) {
    const magic = input.readUInt32LE(p);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      p += 8 + input.readUInt32LE(p + 4); // skippable frame
      continue;
    }
    if (magic !== 0x184d2204) throw new Error('not an LZ4 frame');
    const flg = input[p + 4]!;
    p += 6; // magic, FLG, BD
    const blockChecksum = (flg & 0x10) !== 0;
    if (flg & 0x08) p += 8; // content size
    if (flg & 0x01) p += 4; // dictionary id
    p += 1; // header checksum
    for (;;) {
      const word = input.readUInt32LE(p);
      p += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      const end = p + size;
      if (end > input.length) throw new Error('truncated LZ4 block');
      if (word & 0x80000000) {
        ensure(outLen + size);
        input.copy(out, outLen, p, end);
        outLen += size;
      } else {
        outLen = decodeBlock(input, p, end, () => out, ensure, outLen);
      }
      p = end + (blockChecksum ? 4 : 0);
    }
    if (flg & 0x04) p += 4; // content checksum
  }
  return out.subarray(0, outLen);
}

function decodeBlock(src: Buffer, start: number, end: number, dst: () => Buffer, ensure: (total: number) => void, outStart: number): number {
  let p = start;
  let o = outStart;
  while (p < end) {
    const token = src[p++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        b = src[p++]!;
        literals += b;
      } while (b === 255);
    }
    ensure(o + literals);
    src.copy(dst(), o, p, p + literals);
    p += literals;
    o += literals;
    if (p >= end) break; // the last sequence has literals only
    const offset = src[p]! | (src[p + 1]! << 8);
    p += 2;
    if (offset === 0 || offset > o) throw new Error('corrupt LZ4 block (bad match offset)');
    let length = (token & 0x0f) + 4;
    if ((token & 0x0f) === 15) {
      let b: number;
      do {
        b = src[p++]!;
        length += b;
      } while (b === 255);
    }
    ensure(o + length);
    const buf = dst();
    // Byte by byte: a match may overlap the bytes it produces (run-length style).
    for (let i = 0; i < length; i++) buf[o + i] = buf[o - offset + i]!;
    o += length;
  }
  return o;
}
