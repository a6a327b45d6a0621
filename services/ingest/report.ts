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
