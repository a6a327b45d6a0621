import { describe, expect, it } from 'vitest';
import { checkInflation } from '../../services/ingest/files/zipGuard.ts';
import { firstInvalidUtf8 } from '../../services/ingest/jsonGuard.ts';
import { registered, uscc } from '../fixtures/ingest/records.ts';
import { KEYS, startIngestApp } from './httpApp.ts';
import { tempDir } from './support.ts';
import { rawRequest, repeated, zipBombXlsx } from './uploads.ts';

const app = await startIngestApp(tempDir('ingest-hostile-input'), { reportRows: 5, fileBytes: 4 * 1024 * 1024, jsonBytes: 256 * 1024, lineBytes: 64 * 1024 });
const { call, store } = app;
const auth = { authorization: `Bearer ${KEYS.ingest}` };
// Response bodies are checked by shape in each test; typing every one would restate the contracts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const jsonOf = (res: Response): Promise<any> => res.json();
const REGISTRY_HEADER = '统一社会信用代码,企业名称,成立日期,登记机关,行政区划代码,所属街道,行业代码,注册资本(万元)';
const registryRow = (n: number, established = '2021-03-05'): string => `${uscc(n)},武汉${n}号公司,${established},新洲区市场监管局,420117,阳逻街道,C3911,100`;
const postCsv = (csv: string | Buffer, template = 'enterprise-registry') =>
  call(`/api/v1/ingest/files?template=${template}`, { method: 'POST', key: 'ingest', headers: { 'content-type': 'text/csv' }, body: csv });

describe('when JSON is not UTF-8', () => {
  it('refuses the body with a 400 naming the line and column of the bad byte, storing nothing', async () => {
    const head = await store.head();
    const text = JSON.stringify(registered(1), null, 1);
    const at = text.indexOf('武汉测试');
    // A lone continuation byte where a character should start (was stored as U+FFFD).
    const body = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0x80]), Buffer.from(text.slice(at))]);
    const res = await call('/api/v1/ingest/records', { method: 'POST', key: 'ingest', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    const problem = await jsonOf(res);
    const line = text.slice(0, at).split('\n').length;
    expect(problem.detail).toMatch(new RegExp(`UTF-8.*第 ${line} 行第 \\d+ 列`));
    expect(problem.errors[0]).toMatchObject({ field: '(body)', reason: expect.stringMatching(/非 UTF-8/) });
    expect(await store.head()).toEqual(head);
  });

  it('rejects the NDJSON line that is not UTF-8, by its line number, and keeps the others', async () => {
    const lines = [JSON.stringify(registered(2)), JSON.stringify(registered(3)).replace('武汉', '武\xff汉'), JSON.stringify(registered(4))];
    const body = Buffer.concat([Buffer.from(lines[0]! + '\n'), Buffer.from(lines[1]!, 'latin1'), Buffer.from('\n' + lines[2]!)]);
    const res = await call('/api/v1/ingest/records', { method: 'POST', key: 'ingest', headers: { 'content-type': 'application/x-ndjson' }, body });
    expect(res.status).toBe(200);
    const report = await jsonOf(res);
    expect(report).toMatchObject({ received: 3, accepted: 2, rejected: 1 });
    expect(report.results[1]).toMatchObject({ row: 2, status: 'rejected', issues: [{ field: '(body)', row: 2, reason: expect.stringMatching(/非 UTF-8.*第 2 行/) }] });
  });

  it('finds the first malformed byte: overlong forms, surrogates and cut sequences included', () => {
    expect(firstInvalidUtf8(Buffer.from('abc 武汉'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe6, 0xad]))).toBe(1);
  });
});

describe('when JSON nests 10,000 deep', () => {
  const deep = (n: number): string => `{"type":"EnterpriseRegistered","data":${'['.repeat(n)}${']'.repeat(n)}}`;

  it('answers 400 naming the depth on the JSON route, and keeps serving', async () => {
    const res = await call('/api/v1/ingest/records', { method: 'POST', key: 'ingest', headers: { 'content-type': 'application/json' }, body: deep(10_000) });
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).detail).toMatch(/嵌套过深: 超过 64 层/);
    expect((await call('/api/v1/ingest/templates', { key: 'viewer' })).status).toBe(200);
  });

  it('rejects that NDJSON line as its row', async () => {
    const res = await call('/api/v1/ingest/records', { method: 'POST', key: 'ingest', headers: { 'content-type': 'application/x-ndjson' }, body: `${deep(10_000)}\n${JSON.stringify(registered(5))}\n` });
    expect(res.status).toBe(200);
    const report = await jsonOf(res);
    expect(report).toMatchObject({ received: 2, accepted: 1, rejected: 1, results: [{ row: 1, status: 'rejected', issues: [{ reason: expect.stringMatching(/嵌套超过 64 层/) }] }, { row: 2 }] });
  });
});

describe('when a CSV names a column twice', () => {
  it('refuses the same header twice, naming it, before storing anything', async () => {
    const head = await store.head();
    const res = await postCsv(`${REGISTRY_HEADER},企业名称\n${registryRow(6)},别的名称\n`);
    expect(res.status).toBe(400);
    const problem = await jsonOf(res);
    expect(problem.detail).toMatch(/表头重复: 列 "企业名称" 出现了两次/);
    expect(problem.errors).toEqual([expect.objectContaining({ field: '企业名称', row: 1 })]);
    expect(await store.head()).toEqual(head);
  });

  it('refuses a header and its alias (two columns for one field), naming both', async () => {
    const res = await postCsv(`${REGISTRY_HEADER},市场主体名称\n${registryRow(7)},别的名称\n`);
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).detail).toMatch(/列 "企业名称" 与 "市场主体名称" 是同一字段/);
  });
});

describe('when a file has more rejected rows than the report lists', () => {
  it('lists the first N of each kind and counts the rest by field and reason, saying it was truncated', async () => {
    const rows = [...Array.from({ length: 30 }, (_, i) => registryRow(100 + i, '2021-13-45')), ...Array.from({ length: 12 }, (_, i) => registryRow(200 + i))];
    const res = await postCsv(`${REGISTRY_HEADER}\n${rows.join('\n')}\n`);
    expect(res.status).toBe(200);
    const report = await jsonOf(res);
    expect(report).toMatchObject({ received: 42, rejected: 30, accepted: 12 });
    expect(report.results.filter((r: { status: string }) => r.status === 'rejected').map((r: { row: number }) => r.row)).toEqual([2, 3, 4, 5, 6]);
    expect(report.results.filter((r: { status: string }) => r.status === 'accepted')).toHaveLength(5);
    expect(report.truncated).toEqual({
      detailRows: 5,
      omittedRejected: 25,
      omittedStored: 7,
      issueCounts: [{ field: '成立日期', reason: '应为日期 YYYY-MM-DD', count: 25 }],
    });
  });
});

describe('when an XLSX is a zip bomb', () => {
  it('refuses a sheet declaring 400 MB from 0.6 MB by its ratio, before inflating it', async () => {
    const bomb = await zipBombXlsx(400 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const head = await store.head();
    const res = await call('/api/v1/ingest/files?template=enterprise-registry&format=xlsx', { method: 'POST', key: 'ingest', body: bomb });
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).detail).toMatch(/sheet1\.xml 压缩比 \d+:1 .*超过 100:1, 疑似压缩炸弹/);
    expect(await store.head()).toEqual(head);
  });

  it('refuses one that lies about its inflated size, stopping as soon as it inflates past it', async () => {
    const liar = await zipBombXlsx(200 * 1024 * 1024, 4096);
    await expect(checkInflation(liar)).rejects.toThrow(/声明解压后 4096 字节, 实际更多/);
    const res = await call('/api/v1/ingest/files?template=enterprise-registry&format=xlsx', { method: 'POST', key: 'ingest', body: liar });
    expect(res.status).toBe(400);
  });

  it('accepts a small honest workbook of the same construction (the guard passes it to the reader)', async () => {
    expect(await checkInflation(await zipBombXlsx(10_000))).toBeGreaterThan(10_000);
  });
});

describe('when a body is larger than its route allows', () => {
  it('answers 413 problem JSON to a chunked JSON body over the limit', async () => {
    const answer = await rawRequest(`${app.base}/api/v1/ingest/records`, {
      headers: { ...auth, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: (function* () {
        yield Buffer.from('[');
        yield* repeated(`${JSON.stringify(registered(9))},`, 1024 * 1024);
      })(),
    });
    expect(answer).not.toBe('closed');
    expect(answer).toMatchObject({ status: 413 });
    expect(JSON.parse((answer as { body: string }).body)).toMatchObject({ title: '请求体过大', limit: 256 * 1024 });
  });

  it('answers 413 to an NDJSON line over the line limit', async () => {
    const res = await call('/api/v1/ingest/records', { method: 'POST', key: 'ingest', headers: { 'content-type': 'application/x-ndjson' }, body: `{"a":"${'x'.repeat(100 * 1024)}"}\n` });
    expect(res.status).toBe(413);
    expect((await jsonOf(res)).detail).toMatch(/上限 65536 字节/);
  });

  it('answers 413 to a file whose declared length is over the limit, before reading it, and closes', async () => {
    const answer = await rawRequest(`${app.base}/api/v1/ingest/files?template=enterprise-registry`, {
      headers: { ...auth, 'content-type': 'text/csv', 'content-length': 4 * 1024 * 1024 + 1 },
      body: [Buffer.from('abcd')],
    });
    expect(answer).toMatchObject({ status: 413, headers: { connection: 'close' } });
  });

  it('answers 413 (or closes) when a chunked file passes the limit while streaming', async () => {
    const answer = await rawRequest(`${app.base}/api/v1/ingest/files?template=enterprise-registry`, {
      headers: { ...auth, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
      body: (function* () {
        yield Buffer.from(`${REGISTRY_HEADER}\n`);
        yield* repeated(`${registryRow(300, 'bad')}\n`, 8 * 1024 * 1024);
      })(),
    });
    if (answer !== 'closed') expect(answer).toMatchObject({ status: 413 });
    expect((await call('/api/v1/ingest/templates', { key: 'viewer' })).status).toBe(200);
  });
});
