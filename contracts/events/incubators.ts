import { z } from 'zod';
import { Uscc } from '../identifiers.ts';
import { IsoDate, Level, NonEmpty } from './common.ts';

export const IncubatorType = z.enum(['众创空间', '孵化器', '加速器', '大学科技园', '产业园']);
/** Fields whose tenants may incubate 60 months instead of 48. */
export const LONG_INCUBATION_FIELDS = ['生物医药', '集成电路设计', '农业'] as const;
export const TenantField = z.enum(['生物医药', '集成电路设计', '农业', '其他']);
export const GraduationCriterion = z.enum(['认定高企', '两年营收超1000万', '被并购', '上市']);

const IncubatorId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: '载体编号只能含字母、数字、_ . -' })
  .describe('Incubator id (载体编号): 1–64 letters, digits, _ . -');
/** A tenant is a firm (its USCC) or a registered team (its team id). */
const TenantId = z.string().trim().min(1).max(64).describe('Tenant id (在孵主体编号): the firm’s USCC or a registered team id, 1–64 characters');

export const IncubatorRecognized = z.object({
  incubatorId: IncubatorId.describe('Id of the recognised incubator (载体编号): 1–64 letters, digits, _ . -'),
  name: NonEmpty.describe('Incubator name (载体名称)'),
  type: IncubatorType.describe('Carrier type (载体类型): 众创空间 maker space, 孵化器 incubator, 加速器 accelerator, 大学科技园 university science park, 产业园 industrial park'),
  level: Level.describe('Level of the recognition (认定级别): 区级, 市级, 省级 or 国家级'),
  operatorUscc: Uscc.describe('USCC of the operating company (运营主体统一社会信用代码): 18 characters, GB 32100'),
  areaM2: z.number().positive().describe('Floor area (场地面积) in square metres (m²)'),
  recognizedOn: IsoDate.describe('Date of recognition (认定日期), YYYY-MM-DD'),
  street: z.string().trim().optional().describe('Street (街道) where the incubator lies'),
});

export const IncubatorLevelChanged = z.object({
  incubatorId: IncubatorId.describe('The incubator (载体编号)'),
  level: Level.describe('The new level (新级别): 区级, 市级, 省级 or 国家级'),
  changedOn: IsoDate.describe('Date of the change (变更日期), YYYY-MM-DD'),
});

export const IncubatorRevoked = z.object({
  incubatorId: IncubatorId.describe('The incubator (载体编号)'),
  revokedOn: IsoDate.describe('Date of revocation (撤销日期), YYYY-MM-DD'),
  reason: z.string().trim().optional().describe('Reason for revocation (撤销原因), free text'),
});

export const IncubatorTenantAdmitted = z.object({
  incubatorId: IncubatorId.describe('The incubator admitting the tenant (载体编号)'),
  tenantId: TenantId.describe('Tenant id (在孵主体编号): the firm’s USCC or a registered team id, 1–64 characters'),
  tenantName: NonEmpty.describe('Tenant name (在孵企业 / 团队名称)'),
  tenantUscc: Uscc.optional().describe('Tenant USCC (统一社会信用代码), 18 characters GB 32100, when the tenant is a registered firm'),
  field: TenantField.default('其他').describe(
    'Tenant field (领域): 生物医药 biomedicine, 集成电路设计 IC design and 农业 agriculture may incubate 60 months, 其他 other (default) 48 months',
  ),
  admittedOn: IsoDate.describe('Date of admission (入孵日期), YYYY-MM-DD'),
});

export const IncubatorTenantGraduated = z.object({
  incubatorId: IncubatorId.describe('The incubator (载体编号)'),
  tenantId: TenantId.describe('The graduating tenant (在孵主体编号), as admitted'),
  graduatedOn: IsoDate.describe('Date of graduation (毕业日期), YYYY-MM-DD'),
  criterion: GraduationCriterion.describe(
    'Graduation criterion met (毕业条件): 认定高企 recognised high-tech, 两年营收超1000万 revenue above 1000 万元 (10 million CNY) by the two-year rule, 被并购 acquired, 上市 listed',
  ),
});

export const IncubatorTenantExited = z.object({
  incubatorId: IncubatorId.describe('The incubator (载体编号)'),
  tenantId: TenantId.describe('The leaving tenant (在孵主体编号), as admitted'),
  exitedOn: IsoDate.describe('Date of leaving without graduating (退出日期), YYYY-MM-DD'),
  reason: NonEmpty.describe('Reason for leaving (退出原因), free text'),
});
