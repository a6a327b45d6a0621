import { z } from 'zod';
import { HighTechCertificateNumber, Uscc } from '../identifiers.ts';
import { IsoDate, Level, NonEmpty, Wan, Year } from './common.ts';

export const EnterpriseOrigin = z.enum(['招商', '大赛', '孵化', '内部创业', '其他']);
export const SrdiTier = z.enum(['创新型中小企业', '专精特新中小企业', '专精特新小巨人']);
export const NewSpeciesTier = z.enum(['潜在瞪羚', '瞪羚', '潜在独角兽', '独角兽', '驼鹿']);
export const ReservePool = z.enum(['高企后备库', '专精特新培育库', '新物种梯度库', '上市后备库']);
export const SettlementType = z.enum(['区域总部', '功能性总部', '研发中心', '链主', '配套']);

export const EnterpriseRegistered = z.object({
  uscc: Uscc,
  name: NonEmpty,
  establishedOn: IsoDate,
  registeringOffice: NonEmpty,
  divisionCode: z.string().regex(/^\d{6}$/, { error: '行政区划代码应为 6 位数字' }),
  street: NonEmpty,
  park: z.string().trim().optional(),
  industryCode: z.string().regex(/^[A-T](\d{2,4})?$/, { error: '行业代码应符合 GB/T 4754, 如 C3911' }),
  industry: z.string().trim().optional(),
  registeredCapital: Wan,
  origin: EnterpriseOrigin.default('其他'),
});

export const EnterpriseRelocated = z.object({
  uscc: Uscc,
  direction: z.enum(['in', 'out']),
  relocatedOn: IsoDate,
  street: z.string().trim().optional(),
  park: z.string().trim().optional(),
  divisionCode: z.string().regex(/^\d{6}$/).optional(),
  destination: z.string().trim().optional(),
});

export const EnterpriseDeregistered = z.object({
  uscc: Uscc,
  deregisteredOn: IsoDate,
  reason: z.string().trim().optional(),
});

export const EnterpriseAnnualFinancialsReported = z.object({
  uscc: Uscc,
  fiscalYear: Year,
  revenue: Wan,
  rdExpense: Wan,
  highTechProductRevenue: Wan.default(0),
  totalAssets: Wan.optional(),
  employees: z.number().int().nonnegative(),
  techStaff: z.number().int().nonnegative(),
  aboveScale: z.boolean(),
  hasRdInstitution: z.boolean(),
});

export const TechSmeRegistered = z.object({
  uscc: Uscc,
  year: Year,
  registrationNumber: NonEmpty,
});

export const TechSmeRemoved = z.object({
  uscc: Uscc,
  year: Year,
  removedOn: IsoDate,
  reason: z.string().trim().optional(),
});

export const HighTechCertified = z.object({
  uscc: Uscc,
  certificateNumber: HighTechCertificateNumber,
  issuedOn: IsoDate,
  /** Defaults to issuedOn + 3 years (the certificate's legal validity). */
  validUntil: IsoDate.optional(),
  renewal: z.boolean().default(false),
  techField: z.string().trim().optional(),
});

export const HighTechRevoked = z.object({
  uscc: Uscc,
  certificateNumber: HighTechCertificateNumber,
  revokedOn: IsoDate,
  reason: z.string().trim().optional(),
});

export const SrdiCertified = z.object({
  uscc: Uscc,
  tier: SrdiTier,
  level: Level,
  validFrom: IsoDate,
  validUntil: IsoDate,
  certificateNumber: z.string().trim().optional(),
});

export const SrdiRevoked = z.object({
  uscc: Uscc,
  tier: SrdiTier,
  revokedOn: IsoDate,
  reason: z.string().trim().optional(),
});

export const NewSpeciesListed = z.object({
  uscc: Uscc,
  tier: NewSpeciesTier,
  listLevel: Level,
  year: Year,
  valuation: z.number().nonnegative().optional(),
});

export const NewSpeciesDelisted = z.object({
  uscc: Uscc,
  tier: NewSpeciesTier,
  year: Year,
  delistedOn: IsoDate,
  reason: z.string().trim().optional(),
});

export const ReservePoolAdmitted = z.object({
  uscc: Uscc,
  pool: ReservePool,
  admittedOn: IsoDate,
});

export const ReservePoolExited = z.object({
  uscc: Uscc,
  pool: ReservePool,
  exitedOn: IsoDate,
  reason: z.enum(['认定', '上市', '不再符合', '迁出', '其他']).default('其他'),
});

export const EnterpriseListed = z.object({
  uscc: Uscc,
  exchange: z.enum(['上交所主板', '科创板', '深交所主板', '创业板', '北交所', '港交所', '境外', '新三板']),
  ticker: NonEmpty,
  listedOn: IsoDate,
});

export const EnterpriseSettled = z.object({
  uscc: Uscc,
  settlementType: SettlementType,
  settledOn: IsoDate,
  parent: z.string().trim().optional(),
});
