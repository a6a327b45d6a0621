import { assertNever, decideFact, streamId, trackFact, type ContextEvent, type ContextRecord, type Decider, type Facts, type TypeSpecs } from '../decider.ts';

export interface TransferState {
  facts: Facts;
}

const SPECS: TypeSpecs<'transfer'> = {
  TechContractRegistered: { key: () => 'registered', date: (d) => d.registeredOn },
  PatentGranted: { key: () => 'granted', date: (d) => d.grantedOn },
  PatentLapsed: { key: () => 'lapsed', date: (d) => d.lapsedOn },
  PatentTransferred: { key: (d) => `transfer:${d.transferredOn}`, date: (d) => d.transferredOn },
  IpPledgeRegistered: { key: () => 'registered', date: (d) => d.termFrom },
};

function streamOf(record: ContextRecord<'transfer'>): string {
  switch (record.type) {
    case 'TechContractRegistered':
      return streamId('techcontract', record.data.registrationNumber);
    case 'PatentGranted':
    case 'PatentLapsed':
    case 'PatentTransferred':
      return streamId('patent', record.data.applicationNumber);
    case 'IpPledgeRegistered':
      return streamId('ippledge', record.data.registrationNumber);
    default:
      return assertNever(record);
  }
}

function evolve(state: TransferState, event: ContextEvent<'transfer'>): TransferState {
  trackFact(state.facts, SPECS, event);
  return state;
}

/** Contracts, patents and pledges: one stream per registration / application number; same number, same content = no-op. */
export const transferDecider: Decider<'transfer', TransferState> = {
  context: 'transfer',
  initialState: () => ({ facts: new Map() }),
  evolve,
  streamOf,
  decide(record, state, ctx) {
    const base = { record, streamId: streamOf(record), data: record.data };
    switch (record.type) {
      case 'TechContractRegistered':
      case 'PatentGranted':
      case 'PatentLapsed':
      case 'PatentTransferred':
      case 'IpPledgeRegistered':
        return decideFact(SPECS, state.facts, base, ctx);
      default:
        return assertNever(record);
    }
  },
};
