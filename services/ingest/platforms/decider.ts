import { assertNever, decideFact, streamId, trackFact, type ContextEvent, type ContextRecord, type Decider, type Facts, type TypeSpecs } from '../decider.ts';

export interface PlatformState {
  facts: Facts;
}

const SPECS: TypeSpecs<'platforms'> = {
  // A recognition at another level is an upgrade (提档升级), a new fact; at the same level a correction.
  RdPlatformRecognized: { key: (d) => `recognized:${d.level}`, date: (d) => d.recognizedOn },
  RdPlatformRevoked: { key: () => 'revoked', date: (d) => d.revokedOn },
  NewRdInstitutionRegistered: { key: () => 'registered', date: (d) => d.registeredOn },
  PublicServicePlatformRegistered: { key: () => 'registered', date: (d) => d.registeredOn },
  PlatformServiceDelivered: { key: (d) => `service:${d.serviceId}`, date: (d) => d.deliveredOn },
  CollegeRelocated: { key: (d) => `college:${d.university}:${d.college}`, date: (d) => d.relocatedOn },
  TrainingBaseEstablished: { key: () => 'established', date: (d) => d.establishedOn },
};

function evolve(state: PlatformState, event: ContextEvent<'platforms'>): PlatformState {
  trackFact(state.facts, SPECS, event);
  return state;
}

export const platformsDecider: Decider<'platforms', PlatformState> = {
  context: 'platforms',
  initialState: () => ({ facts: new Map() }),
  evolve,
  streamOf: (record: ContextRecord<'platforms'>) => streamId('platform', record.data.platformId),
  decide(record, state, ctx) {
    const base = { record, streamId: streamId('platform', record.data.platformId), data: record.data };
    switch (record.type) {
      case 'RdPlatformRecognized':
      case 'RdPlatformRevoked':
      case 'NewRdInstitutionRegistered':
      case 'PublicServicePlatformRegistered':
      case 'PlatformServiceDelivered':
      case 'CollegeRelocated':
      case 'TrainingBaseEstablished':
        return decideFact(SPECS, state.facts, base, ctx);
      default:
        return assertNever(record);
    }
  },
};
