/**
 * Innovation points as the API answers them: a year's ranking within revenue-stage groups and one
 * firm's breakdown, under one indicator set, as known at an instant. The figures come from the
 * fact tables (facts.ts), the points from the pure engine (engine.ts).
 */
import { shanghaiToday } from '../../contracts/dates.ts';
import { NotFoundError, ValidationError } from '../../contracts/errors.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import type { IndicatorSet, PointsBreakdown, PointsBreakdownQuery, PointsRanking, PointsRankingQuery } from '../../contracts/points.ts';
import { rankWithinGroups, scoreFirm, type FirmScore, type Ranked } from './engine.ts';
import { readFirmYears, type FirmYear } from './facts.ts';
import { defaultSetFor } from './sets.ts';

export interface ScoredFirm extends FirmYear {
  score: FirmScore;
}

/** A whole scored year: every firm ranked in its group. */
export interface ScoredYear {
  set: IndicatorSet;
  year: number;
  ranked: Array<Ranked<ScoredFirm>>;
  asOf: string | null;
}

export interface PointsQueries {
  sets(): readonly IndicatorSet[];
  /** Every scored firm of a year, ranked (what the ranking pages and the export write). */
  year(options: { year?: number | undefined; set?: string | undefined; asOf?: string | undefined }): Promise<ScoredYear>;
  ranking(query: PointsRankingQuery): Promise<PointsRanking>;
  breakdown(id: string, query: PointsBreakdownQuery): Promise<PointsBreakdown>;
}

/** The year scored by default: last year in Asia/Shanghai (annual reports are filed the spring after). */
export function defaultYear(now: Date = new Date()): number {
  return Number(shanghaiToday(now).slice(0, 4)) - 1;
}

const setRef = (s: IndicatorSet) => ({ id: s.id, version: s.version, name: s.name, maxPoints: s.maxPoints });

export interface PointsQueryOptions {
  /**
   * What the fact tables reflect (e.g. the projection checkpoints): scored years are cached under it
   * and recomputed when it moves, so paging a ranking or opening a breakdown reads the facts once.
   * Absent: nothing is cached.
   */
  version?(): Promise<string>;
  /** Scored years kept (default 20). */
  cacheEntries?: number;
}

export function createPointsQueries(olap: OlapClient, sets: readonly IndicatorSet[], options: PointsQueryOptions = {}): PointsQueries {
  const cache = new Map<string, Promise<ScoredYear>>();
  const limit = options.cacheEntries ?? 20;

  function resolveSet(id: string | undefined, year: number): IndicatorSet {
    if (id === undefined) return defaultSetFor(sets, year);
    const set = sets.find((s) => s.id === id);
    if (!set) throw new ValidationError(`没有这个指标体系: ${id} (应为 ${sets.map((s) => s.id).join('、')} 之一)`, [{ field: 'set', reason: 'unknown indicator set', value: id }]);
    return set;
  }

  async function compute(set: IndicatorSet, y: number, asOf: string | undefined): Promise<ScoredYear> {
    const firms = await readFirmYears(olap, y, asOf);
    const scored = firms.map((f): ScoredFirm => ({ ...f, score: scoreFirm(set, f.facts) }));
    const ranked = rankWithinGroups(set, scored, (a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.entityId.localeCompare(b.entityId));
    return { set, year: y, ranked, asOf: asOf ?? null };
  }

  async function year(q: { year?: number | undefined; set?: string | undefined; asOf?: string | undefined }): Promise<ScoredYear> {
    const y = q.year ?? defaultYear();
    const set = resolveSet(q.set, y);
    if (!options.version || limit <= 0) return compute(set, y, q.asOf);
    const key = `${y}|${set.id}|${q.asOf ?? ''}|${await options.version()}`;
    let hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    // The promise is kept, so concurrent identical requests share one computation; a failure is not kept.
    hit = compute(set, y, q.asOf);
    cache.set(key, hit);
    hit.catch(() => cache.delete(key));
    if (cache.size > limit) cache.delete(cache.keys().next().value as string);
    return hit;
  }

  return {
    sets: () => sets,
    year,

    async ranking(query) {
      const scored = await year(query);
      const { set } = scored;
      if (query.group !== undefined && !set.groups.some((g) => g.id === query.group))
        throw new ValidationError(`指标体系 ${set.id} 没有分组 ${query.group} (应为 ${set.groups.map((g) => g.id).join('、')} 之一)`, [
          { field: 'group', reason: 'unknown group of the set', value: query.group },
        ]);
      const q = query.q?.toLowerCase();
      const matching = scored.ranked.filter(
        (r) => (query.group === undefined || r.item.score.group.id === query.group) && (q === undefined || r.item.name.toLowerCase().includes(q) || r.item.entityId.toLowerCase() === q),
      );
      return {
        set: setRef(set),
        year: scored.year,
        categories: set.categories.map((c) => ({ id: c.id, name: c.name, maxPoints: c.maxPoints })),
        groups: set.groups.map((g) => ({ id: g.id, name: g.name, firms: scored.ranked.filter((r) => r.item.score.group.id === g.id).length })),
        rows: matching.slice(query.offset, query.offset + query.limit).map((r) => ({
          rank: r.rank,
          entityId: r.item.entityId,
          name: r.item.name,
          street: r.item.street,
          group: r.item.score.group,
          groupSize: r.groupSize,
          total: r.item.score.total,
          categories: Object.fromEntries(r.item.score.categories.map((c) => [c.id, c.points])),
        })),
        total: matching.length,
        limit: query.limit,
        offset: query.offset,
        asOf: scored.asOf,
      };
    },

    async breakdown(id, query) {
      const scored = await year(query);
      const r = scored.ranked.find((x) => x.item.entityId === id);
      if (!r)
        throw new NotFoundError(
          `${id} 在 ${scored.year} 年度未评分: 没有该年度年报, 或年末不在新区${query.asOf ? ` (截至 ${query.asOf})` : ''}`,
        );
      const f = r.item;
      return {
        entityId: f.entityId,
        name: f.name,
        street: f.street,
        year: scored.year,
        set: setRef(scored.set),
        group: f.score.group,
        rank: r.rank,
        groupSize: r.groupSize,
        total: f.score.total,
        categories: f.score.categories,
        indicators: f.score.indicators,
        asOf: scored.asOf,
      };
    },
  };
}
