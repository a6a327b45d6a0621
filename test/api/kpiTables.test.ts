/**
 * The read API over the KPI tables: a failing KPI is shown as a failure, viewers have their own
 * engine session, and GET /api/v1/stream announces value changes as the tables change.
 */
import { describe, expect, it } from 'vitest';
import type { OlapClient } from '../../contracts/ports.ts';
import { createEventFactory } from '../fixtures/kpi/eventFactory.ts';
import { FIRMS, HAND_EVENTS } from '../fixtures/kpi/handFixture.ts';
import { useKpiServer } from '../support/kpiServer.ts';
import { sameDatabase } from '../support/olap.ts';

const server = useKpiServer(HAND_EVENTS);

interface KpiItem {
  id: string;
  latest: { value: number | null } | null;
  state: 'ok' | 'no-data' | 'error';
  error?: { code: string; message: string };
}

let asked = 0;
/** GET /kpis under a URL of its own each time: the response cache keys on the URL. */
async function kpis(): Promise<KpiItem[]> {
  const res = await fetch(`${server().url}/api/v1/kpis?ask=${++asked}`, { headers: { Authorization: `Bearer ${server().keys.viewer}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { kpis: KpiItem[] }).kpis;
}

describe('when a KPI query fails', () => {
  it('shows that KPI as an error with a code and a reason, not as "no data", and reports it', async () => {
    const before = await kpis();
    // No decision of the hand fixture falls due this year: no data, which is not an error.
    expect(before.find((k) => k.id === 'decision_closure_rate')).toMatchObject({ latest: null, state: 'no-data' });
    await server().olap.command(`RENAME TABLE kpi_values TO kpi_values_away`);
    try {
      const broken = await kpis();
      const hte = broken.find((k) => k.id === 'hte_count')!;
      expect(hte.latest).toBeNull();
      expect(hte.state).toBe('error');
      expect(hte.error?.code).toMatch(/\w+/);
      expect(hte.error?.message).toContain('kpi_values');
      // Every KPI is computed, so every one reads the missing table: none passes the failure off as "no data".
      expect(broken.filter((k) => k.state !== 'error').map((k) => k.id)).toEqual([]);
      expect(server().kpiErrors.map((e) => e.kpiId)).toContain('hte_count');
    } finally {
      await server().olap.command(`RENAME TABLE kpi_values_away TO kpi_values`);
    }
    const again = await kpis();
    expect(again.find((k) => k.id === 'hte_count')?.state).not.toBe('error');
  });
});

describe('when an analyst runs a long query', () => {
  it('answers viewers from their own session while it runs', async () => {
    const analyst: OlapClient = await sameDatabase(server().olap);
    const order: string[] = [];
    try {
      // Ends on its own after a few seconds (break at the time limit): long enough to queue behind.
      const long = analyst
        .query(`SELECT count() AS n FROM numbers(100000000000) WHERE sipHash64(number) % 7 = 1 SETTINGS max_threads = 1, max_execution_time = 6, timeout_overflow_mode = 'break'`)
        .then(() => order.push('analyst'));
      // The analyst's query has started once the engine lists it.
      for (let seen = false; !seen; ) {
        const rows = await server().olap.query<{ n: number }>(`SELECT count() AS n FROM system.processes WHERE query LIKE '%sipHash64(number) % 7%' AND query NOT LIKE '%system.processes%'`);
        seen = Number(rows[0]?.n) > 0;
      }
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${server().url}/api/v1/kpis/hte_count/series?from=2024-01&to=2024-12&grain=quarter&n=${i}`, { headers: { Authorization: `Bearer ${server().keys.viewer}` } });
        expect(res.status).toBe(200);
        order.push('viewer');
      }
      await long;
      expect(order).toEqual(['viewer', 'viewer', 'viewer', 'analyst']);
    } finally {
      await analyst.close();
    }
  }, 60_000);
});

describe('when an event changes a KPI', () => {
  it('announces the change on the stream with old and new value, position and record instant', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server().url}/api/v1/stream`, { headers: { Authorization: `Bearer ${server().keys.viewer}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const { ev } = createEventFactory('00000000-0000-4000-8f00-');
    const event = ev('live1', 'TechContractRegistered', 'transfer-2024420100009999', '2024-05-20', {
      registrationNumber: '2024420100009999', registeredOn: '2024-05-20', contractType: '技术开发',
      seller: { uscc: FIRMS.A, name: '阳光智能' }, buyer: { name: '某外地公司' }, totalAmount: 100, techTransactionAmount: 80,
    });
    const before = await server().olap.query<{ p: number }>('SELECT max(position) AS p FROM kpi_runs');
    await server().appendOnly([{ ...event, recordedAt: new Date().toISOString() }]);
    const decoder = new TextDecoder();
    let text = '';
    type Change = { kpiId: string; period: string; oldValue: number | null; newValue: number | null; position: number; recordedAt: string };
    let found = undefined as Change | undefined;
    try {
      while (!found) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        for (const block of text.split('\n\n')) {
          const data = /^event: kpi-changes\ndata: (.*)$/m.exec(block.replace(/^id: .*\n/m, ''));
          if (!data) continue;
          const payload = JSON.parse(data[1]!) as { changes: Change[] };
          found = payload.changes.find((c) => c.kpiId === 'tech_contract_turnover');
        }
      }
    } finally {
      controller.abort();
    }
    expect(found).toBeDefined();
    expect(found!.newValue).not.toEqual(found!.oldValue);
    expect(found!.position).toBeGreaterThan(Number(before[0]?.p ?? 0));
    expect(found!.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2} /);
  }, 60_000);
});

describe('when asOf is asked for', () => {
  const get = (url: string) => fetch(`${server().url}/api/v1${url}`, { headers: { Authorization: `Bearer ${server().keys.viewer}` } });

  it.each([
    ['a series', '/kpis/hte_count/series?from=2024-01&to=2024-12&asOf=9999-12-31'],
    ['a scorecard', `/scorecards/${encodeURIComponent('科创局')}?period=2024&asOf=9999-12-31T00:00:00%2B08:00`],
    ['a drill-down', '/kpis/hte_count/drilldown?period=2024&asOf=2999-01-01T00:00:00Z'],
  ])('refuses one in the future for %s, as the exports do, naming asOf', async (_what, url) => {
    const res = await get(url);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors?: Array<{ field: string; reason: string }> };
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'asOf', reason: expect.stringContaining('晚于当前时间') })]);
  });

  it('takes a date as the end of that day in Beijing time, the same answer as that instant', async () => {
    const byDate = await get('/kpis/hte_count/series?from=2024-01&to=2024-12&asOf=2025-06-30');
    const byInstant = await get('/kpis/hte_count/series?from=2024-01&to=2024-12&asOf=2025-06-30T23:59:59.999%2B08:00');
    expect(byDate.status).toBe(200);
    const series = ((await byDate.json()) as { series: unknown[] }).series;
    expect(series.length).toBe(4);
    expect(series).toEqual(((await byInstant.json()) as { series: unknown[] }).series);
  });
});
