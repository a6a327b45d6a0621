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

const PlatformId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: '平台编号只能含字母、数字、_ . -' })
  .describe('Platform id (平台编号): 1–64 letters, digits, _ . -');

export const RdPlatformRecognized = z.object({
  platformId: PlatformId.describe('Id of the recognised R&D platform (平台编号): 1–64 letters, digits, _ . -'),
  name: NonEmpty.describe('Platform name (平台名称)'),
  type: RdPlatformType.describe(
    'Platform type (平台类型): 重点实验室 key laboratory, 工程研究中心 engineering research centre, 企业技术中心 enterprise technology centre, 技术创新中心 technology innovation centre, 产业创新中心 industry innovation centre, 制造业创新中心 manufacturing innovation centre, 联合实验室 joint laboratory, 工程技术研究中心 engineering technology research centre',
  ),
  level: Level.describe('Level of the recognition (认定级别): 区级, 市级, 省级 or 国家级'),
  host: NonEmpty.describe('Host organisation (依托单位)'),
  hostUscc: Uscc.optional().describe('USCC of the host (依托单位统一社会信用代码), 18 characters GB 32100, when it is an enterprise'),
  coBuilders: z.array(z.string().trim()).default([]).describe('Co-building organisations (共建单位), names; default none'),
  recognizedOn: IsoDate.describe('Date of recognition (认定日期), YYYY-MM-DD'),
});

export const RdPlatformRevoked = z.object({
  platformId: PlatformId.describe('The platform (平台编号)'),
  revokedOn: IsoDate.describe('Date of revocation (撤销日期), YYYY-MM-DD'),
  reason: z.string().trim().optional().describe('Reason for revocation (撤销原因), free text'),
});

export const NewRdInstitutionRegistered = z.object({
  platformId: PlatformId.describe('Id of the new-type R&D institution (新型研发机构编号): 1–64 letters, digits, _ . -'),
  name: NonEmpty.describe('Institution name (机构名称)'),
  industryField: KeyIndustry.describe('The key industry it serves (服务产业): 枢纽经济, 绿色低碳, 生命健康, 智能制造, 现代农业 or 现代服务业'),
  host: z.string().trim().optional().describe('Host organisation (依托单位), if any'),
  hostUscc: Uscc.optional().describe('USCC of the host or operating entity (统一社会信用代码), 18 characters GB 32100'),
  registeredOn: IsoDate.describe('Date of registration (备案日期), YYYY-MM-DD'),
});

export const PublicServicePlatformRegistered = z.object({
  platformId: PlatformId.describe('Id of the public service platform (公共服务平台编号): 1–64 letters, digits, _ . -'),
  name: NonEmpty.describe('Platform name (平台名称)'),
  serviceTypes: z.array(z.string().trim()).min(1).describe('Services offered (服务类型), at least one, e.g. 检验检测, 中试'),
  operatorUscc: Uscc.optional().describe('USCC of the operator (运营主体统一社会信用代码), 18 characters GB 32100'),
  registeredOn: IsoDate.describe('Date of registration (备案日期), YYYY-MM-DD'),
});

export const PlatformServiceDelivered = z.object({
  platformId: PlatformId.describe('The platform that delivered the service (平台编号)'),
  serviceId: NonEmpty.describe('Id of the service record (服务编号), unique within the platform'),
  clientUscc: Uscc.describe('USCC of the client enterprise (服务对象统一社会信用代码), 18 characters GB 32100'),
  serviceType: NonEmpty.describe('Service type (服务类型), e.g. 检验检测'),
  amount: Wan.default(0).describe('Contract value of the service (服务金额) in 万元; default 0 (free)'),
  deliveredOn: IsoDate.describe('Date of delivery (服务日期), YYYY-MM-DD'),
});

export const CollegeRelocated = z.object({
  platformId: PlatformId.describe('Id of the relocated college (编号): 1–64 letters, digits, _ . -'),
  university: NonEmpty.describe('University (高校)'),
  college: NonEmpty.describe('College or school relocated (学院)'),
  wholeCollege: z.boolean().default(true).describe('True (default) when the whole college moved (整建制迁入), false for a part'),
  relocatedOn: IsoDate.describe('Date of relocation (迁入日期), YYYY-MM-DD'),
});

export const TrainingBaseEstablished = z.object({
  platformId: PlatformId.describe('Id of the training base (编号): 1–64 letters, digits, _ . -'),
  name: NonEmpty.describe('Base name (基地名称)'),
  university: NonEmpty.describe('Partner university (合作高校)'),
  establishedOn: IsoDate.describe('Date of establishment (设立日期), YYYY-MM-DD'),
});

export const AcademicSiteType = z.enum(['园区', '基地', '研究院']);

export const AcademicSiteEstablished = z.object({
  platformId: PlatformId.describe('Id of the site (编号): 1–64 letters, digits, _ . -; RdPlatformRevoked with this id closes it'),
  name: NonEmpty.describe('Site name (名称)'),
  institution: NonEmpty.describe('The university or research institute behind it (高校院所)'),
  siteType: AcademicSiteType.describe('Kind of site (布局类型): 园区 park, 基地 base, 研究院 research institute'),
  establishedOn: IsoDate.describe('Date it was established in the area (设立日期), YYYY-MM-DD'),
  street: z.string().trim().optional().describe('Street (街道) where it lies'),
});

export const TransferCarrierType = z.enum(['中试基地', '概念验证中心', '院士专家工作站']);

export const TransferCarrierRecognized = z.object({
  platformId: PlatformId.describe('Id of the carrier (载体编号): 1–64 letters, digits, _ . -; RdPlatformRevoked with this id closes it'),
  name: NonEmpty.describe('Carrier name (载体名称)'),
  type: TransferCarrierType.describe('Carrier type (载体类型): 中试基地 pilot-scale base, 概念验证中心 proof-of-concept centre, 院士专家工作站 academician expert workstation'),
  level: Level.describe('Level of the recognition (认定级别): 区级, 市级, 省级 or 国家级'),
  host: NonEmpty.describe('Host organisation (依托单位)'),
  hostUscc: Uscc.optional().describe('USCC of the host (依托单位统一社会信用代码), 18 characters GB 32100, when it has one'),
  recognizedOn: IsoDate.describe('Date of recognition (认定日期), YYYY-MM-DD'),
});
