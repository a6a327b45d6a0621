import { z } from 'zod';
import { KeyIndustry, Uscc } from '../identifiers.ts';
import { IsoDate, Level, NonEmpty, Wan, Year } from './common.ts';

export const MilestoneStatus = z.enum(['未开始', '进行中', '已完成', '延期']);
export const Statistic = z.enum(['常住人口', '地区生产总值', '研发经费支出']);

/** Period labels: 2025, 2025-H1, 2025-Q3, 2025-07. */
export const PeriodLabel = z.string().regex(/^\d{4}(-H[12]|-Q[1-4]|-(0[1-9]|1[0-2]))?$/, {
  error: '期间应为 2025、2025-H1、2025-Q3 或 2025-07',
}).describe('A period label: a year (2025), a half year (2025-H1), a quarter (2025-Q3) or a month (2025-07)');

export const GovernanceMeetingHeld = z.object({
  meetingId: NonEmpty.describe('Id of the meeting (会议编号)'),
  body: z.enum(['科创委', '科创办']).describe('Who met: 科创委 the science and innovation commission, 科创办 its office'),
  heldOn: IsoDate.describe('Date of the meeting (会议日期), YYYY-MM-DD'),
  title: z.string().trim().optional().describe('Meeting title or session (会议名称)'),
  decisions: z
    .array(
      z
        .object({
          decisionId: NonEmpty.describe('Id of the decision (议定事项编号), unique within the meeting'),
          text: NonEmpty.describe('What was decided (议定事项)'),
          owner: z.string().trim().optional().describe('Department responsible (责任单位)'),
          dueOn: IsoDate.optional().describe('Deadline (完成时限), YYYY-MM-DD'),
        })
        .describe('One decision of the meeting'),
    )
    .default([])
    .describe('Decisions taken (议定事项); default none'),
});

export const TaskMilestoneReported = z.object({
  task: z.number().int().min(1).max(18).describe('The policy task (重点任务) number, 1–18'),
  milestoneId: NonEmpty.describe('Id of the milestone (节点编号); a later report of the same id replaces the earlier one'),
  title: NonEmpty.describe('What the milestone is (节点内容)'),
  unit: NonEmpty.describe('Responsible department (责任单位), e.g. 科创局; taken as lead unit when it is one of the task’s lead units, else the task’s first lead unit is'),
  dueOn: IsoDate.describe('Due date (计划完成日期), YYYY-MM-DD; milestone-overdue warnings compare with it'),
  status: MilestoneStatus.describe('Status (进度): 未开始 not started, 进行中 in progress, 已完成 done, 延期 delayed'),
  completedOn: IsoDate.optional().describe('Completion date (完成日期), YYYY-MM-DD, when status is 已完成'),
  evidence: z.string().trim().optional().describe('Evidence of progress (佐证材料): a document reference or link'),
});

export const ChallengePublished = z.object({
  challengeId: NonEmpty.describe('Id of the challenge (榜单编号)'),
  title: NonEmpty.describe('Challenge title (榜单名称)'),
  publisher: NonEmpty.describe('Who posted the challenge (发榜单位)'),
  budget: Wan.describe('Challenge budget (榜单金额) in 万元'),
  cohort: Year.describe('The challenge cohort (批次年度), four digits; the award rate compares awards with the same cohort'),
  publishedOn: IsoDate.describe('Publication date (发榜日期), YYYY-MM-DD'),
});

export const ChallengeAwarded = z.object({
  challengeId: NonEmpty.describe('The challenge awarded (榜单编号), as published'),
  awardee: NonEmpty.describe('Who took the challenge (揭榜单位)'),
  awardeeUscc: Uscc.optional().describe('USCC of the awardee (揭榜单位统一社会信用代码), 18 characters GB 32100, when it has one'),
  amount: Wan.describe('Awarded amount (揭榜金额) in 万元'),
  awardedOn: IsoDate.describe('Award date (揭榜日期), YYYY-MM-DD'),
});

export const InnovationVoucherRedeemed = z.object({
  voucherId: NonEmpty.describe('Id of the innovation voucher (创新券编号)'),
  enterpriseUscc: Uscc.describe('USCC of the redeeming enterprise (使用企业统一社会信用代码), 18 characters GB 32100'),
  amount: Wan.describe('Redeemed amount (兑付金额) in 万元'),
  serviceProvider: z.string().trim().optional().describe('Service provider paid with the voucher (服务机构)'),
  redeemedOn: IsoDate.describe('Redemption date (兑付日期), YYYY-MM-DD'),
});

export const StatisticPublished = z.object({
  statistic: Statistic.describe(
    'The official statistic (统计指标): 常住人口 resident population (the divisor of the per-10k-people KPIs), 地区生产总值 GDP, 研发经费支出 R&D expenditure',
  ),
  period: PeriodLabel.describe(
    'The period the figure is for: 2025, 2025-H1, 2025-Q3 or 2025-07. A KPI uses the latest figure whose period starts by the KPI period’s end',
  ),
  value: z.number().finite().describe('The figure, in `unit` (see unit for how it is scaled)'),
  unit: NonEmpty.describe(
    'Unit of value, e.g. 万人, 人, 亿元, 万元. For 常住人口 (population) the per-10k-people KPIs need 万人 (10,000 persons): a unit containing 万 (e.g. 万人) takes value as 万人 as it is; any other unit (e.g. 人) takes value as persons and divides it by 10000. So 98.5 with 万人 and 985000 with 人 mean the same population. Monetary statistics should use 亿元 or 万元 and say so here',
  ),
});

export const KpiTargetSet = z.object({
  kpiId: z.string().regex(/^[a-z0-9_]+$/).describe('The KPI (指标编号), e.g. hte_count: lower-case letters, digits and _, see GET /api/v1/kpis'),
  period: PeriodLabel.describe('The period the target is for: 2025, 2025-H1, 2025-Q3 or 2025-07'),
  /** `baseline` is the reference a ratio KPI (e.g. 高企倍增) divides by. */
  kind: z
    .enum(['target', 'baseline'])
    .default('target')
    .describe('target (default): the value to reach (目标值); baseline: the reference a ratio KPI such as 高企倍增 divides by (基数)'),
  value: z.number().finite().describe('The target or baseline, in the KPI’s value unit (valueUnit of the KPI catalogue, e.g. 家, %, 亿元)'),
  setBy: NonEmpty.describe('Who set it (下达单位 / 人)'),
});

export const DecisionClosed = z.object({
  meetingId: NonEmpty.describe('The meeting that took the decision (会议编号), as sent in GovernanceMeetingHeld'),
  decisionId: NonEmpty.describe('The decision closed (议定事项编号), one of that meeting’s decisions'),
  closedOn: IsoDate.describe('Closure date (办结日期), YYYY-MM-DD; not before the meeting. Closed on time when on or before the decision’s dueOn'),
  result: z.string().trim().optional().describe('How it was closed (办结情况), free text'),
});

export const KeyTechProjectApproved = z.object({
  projectId: NonEmpty.describe('Id of the key-technology project (项目编号)'),
  title: NonEmpty.describe('Project title (项目名称)'),
  leadOrg: NonEmpty.describe('Lead organisation (牵头单位)'),
  leadUscc: Uscc.optional().describe('USCC of the lead organisation (牵头单位统一社会信用代码), 18 characters GB 32100, when it has one'),
  field: KeyIndustry.optional().describe('The key industry the project serves (所属产业): 枢纽经济, 绿色低碳, 生命健康, 智能制造, 现代农业 or 现代服务业'),
  funding: Wan.describe('Public funding granted (财政投入) in 万元'),
  totalInvestment: Wan.optional().describe('Total project investment (项目总投资) in 万元; never below the public funding'),
  approvedOn: IsoDate.describe('Approval date (立项日期), YYYY-MM-DD'),
});

export const InnovationConsortiumFormed = z.object({
  consortiumId: NonEmpty.describe('Id of the innovation consortium (创新联合体编号)'),
  name: NonEmpty.describe('Consortium name (联合体名称)'),
  leadUscc: Uscc.describe('USCC of the lead firm (牵头企业统一社会信用代码), 18 characters GB 32100; the consortium counts while that firm is in the area'),
  leadName: NonEmpty.describe('Name of the lead firm (牵头企业名称)'),
  memberCount: z.number().int().min(2, { error: '联合体至少 2 家成员单位 (含牵头企业)' }).describe('Member organisations (成员单位数) including the lead, at least 2'),
  field: KeyIndustry.optional().describe('The key industry it serves (所属产业)'),
  formedOn: IsoDate.describe('Date of formation (组建日期), YYYY-MM-DD'),
});

export const InnovationConsortiumDissolved = z.object({
  consortiumId: NonEmpty.describe('The consortium (创新联合体编号), as formed'),
  dissolvedOn: IsoDate.describe('Date of dissolution (解散日期), YYYY-MM-DD; not before its formation'),
  reason: z.string().trim().optional().describe('Reason (原因), free text'),
});

export const InnovationEventKind = z.enum(['论坛', '会议', '大赛']);

export const InnovationEventHeld = z.object({
  activityId: NonEmpty.describe('Id of the innovation event (活动编号)'),
  title: NonEmpty.describe('Event title (活动名称)'),
  kind: InnovationEventKind.describe('Kind (活动类型): 论坛 forum, 会议 conference, 大赛 competition'),
  level: Level.describe('Level (级别): 区级, 市级, 省级 or 国家级'),
  organizer: NonEmpty.describe('Organiser (主办单位)'),
  startedOn: IsoDate.describe('First day (开始日期), YYYY-MM-DD; the event counts in the period holding it'),
  endedOn: IsoDate.optional().describe('Last day (结束日期), YYYY-MM-DD, when it lasted several days; not before startedOn'),
  attendees: z.number().int().positive({ error: '参加人次应为正整数' }).describe('Attendance (参加人次), a positive whole number'),
});

export const DigitalInfraReported = z.object({
  reporter: NonEmpty.describe('Who reports (报送单位): a telecom operator or the owner of computing facilities, e.g. 中国移动长江新区分公司'),
  asOf: IsoDate.describe('The date the figures hold at (统计截止日期), YYYY-MM-DD; a KPI period uses each reporter’s latest report on or before its end'),
  stations5g: z.number().int().nonnegative().describe('5G base stations in service in the area (5G基站数), a whole number'),
  computePflops: z.number().finite().nonnegative().describe('Computing power in service in the area (算力规模) in PFLOPS'),
});

export const BrainOnboarded = z.object({
  uscc: Uscc.describe('USCC of the entity onboarded (上云主体统一社会信用代码), 18 characters GB 32100'),
  name: NonEmpty.describe('Entity name (主体名称)'),
  onboardedOn: IsoDate.describe('Date the entity went live on the innovation brain platform (上云日期), YYYY-MM-DD'),
  channel: z.string().trim().optional().describe('How it was onboarded (上云方式), e.g. 企业自主注册, 部门批量导入'),
});
