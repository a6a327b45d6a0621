import { z } from 'zod';

/** A calendar date, YYYY-MM-DD (business time, Asia/Shanghai). */
export const IsoDate = z.iso.date({ error: '应为日期 YYYY-MM-DD' });

/** Business time: a date, or an instant with an offset. */
export const OccurredAt = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: '应为日期 YYYY-MM-DD 或带时区的时间 (ISO 8601)',
});

/** Money in 万元 (ten thousand yuan), the unit departments report in. */
export const Wan = z.number({ error: '应为数值 (万元)' }).finite().nonnegative({ error: '金额不能为负' });

export const Level = z.enum(['区级', '市级', '省级', '国家级']);
export const Year = z.number().int().min(1990).max(2100);
export const NonEmpty = z.string().trim().min(1, { error: '不能为空' });
