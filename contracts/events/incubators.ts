import { z } from 'zod';
import { Uscc } from '../identifiers.ts';
import { IsoDate, Level, NonEmpty } from './common.ts';

export const IncubatorType = z.enum(['众创空间', '孵化器', '加速器', '大学科技园', '产业园']);
/** Fields whose tenants may incubate 60 months instead of 48. */
export const LONG_INCUBATION_FIELDS = ['生物医药', '集成电路设计', '农业'] as const;
export const TenantField = z.enum(['生物医药', '集成电路设计', '农业', '其他']);
export const GraduationCriterion = z.enum(['认定高企', '两年营收超1000万', '被并购', '上市']);

const IncubatorId = z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: '载体编号只能含字母、数字、_ . -' });
/** A tenant is a firm (its USCC) or a registered team (its team id). */
const TenantId = z.string().trim().min(1).max(64);

export const IncubatorRecognized = z.object({
  incubatorId: IncubatorId,
  name: NonEmpty,
  type: IncubatorType,
  level: Level,
  operatorUscc: Uscc,
  areaM2: z.number().positive(),
  recognizedOn: IsoDate,
  street: z.string().trim().optional(),
});

export const IncubatorLevelChanged = z.object({
  incubatorId: IncubatorId,
  level: Level,
  changedOn: IsoDate,
});

export const IncubatorRevoked = z.object({
  incubatorId: IncubatorId,
  revokedOn: IsoDate,
  reason: z.string().trim().optional(),
});

export const IncubatorTenantAdmitted = z.object({
  incubatorId: IncubatorId,
  tenantId: TenantId,
  tenantName: NonEmpty,
  tenantUscc: Uscc.optional(),
  field: TenantField.default('其他'),
  admittedOn: IsoDate,
});

export const IncubatorTenantGraduated = z.object({
  incubatorId: IncubatorId,
  tenantId: TenantId,
  graduatedOn: IsoDate,
  criterion: GraduationCriterion,
});

export const IncubatorTenantExited = z.object({
  incubatorId: IncubatorId,
  tenantId: TenantId,
  exitedOn: IsoDate,
  reason: NonEmpty,
});
