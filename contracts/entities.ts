/**
 * Entity profiles (一企一档): the shapes of `GET /api/v1/entities` (search) and
 * `GET /api/v1/entities/:id` (one profile: current facts, tags, timeline, KPI memberships).
 */
import { z } from 'zod';

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
    q: text('q').optional().describe('name fragment (two characters are enough), or a full USCC / entity id'),
    kind: EntityKind.optional().describe('enterprise, incubator, platform or fund'),
    street: text('street').optional().describe('current street (街道), exact'),
    park: text('park').optional().describe('current park (园区), exact'),
    industry: text('industry').optional().describe('industry (产业) as registered, exact'),
    tag: EntityTagId.optional().describe('a current tag id, e.g. hte (高企), tech_sme (科小), srdi (专精特新), tenant (在孵), chain_leader (链主)'),
    limit: z.coerce.number().int().min(1).max(200).default(20).describe('page size, 1–200 (default 20)'),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('rows to skip (default 0)'),
  })
  .strict();
export type EntitySearchQuery = z.output<typeof EntitySearchQuery>;

export interface EntityTagView {
  id: EntityTag;
  label: string;
  /** Tier or level where the status has one (e.g. 专精特新 小巨人, 国家级). */
  detail?: string;
  since: string;
  /** Last day valid (open-ended statuses: null). */
  until: string | null;
}

export interface EntitySummary {
  id: string;
  kind: EntityKind;
  name: string;
  kindLabel: string;
  /** Enterprises: the USCC (same as id). */
  uscc: string | null;
  street: string;
  park: string;
  industry: string;
  /** In the area today (or at the as-of day): enterprises by their street; other kinds always. */
  inArea: boolean;
  tags: EntityTagView[];
}

export interface EntitySearchResult {
  entities: EntitySummary[];
  total: number;
  limit: number;
  offset: number;
  asOf: string | null;
}

/** One event about the entity, oldest first in a profile. */
export interface EntityTimelineItem {
  eventId: string;
  type: string;
  /** Business date (Asia/Shanghai). */
  occurred: string;
  recordedAt: string;
  position: number;
  streamId: string;
  /** The department (source.unit) that sent the record, when the store is at hand. */
  sourceUnit: string | null;
  /** What the event says, in Chinese. */
  summary: string;
  /** The event id this one corrected, if it is a correction. */
  supersedes: string | null;
  /** A later event corrected this one. */
  supersededBy: string | null;
}

export interface EntityKpiMembership {
  kpiId: string;
  name: string;
  period: string;
  /** What the entity adds to the KPI's value (numerator) and to its denominator. */
  contribution: number;
  denominator: number;
  unit: string;
  reason: string;
}

export interface EntityProfile extends EntitySummary {
  /** Enterprises: the date of establishment as registered. */
  establishedOn: string | null;
  statuses: Array<EntityTagView & { current: boolean; endedBy: string | null; eventId: string }>;
  financials: Array<{ fiscalYear: number; revenue: number; rdExpense: number | null; eventId: string }>;
  timeline: EntityTimelineItem[];
  kpis: EntityKpiMembership[];
  asOf: string | null;
}

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
};
