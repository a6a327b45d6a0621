import { assertNever, factOnlyDecider, streamId, type ContextRecord, type TypeSpecs } from '../decider.ts';

/** Last day of a period label (2025, 2025-H1, 2025-Q3, 2025-07): the business time of a statistic. */
export function periodEnd(period: string): string {
  const year = Number(period.slice(0, 4));
  const endOfMonth = (m: number): string => {
    const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
    return `${period.slice(0, 4)}-${String(m).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
  };
  const rest = period.slice(5);
  if (rest === '') return `${year}-12-31`;
  if (rest.startsWith('H')) return endOfMonth(rest === 'H1' ? 6 : 12);
  if (rest.startsWith('Q')) return endOfMonth(Number(rest.slice(1)) * 3);
  return endOfMonth(Number(rest));
}

/** First day of a period label: when a target for it takes effect. */
export function periodStart(period: string): string {
  const rest = period.slice(5);
  const month = rest === '' ? 1 : rest.startsWith('H') ? (rest === 'H1' ? 1 : 7) : rest.startsWith('Q') ? (Number(rest.slice(1)) - 1) * 3 + 1 : Number(rest);
  return `${period.slice(0, 4)}-${String(month).padStart(2, '0')}-01`;
}

const SPECS: TypeSpecs<'governance'> = {
  GovernanceMeetingHeld: { key: () => 'held', date: (d) => d.heldOn },
  // A milestone reported 进行中 and later 已完成 is two facts; a changed report of the same status is a correction.
  TaskMilestoneReported: { key: (d) => `milestone:${d.milestoneId}:${d.status}`, date: (d) => d.completedOn ?? d.dueOn },
  ChallengePublished: { key: () => 'published', date: (d) => d.publishedOn },
  ChallengeAwarded: { key: (d) => `award:${d.awardeeUscc ?? d.awardee}`, date: (d) => d.awardedOn },
  InnovationVoucherRedeemed: { key: () => 'redeemed', date: (d) => d.redeemedOn },
  StatisticPublished: { key: () => 'value', date: (d) => periodEnd(d.period) },
  KpiTargetSet: { key: (d) => d.kind, date: (d) => periodStart(d.period) },
};

function streamOf(record: ContextRecord<'governance'>): string {
  switch (record.type) {
    case 'GovernanceMeetingHeld':
      return streamId('meeting', record.data.meetingId);
    case 'TaskMilestoneReported':
      return streamId('task', record.data.task);
    case 'ChallengePublished':
    case 'ChallengeAwarded':
      return streamId('challenge', record.data.challengeId);
    case 'InnovationVoucherRedeemed':
      return streamId('voucher', record.data.voucherId);
    case 'StatisticPublished':
      return streamId('statistic', record.data.statistic, record.data.period);
    case 'KpiTargetSet':
      return streamId('kpitarget', record.data.kpiId, record.data.period);
    default:
      return assertNever(record);
  }
}

export const governanceDecider = factOnlyDecider('governance', SPECS, streamOf);
