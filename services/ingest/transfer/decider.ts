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

/** A stream's state: its facts and, for a technology broker's stream, the certification and deregistration dates. */
export interface TransferState {
  facts: Facts;
  certifiedOn?: string;
  deregisteredOn?: string;
}

const SPECS: TypeSpecs<'transfer'> = {
  TechContractRegistered: { key: () => 'registered', date: (d) => d.registeredOn },
  PatentGranted: { key: () => 'granted', date: (d) => d.grantedOn },
  PatentLapsed: { key: () => 'lapsed', date: (d) => d.lapsedOn },
  PatentTransferred: { key: (d) => `transfer:${d.transferredOn}`, date: (d) => d.transferredOn },
  IpPledgeRegistered: { key: () => 'registered', date: (d) => d.termFrom },
  TechBrokerCertified: { key: () => 'certified', date: (d) => d.certifiedOn },
  TechBrokerDeregistered: { key: () => 'deregistered', date: (d) => d.deregisteredOn },
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
    case 'TechBrokerCertified':
    case 'TechBrokerDeregistered':
      return streamId('broker', record.data.brokerId);
    default:
      return assertNever(record);
  }
}

function evolve(state: TransferState, event: ContextEvent<'transfer'>): TransferState {
  trackFact(state.facts, SPECS, event);
  switch (event.type) {
    case 'TechBrokerCertified':
      state.certifiedOn = event.data.certifiedOn;
      break;
    case 'TechBrokerDeregistered':
      state.deregisteredOn = event.data.deregisteredOn;
      break;
    case 'TechContractRegistered':
    case 'PatentGranted':
    case 'PatentLapsed':
    case 'PatentTransferred':
    case 'IpPledgeRegistered':
      break;
    default:
      assertNever(event);
  }
  return state;
}

/** A broker is deregistered once, only after being certified, and not before the certificate. */
function requireActiveBroker(state: TransferState, brokerId: string, on: string): void {
  if (state.certifiedOn === undefined) refuse('data.brokerId', `技术经纪人 ${brokerId} 未登记发证 (无 TechBrokerCertified), 不能注销`, brokerId);
  if (state.deregisteredOn !== undefined) refuse('data.brokerId', `技术经纪人 ${brokerId} 已于 ${state.deregisteredOn} 注销`, brokerId);
  if (on < state.certifiedOn) refuse('data.deregisteredOn', `注销日期早于发证日期 ${state.certifiedOn}`, on);
}

/** Contracts, patents, pledges and brokers: one stream per registration / application number / broker; same number, same content = no-op. */
export const transferDecider: Decider<'transfer', TransferState> = {
  context: 'transfer',
  initialState: () => ({ facts: new Map() }),
  evolve,
  streamOf,
  decide(record, state, ctx) {
    const base = { record, streamId: streamOf(record), data: record.data };
    switch (record.type) {
      case 'TechBrokerCertified': {
        const d = record.data;
        if (d.validUntil !== undefined && d.validUntil < d.certifiedOn) refuse('data.validUntil', `有效期至 ${d.validUntil} 早于发证日期 ${d.certifiedOn}`, d.validUntil);
        return decideFact(SPECS, state.facts, base, ctx);
      }
      case 'TechBrokerDeregistered': {
        const d = record.data;
        return decideFact(SPECS, state.facts, base, ctx, { rules: () => requireActiveBroker(state, d.brokerId, d.deregisteredOn) });
      }
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
