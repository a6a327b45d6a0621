import { z } from 'zod';
import { EventTypeSchema, INGEST_EVENT_TYPES, SOURCE_CONTEXTS, type IngestEventType } from '../events/index.ts';
import { IngestRecord, type IngestReport } from '../ingest.ts';
import { FieldIssueSchema } from './problem.ts';

/** The ingest API's parameter, request and response shapes (services/ingest/router.ts). */

export const ContextParams = z.object({
  context: z.enum(SOURCE_CONTEXTS).meta({
    description: 'The source context (来源上下文) the records must belong to: a record of another context is rejected. An unknown context is 404.',
    example: 'enterprises',
  }),
});

export const FileUploadQuery = z.object({
  template: z.string({ error: '必填' }).trim().min(1, { error: '必填' }).meta({
    description: 'The template (模板名) the file follows, as `GET /api/v1/ingest/templates` lists them (e.g. `enterprise-registry`). Required.',
    example: 'enterprise-registry',
  }),
  format: z.enum(['csv', 'xlsx'], { error: 'format 应为 csv 或 xlsx' }).optional().meta({
    description: 'The file format; default: from the Content-Type (text/csv → csv, the XLSX media type → xlsx).',
  }),
  document: z.string().max(256).optional().meta({
    description: 'The file\'s name or document number, recorded as each event\'s `source.document`; default: the `X-File-Name` header.',
  }),
  batch: z.string().max(256).optional().meta({ description: 'A batch label, recorded as each event\'s `source.batch`.' }),
});

const CorrelationId = z.string().optional().meta({
  description: 'An id of the sender\'s own, recorded on every event of the request (first 128 characters) to follow it across systems.',
  example: 'kcj-2025-0712-001',
});

export const CorrelationHeaders = z.object({ 'x-correlation-id': CorrelationId });

export const FileUploadHeaders = z.object({
  'x-correlation-id': CorrelationId,
  'x-file-name': z.string().optional().meta({ description: 'The file\'s name, recorded as `source.document` when the `document` parameter is absent.', example: 'enterprise-registry.csv' }),
});

export const EventTypeParams = z.object({
  type: EventTypeSchema.meta({ description: 'An event type (事件类型), as the `oneOf` of `GET /api/v1/ingest/schemas` lists them.', example: 'EnterpriseRegistered' }),
});

export const SchemaQuery = z.object({
  as: z.enum(['event', 'record'], { error: 'as 应为 event 或 record' }).default('event').meta({
    description: '`event`: the stored event (envelope + data); `record`: the record a department sends to produce it. Default event.',
  }),
});

/** One record's outcome in an ingest report. */
export const RecordOutcomeSchema = z
  .discriminatedUnion('status', [
    z.object({
      row: z.number().int().describe('1-based row of the request (array index + 1, NDJSON line, file row)'),
      status: z.literal('accepted'),
      eventIds: z.array(z.string()).describe('The events the record produced'),
      streamId: z.string(),
      quality: z.array(z.string()).optional().describe('Data-quality flags (accepted, but worth a look)'),
      supersedes: z.string().optional().describe('A correction: the event id of the earlier record it replaces (same natural key, different content)'),
    }),
    z.object({
      row: z.number().int(),
      status: z.literal('duplicate').describe('Already recorded: nothing added'),
      eventIds: z.array(z.string()),
      streamId: z.string(),
    }),
    z.object({
      row: z.number().int(),
      status: z.literal('rejected'),
      issues: z.array(FieldIssueSchema),
      code: z.enum(['validation', 'illegal-state', 'conflict']).optional().describe('invalid (400), refused by a business rule (422), version conflict (409)'),
    }),
  ])
  .meta({ id: 'RecordOutcome' });

/** The answer to every ingest call (one record, a batch, a stream or a file). */
export const IngestReportSchema = z
  .object({
    received: z.number().int(),
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    flagged: z.number().int().describe('Rows that carry data-quality flags'),
    position: z.number().int().describe('Store head after the call'),
    results: z.array(RecordOutcomeSchema).describe('Row by row (capped for large streams and files: see `truncated`)'),
    truncated: z
      .object({
        detailRows: z.number().int(),
        omittedRejected: z.number().int(),
        omittedStored: z.number().int(),
        issueCounts: z.array(z.object({ field: z.string(), reason: z.string(), count: z.number().int() })),
      })
      .optional()
      .describe('Present when `results` was capped: what was counted instead of listed'),
  })
  .meta({ id: 'IngestReport', description: 'The answer to every ingest call: 报送结果' });

// The schema and the interface the services use must stay one shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const reportShape: Same<z.output<typeof IngestReportSchema>, IngestReport> = true;
void reportShape;

let documentedRecords: z.ZodType | undefined;

const ID_NUMBER = z
  .string()
  .regex(/^\d{17}[\dXx]$/)
  .optional()
  .meta({ description: '身份证号 (可代替 personRef 发送): 平台只保存加盐哈希 personRef, 不保存原号码 · ID number, instead of personRef: only its salted hash is stored' });

/** The ingest records, each type a component `<Type>Record`, for the document (parsing uses IngestRecord itself). */
export function ingestRecordSchemas(): z.ZodType {
  if (documentedRecords) return documentedRecords;
  const options = IngestRecord.options as unknown as z.ZodObject<{ type: z.ZodLiteral<string> }>[];
  const byType = new Map(options.map((o) => [o.shape.type.value, o]));
  // Only what a department may send: the platform's own events (预警) have no record.
  const documented = INGEST_EVENT_TYPES.map((t: IngestEventType) => {
    const record = byType.get(t)!;
    // A sender may give the person's ID number instead of personRef (services/ingest/talent/decider.ts).
    const sent = t === 'TalentIntroduced' ? record.extend({ data: (record.shape as unknown as { data: z.ZodObject }).data.extend({ idNumber: ID_NUMBER }) }) : record;
    return sent.meta({ id: `${t}Record`, description: `报送 ${t} 的记录` });
  });
  documentedRecords = z.union(documented as unknown as [z.ZodType, ...z.ZodType[]]).meta({ id: 'IngestRecord', description: 'One record as a department sends it (type, occurredAt, source, data)' });
  return documentedRecords;
}

export const TemplateColumnSchema = z.object({
  header: z.string().describe('The Chinese column header'),
  aliases: z.array(z.string()).describe('Other accepted spellings'),
  field: z.string().nullable().describe('Path in the record\'s data; null: informational, not imported'),
  kind: z.enum(['text', 'date', 'number', 'integer', 'boolean']),
  required: z.boolean(),
  description: z.string(),
  example: z.union([z.string(), z.number(), z.boolean()]),
});

export const TemplatesResponse = z
  .object({
    templates: z.array(
      z.object({
        name: z.string().describe('Template name, for `POST /api/v1/ingest/files?template=`'),
        title: z.string(),
        recordType: EventTypeSchema,
        context: z.enum(SOURCE_CONTEXTS),
        system: z.string().describe('Source system recorded on every event of the file'),
        sender: z.string().describe('Who usually sends it'),
        description: z.string(),
        columns: z.array(TemplateColumnSchema),
      }),
    ),
  })
  .meta({ id: 'Templates' });

/** A JSON Schema document (draft 2020-12), as the schema routes serve it. */
export const JsonSchemaDocument = z
  .record(z.string(), z.unknown())
  .meta({ id: 'JsonSchemaDocument', description: 'A JSON Schema (draft 2020-12) document, generated from the zod contracts' });
