import type { Request } from 'express';
import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../../contracts/errors.ts';

/** Chinese messages for the users of the screens and exports. */
const zhErrors = z.locales.zhCN().localeError;

/** Validates a request's query string; a bad one is a 400 naming each parameter, its value and why. */
export function parseQuery<T extends z.ZodType>(schema: T, req: Request): z.output<T> {
  const r = schema.safeParse(req.query, { error: zhErrors });
  if (r.success) return r.data;
  const issues: FieldIssue[] = r.error.issues.map((i) => {
    const field = i.path.map(String).join('.') || '(query)';
    const value = req.query[field];
    return value === undefined ? { field, reason: i.message } : { field, reason: i.message, value };
  });
  throw new ValidationError(`查询参数无效: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An `asOf` query parameter, the same on the JSON API and the exports: an ISO instant with its
 * offset, or a date (the end of that day, Asia/Shanghai). Parsed to the instant's ISO string.
 * Never in the future: a later event could still be recorded before it, so the answer could not
 * be reproduced (omitting `asOf` means now).
 */
export const AsOfParam = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'asOf 应为带时区的 ISO 时间 (如 2025-07-01T00:00:00+08:00) 或日期 (当日 24 时, 北京时间)',
  })
  .transform((raw, ctx) => {
    const ms = DATE_ONLY.test(raw) ? Date.parse(`${raw}T23:59:59.999+08:00`) : Date.parse(raw);
    if (ms > Date.now()) {
      ctx.addIssue({ code: 'custom', message: 'asOf 晚于当前时间: 之后仍可能有数据记入该时刻之前, 结果将无法复现; 省略 asOf 即按当前时间' });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  })
  .optional();
