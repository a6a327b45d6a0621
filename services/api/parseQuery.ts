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

/** The `asOf` parameter lives with the other API contracts; re-exported for the routers. */
export { AsOfParam } from '../../contracts/api/params.ts';
