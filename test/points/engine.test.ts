/**
 * The scoring engine and the indicator sets as data: rules at their edges, ranks with ties, and a
 * set whose weights or groups do not hold together refused at load with the reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { POINT_FACTS, type FirmYearFacts } from '../../contracts/points.ts';
import { pointsOf, rankWithinGroups, round2, scoreFirm } from '../../projections/points/engine.ts';
import { defaultSetFor, loadIndicatorSets, parseIndicatorSet } from '../../projections/points/sets.ts';

const SETS_DIR = path.resolve(import.meta.dirname, '../../projections/points/sets');
const text20 = readFileSync(path.join(SETS_DIR, 'points-2.0.yaml'), 'utf8');
const none = Object.fromEntries(Object.keys(POINT_FACTS).map((k) => [k, null])) as FirmYearFacts;

describe('a scoring rule', () => {
  it('bands: the highest band reached, 0 below the first, never more than maxPoints', () => {
    const rule = { type: 'bands' as const, bands: [{ min: 3, points: 4 }, { min: 5, points: 8 }] };
    expect([2.99, 3, 4.99, 5, 500].map((v) => pointsOf(rule, 8, v))).toEqual([0, 4, 4, 8, 8]);
    expect(pointsOf(rule, 6, 5)).toBe(6);
    expect(pointsOf(rule, 8, null)).toBe(0);
  });

  it('linear: 0 at or below the floor, proportional between, full at and above the cap', () => {
    const rule = { type: 'linear' as const, cap: 30, floor: 10 };
    expect([-5, 10, 20, 30, 90].map((v) => pointsOf(rule, 10, v))).toEqual([0, 0, 5, 10, 10]);
  });

  it('flag: full points for 1, none for 0 or no value; rounding halves away from zero', () => {
    expect([0, 1, null].map((v) => pointsOf({ type: 'flag' }, 4, v))).toEqual([0, 4, 0]);
    expect([6.665, 6.6666, 2.4000000001].map(round2)).toEqual([6.67, 6.67, 2.4]);
  });
});

describe('scoring and ranking', () => {
  const [v1, v2] = loadIndicatorSets();

  it('a firm without any figure scores 0 in the lowest group; revenue decides the 2.0 group at the bounds', () => {
    const s = scoreFirm(v2!, none);
    expect(s.total).toBe(0);
    expect(s.group.id).toBe('seed');
    expect([1999.99, 2000, 19999, 20000].map((revenue) => scoreFirm(v2!, { ...none, revenue }).group.id)).toEqual(['seed', 'growth', 'growth', 'mature']);
    expect(scoreFirm(v1!, { ...none, revenue: 1e9 }).group.id).toBe('all');
  });

  it('ranks by standard competition within each group: 1, 2, 2, 4', () => {
    const firm = (name: string, revenue: number, hte: number, tech_sme: number) => ({ name, score: scoreFirm(v1!, { ...none, revenue, hte, tech_sme }) });
    const firms = [firm('丁', 0, 0, 0), firm('乙', 0, 1, 0), firm('甲', 20000, 1, 1), firm('丙', 0, 1, 0)];
    const ranked = rankWithinGroups(v1!, firms, (a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    expect(ranked.map((r) => [r.item.name, r.rank, r.item.score.total])).toEqual([['甲', 1, 16], ['丙', 2, 4], ['乙', 2, 4], ['丁', 4, 0]]);
  });

  it('the year picks its set: 1.0 before 2025, 2.0 from 2025', () => {
    const sets = loadIndicatorSets();
    expect([2019, 2020, 2024, 2025, 2030].map((y) => defaultSetFor(sets, y).id)).toEqual(['points-1.0', 'points-1.0', 'points-1.0', 'points-2.0', 'points-2.0']);
  });
});

describe('an indicator set kept as data', () => {
  const edited = (change: (set: Record<string, unknown>) => void) => {
    const set = parse(text20) as Record<string, unknown>;
    change(set);
    return stringify(set);
  };
  type Indicator = { id: string; maxPoints: number; fact: string };

  it('changes the points without code: a new weight in the file is the new score', () => {
    const heavier = parseIndicatorSet(
      edited((s) => {
        const hte = (s.indicators as Indicator[]).find((i) => i.id === 'hte')!;
        const rd = (s.indicators as Indicator[]).find((i) => i.id === 'rd_institution')!;
        hte.maxPoints = 6;
        rd.maxPoints = 1;
      }),
      'edited.yaml',
    );
    expect(scoreFirm(heavier, { ...none, hte: 1 }).total).toBe(6);
  });

  it('is refused at load, with the reason, when weights do not add up, groups leave a gap, or a figure is unknown', () => {
    const bad = [
      [edited((s) => void ((s.indicators as Indicator[])[0]!.maxPoints = 14)), /input.*不等于其指标之和/],
      [edited((s) => void ((s.groups as Array<{ minRevenue: number }>)[1]!.minRevenue = 2500)), /分组 growth 应从 2000 万元起/],
      [edited((s) => void ((s.indicators as Indicator[])[0]!.fact = 'profit')), /fact/],
      [edited((s) => void (s.extra = 1)), /extra/],
    ] as const;
    for (const [text, reason] of bad) expect(() => parseIndicatorSet(text, 'bad.yaml')).toThrow(reason);
  });
});
