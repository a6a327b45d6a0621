import { z } from 'zod';
import { Uscc } from '../identifiers.ts';
import { IsoDate, NonEmpty, Wan, Year } from './common.ts';

export const MilestoneStatus = z.enum(['未开始', '进行中', '已完成', '延期']);
export const Statistic = z.enum(['常住人口', '地区生产总值', '研发经费支出']);

/** Period labels: 2025, 2025-H1, 2025-Q3, 2025-07. */
export const PeriodLabel = z.string().regex(/^\d{4}(-H[12]|-Q[1-4]|-(0[1-9]|1[0-2]))?$/, {
  error: '期间应为 2025、2025-H1、2025-Q3 或 2025-07',
});

export const GovernanceMeetingHeld = z.object({
  meetingId: NonEmpty,
  body: z.enum(['科创委', '科创办']),
  heldOn: IsoDate,
  title: z.string().trim().optional(),
  decisions: z
    .array(z.object({ decisionId: NonEmpty, text: NonEmpty, owner: z.string().trim().optional(), dueOn: IsoDate.optional() }))
    .default([]),
});

export const TaskMilestoneReported = z.object({
  task: z.number().int().min(1).max(18),
  milestoneId: NonEmpty,
  title: NonEmpty,
  unit: NonEmpty,
  dueOn: IsoDate,
  status: MilestoneStatus,
  completedOn: IsoDate.optional(),
  evidence: z.string().trim().optional(),
});

export const ChallengePublished = z.object({
  challengeId: NonEmpty,
  title: NonEmpty,
  publisher: NonEmpty,
  budget: Wan,
  cohort: Year,
  publishedOn: IsoDate,
});

export const ChallengeAwarded = z.object({
  challengeId: NonEmpty,
  awardee: NonEmpty,
  awardeeUscc: Uscc.optional(),
  amount: Wan,
  awardedOn: IsoDate,
});

export const InnovationVoucherRedeemed = z.object({
  voucherId: NonEmpty,
  enterpriseUscc: Uscc,
  amount: Wan,
  serviceProvider: z.string().trim().optional(),
  redeemedOn: IsoDate,
});

export const StatisticPublished = z.object({
  statistic: Statistic,
  period: PeriodLabel,
  value: z.number().finite(),
  unit: NonEmpty,
});

export const KpiTargetSet = z.object({
  kpiId: z.string().regex(/^[a-z0-9_]+$/),
  period: PeriodLabel,
  /** `baseline` is the reference a ratio KPI (e.g. 高企倍增) divides by. */
  kind: z.enum(['target', 'baseline']).default('target'),
  value: z.number().finite(),
  setBy: NonEmpty,
});
