import { z } from 'zod';
import { PeriodLabel } from '../events/governance.ts';
import { Grain } from '../kpis.ts';
import { AsOfParam, BreakdownParam, PeriodParam } from './params.ts';
import { PointsBreakdownQuery } from '../points.ts';

/** The export API's query shapes (services/api/exports.ts parses with these; the OpenAPI document shows them). */

export const EXPORT_FORMATS = ['csv', 'xlsx', 'arrow', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The media type of each export format. */
export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  arrow: 'application/vnd.apache.arrow.stream',
  parquet: 'application/vnd.apache.parquet',
};

const RANGE = /^\d{4}(-(\d{2}(-\d{2})?|H[12]|Q[1-4]))?$/;

const Format = z
  .enum(EXPORT_FORMATS, { error: `format 应为 ${EXPORT_FORMATS.join('、')} 之一` })
  .default('xlsx')
  .meta({ description: 'File format: xlsx (default), csv (UTF-8 with BOM), arrow (Arrow IPC stream) or parquet.' });

const ExportAsOf = AsOfParam.meta({
  description:
    'The "as known at" instant the file is computed for (ISO date-time with offset, or a date = end of that day in Asia/Shanghai; not in the future). ' +
    'Default now; the answer says which in the `X-Brain-As-Of` header and inside the file: the same request with that asOf gives a byte-identical file.',
  example: '2025-07-01T00:00:00+08:00',
});

export const ExportScorecardQuery = z.object({
  period: PeriodParam,
  asOf: ExportAsOf,
  format: Format,
  part: z
    .enum(['kpis', 'milestones'], { error: 'part 应为 kpis 或 milestones' })
    .default('kpis')
    .meta({ description: 'For csv, arrow and parquet (one table per file): kpis (default) or milestones (任务节点). XLSX holds both sheets.' }),
});

const rangeBound = (which: 'from' | 'to') =>
  z.string().regex(RANGE, { error: `${which} 应为日期 (YYYY-MM-DD) 或期间 (2025、2025-H1、2025-Q3、2025-07)` });

export const ExportSeriesQuery = z.object({
  from: rangeBound('from')
    .default('2023-01')
    .meta({ description: 'First period: a date `YYYY-MM-DD` or a period label (`2025`, `2025-H1`, `2025-Q3`, `2025-07`); the series starts with the period of `grain` containing its start. Default `2023-01`.', example: '2023-01' }),
  to: rangeBound('to')
    .optional()
    .meta({ description: 'Last period (same forms); the series ends with the period containing its end. Default: the month of `asOf` (Asia/Shanghai), so the same asOf always means the same range.', example: '2025-12' }),
  grain: Grain.default('quarter').meta({ description: 'month, quarter (default), half, year or ytd; only the KPI\'s own grains.' }),
  breakdown: BreakdownParam,
  asOf: ExportAsOf,
  format: Format,
});

export const ExportDrilldownQuery = z.object({
  period: PeriodLabel.meta({ description: 'The period: `2025`, `2025-H1`, `2025-Q3` or `2025-07`.', example: '2025' }),
  breakdown: BreakdownParam,
  value: z.string().max(64).optional().meta({ description: 'Only the rows of this group of `breakdown` (default breakdown: the KPI\'s first).', example: '阳逻街道' }),
  asOf: ExportAsOf,
  format: Format,
});

/** Query of `GET /api/v1/exports/entities/:id` (一企一档 as a file). */
export const ExportEntityQuery = z.object({
  asOf: ExportAsOf,
  format: Format,
  part: z
    .enum(['profile', 'statuses', 'timeline', 'kpis', 'financials'], { error: 'part 应为 profile、statuses、timeline、kpis 或 financials' })
    .default('profile')
    .meta({ description: 'For csv, arrow and parquet (one table per file): profile (概况, default), statuses (资质), timeline (时间线), kpis (计入指标) or financials (年度财务). XLSX holds all five sheets.' }),
});

/** Query of `GET /api/v1/exports/points` (a year's innovation points as a file). */
export const ExportPointsQuery = PointsBreakdownQuery.extend({
  asOf: ExportAsOf,
  format: Format,
  part: z
    .enum(['ranking', 'indicators'], { error: 'part 应为 ranking 或 indicators' })
    .default('ranking')
    .meta({ description: 'For csv, arrow and parquet (one table per file): ranking (积分排名, default) or indicators (指标体系). XLSX holds both sheets.' }),
}).strict();
