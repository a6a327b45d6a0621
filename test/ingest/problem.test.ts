import { describe, expect, it } from 'vitest';
import { ConflictError, InfrastructureError, ValidationError } from '../../contracts/errors.ts';
import { toProblem } from '../../services/http/problem.ts';

describe('when errors become problem details', () => {
  it('carries field issues of a validation error', () => {
    const { problem } = toProblem(new ValidationError('bad', [{ field: 'data.uscc', reason: '格式错误', row: 3 }]));
    expect(problem).toEqual({ type: 'urn:innovation-brain:problem:validation', title: '请求数据无效', status: 400, detail: 'bad', errors: [{ field: 'data.uscc', reason: '格式错误', row: 3 }] });
  });
  it('names stream and versions of a conflict', () => {
    expect(toProblem(new ConflictError('moved', 'fund-F1', 2, 5)).problem).toMatchObject({ status: 409, streamId: 'fund-F1', expectedVersion: 2, actualVersion: 5 });
  });
  it('answers 503 with Retry-After only for a retriable infrastructure error', () => {
    const retriable = toProblem(new InfrastructureError('busy', { retriable: true }));
    expect(retriable.problem).toMatchObject({ status: 503, retriable: true });
    expect(retriable.headers['Retry-After']).toBe('1');
    expect(toProblem(new InfrastructureError('disk full', { retriable: false })).headers['Retry-After']).toBeUndefined();
  });
  it('hides everything of an unknown error', () => {
    const { problem, internal } = toProblem(Object.assign(new TypeError('x is undefined at /srv/app.ts:9'), { status: 500 }));
    expect(internal).toBe(true);
    expect(JSON.stringify(problem)).not.toMatch(/undefined|app\.ts/);
  });
});
