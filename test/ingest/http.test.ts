import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, INGEST_EVENT_TYPES } from '../../contracts/events/index.ts';
import { certified, mixedBatch, rec, registered, uscc } from '../fixtures/ingest/records.ts';
import { startIngestApp } from './httpApp.ts';
import { tempDir } from './support.ts';

const dir = tempDir('ingest-http');
const app = await startIngestApp(dir, { jsonBytes: 64 * 1024, lineBytes: 8 * 1024, chunkRecords: 100 });
const { call, postJson, store } = app;
const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'ingest');
const docs = path.join(import.meta.dirname, '..', '..', 'docs');
// Response bodies are checked by shape in each test; typing every one would restate the contracts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const jsonOf = (res: Response): Promise<any> => res.json();

describe('when a single record is posted', () => {
  it('answers 400 problem+json naming the field and reason, and stores nothing', async () => {
    const head = await store.head();
    const res = await postJson('/api/v1/ingest/records', certified(1, { issuedOn: '2023-02-30' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await jsonOf(res);
    expect(body).toMatchObject({
      type: 'urn:innovation-brain:problem:validation',
      title: '请求数据无效',
      status: 400,
      instance: '/api/v1/ingest/records',
      errors: [{ field: 'data.issuedOn', reason: '应为日期 YYYY-MM-DD', row: 1 }],
    });
    expect(await store.head()).toEqual(head);
  });
  it('answers 201 with the report when accepted, 200 duplicate when re-sent', async () => {
    const first = await postJson('/api/v1/ingest/records', registered(2));
    expect(first.status).toBe(201);
    expect(await jsonOf(first)).toMatchObject({ accepted: 1, results: [{ status: 'accepted', streamId: `enterprise-${uscc(2)}` }] });
    const again = await postJson('/api/v1/ingest/records', registered(2));
    expect(again.status).toBe(200);
    expect(await jsonOf(again)).toMatchObject({ accepted: 0, duplicates: 1 });
  });
  it('answers 422 when a business rule refuses it', async () => {
    const res = await postJson('/api/v1/ingest/records', rec('HighTechRevoked', { uscc: uscc(3), certificateNumber: 'GR202342000003', revokedOn: '2024-01-01' }));
    expect(res.status).toBe(422);
    expect(await jsonOf(res)).toMatchObject({ type: 'urn:innovation-brain:problem:illegal-state', errors: [{ field: 'data.certificateNumber' }] });
  });
  it('answers 400 with the position for malformed JSON', async () => {
    const res = await call('/api/v1/ingest/records', { method: 'POST', key: 'ingest', headers: { 'content-type': 'application/json' }, body: '{"type": "EnterpriseRegistered",, }' });
    expect(res.status).toBe(400);
    const body = await jsonOf(res);
    expect(body.type).toBe('urn:innovation-brain:problem:malformed-json');
    expect(body.detail).toMatch(/position \d+/);
  });
  it('answers 413 for a body over the limit', async () => {
    const res = await postJson('/api/v1/ingest/records', mixedBatch(400));
    expect(res.status).toBe(413);
    expect(await jsonOf(res)).toMatchObject({ status: 413, title: '请求体过大', limit: 64 * 1024 });
  });
  it('answers 400 for a record of another context on a context route', async () => {
    const res = await postJson('/api/v1/ingest/funds/records', registered(4));
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).errors[0]).toMatchObject({ field: 'type', reason: expect.stringMatching(/属于 enterprises/) });
    expect((await postJson('/api/v1/ingest/enterprises/records', registered(4))).status).toBe(201);
    expect((await postJson('/api/v1/ingest/nowhere/records', registered(4))).status).toBe(404);
  });
});

describe('when keys and roles are checked', () => {
  it('answers 401 without a key or with an unknown one', async () => {
    const none = await call('/api/v1/ingest/records', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(registered(5)) });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await call('/api/v1/ingest/templates', { key: 'not-a-key-at-all' });
    expect(wrong.status).toBe(401);
  });
  it('answers 403 to a viewer posting records, and lets it read templates; admin may write', async () => {
    const res = await postJson('/api/v1/ingest/records', registered(5), 'viewer');
    expect(res.status).toBe(403);
    expect(await jsonOf(res)).toMatchObject({ type: 'urn:innovation-brain:problem:forbidden' });
    expect((await call('/api/v1/ingest/templates', { key: 'viewer' })).status).toBe(200);
    expect((await postJson('/api/v1/ingest/records', registered(5), 'admin')).status).toBe(201);
  });
});

describe('when a batch is posted', () => {
  it('answers 200 with per-record outcomes: bad rows reported, the others stored', async () => {
    const batch = [registered(10), certified(10, { certificateNumber: 'XX' }), certified(11)];
    const res = await postJson('/api/v1/ingest/records', batch);
    expect(res.status).toBe(200);
    const report = await jsonOf(res);
    expect(report).toMatchObject({ received: 3, accepted: 2, rejected: 1 });
    expect(report.results[1]).toMatchObject({ row: 2, status: 'rejected', issues: [{ field: 'data.certificateNumber' }] });
  });
});

describe('when NDJSON is streamed', () => {
  it('ingests it chunk by chunk, reporting bad lines by line number', async () => {
    const lines = mixedBatch(250, 1000).map((r) => JSON.stringify(r));
    lines.splice(120, 0, '{not json');
    lines.splice(200, 0, '');
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        // Uneven pieces, split mid-line and mid-character, as a network delivers them.
        const bytes = encoder.encode(`${lines.join('\n')}\n`);
        for (let i = 0; i < bytes.length; i += 4093) controller.enqueue(bytes.slice(i, i + 4093));
        controller.close();
      },
    });
    const res = await call('/api/v1/ingest/records', { method: 'POST', key: 'ingest', headers: { 'content-type': 'application/x-ndjson' }, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(200);
    const report = await jsonOf(res);
    expect(report).toMatchObject({ received: 251, accepted: 250, rejected: 1 });
    expect(report.results.find((r: { status: string }) => r.status === 'rejected')).toMatchObject({ row: 121, issues: [{ field: '(line)', reason: expect.stringMatching(/JSON 格式错误/) }] });
    expect(report.results.at(-1).row).toBe(252);
  });
  it('reads a stream that starts with a byte-order mark (saved on Windows) like one without', async () => {
    const body = `\ufeff${mixedBatch(3, 7000).map((r) => JSON.stringify(r)).join('\n')}\n`;
    const res = await call('/api/v1/ingest/records', { method: 'POST', key: 'ingest', headers: { 'content-type': 'application/x-ndjson' }, body });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ received: 3, accepted: 3, rejected: 0 });
  });
  it('answers 413 for a line over the line limit', async () => {
    const res = await call('/api/v1/ingest/records', { method: 'POST', key: 'ingest', headers: { 'content-type': 'application/x-ndjson' }, body: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
  });
});

describe('when two requests race on one stream with the same expectedVersion', () => {
  it('lets one through and answers 409 to the other', async () => {
    await postJson('/api/v1/ingest/records', registered(20));
    const a = { ...certified(20), expectedVersion: 0 };
    const b = { ...rec('TechSmeRegistered', { uscc: uscc(20), year: 2024, registrationNumber: 'R-1' }), expectedVersion: 0 };
    const [ra, rb] = await Promise.all([postJson('/api/v1/ingest/records', a), postJson('/api/v1/ingest/records', b)]);
    expect([ra.status, rb.status].sort()).toEqual([201, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(await jsonOf(loser)).toMatchObject({ type: 'urn:innovation-brain:problem:conflict', status: 409 });
    expect((await store.readStream(`enterprise-${uscc(20)}`)).length).toBe(2);
  });
});

describe('when files are uploaded', () => {
  it('imports a GBK CSV, reporting the bad rows by spreadsheet row and column', async () => {
    const res = await call('/api/v1/ingest/files?template=hightech-certificates&batch=2024-Q4', {
      method: 'POST',
      key: 'ingest',
      headers: { 'content-type': 'text/csv', 'x-file-name': 'gaoqi.csv' },
      body: readFileSync(path.join(fixtures, 'hightech-gbk.csv')),
    });
    expect(res.status).toBe(200);
    const report = await jsonOf(res);
    expect(report).toMatchObject({ received: 6, accepted: 4, rejected: 2 });
    expect(report.results.find((r: { row: number }) => r.row === 5)).toMatchObject({ status: 'rejected', issues: [{ field: '发证日期', row: 5 }] });
    const [event] = await store.readStream(`enterprise-${report.results[0].streamId.slice('enterprise-'.length)}`);
    expect(event?.source).toEqual({ system: '高企认定', document: 'gaoqi.csv', batch: '2024-Q4' });
  });
  it('imports an XLSX upload', async () => {
    const res = await call('/api/v1/ingest/files?template=tech-contracts', {
      method: 'POST',
      key: 'ingest',
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      body: readFileSync(path.join(docs, 'templates', 'tech-contracts.xlsx')),
    });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ received: 1, accepted: 1 });
  });
  it('answers 400 for an unknown template', async () => {
    const res = await call('/api/v1/ingest/files?template=nope', { method: 'POST', key: 'ingest', headers: { 'content-type': 'text/csv' }, body: 'a,b\n1,2\n' });
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).errors[0]).toMatchObject({ field: 'template', value: 'nope' });
  });
});

describe('when templates and schemas are read', () => {
  it('lists the templates with their Chinese columns', async () => {
    const body = await jsonOf(await call('/api/v1/ingest/templates', { key: 'ingest' }));
    const gaoqi = body.templates.find((t: { name: string }) => t.name === 'hightech-certificates');
    expect(gaoqi).toMatchObject({ recordType: 'HighTechCertified', context: 'enterprises' });
    expect(gaoqi.columns).toContainEqual(expect.objectContaining({ header: '证书编号', field: 'certificateNumber', required: true }));
  });
  it('serves every event JSON Schema, the same document as docs/events.schema.json', async () => {
    const res = await call('/api/v1/ingest/schemas', { key: 'viewer' });
    expect(res.status).toBe(200);
    const doc = await jsonOf(res);
    expect(Object.keys(doc.$defs)).toEqual(expect.arrayContaining([...EVENT_TYPES, ...INGEST_EVENT_TYPES.map((t) => `${t}Record`)]));
    expect(doc.oneOf).toHaveLength(EVENT_TYPES.length);
    expect(JSON.parse(readFileSync(path.join(docs, 'events.schema.json'), 'utf8'))).toEqual(doc);
  });
  it('serves one type, as event or as record, and 404 for an unknown type', async () => {
    const event = await jsonOf(await call('/api/v1/ingest/schemas/HighTechCertified', { key: 'viewer' }));
    expect(event.properties.data.properties.certificateNumber).toMatchObject({ type: 'string' });
    expect(event.required).toEqual(expect.arrayContaining(['eventId', 'recordedAt', 'actor']));
    const record = await jsonOf(await call('/api/v1/ingest/schemas/TalentIntroduced?as=record', { key: 'viewer' }));
    expect(record.required).not.toContain('eventId');
    expect(record.properties.data.properties.idNumber).toBeDefined();
    expect((await call('/api/v1/ingest/schemas/Nope', { key: 'viewer' })).status).toBe(404);
  });
});

describe('when something unexpected fails or nothing matches', () => {
  it('answers 500 without leaking internals', async () => {
    const res = await call('/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/secret|db\.ts|at \//);
    expect(JSON.parse(text)).toMatchObject({ type: 'urn:innovation-brain:problem:internal', status: 500 });
  });
  it('answers 404 problem+json for an unknown path', async () => {
    const res = await call('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
