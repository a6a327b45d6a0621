import { POINT_FACTS } from '../../../contracts/points.ts';
import type { ScoredYear } from '../../../projections/points/queries.ts';
import { ruleText } from '../../../projections/points/engine.ts';
import { col, type Cell, type Column, type ExportDocument } from './table.ts';

/** The tables of a points export, in sheet order; `part` names one for one-table formats. */
export const POINTS_EXPORT_PARTS = ['ranking', 'indicators'] as const;
export type PointsExportPart = (typeof POINTS_EXPORT_PARTS)[number];

export const POINTS_SET_COLUMNS: readonly Column[] = [
  col('indicator_id', '指标编号', 'string', 22),
  col('indicator', '指标', 'string', 24),
  col('category', '类别', 'string', 10),
  col('fact', '取数', 'string', 24),
  col('unit', '单位', 'string', 8),
  col('rule', '计分规则', 'string', 50),
  col('max_points', '满分', 'number', 8, 'plain'),
];

/**
 * A year's innovation points as a file: 积分排名 (one row per firm: rank in its group, total, each
 * category's and each indicator's points) and 指标体系 (the set's indicators and rules).
 */
export function pointsDocument(s: ScoredYear, base: Omit<ExportDocument, 'tables' | 'fileName'>): ExportDocument {
  const { set } = s;
  const categoryName = new Map(set.categories.map((c) => [c.id, c.name]));
  const columns: Column[] = [
    col('group', '分组', 'string', 24),
    col('rank', '组内排名', 'number', 10, 'plain'),
    col('group_size', '组内企业数', 'number', 10, 'plain'),
    col('entity_id', '统一社会信用代码', 'string', 22),
    col('name', '企业名称', 'string', 24),
    col('street', '街道', 'string', 12),
    col('total', `总积分 (满分 ${set.maxPoints})`, 'number', 12, 'plain'),
    ...set.categories.map((c) => col(`cat_${c.id}`, `${c.name} (满分 ${c.maxPoints})`, 'number', 12, 'plain')),
    ...set.indicators.map((i) => col(`ind_${i.id}`, `${i.name} (满分 ${i.maxPoints})`, 'number', 12, 'plain')),
  ];
  const rows: Cell[][] = s.ranked.map((r) => [
    r.item.score.group.name,
    r.rank,
    r.groupSize,
    r.item.entityId,
    r.item.name,
    r.item.street,
    r.item.score.total,
    ...r.item.score.categories.map((c) => c.points),
    ...r.item.score.indicators.map((i) => i.points),
  ]);
  const setRows: Cell[][] = set.indicators.map((i) => {
    const fact = POINT_FACTS[i.fact];
    return [i.id, i.name, categoryName.get(i.category) ?? i.category, `${fact.label} (${i.fact})`, fact.unit, ruleText(i.rule, i.maxPoints, fact.unit === '是/否' ? '' : fact.unit), i.maxPoints];
  });
  return {
    ...base,
    fileName: { zh: `创新积分_${s.year}_${set.id}`, ascii: `points_${s.year}_${set.id.replace(/[^A-Za-z0-9]+/g, '_')}` },
    tables: [
      { sheet: '积分排名', columns, rows },
      { sheet: '指标体系', columns: [...POINTS_SET_COLUMNS], rows: setRows },
    ],
  };
}
