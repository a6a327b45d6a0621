/**
 * Innovation points (创新积分) over a hand-made history (test/fixtures/points/pointsFixture.ts),
 * through the real API on real chDB fact tables: the hand firm's points per indicator equal a
 * hand computation under both shipped sets, ranks within revenue-stage groups, as-of, bad input.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { PointsBreakdown, PointsRanking } from '../../contracts/points.ts';
import { CORRECTION_RECORDED_AT, FIRMS, POINT_EVENTS, correctionEvents } from '../fixtures/points/pointsFixture.ts';
import { useKpiServer } from '../support/kpiServer.ts';

const server = useKpiServer(POINT_EVENTS);

async function get<T>(path: string, key: string | null = server().keys.viewer): Promise<{ status: number; body: T; type: string }> {
  const res = await fetch(`${server().url}/api/v1${path}`, key ? { headers: { Authorization: `Bearer ${key}` } } : {});
  return { status: res.status, body: (await res.json()) as T, type: res.headers.get('content-type') ?? '' };
}

const pointsOf = (b: PointsBreakdown) => Object.fromEntries(b.indicators.map((i) => [i.id, i.points]));
const valuesOf = (b: PointsBreakdown) => Object.fromEntries(b.indicators.map((i) => [i.id, i.value === null ? null : Math.round(i.value * 100) / 100]));
/** Before A's 2025 report was restated. */
const BEFORE_CORRECTION = '2026-07-01';

describe('the hand firm A (智点科技), fiscal 2025', () => {
  // Figures of 2025 from the fixture, worked out by hand:
  //   revenue 6000 (2024: 5000) → growth 20 %;  R&D 600 (2024: 400) → growth 50 %, intensity 600/6000 = 10 %
  //   tech staff 25 of 100 → 25 %;  high-tech revenue 3600/6000 = 60 %
  //   valid inventions at 2025-12-31: PA1, PA2 = 2 (PA4 lapsed 2024);  granted in 2025: PA2, PA3 = 2
  //   contracts sold in 2025: 250 (TA2 is 2024, TA3 A bought);  equity 1000;  高企 yes (2023-10-01 + 3 y)
  //   科小 2025 yes;  SRDI: 创新型 (1) and 专精特新中小企业 (2) → 2;  R&D institution yes;  platforms 1
  it('under 1.0: 42 + 20 + 8 = 70 points, each indicator as computed by hand', async () => {
    const { status, body } = await get<PointsBreakdown>(`/points/${FIRMS.A}?year=2025&set=points-1.0&asOf=${BEFORE_CORRECTION}`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(valuesOf(body)).toEqual({
      rd_expense: 600, rd_intensity: 10, rd_expense_growth: 50, tech_staff_share: 25, invention_patents: 2, tech_contracts: 250, rd_platforms: 1,
      revenue: 6000, revenue_growth: 20, high_tech_revenue_share: 60, equity_financing: 1000, hte: 1, tech_sme: 1,
    });
    expect(pointsOf(body)).toEqual({
      rd_expense: 6, //          linear: 10 × 600 / 1000
      rd_intensity: 12, //       band ≥ 10 %
      rd_expense_growth: 6, //   band ≥ 20 %
      tech_staff_share: 6, //    band ≥ 20 % (not yet 30)
      invention_patents: 2, //   linear: 10 × 2 / 10
      tech_contracts: 4, //      linear: 8 × 250 / 500
      rd_platforms: 6, //        band ≥ 1
      revenue: 3, //             linear: 10 × 6000 / 20000
      revenue_growth: 7, //      band ≥ 20 % (not yet 50)
      high_tech_revenue_share: 10, // band ≥ 60 %
      equity_financing: 2, //    linear: 4 × 1000 / 2000
      hte: 4,
      tech_sme: 2,
    });
    expect(body.categories.map((c) => [c.id, c.points])).toEqual([['tech', 42], ['growth', 20], ['support', 8]]);
    expect(body.total).toBe(70);
    expect(body).toMatchObject({ name: '智点科技', street: '阳逻街道', year: 2025, set: { id: 'points-1.0', version: '1.0', maxPoints: 100 }, group: { id: 'all' }, rank: 1, groupSize: 5 });
  });

  it('under 2.0: 29.25 + 9.4 + 13.17 + 9 = 60.82 points, in the 成长期 group (revenue 2000–20000 万元)', async () => {
    const { status, body } = await get<PointsBreakdown>(`/points/${FIRMS.A}?year=2025&set=points-2.0&asOf=${BEFORE_CORRECTION}`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(pointsOf(body)).toEqual({
      rd_intensity: 15, //       linear: 15 × 10 / 10
      rd_expense: 3, //          linear: 10 × 600 / 2000
      rd_expense_growth: 5, //   band ≥ 30 %
      tech_staff_share: 6.25, // linear: 10 × 25 / 40
      invention_patents: 4, //   band ≥ 1 (not yet 3)
      patents_granted: 2.4, //   linear: 6 × 2 / 5
      tech_contracts: 3, //      linear: 12 × 250 / 1000
      revenue_growth: 6.67, //   linear: 10 × 20 / 30 = 6.666… → 6.67
      high_tech_revenue_share: 4.5, // linear: 6 × 60 / 80
      equity_financing: 2, //    band ≥ 500 (not yet 2000)
      hte: 4,
      srdi_tier: 2, //           band ≥ 2
      rd_institution: 3,
    });
    expect(body.categories.map((c) => [c.id, c.points])).toEqual([['input', 29.25], ['output', 9.4], ['outcome', 13.17], ['credentials', 9]]);
    expect(body.total).toBe(60.82);
    expect(body).toMatchObject({ set: { id: 'points-2.0' }, group: { id: 'growth' }, rank: 1, groupSize: 1 });
  });

  it('as of a later day, the restated report (R&D 800) gives the new points; asOf before it still the old', async () => {
    await server().append(correctionEvents());
    // 1.0: rd_expense 10 × 800 / 1000 = 8 (+2); intensity 13.3 % and growth 100 % stay in their top bands → 72.
    const now10 = await get<PointsBreakdown>(`/points/${FIRMS.A}?year=2025&set=points-1.0`);
    expect(now10.body.total).toBe(72);
    // 2.0: rd_expense 10 × 800 / 2000 = 4 (+1); intensity capped at 15 → 61.82.
    const now20 = await get<PointsBreakdown>(`/points/${FIRMS.A}?year=2025&set=points-2.0`);
    expect(now20.body.total).toBe(61.82);
    const after = await get<PointsBreakdown>(`/points/${FIRMS.A}?year=2025&set=points-2.0&asOf=${encodeURIComponent(new Date(Date.parse(CORRECTION_RECORDED_AT) + 1000).toISOString())}`);
    expect(after.body.total).toBe(61.82);
    const before = await get<PointsBreakdown>(`/points/${FIRMS.A}?year=2025&set=points-2.0&asOf=${BEFORE_CORRECTION}`);
    expect(before.body.total).toBe(60.82);
    expect(before.body.asOf).toBe(new Date(`${BEFORE_CORRECTION}T23:59:59.999+08:00`).toISOString());
  });
});

describe('the ranking', () => {
  // B and C: revenue 1000, R&D 100, 6 of 20 staff, no 2024 report (no growth figures).
  //   1.0: 1 + 12 + 8 + 0.5 = 21.5;   2.0 (初创期): 15 + 0.5 + 7.5 = 23
  // D: revenue 30000, R&D 300 (1 %), 25 of 500 staff (5 %), sold TA3 (300 万元) to A in 2025.
  //   1.0: 3 + 4.8 (8 × 300 / 500) + 10 = 17.8;   2.0 (壮大期): 1.5 + 1.5 + 1.25 + 3.6 (12 × 300 / 1000) = 7.85
  // G: revenue 500, R&D 10 (2 %), 1 of 10 staff (10 %).
  //   1.0: 0.1 + 3 + 0.25 = 3.35;     2.0 (初创期): 3 + 0.05 + 2.5 = 5.55
  // X is outside the area: not scored.
  it('under 1.0, one group: A 70 first, B and C tied second (21.5), D fourth, G fifth (standard competition ranking)', async () => {
    const { status, body } = await get<PointsRanking>(`/points?year=2025&set=points-1.0&asOf=${BEFORE_CORRECTION}`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.rows.map((r) => [r.name, r.rank, r.total])).toEqual([
      ['智点科技', 1, 70],
      ['江滩材料', 2, 21.5],
      ['滠水电子', 2, 21.5],
      ['阳逻重工', 4, 17.8],
      ['仓埠农科', 5, 3.35],
    ]);
    expect(body.groups).toEqual([{ id: 'all', name: '全部企业', firms: 5 }]);
    expect(body.rows[0]!.categories).toEqual({ tech: 42, growth: 20, support: 8 });
    expect(body.rows.map((r) => r.entityId)).not.toContain(FIRMS.X);
  });

  it('under 2.0, ranks within each revenue-stage group; group, name and paging filters', async () => {
    const { body } = await get<PointsRanking>(`/points?year=2025&set=points-2.0&asOf=${BEFORE_CORRECTION}`);
    expect(body.rows.map((r) => [r.group.id, r.name, r.rank, r.total])).toEqual([
      ['seed', '江滩材料', 1, 23],
      ['seed', '滠水电子', 1, 23],
      ['seed', '仓埠农科', 3, 5.55],
      ['growth', '智点科技', 1, 60.82],
      ['mature', '阳逻重工', 1, 7.85],
    ]);
    expect(body.groups.map((g) => [g.id, g.firms])).toEqual([['seed', 3], ['growth', 1], ['mature', 1]]);
    const seed = await get<PointsRanking>(`/points?year=2025&set=points-2.0&group=seed&limit=1&offset=2&asOf=${BEFORE_CORRECTION}`);
    expect(seed.body).toMatchObject({ total: 3, limit: 1, offset: 2 });
    expect(seed.body.rows.map((r) => [r.name, r.rank, r.groupSize])).toEqual([['仓埠农科', 3, 3]]);
    const named = await get<PointsRanking>(`/points?year=2025&set=points-2.0&q=${encodeURIComponent('重工')}`);
    expect(named.body.rows.map((r) => r.entityId)).toEqual([FIRMS.D]);
  });

  it('the set defaults to the one in force for the year: 2.0 from 2025, 1.0 before', async () => {
    expect((await get<PointsRanking>(`/points?year=2025`)).body.set.id).toBe('points-2.0');
    const y2024 = await get<PointsRanking>(`/points?year=2024`);
    expect(y2024.body.set.id).toBe('points-1.0');
    // Only A reported for 2024.
    expect(y2024.body.rows.map((r) => r.entityId)).toEqual([FIRMS.A]);
  });

  it('lists both sets with their categories, indicators and groups, and the figures they read', async () => {
    const { status, body } = await get<{ sets: Array<{ id: string; groups: unknown[]; indicators: unknown[] }>; facts: Record<string, { label: string }> }>(`/points/sets`);
    expect(status).toBe(200);
    expect(body.sets.map((s) => [s.id, s.groups.length, s.indicators.length])).toEqual([['points-1.0', 1, 13], ['points-2.0', 3, 13]]);
    expect(body.facts.rd_intensity!.label).toBe('研发费用占营业收入比例');
  });
});

describe('the export', () => {
  it('writes the ranking with every indicator\'s points and the set, reproducibly by asOf', async () => {
    const url = `${server().url}/api/v1/exports/points?year=2025&set=points-1.0&asOf=${BEFORE_CORRECTION}`;
    const auth = { headers: { Authorization: `Bearer ${server().keys.viewer}` } };
    const xlsx = await fetch(`${url}&format=xlsx`, auth);
    expect(xlsx.status, await xlsx.clone().text()).toBe(200);
    expect(xlsx.headers.get('x-brain-as-of')).toBe(new Date(`${BEFORE_CORRECTION}T23:59:59.999+08:00`).toISOString());
    const bytes = Buffer.from(await xlsx.arrayBuffer());
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('积分排名')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const a = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(a[header.indexOf('企业名称')]).toBe('智点科技');
    expect(a[header.indexOf('总积分 (满分 100)')]).toBe(70);
    expect(a[header.indexOf('技术创新 (满分 60)')]).toBe(42);
    expect(a[header.indexOf('研发费用占营业收入比例 (满分 12)')]).toBe(12);
    expect(book.getWorksheet('指标体系')!.rowCount).toBeGreaterThanOrEqual(14);
    const again = Buffer.from(await (await fetch(`${url}&format=xlsx`, auth)).arrayBuffer());
    expect(again.equals(bytes)).toBe(true);
    const csv = await (await fetch(`${url}&format=csv`, auth)).text();
    expect(csv.split('\n').filter((l) => l.includes('江滩材料') || l.includes('滠水电子')).every((l) => l.includes(',2,'))).toBe(true);
    const bad = await fetch(`${url}&format=pdf`, auth);
    expect(bad.status).toBe(400);
    expect((await fetch(`${server().url}/api/v1/exports/points?set=points-7`, auth)).status).toBe(400);
  });
});

describe('bad input', () => {
  it('a bad year, set, group or id is a 400 problem naming the parameter; a firm not scored is 404; no key 401', async () => {
    const cases: Array<[string, number, string | null]> = [
      ['/points?year=abc', 400, 'year'],
      ['/points?year=1999', 400, 'year'],
      [`/points?year=${new Date().getUTCFullYear() + 2}`, 400, 'year'],
      ['/points?set=points-9.9', 400, 'set'],
      ['/points?set=x!', 400, 'set'],
      ['/points?set=points-1.0&group=growth', 400, 'group'],
      ['/points?limit=0', 400, 'limit'],
      ['/points?sort=total', 400, null],
      ['/points?asOf=2999-01-01', 400, 'asOf'],
      [`/points/${FIRMS.A}?year=20x5`, 400, 'year'],
      [`/points/${FIRMS.A}?set=nope`, 400, 'set'],
      [`/points/${encodeURIComponent('a b;drop')}`, 400, 'id'],
      [`/points/${FIRMS.X}?year=2025`, 404, null],
      [`/points/91420117MA4KZ9999X?year=2025`, 404, null],
      [`/points/${FIRMS.B}?year=2024`, 404, null],
    ];
    for (const [path, status, field] of cases) {
      const res = await get<{ errors?: Array<{ field: string }>; detail?: string }>(path);
      expect(res.status, path).toBe(status);
      expect(res.type, path).toMatch(/^application\/problem\+json/);
      if (field) expect(res.body.errors?.map((e) => e.field), path).toContain(field);
    }
    expect((await get('/points', null)).status).toBe(401);
  });
});
