/**
 * Innovation points (创新积分, 企业创新积分制): the shape of an indicator set kept as data
 * (categories, indicators with the firm-year fact each reads and its scoring rule, revenue-stage
 * groups), and the shapes of the points API (`GET /api/v1/points/sets`, `/points`, `/points/:id`).
 * The sets themselves are data files (projections/points/sets/*.yaml), validated by these schemas.
 */
import { z } from 'zod';
import { AsOfParam } from './api/params.ts';

/**
 * The firm-year figures an indicator can read, each derived from the fact tables for one fiscal
 * year: annual report figures of that year, statuses valid on its last day, flows within it.
 */
export const POINT_FACTS = {
  revenue: { label: '营业收入', unit: '万元', source: '当年年报 营业收入' },
  revenue_growth: { label: '营业收入增长率', unit: '%', source: '(当年营业收入 − 上年营业收入) ÷ 上年营业收入 × 100; 无上年年报或上年为 0 时无值' },
  rd_expense: { label: '研发费用', unit: '万元', source: '当年年报 研发费用' },
  rd_expense_growth: { label: '研发费用增长率', unit: '%', source: '(当年研发费用 − 上年研发费用) ÷ 上年研发费用 × 100; 无上年年报或上年为 0 时无值' },
  rd_intensity: { label: '研发费用占营业收入比例', unit: '%', source: '当年研发费用 ÷ 当年营业收入 × 100; 营业收入为 0 时无值' },
  tech_staff: { label: '科技人员数', unit: '人', source: '当年年报 科技人员 (年末)' },
  tech_staff_share: { label: '科技人员占职工总数比例', unit: '%', source: '科技人员 ÷ 从业人员 × 100 (年末); 从业人员为 0 时无值' },
  high_tech_revenue_share: { label: '高新技术产品收入占比', unit: '%', source: '高新技术产品收入 ÷ 营业收入 × 100; 营业收入为 0 时无值' },
  invention_patents: { label: '有效发明专利数', unit: '件', source: '年末有效、年末由该企业持有的发明专利' },
  patents_granted: { label: '当年授权专利数', unit: '件', source: '当年授权、授权时该企业为专利权人的专利 (发明、实用新型、外观设计)' },
  tech_contract_amount: { label: '技术合同成交额 (输出)', unit: '万元', source: '当年登记、该企业为卖方的技术合同成交额合计' },
  equity_financing: { label: '股权融资额', unit: '万元', source: '当年基金对该企业的投资额合计' },
  hte: { label: '高新技术企业', unit: '是/否', source: '年末持有有效高企证书为 1, 否则 0' },
  tech_sme: { label: '科技型中小企业', unit: '是/否', source: '当年入库且年末未移出为 1, 否则 0' },
  srdi_tier: { label: '专精特新梯度', unit: '级', source: '年末有效的最高梯度: 创新型中小企业 1, 专精特新中小企业 2, 专精特新小巨人 3, 无 0' },
  rd_institution: { label: '自建研发机构', unit: '是/否', source: '当年年报 有研发机构为 1, 否则 0' },
  rd_platforms: { label: '依托建设的研发平台数', unit: '个', source: '年末有效、依托该企业建设的研发平台 (各级)' },
} as const;
export type PointFactId = keyof typeof POINT_FACTS;
export const PointFactId = z.enum(Object.keys(POINT_FACTS) as [PointFactId, ...PointFactId[]]);

/** The figures of one firm-year; null: no value (not reported, or a ratio without a denominator). */
export type FirmYearFacts = Record<PointFactId, number | null>;

const Id = z.string().regex(/^[a-z][a-z0-9_]*$/, { error: '编号应为小写字母、数字与下划线' });
const Points = z.number().nonnegative();

/** How an indicator's value becomes points (never more than the indicator's `maxPoints`). */
export const ScoringRule = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('bands').describe('Banded thresholds: the points of the highest band whose `min` the value reaches; below every band, 0'),
      bands: z
        .array(z.object({ min: z.number().describe('Lowest value of the band (inclusive)'), points: Points.describe('Points of the band') }))
        .min(1)
        .describe('Bands in ascending order of `min`, points not decreasing'),
    })
    .strict(),
  z
    .object({
      type: z.literal('linear').describe('Linear to a cap: maxPoints × (value − floor) ÷ (cap − floor), 0 at or below floor, maxPoints at or above cap'),
      cap: z.number().describe('The value that earns maxPoints'),
      floor: z.number().default(0).describe('The value below which nothing is earned (default 0)'),
    })
    .strict(),
  z.object({ type: z.literal('flag').describe('A yes/no figure: maxPoints when the value is 1 (or more), else 0') }).strict(),
]);
export type ScoringRule = z.output<typeof ScoringRule>;

export const PointCategory = z
  .object({
    id: Id.describe('Category id'),
    name: z.string().min(1).describe('Category name in Chinese, e.g. 技术创新'),
    maxPoints: Points.describe("The category's points: the sum of its indicators' maxPoints"),
  })
  .strict();

export const PointIndicator = z
  .object({
    id: Id.describe('Indicator id, unique in the set'),
    name: z.string().min(1).describe('Indicator name in Chinese'),
    category: Id.describe('The id of its category'),
    fact: PointFactId.describe('The firm-year figure it reads'),
    rule: ScoringRule.describe('How the figure becomes points'),
    maxPoints: Points.describe('The most points it gives (its weight)'),
  })
  .strict();

export const RevenueGroup = z
  .object({
    id: Id.describe('Group id'),
    name: z.string().min(1).describe('Group name in Chinese, e.g. 成长期'),
    minRevenue: z.number().nonnegative().describe("Lowest revenue of the scored year in 万元 (inclusive)"),
    maxRevenue: z.number().positive().nullable().describe('Revenue from which the next group starts, in 万元 (exclusive); null: no upper bound'),
  })
  .strict();

/** One indicator set (指标体系), a version of the scheme; kept as data, validated at load. */
export const IndicatorSetSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/).describe('Set id, e.g. points-2.0'),
    version: z.string().min(1).describe('Version of the scheme, e.g. 2.0'),
    name: z.string().min(1).describe('Name in Chinese'),
    effectiveFrom: z.number().int().min(2000).max(2100).describe('First fiscal year the set applies to by default'),
    basis: z.string().min(1).describe('Where the set comes from and which values are this platform\'s choice'),
    maxPoints: Points.describe('Total points of the set: the sum of its categories'),
    categories: z.array(PointCategory).min(1).describe('Categories in display order'),
    indicators: z.array(PointIndicator).min(1).describe('Indicators in display order'),
    groups: z.array(RevenueGroup).min(1).describe('Revenue-stage groups firms are ranked in, from the lowest revenue; they cover every revenue ≥ 0 without gap or overlap'),
  })
  .strict()
  .superRefine((set, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 1e6) / 1e6;
    const categories = new Set(set.categories.map((c) => c.id));
    const ids = new Set<string>();
    for (const i of set.indicators) {
      if (ids.has(i.id)) issue(`指标编号重复: ${i.id}`);
      ids.add(i.id);
      if (!categories.has(i.category)) issue(`指标 ${i.id} 的类别 ${i.category} 不存在`);
      if (i.rule.type === 'bands') {
        const b = i.rule.bands;
        for (let k = 1; k < b.length; k++) if (!(b[k]!.min > b[k - 1]!.min && b[k]!.points >= b[k - 1]!.points)) issue(`指标 ${i.id} 的分档应按下限递增、分值不减`);
        if (b[b.length - 1]!.points !== i.maxPoints) issue(`指标 ${i.id} 最高档分值应等于 maxPoints`);
      }
      if (i.rule.type === 'linear' && !(i.rule.cap > i.rule.floor)) issue(`指标 ${i.id} 的 cap 应大于 floor`);
    }
    for (const c of set.categories) {
      const total = sum(set.indicators.filter((i) => i.category === c.id).map((i) => i.maxPoints));
      if (total !== c.maxPoints) issue(`类别 ${c.id} 的 maxPoints (${c.maxPoints}) 不等于其指标之和 (${total})`);
    }
    if (sum(set.categories.map((c) => c.maxPoints)) !== set.maxPoints) issue(`maxPoints (${set.maxPoints}) 不等于各类别之和`);
    let from = 0;
    set.groups.forEach((g, k) => {
      if (g.minRevenue !== from) issue(`分组 ${g.id} 应从 ${from} 万元起 (分组须无缝覆盖全部营业收入)`);
      if (g.maxRevenue === null && k !== set.groups.length - 1) issue(`只有最后一个分组可以没有上限`);
      if (g.maxRevenue !== null && g.maxRevenue <= g.minRevenue) issue(`分组 ${g.id} 的上限应大于下限`);
      from = g.maxRevenue ?? Infinity;
    });
    if (set.groups[set.groups.length - 1]!.maxRevenue !== null) issue('最后一个分组应没有上限 (maxRevenue: null)');
  })
  .meta({ id: 'PointIndicatorSet' });
export type IndicatorSet = z.output<typeof IndicatorSetSchema>;

/** The shape of `GET /api/v1/points/sets`. */
export const PointSetsResponse = z
  .object({
    sets: z.array(IndicatorSetSchema).describe('Every indicator set, oldest first'),
    facts: z
      .record(PointFactId, z.object({ label: z.string().describe('Name in Chinese'), unit: z.string().describe('Unit'), source: z.string().describe('How it is derived from the facts') }))
      .describe('The firm-year figures indicators read'),
  })
  .meta({ id: 'PointSets' });

const YearParam = z.coerce
  .number({ error: 'year 应为四位年份' })
  .int({ error: 'year 应为四位年份' })
  .min(2000, { error: 'year 不早于 2000' })
  .max(2100, { error: 'year 不晚于 2100' })
  .refine((y) => y <= new Date(Date.now() + 8 * 3_600_000).getUTCFullYear(), { error: 'year 晚于今年: 尚无该年度的数据' })
  .optional()
  .meta({ description: 'The fiscal year scored (会计年度). Default: last year (the latest year with annual reports).', example: '2025' });
const SetParam = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{0,31}$/, { error: 'set 应为指标体系编号, 如 points-2.0' })
  .optional()
  .meta({ description: 'Indicator set id (GET /api/v1/points/sets), e.g. points-1.0 or points-2.0. Default: the latest set whose effectiveFrom is not after the year.', example: 'points-2.0' });

/** Query of `GET /api/v1/points` (the ranking). */
export const PointsRankingQuery = z
  .object({
    year: YearParam,
    set: SetParam,
    group: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,31}$/, { error: 'group 应为分组编号, 如 growth' })
      .optional()
      .meta({ description: "Only this revenue-stage group of the set (a group id of the set's `groups`)", example: 'all' }),
    q: z.string().trim().min(1).max(100).optional().meta({ description: 'Name fragment or USCC', example: '智能' }),
    limit: z.coerce.number().int().min(1).max(500).default(50).meta({ description: 'page size, 1–500 (default 50)' }),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0).meta({ description: 'rows to skip (default 0)' }),
    asOf: AsOfParam,
  })
  .strict();
export type PointsRankingQuery = z.output<typeof PointsRankingQuery>;

/** Query of `GET /api/v1/points/:id` (one firm's breakdown). */
export const PointsBreakdownQuery = z.object({ year: YearParam, set: SetParam, asOf: AsOfParam }).strict();
export type PointsBreakdownQuery = z.output<typeof PointsBreakdownQuery>;

const SetRef = z
  .object({ id: z.string().describe('Set id'), version: z.string().describe('Version'), name: z.string().describe('Name in Chinese'), maxPoints: z.number().describe('Total points of the set') })
  .meta({ id: 'PointSetRef' });
const GroupRef = z.object({ id: z.string().describe('Group id'), name: z.string().describe('Group name in Chinese') });

export const PointsRankingRowSchema = z
  .object({
    rank: z.number().int().describe('Rank in its group: standard competition ranking (1, 2, 2, 4) by total, highest first'),
    entityId: z.string().describe('The firm\'s USCC'),
    name: z.string().describe('Registered name'),
    street: z.string().describe('Street (街道) at the end of the year'),
    group: GroupRef.describe('Its revenue-stage group'),
    groupSize: z.number().int().describe('Firms scored in its group'),
    total: z.number().describe('Total points (the sum of the indicators\' points, each rounded to 2 decimals)'),
    categories: z.record(z.string(), z.number()).describe('Points per category id'),
  })
  .meta({ id: 'PointsRankingRow' });
export type PointsRankingRow = z.infer<typeof PointsRankingRowSchema>;

export const PointsRankingSchema = z
  .object({
    set: SetRef.describe('The indicator set used'),
    year: z.number().int().describe('The fiscal year scored'),
    categories: z.array(z.object({ id: z.string().describe('Category id'), name: z.string().describe('Name'), maxPoints: z.number().describe('Its points') })).describe('The set\'s categories (column labels)'),
    groups: z.array(GroupRef.extend({ firms: z.number().int().describe('Firms scored in it') })).describe('The set\'s groups with their sizes'),
    rows: z.array(PointsRankingRowSchema).describe('One page: by group (lowest revenue first), then rank, then name'),
    total: z.number().int().describe('Rows matching in all'),
    limit: z.number().int().describe('Page size'),
    offset: z.number().int().describe('Rows skipped'),
    asOf: z.string().nullable().describe('The as-of instant asked for (ISO), or null: as known now'),
  })
  .meta({ id: 'PointsRanking' });
export type PointsRanking = z.infer<typeof PointsRankingSchema>;

export const PointsIndicatorScoreSchema = z
  .object({
    id: z.string().describe('Indicator id'),
    name: z.string().describe('Indicator name'),
    category: z.string().describe('Category id'),
    fact: PointFactId.describe('The figure it reads'),
    unit: z.string().describe('Unit of the figure'),
    value: z.number().nullable().describe('The firm-year figure (null: no value, 0 points)'),
    points: z.number().describe('Points earned, rounded to 2 decimals'),
    maxPoints: z.number().describe('The most it can give'),
    rule: z.string().describe('The scoring rule in words'),
  })
  .meta({ id: 'PointsIndicatorScore' });
export type PointsIndicatorScore = z.infer<typeof PointsIndicatorScoreSchema>;

export const PointsBreakdownSchema = z
  .object({
    entityId: z.string().describe('The firm\'s USCC'),
    name: z.string().describe('Registered name'),
    street: z.string().describe('Street (街道) at the end of the year'),
    year: z.number().int().describe('The fiscal year scored'),
    set: SetRef.describe('The indicator set used'),
    group: GroupRef.describe('Its revenue-stage group'),
    rank: z.number().int().describe('Rank in its group (standard competition ranking)'),
    groupSize: z.number().int().describe('Firms scored in its group'),
    total: z.number().describe('Total points'),
    categories: z.array(z.object({ id: z.string().describe('Category id'), name: z.string().describe('Name'), points: z.number().describe('Points earned'), maxPoints: z.number().describe('Its points') })).describe('Points per category'),
    indicators: z.array(PointsIndicatorScoreSchema).describe('Every indicator with its input value and points'),
    asOf: z.string().nullable().describe('The as-of instant asked for (ISO), or null: as known now'),
  })
  .meta({ id: 'PointsBreakdown' });
export type PointsBreakdown = z.infer<typeof PointsBreakdownSchema>;
