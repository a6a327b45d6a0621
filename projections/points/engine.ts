/**
 * The scoring engine of innovation points: pure functions from one firm-year's figures to the
 * points of every indicator of a set, and from the scores of a year to ranks within groups.
 */
import { POINT_FACTS, type FirmYearFacts, type IndicatorSet, type PointsIndicatorScore, type ScoringRule } from '../../contracts/points.ts';

/** Rounds to 2 decimals, halves away from zero (what a hand computation does). */
export function round2(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x) * 100 + 1e-9) / 100;
}

/** The points a value earns under a rule, at most `maxPoints`; no value earns 0. */
export function pointsOf(rule: ScoringRule, maxPoints: number, value: number | null): number {
  if (value === null || Number.isNaN(value)) return 0;
  switch (rule.type) {
    case 'bands': {
      let points = 0;
      for (const band of rule.bands) if (value >= band.min) points = band.points;
      return Math.min(points, maxPoints);
    }
    case 'linear':
      if (value <= rule.floor) return 0;
      return maxPoints * Math.min(1, (value - rule.floor) / (rule.cap - rule.floor));
    case 'flag':
      return value >= 1 ? maxPoints : 0;
    default: {
      const other: never = rule;
      return other;
    }
  }
}

/** The rule in words, for the breakdown and the export. */
export function ruleText(rule: ScoringRule, maxPoints: number, unit: string): string {
  switch (rule.type) {
    case 'bands':
      return `分档: ${rule.bands.map((b) => `≥${b.min}${unit} 得 ${b.points} 分`).join('; ')}`;
    case 'linear':
      return `线性: ${rule.floor > 0 ? `${rule.floor}${unit} 以下 0 分, ` : ''}${rule.cap}${unit} 及以上满分 ${maxPoints} 分, 其间按比例`;
    case 'flag':
      return `是得 ${maxPoints} 分, 否 0 分`;
    default: {
      const other: never = rule;
      return other;
    }
  }
}

export interface FirmScore {
  group: { id: string; name: string };
  total: number;
  categories: Array<{ id: string; name: string; points: number; maxPoints: number }>;
  indicators: PointsIndicatorScore[];
}

/** The group of a revenue: the one whose [minRevenue, maxRevenue) holds it (no revenue: the first). */
export function groupOf(set: IndicatorSet, revenue: number | null): { id: string; name: string } {
  const r = revenue ?? 0;
  const g = set.groups.find((x) => r >= x.minRevenue && (x.maxRevenue === null || r < x.maxRevenue)) ?? set.groups[0]!;
  return { id: g.id, name: g.name };
}

/** One firm-year under one set: each indicator's points (rounded to 2 decimals), the categories' and the total as their sums. */
export function scoreFirm(set: IndicatorSet, facts: FirmYearFacts): FirmScore {
  const indicators = set.indicators.map((i): PointsIndicatorScore => {
    const value = facts[i.fact];
    const unit = POINT_FACTS[i.fact].unit;
    return {
      id: i.id,
      name: i.name,
      category: i.category,
      fact: i.fact,
      unit,
      value,
      points: round2(pointsOf(i.rule, i.maxPoints, value)),
      maxPoints: i.maxPoints,
      rule: ruleText(i.rule, i.maxPoints, unit === '是/否' ? '' : unit),
    };
  });
  const categories = set.categories.map((c) => ({
    id: c.id,
    name: c.name,
    points: round2(indicators.filter((i) => i.category === c.id).reduce((a, i) => a + i.points, 0)),
    maxPoints: c.maxPoints,
  }));
  return { group: groupOf(set, facts.revenue), total: round2(indicators.reduce((a, i) => a + i.points, 0)), categories, indicators };
}

export interface Ranked<T> {
  item: T;
  rank: number;
  groupSize: number;
}

/**
 * Ranks within each group by total, highest first: standard competition ranking (equal totals
 * share a rank and the next rank skips: 1, 2, 2, 4). Order: groups as the set lists them, then
 * rank, then `tieBreak` (name, then id).
 */
export function rankWithinGroups<T extends { score: FirmScore }>(set: IndicatorSet, items: readonly T[], tieBreak: (a: T, b: T) => number): Array<Ranked<T>> {
  const out: Array<Ranked<T>> = [];
  for (const g of set.groups) {
    const members = items.filter((x) => x.score.group.id === g.id).sort((a, b) => b.score.total - a.score.total || tieBreak(a, b));
    members.forEach((item, k) => {
      const rank = k > 0 && members[k - 1]!.score.total === item.score.total ? out[out.length - 1]!.rank : k + 1;
      out.push({ item, rank, groupSize: members.length });
    });
  }
  return out;
}
