/**
 * The periodic assessment report (监测评估报告, docs/reports.md): what GET /api/v1/reports/:period
 * takes and answers. The same period and `asOf` give the same report, and the same bytes in XLSX and PDF.
 */
import { z } from 'zod';
import { AsOfParam } from './api/params.ts';
import { Dimension, KpiKind } from './kpis.ts';
import { KpiWarningStatusView } from './warningView.ts';

/** A report period: a year, a half, a quarter or a month. */
export const ReportPeriodLabel = z
  .string()
  .regex(/^\d{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$/, { error: '报告期格式错误: 应为 2025、2025-H1、2025-Q3 或 2025-09' })
  .meta({ description: 'The report period: a year (2025), half (2025-H1), quarter (2025-Q3) or month (2025-09)', example: '2025-Q3' });

export const ReportFormat = z.enum(['json', 'xlsx', 'pdf'], { error: 'format 应为 json、xlsx 或 pdf' });
export type ReportFormat = z.infer<typeof ReportFormat>;

export const ReportQuery = z
  .strictObject({
    format: ReportFormat.default('json').meta({ description: '`json` (default), `xlsx` (workbook) or `pdf` (with charts)' }),
    asOf: AsOfParam,
  })
  .meta({ description: 'asOf: the report as known at that instant (default now; the answer names it in X-Brain-As-Of)' });
export type ReportQuery = z.output<typeof ReportQuery>;

/** An entity behind a change, with what it adds to the value. */
export const ReportMover = z.object({ entity: z.string(), name: z.string(), value: z.number() });
export type ReportMover = z.infer<typeof ReportMover>;

/** Why a stock moved: entities entering and leaving between the previous period's end and this one's, by reason. */
export const ReportMovement = z.object({
  entered: z.number().int().describe('Entities counted at this period end and not at the previous one'),
  left: z.number().int().describe('Entities counted at the previous period end and not at this one'),
  reasons: z
    .array(z.object({ key: z.string(), label: z.string(), direction: z.enum(['in', 'out']), count: z.number().int() }))
    .describe('By reason (新认定 / 迁入 / 到期 / 撤销 / 迁出, or 新增 / 退出 where the KPI does not say why)'),
  topEntered: z.array(ReportMover),
  topLeft: z.array(ReportMover),
});
export type ReportMovement = z.infer<typeof ReportMovement>;

export const ReportProjection = z.object({
  yearEnd: z.number().nullable().describe('The value projected at the end of the period\'s year, as of the period end (docs/monitoring.md)'),
  yearTarget: z.number().nullable(),
  attainment: z.number().nullable().describe('Projected ÷ year target (1 = 100 %)'),
  method: z.enum(['seasonal', 'linear', 'flat', 'final']).describe('final: the period ends with the year, the value is the year\'s'),
});
export type ReportProjection = z.infer<typeof ReportProjection>;

export const ReportKpi = z.object({
  id: z.string(),
  name: z.string(),
  unit: z.string(),
  kind: KpiKind,
  dimension: Dimension,
  leadUnit: z.string(),
  task: z.union([z.number().int(), z.literal('all')]),
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  components: z.record(z.string(), z.number().nullable()),
  target: z.number().nullable(),
  attainment: z.number().nullable(),
  previous: z.object({ period: z.string(), value: z.number().nullable() }),
  lastYear: z.object({ period: z.string(), value: z.number().nullable() }),
  projection: ReportProjection.nullable(),
  status: KpiWarningStatusView.nullable().describe('正常 / 关注 / 预警 at the period end (null without a target)'),
  movement: ReportMovement.nullable().describe('Stocks: who entered and left, and why'),
  contributors: z.array(ReportMover).describe('The largest contributors to this period\'s value'),
  sentences: z.array(z.string()).describe('What moved and why, in Chinese'),
});
export type ReportKpi = z.infer<typeof ReportKpi>;

/** A warning rule that fires on the report period's last day. */
export const ReportFinding = z.object({
  kpiId: z.string(),
  ruleId: z.string(),
  severity: z.enum(['关注', '预警']),
  measured: z.number().nullable(),
  threshold: z.number(),
  message: z.string(),
});
export type ReportFinding = z.infer<typeof ReportFinding>;

/** A value of an earlier issued report that later records changed. */
export const ReportRestatement = z.object({
  kpiId: z.string(),
  name: z.string(),
  period: z.string().describe('The period whose value changed'),
  reportAsOf: z.string().describe('The instant the earlier report was issued as of'),
  was: z.number().nullable(),
  now: z.number().nullable(),
  corrections: z
    .array(z.object({ eventId: z.string(), type: z.string(), recordedAt: z.string(), supersedes: z.string(), unit: z.string().nullable() }))
    .describe('The corrections (更正) recorded since that report that touch this value'),
  lateRecords: z.number().int().describe('Records of that period recorded after the report that are not corrections (补报)'),
  sentence: z.string(),
});
export type ReportRestatement = z.infer<typeof ReportRestatement>;

export const Report = z
  .object({
    title: z.string(),
    period: z.string(),
    grain: z.enum(['month', 'quarter', 'half', 'year']),
    start: z.string(),
    end: z.string(),
    asOf: z.string().describe('The report as known at this instant (UTC)'),
    previousPeriod: z.string(),
    lastYearPeriod: z.string(),
    summary: z.object({
      kpis: z.number().int().describe('KPIs computed'),
      withTarget: z.number().int(),
      statuses: z.object({ 正常: z.number().int(), 关注: z.number().int(), 预警: z.number().int() }),
      restatements: z.number().int(),
      highlights: z.array(z.string()).describe('The report\'s lead sentences'),
    }),
    dimensions: z.array(z.object({ dimension: Dimension, name: z.string(), kpiIds: z.array(z.string()) })),
    units: z.array(
      z.object({
        leadUnit: z.string(),
        kpiIds: z.array(z.string()),
        statuses: z.object({ 正常: z.number().int(), 关注: z.number().int(), 预警: z.number().int() }),
        milestones: z.object({ due: z.number().int(), completed: z.number().int(), overdue: z.number().int() }),
      }),
    ),
    kpis: z.array(ReportKpi),
    restatements: z.array(ReportRestatement),
    warnings: z.array(ReportFinding).describe('The warning rules in force at asOf, evaluated on the period\'s last day over the values as known at asOf'),
  })
  .meta({ id: 'AssessmentReport', description: 'The periodic assessment report (监测评估报告) of one period' });
export type Report = z.infer<typeof Report>;

/** One issued report, as GET /api/v1/reports lists it. */
export const IssuedReportView = z.object({
  period: z.string(),
  asOf: z.string(),
  issuedAt: z.string(),
  sha256: z.object({ xlsx: z.string(), pdf: z.string() }),
});
export const IssuedReports = z.object({ reports: z.array(IssuedReportView) }).meta({ id: 'IssuedReports' });
