/**
 * The early-warning API (docs/monitoring.md): what GET /api/v1/warnings takes and answers, and the
 * rule table's view and change (GET / PUT /api/v1/warning-rules).
 */
import { z } from 'zod';
import { AsOfParam } from './api/params.ts';
import { FilingExplanationFiled, WarningRule, WarningRules } from './events/monitoring.ts';
import { Dimension, KPI_IDS, LeadUnit } from './kpis.ts';
import { KpiWarningStatusView, WarningView } from './warningView.ts';

export { KpiWarningStatusView, WarningView };

export const WarningsQuery = z
  .object({
    leadUnit: LeadUnit.optional().meta({ description: 'The lead unit (牵头单位) of the warning\'s subject', example: '科创局' }),
    dimension: Dimension.optional().meta({ description: 'The assessment dimension of the KPI (P, T, E, H, V, G)', example: 'E' }),
    kpi: z
      .string()
      .refine((id) => KPI_IDS.includes(id), { error: '没有这个指标 (GET /api/v1/kpis 列出指标编号)' })
      .optional()
      .meta({ description: 'A KPI id of the catalog', example: 'hte_count' }),
    status: z
      .enum(['open', 'cleared', 'all', '关注', '预警'], { error: 'status 应为 open、cleared、all、关注 或 预警' })
      .default('open')
      .meta({ description: '`open` (default), `cleared`, `all`, or a severity (关注 / 预警) of open warnings' }),
    asOf: AsOfParam,
  })
  .strict();
export type WarningsQuery = z.output<typeof WarningsQuery>;

export const WarningsResponse = z
  .object({
    asOf: z.string().nullable(),
    counts: z.object({ 关注: z.number().int(), 预警: z.number().int() }).describe('Open warnings by severity (all filters but status applied)'),
    statuses: z.record(z.string(), z.enum(['关注', '预警'])).describe('Per KPI with an open warning, its status; a KPI with a target and none is 正常'),
    warnings: z.array(WarningView),
  })
  .meta({ id: 'Warnings' });

export const RuleSetSchema = z
  .object({
    version: z.number().int().min(1),
    rules: z.array(WarningRule),
    changedAt: z.string().nullable().describe('Record instant of the change; null for the defaults shipped in code (version 1)'),
    changedBy: z.string(),
    reason: z.string().nullable(),
    history: z.array(z.object({ version: z.number().int(), changedAt: z.string().nullable(), changedBy: z.string(), reason: z.string().nullable() })),
  })
  .meta({ id: 'WarningRuleSet', description: 'The warning rule table in force and its versions' });
export type RuleSetView = z.infer<typeof RuleSetSchema>;

export const RuleChangeResponse = RuleSetSchema.extend({ changed: z.boolean().describe('False when the table sent equals the one in force (nothing recorded)') }).meta({ id: 'WarningRuleSetChanged' });

/** The body of PUT /api/v1/warning-rules: the whole new table, optionally the version it was edited from. */
export const RuleChange = z
  .strictObject({
    rules: WarningRules,
    basedOnVersion: z.number().int().min(1).optional().describe('The version the editor started from: 409 when another change came first'),
    reason: z.string().trim().max(500).optional(),
  })
  .meta({ id: 'WarningRuleChange' });

/** Query of GET /api/v1/data-quality. */
export const DataQualityQuery = z.object({ asOf: AsOfParam }).strict();

export const DataQualityResponse = z
  .object({
    asOf: z.string().nullable().describe('The as-of instant asked for (ISO), or null: as known now'),
    day: z.string().describe('The day cadences are measured to (Asia/Shanghai)'),
    units: z
      .array(
        z.object({
          unit: z.string().describe('The sending department (source.unit of its records)'),
          systems: z.array(z.string()).describe('Systems it sent from (source.system)'),
          records: z.number().int().describe('Records stored from it'),
          recordsLast30Days: z.number().int().describe('Of those, recorded in the 30 days to the day'),
          lastRecordedAt: z.string().nullable().describe('When its latest record was stored (ISO, UTC); null when none was (only rejected records)'),
          lastOccurred: z.string().nullable().describe('The latest business date among its records; null when none was stored'),
          cadenceDays: z.number().int().describe('Expected cadence: the source-overdue warning rule of the table in force (per unit, else its default)'),
          daysSinceLast: z.number().int().nullable().describe('Days from the latest business date among its records to the day (what the source-overdue rule measures); null when none was stored'),
          daysSinceLastSent: z.number().int().nullable().describe('Days from when its latest record was stored to the day; null when none was stored'),
          overdue: z.boolean().describe('daysSinceLast beyond cadenceDays (the source-overdue warning\'s own test)'),
          corrections: z.number().int().describe('Records that corrected an earlier one'),
          flagged: z.number().int().describe('Records stored with a data-quality flag'),
          underReview: z.number().int().describe('Records flagged by filing review (review:…), asking for an explanation'),
          explained: z.number().int().describe('Of those, records with an explanation filed (POST /api/v1/explanations)'),
          awaitingExplanation: z
            .array(z.object({ eventId: z.string(), flags: z.array(z.string()), recordedAt: z.string() }))
            .describe('Flagged records still without an explanation, oldest first (at most 50)'),
          flags: z.record(z.string(), z.number().int()).describe('Flagged records by flag (docs/ingest.md)'),
          rejected: z.number().int().describe('Records it sent that ingest rejected (they left nothing in the store; counted by the ingest service)'),
          rejectedLast30Days: z.number().int().describe('Of those, in the 30 days to the day'),
          rejectedShare: z.number().nullable().describe('rejected ÷ (rejected + records stored), 0–1; null when it sent nothing'),
          rejections: z
            .array(z.object({ field: z.string(), reason: z.string(), count: z.number().int() }))
            .describe('Rejected records by field and reason (the first issue of each), most frequent first (at most 10)'),
        }),
      )
      .describe('Per sending department, by name'),
    duplicateNames: z
      .array(z.object({ name: z.string(), usccs: z.array(z.string()).describe('The USCCs registered under that name') }))
      .describe('Enterprise names registered under more than one USCC (at most 200)'),
  })
  .meta({ id: 'DataQuality' });
export type DataQualityView = z.infer<typeof DataQualityResponse>;

/** Body of POST /api/v1/explanations. */
export const ExplanationRequest = z
  .strictObject({
    eventId: z.uuid({ error: 'eventId 应为被标记记录的事件编号 (UUID)' }).describe('The event id of the flagged record (in the import report and on the data-quality board)'),
    // The event's own rule, so the route and the stored event cannot disagree on what is valid.
    explanation: FilingExplanationFiled.shape.explanation,
  })
  .meta({ id: 'ExplanationRequest' });

export const ExplanationResponse = z
  .object({
    eventId: z.string().describe('The explanation event id'),
    explains: z.string().describe('The flagged record it explains'),
    flags: z.array(z.string()).describe('The review flags it answers'),
    duplicate: z.boolean().describe('True when this very explanation was filed before (nothing new stored)'),
    position: z.number().int().describe('Store position of the explanation event'),
  })
  .meta({ id: 'ExplanationFiled' });
