import { z } from 'zod';
import { PatentApplicationNumber, Uscc } from '../identifiers.ts';
import { IsoDate, NonEmpty, Wan } from './common.ts';

export const ContractType = z.enum(['技术开发', '技术转让', '技术许可', '技术咨询', '技术服务']);
export const PatentType = z.enum(['发明', '实用新型', '外观设计']);

const Party = z.object({ uscc: Uscc.optional(), name: NonEmpty });

export const TechContractRegistered = z.object({
  registrationNumber: z.string().trim().regex(/^[0-9A-Za-z-]{6,40}$/, { error: '合同登记号应为 6–40 位字母、数字或 -' }),
  registeredOn: IsoDate,
  contractType: ContractType,
  seller: Party,
  buyer: Party,
  totalAmount: Wan,
  techTransactionAmount: Wan,
});

export const PatentGranted = z.object({
  applicationNumber: PatentApplicationNumber,
  patentType: PatentType,
  title: z.string().trim().optional(),
  owners: z.array(Party).min(1, { error: '至少一个专利权人' }),
  ipc: z.string().trim().regex(/^[A-H]\d{2}[A-Z]/, { error: 'IPC 分类号格式错误, 如 A61K' }),
  appliedOn: IsoDate,
  grantedOn: IsoDate,
  /** CNIPA high-value rules; any one true makes the patent high-value. */
  strategicEmergingIndustry: z.boolean().default(false),
  overseasFamily: z.boolean().default(false),
  pledged: z.boolean().default(false),
  award: z.boolean().default(false),
});

export const PatentLapsed = z.object({
  applicationNumber: PatentApplicationNumber,
  lapsedOn: IsoDate,
  reason: z.enum(['未缴年费', '期限届满', '放弃', '无效宣告']),
});

export const PatentTransferred = z.object({
  applicationNumber: PatentApplicationNumber,
  to: z.array(Party).min(1),
  transferredOn: IsoDate,
});

export const IpPledgeRegistered = z.object({
  registrationNumber: NonEmpty,
  pledgor: Party,
  pledgee: NonEmpty,
  amount: Wan,
  termFrom: IsoDate,
  termUntil: IsoDate,
  patents: z.array(PatentApplicationNumber).default([]),
});
