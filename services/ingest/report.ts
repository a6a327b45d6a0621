import type { IngestReport, RecordOutcome } from '../../contracts/ingest.ts';

/** Rows given in full detail by default, each of rejected and of stored ones (INGEST_REPORT_ROWS). */
export const DEFAULT_REPORT_ROWS = 1000;
/** Distinct (field, reason) pairs counted after the detail; the rest are counted as one. */
const MAX_ISSUE_KINDS = 500;
const OTHER_FIELD = '(其他)';

/** A report of nothing yet, to add the chunks of a stream or a file to. */
export function emptyReport(): IngestReport {
  return { received: 0, accepted: 0, duplicates: 0, rejected: 0, flagged: 0, position: 0, results: [] };
}

export interface ReportCollector {
  /** Adds one chunk's report (the store head is the chunk's, the newest). */
  add(part: IngestReport): void;
  /** Adds a row rejected before it reached the ingest service (e.g. a line that is not JSON). */
  reject(outcome: Extract<RecordOutcome, { status: 'rejected' }>): void;
  /** The report so far; results in row order. */
  report(): IngestReport;
}

/**
 * Sums the chunks of a stream or a file into one report of bounded size: the first `detailRows`
 * rejected rows and the first `detailRows` stored (accepted / duplicate) rows keep their full
 * outcome; the rest are only counted, rejections by field and reason. A report of every row of a
 * 200 MB file was ~11x the file and took the process down.
 */
export function createReportCollector(options: { detailRows?: number | undefined } = {}): ReportCollector {
  const detailRows = Math.max(0, options.detailRows ?? DEFAULT_REPORT_ROWS);
  const total = emptyReport();
  let rejectedKept = 0;
  let storedKept = 0;
  let omittedRejected = 0;
  let omittedStored = 0;
  const counts = new Map<string, { field: string; reason: string; count: number }>();

  const count = (field: string, reason: string): void => {
    const key = `${field}\u0000${reason}`;
    let entry = counts.get(key);
    if (!entry) {
      if (counts.size >= MAX_ISSUE_KINDS) {
        entry = counts.get(OTHER_FIELD);
        if (!entry) counts.set(OTHER_FIELD, (entry = { field: OTHER_FIELD, reason: `其余原因 (超过 ${MAX_ISSUE_KINDS} 种, 合计)`, count: 0 }));
      } else counts.set(key, (entry = { field, reason, count: 0 }));
    }
    entry.count++;
  };

  const keep = (r: RecordOutcome): void => {
    if (r.status === 'rejected') {
      if (rejectedKept < detailRows) {
        rejectedKept++;
        total.results.push(r);
        return;
      }
      omittedRejected++;
      // Reasons may quote a value; the field and reason are what a sender fixes by.
      for (const i of r.issues) count(i.field, i.reason);
      return;
    }
    if (storedKept < detailRows) {
      storedKept++;
      total.results.push(r);
      return;
    }
    omittedStored++;
  };

  return {
    add(part) {
      total.received += part.received;
      total.accepted += part.accepted;
      total.duplicates += part.duplicates;
      total.rejected += part.rejected;
      total.flagged += part.flagged;
      total.position = part.position;
      for (const r of part.results) keep(r);
    },
    reject(outcome) {
      total.received++;
      total.rejected++;
      keep(outcome);
    },
    report() {
      total.results.sort((a, b) => a.row - b.row);
      if (omittedRejected + omittedStored === 0) return total;
      return {
        ...total,
        truncated: { detailRows, omittedRejected, omittedStored, issueCounts: [...counts.values()].sort((a, b) => b.count - a.count) },
      };
    },
  };
}

export interface StreamReport {
  /** A row rejected before it reached the ingest service (a line that is not JSON), where it was read. */
  reject(outcome: Extract<RecordOutcome, { status: 'rejected' }>): void;
  /** A record was read and waits for an ingest call. */
  read(): void;
  /** The report of one ingest call over the next records read, in reading order. */
  decided(part: IngestReport): void;
  /** Rejections held back until the records read before them are decided. */
  readonly held: number;
  /** Everything is read (the last ingest call may still come). */
  finish(): void;
  /** The report; call after the last ingest call. */
  report(): IngestReport;
}

/**
 * A stream's report that does not depend on how many records each ingest call takes: outcomes
 * reach the collector in the order an ingest of `chunkRecords` at a time gives (a bad line where it
 * was read; a chunk's results once its last record was read), and the collector keeps the first
 * rows it meets in full, so the same rows are kept. An NDJSON stream ingests larger runs than that
 * (fewer store transactions) and reports as if it had not.
 */
export function createStreamReport(options: { detailRows?: number | undefined; chunkRecords: number }): StreamReport {
  const collector = createReportCollector({ detailRows: options.detailRows });
  const chunk = Math.max(1, options.chunkRecords);
  /** In collector order: a rejection, or how many decided results go next. */
  let queue: (Extract<RecordOutcome, { status: 'rejected' }> | number)[] = [];
  let head = 0;
  let held = 0;
  let read = 0;
  let decided: RecordOutcome[] = [];
  let taken = 0;
  let position = 0;

  const drain = (): void => {
    for (; head < queue.length; head++) {
      const next = queue[head]!;
      if (typeof next === 'number') {
        if (decided.length - taken < next) break;
        collector.add({ received: 0, accepted: 0, duplicates: 0, rejected: 0, flagged: 0, position, results: decided.slice(taken, taken + next) });
        taken += next;
      } else {
        collector.reject(next);
        held--;
      }
    }
    if (head === queue.length) {
      queue = [];
      head = 0;
    }
    if (taken === decided.length) {
      decided = [];
      taken = 0;
    }
  };

  return {
    reject(outcome) {
      queue.push(outcome);
      held++;
      drain();
    },
    read() {
      read++;
      if (read % chunk === 0) queue.push(chunk);
    },
    decided(part) {
      // Counts add up in any order; only the detailed rows depend on it.
      collector.add({ ...part, results: [] });
      position = part.position;
      for (const r of part.results) decided.push(r);
      drain();
    },
    get held() {
      return held;
    },
    finish() {
      if (read % chunk !== 0) queue.push(read % chunk);
      read = 0;
      drain();
    },
    report() {
      drain();
      if (head < queue.length) throw new Error(`stream report: ${queue.length - head} outcomes wait for records never decided`);
      return collector.report();
    },
  };
}
