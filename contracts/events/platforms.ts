import { z } from 'zod';
import { KeyIndustry, Uscc } from '../identifiers.ts';
import { IsoDate, Level, NonEmpty, Wan } from './common.ts';

export const RdPlatformType = z.enum([
  '重点实验室',
  '工程研究中心',
  '企业技术中心',
  '技术创新中心',
  '产业创新中心',
  '制造业创新中心',
  '联合实验室',
  '工程技术研究中心',
]);

const PlatformId = z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: '平台编号只能含字母、数字、_ . -' });

export const RdPlatformRecognized = z.object({
  platformId: PlatformId,
  name: NonEmpty,
  type: RdPlatformType,
  level: Level,
  host: NonEmpty,
  hostUscc: Uscc.optional(),
  coBuilders: z.array(z.string().trim()).default([]),
  recognizedOn: IsoDate,
});

export const RdPlatformRevoked = z.object({
  platformId: PlatformId,
  revokedOn: IsoDate,
  reason: z.string().trim().optional(),
});

export const NewRdInstitutionRegistered = z.object({
  platformId: PlatformId,
  name: NonEmpty,
  industryField: KeyIndustry,
  host: z.string().trim().optional(),
  hostUscc: Uscc.optional(),
  registeredOn: IsoDate,
});

export const PublicServicePlatformRegistered = z.object({
  platformId: PlatformId,
  name: NonEmpty,
  serviceTypes: z.array(z.string().trim()).min(1),
  operatorUscc: Uscc.optional(),
  registeredOn: IsoDate,
});

export const PlatformServiceDelivered = z.object({
  platformId: PlatformId,
  serviceId: NonEmpty,
  clientUscc: Uscc,
  serviceType: NonEmpty,
  amount: Wan.default(0),
  deliveredOn: IsoDate,
});

export const CollegeRelocated = z.object({
  platformId: PlatformId,
  university: NonEmpty,
  college: NonEmpty,
  wholeCollege: z.boolean().default(true),
  relocatedOn: IsoDate,
});

export const TrainingBaseEstablished = z.object({
  platformId: PlatformId,
  name: NonEmpty,
  university: NonEmpty,
  establishedOn: IsoDate,
});
