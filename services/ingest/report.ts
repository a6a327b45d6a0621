import type { IngestReport } from '../../contracts/ingest.ts';

/** A report of nothing yet, to add the chunks of a stream or a file to. */
export function emptyReport(): IngestReport {
  return { received: 0, accepted: 0, duplicates: 0, rejected: 0, flagged: 0, position: 0, results: [] };
}

/** Adds one chunk's report to the running total (the store head is the chunk's, the newest). */
export function mergeReport(total: IngestReport, part: IngestReport): void {
  total.received += part.received;
  total.accepted += part.accepted;
  total.duplicates += part.duplicates;
  total.rejected += part.rejected;
  total.flagged += part.flagged;
  total.position = part.position;
  for (const r of part.results) total.results.push(r);
}
