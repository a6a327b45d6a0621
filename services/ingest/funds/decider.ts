import { addDays } from '../../../contracts/dates.ts';
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

export interface FundState {
  facts: Facts;
  establishedOn?: string;
}

const SPECS: TypeSpecs<'funds'> = {
  FundEstablished: { key: () => 'established', date: (d) => d.establishedOn },
  FundCapitalCalled: { key: (d) => `call:${d.callId}`, date: (d) => d.calledOn },
  FundInvestmentMade: { key: (d) => `investment:${d.investmentId}`, date: (d) => d.investedOn },
  FundExitRealized: { key: (d) => `exit:${d.investmentId}`, date: (d) => d.exitedOn },
  // One balance per bank, borrower and month end: a changed figure for the same month is a correction.
  TechLoanBalanceReported: { key: (d) => `balance:${d.balanceOn}`, date: (d) => d.balanceOn },
};

function evolve(state: FundState, event: ContextEvent<'funds'>): FundState {
  trackFact(state.facts, SPECS, event);
  switch (event.type) {
    case 'FundEstablished':
      state.establishedOn = event.data.establishedOn;
      break;
    case 'FundCapitalCalled':
    case 'FundInvestmentMade':
    case 'FundExitRealized':
    case 'TechLoanBalanceReported':
      break;
    default:
      assertNever(event);
  }
  return state;
}

const ACTIVITY = { FundCapitalCalled: '实缴出资', FundInvestmentMade: '投资', FundExitRealized: '退出' } as const;

function requireEstablished(state: FundState, fundId: string, activity: keyof typeof ACTIVITY): void {
  if (state.establishedOn === undefined) refuse('data.fundId', `基金 ${fundId} 尚未设立 (无 FundEstablished), 不能登记${ACTIVITY[activity]}`, fundId);
}

/** Banks report balances at month ends (月末余额); another day is a misread date, not a balance. */
function requireMonthEnd(balanceOn: string): void {
  if (addDays(balanceOn, 1).slice(8) !== '01') refuse('data.balanceOn', `贷款余额日期 ${balanceOn} 不是月末: 余额按月末报送`, balanceOn);
}

function streamOf(record: ContextRecord<'funds'>): string {
  switch (record.type) {
    case 'FundEstablished':
    case 'FundCapitalCalled':
    case 'FundInvestmentMade':
    case 'FundExitRealized':
      return streamId('fund', record.data.fundId);
    case 'TechLoanBalanceReported':
      return streamId('techloan', record.data.bank, record.data.uscc);
    default:
      return assertNever(record);
  }
}

export const fundsDecider: Decider<'funds', FundState> = {
  context: 'funds',
  initialState: () => ({ facts: new Map() }),
  evolve,
  streamOf,
  decide(record, state, ctx) {
    switch (record.type) {
      case 'FundEstablished':
        return decideFact(SPECS, state.facts, { record, streamId: streamOf(record), data: record.data }, ctx);
      case 'FundCapitalCalled':
      case 'FundInvestmentMade':
      case 'FundExitRealized': {
        const { type, data } = record;
        return decideFact(SPECS, state.facts, { record, streamId: streamOf(record), data }, ctx, { rules: () => requireEstablished(state, data.fundId, type) });
      }
      case 'TechLoanBalanceReported': {
        const { data } = record;
        // Checked for corrections too: a corrected balance must still be a month end.
        requireMonthEnd(data.balanceOn);
        return decideFact(SPECS, state.facts, { record, streamId: streamOf(record), data }, ctx);
      }
      default:
        return assertNever(record);
    }
  },
};
