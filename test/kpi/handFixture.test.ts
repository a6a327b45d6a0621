/**
 * Exact KPI values of the hand-made fixture (test/fixtures/kpi/handFixture.ts), worked out by
 * hand below. Events go through the real SQLite store and the real projection runner into the
 * versioned tables behind the stable views; the KPI materializer builds the KPI tables from them,
 * and the KPI reads answer from those tables (on a session of their own) wherever they can:
 * only as-of instants before the tables' history and other days' "latest" compute from facts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OlapClient } from '../../contracts/ports.ts';
import { createKpiQueries, type KpiQueries } from '../../projections/kpi/queries.ts';
import { EVENT_IDS as ID, FIRMS, HAND_EVENTS } from '../fixtures/kpi/handFixture.ts';
import { createKpiMaterializer, createKpiTableSource, type KpiTableSource } from '../../projections/kpiTables/index.ts';
import { freshOlap, sameDatabase } from '../support/olap.ts';
import { loadFactsWithRunner } from './support.ts';

let olap: OlapClient;
let viewer: OlapClient;
let kpi: KpiQueries;
let source: KpiTableSource;

beforeAll(async () => {
  olap = await freshOlap('hand');
  await loadFactsWithRunner(olap, HAND_EVENTS);
  const materializer = createKpiMaterializer({ olap, queries: createKpiQueries(olap), committed: async () => HAND_EVENTS.length });
  await materializer.open();
  await materializer.runOnce();
  viewer = await sameDatabase(olap);
  source = createKpiTableSource({ olap: viewer, head: () => materializer.head() });
  kpi = createKpiQueries(viewer, { source });
}, 300_000);

afterAll(async () => {
  await viewer?.close();
  await olap.close();
});

describe('when 高企 certificates expire, get revoked and their holders move out', () => {
  /*
   * Valid & in area at each quarter end (A 2022-03-15→2025-03-15, B 2023-11-20→, C 2024-03-01→ but
   * out from 2024-09-30, D never in area, E 2024-05-10→ revoked 2024-11-15):
   *   2024-Q1 (03-31): A B C       = 3   new C
   *   2024-Q2 (06-30): A B C E     = 4   new E
   *   2024-Q3 (09-30): A B E       = 3   moved out C (still valid, now outside)
   *   2024-Q4 (12-31): A B         = 2   revoked E
   *   2025-Q1 (03-31): B           = 1   expired A (03-15 < 03-31)
   */
  it('counts valid, in-area holders at each period end and splits the net change', async () => {
    const points = await kpi.series('hte_count', { from: '2024-01-01', to: '2025-03-31', grain: 'quarter' });
    expect(values(points)).toEqual([
      ['2024-Q1', 3],
      ['2024-Q2', 4],
      ['2024-Q3', 3],
      ['2024-Q4', 2],
      ['2025-Q1', 1],
    ]);
    expect(points.map((p) => p.components)).toEqual([
      { new: 1, movedIn: 0, expired: 0, revoked: 0, movedOut: 0 },
      { new: 1, movedIn: 0, expired: 0, revoked: 0, movedOut: 0 },
      { new: 0, movedIn: 0, expired: 0, revoked: 0, movedOut: 1 },
      { new: 0, movedIn: 0, expired: 0, revoked: 1, movedOut: 0 },
      { new: 0, movedIn: 0, expired: 1, revoked: 0, movedOut: 0 },
    ]);
  });

  it('counts the certificate issued 2022-03 at the end of 2024 but not at the end of 2025', async () => {
    // end 2024: A B = 2 (C out, E revoked); end 2025: B = 1. D (division 420117, street 关山街道) never counts.
    const points = await kpi.series('hte_count', { from: '2024', to: '2025', grain: 'year' });
    expect(values(points)).toEqual([
      ['2024', 2],
      ['2025', 1],
    ]);
    const end2024 = await kpi.drilldown('hte_count', '2024');
    expect(end2024.rows.filter((r) => r.x === 1).map((r) => r.entity).sort()).toEqual([FIRMS.A, FIRMS.B].sort());
  });

  it('drills 2024-Q3 down to the firms and certificate events behind it, with the one that moved out', async () => {
    const d = await kpi.drilldown('hte_count', '2024-Q3');
    const rows = d.rows.map((r) => ({ entity: r.entity, x: r.x, movement: r.detail.movement, eventIds: r.eventIds }));
    expect(rows).toEqual(
      expect.arrayContaining([
        { entity: FIRMS.A, x: 1, movement: '', eventIds: [ID.hteA] },
        { entity: FIRMS.B, x: 1, movement: '', eventIds: [ID.hteB] },
        { entity: FIRMS.E, x: 1, movement: '', eventIds: [ID.hteE] },
        { entity: FIRMS.C, x: 0, movement: 'moved_out', eventIds: [ID.hteC] },
      ]),
    );
    expect(rows).toHaveLength(4);
    expect(d.rows.find((r) => r.entity === FIRMS.A)?.name).toBe('阳光智能');
  });

  it('divides by the baseline the area set for the doubling plan', async () => {
    // baseline 2 (KpiTargetSet kind=baseline); 2024-Q2: 4 ÷ 2 = 2; 2024: 2 ÷ 2 = 1; default target 2× → attainment 0.5.
    const points = await kpi.series('hte_doubling_progress', { from: '2024-Q2', to: '2024-Q2', grain: 'quarter' });
    expect(points[0]).toMatchObject({ value: 2, numerator: 4, denominator: 2, target: 2, attainment: 1 });
    const [year] = await kpi.series('hte_doubling_progress', { from: '2024', to: '2024', grain: 'year' });
    expect(year).toMatchObject({ value: 1, numerator: 2, denominator: 2, target: 2, attainment: 0.5 });
  });

  it('converts the reserve pool of the year start', async () => {
    // 高企后备库 on 2024-01-01: C (2023-06), E (2023-09), F (2023-12) = 3.
    // Certified since 2024-01-01: by 03-31 C (03-01) → 1/3 = 33.333…%; by 06-30 also E (05-10) → 2/3 = 66.666…%.
    const points = await kpi.series('hte_reserve_conversion', { from: '2024-01', to: '2024-06', grain: 'quarter' });
    expect(points.map((p) => [p.numerator, p.denominator])).toEqual([
      [1, 3],
      [2, 3],
    ]);
    expect(points[0]!.value).toBeCloseTo(100 / 3, 6);
    expect(points[1]!.value).toBeCloseTo(200 / 3, 6);
  });

  it('covers above-scale 高企 with R&D institutions from their latest annual report', async () => {
    // End 2024 高企 in area: A, B. FY2024: A above-scale with R&D institution, B above-scale without → 1 ÷ 2 = 50%.
    const [p] = await kpi.series('above_scale_hte_rd_coverage', { from: '2024', to: '2024', grain: 'year' });
    expect(p).toMatchObject({ value: 50, numerator: 1, denominator: 2, target: 100, attainment: 0.5 });
  });
});

describe('when yearly lists, tiers and the R&D intensity are asked for', () => {
  it('counts only this year’s in-area tech SMEs, by street', async () => {
    // 2024 list: A (04-10), F (05-20), D (outside); F removed 10-15. 2025 list: E (03-01).
    // Q1 0 · Q2 A F = 2 · Q3 2 · Q4 A = 1 · 2025-Q1 E = 1.
    const points = await kpi.series('tech_sme_count', { from: '2024-Q1', to: '2025-Q1', grain: 'quarter' });
    expect(values(points)).toEqual([
      ['2024-Q1', 0],
      ['2024-Q2', 2],
      ['2024-Q3', 2],
      ['2024-Q4', 1],
      ['2025-Q1', 1],
    ]);
    const byStreet = await kpi.series('tech_sme_count', { from: '2024-Q2', to: '2024-Q2', grain: 'quarter', breakdown: 'street' });
    expect(byStreet.map((p) => [p.breakdown, p.value])).toEqual([
      ['天河街道', 1],
      ['阳逻街道', 1],
    ]);
  });

  it('counts an SRDI firm once, at its highest valid tier', async () => {
    // B holds 创新型 (→2024-12-31) and 专精特新 (→2025-12-31): end 2024 one firm, tier 专精特新中小企业.
    const byTier = await kpi.series('srdi_firms', { from: '2024', to: '2024', grain: 'year', breakdown: 'tier' });
    expect(byTier.map((p) => [p.breakdown, p.value])).toEqual([['专精特新中小企业', 1]]);
  });

  it('divides Σ R&D expense by Σ revenue, per cohort', async () => {
    // FY2024, in area at 2024-12-31: A (高企, 规上) 1200/20000, B (高企, 规上) 640/8000, F (规上 only) 60/3000.
    //   all:  (1200+640+60) ÷ (20000+8000+3000) = 1900 ÷ 31000 = 6.129032258…%
    //   高企: (1200+640) ÷ (20000+8000)         = 1840 ÷ 28000 = 6.571428571…%
    //   规上: same as all = 1900 ÷ 31000
    const [all] = await kpi.series('enterprise_rd_intensity', { from: '2024', to: '2024', grain: 'year' });
    expect(all).toMatchObject({ numerator: 1900, denominator: 31000 });
    expect(all!.value).toBeCloseTo((1900 / 31000) * 100, 6);
    const cohorts = await kpi.series('enterprise_rd_intensity', { from: '2024', to: '2024', grain: 'year', breakdown: 'cohort' });
    expect(cohorts.map((p) => [p.breakdown, p.numerator, p.denominator])).toEqual([
      ['规上', 1900, 31000],
      ['高企', 1840, 28000],
    ]);
  });
});

describe('when a technology contract is corrected after the quarter', () => {
  /*
   * 2024-Q2 contracts with a party in the area at registration:
   *   T1 A(in)→D(out) 技术开发 500 (tech 400) · T2 D(out)→B(in) 技术转让 300 (300) · T3 B(in)→A(in) 技术服务
   *   T4 D→外地: no party in area, not counted. T5 (2024-11-01) seller C had moved out on 09-30: not counted.
   *   T3 as recorded 2024-05-11: 200 (tech 150); corrected on 2024-08-01 to 250 (tech 180).
   * Known on 2024-07-31: total 500+300+200 = 1000 万 = 0.1 亿; 输出 500+200 = 0.07; 吸纳 300+200 = 0.05; tech 850 → 0.085.
   * Known now:           total 500+300+250 = 1050 万 = 0.105 亿; 输出 750 → 0.075; 吸纳 550 → 0.055; tech 880 → 0.088.
   */
  it('reports the value as known before the correction, and the restated value after it', async () => {
    const before = await kpi.series('tech_contract_turnover', { from: '2024-Q2', to: '2024-Q2', grain: 'quarter', asOf: '2024-07-31' });
    expect(before[0]!.value).toBeCloseTo(0.1, 9);
    expect(before[0]!.components).toEqual({ output: 0.07, absorbed: 0.05, techTransaction: 0.085, contracts: 3 });
    const after = await kpi.series('tech_contract_turnover', { from: '2024-Q2', to: '2024-Q2', grain: 'quarter', asOf: '2024-08-01' });
    expect(after[0]!.value).toBeCloseTo(0.105, 9);
    const now = await kpi.series('tech_contract_turnover', { from: '2024-Q2', to: '2024-Q2', grain: 'quarter' });
    expect(now[0]!.components).toEqual({ output: 0.075, absorbed: 0.055, techTransaction: 0.088, contracts: 3 });
  });

  it('prorates the yearly target to the quarter and keeps attainment uncapped', async () => {
    // target 0.2 亿 for 2024 → Q2 share 3/12 → 0.05; attainment 0.105 ÷ 0.05 = 2.1. Year: 0.105 ÷ 0.2 = 0.525.
    const [q2] = await kpi.series('tech_contract_turnover', { from: '2024-Q2', to: '2024-Q2', grain: 'quarter' });
    expect(q2).toMatchObject({ target: 0.05, attainment: 2.1 });
    const [year] = await kpi.series('tech_contract_turnover', { from: '2024', to: '2024', grain: 'year' });
    expect(year).toMatchObject({ value: 0.105, target: 0.2, attainment: 0.525 });
  });

  it('breaks down by contract type and drills into the corrected contract', async () => {
    const byType = await kpi.series('tech_contract_turnover', { from: '2024-Q2', to: '2024-Q2', grain: 'quarter', breakdown: 'type' });
    expect(byType.map((p) => [p.breakdown, p.value])).toEqual([
      ['技术开发', 0.05],
      ['技术服务', 0.025],
      ['技术转让', 0.03],
    ]);
    const d = await kpi.drilldown('tech_contract_turnover', '2024-Q2', { breakdown: 'type', breakdownValue: '技术服务' });
    expect(d.rows.map((r) => [r.entity, r.x, r.eventIds])).toEqual([['2024420100000003', 0.025, [ID.T3fix]]]);
    const known = await kpi.drilldown('tech_contract_turnover', '2024-Q2', { breakdown: 'type', breakdownValue: '技术服务', asOf: '2024-07-31' });
    expect(known.rows.map((r) => r.eventIds)).toEqual([[ID.T3]]);
  });
});

describe('when patents lapse, owners move out and the population is restated', () => {
  /*
   * Valid invention patents with ≥1 owner in the area:
   *   end 2023: P1 (A) P2 (B) P3 (C) P4 (A, lapses 2024-06-30)      = 4; high-value P1 (战略新兴) P4 (海外同族) = 2
   *   end 2024: P1 P2 P6 (D+B, B in area); P3 owner C out, P4 lapsed = 3; high-value P1 P6 (获奖)            = 2
   *   (P5 is a utility model.)
   * Population: 2023 → 500000 人 = 50 万人 (recorded 2024-02-01); 2024 → 30 万人 (recorded 2025-02-01).
   *   end 2023: 4 ÷ 50 = 0.08 ; high-value 2 ÷ 50 = 0.04
   *   end 2024: 3 ÷ 30 = 0.1  ; high-value 2 ÷ 30 = 0.0666…
   *   end 2024 as known on 2024-12-31 (2024 population not yet published): 3 ÷ 50 = 0.06
   */
  it('computes invention patents per 10k people, numerator and denominator', async () => {
    const points = await kpi.series('invention_patents_per_10k', { from: '2023', to: '2024', grain: 'year' });
    expect(points.map((p) => [p.period, p.value, p.numerator, p.denominator])).toEqual([
      ['2023', 0.08, 4, 50],
      ['2024', 0.1, 3, 30],
    ]);
    const hv = await kpi.series('high_value_patents_per_10k', { from: '2023', to: '2024', grain: 'year' });
    expect(hv.map((p) => [p.numerator, p.denominator])).toEqual([
      [2, 50],
      [2, 30],
    ]);
    expect(hv[1]!.value).toBeCloseTo(2 / 30, 8);
  });

  it('uses the population known at the as-of instant', async () => {
    const [p] = await kpi.series('invention_patents_per_10k', { from: '2024', to: '2024', grain: 'year', asOf: '2024-12-31' });
    expect(p).toMatchObject({ value: 0.06, numerator: 3, denominator: 50 });
  });

  it('drills down to the patents and the population statistic behind the ratio', async () => {
    const d = await kpi.drilldown('invention_patents_per_10k', '2024');
    expect(d.rows.map((r) => [r.entity, r.x, r.y, r.eventIds]).sort()).toEqual(
      [
        ['常住人口', 0, 30, [ID.pop2024]],
        [HAND_EVENTS.find((e) => e.eventId === ID.P1)!.streamId.slice('patent-'.length), 1, 0, [ID.P1]],
        [HAND_EVENTS.find((e) => e.eventId === ID.P2)!.streamId.slice('patent-'.length), 1, 0, [ID.P2]],
        [HAND_EVENTS.find((e) => e.eventId === ID.P6)!.streamId.slice('patent-'.length), 1, 0, [ID.P6]],
      ].sort(),
    );
  });

  it('counts pledges of in-area pledgors only', async () => {
    // A 1000 万 on 2024-07-01; C's 500 on 2024-10-10 comes after C moved out.
    const points = await kpi.series('ip_pledge_financing', { from: '2024-Q3', to: '2024-Q4', grain: 'quarter' });
    expect(points.map((p) => [p.value, p.components])).toEqual([
      [1000, { pledges: 1, pledgors: 1 }],
      [0, { pledges: null, pledgors: null }],
    ]);
  });
});

describe('when tenants, carriers and funds are measured', () => {
  it('counts incubating tenants, graduations and the financed share', async () => {
    // Tenants of I1: F (2023-03), E (2023-05, graduated 2024-06-15), TEAM-01 (2024-02).
    // Incubating: Q1 F E TEAM-01 = 3; Q2 F TEAM-01 = 2. Graduated: Q2 1 (cumulative 1).
    // Financed in the 12 months to 2024-12-31: F (FUND-1 on 2024-08-01) → 1 ÷ 2 = 50%.
    expect(values(await kpi.series('incubating_tenants', { from: '2024-Q1', to: '2024-Q2', grain: 'quarter' }))).toEqual([
      ['2024-Q1', 3],
      ['2024-Q2', 2],
    ]);
    const [grad] = await kpi.series('graduated_tenants', { from: '2024-Q2', to: '2024-Q2', grain: 'quarter' });
    expect(grad).toMatchObject({ value: 1, components: { cumulative: 1 } });
    const [rate] = await kpi.series('tenant_financing_rate', { from: '2024', to: '2024', grain: 'year' });
    expect(rate).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
  });

  it('breaks carriers down by the level they held at each period end', async () => {
    // I1 孵化器 市级 from 2022-01-01, 省级 from 2024-07-01.
    const points = await kpi.series('incubation_carriers', { from: '2024-Q2', to: '2024-Q3', grain: 'quarter', breakdown: 'level' });
    expect(points.map((p) => [p.period, p.breakdown, p.value])).toEqual([
      ['2024-Q2', '市级', 1],
      ['2024-Q3', '省级', 1],
    ]);
  });

  it('sizes the fund matrix and the in-area investments', async () => {
    // FUND-1: committed 100000 万 = 10 亿, government 40000 万, called 30000 万 = 3 亿; leverage 100000 ÷ 40000 = 2.5.
    const [m] = await kpi.series('fund_matrix', { from: '2024', to: '2024', grain: 'year' });
    expect(m).toMatchObject({ value: 10, components: { paidIn: 3, funds: 1, subFunds: 0, leverage: 2.5 } });
    // 2024 investments: F 2000 (A round, in), D 1500 (out, not counted), B 3000 (C round, in) → 5000 万;
    // early share 2000 ÷ 5000 = 40%; reinvestment 5000 ÷ 40000 = 0.125.
    const [inv] = await kpi.series('fund_investment_in_area', { from: '2024', to: '2024', grain: 'year' });
    expect(inv).toMatchObject({ value: 5000, components: { earlyShare: 40, reinvestmentMultiple: 0.125, investments: 2 } });
  });

  it('counts colleges relocated against the target of 4 and key-industry coverage', async () => {
    // 湖北大学: 生命科学学院 2024-09-01, 计算机学院 2025-02-01 → end 2024: 1 (1 ÷ 4 = 0.25), end 2025: 2 (0.5).
    const colleges = await kpi.series('hubu_colleges_relocated', { from: '2024', to: '2025', grain: 'year' });
    expect(colleges.map((p) => [p.value, p.target, p.attainment])).toEqual([
      [1, 4, 0.25],
      [2, 4, 0.5],
    ]);
    // NRI-1 生命健康 from 2024-04-01: 1 of 6 key industries.
    const [cov] = await kpi.series('nri_industry_coverage', { from: '2024', to: '2024', grain: 'year' });
    expect(cov).toMatchObject({ numerator: 1, denominator: 6, target: 100 });
    expect(cov!.value).toBeCloseTo(100 / 6, 6);
  });
});

describe('when governance is assessed', () => {
  it('counts meetings against the policy’s prorated defaults', async () => {
    // 科创办 2024: 02-20, 04-18, 06-25 = 3; default 6/yr → H1 target 3 (attainment 1), Q1 1 of 1.5.
    const halves = await kpi.series('kcb_meetings_held', { from: '2024', to: '2024', grain: 'half' });
    expect(halves.map((p) => [p.period, p.value, p.target, p.attainment])).toEqual([
      ['2024-H1', 3, 3, 1],
      ['2024-H2', 0, 3, 0],
    ]);
    const [q1] = await kpi.series('kcb_meetings_held', { from: '2024-Q1', to: '2024-Q1', grain: 'quarter' });
    expect(q1!.attainment).toBeCloseTo(1 / 1.5, 8);
    // 科创委 2024: 03-10 and 09-15 = 2, default 2/yr → attainment 1.
    const [kcw] = await kpi.series('kcw_meetings_held', { from: '2024', to: '2024', grain: 'year' });
    expect(kcw).toMatchObject({ value: 2, target: 2, attainment: 1 });
  });

  it('rates milestones due in the period by their latest report, per lead unit', async () => {
    // Due in 2024: M9-1 (done 06-20), M9-2 (latest report: done 2025-01-10, after year end), M14-1 (done 10-15), M16-1 (done 03-20).
    // All: 3 ÷ 4 = 75%. 科创局 1 ÷ 2 = 50%; 市场监管局 1 ÷ 1; 财政国资局 1 ÷ 1.
    const [all] = await kpi.series('task_milestone_completion', { from: '2024', to: '2024', grain: 'year' });
    expect(all).toMatchObject({ value: 75, numerator: 3, denominator: 4 });
    const byUnit = await kpi.series('task_milestone_completion', { from: '2024', to: '2024', grain: 'year', breakdown: 'leadUnit' });
    // (Breakdown groups come in the engine's byte order of the UTF-8 names.)
    expect(byUnit.map((p) => [p.breakdown, p.value])).toEqual([
      ['市场监管局', 100],
      ['科创局', 50],
      ['财政国资局', 100],
    ]);
    // Q3: only M14-1 was due (09-30) and it was done on 10-15 → 0 ÷ 1.
    const [q3] = await kpi.series('task_milestone_completion', { from: '2024-Q3', to: '2024-Q3', grain: 'quarter' });
    expect(q3).toMatchObject({ value: 0, numerator: 0, denominator: 1 });
  });
});

describe('when a lead unit asks for its scorecard', () => {
  /*
   * 市场监管局, 2024-Q4 (previous 2024-Q3, same period last year 2023-Q4):
   *   invention_patents_per_10k: Q4 3÷30 = 0.1 · Q3 3÷30 = 0.1 (C out on 09-30, P4 lapsed) · 2023-Q4 4÷50 = 0.08
   *      target 0.08 (entered for 2024, a level) → attainment 1.25; change 0 / 0%; on last year +0.02 / +25%
   *   high_value_patents_per_10k: 2÷30 · 2÷30 · 2÷50 = 0.04 → on last year +0.0266… / +66.66…%
   *   ip_pledge_financing: Q4 0 (C's pledge after its move) · Q3 1000 → −1000 / −100%; 2023-Q4 0 → change 0, pct n/a
   *   task_milestone_completion (task 14): nothing due in Q4 → null; Q3 0 ÷ 1 = 0
   *   milestones: M14-1 (due 09-30, done 10-15, within the quarter → listed, done, not overdue)
   */
  it('lists its KPIs with value, target, attainment and both changes, plus its milestones', async () => {
    const card = await kpi.scorecard('市场监管局', '2024-Q4');
    expect(card).toMatchObject({ leadUnit: '市场监管局', period: '2024-Q4', start: '2024-10-01', end: '2024-12-31', tasks: [14] });
    expect(card.kpis.map((k) => k.id)).toEqual(['task_milestone_completion', 'invention_patents_per_10k', 'high_value_patents_per_10k', 'ip_pledge_financing']);
    const [ms, inv, hv, pledge] = card.kpis;
    expect(ms).toMatchObject({ value: null, previous: { period: '2024-Q3', value: 0 }, changeOnPrevious: null });
    expect(inv).toMatchObject({
      value: 0.1, numerator: 3, denominator: 30, target: 0.08, attainment: 1.25,
      previous: { period: '2024-Q3', value: 0.1 }, changeOnPrevious: 0, changeOnPreviousPct: 0,
      lastYear: { period: '2023-Q4', value: 0.08 }, changeOnLastYear: 0.02, changeOnLastYearPct: 25,
    });
    expect(hv!.lastYear.value).toBe(0.04);
    expect(hv!.changeOnLastYearPct).toBeCloseTo(((2 / 30 - 0.04) / 0.04) * 100, 6);
    expect(pledge).toMatchObject({ value: 0, previous: { value: 1000 }, changeOnPrevious: -1000, changeOnPreviousPct: -100, changeOnLastYear: 0, changeOnLastYearPct: null });
    expect(card.milestones).toEqual([
      { task: 14, milestoneId: 'M14-1', title: '高价值专利培育中心挂牌', unit: '市场监管局', dueOn: '2024-09-30', status: '已完成', completedOn: '2024-10-15', done: true, overdue: false, eventId: ID.m141 },
    ]);
  });

  it('gives 科创局 its own share of the milestone KPI and its attainment stored uncapped', async () => {
    const card = await kpi.scorecard('科创局', '2024-Q2');
    const ms = card.kpis.find((k) => k.id === 'task_milestone_completion');
    // Task 9 milestones due in Q2: M9-1 done 06-20 → 100%.
    expect(ms).toMatchObject({ value: 100, numerator: 1, denominator: 1 });
    const tc = card.kpis.find((k) => k.id === 'tech_contract_turnover');
    expect(tc).toMatchObject({ value: 0.105, target: 0.05, attainment: 2.1 });
    expect(card.kpis.some((k) => k.id === 'ip_pledge_financing')).toBe(false);
  });
});

describe('when the KPI list asks for the latest value', () => {
  it('takes this year to date, or the last full year for annual statistics', async () => {
    // 2025 to 2025-06-30: 高企 valid & in area = B only.
    expect(await kpi.latest('hte_count', { today: '2025-06-30' })).toEqual({ period: '2025', value: 1, target: null, attainment: null });
    // 科创办 2024: 3 of 6 → 0.5.
    expect(await kpi.latest('kcb_meetings_held', { today: '2024-12-31' })).toEqual({ period: '2024', value: 3, target: 6, attainment: 0.5 });
    const rd = await kpi.latest('enterprise_rd_intensity', { today: '2025-06-30' });
    expect(rd?.period).toBe('2024');
    expect(rd?.value).toBeCloseTo((1900 / 31000) * 100, 6);
    // No decision of the fixture falls due this year: nothing to divide, no latest value.
    expect(await kpi.latest('decision_closure_rate')).toBeNull();
  });
});

describe('when the KPI tables answer', () => {
  it('answered the series and scorecards from the tables, and only as-of instants before their history from facts', () => {
    expect(source.stats.hits).toBeGreaterThan(40);
    for (const why of Object.keys(source.stats.misses)) expect(['as-of outside the tables', 'period not in tables']).toContain(why);
  });

  it("gives analysts the screen's numbers in the kpi_table view", async () => {
    const rows = await viewer.query<{ period: string; value: number }>(
      `SELECT period, value FROM kpi_table WHERE kpi_id = 'hte_count' AND grain = 'quarter' AND breakdown = '' AND period IN ('2024-Q1', '2024-Q2', '2024-Q3') ORDER BY period`,
    );
    expect(rows.map((r) => [r.period, Number(r.value)])).toEqual([
      ['2024-Q1', 3],
      ['2024-Q2', 4],
      ['2024-Q3', 3],
    ]);
  });
});

const values = (points: { period: string; value: number | null }[]) => points.map((p) => [p.period, p.value]);
