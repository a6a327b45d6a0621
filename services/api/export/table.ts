import { DIMENSION_NAMES, DRILLDOWN_COLUMN_LABELS, KPI_CATALOG, type Drilldown, type Grain, type KpiDefinition, type KpiPoint, type Scorecard } from '../../../contracts/kpis.ts';

/**
 * The format-neutral shape of every export: tables of typed columns, each column with a Chinese
 * header (CSV / XLSX) and an English snake_case name (Arrow / Parquet), plus the metadata that
 * says what the export was computed from. The encoders turn it into bytes; nothing here knows a format.
 */

/** Text shown differently to people (zh) and to analysts' tools (en); both describe the same value. */
export interface Bilingual {
  zh: string;
  en: string;
}
export type Cell = string | number | boolean | null | Bilingual;

/**
 * How a number reads: `ratio` (1 = 100 %, e.g. 完成率), `percentPoints` (already × 100, e.g.
 * 环比 % as the JSON API gives it), `amount` (thousands separators), `plain`.
 */
export type NumberStyle = 'ratio' | 'percentPoints' | 'amount' | 'plain';

export interface Column {
  /** English snake_case name (Arrow / Parquet). */
  name: string;
  /** Chinese header (CSV / XLSX). */
  zh: string;
  type: 'string' | 'number' | 'boolean';
  style?: NumberStyle;
  /** Spreadsheet column width in characters. */
  width?: number;
}

export interface Table {
  /** Sheet name (Chinese, ≤ 31 characters). */
  sheet: string;
  columns: Column[];
  rows: Cell[][];
}

export interface MetadataEntry {
  key: string;
  zh: string;
  value: string;
}

export interface ExportDocument {
  /** File name without extension: Chinese, and an ASCII fallback for old clients. */
  fileName: { zh: string; ascii: string };
  /** The first table is the primary one (what CSV / Arrow / Parquet carry unless a part is chosen). */
  tables: Table[];
  metadata: MetadataEntry[];
}



const AMOUNT_UNITS = new Set(['万元', '亿元', '元']);

const kpiOf = (id: string): KpiDefinition | undefined => KPI_CATALOG.find((k) => k.id === id);
const taskText = (task: KpiDefinition['task'] | undefined): string => (task === undefined ? '' : String(task));
const isRatio = (kind: KpiDefinition['kind']) => kind === 'ratio' || kind === 'flow+ratio';

function componentsText(kpi: KpiDefinition | undefined, components: Record<string, number | null> | undefined): Bilingual | null {
  if (!components || Object.keys(components).length === 0) return null;
  const keys = Object.keys(components).sort();
  const zh = keys.map((k) => `${kpi?.components[k] ?? k}: ${components[k] ?? '—'}`).join('；');
  const en = JSON.stringify(Object.fromEntries(keys.map((k) => [k, components[k] ?? null])));
  return { zh, en };
}

/** One column of an export table. */
export const col = (name: string, zh: string, type: Column['type'], width: number, style?: NumberStyle): Column => (style ? { name, zh, type, width, style } : { name, zh, type, width });

/** The style of a KPI's value column: amounts get thousands separators, the rest plain. */
function valueStyle(unit: string): NumberStyle {
  return AMOUNT_UNITS.has(unit) ? 'amount' : 'plain';
}

export const SCORECARD_COLUMNS: readonly Column[] = [
  col('kpi_id', '指标编号', 'string', 26),
  col('kpi_name', '指标名称', 'string', 30),
  col('task', '任务', 'string', 6),
  col('dimension', '维度', 'string', 14),
  col('period', '期间', 'string', 10),
  col('unit', '单位', 'string', 8),
  col('value', '数值', 'number', 14, 'amount'),
  col('numerator', '分子', 'number', 12, 'amount'),
  col('denominator', '分母', 'number', 12, 'amount'),
  col('target', '目标值', 'number', 12, 'amount'),
  col('attainment', '完成率', 'number', 10, 'ratio'),
  col('previous_period', '上期', 'string', 10),
  col('previous_value', '上期值', 'number', 12, 'amount'),
  col('change_on_previous', '环比', 'number', 12, 'amount'),
  col('change_on_previous_pct', '环比(%)', 'number', 10, 'percentPoints'),
  col('last_year_period', '去年同期', 'string', 10),
  col('last_year_value', '去年同期值', 'number', 12, 'amount'),
  col('change_on_last_year', '同比', 'number', 12, 'amount'),
  col('change_on_last_year_pct', '同比(%)', 'number', 10, 'percentPoints'),
  col('components', '分项', 'string', 36),
  col('definition', '指标定义', 'string', 60),
];

export const MILESTONE_COLUMNS: readonly Column[] = [
  col('task', '任务', 'number', 6, 'plain'),
  col('milestone_id', '节点编号', 'string', 12),
  col('title', '节点名称', 'string', 34),
  col('unit', '责任单位', 'string', 12),
  col('due_on', '计划完成日期', 'string', 14),
  col('status', '状态', 'string', 10),
  col('completed_on', '完成日期', 'string', 12),
  col('done', '已完成', 'boolean', 8),
  col('overdue', '逾期', 'boolean', 8),
  col('event_id', '事件编号', 'string', 38),
];

/** A lead unit's assessment package: its KPI table, then its tasks' milestones. */
export function scorecardDocument(sc: Scorecard, base: Omit<ExportDocument, 'tables' | 'fileName'>): ExportDocument {
  const kpiRows: Cell[][] = sc.kpis.map((e) => {
    const kpi = kpiOf(e.id);
    return [
      e.id, kpi?.name.zh ?? e.id, taskText(kpi?.task), kpi ? DIMENSION_NAMES[kpi.dimension].zh : '', sc.period, kpi?.valueUnit ?? '',
      e.value, e.numerator, e.denominator, e.target, e.attainment,
      e.previous.period, e.previous.value, e.changeOnPrevious, e.changeOnPreviousPct,
      e.lastYear.period, e.lastYear.value, e.changeOnLastYear, e.changeOnLastYearPct,
      componentsText(kpi, e.components), kpi?.definition ?? '',
    ];
  });
  const msRows: Cell[][] = sc.milestones.map((m) => [m.task, m.milestoneId, m.title, m.unit, m.dueOn, m.status, m.completedOn, m.done, m.overdue, m.eventId]);
  return {
    ...base,
    fileName: { zh: `${sc.leadUnit}_${sc.period}_考核`, ascii: `scorecard_${sc.period}` },
    tables: [
      { sheet: '部门考核', columns: [...SCORECARD_COLUMNS], rows: kpiRows },
      { sheet: '任务节点', columns: [...MILESTONE_COLUMNS], rows: msRows },
    ],
  };
}

const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** A KPI's series: one row per period (and breakdown value), components as their own columns. */
export function seriesDocument(
  kpi: KpiDefinition,
  points: readonly KpiPoint[],
  query: { from: string; to: string; grain: Grain; breakdown?: string },
  base: Omit<ExportDocument, 'tables' | 'fileName'>,
): ExportDocument {
  const withBreakdown = query.breakdown !== undefined;
  const withRatio = isRatio(kpi.kind) || points.some((p) => p.numerator !== undefined);
  const componentKeys = Object.keys(kpi.components);
  const style = valueStyle(kpi.valueUnit);
  const columns: Column[] = [
    col('kpi_id', '指标编号', 'string', 26),
    col('kpi_name', '指标名称', 'string', 30),
    col('period', '期间', 'string', 10),
    col('period_start', '起始日期', 'string', 12),
    col('period_end', '截止日期', 'string', 12),
    ...(withBreakdown ? [col('breakdown', '分组', 'string', 16)] : []),
    col('unit', '单位', 'string', 8),
    col('value', '数值', 'number', 14, style),
    ...(withRatio ? [col('numerator', '分子', 'number', 12, 'amount'), col('denominator', '分母', 'number', 12, 'amount')] : []),
    col('target', '目标值', 'number', 12, style),
    col('attainment', '完成率', 'number', 10, 'ratio'),
    ...componentKeys.map((k) => col(snake(k), kpi.components[k]!, 'number', 14, 'amount')),
  ];
  const rows: Cell[][] = points.map((p) => [
    kpi.id, kpi.name.zh, p.period, p.start, p.end,
    ...(withBreakdown ? [p.breakdown ?? ''] : []),
    kpi.valueUnit, p.value,
    ...(withRatio ? [p.numerator ?? null, p.denominator ?? null] : []),
    p.target, p.attainment,
    ...componentKeys.map((k) => p.components?.[k] ?? null),
  ]);
  const range = `${query.from}至${query.to}`;
  return {
    ...base,
    fileName: { zh: `${kpi.name.zh}_${range}_${GRAIN_ZH[query.grain]}`, ascii: `${kpi.id}_${query.from}_${query.to}_${query.grain}` },
    tables: [{ sheet: '指标走势', columns, rows }],
  };
}

export const GRAIN_ZH: Record<Grain, string> = { month: '月度', quarter: '季度', half: '半年度', year: '年度', ytd: '年初至今' };


function detailColumn(key: string, values: unknown[]): { column: Column; cell: (v: unknown) => Cell } {
  const present = values.filter((v) => v !== null && v !== undefined);
  const name = snake(key).replace(/[^a-z0-9_]/g, '_');
  const zh = DRILLDOWN_COLUMN_LABELS[key] ?? key;
  if (present.length > 0 && present.every((v) => typeof v === 'number'))
    return { column: col(`detail_${name}`, zh, 'number', 12, 'amount'), cell: (v) => (typeof v === 'number' ? v : null) };
  if (present.length > 0 && present.every((v) => typeof v === 'boolean'))
    return { column: col(`detail_${name}`, zh, 'boolean', 8), cell: (v) => (typeof v === 'boolean' ? v : null) };
  return {
    column: col(`detail_${name}`, zh, 'string', 16),
    cell: (v) =>
      v === null || v === undefined ? null
      : Array.isArray(v) ? { zh: v.map(String).join('、'), en: JSON.stringify(v) }
      : typeof v === 'object' ? JSON.stringify(v)
      : String(v),
  };
}

/** The entities behind one period's value, with their events and KPI-specific columns. */
export function drilldownDocument(kpi: KpiDefinition, d: Drilldown, base: Omit<ExportDocument, 'tables' | 'fileName'>): ExportDocument {
  const withBreakdown = d.breakdown !== undefined;
  const ratio = isRatio(kpi.kind);
  const detailKeys = [...new Set(d.rows.flatMap((r) => Object.keys(r.detail)))].sort();
  const details = detailKeys.map((k) => detailColumn(k, d.rows.map((r) => r.detail[k])));
  const columns: Column[] = [
    col('kpi_id', '指标编号', 'string', 26),
    col('period', '期间', 'string', 10),
    ...(withBreakdown ? [col('breakdown', '分组', 'string', 16)] : []),
    col('entity', '主体编号', 'string', 22),
    col('name', '主体名称', 'string', 24),
    col('x', ratio ? '分子贡献' : '计入值', 'number', 10, 'amount'),
    col('y', ratio ? '分母贡献' : '分母', 'number', 10, 'amount'),
    col('event_ids', '事件编号', 'string', 40),
    ...details.map((c) => c.column),
  ];
  const rows: Cell[][] = d.rows.map((r) => [
    d.kpiId, d.period,
    ...(withBreakdown ? [r.breakdown ?? ''] : []),
    r.entity, r.name, r.x, r.y,
    { zh: r.eventIds.join('、'), en: r.eventIds.join(';') },
    ...details.map((c, i) => c.cell(r.detail[detailKeys[i]!])),
  ]);
  const suffix = d.breakdownValue !== undefined ? `_${d.breakdownValue}` : '';
  return {
    ...base,
    fileName: { zh: `${kpi.name.zh}_${d.period}${suffix}_明细`, ascii: `${kpi.id}_${d.period}_drilldown` },
    tables: [{ sheet: '明细', columns, rows }],
  };
}
