/**
 * The assessment report as a PDF: pdfkit with an embedded CJK font (Noto Sans Hans, OFL, from the
 * npm package @embedpdf/fonts-sc: no system font needed) and charts rendered server-side by
 * ECharts to SVG. Every date in the file is the report's as-of instant and ECharts runs without
 * animation, so the same report gives the same bytes.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as echarts from 'echarts';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { DIMENSION_NAMES } from '../../contracts/kpis.ts';
import type { Report, ReportKpi } from '../../contracts/reports.ts';

const require = createRequire(import.meta.url);
const FONT_DIR = path.join(path.dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
const FONT = { regular: path.join(FONT_DIR, 'NotoSansHans-Regular.otf'), bold: path.join(FONT_DIR, 'NotoSansHans-Bold.otf') };

const PAGE = { width: 595.28, height: 841.89, margin: 50 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const COLORS = { 正常: '#3ba272', 关注: '#fac858', 预警: '#ee6666', none: '#91a7c4' } as const;

/** One chart as SVG text (ECharts server-side rendering, no DOM). */
function chartSvg(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'cjk' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** KPIs by status per dimension: a stacked bar chart. */
function statusChart(report: Report): string {
  const dims = report.dimensions.filter((d) => d.kpiIds.length > 0);
  const byId = new Map(report.kpis.map((k) => [k.id, k]));
  const count = (d: (typeof dims)[number], s: ReportKpi['status']) => d.kpiIds.filter((id) => byId.get(id)?.status === s).length;
  const series: Array<{ name: string; type: 'bar'; stack: string; data: number[]; itemStyle: { color: string } }> = (['正常', '关注', '预警'] as const).map((s) => ({
    name: s, type: 'bar', stack: 'all', data: dims.map((d) => count(d, s)), itemStyle: { color: COLORS[s] },
  }));
  series.push({ name: '无目标', type: 'bar', stack: 'all', data: dims.map((d) => count(d, null)), itemStyle: { color: COLORS.none } });
  return chartSvg(
    {
      title: { text: '各维度指标状态', left: 'center', textStyle: { fontSize: 13 } },
      legend: { bottom: 0 },
      grid: { left: 90, right: 20, top: 36, bottom: 40 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: dims.map((d) => DIMENSION_NAMES[d.dimension].zh), inverse: true },
      series,
    },
    495,
    240,
  );
}

/** Attainment (%) of the dimension's KPIs with a target, coloured by status. */
function attainmentChart(dimension: Report['dimensions'][number]['dimension'], kpis: readonly ReportKpi[]): string | null {
  const withTarget = kpis.filter((k) => k.attainment !== null);
  if (withTarget.length === 0) return null;
  return chartSvg(
    {
      title: { text: `${DIMENSION_NAMES[dimension].zh}：目标完成率 (%)`, left: 'center', textStyle: { fontSize: 12 } },
      grid: { left: 170, right: 40, top: 30, bottom: 20 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: withTarget.map((k) => (k.name.length > 14 ? `${k.name.slice(0, 13)}…` : k.name)), inverse: true },
      series: [
        {
          type: 'bar',
          data: withTarget.map((k) => ({ value: Math.round(k.attainment! * 1000) / 10, itemStyle: { color: COLORS[k.status ?? 'none'] } })),
          label: { show: true, position: 'right', formatter: '{c}%' },
          markLine: { silent: true, symbol: 'none', data: [{ xAxis: 100 }], lineStyle: { color: '#666', type: 'dashed' } },
        },
      ],
    },
    495,
    Math.max(90, 40 + withTarget.length * 26),
  );
}

/** Renders the report; resolves with the whole file. */
export function reportPdf(report: Report): Promise<Buffer> {
  const at = new Date(report.asOf);
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    bufferPages: true,
    info: { Title: report.title, Author: '长江新区创新大脑', Creator: '长江新区创新大脑', Producer: '长江新区创新大脑 (pdfkit)', CreationDate: at, ModDate: at },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', FONT.regular);
  doc.registerFont('cjk-bold', FONT.bold);

  const ensure = (height: number) => {
    if (doc.y + height > PAGE.height - PAGE.margin - 20) doc.addPage();
  };
  const heading = (text: string, size = 14) => {
    ensure(size * 3);
    doc.moveDown(0.6).font('cjk-bold').fontSize(size).fillColor('#1f3a5f').text(text, { width: CONTENT_WIDTH });
    doc.moveDown(0.3).font('cjk').fontSize(10).fillColor('#222');
  };
  const paragraph = (text: string, options: { indent?: number; color?: string } = {}) => {
    ensure(16);
    doc.font('cjk').fontSize(10).fillColor(options.color ?? '#222').text(text, PAGE.margin + (options.indent ?? 0), doc.y, { width: CONTENT_WIDTH - (options.indent ?? 0), lineGap: 2 });
  };
  const svg = (text: string, height: number) => {
    ensure(height + 10);
    const y = doc.y;
    SVGtoPDF(doc, text, PAGE.margin, y, { fontCallback: () => 'cjk', assumePt: true });
    doc.y = y + height + 8;
    doc.x = PAGE.margin;
  };

  doc.font('cjk-bold').fontSize(20).fillColor('#1f3a5f').text(report.title, { align: 'center', width: CONTENT_WIDTH });
  doc.moveDown(0.4).font('cjk').fontSize(10).fillColor('#555')
    .text(`报告期 ${report.start} 至 ${report.end} · 数据截至 ${report.asOf} (UTC)`, { align: 'center', width: CONTENT_WIDTH });

  heading('一、总体情况');
  for (const h of report.summary.highlights) paragraph(h);
  svg(statusChart(report), 240);

  heading('二、分维度指标与变动说明');
  const byId = new Map(report.kpis.map((k) => [k.id, k]));
  for (const d of report.dimensions) {
    const kpis = d.kpiIds.map((id) => byId.get(id)!).filter(Boolean);
    if (kpis.length === 0) continue;
    heading(`${DIMENSION_NAMES[d.dimension].zh}（${kpis.length} 项）`, 12);
    const chart = attainmentChart(d.dimension, kpis);
    if (chart) svg(chart, Math.max(90, 40 + kpis.filter((k) => k.attainment !== null).length * 26));
    for (const k of kpis) {
      ensure(40);
      doc.font('cjk-bold').fontSize(10).fillColor(k.status === '预警' ? '#b03a2e' : '#1f3a5f')
        .text(`${k.name}${k.status ? ` [${k.status}]` : ''} · ${k.leadUnit}`, PAGE.margin, doc.y, { width: CONTENT_WIDTH });
      for (const s of k.sentences) paragraph(s, { indent: 12 });
      doc.moveDown(0.3);
    }
  }

  heading('三、牵头单位');
  for (const u of report.units) {
    paragraph(
      `${u.leadUnit}：牵头指标 ${u.kpiIds.length} 项（正常 ${u.statuses.正常}、关注 ${u.statuses.关注}、预警 ${u.statuses.预警}）；` +
        `本期到期任务节点 ${u.milestones.due} 个，已完成 ${u.milestones.completed} 个，逾期 ${u.milestones.overdue} 个。`,
    );
  }

  heading('四、预警');
  if (report.warnings.length === 0) paragraph('本期末无预警规则触发。');
  for (const w of report.warnings) paragraph(`[${w.severity}] ${w.message}（规则 ${w.ruleId}）`, { color: w.severity === '预警' ? '#b03a2e' : '#7a5a00' });

  heading('五、数据重述');
  if (report.restatements.length === 0) paragraph('已发布的上期及上年同期报告数值均未变动。');
  for (const r of report.restatements) paragraph(r.sentence);

  // Footers once the page count is known.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Below the bottom margin: without lifting it pdfkit would start a new page for the footer.
    doc.page.margins.bottom = 0;
    doc.font('cjk').fontSize(8).fillColor('#888')
      .text(`长江新区创新大脑 · ${report.period} · 第 ${i + 1} / ${range.count} 页`, PAGE.margin, PAGE.height - PAGE.margin + 10, { width: CONTENT_WIDTH, align: 'center', lineBreak: false });
  }
  doc.end();
  return done;
}
