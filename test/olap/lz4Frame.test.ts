/**
 * The gateway's LZ4 frame decoder (Content-Encoding: lz4, what clickhouse-connect sends inserts
 * in), against frames made by an independent encoder (lz4-napi, lz4_flex): every flag combination
 * decodes to the original bytes; corrupt, truncated and oversized bodies are errors; and through
 * the gateway an lz4 insert lands while a corrupt one is refused with CANNOT_DECOMPRESS.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compressFrameSync } from 'lz4-napi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLz4Frames, Lz4FrameError } from '../../services/sqlGateway/lz4Frame.ts';
import { curl, startOlapHttp, uniqueDatabase, type RunningOlapHttp } from './harness.ts';

/** ~1.3 MB of CSV-like text: repetitive enough to compress, varied enough for long matches and literals. */
const SAMPLE = Buffer.from(
  Array.from({ length: 40_000 }, (_, i) => `91420100MA4K${String(i).padStart(6, '0')},武湖街,${i % 7 === 0 ? 1 : 0},${(i * 7919) % 100_003}\n`).join(''),
);

describe('decodeLz4Frames', () => {
  it.each([
    { contentChecksum: false, blockChecksums: false },
    { contentChecksum: true, blockChecksums: false },
    { contentChecksum: false, blockChecksums: true },
    { contentChecksum: true, blockChecksums: true },
  ])('decodes a multi-block frame to the original bytes (%o)', (options) => {
    const frame = compressFrameSync(SAMPLE, options);
    expect(frame.length).toBeLessThan(SAMPLE.length / 2);
    expect(decodeLz4Frames(frame, 16 * 1024 * 1024).equals(SAMPLE)).toBe(true);
  });

  it('decodes a body that expands ~250× (its buffer grows inside a block, keeping what the block wrote)', () => {
    // Without checksums, so only the comparison can catch a lost prefix (an earlier version lost it).
    const text = Buffer.from(`${'A'.repeat(3_000_000)}${'武湖街'.repeat(1000)}${'B'.repeat(2_000_000)}`);
    const frame = compressFrameSync(text);
    expect(frame.length * 100).toBeLessThan(text.length);
    expect(decodeLz4Frames(frame, 16 * 1024 * 1024).equals(text)).toBe(true);
  });

  it('decodes concatenated frames and skips skippable frames', () => {
    const skippable = Buffer.alloc(8 + 5);
    skippable.writeUInt32LE(0x184d2a53, 0);
    skippable.writeUInt32LE(5, 4);
    const a = Buffer.from('第一帧 first frame\n'.repeat(100));
    const b = Buffer.from('second frame\n'.repeat(50));
    const body = Buffer.concat([compressFrameSync(a, { contentChecksum: true }), skippable, compressFrameSync(b)]);
    expect(decodeLz4Frames(body, 1 << 20).toString()).toBe(a.toString() + b.toString());
  });

  it('refuses a body whose content checksum does not match, naming the checksum', () => {
    const frame = compressFrameSync(SAMPLE, { contentChecksum: true });
    const bad = Buffer.from(frame);
    bad[bad.length - 1]! ^= 0xff;
    expect(() => decodeLz4Frames(bad, 16 * 1024 * 1024)).toThrow(/content checksum mismatch/);
  });

  it('refuses a block whose checksum does not match', () => {
    const frame = compressFrameSync(SAMPLE, { blockChecksums: true });
    const bad = Buffer.from(frame);
    bad[40]! ^= 0x01; // inside the first block's data (header: 7 bytes, block size: 4)
    expect(() => decodeLz4Frames(bad, 16 * 1024 * 1024)).toThrow(/block checksum mismatch/);
  });

  it('refuses a damaged frame header', () => {
    const bad = Buffer.from(compressFrameSync(SAMPLE));
    bad[5]! ^= 0x10; // BD byte: the header checksum no longer matches
    expect(() => decodeLz4Frames(bad, 16 * 1024 * 1024)).toThrow(/header checksum mismatch/);
  });

  it('refuses truncated bodies at every cut, with an error rather than a crash or a short result', () => {
    const frame = compressFrameSync(Buffer.from('短 body '.repeat(2_000)));
    for (const cut of [3, 6, 9, 12, Math.floor(frame.length / 2), frame.length - 1]) {
      expect(() => decodeLz4Frames(frame.subarray(0, cut), 1 << 20), `cut at ${cut}`).toThrow(Lz4FrameError);
    }
  });

  it('stops at the output cap before allocating past it (a small body that expands ~250×)', () => {
    const bomb = compressFrameSync(Buffer.alloc(8 * 1024 * 1024, 0x41));
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(() => decodeLz4Frames(bomb, 1024 * 1024)).toThrow(/exceeds 1048576 bytes/);
  });

  it('refuses bytes that are not an LZ4 frame', () => {
    expect(() => decodeLz4Frames(Buffer.from('INSERT INTO t VALUES (1)'), 1 << 20)).toThrow(/not an LZ4 frame/);
  });
});

describe('when a client sends an insert body compressed with lz4', () => {
  let h: RunningOlapHttp;
  let db: string;
  const admin = () => ['-u', `admin:${h.adminKey}`];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lz4-insert-'));

  beforeAll(async () => {
    h = await startOlapHttp();
    db = uniqueDatabase('lz4');
    for (const q of [`CREATE DATABASE ${db}`, `CREATE TABLE ${db}.firms (uscc String, street String, hte UInt8, n UInt32) ENGINE = MergeTree ORDER BY uscc`]) {
      const r = await curl([...admin(), '--data-binary', q, h.url]);
      expect(r.status, r.text).toBe(200);
    }
  });

  afterAll(async () => {
    await h?.server.close();
  });

  it('inserts every row of the decoded body', async () => {
    const file = path.join(dir, 'firms.csv.lz4');
    writeFileSync(file, compressFrameSync(SAMPLE, { contentChecksum: true, blockChecksums: true }));
    const query = encodeURIComponent(`INSERT INTO ${db}.firms FORMAT CSV`);
    const r = await curl([...admin(), '-H', 'Content-Encoding: lz4', '--data-binary', `@${file}`, `${h.url}/?query=${query}`]);
    expect(r.status, r.text).toBe(200);
    const count = await curl([...admin(), '--data-binary', `SELECT count(), sum(hte), sum(n) FROM ${db}.firms`, h.url]);
    const expected = SAMPLE.toString().trim().split('\n').map((l) => l.split(','));
    const hte = expected.reduce((s, f) => s + Number(f[2]), 0);
    const n = expected.reduce((s, f) => s + Number(f[3]), 0);
    expect(count.text).toBe(`40000\t${hte}\t${n}\n`);
  });

  it('refuses a corrupt body with CANNOT_DECOMPRESS and inserts nothing', async () => {
    const frame = Buffer.from(compressFrameSync(Buffer.from('91420100MA4K9999X1,武湖街,1,1\n'), { contentChecksum: true }));
    frame[frame.length - 1]! ^= 0xff;
    const file = path.join(dir, 'bad.csv.lz4');
    writeFileSync(file, frame);
    const query = encodeURIComponent(`INSERT INTO ${db}.firms FORMAT CSV`);
    const r = await curl([...admin(), '-H', 'Content-Encoding: lz4', '--data-binary', `@${file}`, `${h.url}/?query=${query}`]);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/CANNOT_DECOMPRESS/);
    expect(r.text).toMatch(/content checksum mismatch/);
    const none = await curl([...admin(), '--data-binary', `SELECT count() FROM ${db}.firms WHERE uscc = '91420100MA4K9999X1'`, h.url]);
    expect(none.text).toBe('0\n');
  });
});
