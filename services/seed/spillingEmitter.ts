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

/** Characters of lines held per month before they are appended to its file. */
const FLUSH_CHARS = 1 << 20;
/** Emission numbers fit 31 bits; (day, priority) go above them, all within 2^53. */
const SEQ_SPAN = 2 ** 31;

interface Bucket {
  file: string;
  /** Sending order of each line of the file, in file order: (day · 4 + priority) · 2^31 + emission number. */
  keys: number[];
  lines: string[];
  chars: number;
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
    if (!bucket) this.buckets.set(month, (bucket = { file: path.join(this.dir, `${month}.ndjson`), keys: [], lines: [], chars: 0 }));
    const line = JSON.stringify(record);
    bucket.keys.push((at * 4 + priority) * SEQ_SPAN + this.seq++);
    bucket.lines.push(line);
    bucket.chars += line.length + 1;
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
      const { file, keys } = this.buckets.get(month)!;
      const lines = readFileSync(file, 'utf8').split('\n');
      const order = keys.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]!);
      for (const i of order) {
        batch.push(JSON.parse(lines[i]!) as IngestRecordInput);
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
  appendFileSync(bucket.file, `${bucket.lines.join('\n')}\n`);
  bucket.lines = [];
  bucket.chars = 0;
}
