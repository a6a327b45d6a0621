import { z } from 'zod';
import { KpiWarningStatusView, WarningView } from './warningView.ts';

/**
 * The KPI catalog (shared/domain/KPIS.md) as data: one row per KPI, ids exactly as in the
 * catalog, plus the few targets the policy itself states. Everything a screen, an export or
 * an analyst needs to say what a number means lives here.
 */

export const KpiKind = z.enum(['stock', 'flow', 'ratio', 'stock+flow', 'flow+ratio']);
export const Dimension = z.enum(['P', 'T', 'E', 'H', 'V', 'G']);
export const LeadUnit = z.enum(['科创局', '发改局', '市场监管局', '组织部', '财政国资局']);
/** task_milestone_completion belongs to every task's own lead unit. */
export const EACH_TASK_LEAD = '各任务牵头单位';
export const KpiLeadUnit = z.union([LeadUnit, z.literal(EACH_TASK_LEAD)]);
export const Grain = z.enum(['month', 'quarter', 'half', 'year', 'ytd']);
export const Breakdown = z.enum(['leadUnit', 'task', 'street', 'industry', 'level', 'tier', 'type', 'cohort']);
export const Priority = z.enum(['P1', 'P2']);

/** The assessment dimensions' names, as the dashboard and the exports show them. */
export const DIMENSION_NAMES: Record<z.infer<typeof Dimension>, { zh: string; en: string }> = {
  P: { zh: '创新平台建设', en: 'innovation platforms' },
  T: { zh: '产业技术攻关', en: 'industrial technology' },
  E: { zh: '科技企业培育', en: 'tech enterprises' },
  H: { zh: '创新人才集聚', en: 'talent' },
  V: { zh: '创新环境营造', en: 'innovation environment' },
  G: { zh: '统筹推进', en: 'governance' },
};

export const KpiDefinition = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/),
  name: z.object({ zh: z.string().min(1), en: z.string().min(1) }),
  /** The unit(s) as the catalog states them, e.g. `项/万元`. */
  unit: z.string().min(1),
  /** The unit of the one number `value` carries (the first figure of a compound KPI). */
  valueUnit: z.string().min(1),
  kind: KpiKind,
  task: z.union([z.number().int().min(1).max(18), z.literal('all')]),
  dimension: Dimension,
  leadUnit: KpiLeadUnit,
  /** Grains the KPI is meaningful at (annual statistics only make sense per year). */
  grains: z.array(Grain).min(1),
  definition: z.string().min(1),
  priority: Priority,
  breakdowns: z.array(Breakdown),
  /** Extra figures the value carries (e.g. 输出 / 吸纳 of tech contracts), key → label. */
  components: z.record(z.string(), z.string()).default({}),
});
export type KpiDefinition = z.infer<typeof KpiDefinition>;
export type KpiKind = z.infer<typeof KpiKind>;
export type Grain = z.infer<typeof Grain>;
export type Breakdown = z.infer<typeof Breakdown>;
export type LeadUnit = z.infer<typeof LeadUnit>;

const ALL: z.infer<typeof Grain>[] = ['month', 'quarter', 'half', 'year', 'ytd'];
const YEARLY: z.infer<typeof Grain>[] = ['year'];

type Row = z.input<typeof KpiDefinition>;
const rows: Row[] = [
  { id: 'kcw_meetings_held', name: { zh: '科创委协调会议次数', en: 'Innovation committee meetings' }, unit: '次', valueUnit: '次', kind: 'flow', task: 1, dimension: 'G', leadUnit: '科创局', grains: ALL, definition: 'meetings of 科创委 held in the period', priority: 'P1', breakdowns: [] },
  { id: 'kcb_meetings_held', name: { zh: '科创办推进会次数', en: 'Innovation office progress meetings' }, unit: '次', valueUnit: '次', kind: 'flow', task: 1, dimension: 'G', leadUnit: '科创局', grains: ALL, definition: 'meetings of 科创办 held in the period', priority: 'P1', breakdowns: [] },
  { id: 'decision_closure_rate', name: { zh: '议定事项办结率', en: 'Decision closure rate' }, unit: '%', valueUnit: '%', kind: 'ratio', task: 1, dimension: 'G', leadUnit: '科创局', grains: ALL, definition: 'decisions of 科创委 / 科创办 meetings due in the period (a period under way: due by the day it is known at) closed on or before their due date ÷ those decisions; decisions without a due date are never due', priority: 'P2', breakdowns: ['tier'], components: { closedLate: '逾期办结 (项)', open: '未办结 (项)' } },
  { id: 'task_milestone_completion', name: { zh: '18项任务节点完成率', en: 'Task milestone completion' }, unit: '%', valueUnit: '%', kind: 'ratio', task: 'all', dimension: 'G', leadUnit: EACH_TASK_LEAD, grains: ALL, definition: 'milestones due in the period and completed by its end ÷ milestones due in the period (latest report per milestone), per task', priority: 'P1', breakdowns: ['task', 'leadUnit'] },
  { id: 'academic_sites', name: { zh: '高校院所布局园区/基地/研究院', en: 'University and institute sites' }, unit: '个', valueUnit: '个', kind: 'stock', task: 2, dimension: 'P', leadUnit: '科创局', grains: ALL, definition: 'distinct sites (园区, 基地, 研究院) universities and institutes established in the area by period end and not revoked', priority: 'P2', breakdowns: ['type'] },
  { id: 'hubu_colleges_relocated', name: { zh: '湖北大学整建制学院搬迁数', en: 'Hubei University colleges relocated' }, unit: '个', valueUnit: '个', kind: 'stock', task: 2, dimension: 'P', leadUnit: '科创局', grains: ALL, definition: 'whole colleges of 湖北大学 relocated to the 阳逻 campus by period end, cumulative (target 4)', priority: 'P1', breakdowns: [] },
  { id: 'applied_univ_bases', name: { zh: '应用型高校实训基地数', en: 'Applied-university training bases' }, unit: '个', valueUnit: '个', kind: 'stock', task: 2, dimension: 'H', leadUnit: '发改局', grains: ALL, definition: 'distinct training bases established by period end', priority: 'P1', breakdowns: ['tier'] },
  { id: 'rd_platforms', name: { zh: '研发平台数 (级别×类型)', en: 'R&D platforms (level × type)' }, unit: '个', valueUnit: '个', kind: 'stock', task: 3, dimension: 'P', leadUnit: '科创局', grains: ALL, definition: 'platforms recognised and not revoked at period end, by level (国家/省/市) × type', priority: 'P1', breakdowns: ['level', 'type'] },
  { id: 'rd_platform_upgrades', name: { zh: '平台提档升级数', en: 'Platform upgrades' }, unit: '个', valueUnit: '个', kind: 'flow', task: 3, dimension: 'P', leadUnit: '科创局', grains: ALL, definition: 'recognitions in the period of a platform at a level ranking above every earlier recognition of it (区级 < 市级 < 省级 < 国家级); a first recognition, a same-level re-recognition or a lower level is not an upgrade', priority: 'P2', breakdowns: ['level', 'type'] },
  { id: 'new_rd_institutions', name: { zh: '新型研发机构数', en: 'New-type R&D institutions' }, unit: '家', valueUnit: '家', kind: 'stock', task: 4, dimension: 'P', leadUnit: '科创局', grains: ALL, definition: 'institutions filed and not revoked at period end', priority: 'P1', breakdowns: ['industry'] },
  { id: 'nri_industry_coverage', name: { zh: '重点产业新型研发机构覆盖率', en: 'Key-industry coverage by new R&D institutions' }, unit: '%', valueUnit: '%', kind: 'ratio', task: 4, dimension: 'P', leadUnit: '科创局', grains: ALL, definition: 'key industries with ≥1 valid institution at period end ÷ key industries (6)', priority: 'P1', breakdowns: [] },
  { id: 'public_service_platforms', name: { zh: '公共技术服务平台数 / 服务企业数', en: 'Public technical service platforms / client firms' }, unit: '个/家', valueUnit: '个', kind: 'stock+flow', task: 5, dimension: 'P', leadUnit: '科创局', grains: ALL, definition: 'platforms registered by period end; distinct client firms served in the period', priority: 'P1', breakdowns: [], components: { clientFirms: '服务企业数 (家)', services: '服务次数', serviceAmount: '服务金额 (万元)' } },
  { id: 'key_tech_projects', name: { zh: '关键核心技术攻关项目数 / 财政投入', en: 'Key technology projects / public funding' }, unit: '项/万元', valueUnit: '项', kind: 'flow', task: 6, dimension: 'T', leadUnit: '科创局', grains: ALL, definition: 'key-technology projects approved in the period; Σ public funding (万元)', priority: 'P2', breakdowns: ['industry'], components: { funding: '财政投入 (万元)' } },
  { id: 'challenge_award_rate', name: { zh: '揭榜挂帅揭榜率', en: 'Open-competition award rate' }, unit: '%', valueUnit: '%', kind: 'ratio', task: 7, dimension: 'T', leadUnit: '科创局', grains: ALL, definition: "challenges of the period-end year's cohort published by period end and awarded by period end ÷ those published; Σ budget", priority: 'P1', breakdowns: [], components: { budget: '榜单预算 (万元)', awardedAmount: '揭榜金额 (万元)' } },
  { id: 'innovation_consortia', name: { zh: '创新联合体数', en: 'Innovation consortia' }, unit: '个', valueUnit: '个', kind: 'stock', task: 8, dimension: 'T', leadUnit: '科创局', grains: ALL, definition: 'consortia formed by period end and not dissolved whose lead firm is in the area at period end; Σ member organisations', priority: 'P2', breakdowns: ['street', 'industry'], components: { members: '成员单位 (家)' } },
  { id: 'chain_leaders_introduced', name: { zh: '链主及配套企业引进数', en: 'Chain leaders and suppliers introduced' }, unit: '家', valueUnit: '家', kind: 'flow', task: 8, dimension: 'E', leadUnit: '科创局', grains: ALL, definition: 'distinct firms in the area on the settlement date settling in the period as chain leader (链主) or supplier (配套)', priority: 'P2', breakdowns: ['type', 'street', 'industry'], components: { chainLeaders: '链主 (家)', suppliers: '配套 (家)' } },
  { id: 'tech_sme_count', name: { zh: '科技型中小企业入库数', en: 'Registered tech SMEs' }, unit: '家', valueUnit: '家', kind: 'stock', task: 9, dimension: 'E', leadUnit: '科创局', grains: ALL, definition: "distinct in-area firms on the period-end year's list (yearly list, not cumulative), not removed", priority: 'P1', breakdowns: ['street', 'industry'] },
  { id: 'hte_count', name: { zh: '有效期内高新技术企业数', en: 'Valid high-tech enterprises' }, unit: '家', valueUnit: '家', kind: 'stock', task: 9, dimension: 'E', leadUnit: '科创局', grains: ALL, definition: 'in-area firms holding a valid 高企 certificate at period end (3 years from issue, unless revoked); net change split into new, moved in, expired, revoked, moved out', priority: 'P1', breakdowns: ['street', 'industry'], components: { new: '新认定', movedIn: '迁入', expired: '到期', revoked: '撤销', movedOut: '迁出' } },
  { id: 'hte_doubling_progress', name: { zh: '高企倍增进度', en: 'High-tech enterprise doubling progress' }, unit: '倍', valueUnit: '倍', kind: 'ratio', task: 9, dimension: 'E', leadUnit: '科创局', grains: ALL, definition: 'hte_count ÷ the baseline the area set (KpiTargetSet kind=baseline)', priority: 'P1', breakdowns: [] },
  { id: 'hte_reserve_conversion', name: { zh: '高企后备库转化率', en: 'High-tech reserve conversion' }, unit: '%', valueUnit: '%', kind: 'ratio', task: 9, dimension: 'E', leadUnit: '科创局', grains: ALL, definition: '高企后备库 members at the start of the year certified 高企 between year start and period end ÷ reserve size at year start', priority: 'P1', breakdowns: [] },
  { id: 'above_scale_hte_rd_coverage', name: { zh: '规上高企研发机构覆盖率', en: 'R&D institution coverage of above-scale HTEs' }, unit: '%', valueUnit: '%', kind: 'ratio', task: 9, dimension: 'E', leadUnit: '科创局', grains: ALL, definition: 'valid in-area 高企 whose latest annual report (fiscal year ≤ period year) is above-scale with an R&D institution ÷ those above-scale', priority: 'P1', breakdowns: ['street', 'industry'] },
  { id: 'enterprise_rd_intensity', name: { zh: '企业研发投入强度', en: 'Enterprise R&D intensity' }, unit: '%', valueUnit: '%', kind: 'ratio', task: 9, dimension: 'E', leadUnit: '科创局', grains: YEARLY, definition: 'Σ R&D expense ÷ Σ revenue of the fiscal year, in-area firms that are 高企 at year end or above-scale (cohort breakdown)', priority: 'P1', breakdowns: ['cohort'] },
  { id: 'innovation_vouchers', name: { zh: '科技创新券兑付额 / 企业数', en: 'Innovation vouchers redeemed / firms' }, unit: '万元/家', valueUnit: '万元', kind: 'flow', task: 9, dimension: 'E', leadUnit: '科创局', grains: ALL, definition: 'Σ amount redeemed in the period; distinct firms', priority: 'P1', breakdowns: ['street', 'industry'], components: { firms: '企业数 (家)' } },
  { id: 'srdi_firms', name: { zh: '创新型 / 专精特新 / 小巨人企业数', en: 'Innovative / SRDI / little-giant firms' }, unit: '家', valueUnit: '家', kind: 'stock', task: 9, dimension: 'E', leadUnit: '科创局', grains: ALL, definition: 'in-area firms with a valid certification at period end, per tier (a firm counts once, at its highest tier)', priority: 'P1', breakdowns: ['tier', 'level', 'street', 'industry'] },
  { id: 'new_species_firms', name: { zh: '科创"新物种"企业数', en: '"New species" firms' }, unit: '家', valueUnit: '家', kind: 'stock', task: 10, dimension: 'E', leadUnit: '科创局', grains: ALL, definition: 'in-area firms listed (valid one year from listing, unless delisted) at period end, per highest tier (潜在瞪羚, 瞪羚, 潜在独角兽, 独角兽, 驼鹿); promotions in the period', priority: 'P1', breakdowns: ['tier', 'street', 'industry'], components: { promotions: '升级 (家)' } },
  { id: 'incubation_carriers', name: { zh: '孵化载体数 (类型×级别)', en: 'Incubation carriers (type × level)' }, unit: '家', valueUnit: '家', kind: 'stock', task: 11, dimension: 'E', leadUnit: '科创局', grains: ALL, definition: 'carriers recognised and not revoked at period end, by type × level at that date', priority: 'P1', breakdowns: ['type', 'level'] },
  { id: 'incubating_tenants', name: { zh: '在孵企业数', en: 'Incubating tenants' }, unit: '家', valueUnit: '家', kind: 'stock', task: 11, dimension: 'E', leadUnit: '科创局', grains: ALL, definition: 'tenants admitted, not yet graduated or exited, at period end', priority: 'P1', breakdowns: ['tier'] },
  { id: 'graduated_tenants', name: { zh: '毕业企业数', en: 'Graduated tenants' }, unit: '家', valueUnit: '家', kind: 'flow', task: 11, dimension: 'E', leadUnit: '科创局', grains: ALL, definition: 'graduations in the period; cumulative to period end', priority: 'P1', breakdowns: ['tier'], components: { cumulative: '累计毕业 (家)' } },
  { id: 'tenant_financing_rate', name: { zh: '获投融资在孵企业占比', en: 'Share of tenants financed' }, unit: '%', valueUnit: '%', kind: 'ratio', task: 11, dimension: 'E', leadUnit: '科创局', grains: ALL, definition: 'tenants incubating at period end with a fund investment in the 12 months to period end ÷ tenants incubating', priority: 'P1', breakdowns: [] },
  { id: 'transfer_carriers', name: { zh: '中试基地 / 概念验证中心 / 院士专家工作站数', en: 'Pilot bases / proof-of-concept centres / academician workstations' }, unit: '个', valueUnit: '个', kind: 'stock', task: 12, dimension: 'V', leadUnit: '科创局', grains: ALL, definition: 'carriers recognised by period end and not revoked, by type and level (the latest recognition of each)', priority: 'P2', breakdowns: ['type', 'level'] },
  { id: 'tech_contract_turnover', name: { zh: '技术合同成交额 (输出/吸纳)', en: 'Technology contract turnover (out / in)' }, unit: '亿元', valueUnit: '亿元', kind: 'flow', task: 13, dimension: 'V', leadUnit: '科创局', grains: ALL, definition: 'Σ registered amount of contracts with a party in the area at registration; seller in area = 输出, buyer in area = 吸纳; 技术交易额; by contract type', priority: 'P1', breakdowns: ['type'], components: { output: '输出 (亿元)', absorbed: '吸纳 (亿元)', techTransaction: '技术交易额 (亿元)', contracts: '合同数' } },
  { id: 'tech_brokers', name: { zh: '技术经纪人数', en: 'Technology brokers' }, unit: '人', valueUnit: '人', kind: 'stock', task: 13, dimension: 'V', leadUnit: '科创局', grains: ALL, definition: 'brokers certified by period end, certificate still valid and not deregistered (active)', priority: 'P2', breakdowns: ['level'] },
  { id: 'invention_patents_per_10k', name: { zh: '每万人口发明专利拥有量', en: 'Invention patents per 10k people' }, unit: '件/万人', valueUnit: '件/万人', kind: 'ratio', task: 14, dimension: 'V', leadUnit: '市场监管局', grains: ALL, definition: 'valid (granted, not lapsed) invention patents with ≥1 owner in the area at period end ÷ resident population (万人, latest 常住人口 statistic starting by period end)', priority: 'P1', breakdowns: [] },
  { id: 'high_value_patents_per_10k', name: { zh: '每万人口高价值发明专利拥有量', en: 'High-value invention patents per 10k people' }, unit: '件/万人', valueUnit: '件/万人', kind: 'ratio', task: 14, dimension: 'V', leadUnit: '市场监管局', grains: ALL, definition: 'same, patents meeting ≥1 CNIPA high-value rule (strategic emerging industry, overseas family, pledged, award)', priority: 'P1', breakdowns: [] },
  { id: 'ip_pledge_financing', name: { zh: '知识产权质押融资额 / 笔数 / 企业数', en: 'IP pledge financing' }, unit: '万元', valueUnit: '万元', kind: 'flow', task: 14, dimension: 'V', leadUnit: '市场监管局', grains: ALL, definition: 'Σ amount of pledges registered in the period by in-area pledgors; count; distinct pledgors', priority: 'P1', breakdowns: ['street', 'industry'], components: { pledges: '笔数', pledgors: '企业数 (家)' } },
  { id: 'high_level_talent', name: { zh: '引进科技领军人才 / 创新团队数', en: 'Leading talents / teams introduced' }, unit: '人/个', valueUnit: '人/个', kind: 'flow', task: 15, dimension: 'H', leadUnit: '组织部', grains: ALL, definition: 'leading talents (科技领军人才) plus innovation teams introduced in the period, by programme and level', priority: 'P1', breakdowns: ['tier', 'level'], components: { talents: '领军人才 (人)', teams: '创新团队 (个)' } },
  { id: 'talent_cultivation', name: { zh: '科技副总/特派员, 科研助理岗位, 毕业生留区', en: 'Talent cultivation' }, unit: '人', valueUnit: '人', kind: 'flow', task: 15, dimension: 'H', leadUnit: '组织部', grains: ALL, definition: 'talents introduced in the period as 科技副总 or 科技特派员, 科研助理 or 毕业生留区: separate counts, value their total', priority: 'P2', breakdowns: ['type'], components: { deputies: '科技副总/特派员 (人)', researchAssistants: '科研助理 (人)', graduatesRetained: '毕业生留区 (人)' } },
  { id: 'fund_matrix', name: { zh: '科创基金矩阵规模', en: 'Innovation fund matrix size' }, unit: '亿元/只/倍', valueUnit: '亿元', kind: 'stock', task: 16, dimension: 'V', leadUnit: '财政国资局', grains: ALL, definition: 'Σ committed of funds established by period end; Σ paid-in; sub-funds by 天使/创投/产业; leverage = Σ committed ÷ Σ government commitment', priority: 'P1', breakdowns: ['tier'], components: { paidIn: '实缴 (亿元)', funds: '基金数 (只)', subFunds: '子基金数 (只)', leverage: '放大倍数 (倍)' } },
  { id: 'fund_investment_in_area', name: { zh: '基金投资新区企业额 / 投早投小占比 / 返投倍数', en: 'Fund investment in area firms' }, unit: '万元/%/倍', valueUnit: '万元', kind: 'flow+ratio', task: 16, dimension: 'V', leadUnit: '财政国资局', grains: ALL, definition: 'Σ investments in firms in the area at investment date; early-stage (种子/天使/Pre-A/A) share of that amount; cumulative in-area investment ÷ government commitment of funds established by period end', priority: 'P1', breakdowns: [], components: { earlyShare: '投早投小占比 (%)', reinvestmentMultiple: '返投倍数 (倍)', investments: '笔数' } },
  { id: 'tech_credit', name: { zh: '科技型企业贷款余额', en: 'Loans to tech firms outstanding' }, unit: '亿元', valueUnit: '亿元', kind: 'stock', task: 16, dimension: 'V', leadUnit: '财政国资局', grains: ALL, definition: 'Σ of each bank’s latest month-end balance (on or before period end) to each 科技型 borrower in the area at period end, in 亿元; distinct borrowers with a balance', priority: 'P2', breakdowns: ['street', 'type'], components: { borrowers: '贷款企业 (家)' } },
  { id: 'listing_pipeline', name: { zh: '上市后备库企业数 / 新上市企业数', en: 'Listing pipeline / new listings' }, unit: '家', valueUnit: '家', kind: 'stock+flow', task: 16, dimension: 'V', leadUnit: '财政国资局', grains: ALL, definition: 'in-area members of 上市后备库 at period end; listings in the period', priority: 'P1', breakdowns: ['street', 'industry'], components: { listings: '新上市 (家)' } },
  { id: 'digital_infra', name: { zh: '每万人5G基站数 / 算力', en: '5G stations per 10k people / compute' }, unit: '个/万人', valueUnit: '个/万人', kind: 'stock', task: 17, dimension: 'V', leadUnit: '科创局', grains: ALL, definition: '5G stations in service (each reporter’s latest report on or before period end) ÷ resident population (万人); Σ computing power (PFLOPS) alongside', priority: 'P2', breakdowns: [], components: { stations: '5G基站 (个)', computePflops: '算力 (PFLOPS)' } },
  { id: 'brain_onboarding', name: { zh: '创新大脑上云率', en: 'Innovation brain onboarding' }, unit: '%', valueUnit: '%', kind: 'ratio', task: 17, dimension: 'V', leadUnit: '科创局', grains: ALL, definition: 'registered innovation entities (in-area firms holding a valid 高企, 科技型中小企业, 专精特新 or 新物种 status at period end) onboarded by period end ÷ those entities', priority: 'P2', breakdowns: ['street', 'industry'] },
  { id: 'innovation_events', name: { zh: '创新论坛/会议/大赛场次与人次', en: 'Innovation events and attendance' }, unit: '场/人次', valueUnit: '场', kind: 'flow', task: 18, dimension: 'V', leadUnit: '科创局', grains: ALL, definition: 'forums, conferences and competitions starting in the period; Σ attendance, by level and kind', priority: 'P2', breakdowns: ['level', 'type'], components: { attendees: '参加人次' } },
];

/** Every KPI of the catalog, validated at load time. */
export const KPI_CATALOG: readonly KpiDefinition[] = Object.freeze(z.array(KpiDefinition).parse(rows));
export const KPI_IDS = KPI_CATALOG.map((k) => k.id);

export function kpiById(id: string): KpiDefinition | undefined {
  return KPI_CATALOG.find((k) => k.id === id);
}

/**
 * Lead units (牵头单位) per policy task. Task 2 and 17 name two: 发改局 leads the applied
 * universities (2) and the public-service facilities (17). Tasks 12 and 13 name only a
 * responsible unit, 科创局, which therefore leads.
 */
export const TASK_LEAD_UNITS: Readonly<Record<number, readonly LeadUnit[]>> = Object.freeze({
  1: ['科创局'], 2: ['科创局', '发改局'], 3: ['科创局'], 4: ['科创局'], 5: ['科创局'], 6: ['科创局'],
  7: ['科创局'], 8: ['科创局'], 9: ['科创局'], 10: ['科创局'], 11: ['科创局'], 12: ['科创局'],
  13: ['科创局'], 14: ['市场监管局'], 15: ['组织部'], 16: ['财政国资局'], 17: ['科创局', '发改局'], 18: ['科创局'],
});

export const DefaultTarget = z.object({
  kpiId: z.string(),
  value: z.number().finite(),
  /**
   * `year`: an amount per calendar year, prorated to shorter periods (flows);
   * `level`: a level to hold at any period end (stocks, ratios).
   */
  basis: z.enum(['year', 'level']),
  source: z.string(),
});
export type DefaultTarget = z.infer<typeof DefaultTarget>;

/** The targets the policy states; targets the area enters (KpiTargetSet) take precedence. */
export const DEFAULT_TARGETS: readonly DefaultTarget[] = Object.freeze(
  z.array(DefaultTarget).parse([
    { kpiId: 'kcw_meetings_held', value: 2, basis: 'year', source: '任务1: 科创委原则上每半年召开一次' },
    { kpiId: 'kcb_meetings_held', value: 6, basis: 'year', source: '任务1: 科创办原则上双月召开一次' },
    { kpiId: 'hubu_colleges_relocated', value: 4, basis: 'level', source: '任务2: 湖北大学4个整建制学院搬迁' },
    { kpiId: 'nri_industry_coverage', value: 100, basis: 'level', source: '任务4: 重点产业新型研发机构全覆盖' },
    { kpiId: 'above_scale_hte_rd_coverage', value: 100, basis: 'level', source: '任务9: 规上高企研发机构全覆盖' },
    { kpiId: 'hte_doubling_progress', value: 2, basis: 'level', source: '任务9: 高新技术企业倍增计划 (2× 基数)' },
  ]),
);

/** What a series call asks for: a range of periods (dates or labels), a grain, optionally an as-of instant and a breakdown. */
export const KpiSeriesQuery = z.object({
  from: z.string().min(4),
  to: z.string().min(4),
  grain: Grain.default('month'),
  /** "As known at": an ISO instant (or a date, meaning the end of that day in Asia/Shanghai). */
  asOf: z.union([z.string().min(10), z.date()]).optional(),
  /** Any text in, one of the Breakdown values out (the API passes the query string through). */
  breakdown: z.string().pipe(Breakdown).optional(),
});
export type KpiSeriesQuery = z.input<typeof KpiSeriesQuery>;

export const KpiPoint = z.object({
  period: z.string(),
  start: z.string(),
  end: z.string(),
  value: z.number().nullable(),
  numerator: z.number().nullable().optional(),
  denominator: z.number().nullable().optional(),
  /** The breakdown value this point is for (absent without a breakdown). */
  breakdown: z.string().optional(),
  components: z.record(z.string(), z.number().nullable()).optional(),
  target: z.number().nullable(),
  /** value ÷ target, uncapped (screens cap the display at 100%). */
  attainment: z.number().nullable(),
});
export type KpiPoint = z.infer<typeof KpiPoint>;

export const KpiLatest = z.object({ period: z.string(), value: z.number().nullable(), target: z.number().nullable(), attainment: z.number().nullable() });
export type KpiLatest = z.infer<typeof KpiLatest>;

/** One entity behind a KPI value (GET /api/v1/kpis/:id/drilldown). */
export const DrilldownRow = z.object({
  entity: z.string(),
  name: z.string(),
  eventIds: z.array(z.string()),
  /** The row's contribution to the numerator (or value) and to the denominator. */
  x: z.number(),
  y: z.number(),
  breakdown: z.string().optional(),
  /** KPI-specific columns (movement, kind, amounts…). */
  detail: z.record(z.string(), z.unknown()),
});
export type DrilldownRow = z.infer<typeof DrilldownRow>;

export const Drilldown = z.object({
  kpiId: z.string(),
  period: z.string(),
  start: z.string(),
  end: z.string(),
  breakdown: Breakdown.optional(),
  breakdownValue: z.string().optional(),
  rows: z.array(DrilldownRow),
});
export type Drilldown = z.infer<typeof Drilldown>;

/** One KPI of a department scorecard (部门考核). */
export const ScorecardEntry = z.object({
  id: z.string(),
  name: KpiDefinition.shape.name,
  unit: z.string(),
  valueUnit: z.string(),
  kind: KpiKind,
  task: KpiDefinition.shape.task,
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  components: z.record(z.string(), z.number().nullable()).optional(),
  target: z.number().nullable(),
  /** value ÷ target, uncapped. */
  attainment: z.number().nullable(),
  previous: z.object({ period: z.string(), value: z.number().nullable() }),
  changeOnPrevious: z.number().nullable(),
  changeOnPreviousPct: z.number().nullable(),
  lastYear: z.object({ period: z.string(), value: z.number().nullable() }),
  changeOnLastYear: z.number().nullable(),
  changeOnLastYearPct: z.number().nullable(),
  /** 正常 / 关注 / 预警 (null without a target); present where early warning runs (docs/monitoring.md). */
  warningStatus: KpiWarningStatusView.nullable().optional(),
});
export type ScorecardEntry = z.infer<typeof ScorecardEntry>;

export const MilestoneStatus = z.object({
  task: z.number().int(),
  milestoneId: z.string(),
  title: z.string(),
  unit: z.string(),
  dueOn: z.string(),
  status: z.string(),
  completedOn: z.string().nullable(),
  done: z.boolean(),
  overdue: z.boolean(),
  eventId: z.string(),
});
export type MilestoneStatus = z.infer<typeof MilestoneStatus>;

/** A lead unit's assessment for one period (GET /api/v1/scorecards/:leadUnit). */
export const Scorecard = z.object({
  leadUnit: LeadUnit,
  period: z.string(),
  start: z.string(),
  end: z.string(),
  tasks: z.array(z.number().int()),
  kpis: z.array(ScorecardEntry),
  milestones: z.array(MilestoneStatus),
  /** The unit's open warnings (as of the asked instant); present where early warning runs. */
  warnings: z.array(WarningView).optional(),
});
export type Scorecard = z.infer<typeof Scorecard>;

/**
 * Chinese labels of the KPI-specific columns of drill-down rows (`detail`), for screens and
 * exports; served with every drill-down (`labels`).
 */
export const DRILLDOWN_COLUMN_LABELS: Readonly<Record<string, string>> = {
  movement: '变动', street: '街道', industry: '产业', level: '级别', tier: '层级', type: '类型', kind: '类别',
  amount: '金额', status: '状态', task: '任务', title: '节点', unit: '单位', due_on: '计划完成', completed_on: '完成日期',
  reported_on: '报送日期', fiscal_year: '年度', revenue: '营业收入', rd_expense: '研发费用', has_rd: '有研发机构',
  above_scale: '规上', valid_start: '有效期起', valid_end: '有效期止', round: '轮次', programme: '计划', reason: '原因',
  strategy: '策略', seller_in: '卖方在区', promoted: '升级', government: '政府出资', paid: '实缴', cohorts: '口径',
  event_id: '事件', tech: '技术交易额', value: '数值', uscc: '统一社会信用代码',
  in_start: '期初计入', in_end: '期末计入', early: '投早投小', in_period: '本期', fund_level: '基金层级',
  committed: '认缴', awarded_on: '揭榜日期', closed_on: '结束日期', admitted_on: '入孵日期',
  seller: '卖方', buyer: '买方', buyer_in: '买方在区', amount_wan: '金额 (万元)',
  body: '会议', owner: '责任单位', closed_date: '办结日期', on_time: '按期办结', late: '逾期办结', lead: '牵头单位', lead_name: '牵头企业',
  members: '成员单位数', funding: '财政投入 (万元)', total_investment: '总投资 (万元)', approved_on: '立项日期', bank: '银行',
  balance_on: '余额日期', pflops: '算力 (PFLOPS)', onboarded_on: '上云日期', attendees: '参加人次',
  organizer: '主办单位', held_on: '举办日期',
};
