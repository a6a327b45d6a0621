/**
 * Entity profiles (一企一档): the shapes of `GET /api/v1/entities` (search) and
 * `GET /api/v1/entities/:id` (one profile: current facts, tags, timeline, KPI memberships).
 */
import { z } from 'zod';
import { AsOfParam } from './api/params.ts';

/** Kinds of entity a profile can be about. */
export const ENTITY_KINDS = ['enterprise', 'incubator', 'platform', 'fund'] as const;
export const EntityKind = z.enum(ENTITY_KINDS);
export type EntityKind = z.infer<typeof EntityKind>;

export const ENTITY_KIND_LABELS: Record<EntityKind, string> = { enterprise: '企业', incubator: '孵化载体', platform: '创新平台', fund: '基金' };

/**
 * Tags of an entity today (or at the as-of day): statuses it holds, from the status facts, and
 * 链主 from a chain-leader settlement. The key is the status id of the facts.
 */
export const ENTITY_TAGS = {
  hte: '高企',
  tech_sme: '科小',
  srdi: '专精特新',
  new_species: '新物种',
  reserve_pool: '后备库',
  tenant: '在孵',
  incubator: '孵化载体',
  rd_platform: '研发平台',
  nri: '新型研发机构',
  psp: '公共服务平台',
  college: '高校院所平台',
  training_base: '实训基地',
  fund: '基金',
  patent_owner: '专利权人',
  chain_leader: '链主',
} as const;
export type EntityTag = keyof typeof ENTITY_TAGS;
export const EntityTagId = z.enum(Object.keys(ENTITY_TAGS) as [EntityTag, ...EntityTag[]]);

const text = (what: string) => z.string().trim().min(1, `${what}不能为空`).max(100, `${what}最长 100 字`);

/** Query of `GET /api/v1/entities`. */
export const EntitySearchQuery = z
  .object({
    q: text('q').optional().meta({ description: 'Name fragment (two characters are enough), or a full USCC / entity id', example: '智能' }),
    kind: EntityKind.optional().meta({ description: 'enterprise, incubator, platform or fund' }),
    street: text('street').optional().meta({ description: 'current street (街道), exact' }),
    park: text('park').optional().meta({ description: 'current park (园区), exact' }),
    industry: text('industry').optional().meta({ description: 'industry (产业) as registered, exact' }),
    tag: EntityTagId.optional().meta({ description: 'a current tag id, e.g. hte (高企), tech_sme (科小), srdi (专精特新), tenant (在孵), chain_leader (链主)' }),
    limit: z.coerce.number().int().min(1).max(200).default(20).meta({ description: 'page size, 1–200 (default 20)' }),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0).meta({ description: 'rows to skip (default 0)' }),
    asOf: AsOfParam,
  })
  .strict();

/** Query of `GET /api/v1/entities/:id`. */
export const EntityProfileQuery = z.object({ asOf: AsOfParam }).strict();
export type EntitySearchQuery = z.output<typeof EntitySearchQuery>;

const DATE = z.string().meta({ description: 'A date, YYYY-MM-DD (Asia/Shanghai)', example: '2024-03-15' });

export const EntityTagViewSchema = z
  .object({
    id: EntityTagId.meta({ description: 'Tag id (a status of the facts, or chain_leader)' }),
    label: z.string().meta({ description: 'The tag in Chinese, e.g. 高企', example: '高企' }),
    detail: z.string().optional().meta({ description: 'Tier or level where the status has one (e.g. 小巨人, 国家级); several joined by /' }),
    since: DATE.meta({ description: 'First day held (the earliest of the current grants)' }),
    until: DATE.nullable().meta({ description: 'Last day valid; null when open-ended' }),
  })
  .meta({ id: 'EntityTag' });
export type EntityTagView = z.infer<typeof EntityTagViewSchema>;

export const EntitySummarySchema = z
  .object({
    id: z.string().meta({ description: 'Entity id: the USCC of an enterprise, the id of an incubator, platform or fund', example: '91420117MA4KA0001X' }),
    kind: EntityKind.meta({ description: 'enterprise, incubator, platform or fund' }),
    kindLabel: z.string().meta({ description: 'The kind in Chinese', example: '企业' }),
    name: z.string().meta({ description: 'Registered name (empty when only other departments mentioned it)', example: '阳光智能' }),
    uscc: z.string().nullable().meta({ description: 'Enterprises: the USCC (same as id); null for other kinds' }),
    street: z.string().meta({ description: 'Current street (街道); empty when unknown or for other kinds' }),
    park: z.string().meta({ description: 'Current park (园区); may be empty' }),
    industry: z.string().meta({ description: 'Industry (产业) as registered' }),
    inArea: z.boolean().meta({ description: 'In the area at the day: enterprises by their street; other kinds always' }),
    tags: z.array(EntityTagViewSchema).meta({ description: 'Tags held at the day, oldest first' }),
  })
  .meta({ id: 'EntitySummary' });
export type EntitySummary = z.infer<typeof EntitySummarySchema>;

export const EntitySearchResultSchema = z
  .object({
    entities: z.array(EntitySummarySchema).meta({ description: 'One page of matches: enterprises first, then by name' }),
    total: z.number().int().meta({ description: 'Matches in all' }),
    limit: z.number().int().meta({ description: 'The page size asked for' }),
    offset: z.number().int().meta({ description: 'Rows skipped' }),
    asOf: z.string().nullable().meta({ description: 'The as-of instant asked for (ISO), or null: as known now' }),
  })
  .meta({ id: 'EntitySearchResult' });
export type EntitySearchResult = z.infer<typeof EntitySearchResultSchema>;

export const EntityTimelineItemSchema = z
  .object({
    eventId: z.string().meta({ description: 'The event id (UUID)' }),
    type: z.string().meta({ description: 'Event type, e.g. HighTechCertified (empty when the store is not at hand and the event is no correction)' }),
    occurred: DATE.meta({ description: 'Business date of the event (Asia/Shanghai)' }),
    recordedAt: z.string().meta({ description: 'When the platform recorded it (ISO, UTC)' }),
    position: z.number().int().meta({ description: 'Global store position' }),
    streamId: z.string().meta({ description: 'The stream it belongs to' }),
    sourceUnit: z.string().nullable().meta({ description: 'The department (source.unit, else source.system) that sent the record; null when the store is not at hand' }),
    summary: z.string().meta({ description: 'What the event says, in Chinese' }),
    supersedes: z.string().nullable().meta({ description: 'The event this one corrected, if it is a correction' }),
    supersededBy: z.string().nullable().meta({ description: 'The latest event that corrected this one, if any' }),
  })
  .meta({ id: 'EntityTimelineItem' });
export type EntityTimelineItem = z.infer<typeof EntityTimelineItemSchema>;

export const EntityKpiMembershipSchema = z
  .object({
    kpiId: z.string().meta({ description: 'KPI id of the catalog' }),
    name: z.string().meta({ description: 'KPI name in Chinese' }),
    period: z.string().meta({ description: 'The period `latest` reports for the KPI (this year to date, or the last full year)' }),
    contribution: z.number().meta({ description: 'What the entity adds to the value (the numerator of a ratio)' }),
    denominator: z.number().meta({ description: 'What it adds to the denominator of a ratio (0 for counts and sums)' }),
    unit: z.string().meta({ description: 'Unit of the contribution' }),
    reason: z.string().meta({ description: 'Why it counts, in Chinese' }),
  })
  .meta({ id: 'EntityKpiMembership' });
export type EntityKpiMembership = z.infer<typeof EntityKpiMembershipSchema>;

export const EntityProfileSchema = EntitySummarySchema.extend({
  establishedOn: DATE.nullable().meta({ description: 'Enterprises: date of establishment as registered' }),
  statuses: z
    .array(
      EntityTagViewSchema.extend({
        current: z.boolean().meta({ description: 'Held at the day' }),
        endedBy: z.string().nullable().meta({ description: 'How it ended or will end: expiry, revocation, removal, delisting, exit, graduation, lapse, transfer; null when open-ended' }),
        eventId: z.string().meta({ description: 'The event that granted it' }),
      }),
    )
    .meta({ description: 'Every status held, ever, oldest first (corrections applied)' }),
  financials: z
    .array(
      z.object({
        fiscalYear: z.number().int().meta({ description: 'Fiscal year' }),
        revenue: z.number().meta({ description: 'Revenue, 万元' }),
        rdExpense: z.number().nullable().meta({ description: 'R&D expense, 万元' }),
        eventId: z.string().meta({ description: 'The annual report event (its latest correction)' }),
      }),
    )
    .meta({ description: 'Annual figures per fiscal year' }),
  timeline: z.array(EntityTimelineItemSchema).meta({ description: 'Every event behind a fact about the entity, oldest first (at most 5,000)' }),
  kpis: z.array(EntityKpiMembershipSchema).meta({ description: 'The KPIs it counts in at their latest period' }),
  asOf: z.string().nullable().meta({ description: 'The as-of instant asked for (ISO), or null: as known now' }),
}).meta({ id: 'EntityProfile' });
export type EntityProfile = z.infer<typeof EntityProfileSchema>;

/** Path parameter of `GET /api/v1/entities/:id`. */
export const EntityIdParams = z.object({
  id: z
    .string()
    .regex(/^[\p{L}\p{N}:._\-\u00b7()（）]{1,128}$/u, { error: '主体编号应为统一社会信用代码或主体编号 (1–128 个字母、数字、:._-)' })
    .meta({ description: 'Entity id: the USCC of an enterprise, or the id of an incubator, platform or fund (as in search results)', example: '91420117MA4KA0001X' }),
});

/** Chinese names of the event types, for timelines. */
export const EVENT_LABELS: Record<string, string> = {
  EnterpriseRegistered: '企业登记',
  EnterpriseRelocated: '企业迁移',
  EnterpriseDeregistered: '企业注销',
  EnterpriseAnnualFinancialsReported: '年报财务数据',
  TechSmeRegistered: '科技型中小企业入库',
  TechSmeRemoved: '科技型中小企业出库',
  HighTechCertified: '高新技术企业认定',
  HighTechRevoked: '高新技术企业资格撤销',
  SrdiCertified: '专精特新认定',
  SrdiRevoked: '专精特新资格撤销',
  NewSpeciesListed: '科创"新物种"入库',
  NewSpeciesDelisted: '科创"新物种"出库',
  ReservePoolAdmitted: '后备库入库',
  ReservePoolExited: '后备库出库',
  EnterpriseListed: '企业上市',
  EnterpriseSettled: '企业落户',
  IncubatorRecognized: '孵化载体认定',
  IncubatorLevelChanged: '孵化载体级别变更',
  IncubatorRevoked: '孵化载体撤销',
  IncubatorTenantAdmitted: '入孵',
  IncubatorTenantGraduated: '毕业',
  IncubatorTenantExited: '退孵',
  RdPlatformRecognized: '研发平台认定',
  RdPlatformRevoked: '研发平台撤销',
  NewRdInstitutionRegistered: '新型研发机构备案',
  PublicServicePlatformRegistered: '公共服务平台备案',
  PlatformServiceDelivered: '平台服务',
  CollegeRelocated: '高校院所迁入',
  TrainingBaseEstablished: '实训基地设立',
  FundEstablished: '基金设立',
  FundCapitalCalled: '基金实缴',
  FundInvestmentMade: '基金投资',
  FundExitRealized: '基金退出',
  TechContractRegistered: '技术合同登记',
  PatentGranted: '专利授权',
  PatentLapsed: '专利失效',
  PatentTransferred: '专利转让',
  IpPledgeRegistered: '知识产权质押登记',
  TalentIntroduced: '人才引进',
  TeamIntroduced: '团队引进',
  GovernanceMeetingHeld: '议事会议',
  TaskMilestoneReported: '任务节点报送',
  ChallengePublished: '揭榜挂帅发榜',
  ChallengeAwarded: '揭榜挂帅揭榜',
  InnovationVoucherRedeemed: '科技创新券兑付',
  StatisticPublished: '统计数据发布',
  KpiTargetSet: '指标目标设定',
  DecisionClosed: '议定事项办结',
  KeyTechProjectApproved: '关键核心技术攻关立项',
  InnovationConsortiumFormed: '创新联合体组建',
  InnovationConsortiumDissolved: '创新联合体解散',
  InnovationEventHeld: '创新活动举办',
  DigitalInfraReported: '5G基站与算力报送',
  BrainOnboarded: '创新大脑上云',
  AcademicSiteEstablished: '高校院所布局设立',
  TransferCarrierRecognized: '成果转化载体认定',
  TechBrokerCertified: '技术经纪人登记',
  TechBrokerDeregistered: '技术经纪人注销',
  TechLoanBalanceReported: '科技贷款余额报送',
};
