import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ConflictError, InfrastructureError, NotFoundError, isBrainError, type FieldIssue } from '../../contracts/errors.ts';

/** RFC 9457 problem details, plus `errors` (one per field) and a few members of our own. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldIssue[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Problem type URIs: stable identifiers, documented in docs/ingest.md. */
export const problemType = (code: string): string => `urn:innovation-brain:problem:${code}`;

const TITLES: Record<string, string> = {
  validation: '请求数据无效',
  unauthorized: '未认证',
  forbidden: '无权访问',
  'not-found': '未找到',
  conflict: '版本冲突',
  'illegal-state': '业务规则不允许',
  infrastructure: '服务暂不可用',
  'malformed-json': 'JSON 格式错误',
  'payload-too-large': '请求体过大',
  'unsupported-media-type': '不支持的内容类型',
  http: '请求错误',
  internal: '服务器内部错误',
};

export interface ProblemLog {
  error(obj: object, msg: string): void;
}

/** body-parser / http-errors shape: a status it allows us to show (`expose`), and a `type` naming the failure. */
interface HttpError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  limit?: number;
  length?: number;
  message: string;
}

function problem(code: string, status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: problemType(code), title: TITLES[code] ?? TITLES.http!, status, detail, ...extra };
}

/** Maps any thrown value to a problem; unknown errors become a 500 that reveals nothing of the error. */
export function toProblem(err: unknown): { problem: Problem; headers: Record<string, string>; internal: boolean } {
  const headers: Record<string, string> = {};
  if (isBrainError(err)) {
    const p = problem(err.code, err.status, err.message);
    if ('issues' in err && Array.isArray(err.issues) && err.issues.length > 0) p.errors = err.issues as FieldIssue[];
    if (err instanceof ConflictError) {
      if (err.streamId !== undefined) p.streamId = err.streamId;
      if (err.expected !== undefined) p.expectedVersion = err.expected;
      if (err.actual !== undefined) p.actualVersion = err.actual;
    }
    if (err instanceof InfrastructureError) {
      p.retriable = err.retriable;
      if (err.retriable) headers['Retry-After'] = '1';
    }
    if (err.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="innovation-brain"';
    return { problem: p, headers, internal: false };
  }
  const h = err as HttpError | null;
  const status = h?.status ?? h?.statusCode;
  if (h && typeof status === 'number' && status >= 400 && status < 500) {
    if (h.type === 'entity.parse.failed') {
      const detail = `请求体不是合法的 JSON: ${h.message}`;
      return { problem: problem('malformed-json', 400, detail, { errors: [{ field: '(body)', reason: h.message }] }), headers, internal: false };
    }
    if (h.type === 'entity.too.large' || status === 413) {
      const limit = h.limit !== undefined ? `上限 ${h.limit} 字节` : '超过上限';
      const detail = `请求体过大 (${h.length !== undefined ? `${h.length} 字节, ` : ''}${limit}); 大批量请用 NDJSON 流或分批发送`;
      return { problem: problem('payload-too-large', 413, detail, h.limit !== undefined ? { limit: h.limit } : {}), headers, internal: false };
    }
    if (status === 415) return { problem: problem('unsupported-media-type', 415, h.message), headers, internal: false };
    return { problem: problem('http', status, h.expose === false ? TITLES.http! : h.message), headers, internal: false };
  }
  return { problem: problem('internal', 500, '服务器内部错误, 已记录; 请稍后重试或联系管理员'), headers, internal: true };
}

export function sendProblem(req: Request, res: Response, err: unknown, log?: ProblemLog): void {
  const { problem: p, headers, internal } = toProblem(err);
  p.instance = req.originalUrl;
  if (internal) log?.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
  // A refusal before the body was read (413, a bad header): close after answering rather than
  // read the rest of what may be hundreds of megabytes, or wait for bytes a lying Content-Length promised.
  if (!req.complete) headers.Connection = 'close';
  res.status(p.status).set(headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(p));
}

/** The one error middleware of the HTTP layer: every error leaves as `application/problem+json`. */
export function problemHandler(options: { log?: ProblemLog } = {}): ErrorRequestHandler {
  return (err, req, res, next) => {
    // Headers already gone (a stream failed mid-response): only Express can end the connection.
    if (res.headersSent) {
      next(err);
      return;
    }
    sendProblem(req, res, err, options.log);
  };
}

/** The last route: anything unmatched is a 404 problem. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new NotFoundError(`没有这个资源: ${req.method} ${req.originalUrl}`));
}
