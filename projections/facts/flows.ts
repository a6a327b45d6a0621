import type { DomainEventOf, RecordedEvent } from '../../contracts/events/index.ts';
import { EARLY_ROUNDS } from '../../contracts/events/funds.ts';
import type { Projection, Row } from '../projection.ts';
import { baseRow, factTableDdl, partyKey, pick } from './common.ts';

const handles = [
  'TechContractRegistered',
  'FundInvestmentMade',
  'FundCapitalCalled',
  'FundExitRealized',
  'InnovationVoucherRedeemed',
  'PlatformServiceDelivered',
  'IpPledgeRegistered',
  'TalentIntroduced',
  'TeamIntroduced',
  'GovernanceMeetingHeld',
  'ChallengePublished',
  'ChallengeAwarded',
  'EnterpriseListed',
  'EnterpriseSettled',
  'KeyTechProjectApproved',
  'InnovationEventHeld',
  'DigitalInfraReported',
  'BrainOnboarded',
  'TechLoanBalanceReported',
] as const;
type Handled = DomainEventOf<(typeof handles)[number]>;

/**
 * What happened within a period: one row per event, amounts in 万元 as reported. `occurred` is
 * the payload's own business date (registration, investment, meeting date…). `subject_id` is
 * the entity a flow is counted for (seller, investee, firm, employer…), `party_id` the other side.
 */
export const flowFacts: Projection = {
  name: 'fact_flows',
  version: 1,
  handles,
  tables: [
    {
      name: 'fact_flows',
      ddl: factTableDdl(
        `flow LowCardinality(String),
  subject_id String,
  subject_name String,
  party_id String,
  party_name String,
  ref String,
  category String,
  level String,
  attr String,
  flag UInt8,
  amount Float64,
  amount2 Float64,
  quantity Float64`,
        'flow, occurred, event_id',
      ),
    },
  ],
  project(events: readonly RecordedEvent[]) {
    const rows: Row[] = [];
    for (const e of events) {
      const f = flowOf(e as Handled);
      if (f) rows.push(flowRow(baseRow(e), f));
    }
    return { fact_flows: rows };
  },
};

/**
 * `{ ...base, ...DEFAULTS, ...f }` written out: one object of one shape per row instead of three
 * spreads (the spreads cost more than the rest of the projection). A key `f` has wins, even when
 * its value is undefined (then the column takes its default, as an absent key would).
 */
function flowRow(base: Row, f: Row): Row {
  return {
    event_id: pick(f, 'event_id', base.event_id),
    position: pick(f, 'position', base.position),
    stream_id: pick(f, 'stream_id', base.stream_id),
    occurred: pick(f, 'occurred', base.occurred),
    recorded_at: pick(f, 'recorded_at', base.recorded_at),
    flow: f.flow,
    subject_id: f.subject_id,
    subject_name: pick(f, 'subject_name', ''),
    party_id: pick(f, 'party_id', ''),
    party_name: pick(f, 'party_name', ''),
    ref: pick(f, 'ref', ''),
    category: pick(f, 'category', ''),
    level: pick(f, 'level', ''),
    attr: pick(f, 'attr', ''),
    flag: pick(f, 'flag', 0),
    amount: pick(f, 'amount', 0),
    amount2: pick(f, 'amount2', 0),
    quantity: pick(f, 'quantity', 1),
  };
}

const EARLY: readonly string[] = EARLY_ROUNDS;

function flowOf(e: Handled): Row | undefined {
  switch (e.type) {
    case 'TechContractRegistered': {
      const d = e.data;
      return {
        flow: 'tech_contract', occurred: d.registeredOn, subject_id: partyKey(d.seller), subject_name: d.seller.name,
        party_id: partyKey(d.buyer), party_name: d.buyer.name, ref: d.registrationNumber, category: d.contractType,
        amount: d.totalAmount, amount2: d.techTransactionAmount,
      };
    }
    case 'FundInvestmentMade': {
      const d = e.data;
      return {
        flow: 'fund_investment', occurred: d.investedOn, subject_id: d.investeeUscc, subject_name: d.investeeName,
        party_id: d.fundId, ref: d.investmentId, category: d.round, flag: EARLY.includes(d.round) ? 1 : 0, amount: d.amount,
      };
    }
    case 'FundCapitalCalled':
      return { flow: 'capital_call', occurred: e.data.calledOn, subject_id: e.data.fundId, ref: e.data.callId, amount: e.data.amount };
    case 'FundExitRealized':
      return { flow: 'fund_exit', occurred: e.data.exitedOn, subject_id: e.data.investeeUscc, party_id: e.data.fundId, ref: e.data.investmentId, amount: e.data.proceeds };
    case 'InnovationVoucherRedeemed':
      return { flow: 'voucher', occurred: e.data.redeemedOn, subject_id: e.data.enterpriseUscc, party_name: e.data.serviceProvider ?? '', ref: e.data.voucherId, amount: e.data.amount };
    case 'PlatformServiceDelivered':
      return { flow: 'platform_service', occurred: e.data.deliveredOn, subject_id: e.data.clientUscc, party_id: e.data.platformId, ref: e.data.serviceId, category: e.data.serviceType, amount: e.data.amount };
    case 'IpPledgeRegistered': {
      const d = e.data;
      return {
        flow: 'ip_pledge', occurred: d.termFrom, subject_id: partyKey(d.pledgor), subject_name: d.pledgor.name, party_name: d.pledgee,
        ref: d.registrationNumber, attr: d.termUntil, amount: d.amount, quantity: d.patents.length,
      };
    }
    case 'TalentIntroduced': {
      const d = e.data;
      // No personal name or ID: the talent id is the reference (personal-information law).
      return { flow: 'talent', occurred: d.introducedOn, subject_id: d.employerUscc, ref: d.talentId, category: d.programme, level: d.level ?? '', attr: d.role };
    }
    case 'TeamIntroduced': {
      const d = e.data;
      return { flow: 'team', occurred: d.introducedOn, subject_id: d.employerUscc, party_name: d.teamName, ref: d.teamId, category: d.programme, level: d.level ?? '', quantity: d.members };
    }
    case 'GovernanceMeetingHeld': {
      const d = e.data;
      return { flow: 'meeting', occurred: d.heldOn, subject_id: d.meetingId, subject_name: d.title ?? '', ref: d.meetingId, category: d.body, quantity: d.decisions.length };
    }
    case 'ChallengePublished': {
      const d = e.data;
      return { flow: 'challenge_published', occurred: d.publishedOn, subject_id: d.challengeId, subject_name: d.title, party_name: d.publisher, ref: d.challengeId, attr: String(d.cohort), amount: d.budget };
    }
    case 'ChallengeAwarded': {
      const d = e.data;
      return { flow: 'challenge_awarded', occurred: d.awardedOn, subject_id: partyKey({ uscc: d.awardeeUscc, name: d.awardee }), subject_name: d.awardee, ref: d.challengeId, amount: d.amount };
    }
    case 'EnterpriseListed':
      return { flow: 'listing', occurred: e.data.listedOn, subject_id: e.data.uscc, category: e.data.exchange, ref: e.data.ticker };
    case 'EnterpriseSettled':
      return { flow: 'settlement', occurred: e.data.settledOn, subject_id: e.data.uscc, category: e.data.settlementType, attr: e.data.parent ?? '' };
    case 'KeyTechProjectApproved': {
      const d = e.data;
      return {
        flow: 'key_tech_project', occurred: d.approvedOn, subject_id: partyKey({ uscc: d.leadUscc, name: d.leadOrg }), subject_name: d.leadOrg,
        ref: d.projectId, party_name: d.title, category: d.field ?? '', amount: d.funding, amount2: d.totalInvestment ?? 0,
      };
    }
    case 'InnovationEventHeld': {
      const d = e.data;
      return {
        flow: 'innovation_event', occurred: d.startedOn, subject_id: d.activityId, subject_name: d.title, party_name: d.organizer,
        ref: d.activityId, category: d.kind, level: d.level, quantity: d.attendees,
      };
    }
    case 'DigitalInfraReported': {
      const d = e.data;
      // A level, not a flow: queries take each reporter's latest report on or before a period end.
      return { flow: 'digital_infra', occurred: d.asOf, subject_id: d.reporter, subject_name: d.reporter, ref: d.reporter, quantity: d.stations5g, amount: d.computePflops };
    }
    case 'BrainOnboarded':
      return { flow: 'onboarding', occurred: e.data.onboardedOn, subject_id: e.data.uscc, subject_name: e.data.name, category: e.data.channel ?? '' };
    case 'TechLoanBalanceReported': {
      const d = e.data;
      // A level per bank and borrower: queries take the latest month-end balance on or before a period end.
      return {
        flow: 'loan_balance', occurred: d.balanceOn, subject_id: d.uscc, subject_name: d.borrowerName, party_name: d.bank, ref: d.bank,
        category: d.borrowerType, amount: d.balance,
      };
    }
    default: {
      const other: never = e;
      void other;
      return undefined;
    }
  }
}
