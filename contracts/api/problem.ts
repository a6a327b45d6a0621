import { z } from 'zod';

/** One problem with one field of one record (row is 1-based, as a spreadsheet shows it): contracts/errors.ts FieldIssue. */
export const FieldIssueSchema = z
  .object({
    field: z.string().describe('The field (or parameter, or header) at fault, e.g. `data.uscc`, `period`, `Content-Type`, `(body)`'),
    reason: z.string().describe('Why it was refused, in Chinese'),
    row: z.number().int().min(1).optional().describe('1-based row (line of an NDJSON stream, row of a file) when the request had several'),
    value: z.unknown().optional().describe('The value that was refused, when there was one'),
  })
  .meta({ id: 'FieldIssue', description: 'One problem with one field: 字段问题' });

/**
 * Every error answer of the HTTP API: RFC 9457 problem details (`application/problem+json`),
 * plus `errors` (one per field) and a few members of its own (services/http/problem.ts makes them).
 */
export const ProblemSchema = z
  .object({
    type: z.string().describe('A stable URI naming the kind of problem: `urn:innovation-brain:problem:<code>` with code validation, unauthorized, forbidden, not-found, conflict, illegal-state, infrastructure, malformed-json, payload-too-large, unsupported-media-type, http or internal'),
    title: z.string().describe('Short Chinese title of that kind of problem (e.g. 请求数据无效)'),
    status: z.number().int().min(400).max(599).describe('The HTTP status, repeated'),
    detail: z.string().describe('What went wrong with this request, in Chinese, naming the field and why'),
    instance: z.string().optional().describe('The request path and query that failed'),
    errors: z.array(FieldIssueSchema).optional().describe('One entry per field at fault (validation, illegal-state, malformed JSON)'),
    retriable: z.boolean().optional().describe('Infrastructure problems: whether the same request may succeed later unchanged (then `Retry-After` is set)'),
    limit: z.number().int().optional().describe('payload-too-large: the limit in bytes'),
    streamId: z.string().optional().describe('conflict: the stream whose version differed'),
    expectedVersion: z.unknown().optional().describe('conflict: the version the request expected'),
    actualVersion: z.number().int().optional().describe('conflict: the stream\'s actual version'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details: 错误应答 (application/problem+json)' });
export type ProblemBody = z.infer<typeof ProblemSchema>;

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
