/**
 * The assessment report as an XLSX workbook: summary, KPIs, what moved, movers, lead units,
 * restatements and warnings, then 说明. Dates and zip entry times are the report's as-of
 * instant, so the same report gives the same bytes.
 */
import type { Report } from '../../contracts/reports.ts';
import { encodeXlsx } from '../api/export/encode.ts';
import type { Cell, Column, ExportDocument, Table } from '../api/export/table.ts';

const col = (name: string, zh: string, type: Column['type'] = 'string', extra: Partial<Column> = {}): Column => ({ name, zh, type, ...extra });

const METHOD_ZH: Record<string, string> = { seasonal: '往年同期规律', linear: '本年进度', flat: '当前水平', final: '全年实际' };

export function reportDocument(report: Report, request: string): ExportDocument {
  const byId = new Map(report.kpis.map((k) => [k.id, k]));
  const name = (id: string) => byId.get(id)?.name ?? id;
  const tables: Table[] = [
    {
      sheet: '概要',
      columns: [col('item', '项目', 'string', { width: 16 }), col('text', '内容', 'string', { width: 100 })],
      rows: [
        ['报告', report.title],
        ['报告期', `${report.period} (${report.start} 至 ${report.end})`],
        ['数据截至', report.asOf],
        ...report.summary.highlights.map((h, i): Cell[] => [`要点 ${i + 1}`, h]),
      ],
    },
    {
      sheet: '指标',
      columns: [
        col('kpi_id', '指标编号', 'string', { width: 26 }), col('name', '指标', 'string', { width: 30 }), col('dimension', '维度'), col('lead_unit', '牵头单位'),
        col('task', '任务'), col('value', '本期值', 'number', { style: 'amount' }), col('unit', '单位'), col('target', '目标', 'number', { style: 'amount' }),
        col('attainment', '完成率', 'number', { style: 'ratio' }), col('previous_period', '上期'), col('previous_value', '上期值', 'number', { style: 'amount' }),
        col('last_year_period', '上年同期'), col('last_year_value', '上年同期值', 'number', { style: 'amount' }),
        col('projected', '预计年末', 'number', { style: 'amount' }), col('projected_attainment', '预计完成率', 'number', { style: 'ratio' }),
        col('method', '预测方法'), col('status', '状态'),
      ],
      rows: report.kpis.map((k) => [
        k.id, k.name, k.dimension, k.leadUnit, String(k.task), k.value, k.unit, k.target, k.attainment, k.previous.period, k.previous.value,
        k.lastYear.period, k.lastYear.value, k.projection?.yearEnd ?? null, k.projection?.attainment ?? null,
        k.projection ? (METHOD_ZH[k.projection.method] ?? k.projection.method) : null, k.status,
      ]),
    },
    {
      sheet: '变动说明',
      columns: [col('kpi_id', '指标编号', 'string', { width: 26 }), col('name', '指标', 'string', { width: 30 }), col('text', '说明', 'string', { width: 110 })],
      rows: report.kpis.flatMap((k) => k.sentences.map((s): Cell[] => [k.id, k.name, s])),
    },
    {
      sheet: '变动明细',
      columns: [
        col('kpi_id', '指标编号', 'string', { width: 26 }), col('name', '指标', 'string', { width: 30 }), col('role', '类别'),
        col('entity', '主体编号', 'string', { width: 22 }), col('entity_name', '主体名称', 'string', { width: 30 }), col('value', '贡献值', 'number', { style: 'amount' }),
      ],
      rows: report.kpis.flatMap((k) => [
        ...(k.movement?.topEntered ?? []).map((m): Cell[] => [k.id, k.name, '新进入', m.entity, m.name, m.value]),
        ...(k.movement?.topLeft ?? []).map((m): Cell[] => [k.id, k.name, '退出', m.entity, m.name, m.value]),
        ...k.contributors.map((m): Cell[] => [k.id, k.name, '主要贡献', m.entity, m.name, m.value]),
      ]),
    },
    {
      sheet: '牵头单位',
      columns: [
        col('lead_unit', '牵头单位', 'string', { width: 14 }), col('kpis', '指标数', 'number'), col('normal', '正常', 'number'), col('watch', '关注', 'number'),
        col('warning', '预警', 'number'), col('milestones_due', '任务节点', 'number'), col('milestones_done', '已完成', 'number'), col('milestones_overdue', '逾期', 'number'),
      ],
      rows: report.units.map((u) => [u.leadUnit, u.kpiIds.length, u.statuses.正常, u.statuses.关注, u.statuses.预警, u.milestones.due, u.milestones.completed, u.milestones.overdue]),
    },
    {
      sheet: '数据重述',
      columns: [
        col('kpi_id', '指标编号', 'string', { width: 26 }), col('period', '期间'), col('report_as_of', '原报告截至', 'string', { width: 26 }),
        col('was', '原值', 'number', { style: 'amount' }), col('now', '现值', 'number', { style: 'amount' }), col('corrections', '更正数', 'number'),
        col('late_records', '补报数', 'number'), col('text', '说明', 'string', { width: 110 }),
      ],
      rows: report.restatements.map((r) => [r.kpiId, r.period, r.reportAsOf, r.was, r.now, r.corrections.length, r.lateRecords, r.sentence]),
    },
    {
      sheet: '预警',
      columns: [
        col('kpi_id', '指标编号', 'string', { width: 26 }), col('name', '指标', 'string', { width: 30 }), col('rule_id', '规则'), col('severity', '级别'),
        col('measured', '测量值', 'number'), col('threshold', '阈值', 'number'), col('message', '说明', 'string', { width: 90 }),
      ],
      rows: report.warnings.map((w) => [w.kpiId, name(w.kpiId), w.ruleId, w.severity, w.measured, w.threshold, w.message]),
    },
  ];
  return {
    fileName: { zh: `监测评估报告_${report.period}`, ascii: `assessment_report_${report.period}` },
    tables,
    metadata: [
      { key: 'export', zh: '导出内容', value: `${report.title} (report ${report.period})` },
      { key: 'as_of', zh: '数据截至 (asOf)', value: report.asOf },
      { key: 'request', zh: '复现请求', value: request },
      { key: 'reproducibility', zh: '可复现性', value: '以同一报告期和 asOf 再次生成, 得到逐字节相同的文件; asOf 之后记录的事件与更正不影响本报告' },
      { key: 'warnings', zh: '预警口径', value: 'asOf 时生效的预警规则, 在报告期最后一日按截至 asOf 的数据评估' },
      { key: 'restatements', zh: '数据重述口径', value: '上期与上年同期的已发布报告 (ReportIssued) 中的数值, 与截至 asOf 的数值不同者, 列出其间的更正与补报' },
      { key: 'format_version', zh: '文件格式版本', value: '1' },
    ],
  };
}

export async function reportWorkbook(report: Report, request: string): Promise<Buffer> {
  return encodeXlsx(reportDocument(report, request), new Date(report.asOf));
}
