/**
 * Exact values of the ten P2 KPIs computed last, on the hand-made fixture
 * test/fixtures/kpi/p2RestFixture.ts, worked out by hand below. Events go through the real SQLite
 * store and the real projection runner; the KPI queries read the stable views on real chDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpiById } from '../../contracts/kpis.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import { createKpiQueries, type KpiQueries } from '../../projections/kpi/queries.ts';
import { createKpiMaterializer, createKpiTableSource } from '../../projections/kpiTables/index.ts';
import { BROKER_NAME, REST_EVENTS, REST_FIRMS as F, REST_IDS as ID } from '../fixtures/kpi/p2RestFixture.ts';
import { freshOlap } from '../support/olap.ts';
import { loadFactsWithRunner } from './support.ts';

let olap: OlapClient;
let kpi: KpiQueries;

beforeAll(async () => {
  olap = await freshOlap('p2rest');
  await loadFactsWithRunner(olap, REST_EVENTS);
  kpi = createKpiQueries(olap);
});

afterAll(async () => {
  await olap.close();
});

type Point = { period: string; value: number | null; breakdown?: string; numerator?: number | null; denominator?: number | null; components?: Record<string, number | null> };
const values = (points: Point[]) => points.map((p) => [p.period, p.value]);
const byBreakdown = (points: Point[]) => Object.fromEntries(points.map((p) => [p.breakdown, p.value]));
const quarters2024 = { from: '2024-Q1', to: '2024-Q4', grain: 'quarter' } as const;
const year2024 = { from: '2024', to: '2024', grain: 'year' } as const;

describe('when meeting decisions come due and are closed (议定事项办结率)', () => {
  /*
   * Due in 2024 (decisions without a due date, D4, are never due):
   *   Q1: D1 due 03-31 closed 03-20 ✔, D2 due 03-31 closed 04-15 ✘ (late), D5 due 03-15 closed 03-01 ✔ → 2/3
   *   Q2: D3 due 06-30 open ✘, E1 due 06-30 closed 06-28 ✔                                          → 1/2
   *   Q3: E2 due 09-30 closed 09-30 ✔ (on the day), E3 due 09-30 closed 10-10 (corrected) ✘ late       → 1/2
   *   Q4: nothing due → no value
   * Year: 4 on time of 7 → 57.142857…%. 科创委 (D1 D2 D3 D5) 2/4 = 50%; 科创办 (E1 E2 E3) 2/3.
   * As known on 2024-10-05, before the correction: E3 closed 09-20, on time → Q3 2/2 = 100%.
   */
  it('divides decisions closed on or before their due date by decisions due, per quarter and year', async () => {
    const q = await kpi.series('decision_closure_rate', quarters2024);
    expect(q.map((p) => [p.period, p.numerator, p.denominator, p.components])).toEqual([
      ['2024-Q1', 2, 3, { closedLate: 1, open: 0 }],
      ['2024-Q2', 1, 2, { closedLate: 0, open: 1 }],
      ['2024-Q3', 1, 2, { closedLate: 1, open: 0 }],
      ['2024-Q4', null, null, { closedLate: null, open: null }],
    ]);
    expect(q[0]!.value).toBeCloseTo((2 / 3) * 100, 9);
    expect(q[1]!.value).toBe(50);
    expect(q[3]!.value).toBeNull();
    const [year] = await kpi.series('decision_closure_rate', year2024);
    expect(year!.value).toBeCloseTo((4 / 7) * 100, 9);
    const bodies = byBreakdown(await kpi.series('decision_closure_rate', { ...year2024, breakdown: 'tier' }));
    expect(bodies['科创委']).toBe(50);
    expect(bodies['科创办']).toBeCloseTo((2 / 3) * 100, 9);
  });

  it('counts a closure on time as it was known before its correction', async () => {
    const [q3] = await kpi.series('decision_closure_rate', { from: '2024-Q3', to: '2024-Q3', grain: 'quarter', asOf: '2024-10-05' });
    expect([q3!.numerator, q3!.denominator, q3!.value]).toEqual([2, 2, 100]);
  });

  it('counts in a quarter still under way only the decisions already due, closed as known then', async () => {
    // Known on 2024-09-29: E2 and E3 fall due on 09-30, not yet → nothing due, no value.
    const [early] = await kpi.series('decision_closure_rate', { from: '2024-Q3', to: '2024-Q3', grain: 'quarter', asOf: '2024-09-29' });
    expect([early!.numerator, early!.denominator, early!.value]).toEqual([null, null, null]);
    // Known on 2024-09-30 (end of day): both due; E3's closure (09-20) is known, E2's (dated 09-30) is recorded only on 10-01 → 1/2.
    const [due] = await kpi.series('decision_closure_rate', { from: '2024-Q3', to: '2024-Q3', grain: 'quarter', asOf: '2024-09-30' });
    expect([due!.numerator, due!.denominator, due!.value, due!.components]).toEqual([1, 2, 50, { closedLate: 0, open: 1 }]);
  });

  it('drills 2024-Q1 down to each decision due, with its closure', async () => {
    const d = await kpi.drilldown('decision_closure_rate', '2024-Q1');
    const rows = d.rows.map((r) => [r.entity, r.x, r.y, r.detail.due_on, r.detail.closed_date]).sort();
    expect(rows).toEqual([
      ['M1/D1', 1, 1, '2024-03-31', '2024-03-20'],
      ['M1/D2', 0, 1, '2024-03-31', '2024-04-15'],
      ['M1/D5', 1, 1, '2024-03-15', '2024-03-01'],
    ]);
    expect(d.rows.every((r) => r.eventIds[0] === ID.M1)).toBe(true);
  });
});

describe('when universities and institutes establish sites in the area (高校院所布局)', () => {
  /*
   * S1 研究院 2023-05-01; S2 基地 2024-03-01; S3 园区 2024-08-01, revoked 2024-11-30; S4 研究院 2025-02-01.
   * Quarter ends 2024: Q1 {S1, S2} 2, Q2 2, Q3 {S1, S2, S3} 3, Q4 {S1, S2} 2. Years: 2023 1, 2024 2, 2025 3.
   */
  it('counts the sites standing at each period end, by type', async () => {
    expect(values(await kpi.series('academic_sites', quarters2024))).toEqual([
      ['2024-Q1', 2],
      ['2024-Q2', 2],
      ['2024-Q3', 3],
      ['2024-Q4', 2],
    ]);
    expect(values(await kpi.series('academic_sites', { from: '2023', to: '2025', grain: 'year' }))).toEqual([
      ['2023', 1],
      ['2024', 2],
      ['2025', 3],
    ]);
    expect(byBreakdown(await kpi.series('academic_sites', { from: '2024-Q3', to: '2024-Q3', grain: 'quarter', breakdown: 'type' }))).toEqual({ 研究院: 1, 基地: 1, 园区: 1 });
  });
});

describe('when key-technology projects are approved (关键核心技术攻关)', () => {
  /*
   * K1 2024-02-10 500 智能制造; K2 05-20 800 生命健康; K3 05-30 300 智能制造; K4 11-11 1200 绿色低碳; K5 2025-01-15.
   * Quarters 2024: Q1 1 (500), Q2 2 (1100), Q3 0 (no funding figure), Q4 1 (1200); year 4 (2800 万元).
   */
  it('counts approvals in the period with their public funding', async () => {
    const q = await kpi.series('key_tech_projects', quarters2024);
    expect(q.map((p) => [p.period, p.value, p.components?.funding])).toEqual([
      ['2024-Q1', 1, 500],
      ['2024-Q2', 2, 1100],
      ['2024-Q3', 0, null],
      ['2024-Q4', 1, 1200],
    ]);
    const [year] = await kpi.series('key_tech_projects', year2024);
    expect([year!.value, year!.components]).toEqual([4, { funding: 2800 }]);
    expect(byBreakdown(await kpi.series('key_tech_projects', { ...year2024, breakdown: 'industry' }))).toEqual({ 智能制造: 2, 生命健康: 1, 绿色低碳: 1 });
  });
});

describe('when firms lead innovation consortia (创新联合体)', () => {
  /*
   * C1 led by A (阳逻) from 2023-06-01, 5 members; C3 led by C (关山, outside) never counts;
   * C4 led by D (双柳, moves out 2024-09-01) from 2024-03-01, 6 members; C2 led by B (武湖) 2024-04-01, 3 members, dissolved 2024-10-31.
   * Quarter ends 2024: Q1 {C1, C4} 2 (11 members), Q2 {C1, C2, C4} 3 (14), Q3 {C1, C2} 2 (8), Q4 {C1} 1 (5).
   */
  it('counts consortia standing at period end whose lead firm is in the area then', async () => {
    const q = await kpi.series('innovation_consortia', quarters2024);
    expect(q.map((p) => [p.period, p.value, p.components?.members])).toEqual([
      ['2024-Q1', 2, 11],
      ['2024-Q2', 3, 14],
      ['2024-Q3', 2, 8],
      ['2024-Q4', 1, 5],
    ]);
    const q2 = { from: '2024-Q2', to: '2024-Q2', grain: 'quarter' } as const;
    expect(byBreakdown(await kpi.series('innovation_consortia', { ...q2, breakdown: 'street' }))).toEqual({ 阳逻街道: 1, 武湖街道: 1, 双柳街道: 1 });
    const d = await kpi.drilldown('innovation_consortia', '2024-Q3');
    expect(d.rows.map((r) => [r.entity, r.detail.lead]).sort()).toEqual([
      ['C1', F.A],
      ['C2', F.B],
    ]);
  });
});

describe('when transfer carriers are recognised (中试基地 / 概念验证中心 / 院士专家工作站)', () => {
  /*
   * T1 中试基地 市级 2023-04-01; T2 概念验证中心 省级 2024-02-15; T3 院士专家工作站 市级 2024-06-10, 省级 2024-12-01;
   * T4 中试基地 区级 2024-07-01, revoked 2024-08-15.
   * Quarter ends 2024: Q1 {T1, T2} 2, Q2 {T1, T2, T3} 3, Q3 3 (T4 gone), Q4 3.
   * By level: Q3 市级 2 (T1, T3), 省级 1; end 2024 市级 1, 省级 2 (T3 at its latest level). By type end 2024: one each.
   */
  it('counts carriers by type and by their latest level', async () => {
    expect(values(await kpi.series('transfer_carriers', quarters2024))).toEqual([
      ['2024-Q1', 2],
      ['2024-Q2', 3],
      ['2024-Q3', 3],
      ['2024-Q4', 3],
    ]);
    expect(byBreakdown(await kpi.series('transfer_carriers', { from: '2024-Q3', to: '2024-Q3', grain: 'quarter', breakdown: 'level' }))).toEqual({ 市级: 2, 省级: 1 });
    expect(byBreakdown(await kpi.series('transfer_carriers', { ...year2024, breakdown: 'level' }))).toEqual({ 市级: 1, 省级: 2 });
    expect(byBreakdown(await kpi.series('transfer_carriers', { ...year2024, breakdown: 'type' }))).toEqual({ 中试基地: 1, 概念验证中心: 1, 院士专家工作站: 1 });
  });
});

describe('when technology brokers are certified and deregistered (技术经纪人)', () => {
  /*
   * BK1 中级 2023-06-01; BK2 初级 2024-03-01 valid until 2024-08-31; BK3 高级 2024-05-01, deregistered 2024-11-15; BK4 中级 2024-07-01.
   * Quarter ends 2024: Q1 {BK1, BK2} 2, Q2 {BK1, BK2, BK3} 3, Q3 {BK1, BK3, BK4} 3, Q4 {BK1, BK4} 2. Q3 by level: 中级 2, 高级 1.
   */
  it('counts active brokers at each period end, without their names', async () => {
    expect(values(await kpi.series('tech_brokers', quarters2024))).toEqual([
      ['2024-Q1', 2],
      ['2024-Q2', 3],
      ['2024-Q3', 3],
      ['2024-Q4', 2],
    ]);
    expect(byBreakdown(await kpi.series('tech_brokers', { from: '2024-Q3', to: '2024-Q3', grain: 'quarter', breakdown: 'level' }))).toEqual({ 中级: 2, 高级: 1 });
    const d = await kpi.drilldown('tech_brokers', '2024-Q3');
    expect(d.rows.map((r) => r.entity).sort()).toEqual(['BK1', 'BK3', 'BK4']);
    expect(JSON.stringify(d)).not.toContain(BROKER_NAME);
  });
});

describe('when banks report month-end balances to tech firms (科技型企业贷款余额)', () => {
  /*
   * Latest balance per bank and borrower by the period end (万元), borrowers in the area that day:
   *   Q1 (03-31): A 工行 6000 + A 建行 2000 + D 农行 1000 = 9000 → 0.9 亿元 (C 9000 outside), borrowers A, D
   *   Q2 (06-30): A 工行 4000 + A 建行 2000 + B 工行 3500 (corrected from 3000) + D 1000 = 10500 → 1.05, borrowers 3
   *   Q3 (09-30): A 工行 0 (repaid) + A 建行 2000 + B 3500; D moved out → 5500 → 0.55, borrowers A, B
   *   Q4: no new report → 0.55
   * January and February: A 工行 5000 → 0.5 each. Known on 2024-07-10 (before the correction): Q2 10000 → 1.0.
   * Q2 by borrower type: 高新技术企业 0.6, 科技型中小企业 0.35, 专精特新企业 0.1.
   */
  it('sums the latest balances to in-area borrowers, in 亿元', async () => {
    const q = await kpi.series('tech_credit', quarters2024);
    expect(q.map((p) => p.period)).toEqual(['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']);
    [0.9, 1.05, 0.55, 0.55].forEach((v, i) => expect(q[i]!.value, q[i]!.period).toBeCloseTo(v, 9));
    expect(q.map((p) => p.components?.borrowers)).toEqual([2, 3, 2, 2]);
    const months = await kpi.series('tech_credit', { from: '2024-01', to: '2024-02', grain: 'month' });
    expect(months.map((p) => p.value)).toEqual([0.5, 0.5]);
    const types = byBreakdown(await kpi.series('tech_credit', { from: '2024-Q2', to: '2024-Q2', grain: 'quarter', breakdown: 'type' }));
    expect(Object.keys(types).sort()).toEqual(['专精特新企业', '科技型中小企业', '高新技术企业'].sort());
    expect(types['高新技术企业']).toBeCloseTo(0.6, 9);
    expect(types['科技型中小企业']).toBeCloseTo(0.35, 9);
    expect(types['专精特新企业']).toBeCloseTo(0.1, 9);
  });

  it('restates the June balance after its correction, not before', async () => {
    const [before] = await kpi.series('tech_credit', { from: '2024-Q2', to: '2024-Q2', grain: 'quarter', asOf: '2024-07-10' });
    expect(before!.value).toBeCloseTo(1.0, 9);
    const d = await kpi.drilldown('tech_credit', '2024-Q2');
    const b = d.rows.find((r) => r.entity === F.B);
    expect([b?.eventIds, b?.detail.amount_wan]).toEqual([[ID.lB6fix], 3500]);
  });
});

describe('when operators report 5G stations and computing power (数字基础设施)', () => {
  /*
   * Population 常住人口 2023: 50 万人. Latest report per reporter by the period end:
   *   Q1: 移动 400 → 400 / 50 = 8 per 万人; 10 PFLOPS
   *   Q2: 移动 500 + 联通 300 = 800 → 16; 12 + 0 = 12 PFLOPS
   *   Q3, Q4: + 电信 200 = 1000 → 20; 62 PFLOPS
   */
  it('divides stations in service by population, with compute alongside', async () => {
    const q = await kpi.series('digital_infra', quarters2024);
    expect(q.map((p) => [p.period, p.value, p.components])).toEqual([
      ['2024-Q1', 8, { stations: 400, computePflops: 10 }],
      ['2024-Q2', 16, { stations: 800, computePflops: 12 }],
      ['2024-Q3', 20, { stations: 1000, computePflops: 62 }],
      ['2024-Q4', 20, { stations: 1000, computePflops: 62 }],
    ]);
    expect(q[3]!.denominator).toBe(50);
  });
});

describe('when innovation entities go live on the innovation brain (上云率)', () => {
  /*
   * Denominator: in-area firms holding 高企 / 科小 / 专精特新 / 新物种 at period end: A (高企), B (2024 科小), D (专精特新,
   * until it moves out 2024-09-01); C is outside, E has no status. Onboarded by period end: A 02-10, D 05-05 (C, E do not count).
   *   Q1: {A, B, D}, onboarded {A} → 1/3;  Q2: {A, B, D}, {A, D} → 2/3;  Q3: {A, B}, {A} → 1/2;  Q4: {A, B} (B's list ends 12-31) → 1/2
   *   2025: {A} (B's 2024 list is over), {A} → 100%. Q2 by street: 阳逻街道 100, 武湖街道 0, 双柳街道 100.
   */
  it('divides onboarded innovation entities by those registered at period end', async () => {
    const q = await kpi.series('brain_onboarding', quarters2024);
    expect(q.map((p) => [p.period, p.numerator, p.denominator])).toEqual([
      ['2024-Q1', 1, 3],
      ['2024-Q2', 2, 3],
      ['2024-Q3', 1, 2],
      ['2024-Q4', 1, 2],
    ]);
    expect(q[2]!.value).toBe(50);
    const [y2025] = await kpi.series('brain_onboarding', { from: '2025', to: '2025', grain: 'year' });
    expect(y2025!.value).toBe(100);
    expect(byBreakdown(await kpi.series('brain_onboarding', { from: '2024-Q2', to: '2024-Q2', grain: 'quarter', breakdown: 'street' }))).toEqual({
      阳逻街道: 100,
      武湖街道: 0,
      双柳街道: 100,
    });
  });
});

describe('when forums, conferences and competitions are held (创新活动)', () => {
  /*
   * V1 论坛 国家级 2024-03-20 800; V2 大赛 市级 05-10 300; V3 会议 区级 05-28 120; V4 论坛 国家级 10-15 500; V5 2025.
   * Quarters 2024: Q1 1 (800), Q2 2 (420), Q3 0, Q4 1 (500); year 4 (1720). By level: 国家级 2, 市级 1, 区级 1; by kind: 论坛 2, 大赛 1, 会议 1.
   */
  it('counts events starting in the period with their attendance', async () => {
    const q = await kpi.series('innovation_events', quarters2024);
    expect(q.map((p) => [p.period, p.value, p.components?.attendees])).toEqual([
      ['2024-Q1', 1, 800],
      ['2024-Q2', 2, 420],
      ['2024-Q3', 0, null],
      ['2024-Q4', 1, 500],
    ]);
    const [year] = await kpi.series('innovation_events', year2024);
    expect([year!.value, year!.components]).toEqual([4, { attendees: 1720 }]);
    expect(byBreakdown(await kpi.series('innovation_events', { ...year2024, breakdown: 'level' }))).toEqual({ 国家级: 2, 市级: 1, 区级: 1 });
    expect(byBreakdown(await kpi.series('innovation_events', { ...year2024, breakdown: 'type' }))).toEqual({ 论坛: 2, 大赛: 1, 会议: 1 });
  });
});

describe('when the KPI tables materialise the ten KPIs', () => {
  const TEN = ['decision_closure_rate', 'academic_sites', 'key_tech_projects', 'innovation_consortia', 'transfer_carriers', 'tech_brokers', 'tech_credit', 'digital_infra', 'brain_onboarding', 'innovation_events'];

  it('answers their series, breakdowns included, from the tables with the very values of the fact tables', async () => {
    const materializer = createKpiMaterializer({ olap, queries: kpi, committed: async () => REST_EVENTS.length, today: () => '2025-06-30' });
    await materializer.open();
    expect((await materializer.runOnce())?.position).toBe(REST_EVENTS.length);
    const source = createKpiTableSource({ olap, head: () => materializer.head() });
    const tables = createKpiQueries(olap, { source });
    const asOf = '2025-06-30';
    for (const id of TEN) {
      const q = { ...quarters2024, asOf };
      const fromTables = await tables.series(id, q);
      expect(fromTables, id).toEqual(await kpi.series(id, q));
      expect(fromTables.some((p) => p.value !== null && p.value !== 0), id).toBe(true);
      const { breakdowns } = kpiById(id)!;
      for (const breakdown of breakdowns) expect(await tables.series(id, { ...year2024, asOf, breakdown }), `${id} by ${breakdown}`).toEqual(await kpi.series(id, { ...year2024, asOf, breakdown }));
    }
    expect(source.stats.hits).toBeGreaterThanOrEqual(TEN.length);
  });
});
