import { describe, expect, it } from 'vitest';
import { certified, registered } from '../fixtures/ingest/records.ts';
import { startIngestApp } from './httpApp.ts';
import { tempDir } from './support.ts';

const app = await startIngestApp(tempDir('ingest-hostile'));
const { postJson, store } = app;

/** Input a careless or hostile sender might post: each is refused by name, and nothing lands. */
describe('when a sender posts what no department should', () => {
  it('refuses an unknown (misspelt) field instead of dropping it in silence', async () => {
    const head = await store.head();
    const res = await postJson('/api/v1/ingest/records', { ...certified(11), data: { ...certified(11).data, certNo: 'GR202342000001' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ field: string; reason: string }> };
    expect(body.errors).toEqual([expect.objectContaining({ field: 'data.certNo', reason: expect.stringMatching(/未知字段/) })]);
    expect(await store.head()).toEqual(head);
  });

  it('refuses an unknown field of the envelope too', async () => {
    const res = await postJson('/api/v1/ingest/records', { ...registered(12), recordedAt: '2020-01-01T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe('recordedAt');
  });

  it('refuses a certificate issued in the future, naming the date field', async () => {
    const head = await store.head();
    const res = await postJson('/api/v1/ingest/records', certified(13, { issuedOn: '2099-02-03' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ field: string; reason: string }> };
    expect(body.errors[0]).toMatchObject({ field: 'data.issuedOn', reason: expect.stringMatching(/晚于今天/) });
    expect(await store.head()).toEqual(head);
  });

  it('reports each bad record of a batch by row and keeps the good ones', async () => {
    const res = await postJson('/api/v1/ingest/records', [registered(14), { type: 'HighTechCertified' }, certified(15, { issuedOn: '2099-01-01' }), 'text', registered(16)]);
    expect(res.status).toBe(200);
    const report = (await res.json()) as { accepted: number; rejected: number; results: Array<{ row: number; status: string }> };
    expect(report).toMatchObject({ accepted: 2, rejected: 3 });
    expect(report.results.filter((r) => r.status === 'rejected').map((r) => r.row)).toEqual([2, 3, 4]);
  });

  it('refuses a __proto__ key as an unknown field, polluting nothing', async () => {
    const res = await app.call('/api/v1/ingest/records', {
      method: 'POST',
      key: 'ingest',
      headers: { 'content-type': 'application/json' },
      body: `{"__proto__":{"polluted":true},${JSON.stringify(registered(17)).slice(1)}`,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
