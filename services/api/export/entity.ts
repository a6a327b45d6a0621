import type { EntityProfile } from '../../../contracts/entities.ts';
import { ENDED_BY_NAMES } from '../../../contracts/labels.ts';
import { col, type Cell, type Column, type ExportDocument } from './table.ts';

/** How a status ended (the profile's `endedBy`), in Chinese. */
export const ENDED_BY_ZH: Readonly<Record<string, string>> = ENDED_BY_NAMES;

/** The tables of an entity file, in sheet order; `part` of the export names one for one-table formats. */
export const ENTITY_EXPORT_PARTS = ['profile', 'statuses', 'timeline', 'kpis', 'financials'] as const;
export type EntityExportPart = (typeof ENTITY_EXPORT_PARTS)[number];

export const ENTITY_PROFILE_COLUMNS: readonly Column[] = [col('item', '项目', 'string', 18), col('key', '字段', 'string', 16), col('value', '内容', 'string', 60)];
export const ENTITY_STATUS_COLUMNS: readonly Column[] = [
  col('status_id', '资质编号', 'string', 14),
  col('status', '资质', 'string', 14),
  col('detail', '级别', 'string', 14),
  col('since', '起始日期', 'string', 12),
  col('until', '截止日期', 'string', 12),
  col('current', '当前有效', 'boolean', 10),
  col('ended_by', '结束方式', 'string', 10),
  col('event_id', '认定事件编号', 'string', 38),
];
export const ENTITY_TIMELINE_COLUMNS: readonly Column[] = [
  col('occurred', '日期', 'string', 12),
  col('summary', '事件', 'string', 48),
  col('type', '事件类型', 'string', 30),
  col('source_unit', '报送部门', 'string', 16),
  col('recorded_at', '记录时间 (UTC)', 'string', 26),
  col('position', '事件库位置', 'number', 12, 'plain'),
  col('supersedes', '更正了事件', 'string', 38),
  col('superseded_by', '被更正为事件', 'string', 38),
  col('event_id', '事件编号', 'string', 38),
  col('stream_id', '事件流', 'string', 36),
];
export const ENTITY_KPI_COLUMNS: readonly Column[] = [
  col('kpi_id', '指标编号', 'string', 26),
  col('kpi_name', '指标名称', 'string', 30),
  col('period', '期间', 'string', 10),
  col('contribution', '计入值', 'number', 12, 'amount'),
  col('denominator', '计入分母', 'number', 12, 'amount'),
  col('unit', '单位', 'string', 8),
  col('reason', '计入原因', 'string', 60),
];
export const ENTITY_FINANCIAL_COLUMNS: readonly Column[] = [
  col('fiscal_year', '年度', 'number', 8, 'plain'),
  col('revenue', '营业收入 (万元)', 'number', 16, 'amount'),
  col('rd_expense', '研发费用 (万元)', 'number', 16, 'amount'),
  col('event_id', '年报事件编号', 'string', 38),
];

/** 一企一档 as a file: 概况, 资质, 时间线, 计入指标, 年度财务 (one sheet each in XLSX). */
export function entityDocument(p: EntityProfile, base: Omit<ExportDocument, 'tables' | 'fileName'>): ExportDocument {
  const tags = p.tags.map((t) => `${t.label}${t.detail ? ` (${t.detail})` : ''}`).join('、');
  const profileRows: Cell[][] = [
    ['主体编号', 'id', p.id],
    ['名称', 'name', p.name],
    ['主体类型', 'kind', `${p.kindLabel} (${p.kind})`],
    ['统一社会信用代码', 'uscc', p.uscc],
    ['街道', 'street', p.street],
    ['园区', 'park', p.park],
    ['产业', 'industry', p.industry],
    ['成立日期', 'established_on', p.establishedOn],
    ['是否在区内', 'in_area', p.inArea ? '是' : '否'],
    ['当前标签', 'tags', tags],
    ['事件数', 'timeline_count', String(p.timeline.length)],
    ['计入指标数', 'kpi_count', String(p.kpis.length)],
  ];
  const statusRows: Cell[][] = p.statuses.map((s) => [s.id, s.label, s.detail ?? null, s.since, s.until, s.current, s.endedBy ? ENDED_BY_ZH[s.endedBy] ?? s.endedBy : null, s.eventId]);
  const timelineRows: Cell[][] = p.timeline.map((t) => [t.occurred, t.summary, t.type, t.sourceUnit, t.recordedAt, t.position, t.supersedes, t.supersededBy, t.eventId, t.streamId]);
  const kpiRows: Cell[][] = p.kpis.map((k) => [k.kpiId, k.name, k.period, k.contribution, k.denominator, k.unit, k.reason]);
  const financialRows: Cell[][] = p.financials.map((f) => [f.fiscalYear, f.revenue, f.rdExpense, f.eventId]);
  // File names keep letters, digits and CJK; anything else in a department's name becomes _.
  const safe = (p.name || p.id).replace(/[^\p{L}\p{N}]+/gu, '_').slice(0, 60);
  return {
    ...base,
    fileName: { zh: `${safe}_一企一档`, ascii: `entity_${p.id.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 60)}` },
    tables: [
      { sheet: '概况', columns: [...ENTITY_PROFILE_COLUMNS], rows: profileRows },
      { sheet: '资质', columns: [...ENTITY_STATUS_COLUMNS], rows: statusRows },
      { sheet: '时间线', columns: [...ENTITY_TIMELINE_COLUMNS], rows: timelineRows },
      { sheet: '计入指标', columns: [...ENTITY_KPI_COLUMNS], rows: kpiRows },
      { sheet: '年度财务', columns: [...ENTITY_FINANCIAL_COLUMNS], rows: financialRows },
    ],
  };
}
