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

export const fundsDecider: Decider<'funds', FundState> = {
  context: 'funds',
  initialState: () => ({ facts: new Map() }),
  evolve,
  streamOf: (record: ContextRecord<'funds'>) => streamId('fund', record.data.fundId),
  decide(record, state, ctx) {
    const base = { record, streamId: streamId('fund', record.data.fundId), data: record.data };
    switch (record.type) {
      case 'FundEstablished':
        return decideFact(SPECS, state.facts, base, ctx);
      case 'FundCapitalCalled':
      case 'FundInvestmentMade':
      case 'FundExitRealized': {
        const { type, data } = record;
        return decideFact(SPECS, state.facts, base, ctx, { rules: () => requireEstablished(state, data.fundId, type) });
      }
      default:
        return assertNever(record);
    }
  },
};
