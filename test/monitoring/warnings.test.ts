/**
 * Early warning on the hand-made fixture (test/fixtures/monitoring/warningFixture.ts), through
 * the real store, runner, KPI tables, monitor and API. Figures worked out by hand:
 *
 * Evaluated on 2025-05-26: day 146 of 365 → elapsed share e = 146/365 = 0.4.
 * kcb_meetings_held, target 6 (default, a flow): this year to date v = 1 (03-10).
 *   attainment 1/6 = 16.7 %; expected by now (a flow) = e = 40 %; gap 23.3 points
 *     → behind-10 (关注) raised; behind-25 not (23.3 ≤ 25).
 *   projection (seasonal): by 26 May, 2024 had 2 of 6 (1/3), 2023 had 2 of 4 (1/2); mean share
 *     5/12; 2022 had none (left out) → projected 1 ÷ 5/12 = 2.4 → 40 % of target
 *     → projected-90 (关注) and projected-70 (预警) raised.
 *   year on year: 2024 to 26 May = 2 → (2 − 1)/2 = 50 % decline → yoy-10 (关注) raised.
 *   KPI status: 预警.
 * After two more meetings (v = 3): attainment 50 % ≥ 40 %; projected 3 ÷ 5/12 = 7.2 (120 %);
 *   3 > 2 last year → all four clear.
 * Moved to 2025-10-19: day 292 → e = 0.8, v = 3: attainment 50 %, gap 30 → behind-10 and
 *   behind-25 raised; by 19 Oct 2024 had 4 of 6, 2023 4 of 4 → mean share 5/6 → projected 3.6
 *   (60 %) → projected-90 and -70 raised; 2024 to 19 Oct = 4 → (4 − 3)/4 = 25 % → yoy-10 raised.
 * M3-1 due 2025-05-01, 进行中 on 2025-05-26: 25 days overdue > 0 → milestone-overdue (预警);
 *   M3-2 (due 2025-12-31) is not due. 已完成 → cleared.
 * 发改局 last record 2025-01-20: on 2025-05-26 that is 11 + 28 + 31 + 30 + 26 = 126 days > 120
 *   → source-overdue (关注); a record of 2025-05-25 → 1 day → cleared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRules } from '../../projections/monitoring/evaluate.ts';
import { forecastYearEnd } from '../../projections/monitoring/forecast.ts';
import { createIngestService } from '../../services/ingest/ingestService.ts';
import { createWarningMonitor } from '../../services/monitoring/monitor.ts';
import { createEventFactory } from '../fixtures/kpi/eventFactory.ts';
import { CATCH_UP_MEETINGS, DRC_SENDS, MILESTONE_DONE, WARNING_EVENTS } from '../fixtures/monitoring/warningFixture.ts';
import { startWarningServer, type WarningServer } from './warningServer.ts';
import { launchChromium } from '../support/browser.ts';

interface Warning {
  warningId: string;
  state: 'open' | 'cleared';
  severity: string;
  ruleId: string;
  subject: { kind: string; kpiId: string | null; leadUnit: string | null; milestoneId: string | null; sourceUnit: string | null };
  measured: number | null;
  threshold: number;
  message: string;
  raisedAt: string;
  clearedAt: string | null;
}
interface WarningsAnswer {
  warnings: Warning[];
  statuses: Record<string, string>;
  counts: Record<string, number>;
}

let srv: WarningServer;

async function call(path: string, key: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${srv.url}/api/v1${path}`, { ...init, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function warnings(query = ''): Promise<WarningsAnswer> {
  const r = await call(`/warnings${query}`, srv.keys.viewer);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as unknown as WarningsAnswer;
}

const rulesOf = (ws: Warning[]) => ws.map((w) => w.ruleId).sort();

beforeAll(async () => {
  srv = await startWarningServer(WARNING_EVENTS, { now: new Date('2025-05-26T10:00:00+08:00'), dashboards: true });
  await srv.evaluate();
}, 120_000);

afterAll(async () => {
  await srv?.stop();
});

describe('when kcb_meetings_held is behind on 2025-05-26', () => {
  it('raises behind-10, projected-90, projected-70 and yoy-10 with the figures worked out by hand, and the KPI is 预警', async () => {
    const a = await warnings('?kpi=kcb_meetings_held');
    expect(rulesOf(a.warnings)).toEqual(['behind-10', 'projected-70', 'projected-90', 'yoy-10']);
    const by = Object.fromEntries(a.warnings.map((w) => [w.ruleId, w]));
    expect(by['behind-10']!.measured).toBe(23.3);
    expect(by['projected-90']!.measured).toBe(40);
    expect(by['projected-70']!.severity).toBe('预警');
    expect(by['yoy-10']!.measured).toBe(50);
    expect(by['behind-10']!.subject).toMatchObject({ kind: 'kpi', kpiId: 'kcb_meetings_held', leadUnit: '科创局' });
    expect(by['projected-90']!.message).toContain('2.4');
    expect(a.statuses.kcb_meetings_held).toBe('预警');
  });

  it('raises milestone-overdue for M3-1 only (M3-2 is not due) and source-overdue for 发改局 only', async () => {
    const all = (await warnings()).warnings;
    const ms = all.filter((w) => w.ruleId === 'milestone-overdue');
    expect(ms.map((w) => w.subject.milestoneId)).toEqual(['M3-1']);
    expect(ms[0]).toMatchObject({ measured: 25, severity: '预警' });
    const src = all.filter((w) => w.ruleId === 'source-overdue');
    expect(src.map((w) => w.subject.sourceUnit)).toEqual(['发改局']);
    expect(src[0]!.measured).toBe(126);
  });

  it('puts the warnings in the lead unit scorecard, with 预警 on the KPI entry', async () => {
    const r = await call('/scorecards/%E7%A7%91%E5%88%9B%E5%B1%80?period=2025', srv.keys.viewer);
    expect(r.status).toBe(200);
    const sc = r.body as { warnings: Warning[]; kpis: Array<{ id: string; warningStatus: string | null }> };
    expect(sc.warnings.some((w) => w.ruleId === 'milestone-overdue')).toBe(true);
    expect(sc.kpis.find((k) => k.id === 'kcb_meetings_held')!.warningStatus).toBe('预警');
    // No target, no status.
    expect(sc.kpis.find((k) => k.id === 'decision_closure_rate')?.warningStatus ?? null).toBeNull();
  });

  it('appends nothing more when evaluated again', async () => {
    const before = (await srv.store.countByType()).WarningRaised ?? 0;
    expect(before).toBeGreaterThan(0);
    const again = await srv.evaluate();
    expect(again.raised + again.cleared).toBe(0);
    expect((await srv.store.countByType()).WarningRaised).toBe(before);
  });
});

describe('the leadership screen on 2025-05-26', () => {
  it('shows a 预警 badge on the kcb_meetings_held card and the warnings in the scorecard (real browser)', async () => {
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })).newPage();
      const problems: string[] = [];
      page.on('pageerror', (err) => problems.push(err.message));
      await page.goto(`${srv.url}/#key=${srv.keys.viewer}`);
      const badge = page.locator('.card[data-kpi="kcb_meetings_held"] .warn-badge');
      await badge.waitFor();
      expect(await badge.textContent()).toBe('预警');
      expect(await badge.getAttribute('title')).toContain('落后于时序进度');
      expect(await page.locator('.card[data-kpi="kcb_meetings_held"]').getAttribute('aria-label')).toContain('预警');
      await page.getByRole('tab', { name: '部门考核' }).click();
      await page.getByLabel('牵头单位').selectOption('科创局');
      await page.getByLabel('年度').selectOption('2025');
      await page.getByRole('button', { name: '查询' }).click();
      await page.locator('ul.warn-list li').first().waitFor();
      expect(await page.locator('tr[data-kpi="kcb_meetings_held"] .warn-badge').textContent()).toBe('预警');
      expect(await page.locator('ul.warn-list').textContent()).toContain('省级平台认定申报');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('when the data catches up', () => {
  it('clears every warning of the KPI, the milestone and the source, and as-of still shows them raised', async () => {
    srv.clock.now = new Date('2025-05-27T10:00:00+08:00');
    await srv.append([...CATCH_UP_MEETINGS, ...MILESTONE_DONE, ...DRC_SENDS]);
    await srv.evaluate();
    expect((await warnings('?kpi=kcb_meetings_held')).warnings).toEqual([]);
    const cleared = (await warnings('?status=cleared')).warnings;
    expect(rulesOf(cleared.filter((w) => w.subject.kpiId === 'kcb_meetings_held'))).toEqual(['behind-10', 'projected-70', 'projected-90', 'yoy-10']);
    expect(cleared.find((w) => w.ruleId === 'milestone-overdue')?.clearedAt).toBe('2025-05-27T02:00:00.000Z');
    expect(cleared.some((w) => w.ruleId === 'source-overdue' && w.subject.sourceUnit === '发改局')).toBe(true);
    expect((await warnings()).statuses.kcb_meetings_held).toBeUndefined();
    // As known at the end of 26 May, the warnings were open.
    const then = await warnings('?kpi=kcb_meetings_held&asOf=2025-05-26');
    expect(rulesOf(then.warnings)).toEqual(['behind-10', 'projected-70', 'projected-90', 'yoy-10']);
    expect(then.warnings.every((w) => w.state === 'open' && w.clearedAt === null)).toBe(true);
    expect(then.statuses.kcb_meetings_held).toBe('预警');
  });

  it('raises again when time alone moves the year on (the clock, no new data), each transition once though two monitors decide it', async () => {
    const openBefore = new Set((await warnings()).warnings.map((w) => w.warningId));
    const raisedBefore = (await srv.store.countByType()).WarningRaised ?? 0;
    srv.clock.now = new Date('2025-10-19T10:00:00+08:00');
    // A second monitor, as another process would run, deciding the same transitions at the same time.
    const other = createWarningMonitor({
      store: srv.store,
      rules: srv.monitoring.rules,
      findings: async (list, today) => evaluateRules(list, await srv.monitoring.queries.readings(today)),
      openWarningIds: async () => [],
      now: () => srv.clock.now,
    });
    await Promise.all([srv.monitoring.monitor!.evaluate(), other.evaluate()]);
    await srv.caughtUp();
    const a = await warnings('?kpi=kcb_meetings_held');
    expect(rulesOf(a.warnings)).toEqual(['behind-10', 'behind-25', 'projected-70', 'projected-90', 'yoy-10']);
    const by = Object.fromEntries(a.warnings.map((w) => [w.ruleId, w]));
    expect(by['behind-25']!.measured).toBe(30);
    expect(by['projected-90']!.measured).toBe(60);
    expect(by['yoy-10']!.measured).toBe(25);
    const newlyOpen = (await warnings()).warnings.filter((w) => !openBefore.has(w.warningId)).length;
    expect((await srv.store.countByType()).WarningRaised).toBe(raisedBefore + newlyOpen);
  });
});

describe('when the KPI tables change', () => {
  it('evaluates by itself (no explicit call) and announces each cleared warning on the live stream', async () => {
    // One more meeting on 18 Oct (v = 4, e = 0.8): attainment 66.7 %, gap 13.3 → behind-25 clears,
    // behind-10 stays; projected 4 ÷ 5/6 = 4.8 (80 %) → projected-70 clears, -90 stays; 4 = 4 last year → yoy clears.
    const controller = new AbortController();
    const res = await fetch(`${srv.url}/api/v1/stream`, { headers: { Authorization: `Bearer ${srv.keys.viewer}` }, signal: controller.signal });
    const reader = res.body!.getReader();
    const seen: string[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
        for (const m of text.matchAll(/event: warning\ndata: (.*)\n/g)) {
          const t = JSON.parse(m[1]!) as { transition: string; data: { ruleId: string; subject: { kpiId?: string } } };
          if (t.data.subject.kpiId === 'kcb_meetings_held') seen.push(`${t.transition}:${t.data.ruleId}`);
        }
        text = text.slice(text.lastIndexOf('\n\n') + 1);
        if (seen.length >= 3) return;
      }
    })();
    const later = '2025-10-19T09:00:00+08:00';
    const { ev } = createEventFactory('00000000-0000-4000-8e10-');
    await srv.append([ev('kcb', 'GovernanceMeetingHeld', 'meeting-KCB-2025-4', '2025-10-18', { meetingId: 'KCB-2025-4', body: '科创办', heldOn: '2025-10-18' }, { recordedAt: later })]);
    await expect.poll(async () => rulesOf((await warnings('?kpi=kcb_meetings_held')).warnings), { timeout: 30_000, interval: 200 }).toEqual(['behind-10', 'projected-90']);
    await reading;
    controller.abort();
    expect(seen.sort()).toEqual(['cleared:behind-25', 'cleared:projected-70', 'cleared:yoy-10']);
  });
});

describe('the warning rules API', () => {
  const rules = async () => (await call('/warning-rules', srv.keys.admin)).body as { version: number; rules: Array<Record<string, unknown>>; history: unknown[] };
  const put = (body: unknown, key = srv.keys.admin, raw?: string) => call('/warning-rules', key, { method: 'PUT', body: raw ?? JSON.stringify(body) });
  const changes = async () => (await srv.store.countByType()).WarningRulesChanged ?? 0;

  it('refuses viewers (403) to read or change the rules', async () => {
    expect((await call('/warning-rules', srv.keys.viewer)).status).toBe(403);
    expect((await put({ rules: [] }, srv.keys.viewer)).status).toBe(403);
  });

  it('refuses bad rules with a 400 naming the field, and changes nothing', async () => {
    const current = await rules();
    expect(current.version).toBe(1);
    const base = current.rules;
    const cases: Array<[unknown, string]> = [
      [{ rules: [{ ...base[0], colour: 'red' }] }, 'rules.0.colour'],
      [{ rules: [{ ...base[0], points: 150 }] }, 'rules.0.points'],
      [{ rules: [{ ...base[0], severity: '严重' }] }, 'rules.0.severity'],
      [{ rules: [base[0], base[0]] }, 'rules.1.id'],
      [{ rules: [{ id: 'x', kind: 'sunspots', severity: '关注' }] }, 'rules.0.kind'],
      [{ rules: base, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const r = await put(body);
      expect(r.status, field).toBe(400);
      expect((r.body.errors as Array<{ field: string }>).map((i) => i.field), field).toContain(field);
    }
    expect((await put(null, srv.keys.admin, '{"rules": [')).status).toBe(400);
    expect((await call('/warning-rules', srv.keys.admin, { method: 'PUT', body: 'rules', headers: { 'Content-Type': 'text/plain' } })).status).toBe(400);
    expect((await rules()).version).toBe(1);
    expect(await changes()).toBe(0);
  });

  it('records a change as a WarningRulesChanged event (version 2), and the next evaluation follows it', async () => {
    // 发改局's latest record is of 2025-05-25: 147 days old on 2025-10-19, over the default 120.
    expect((await warnings()).warnings.some((w) => w.ruleId === 'source-overdue' && w.subject.sourceUnit === '发改局')).toBe(true);
    const base = (await rules()).rules;
    const next = base.map((r) => (r.kind === 'source-overdue' ? { ...r, cadenceDays: { 发改局: 200, 测试夹具: 200 } } : r));
    const r = await put({ rules: next, basedOnVersion: 1, reason: '统计数据按季度报送' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ version: 2, changed: true, reason: '统计数据按季度报送' });
    const [event] = await srv.store.readStream('warningrules-main');
    expect(event).toMatchObject({ type: 'WarningRulesChanged', data: { version: 2 } });
    expect(String((event!.data as { changedBy: string }).changedBy)).toMatch(/^key:/);
    expect((await rules()).history).toHaveLength(2);
    // The same table again records nothing; an edit of a stale version is a conflict.
    expect((await put({ rules: next })).status).toBe(200);
    expect((await put({ rules: base, basedOnVersion: 1 })).status).toBe(409);
    expect(await changes()).toBe(1);
    await srv.evaluate();
    const cleared = (await warnings('?status=cleared')).warnings.find((w) => w.ruleId === 'source-overdue' && w.subject.sourceUnit === '发改局');
    expect(cleared?.state).toBe('cleared');
  });
});

describe('GET /warnings with bad input', () => {
  it('answers 400 naming the parameter', async () => {
    for (const [query, field] of [['status=bogus', 'status'], ['kpi=no_such_kpi', 'kpi'], ['leadUnit=某局', 'leadUnit'], ['dimension=Z', 'dimension'], ['asOf=2999-01-01', 'asOf'], ['colour=red', '(query)']] as const) {
      const r = await call(`/warnings?${query}`, srv.keys.viewer);
      expect(r.status, query).toBe(400);
      expect((r.body.errors as Array<{ field: string }>).map((i) => i.field), query).toContain(field);
    }
  });

  it('filters by lead unit, dimension and severity', async () => {
    const all = (await warnings('?status=all')).warnings;
    expect(all.length).toBeGreaterThan(0);
    const g = (await warnings('?dimension=G')).warnings;
    expect(g.length).toBeGreaterThan(0);
    expect(g.every((w) => ['kcb_meetings_held', 'kcw_meetings_held', 'task_milestone_completion'].includes(w.subject.kpiId ?? ''))).toBe(true);
    const severe = (await warnings('?status=预警')).warnings;
    expect(severe.every((w) => w.severity === '预警' && w.state === 'open')).toBe(true);
    expect((await warnings('?leadUnit=组织部')).warnings).toEqual([]);
  });
});

describe('a department sending a monitoring event', () => {
  it('is refused: warnings are the platform\'s own record', async () => {
    const ingest = createIngestService({ store: srv.store, personSalt: 'test' });
    const report = await ingest.ingest([{ type: 'WarningRaised', source: { system: '某系统' }, data: {} }], { actor: 'key:test' });
    expect(report.results[0]).toMatchObject({ status: 'rejected', issues: [{ field: 'type' }] });
  });
});

describe('the year-end projection', () => {
  it('of a stock: seasonal from earlier years, else linear from last year end, else flat', () => {
    // Level 30 today; earlier years rose 10 → 14 and 20 → 22 from the same day to year end: mean +3 → 33.
    expect(forecastYearEnd({ kind: 'stock', value: 30, elapsed: 0.5, startValue: 20, earlier: [{ year: 2024, toDate: 10, full: 14 }, { year: 2023, toDate: 20, full: 22 }] }))
      .toEqual({ projected: 33, method: 'seasonal', years: [2024, 2023] });
    // No history: 20 at last year end, 30 at e = 0.4 → +10 per 0.4 → +15 for the remaining 0.6 → 45.
    expect(forecastYearEnd({ kind: 'stock', value: 30, elapsed: 0.4, startValue: 20, earlier: [{ year: 2024, toDate: 0, full: 0 }] }))
      .toEqual({ projected: 45, method: 'linear', years: [] });
    expect(forecastYearEnd({ kind: 'ratio', value: 30, elapsed: 0.4, startValue: null, earlier: [] }).method).toBe('flat');
  });

  it('of a flow without history: the pace so far (3 at e = 0.25 → 12)', () => {
    expect(forecastYearEnd({ kind: 'flow', value: 3, elapsed: 0.25, startValue: null, earlier: [{ year: 2024, toDate: 0, full: 0 }] })).toEqual({ projected: 12, method: 'linear', years: [] });
  });
});
