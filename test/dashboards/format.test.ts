/**
 * The screens' pure formatters (dashboards/format.js, plain browser JS) and the type-check of the
 * checked dashboard modules (tsconfig.dashboards.json: checkJs, types from contracts/).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seriesChartOption } from '../../dashboards/chart.js';
import { asOfText, attainmentView, axisValue, closedPeriods, detailText, flagLabel, formatValue, formatWithUnit, freshnessOf, periodName, periodShort, rangeFor, shanghaiToday, signed } from '../../dashboards/format.js';
import { fileNameOf, queryString } from '../../dashboards/http.js';
import { LABELS } from '../../contracts/labels.ts';

describe('formatValue', () => {
  it('reads 万元 as 亿元 from 10,000 on, with two decimals', () => {
    expect(formatValue(12_345, '万元')).toEqual({ text: '1.23', unit: '亿元' });
    expect(formatValue(9_999, '万元')).toEqual({ text: '9,999', unit: '万元' });
    expect(formatValue(12.345, '万元')).toEqual({ text: '12.35', unit: '万元' });
  });
  it('scales counts to 万 / 亿 of their unit, keeps small ones whole', () => {
    expect(formatValue(123, '家')).toEqual({ text: '123', unit: '家' });
    expect(formatValue(45_600, '家')).toEqual({ text: '4.56', unit: '万家' });
    expect(formatValue(2.5e8, '人')).toEqual({ text: '2.5', unit: '亿人' });
  });
  it('shows percentages with one decimal, and a dash without a value', () => {
    expect(formatValue(12.345, '%')).toEqual({ text: '12.3', unit: '%' });
    expect(formatValue(null, '%')).toEqual({ text: '—', unit: '%' });
    expect(formatValue('not a number', '家')).toEqual({ text: '—', unit: '家' });
  });
});

describe('the other formatters', () => {
  it('write value and unit together, or a dash', () => {
    expect(formatWithUnit(12_345, '万元')).toBe('1.23 亿元');
    expect(formatWithUnit(undefined, '家')).toBe('—');
  });
  it('give axis ticks only the scale a formatted value gained', () => {
    expect(axisValue(45_600, '家')).toBe('4.56万');
    expect(axisValue(123, '家')).toBe('123');
    expect(axisValue(12_345, '万元')).toBe('1.23亿元');
  });
  it('cap attainment at 100% for display and keep the raw value', () => {
    expect(attainmentView(1.25)).toEqual({ pct: 100, text: '100%', over: true, raw: 1.25 });
    expect(attainmentView(0.456)).toMatchObject({ text: '45.6%', over: false });
    expect(attainmentView(null)).toBeNull();
  });
  it('name periods in Chinese and shorten them for axes', () => {
    expect(['2025', '2025-H1', '2025-H2', '2025-Q3', '2025-07', 'x'].map(periodName)).toEqual(['2025年', '2025年上半年', '2025年下半年', '2025年第3季度', '2025年7月', 'x']);
    expect(['2025-Q3', '2025-H1', '2025-07'].map(periodShort)).toEqual(['2025 Q3', '2025 H1', '2025-07']);
  });
  it('sign rises only, and give the Beijing date of an instant', () => {
    expect([signed('3', 3), signed('-3', -3), signed('0', 0)]).toEqual(['+3', '-3', '0']);
    expect(shanghaiToday(new Date('2025-12-31T16:30:00Z'))).toBe('2026-01-01');
  });
  it('name data-quality flags in Chinese from the served labels, by family for identifier checks', () => {
    expect(flagLabel('review:rdExpense-yoy', LABELS)).toBe('研发费用同比 3 倍以上');
    expect(flagLabel('uscc-check:seller.uscc', LABELS)).toBe('信用代码校验位错误 (seller.uscc)');
    expect(flagLabel('something-new', LABELS)).toBe('something-new');
    expect(flagLabel('review:rdExpense-yoy', { dataQualityFlags: {}, dataQualityFlagFamilies: {} })).toBe('review:rdExpense-yoy');
  });
  it('write a drill-down row in Chinese: column labels, coded values, 0/1 flags, lists and amounts', () => {
    const labels = { columns: LABELS.drilldownColumns, values: LABELS.drilldownValues, flagColumns: LABELS.drilldownFlagColumns };
    expect(detailText({ street: '阳逻街', movement: 'moved_in', above_scale: 1, in_end: '0', has_rd: true, cohorts: ['2024', '2025'], amount: 1234.567, note: '', empty: [], gone: null }, labels))
      .toBe('街道: 阳逻街 · 变动: 迁入 · 规上: 是 · 期末计入: 否 · 有研发机构: 是 · 口径: 2024、2025 · 金额: 1,234.57');
    expect(detailText({ kind: 'fund', seller: { name: '甲公司', uscc: null }, mystery: 'x' }, labels)).toBe('类别: 基金 · 卖方: 甲公司 · mystery: x');
    expect(detailText(undefined, labels)).toBe('');
  });
  it('give an as-of instant as a Beijing date and time', () => {
    expect(asOfText('2025-12-31T16:30:05Z')).toMatch(/^2026\/1\/1 00:30:05$/);
    expect(asOfText(null)).toBe('');
  });
});

describe('the API helpers and the screens\' pure parts', () => {
  it('build a query string of the parameters with a value only', () => {
    expect(queryString({ period: '2025-Q1', asOf: undefined, q: '', n: 0, none: null })).toBe('?period=2025-Q1&n=0');
    expect(queryString(undefined)).toBe('');
  });
  it('take the Chinese file name of an export from filename*, else filename, else the fallback', () => {
    expect(fileNameOf(`attachment; filename="a.xlsx"; filename*=UTF-8''${encodeURIComponent('科创局_2025_考核.xlsx')}`, 'x')).toBe('科创局_2025_考核.xlsx');
    expect(fileNameOf('attachment; filename="a.xlsx"', 'x')).toBe('a.xlsx');
    expect(fileNameOf("attachment; filename*=UTF-8''%E0%A4%A", 'fallback.csv')).toBe('fallback.csv');
    expect(fileNameOf(null, 'fallback.csv')).toBe('fallback.csv');
  });
  it('ask a series for two years of months or quarters, and from 2023 at coarser grains', () => {
    expect(rangeFor('month', '2025-03-15')).toEqual({ from: '2023-04', to: '2025-03' });
    expect(rangeFor('quarter', '2025-03-15')).toEqual({ from: '2023-01', to: '2025-03' });
    expect(rangeFor('year', '2030-06-01')).toEqual({ from: '2023-01', to: '2030-06' });
  });
  it('say how fresh the data is: live, behind (in Chinese state names), failed, or unknown', () => {
    const p = (state: string, lagEvents = 0, lagSeconds = 0) => ({ name: `p-${state}`, version: 1, checkpoint: 10, lagEvents, lagSeconds, state });
    const status = (...projections: ReturnType<typeof p>[]) => ({ store: { head: 10, events: 10 }, projections, kpiTables: null });
    expect(freshnessOf(status(p('live', 0, 2)), LABELS.projectionStates)).toEqual({ state: 'live', freshness: '实时 · 延迟 2 秒' });
    expect(freshnessOf(status(p('live'), p('rebuilding', 1200, 30)), LABELS.projectionStates)).toEqual({ state: 'behind', freshness: '重建中 · 落后 1,200 条 / 30 秒' });
    expect(freshnessOf(status(p('failed'), p('live')), LABELS.projectionStates)).toEqual({ state: 'failed', freshness: '投影故障: p-failed' });
    expect(freshnessOf(status(), LABELS.projectionStates).state).toBe('unknown');
  });
});

describe('the series chart', () => {
  const point = (period: string, value: number | null, target: number | null = null) => ({ period, start: '', end: '', value, target, attainment: value !== null && target ? value / target : null });
  type Option = { series: Array<{ type: string; data: unknown[]; name: string }>; legend: { data: string[] }; xAxis: { data: string[] }; yAxis: { minInterval: number; axisLabel: { formatter: (v: number) => string } }; tooltip: { formatter: (items: Array<{ dataIndex: number }>) => string } };
  it('draws a flow as bars and a stock as a line, with the target dashed only where there is one', () => {
    const flow = seriesChartOption([point('2025-Q1', 1), point('2025-Q2', 2)], { unit: '次', kind: 'flow' }) as unknown as Option;
    expect(flow.series.map((s) => s.type)).toEqual(['bar']);
    expect(flow.legend.data).toEqual(['数值']);
    expect(flow.yAxis.minInterval).toBe(1);
    const stock = seriesChartOption([point('2025-Q1', 3, 6)], { unit: '家', kind: 'stock' }) as unknown as Option;
    expect(stock.series.map((s) => [s.name, s.type])).toEqual([['数值', 'line'], ['目标', 'line']]);
    expect(stock.xAxis.data).toEqual(['2025 Q1']);
  });
  it('writes axis ticks and the tooltip in Chinese numbers', () => {
    const o = seriesChartOption([point('2025-Q3', 45_600, 91_200)], { unit: '家', kind: 'stock' }) as unknown as Option;
    expect(o.yAxis.axisLabel.formatter(45_600)).toBe('4.56万');
    expect(o.tooltip.formatter([{ dataIndex: 0 }])).toBe('2025年第3季度<br>数值: 4.56 万家<br>目标: 9.12 万家<br>完成率: 50%<br>点击查看明细');
  });
});

describe('the labels the screens show', () => {
  it('are served from contracts, each dimension once, in catalog order', () => {
    expect(LABELS.dimensions.map((d) => d.code)).toEqual(['P', 'T', 'E', 'H', 'V', 'G']);
    expect(LABELS.dimensions[0]).toEqual({ code: 'P', zh: '创新平台建设', en: 'innovation platforms' });
    expect(LABELS.eachTaskLead).toBe('各任务牵头单位');
  });
  it('are not copied into the dashboard modules', () => {
    const dir = path.join(import.meta.dirname, '..', '..', 'dashboards');
    const sources = readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')] as const);
    const copies = [
      LABELS.eachTaskLead,
      ...LABELS.dimensions.map((d) => d.zh),
      ...Object.values(LABELS.dataQualityFlags),
      ...Object.values(LABELS.dataQualityFlagFamilies),
      LABELS.grains.ytd,
      LABELS.kpiKinds['stock+flow'],
      LABELS.drilldownValues.kind?.pool ?? '后备库',
      ...Object.values(LABELS.endedBy),
      LABELS.drilldownColumns.in_start,
    ].filter(Boolean);
    const found = sources.flatMap(([file, text]) => copies.filter((c) => text.includes(`'${c}'`)).map((c) => `${file}: ${c}`));
    expect(found).toEqual([]);
  });
});

describe('the report periods', () => {
  it('offers the closed periods, the last quarter first', () => {
    expect(closedPeriods('2026-01-15')).toEqual(['2025-Q4', '2025-Q3', '2025-Q2', '2025-Q1', '2025-12', '2025-11', '2025-10', '2025-09', '2025-08', '2025-07', '2025-H2', '2025-H1', '2025', '2024']);
    expect(closedPeriods('2025-07-01').slice(0, 1)).toEqual(['2025-Q2']);
    expect(closedPeriods('2025-07-01')).toContain('2025-H1');
    expect(closedPeriods('2025-07-01')).not.toContain('2025-H2');
  });
});

describe('the checked dashboard modules', () => {
  it('type-check under tsconfig.dashboards.json (checkJs, strict)', () => {
    const root = path.join(import.meta.dirname, '..', '..');
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.dashboards.json'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 120_000);
});
