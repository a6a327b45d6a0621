import {
  assertNever,
  decideFact,
  refuse,
  streamId,
  trackFact,
  type ContextEvent,
  type ContextRecord,
  type Decider,
  type Facts,
  type TypeSpecs,
} from '../decider.ts';

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

/**
 * A governance stream's state: its facts and, for a meeting, its date and decisions (with what
 * closed them); for an innovation consortium, when it was formed and dissolved.
 */
export interface GovernanceState {
  facts: Facts;
  heldOn?: string;
  decisions: Map<string, { dueOn?: string | undefined }>;
  formedOn?: string;
  dissolvedOn?: string;
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
  // A decision closes once: a closure of it on another date corrects the first.
  DecisionClosed: { key: (d) => `closed:${d.decisionId}`, date: (d) => d.closedOn },
  KeyTechProjectApproved: { key: () => 'approved', date: (d) => d.approvedOn },
  InnovationConsortiumFormed: { key: () => 'formed', date: (d) => d.formedOn },
  InnovationConsortiumDissolved: { key: () => 'dissolved', date: (d) => d.dissolvedOn },
  InnovationEventHeld: { key: () => 'held', date: (d) => d.startedOn },
  DigitalInfraReported: { key: (d) => `asof:${d.asOf}`, date: (d) => d.asOf },
  BrainOnboarded: { key: () => 'onboarded', date: (d) => d.onboardedOn },
};

function streamOf(record: ContextRecord<'governance'>): string {
  switch (record.type) {
    case 'GovernanceMeetingHeld':
    case 'DecisionClosed':
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
    case 'KeyTechProjectApproved':
      return streamId('keytech', record.data.projectId);
    case 'InnovationConsortiumFormed':
    case 'InnovationConsortiumDissolved':
      return streamId('consortium', record.data.consortiumId);
    case 'InnovationEventHeld':
      return streamId('activity', record.data.activityId);
    case 'DigitalInfraReported':
      return streamId('digitalinfra', record.data.reporter);
    case 'BrainOnboarded':
      return streamId('onboarding', record.data.uscc);
    default:
      return assertNever(record);
  }
}

function evolve(state: GovernanceState, event: ContextEvent<'governance'>): GovernanceState {
  trackFact(state.facts, SPECS, event);
  switch (event.type) {
    case 'GovernanceMeetingHeld':
      state.heldOn = event.data.heldOn;
      state.decisions = new Map(event.data.decisions.map((d) => [d.decisionId, { dueOn: d.dueOn }]));
      break;
    case 'InnovationConsortiumFormed':
      state.formedOn = event.data.formedOn;
      break;
    case 'InnovationConsortiumDissolved':
      state.dissolvedOn = event.data.dissolvedOn;
      break;
    case 'DecisionClosed':
    case 'TaskMilestoneReported':
    case 'ChallengePublished':
    case 'ChallengeAwarded':
    case 'InnovationVoucherRedeemed':
    case 'StatisticPublished':
    case 'KpiTargetSet':
    case 'KeyTechProjectApproved':
    case 'InnovationEventHeld':
    case 'DigitalInfraReported':
    case 'BrainOnboarded':
      break;
    default:
      assertNever(event);
  }
  return state;
}

/** A decision is closed only once its meeting is recorded with it, and not before the meeting took it. */
function requireDecision(state: GovernanceState, meetingId: string, decisionId: string, closedOn: string): void {
  if (state.heldOn === undefined) refuse('data.meetingId', `会议 ${meetingId} 尚未登记 (无 GovernanceMeetingHeld), 不能办结其议定事项`, meetingId);
  if (!state.decisions.has(decisionId)) refuse('data.decisionId', `会议 ${meetingId} 没有议定事项 ${decisionId}`, decisionId);
  if (closedOn < state.heldOn) refuse('data.closedOn', `办结日期早于会议日期 ${state.heldOn} (事项议定之日)`, closedOn);
}

function requireFormed(state: GovernanceState, consortiumId: string, dissolvedOn: string): void {
  if (state.formedOn === undefined) refuse('data.consortiumId', `创新联合体 ${consortiumId} 尚未组建 (无 InnovationConsortiumFormed), 不能解散`, consortiumId);
  if (state.dissolvedOn !== undefined) refuse('data.consortiumId', `创新联合体 ${consortiumId} 已于 ${state.dissolvedOn} 解散`, consortiumId);
  if (dissolvedOn < state.formedOn) refuse('data.dissolvedOn', `解散日期早于组建日期 ${state.formedOn}`, dissolvedOn);
}

export const governanceDecider: Decider<'governance', GovernanceState> = {
  context: 'governance',
  initialState: () => ({ facts: new Map(), decisions: new Map() }),
  evolve,
  streamOf,
  decide(record, state, ctx) {
    const base = { record, streamId: streamOf(record), data: record.data };
    switch (record.type) {
      case 'DecisionClosed': {
        const d = record.data;
        // Checked for corrections too: a re-dated closure must still follow the meeting.
        requireDecision(state, d.meetingId, d.decisionId, d.closedOn);
        return decideFact(SPECS, state.facts, base, ctx);
      }
      case 'InnovationConsortiumDissolved': {
        const d = record.data;
        return decideFact(SPECS, state.facts, base, ctx, { rules: () => requireFormed(state, d.consortiumId, d.dissolvedOn) });
      }
      case 'KeyTechProjectApproved': {
        const d = record.data;
        if (d.totalInvestment !== undefined && d.totalInvestment < d.funding) {
          refuse('data.totalInvestment', `项目总投资 ${d.totalInvestment} 万元低于财政投入 ${d.funding} 万元`, d.totalInvestment);
        }
        return decideFact(SPECS, state.facts, base, ctx);
      }
      case 'InnovationEventHeld': {
        const d = record.data;
        if (d.endedOn !== undefined && d.endedOn < d.startedOn) refuse('data.endedOn', `结束日期早于开始日期 ${d.startedOn}`, d.endedOn);
        return decideFact(SPECS, state.facts, base, ctx);
      }
      case 'GovernanceMeetingHeld':
      case 'TaskMilestoneReported':
      case 'ChallengePublished':
      case 'ChallengeAwarded':
      case 'InnovationVoucherRedeemed':
      case 'StatisticPublished':
      case 'KpiTargetSet':
      case 'InnovationConsortiumFormed':
      case 'DigitalInfraReported':
      case 'BrainOnboarded':
        return decideFact(SPECS, state.facts, base, ctx);
      default:
        return assertNever(record);
    }
  },
};
