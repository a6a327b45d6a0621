import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainEvent } from '../../contracts/events/index.ts';
import { createIngestService } from '../../services/ingest/ingestService.ts';
import { certified, mixedBatch, rec, registered, uscc } from '../fixtures/ingest/records.ts';
import { freshStore, tempDir } from './support.ts';

const dir = tempDir('ingest-service');
const meta = { actor: 'key:test-ingest' };
const service = (chunkEvents?: number) => {
  const { store, file } = freshStore(dir);
  const svc = createIngestService({ store, personSalt: 'test-salt-0123456789', now: () => new Date('2025-03-01T08:00:00Z'), ...(chunkEvents ? { chunkEvents } : {}) });
  return { store, file, svc };
};

describe('when a batch holds one invalid record', () => {
  it('rejects that record with row, field and reason, and stores the others', async () => {
    const { store, svc } = service();
    const bad = certified(2, { issuedOn: '2023/11/20' });
    const report = await svc.ingest([registered(1), bad, certified(3)], { ...meta, firstRow: 10 });
    expect(report).toMatchObject({ received: 3, accepted: 2, rejected: 1, duplicates: 0 });
    expect(report.results[1]).toEqual({
      row: 11,
      status: 'rejected',
      code: 'validation',
      issues: [{ field: 'data.issuedOn', reason: '应为日期 YYYY-MM-DD', row: 11, value: '2023/11/20' }],
    });
    expect((await store.head()).events).toBe(2);
    expect(report.position).toBe(2);
  });
  it('names missing fields and unknown types in Chinese', async () => {
    const { svc } = service();
    const report = await svc.ingest([{ type: 'Nope', source: { system: 'x' }, data: {} }, { type: 'TechSmeRegistered', source: { system: 'x' }, data: { uscc: uscc(1), year: 2024 } }], meta);
    expect(report.results[0]).toMatchObject({ status: 'rejected', issues: [{ field: 'type', reason: expect.stringMatching(/未知的记录类型 "Nope"/) }] });
    expect(report.results[1]).toMatchObject({ status: 'rejected', issues: [{ field: 'data.registrationNumber', reason: expect.stringMatching(/缺少必填字段/) }] });
  });
  it('rejects what is not a record at all without failing the batch', async () => {
    const { svc } = service();
    const report = await svc.ingest([null, 42, [], registered(1)], meta);
    expect(report.results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'accepted']);
    expect(report.results[0]).toMatchObject({ issues: [{ field: '(record)' }] });
  });
});

describe('when records are accepted', () => {
  it('stores valid envelopes: platform recordedAt, actor from the key, deterministic ids', async () => {
    const { store, svc } = service();
    const report = await svc.ingest([registered(1), { ...certified(1), correlationId: 'corr-1' }], meta);
    const events = await store.readStream(`enterprise-${uscc(1)}`);
    expect(events.map((e) => e.eventId)).toEqual(report.results.flatMap((r) => (r.status === 'accepted' ? r.eventIds : [])));
    for (const e of events) {
      const { position: _p, streamVersion: _v, ...event } = e;
      expect(DomainEvent.safeParse(event).success).toBe(true);
      expect(e).toMatchObject({ recordedAt: '2025-03-01T08:00:00.000Z', actor: 'key:test-ingest', source: { system: '测试系统' } });
    }
    expect(events[1]?.correlationId).toBe('corr-1');
  });
  it('lets a later record of the same call see an earlier one (admit, then graduate)', async () => {
    const { svc } = service();
    const report = await svc.ingest(
      [
        rec('IncubatorTenantAdmitted', { incubatorId: 'I1', tenantId: 'T1', tenantName: '团队', admittedOn: '2022-01-01' }),
        rec('IncubatorTenantGraduated', { incubatorId: 'I1', tenantId: 'T1', graduatedOn: '2024-01-01', criterion: '上市' }),
        rec('IncubatorTenantGraduated', { incubatorId: 'I1', tenantId: 'T1', graduatedOn: '2024-02-01', criterion: '上市' }),
      ],
      meta,
    );
    expect(report.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'rejected']);
    expect(report.results[2]).toMatchObject({ row: 3, code: 'illegal-state', issues: [{ field: 'data.tenantId', row: 3, reason: expect.stringMatching(/已于 2024-01-01 毕业/) }] });
  });
});

describe('when a batch is sent again', () => {
  it('answers duplicate for every record and stores nothing new, across chunks', async () => {
    const { store, svc } = service(7);
    const batch = mixedBatch(40);
    const first = await svc.ingest(batch, meta);
    expect(first.accepted).toBe(40);
    const head = await store.head();
    const again = await svc.ingest(batch, meta);
    expect(again).toMatchObject({ received: 40, accepted: 0, duplicates: 40, rejected: 0, position: head.position });
    expect(again.results.map((r) => (r.status === 'duplicate' ? r.eventIds : []))).toEqual(first.results.map((r) => (r.status === 'accepted' ? r.eventIds : [])));
    expect(await store.head()).toEqual(head);
  });
});

describe('when a record corrects an earlier one', () => {
  it('says in the report which event it superseded', async () => {
    const { svc } = service();
    const first = await svc.ingest([certified(7)], meta);
    const original = first.results[0]!.status === 'accepted' ? first.results[0]!.eventIds[0] : undefined;
    expect(original).toBeDefined();
    const fixed = await svc.ingest([certified(7, { techField: '电子信息' })], meta);
    expect(fixed.results[0]).toMatchObject({ status: 'accepted', supersedes: original });
    // A new record supersedes nothing.
    expect((await svc.ingest([certified(8)], meta)).results[0]).not.toHaveProperty('supersedes');
  });
});

describe('when a record carries expectedVersion', () => {
  it('rejects it as a conflict when the stream is elsewhere, and accepts it when it matches', async () => {
    const { store, svc } = service();
    await svc.ingest([registered(1)], meta);
    const stale = await svc.ingest([{ ...certified(1), expectedVersion: -1 }], meta);
    expect(stale.results[0]).toMatchObject({ status: 'rejected', code: 'conflict', issues: [{ field: 'expectedVersion', value: -1 }] });
    const fresh = await svc.ingest([{ ...certified(1), expectedVersion: 0 }], meta);
    expect(fresh.results[0]?.status).toBe('accepted');
    expect((await store.readStream(`enterprise-${uscc(1)}`)).length).toBe(2);
  });
});

describe('when two writers share one store', () => {
  it('serialises the calls of one service on one stream, so both land', async () => {
    const { store, svc } = service();
    const [a, b] = await Promise.all([svc.ingest([registered(9)], meta), svc.ingest([certified(9)], meta)]);
    expect([a.accepted, b.accepted]).toEqual([1, 1]);
    expect((await store.readStream(`enterprise-${uscc(9)}`)).map((e) => e.streamVersion)).toEqual([0, 1]);
  });
  it('re-decides the chunk that lost a race between two services (two processes), so both land', async () => {
    const { store, svc } = service();
    const other = createIngestService({ store, personSalt: 'test-salt-0123456789' });
    const [a, b] = await Promise.all([svc.ingest([registered(8)], meta), other.ingest([certified(8)], meta)]);
    expect([a.accepted, b.accepted]).toEqual([1, 1]);
    expect((await store.readStream(`enterprise-${uscc(8)}`)).map((e) => e.type).sort()).toEqual(['EnterpriseRegistered', 'HighTechCertified']);
  });
  it('catches a cached stream up with what another service appended since', async () => {
    const { store, svc } = service();
    const other = createIngestService({ store, personSalt: 'test-salt-0123456789' });
    const admitted = rec('IncubatorTenantAdmitted', { incubatorId: 'I7', tenantId: 'T1', tenantName: '团队', admittedOn: '2022-01-01' });
    const graduated = rec('IncubatorTenantGraduated', { incubatorId: 'I7', tenantId: 'T1', graduatedOn: '2024-01-01', criterion: '上市' });
    await svc.ingest([rec('IncubatorTenantAdmitted', { incubatorId: 'I7', tenantId: 'T0', tenantName: '甲', admittedOn: '2021-01-01' })], meta);
    await other.ingest([admitted], meta);
    // svc holds incubator-I7 at version 0; the admission of T1 (version 1) came from the other service.
    const report = await svc.ingest([{ ...graduated, expectedVersion: 1 }], meta);
    expect(report.results[0]?.status).toBe('accepted');
    expect((await store.readStream('incubator-I7')).length).toBe(3);
  });
});

describe('when more streams pass than the service keeps', () => {
  it('reads an evicted stream back from the store, so what it holds still counts', async () => {
    const { store } = freshStore(dir);
    const svc = createIngestService({ store, personSalt: 'test-salt-0123456789', now: () => new Date('2025-03-01T08:00:00Z'), cachedStreams: 1 });
    const firms = Array.from({ length: 40 }, (_, i) => 100 + i);
    for (const n of firms) await svc.ingest([registered(n)], meta);
    // The first firms' streams were evicted long ago: a re-send is still a duplicate, a new fact still lands after them.
    const again = await svc.ingest(firms.slice(0, 5).map((n) => registered(n)), meta);
    expect(again).toMatchObject({ accepted: 0, duplicates: 5 });
    const certifiedFirst = await svc.ingest([certified(100)], meta);
    expect(certifiedFirst.accepted).toBe(1);
    expect((await store.readStream(`enterprise-${uscc(100)}`)).map((e) => e.streamVersion)).toEqual([0, 1]);
  });
});

describe('when a talent record carries an ID-card number', () => {
  const talent = (idNumber: string) =>
    ({
      ...rec('TalentIntroduced', { talentId: 'P1', name: '张三', programme: '武汉英才', employerUscc: uscc(1), introducedOn: '2024-04-01' }),
      data: { talentId: 'P1', name: '张三', programme: '武汉英才', employerUscc: uscc(1), introducedOn: '2024-04-01', idNumber },
    }) as const;
  it('stores a salted personRef and never the raw number', async () => {
    const { store, file, svc } = service();
    const id = '11010519491231002X';
    const report = await svc.ingest([talent(id)], meta);
    expect(report.accepted).toBe(1);
    const [event] = await store.readStream('talent-P1');
    expect(event?.data).toMatchObject({ personRef: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(event)).not.toContain(id);
    expect(readFileSync(file).includes(Buffer.from(id))).toBe(false);
    expect((await svc.ingest([talent(id)], meta)).duplicates).toBe(1);
  });
  it('rejects a malformed number without echoing it', async () => {
    const { svc } = service();
    const report = await svc.ingest([talent('110105194912310021')], meta);
    expect(report.results[0]).toMatchObject({ status: 'rejected', issues: [{ field: 'data.idNumber', reason: '身份证号校验位错误' }] });
    expect(JSON.stringify(report)).not.toContain('110105194912310021');
  });
});

describe('when a call is restricted to one context', () => {
  it('rejects records of another context', async () => {
    const { svc } = service();
    const report = await svc.ingest([registered(1), rec('FundCapitalCalled', { fundId: 'F', callId: 'c', amount: 1, calledOn: '2024-01-01' })], { ...meta, context: 'enterprises' });
    expect(report.results.map((r) => r.status)).toEqual(['accepted', 'rejected']);
    expect(report.results[1]).toMatchObject({ issues: [{ field: 'type', reason: expect.stringMatching(/属于 funds/) }] });
  });
});
