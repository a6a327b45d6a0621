/**
 * Exact values of three P2 KPIs on the hand-made fixture test/fixtures/kpi/p2Fixture.ts, worked
 * out by hand below. Events go through the real SQLite store and the real projection runner;
 * the KPI queries read the stable views on real chDB.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OlapClient } from '../../contracts/ports.ts';
import { createKpiQueries, type KpiQueries } from '../../projections/kpi/queries.ts';
import { P2_EVENTS, P2_FIRMS as F, P2_IDS as ID } from '../fixtures/kpi/p2Fixture.ts';
import { freshOlap } from '../support/olap.ts';
import { loadFactsWithRunner } from './support.ts';

let olap: OlapClient;
let kpi: KpiQueries;

beforeAll(async () => {
  olap = await freshOlap('p2');
  await loadFactsWithRunner(olap, P2_EVENTS);
  kpi = createKpiQueries(olap);
});

const values = (points: { period: string; value: number | null }[]) => points.map((p) => [p.period, p.value]);
const byBreakdown = (points: { breakdown?: string; value: number | null }[]) =>
  Object.fromEntries(points.map((p) => [p.breakdown, p.value]));

describe('when platforms are recognised again at another level (平台提档升级)', () => {
  /*
   * Upgrades = recognitions ranking above every earlier recognition of the same platform:
   *   PL-1 市级 2022-05-10, 省级 2024-04-15 ✔ (above 市级), 省级 2024-10-08 ✘ (same level)
   *   PL-2 省级 2024-02-01 ✘ (first), 市级 2024-06-01 ✘ (lower), 省级 2024-11-20 ✘ (not above 省级)
   *   PL-3 区级 2023-03-01 ✘ (first), 市级 2023-09-01 ✔, 国家级 2025-01-10 ✔
   *   PL-5 市级 2023-01-01 ✘ (first), 省级 corrected from 2024-07-01 to 2024-10-10 ✔ (once, in Q4)
   * Per quarter of 2024: Q1 0, Q2 1 (PL-1), Q3 0, Q4 1 (PL-5); years: 2023 1, 2024 2, 2025 1.
   */
  it('counts an upgrade once in its period, and no first, same-level or lower recognition', async () => {
    const quarters = await kpi.series('rd_platform_upgrades', { from: '2024-Q1', to: '2024-Q4', grain: 'quarter' });
    expect(values(quarters)).toEqual([
      ['2024-Q1', 0],
      ['2024-Q2', 1],
      ['2024-Q3', 0],
      ['2024-Q4', 1],
    ]);
    const years = await kpi.series('rd_platform_upgrades', { from: '2023', to: '2025', grain: 'year' });
    expect(values(years)).toEqual([
      ['2023', 1],
      ['2024', 2],
      ['2025', 1],
    ]);
  });

  it('sees the upgrade at its first date as known before the correction', async () => {
    // As known on 2024-09-30: PL-5's 省级 recognition is dated 2024-07-01 (Q3); PL-1's 2024-10-08 is not known yet.
    const known = await kpi.series('rd_platform_upgrades', { from: '2024-Q2', to: '2024-Q4', grain: 'quarter', asOf: '2024-09-30' });
    expect(values(known)).toEqual([
      ['2024-Q2', 1],
      ['2024-Q3', 1],
      ['2024-Q4', 0],
    ]);
  });

  it('splits 2024 by the level reached and by platform type', async () => {
    // PL-1 重点实验室 → 省级, PL-5 企业技术中心 → 省级.
    expect(byBreakdown(await kpi.series('rd_platform_upgrades', { from: '2024', to: '2024', grain: 'year', breakdown: 'level' }))).toEqual({ 省级: 2 });
    expect(byBreakdown(await kpi.series('rd_platform_upgrades', { from: '2024', to: '2024', grain: 'year', breakdown: 'type' }))).toEqual({ 重点实验室: 1, 企业技术中心: 1 });
  });

  it('drills 2024-Q2 down to the platform and the recognition that upgraded it', async () => {
    const d = await kpi.drilldown('rd_platform_upgrades', '2024-Q2');
    expect(d.rows.map((r) => ({ entity: r.entity, name: r.name, x: r.x, eventIds: r.eventIds, from: r.detail.from_level, to: r.detail.level, on: r.detail.recognized_on }))).toEqual([
      { entity: 'PL-1', name: '省级PL-1重点实验室', x: 1, eventIds: [ID.pl1b], from: '市级', to: '省级', on: '2024-04-15' },
    ]);
    const q4 = await kpi.drilldown('rd_platform_upgrades', '2024-Q4');
    expect(q4.rows.map((r) => [r.entity, r.eventIds])).toEqual([['PL-5', [ID.pl5fix]]]);
  });

  it('keeps an upgraded platform once in the platform stock, at its latest level', async () => {
    // End 2024, latest recognition of each: PL-1 省级 (10-08), PL-2 省级 (11-20), PL-3 市级 (2023-09-01), PL-5 省级 (10-10).
    const [total] = await kpi.series('rd_platforms', { from: '2024', to: '2024', grain: 'year' });
    expect(total!.value).toBe(4);
    expect(byBreakdown(await kpi.series('rd_platforms', { from: '2024', to: '2024', grain: 'year', breakdown: 'level' }))).toEqual({ 市级: 1, 省级: 3 });
  });
});

describe('when firms settle in the area as chain leaders or suppliers (链主及配套企业引进)', () => {
  /*
   * Chain settlements (链主 / 配套) of firms in the area on the settlement date:
   *   G 链主 2024-03-10 ✔, J 区域总部 2024-05-01 ✘ (type), K 配套 2024-06-01 ✘ (关山街道, outside),
   *   H 配套 2024-08-20 ✔, L 配套 2024-09-01 ✔ (moved into 双柳街道 that day), G 配套 2024-11-05 ✔
   * Distinct firms: Q1 {G} 1, Q2 {} 0, Q3 {H, L} 2, Q4 {G} 1; 2024 {G, H, L} 3 (G once),
   * of which 链主 {G} 1 and 配套 {H, L, G} 3.
   */
  it('counts distinct in-area firms settling as 链主 or 配套, with the two kinds as components', async () => {
    const quarters = await kpi.series('chain_leaders_introduced', { from: '2024-Q1', to: '2024-Q4', grain: 'quarter' });
    expect(values(quarters)).toEqual([
      ['2024-Q1', 1],
      ['2024-Q2', 0],
      ['2024-Q3', 2],
      ['2024-Q4', 1],
    ]);
    expect(quarters.map((p) => p.components)).toEqual([
      { chainLeaders: 1, suppliers: 0 },
      { chainLeaders: null, suppliers: null },
      { chainLeaders: 0, suppliers: 2 },
      { chainLeaders: 0, suppliers: 1 },
    ]);
    const [year] = await kpi.series('chain_leaders_introduced', { from: '2024', to: '2024', grain: 'year' });
    expect([year!.value, year!.components]).toEqual([3, { chainLeaders: 1, suppliers: 3 }]);
  });

  it('splits 2024 by settlement type and by street', async () => {
    expect(byBreakdown(await kpi.series('chain_leaders_introduced', { from: '2024', to: '2024', grain: 'year', breakdown: 'type' }))).toEqual({ 链主: 1, 配套: 3 });
    expect(byBreakdown(await kpi.series('chain_leaders_introduced', { from: '2024', to: '2024', grain: 'year', breakdown: 'street' }))).toEqual({
      阳逻街道: 1,
      武湖街道: 1,
      双柳街道: 1,
    });
  });

  it('drills 2024 down to each chain settlement, never the headquarters nor the firm outside', async () => {
    const d = await kpi.drilldown('chain_leaders_introduced', '2024');
    const rows = d.rows.map((r) => ({ entity: r.entity, name: r.name, type: r.detail.type, on: r.detail.settled_on, eventIds: r.eventIds }));
    expect(rows).toHaveLength(4);
    expect(rows).toEqual(
      expect.arrayContaining([
        { entity: F.G, name: '江北链主科技', type: '链主', on: '2024-03-10', eventIds: [ID.setG1] },
        { entity: F.G, name: '江北链主科技', type: '配套', on: '2024-11-05', eventIds: [ID.setG2] },
        { entity: F.H, name: '长江配套精工', type: '配套', on: '2024-08-20', eventIds: [ID.setH] },
        { entity: F.L, name: '双柳迁入材料', type: '配套', on: '2024-09-01', eventIds: [ID.setL] },
      ]),
    );
  });
});

describe('when 科技副总, 特派员, 科研助理 and graduates are introduced (人才培育)', () => {
  /*
   * 2024 introductions by role (T-08 科技领军人才 belongs to high_level_talent, not here):
   *   科技副总 T-01 02-10, 科技特派员 T-02 05-06       → deputies 2
   *   科研助理 T-03 05-20, T-04 08-01                    → researchAssistants 2
   *   毕业生留区 T-05 07-01, T-06 07-01, T-07 12-15       → graduatesRetained 3     total 7
   * Quarters: Q1 {T-01} 1 (1,0,0); Q2 {T-02, T-03} 2 (1,1,0); Q3 {T-04, T-05, T-06} 3 (0,1,2); Q4 {T-07} 1 (0,0,1).
   * 2025: T-09 科技副总 → 1 (1,0,0).
   */
  it('returns the total as value and the three counts as components', async () => {
    const quarters = await kpi.series('talent_cultivation', { from: '2024-Q1', to: '2024-Q4', grain: 'quarter' });
    expect(quarters.map((p) => [p.period, p.value, p.components])).toEqual([
      ['2024-Q1', 1, { deputies: 1, researchAssistants: 0, graduatesRetained: 0 }],
      ['2024-Q2', 2, { deputies: 1, researchAssistants: 1, graduatesRetained: 0 }],
      ['2024-Q3', 3, { deputies: 0, researchAssistants: 1, graduatesRetained: 2 }],
      ['2024-Q4', 1, { deputies: 0, researchAssistants: 0, graduatesRetained: 1 }],
    ]);
    const years = await kpi.series('talent_cultivation', { from: '2024', to: '2025', grain: 'year' });
    expect(years.map((p) => [p.period, p.value, p.components])).toEqual([
      ['2024', 7, { deputies: 2, researchAssistants: 2, graduatesRetained: 3 }],
      ['2025', 1, { deputies: 1, researchAssistants: 0, graduatesRetained: 0 }],
    ]);
    // The leading talent stays where it was counted.
    const [leaders] = await kpi.series('high_level_talent', { from: '2024', to: '2024', grain: 'year' });
    expect(leaders!.components).toEqual({ talents: 1, teams: 0 });
  });

  it('splits 2024 by role', async () => {
    expect(byBreakdown(await kpi.series('talent_cultivation', { from: '2024', to: '2024', grain: 'year', breakdown: 'type' }))).toEqual({
      科技副总: 1,
      科技特派员: 1,
      科研助理: 2,
      毕业生留区: 3,
    });
  });

  it('drills 2024-Q3 down to each talent with role and employer, no personal name', async () => {
    const d = await kpi.drilldown('talent_cultivation', '2024-Q3');
    const rows = d.rows.map((r) => ({ entity: r.entity, name: r.name, kind: r.detail.kind, employer: r.detail.employer, eventIds: r.eventIds }));
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(
      expect.arrayContaining([
        { entity: 'T-04', name: '科研助理 · 长江配套精工', kind: 'researchAssistants', employer: F.H, eventIds: [ID['T-04']] },
        { entity: 'T-05', name: '毕业生留区 · 江北链主科技', kind: 'graduatesRetained', employer: F.G, eventIds: [ID['T-05']] },
        { entity: 'T-06', name: '毕业生留区 · 长江配套精工', kind: 'graduatesRetained', employer: F.H, eventIds: [ID['T-06']] },
      ]),
    );
    expect(JSON.stringify(d)).not.toContain('测试人员');
  });
});
