import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../contracts/errors.ts';
import { monthsIn, periodOfLabel, periodsBetween, previousPeriod, samePeriodLastYear } from '../../projections/kpi/periods.ts';

const labels = (ps: { label: string }[]) => ps.map((p) => p.label);

describe('when a range is cut into periods', () => {
  it('covers every overlapping period of the grain, across year ends', () => {
    expect(labels(periodsBetween('2024-11-15', '2025-02-03', 'month'))).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    expect(labels(periodsBetween('2024-02-10', '2025-01-01', 'quarter'))).toEqual(['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1']);
    expect(labels(periodsBetween('2023-08', '2024-H1', 'half'))).toEqual(['2023-H2', '2024-H1']);
    expect(labels(periodsBetween('2022', '2024-03', 'year'))).toEqual(['2022', '2023', '2024']);
  });

  it('gives exact inclusive bounds, leap days included', () => {
    expect(periodOfLabel('2024-02')).toEqual({ label: '2024-02', grain: 'month', start: '2024-02-01', end: '2024-02-29' });
    expect(periodOfLabel('2025-02')).toMatchObject({ end: '2025-02-28' });
    expect(periodOfLabel('2024-Q3')).toEqual({ label: '2024-Q3', grain: 'quarter', start: '2024-07-01', end: '2024-09-30' });
    expect(periodOfLabel('2024-H2')).toEqual({ label: '2024-H2', grain: 'half', start: '2024-07-01', end: '2024-12-31' });
    expect(periodOfLabel('2024')).toEqual({ label: '2024', grain: 'year', start: '2024-01-01', end: '2024-12-31' });
  });

  it('makes year-to-date periods that all start on 1 January', () => {
    const ytd = periodsBetween('2024-11', '2025-01', 'ytd');
    expect(ytd.map((p) => [p.label, p.start, p.end])).toEqual([
      ['2024-11', '2024-01-01', '2024-11-30'],
      ['2024-12', '2024-01-01', '2024-12-31'],
      ['2025-01', '2025-01-01', '2025-01-31'],
    ]);
    expect(monthsIn(ytd[0]!)).toBe(11);
  });

  it('rejects labels it cannot read, reversed ranges and runaway ranges', () => {
    expect(() => periodOfLabel('2024-Q5')).toThrow(ValidationError);
    expect(() => periodOfLabel("2024' OR 1=1")).toThrow(ValidationError);
    expect(() => periodsBetween('2025-01', '2024-01', 'month')).toThrow(ValidationError);
    expect(() => periodsBetween('1990-01', '2100-12', 'month')).toThrow(/期间过多/);
  });
});

describe('when a scorecard compares periods', () => {
  it('steps back one period of the same grain', () => {
    expect(previousPeriod(periodOfLabel('2025-01')).label).toBe('2024-12');
    expect(previousPeriod(periodOfLabel('2025-Q1')).label).toBe('2024-Q4');
    expect(previousPeriod(periodOfLabel('2025-H1')).label).toBe('2024-H2');
    expect(previousPeriod(periodOfLabel('2025')).label).toBe('2024');
    const ytd = previousPeriod(periodOfLabel('2025-03', 'ytd'));
    expect([ytd.label, ytd.grain, ytd.start, ytd.end]).toEqual(['2025-02', 'ytd', '2025-01-01', '2025-02-28']);
  });

  it('finds the same period one year earlier', () => {
    expect(samePeriodLastYear(periodOfLabel('2025-Q3')).label).toBe('2024-Q3');
    expect(samePeriodLastYear(periodOfLabel('2024-02')).end).toBe('2023-02-28');
    expect(samePeriodLastYear(periodOfLabel('2025-H2')).label).toBe('2024-H2');
  });
});
