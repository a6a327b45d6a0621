import { z } from 'zod';
import { PatentApplicationNumber, Uscc } from '../identifiers.ts';
import { IsoDate, NonEmpty, Wan } from './common.ts';

export const ContractType = z.enum(['技术开发', '技术转让', '技术许可', '技术咨询', '技术服务']);
export const PatentType = z.enum(['发明', '实用新型', '外观设计']);

const Party = z
  .object({
    uscc: Uscc.optional().describe(
      'USCC of the party (统一社会信用代码), 18 characters GB 32100; its registered street decides whether the party is in the area. Omit for parties without one (universities abroad, persons)',
    ),
    name: NonEmpty.describe('Name of the party (名称)'),
  })
  .describe('A party: name and, when it has one, USCC');

const PATENT = 'Patent application number (专利申请号): 12 digits, a dot, a check digit (0-9 or X), e.g. 202310123456.6';

export const TechContractRegistered = z.object({
  registrationNumber: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{6,40}$/, { error: '合同登记号应为 6–40 位字母、数字或 -' })
    .describe('Contract registration number (技术合同登记号): 6–40 letters, digits or -'),
  registeredOn: IsoDate.describe('Date of registration (登记日期), YYYY-MM-DD; the contract counts in the period holding it'),
  contractType: ContractType.describe('Contract type (合同类型): 技术开发 development, 技术转让 transfer, 技术许可 licence, 技术咨询 consulting, 技术服务 service'),
  seller: Party.describe('The seller (卖方 / 技术输出方); seller in the area counts as 输出 (output)'),
  buyer: Party.describe('The buyer (买方 / 技术吸纳方); buyer in the area counts as 吸纳 (absorbed)'),
  totalAmount: Wan.describe('Contract amount (合同成交额) in 万元; the KPI shows it in 亿元'),
  techTransactionAmount: Wan.describe('Technology transaction amount (技术交易额) in 万元, the part of the contract amount that is technology'),
});

export const PatentGranted = z.object({
  applicationNumber: PatentApplicationNumber.describe(PATENT),
  patentType: PatentType.describe('Patent type (专利类型): 发明 invention, 实用新型 utility model, 外观设计 design; per-10k KPIs count 发明 only'),
  title: z.string().trim().optional().describe('Title of the invention (专利名称)'),
  owners: z
    .array(Party)
    .min(1, { error: '至少一个专利权人' })
    .describe('Patent owners (专利权人), at least one; the patent counts for the area when any owner with a USCC is in the area'),
  ipc: z
    .string()
    .trim()
    .regex(/^[A-H]\d{2}[A-Z]/, { error: 'IPC 分类号格式错误, 如 A61K' })
    .describe('International Patent Classification (IPC 分类号), starting section + class + subclass, e.g. A61K 31/00'),
  appliedOn: IsoDate.describe('Filing date (申请日), YYYY-MM-DD'),
  grantedOn: IsoDate.describe('Grant date (授权公告日), YYYY-MM-DD; the patent is valid from this date until it lapses'),
  /** CNIPA high-value rules; any one true makes the patent high-value. */
  strategicEmergingIndustry: z
    .boolean()
    .default(false)
    .describe('High-value rule (高价值发明专利, CNIPA): in a strategic emerging industry (战略性新兴产业). Any one true rule makes the patent high-value'),
  overseasFamily: z.boolean().default(false).describe('High-value rule: has a family member filed abroad (海外同族专利)'),
  pledged: z.boolean().default(false).describe('High-value rule: has been pledged to raise a loan (质押融资)'),
  award: z.boolean().default(false).describe('High-value rule: has won a national science or patent award (国家科学技术奖 / 中国专利奖)'),
});

export const PatentLapsed = z.object({
  applicationNumber: PatentApplicationNumber.describe(PATENT),
  lapsedOn: IsoDate.describe('Date the patent stopped being valid (失效日期), YYYY-MM-DD'),
  reason: z
    .enum(['未缴年费', '期限届满', '放弃', '无效宣告'])
    .describe('Why it lapsed (失效原因): 未缴年费 annual fee unpaid, 期限届满 term expired, 放弃 abandoned, 无效宣告 declared invalid'),
});

export const PatentTransferred = z.object({
  applicationNumber: PatentApplicationNumber.describe(PATENT),
  to: z.array(Party).min(1).describe('The new owners (受让人), at least one; they replace the previous owners'),
  transferredOn: IsoDate.describe('Date of the transfer registration (转让登记日), YYYY-MM-DD'),
});

export const IpPledgeRegistered = z.object({
  registrationNumber: NonEmpty.describe('Pledge registration number (质押登记号)'),
  pledgor: Party.describe('The pledgor (出质人), usually the patent owner'),
  pledgee: NonEmpty.describe('The pledgee (质权人), usually a bank'),
  amount: Wan.describe('Secured loan amount (质押融资金额) in 万元'),
  termFrom: IsoDate.describe('First day of the pledge term (质押期限起), YYYY-MM-DD'),
  termUntil: IsoDate.describe('Last day of the pledge term (质押期限止), YYYY-MM-DD'),
  patents: z.array(PatentApplicationNumber).default([]).describe('The pledged patents, as application numbers (12 digits, a dot, a check digit); default none'),
});

export const BrokerLevel = z.enum(['初级', '中级', '高级']);

export const TechBrokerCertified = z.object({
  brokerId: NonEmpty.describe('Id of the technology broker (技术经纪人编号)'),
  name: NonEmpty.describe('Name of the broker (姓名); kept in the event only, never in KPI tables or drill-downs'),
  level: BrokerLevel.describe('Certificate level (等级): 初级, 中级 or 高级'),
  organisation: NonEmpty.describe('The technology-transfer organisation the broker works for (所在机构)'),
  organisationUscc: Uscc.optional().describe('USCC of that organisation (所在机构统一社会信用代码), 18 characters GB 32100'),
  certifiedOn: IsoDate.describe('Date of certification (发证日期), YYYY-MM-DD'),
  validUntil: IsoDate.optional().describe('Last day the certificate is valid (有效期至), YYYY-MM-DD; no end when omitted'),
});

export const TechBrokerDeregistered = z.object({
  brokerId: NonEmpty.describe('The broker (技术经纪人编号), as certified'),
  deregisteredOn: IsoDate.describe('Date the broker stopped being active (注销日期), YYYY-MM-DD; not before the certification'),
  reason: z.string().trim().optional().describe('Reason (注销原因), free text'),
});
