/**
 * The screens' pure formatters (dashboards/format.js, plain browser JS) and the type-check of the
 * checked dashboard modules (tsconfig.dashboards.json: checkJs, types from contracts/).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { attainmentView, axisValue, closedPeriods, flagLabel, periodLabel, formatValue, formatWithUnit, periodName, periodShort, shanghaiToday, signed } from '../../dashboards/format.js';

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
  it('name data-quality flags in Chinese, by family for identifier checks', () => {
    expect(flagLabel('review:rdExpense-yoy')).toBe('研发费用同比 3 倍以上');
    expect(flagLabel('uscc-check:seller.uscc')).toBe('信用代码校验位错误 (seller.uscc)');
    expect(flagLabel('something-new')).toBe('something-new');
  });
});

describe('the report periods', () => {
  it('names each grain in Chinese', () => {
    expect(['2025', '2025-H1', '2025-H2', '2025-Q3', '2025-09'].map(periodLabel)).toEqual(['2025年', '2025年上半年', '2025年下半年', '2025年第三季度', '2025年9月']);
  });
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
