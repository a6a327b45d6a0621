/**
 * The data-quality board (数据质量) over the hand-made history: every fixture record comes from
 * unit 测试夹具, recorded the morning after it occurred (the latest in 2025), so against the default
 * cadence of 120 days it is overdue today. The test adds, from a second unit 统计局 recorded
 * now: an annual report flagged by filing review, a correction of it, and a registration under a
 * name already registered with another USCC.
 */
import { describe, expect, it } from 'vitest';
import type { DataQualityView } from '../../contracts/monitoring.ts';
import type { RecordedEvent } from '../../contracts/events/index.ts';
import { createEventFactory } from '../fixtures/kpi/eventFactory.ts';
import { FIRMS, HAND_EVENTS, uscc } from '../fixtures/kpi/handFixture.ts';
import { useKpiServer } from '../support/kpiServer.ts';
import { createIngestService } from '../../services/ingest/ingestService.ts';
import { createOlapRejectionLog } from '../../services/olap/rejectionLog.ts';
import { registered, SOURCE } from '../fixtures/ingest/records.ts';

const server = useKpiServer(HAND_EVENTS);

async function board(query = ''): Promise<{ status: number; body: DataQualityView }> {
  const res = await fetch(`${server().url}/api/v1/data-quality${query}`, { headers: { Authorization: `Bearer ${server().keys.viewer}` } });
  return { status: res.status, body: (await res.json()) as DataQualityView };
}

describe('the data-quality board', () => {
  it('lists each sending department with its volume, its latest record against its cadence, corrections and flags', async () => {
    const before = await board();
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    const fixture = before.body.units.find((u) => u.unit === '测试夹具')!;
    expect(fixture.records).toBe(HAND_EVENTS.length);
    expect(fixture).toMatchObject({ cadenceDays: 120, overdue: true, flagged: 0, underReview: 0 });
    expect(fixture.daysSinceLast).toBeGreaterThan(120);

    const f = createEventFactory('00000000-0000-4000-9000-');
    const now = new Date().toISOString();
    const from = (e: RecordedEvent, quality?: string[]): RecordedEvent => ({ ...e, source: { system: '统计直报', unit: '统计局' }, ...(quality ? { quality } : {}) });
    const report = from(
      f.ev('rep', 'EnterpriseAnnualFinancialsReported', `enterprise-${FIRMS.B}`, '2025-05-01', {
        uscc: FIRMS.B, fiscalYear: 2025, revenue: 800, rdExpense: 900, employees: 40, techStaff: 10, aboveScale: false, hasRdInstitution: false,
      }, { recordedAt: now }),
      ['review:rdExpense-over-revenue'],
    );
    const fix = from(
      f.ev('fix', 'EnterpriseAnnualFinancialsReported', `enterprise-${FIRMS.B}`, '2025-05-01', {
        uscc: FIRMS.B, fiscalYear: 2025, revenue: 8000, rdExpense: 900, employees: 40, techStaff: 10, aboveScale: false, hasRdInstitution: false,
      }, { recordedAt: now, supersedes: report.eventId }),
    );
    const twin = from(
      f.ev('twin', 'EnterpriseRegistered', `enterprise-${uscc('91420117MA4KY0009')}`, '2025-06-01', {
        uscc: uscc('91420117MA4KY0009'), name: '阳光智能', establishedOn: '2025-06-01', registeringOffice: '市场监管局', divisionCode: '420117', street: '阳逻街道',
        industryCode: 'C3911', industry: '智能制造', registeredCapital: 100,
      }, { recordedAt: now }),
    );
    await server().append([report, fix, twin]);

    const after = (await board()).body;
    const stats = after.units.find((u) => u.unit === '统计局')!;
    // Sent today, but its latest business date is 2025-06-01: behind its cadence by the rule's measure.
    expect(stats).toMatchObject({ systems: ['统计直报'], records: 3, recordsLast30Days: 3, corrections: 1, flagged: 1, underReview: 1, overdue: true, daysSinceLastSent: 0, lastOccurred: '2025-06-01' });
    expect(stats.daysSinceLast).toBeGreaterThan(120);
    expect(stats.flags).toEqual({ 'review:rdExpense-over-revenue': 1 });
    expect(after.duplicateNames).toEqual([{ name: '阳光智能', usccs: [FIRMS.A, uscc('91420117MA4KY0009')].sort() }]);

    expect(stats.awaitingExplanation.map((a) => [a.eventId, a.flags])).toEqual([[report.eventId, ['review:rdExpense-over-revenue']]]);
    expect(stats.explained).toBe(0);

    // The department explains the flagged record: an event; the board shows it explained.
    const explain = (body: unknown, key = server().keys.ingest) =>
      fetch(`${server().url}/api/v1/explanations`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = '该年度承担省级重大研发项目, 研发投入集中发生, 附项目合同';
    const filed = await explain({ eventId: report.eventId, explanation: text });
    expect(filed.status).toBe(201);
    expect(await filed.json()).toMatchObject({ explains: report.eventId, flags: ['review:rdExpense-over-revenue'], duplicate: false });
    const again = await explain({ eventId: report.eventId, explanation: text });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    await expect.poll(async () => (await board()).body.units.find((u) => u.unit === '统计局')?.explained, { timeout: 60_000, interval: 200 }).toBe(1);
    const explained = (await board()).body.units.find((u) => u.unit === '统计局')!;
    expect(explained.awaitingExplanation).toEqual([]);
    // An explanation is no department record: the unit's volume is unchanged.
    expect(explained.records).toBe(3);

    // Refused: a record without a review flag, an unknown record, a short text, a viewer's key.
    expect((await explain({ eventId: twin.eventId, explanation: text })).status).toBe(400);
    expect((await explain({ eventId: '00000000-0000-4000-9000-999999999999', explanation: text })).status).toBe(404);
    expect((await explain({ eventId: report.eventId, explanation: '无' })).status).toBe(400);
    expect((await explain({ eventId: report.eventId, explanation: text, extra: 1 })).status).toBe(400);
    expect((await explain({ eventId: report.eventId, explanation: text }, server().keys.viewer)).status).toBe(403);

    // As known before the additions: the second unit did not exist yet.
    const earlier = (await board(`?asOf=${encodeURIComponent(new Date(Date.parse(now) - 60_000).toISOString())}`)).body;
    expect(earlier.units.map((u) => u.unit)).toEqual(['测试夹具']);
    expect(earlier.duplicateNames).toEqual([]);
  });

  it('shows each department\'s rejected share by field and reason, counted by the ingest service though nothing was stored', async () => {
    const s = server();
    // A millisecond before anything below is recorded (the board includes what is recorded at asOf itself).
    const before = new Date(Date.now() - 1).toISOString();
    const head = (await s.store.head()).events;
    const ingest = createIngestService({ store: s.store, personSalt: 'test', rejections: createOlapRejectionLog(s.olap) });
    const from = { system: '登记系统', unit: '市场监管局' };
    const report = await ingest.ingest(
      [
        registered(990_101, { uscc: '123' }), // rejected: data.uscc
        registered(990_102, { uscc: '456' }), // rejected: data.uscc
        registered(990_103), // stored
        { type: 'EnterpriseRegistered', source: { system: '登记系统' }, data: {} }, // rejected, no unit
      ].map((r) => ({ ...r, source: (r as { source: object }).source === SOURCE ? from : (r as { source: object }).source })),
      { actor: 'test' },
    );
    expect(report).toMatchObject({ received: 4, accepted: 1, rejected: 3 });
    await s.caughtUp();
    const after = (await board()).body;
    const unit = after.units.find((u) => u.unit === '市场监管局')!;
    // 2 rejected of 3 sent: 2 ÷ (2 + 1 stored).
    expect(unit).toMatchObject({ records: 1, rejected: 2, rejectedLast30Days: 2 });
    expect(unit.rejectedShare).toBeCloseTo(2 / 3, 10);
    expect(unit.rejections).toHaveLength(1);
    expect(unit.rejections[0]).toMatchObject({ field: 'data.uscc', count: 2 });
    expect(unit.rejections[0]!.reason.length).toBeGreaterThan(0);
    // A record without a unit: its own row, nothing stored, nothing to measure a cadence by.
    const anonymous = after.units.find((u) => u.unit === '(未注明单位)')!;
    expect(anonymous).toMatchObject({ records: 0, rejected: 1, rejectedShare: 1, lastRecordedAt: null, daysSinceLast: null, overdue: false });
    // The rejected records left nothing in the store, and as known before they were sent the board shows none.
    expect((await s.store.head()).events).toBe(head + 1);
    const earlier = (await board(`?asOf=${encodeURIComponent(before)}`)).body;
    expect(earlier.units.every((u) => u.rejected === 0)).toBe(true);
  });

  it('refuses a bad asOf and an unknown parameter, and needs a key', async () => {
    expect((await board('?asOf=tomorrow')).status).toBe(400);
    expect((await board('?unit=x')).status).toBe(400);
    expect((await fetch(`${server().url}/api/v1/data-quality`)).status).toBe(401);
  });
});
