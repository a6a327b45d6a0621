import { factOnlyDecider, streamId, type ContextRecord, type TypeSpecs } from '../decider.ts';

const SPECS: TypeSpecs<'platforms'> = {
  // A recognition at another level is an upgrade (提档升级), a new fact; at the same level a correction.
  RdPlatformRecognized: { key: (d) => `recognized:${d.level}`, date: (d) => d.recognizedOn },
  RdPlatformRevoked: { key: () => 'revoked', date: (d) => d.revokedOn },
  NewRdInstitutionRegistered: { key: () => 'registered', date: (d) => d.registeredOn },
  PublicServicePlatformRegistered: { key: () => 'registered', date: (d) => d.registeredOn },
  PlatformServiceDelivered: { key: (d) => `service:${d.serviceId}`, date: (d) => d.deliveredOn },
  CollegeRelocated: { key: (d) => `college:${d.university}:${d.college}`, date: (d) => d.relocatedOn },
  TrainingBaseEstablished: { key: () => 'established', date: (d) => d.establishedOn },
  AcademicSiteEstablished: { key: () => 'established', date: (d) => d.establishedOn },
  // A carrier recognised again at another level is a new fact; at the same level a correction.
  TransferCarrierRecognized: { key: (d) => `carrier:${d.level}`, date: (d) => d.recognizedOn },
};

export const platformsDecider = factOnlyDecider('platforms', SPECS, (record: ContextRecord<'platforms'>) => streamId('platform', record.data.platformId));
