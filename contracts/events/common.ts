import { z } from 'zod';

/** A calendar date, YYYY-MM-DD (business time, Asia/Shanghai). */
export const IsoDate = z.iso.date({ error: '应为日期 YYYY-MM-DD' }).describe('A calendar date, YYYY-MM-DD (business time, Asia/Shanghai)');

/** Business time: a date, or an instant with an offset. */
export const OccurredAt = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: '应为日期 YYYY-MM-DD 或带时区的时间 (ISO 8601)',
  })
  .describe('Business time (业务发生时间): a date YYYY-MM-DD, or an ISO 8601 instant with an offset, e.g. 2025-03-01T09:30:00+08:00');

/** Money in 万元 (ten thousand yuan), the unit departments report in. */
export const Wan = z
  .number({ error: '应为数值 (万元)' })
  .finite()
  .nonnegative({ error: '金额不能为负' })
  .describe('An amount of money in 万元 (units of 10,000 CNY), never negative; 1 亿元 = 10000 万元');

export const Level = z.enum(['区级', '市级', '省级', '国家级']).describe('Administrative level: 区级 district, 市级 city (Wuhan), 省级 province (Hubei), 国家级 national');
export const Year = z.number().int().min(1990).max(2100).describe('A calendar year, four digits (1990–2100)');
export const NonEmpty = z.string().trim().min(1, { error: '不能为空' }).describe('Non-empty text (trimmed)');
