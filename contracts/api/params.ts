import { z } from 'zod';
import { PeriodLabel } from '../events/governance.ts';
import { KPI_IDS, LeadUnit } from '../kpis.ts';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An `asOf` query parameter, the same on the JSON API and the exports: an ISO instant with its
 * offset, or a date (the end of that day, Asia/Shanghai). Parsed to the instant's ISO string.
 * Never in the future: a later event could still be recorded before it, so the answer could not
 * be reproduced (omitting `asOf` means now).
 */
export const AsOfParam = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'asOf 应为带时区的 ISO 时间 (如 2025-07-01T00:00:00+08:00) 或日期 (当日 24 时, 北京时间)',
  })
  .transform((raw, ctx) => {
    const ms = DATE_ONLY.test(raw) ? Date.parse(`${raw}T23:59:59.999+08:00`) : Date.parse(raw);
    if (ms > Date.now()) {
      ctx.addIssue({ code: 'custom', message: 'asOf 晚于当前时间: 之后仍可能有数据记入该时刻之前, 结果将无法复现; 省略 asOf 即按当前时间' });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  })
  .optional()
  .meta({
    description:
      '"As known at" (数据截至): answer with only the events recorded up to this instant, so an answer can be reproduced later. ' +
      'An ISO 8601 date-time WITH its offset (`2025-07-01T00:00:00+08:00` or `…Z`; a date-time without offset is refused), ' +
      'or a date `YYYY-MM-DD`, meaning the end of that day in Asia/Shanghai (23:59:59.999+08:00). Must not be in the future. Default: now.',
    example: '2025-07-01T00:00:00+08:00',
  });

/** A period label: a year, half, quarter or month. */
export const PeriodParam = PeriodLabel.meta({
  description: 'The period (期间): a year `2025`, a half `2025-H1`/`2025-H2`, a quarter `2025-Q1`…`2025-Q4`, or a month `2025-07`.',
  example: '2025',
});

/** A KPI id of the catalog (path parameter `:id`). */
export const KpiIdParam = z.enum(KPI_IDS as [string, ...string[]]).meta({
  description: 'A KPI id of the catalog (指标编号), as `GET /api/v1/kpis` lists them.',
  example: 'hte_count',
});

/** A lead unit (牵头单位, path parameter `:leadUnit`), URL-encoded. */
export const LeadUnitParam = LeadUnit.meta({
  description: 'The lead unit (牵头单位), URL-encoded UTF-8: 科创局, 发改局, 市场监管局, 组织部 or 财政国资局.',
  example: '科创局',
});

/** A breakdown of a KPI (query parameter), one of the KPI's own `breakdowns`. */
export const BreakdownParam = z.string().max(32).optional().meta({
  description:
    'Split the figures by one breakdown (分组): one of the KPI\'s own `breakdowns` (`GET /api/v1/kpis/{id}`; among leadUnit, task, street, industry, level, tier, type, cohort). ' +
    'A breakdown the KPI does not have is refused with 400.',
  example: 'street',
});
