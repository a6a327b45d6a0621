/**
 * An Emitter that keeps the records in files instead of memory: a 30,000-firm history is 1.2M
 * records (~500 MB as objects) that must all exist before the first one can be sent, since every
 * part of the generator emits over the whole window. Records go to one file per month of their
 * sending day as they are emitted; reading back sorts one month at a time, in the same order as
 * Emitter.drain (day, then priority, then emission order), so the batches are the same.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { IngestRecordInput } from '../../contracts/ingest.ts';
import { monthOf, yearOf, type Day } from './calendar.ts';
import { Emitter, type Priority } from './emitter.ts';

/** Bytes of lines held per month before they are appended to its file. */
const FLUSH_CHARS = 1 << 20;

interface Bucket {
  file: string;
  lines: string[];
  chars: number;
}

interface Line {
  at: Day;
  priority: number;
  seq: number;
  json: string;
}

export class SpillingEmitter extends Emitter {
  private readonly buckets = new Map<number, Bucket>();
  private seq = 0;
  private sealed = false;
  /** Records kept, per event type (the total is their sum). */
  readonly countsByType: Record<string, number> = {};

  /** `dir` is created and belongs to the emitter: `dispose()` removes it. */
  constructor(
    lastDay: Day,
    private readonly dir: string,
  ) {
    super(lastDay);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }

  protected override keep(at: Day, priority: Priority, record: IngestRecordInput): void {
    if (this.sealed) throw new Error('SpillingEmitter: emit after the records were handed out');
    this.countsByType[record.type] = (this.countsByType[record.type] ?? 0) + 1;
    const month = yearOf(at) * 12 + monthOf(at);
    let bucket = this.buckets.get(month);
    if (!bucket) this.buckets.set(month, (bucket = { file: path.join(this.dir, `${month}.ndjson`), lines: [], chars: 0 }));
    const line = `${at}\t${priority}\t${this.seq++}\t${JSON.stringify(record)}\n`;
    bucket.lines.push(line);
    bucket.chars += line.length;
    if (bucket.chars >= FLUSH_CHARS) flush(bucket);
  }

  override drain(): IngestRecordInput[] {
    const out: IngestRecordInput[] = [];
    for (const batch of this.batches(Number.MAX_SAFE_INTEGER)) for (const r of batch) out.push(r);
    return out;
  }

  /** Records in sending order, in batches of `size`, one month in memory at a time; may be iterated again. */
  *batches(size: number): Generator<IngestRecordInput[]> {
    if (!this.sealed) {
      for (const bucket of this.buckets.values()) flush(bucket);
      this.sealed = true;
    }
    let batch: IngestRecordInput[] = [];
    for (const month of [...this.buckets.keys()].sort((a, b) => a - b)) {
      const lines = readLines(this.buckets.get(month)!.file);
      lines.sort((x, y) => x.at - y.at || x.priority - y.priority || x.seq - y.seq);
      for (const line of lines) {
        batch.push(JSON.parse(line.json) as IngestRecordInput);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** Removes the files. */
  dispose(): void {
    this.buckets.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function flush(bucket: Bucket): void {
  if (bucket.lines.length === 0) return;
  appendFileSync(bucket.file, bucket.lines.join(''));
  bucket.lines = [];
  bucket.chars = 0;
}

function readLines(file: string): Line[] {
  const text = readFileSync(file, 'utf8');
  const lines: Line[] = [];
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    const t1 = text.indexOf('\t', start);
    const t2 = text.indexOf('\t', t1 + 1);
    const t3 = text.indexOf('\t', t2 + 1);
    lines.push({ at: Number(text.slice(start, t1)), priority: Number(text.slice(t1 + 1, t2)), seq: Number(text.slice(t2 + 1, t3)), json: text.slice(t3 + 1, end) });
    start = end + 1;
  }
  return lines;
}
