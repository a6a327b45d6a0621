import { z } from 'zod';
import { OccurredAt } from './events/common.ts';
import { EVENT_DEFINITIONS, INGEST_EVENT_TYPES, Source, type IngestEventType } from './events/index.ts';
import type { FieldIssue } from './errors.ts';

/**
 * One record as a department sends it: the event type, business time, source and payload.
 * The platform adds eventId, streamId, recordedAt, actor and data-quality flags.
 * `occurredAt` defaults to the payload's own date field (e.g. issuedOn) when omitted.
 */
function recordSchema<T extends IngestEventType>(type: T) {
  // Unknown fields are refused, not dropped: a misspelt optional field must not vanish in silence.
  return z.strictObject({
    type: z.literal(type).describe('The event type the record reports'),
    occurredAt: OccurredAt.optional().describe(
      "Business time (业务发生时间): YYYY-MM-DD or an ISO 8601 instant with offset; defaults to the payload's own date field (e.g. issuedOn)",
    ),
    source: Source.strict().describe('Where the record came from: system, document, batch and reporting unit'),
    data: EVENT_DEFINITIONS[type].data.strict().describe(`The ${type} payload`) as unknown as (typeof EVENT_DEFINITIONS)[T]['data'],
    /** Optional optimistic-concurrency check on the target stream (0-based version, -1 = must not exist). */
    expectedVersion: z
      .number()
      .int()
      .min(-1)
      .optional()
      .describe('Optimistic-concurrency check: the expected version of the target stream (0-based; -1 = the stream must not exist yet)'),
    correlationId: z.string().max(128).optional().describe('Your own correlation id (at most 128 characters), stored on the event'),
  });
}

export const IngestRecord = z.discriminatedUnion(
  'type',
  INGEST_EVENT_TYPES.map((t) => recordSchema(t)) as unknown as [ReturnType<typeof recordSchema<'EnterpriseRegistered'>>],
);
export type IngestRecord = { [T in IngestEventType]: z.output<ReturnType<typeof recordSchema<T>>> }[IngestEventType];
/** What a sender may write (defaults not yet applied). */
export type IngestRecordInput = { [T in IngestEventType]: z.input<ReturnType<typeof recordSchema<T>>> }[IngestEventType];

export type RecordOutcome =
  | { row: number; status: 'accepted'; eventIds: string[]; streamId: string; quality?: string[]; supersedes?: string }
  | { row: number; status: 'duplicate'; eventIds: string[]; streamId: string }
  | { row: number; status: 'rejected'; issues: FieldIssue[]; code?: RejectionCode };

/** Why a record was rejected: invalid (400), refused by a business rule (422), or a version conflict (409). */
export type RejectionCode = 'validation' | 'illegal-state' | 'conflict';

/** The answer to every ingest call (one record, a batch, a stream or a file). */
export interface IngestReport {
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Rows that carry data-quality flags (accepted, but worth a look). */
  flagged: number;
  /** Store head after the call. */
  position: number;
  results: RecordOutcome[];
  /** Present when `results` was capped (a large stream or file): what was counted instead of listed. */
  truncated?: ReportTruncation;
}

/** The rows a capped report leaves out: counted, rejections by field and reason. */
export interface ReportTruncation {
  /** Rows listed in full, each of rejected and of stored (accepted / duplicate) ones. */
  detailRows: number;
  /** Rejected rows beyond the detail, counted in `issueCounts`. */
  omittedRejected: number;
  /** Accepted or duplicate rows beyond the detail (their counts are in the totals). */
  omittedStored: number;
  issueCounts: Array<{ field: string; reason: string; count: number }>;
}
