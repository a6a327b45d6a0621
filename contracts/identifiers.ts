import { z } from 'zod';

/** GB 32100-2015 alphabet: 31 symbols, no I, O, S, V, Z. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const USCC_FORMAT = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The check character that positions 1–17 call for. */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) throw new RangeError(`not a USCC symbol at position ${i + 1}: ${first17.charAt(i)}`);
    sum += value * (USCC_WEIGHTS[i] ?? 0);
  }
  const c = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET.charAt(c);
}

export function isUsccFormat(value: string): boolean {
  return USCC_FORMAT.test(value);
}

/** True when the 18th character matches the GB 32100 check rule (format must already hold). */
export function usccCheckOk(value: string): boolean {
  return isUsccFormat(value) && usccCheckCharacter(value.slice(0, 17)) === value.charAt(17);
}

/**
 * A USCC in the right format. A wrong check character is NOT a rejection (real codes in
 * circulation fail it): ingest flags it as a data-quality issue instead.
 */
export const Uscc = z
  .string()
  .trim()
  .toUpperCase()
  .regex(USCC_FORMAT, '统一社会信用代码格式错误: 18 位, 字符集 0-9 A-Z (不含 I O S V Z), 第 3–8 位为行政区划代码')
  .describe(
    'Unified social credit code (统一社会信用代码, USCC): 18 characters per GB 32100-2015 from 0-9 A-Z without I O S V Z; characters 3–8 are the registering division code, the 18th a check character. Lower case is upper-cased. A wrong check character is accepted but flagged (quality uscc-check:<field>)',
  );

/** 高企 certificate number: GR + year + province code + 6-digit serial, e.g. GR202342001234. */
export const HighTechCertificateNumber = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^GR(19|20)\d{2}\d{2}\d{6}$/, '高企证书编号格式错误: 应为 GR + 年份(4位) + 省份代码(2位) + 流水号(6位)')
  .describe('高新技术企业 certificate number: GR + year (4 digits) + province code (2 digits, 42 = Hubei) + serial (6 digits), e.g. GR202342001234');

const PATENT_WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5] as const;

/** Normalises `CN 2023 1 0123456.6`, `ZL202310123456.6` … to `202310123456.6`. */
export function normalisePatentNumber(raw: string): string {
  return raw
    .toUpperCase()
    .replace(/^(CN|ZL)/, '')
    .replace(/[\s]/g, '');
}

export function patentCheckCharacter(first12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12.charAt(i)) * (PATENT_WEIGHTS[i] ?? 0);
  const c = sum % 11;
  return c === 10 ? 'X' : String(c);
}

const PATENT_FORMAT = /^(\d{4})([12389])(\d{7})\.([0-9X])$/;

export function patentCheckOk(value: string): boolean {
  const m = PATENT_FORMAT.exec(value);
  return m !== null && patentCheckCharacter(value.slice(0, 12)) === value.charAt(13);
}

/** Patent application number YYYYT NNNNNNN.C (type 1 invention, 2 utility, 3 design, 8/9 PCT). */
export const PatentApplicationNumber = z
  .string()
  .transform(normalisePatentNumber)
  .pipe(z.string().regex(PATENT_FORMAT, '专利申请号格式错误: 应为 年份(4位)+类型(1位)+流水号(7位).校验位, 如 202310123456.6'))
  .describe(
    'Patent application number (专利申请号): 12 digits, a dot, a check digit (0-9 or X), e.g. 202310123456.6 — year (4) + type (1: 1 invention 发明, 2 utility model 实用新型, 3 design 外观设计, 8/9 PCT) + serial (7). A CN or ZL prefix and spaces are removed. A wrong check digit is accepted but flagged',
  );

/** A salted SHA-256 of an ID-card number, hex. Raw ID numbers are never stored. */
export const PersonRef = z.string().regex(/^[0-9a-f]{64}$/, 'personRef 应为 64 位十六进制哈希').describe(
  'Reference to a person: salted SHA-256 of the ID-card number (身份证号), 64 lower-case hex digits; the raw number is never stored',
);

/**
 * Streets (街道) that lie in the Changjiang New Area. "In area" is decided from the street,
 * never from the USCC's division digits.
 */
export const AREA_STREETS = ['谌家矶街道', '后湖街道', '武湖街道', '滠口街道', '天河街道', '阳逻街道', '双柳街道', '仓埠街道'] as const;

export function isAreaStreet(street: string | undefined | null): boolean {
  return street != null && (AREA_STREETS as readonly string[]).includes(street);
}

/** The key industries named by the policy (task 6), used for coverage KPIs. */
export const KEY_INDUSTRIES = ['枢纽经济', '绿色低碳', '生命健康', '智能制造', '现代农业', '现代服务业'] as const;
export const KeyIndustry = z.enum(KEY_INDUSTRIES).describe('A key industry named by the policy (重点产业): 枢纽经济, 绿色低碳, 生命健康, 智能制造, 现代农业, 现代服务业');
