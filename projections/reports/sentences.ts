/**
 * "What moved and why" in Chinese sentences, from a report KPI's figures: the change on the last
 * period (stocks) or on the same period last year (flows), the components behind it, the
 * entities entering and leaving or contributing most, target, projection and status. Pure.
 */
import type { Grain, KpiDefinition } from '../../contracts/kpis.ts';
import type { ReportKpi, ReportRestatement } from '../../contracts/reports.ts';
import { shanghaiDate } from '../../contracts/dates.ts';
import { periodOfLabel, type Period } from '../kpi/periods.ts';

export const GRAIN_ZH: Record<Grain, string> = { month: '月', quarter: '季度', half: '半年', year: '年', ytd: '年' };
const QUARTERS = ['一', '二', '三', '四'];

/** 2025年, 2025年上半年, 2025年第三季度, 2025年9月. */
export function periodZh(p: Period | string): string {
  const period = typeof p === 'string' ? periodOfLabel(p) : p;
  const y = period.start.slice(0, 4);
  switch (period.grain) {
    case 'year':
      return `${y}年`;
    case 'half':
      return `${y}年${period.start.slice(5, 7) === '01' ? '上' : '下'}半年`;
    case 'quarter':
      return `${y}年第${QUARTERS[Math.floor((Number(period.start.slice(5, 7)) - 1) / 3)]}季度`;
    case 'month':
    case 'ytd':
      return `${y}年${Number(period.end.slice(5, 7))}月`;
  }
}

/** At most two decimals, thousands separated: 1,234.5. */
export function formatNumber(n: number): string {
  const r = Math.round(n * 100) / 100;
  const [int, frac] = Math.abs(r).toFixed(2).replace(/\.?0+$/, '').split('.');
  const grouped = (int ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${r < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** A value with its unit: 85.3%, 412 家. */
export function withUnit(n: number, unit: string): string {
  return unit === '%' ? `${formatNumber(n)}%` : `${formatNumber(n)} ${unit}`;
}

const pct = (ratio: number) => `${formatNumber(ratio * 100)}%`;
const names = (list: readonly { name: string }[], total: number, unit: string) =>
  `${list.map((m) => m.name).join('、')}${total > list.length ? ` 等 ${total} ${unit === '%' ? '个' : unit}` : ''}`;

const METHOD_ZH = { seasonal: '按往年同期规律', linear: '按本年进度', flat: '按当前水平', final: '' } as const;

type KpiFigures = Omit<ReportKpi, 'sentences'>;

function changeWord(d: number, up: string, down: string): string {
  return d > 0 ? up : down;
}

function stockSentences(k: KpiFigures): string[] {
  const v = k.value!;
  let first = `${k.name}：期末 ${withUnit(v, k.unit)}`;
  if (k.previous.value !== null) {
    const d = v - k.previous.value;
    first += d === 0 ? `，与上期末（${periodZh(k.previous.period)}）持平` : `，较上期末（${periodZh(k.previous.period)}）${changeWord(d, '增加', '减少')} ${withUnit(Math.abs(d), k.unit)}`;
  }
  const m = k.movement;
  if (m) {
    const part = (dir: 'in' | 'out') => m.reasons.filter((r) => r.direction === dir && r.count > 0).map((r) => `${r.label} ${r.count}${k.unit === '%' ? '' : ` ${k.unit}`}`).join('、');
    const parts = [part('in'), part('out')].filter(Boolean);
    if (parts.length) first += `（${parts.join('；')}）`;
  }
  const out = [`${first}。`];
  if (m?.topEntered.length) out.push(`新进入的有：${names(m.topEntered, m.entered, k.unit)}。`);
  if (m?.topLeft.length) out.push(`退出的有：${names(m.topLeft, m.left, k.unit)}。`);
  return out;
}

function flowSentences(k: KpiFigures): string[] {
  const v = k.value!;
  let first = `${k.name}：本期 ${withUnit(v, k.unit)}`;
  const ly = k.lastYear.value;
  if (ly !== null) {
    if (ly === 0) first += `，上年同期（${periodZh(k.lastYear.period)}）为 0`;
    else {
      const d = v - ly;
      first += d === 0 ? `，与上年同期（${periodZh(k.lastYear.period)}）持平` : `，同比${changeWord(d, '增长', '下降')} ${formatNumber((Math.abs(d) / Math.abs(ly)) * 100)}%（上年同期 ${withUnit(ly, k.unit)}）`;
    }
  }
  const out = [`${first}。`];
  if (k.contributors.length) out.push(`主要来自：${k.contributors.map((c) => `${c.name}（${withUnit(c.value, k.unit)}）`).join('、')}。`);
  return out;
}

function ratioSentences(k: KpiFigures): string[] {
  const v = k.value!;
  let first = `${k.name}：本期 ${withUnit(v, k.unit)}`;
  if (k.numerator !== null && k.denominator !== null) first += `（${formatNumber(k.numerator)} / ${formatNumber(k.denominator)}）`;
  if (k.previous.value !== null) {
    const d = v - k.previous.value;
    const by = k.unit === '%' ? `${formatNumber(Math.abs(d))} 个百分点` : withUnit(Math.abs(d), k.unit);
    first += d === 0 ? '，与上期持平' : `，较上期${changeWord(d, '上升', '下降')} ${by}`;
  }
  return [`${first}。`];
}

/** The sentences of one KPI of a report. */
export function describeKpi(k: KpiFigures, kpi: KpiDefinition): string[] {
  if (k.value === null) return [`${k.name}：本期暂无数据${k.kind === 'ratio' ? '（无分母）' : ''}。`];
  const out = k.kind === 'stock' || k.kind === 'stock+flow' ? stockSentences(k) : k.kind === 'ratio' ? ratioSentences(k) : flowSentences(k);
  // Components the catalog labels (amounts, counts), unless the movement already told them.
  const labels = kpi.components ?? {};
  const comps = Object.entries(k.components)
    .filter(([key, val]) => labels[key] !== undefined && val !== null && !k.movement?.reasons.some((r) => labels[key] === r.label))
    .map(([key, val]) => `${labels[key]} ${formatNumber(val!)}`);
  if (comps.length) out.push(`其中：${comps.join('，')}。`);
  if (k.target !== null) {
    let t = `目标 ${withUnit(k.target, k.unit)}`;
    if (k.attainment !== null) t += `，完成 ${pct(k.attainment)}`;
    const p = k.projection;
    if (p && p.method !== 'final' && p.yearEnd !== null && p.yearTarget !== null) {
      t += `；${METHOD_ZH[p.method]}预计年末 ${withUnit(p.yearEnd, k.unit)}`;
      if (p.attainment !== null) t += `，为全年目标的 ${pct(p.attainment)}`;
    }
    if (k.status) t += `；状态：${k.status}`;
    out.push(`${t}。`);
  }
  return out;
}

/** One restatement: the earlier report's figure, the figure now, and the records behind the change. */
export function describeRestatement(r: Omit<ReportRestatement, 'sentence'>, kpi: KpiDefinition): string {
  const unit = kpi.valueUnit;
  const fmt = (v: number | null) => (v === null ? '无数据' : withUnit(v, unit));
  const issued = shanghaiDate(r.reportAsOf);
  let s = `${kpi.name.zh}${periodZh(r.period)}的数值，在截至 ${issued} 的已发布报告中为 ${fmt(r.was)}，现为 ${fmt(r.now)}`;
  const why: string[] = [];
  if (r.corrections.length)
    why.push(
      `更正 ${r.corrections.length} 项（${r.corrections
        .slice(0, 3)
        .map((c) => `${c.unit ?? '平台'} 于 ${shanghaiDate(c.recordedAt)} 提交的 ${c.type} 更正（事件 ${c.eventId}，替代事件 ${c.supersedes}）`)
        .join('；')}${r.corrections.length > 3 ? ' 等' : ''}）`,
    );
  if (r.lateRecords) why.push(`补报记录 ${r.lateRecords} 条`);
  if (why.length) s += `：${why.join('，')}`;
  return `${s}。`;
}
