import { assertNever, factOnlyDecider, streamId, type ContextRecord, type TypeSpecs } from '../decider.ts';

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

/** Contracts, patents and pledges: one stream per registration / application number; same number, same content = no-op. */
export const transferDecider = factOnlyDecider('transfer', SPECS, streamOf);
