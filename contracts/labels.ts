/**
 * The Chinese labels the screens show for codes the API sends (GET /api/v1/labels): dimension
 * names, grain and kind names, projection states, drill-down columns and values, data-quality
 * flags, how a status ended. The dashboard loads them once at start instead of copying them.
 */
import { z } from 'zod';
import { DIMENSION_NAMES, DRILLDOWN_COLUMN_LABELS, Dimension, EACH_TASK_LEAD, type Grain, type KpiKind } from './kpis.ts';

/** Grains as short words (该指标不支持按{月}统计); the exports name them GRAIN_ZH (月度, 季度…). */
export const GRAIN_SHORT_NAMES: Record<Grain, string> = { month: '月', quarter: '季', half: '半年', year: '年', ytd: '年累计' };

export const KPI_KIND_NAMES: Record<KpiKind, string> = { stock: '存量', flow: '流量', ratio: '比率', 'stock+flow': '存量+流量', 'flow+ratio': '流量+比率' };

/** A projection's state on GET /status. */
export const PROJECTION_STATE_NAMES: Readonly<Record<string, string>> = { live: '实时', 'catching-up': '追赶中', rebuilding: '重建中', failed: '故障' };

/** Drill-down `detail` columns holding 0/1 (or true/false): shown as 是 / 否. */
export const DRILLDOWN_FLAG_COLUMNS: readonly string[] = ['in_start', 'in_end', 'early', 'in_period', 'has_rd', 'above_scale', 'seller_in', 'buyer_in', 'promoted'];

/** Codes in drill-down `detail` columns, per column: the value as the screens show it. */
export const DRILLDOWN_VALUE_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  movement: { new: '新认定', moved_in: '迁入', expired: '到期', revoked: '撤销', moved_out: '迁出' },
  kind: { service: '服务', call: '出资', fund: '基金', listing: '上市', pool: '后备库', investment: '投资', talent: '人才', team: '团队' },
};

/** Data-quality flags set at import (docs/ingest.md), by their full name. */
export const DATA_QUALITY_FLAG_NAMES: Readonly<Record<string, string>> = {
  'review:rdExpense-over-revenue': '研发费用高于营业收入',
  'review:rdExpense-yoy': '研发费用同比 3 倍以上',
  'review:revenue-yoy': '营业收入同比 3 倍以上',
  'review:revenue-implausible': '营业收入异常偏大',
  'review:hte-without-rd': '高企认定但前三年无研发费用',
  'implausible:techStaff': '科技人员多于从业人员',
};

/** Families of data-quality flags that carry a field after the prefix (uscc-check:seller.uscc). */
export const DATA_QUALITY_FLAG_FAMILIES: Readonly<Record<string, string>> = {
  'uscc-check:': '信用代码校验位错误',
  'patent-check:': '专利号校验位错误',
  'hightech-criteria:': '不满足高企认定条件',
};

/** How a status of an entity ended (the profile's `endedBy`). */
export const ENDED_BY_NAMES: Readonly<Record<string, string>> = {
  expiry: '到期',
  revocation: '撤销',
  removal: '出库',
  delisting: '出库',
  exit: '退出',
  graduation: '毕业',
  lapse: '失效',
  transfer: '转让',
};

const names = (what: string) => z.record(z.string(), z.string()).describe(what);

/** GET /api/v1/labels. */
export const LabelsResponse = z
  .object({
    dimensions: z
      .array(z.object({ code: Dimension.describe('Dimension code'), zh: z.string().describe('Chinese name'), en: z.string().describe('English name') }))
      .describe('The assessment dimensions in display order'),
    eachTaskLead: z.string().describe('The lead unit of KPIs every task\'s own lead unit answers for (not a department of its own)'),
    grains: names('Grain code → short Chinese name (月, 季, 半年, 年, 年累计)'),
    kpiKinds: names('KPI kind → Chinese name'),
    projectionStates: names('Projection state on GET /status → Chinese name'),
    drilldownColumns: names('Drill-down detail column → Chinese column label'),
    drilldownFlagColumns: z.array(z.string()).describe('Drill-down detail columns holding 0/1, shown as 是 / 否'),
    drilldownValues: z.record(z.string(), z.record(z.string(), z.string())).describe('Per drill-down detail column, code → Chinese name'),
    dataQualityFlags: names('Data-quality flag → Chinese name'),
    dataQualityFlagFamilies: names('Data-quality flag prefix (uscc-check:) → Chinese name; the rest of the flag names the field'),
    endedBy: names('How an entity status ended (endedBy) → Chinese name'),
  })
  .strict();
export type Labels = z.infer<typeof LabelsResponse>;

/** The one labels answer, built from the tables above and the KPI contract. */
export const LABELS: Labels = {
  dimensions: Dimension.options.map((code) => ({ code, ...DIMENSION_NAMES[code] })),
  eachTaskLead: EACH_TASK_LEAD,
  grains: { ...GRAIN_SHORT_NAMES },
  kpiKinds: { ...KPI_KIND_NAMES },
  projectionStates: { ...PROJECTION_STATE_NAMES },
  drilldownColumns: { ...DRILLDOWN_COLUMN_LABELS },
  drilldownFlagColumns: [...DRILLDOWN_FLAG_COLUMNS],
  drilldownValues: Object.fromEntries(Object.entries(DRILLDOWN_VALUE_NAMES).map(([k, v]) => [k, { ...v }])),
  dataQualityFlags: { ...DATA_QUALITY_FLAG_NAMES },
  dataQualityFlagFamilies: { ...DATA_QUALITY_FLAG_FAMILIES },
  endedBy: { ...ENDED_BY_NAMES },
};
