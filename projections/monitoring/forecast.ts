import type { KpiKind } from '../../contracts/kpis.ts';

/** One earlier year of a KPI: its value over the same span as this year to date, and its full-year value. */
export interface EarlierYear {
  year: number;
  toDate: number | null;
  full: number | null;
}

export interface ForecastInput {
  kind: KpiKind;
  /** This year to date (a flow: the amount so far; a stock or ratio: the level today). */
  value: number;
  /** Share of the year elapsed, in (0, 1]. */
  elapsed: number;
  /** The level at the end of last year (stocks and ratios). */
  startValue: number | null;
  earlier: readonly EarlierYear[];
}

export interface Forecast {
  projected: number;
  /** `seasonal`: from the same span of earlier years; `linear`: this year's pace; `flat`: no trend to go by. */
  method: 'seasonal' | 'linear' | 'flat';
  /** The earlier years used (seasonal only). */
  years: number[];
}

/** Flows accumulate over the year; every other kind is a level read at the period's end. */
export function isCumulative(kind: KpiKind): boolean {
  return kind === 'flow';
}

const round = (n: number) => Number(n.toPrecision(12));

/**
 * The value a KPI will reach at the end of the year, from its own series (docs/monitoring.md has
 * a worked example):
 * - a flow: this year to date ÷ the share of the full year that earlier years had reached by the
 *   same day (mean over the earlier years with a full-year value above 0); without such a year,
 *   this year to date ÷ the elapsed share;
 * - a stock or a ratio: the level today + the mean change from the same day to the year's end in
 *   earlier years (those with data: not both readings 0); without one, the level today + this year's change so far carried on at the
 *   same pace over the rest of the year; without a start level, the level today.
 */
export function forecastYearEnd(input: ForecastInput): Forecast {
  const { value, elapsed } = input;
  if (isCumulative(input.kind)) {
    const usable = input.earlier.filter((y) => y.full !== null && y.full > 0 && y.toDate !== null);
    const share = usable.length ? usable.reduce((s, y) => s + y.toDate! / y.full!, 0) / usable.length : 0;
    if (share > 0) return { projected: round(value / share), method: 'seasonal', years: usable.map((y) => y.year) };
    return { projected: round(elapsed > 0 ? value / elapsed : value), method: elapsed > 0 ? 'linear' : 'flat', years: [] };
  }
  // A year where both readings are 0 had no data yet: it says nothing about the trend.
  const usable = input.earlier.filter((y) => y.full !== null && y.toDate !== null && (y.full !== 0 || y.toDate !== 0));
  if (usable.length) {
    const rest = usable.reduce((s, y) => s + (y.full! - y.toDate!), 0) / usable.length;
    return { projected: round(value + rest), method: 'seasonal', years: usable.map((y) => y.year) };
  }
  if (input.startValue !== null && elapsed > 0) return { projected: round(value + ((value - input.startValue) * (1 - elapsed)) / elapsed), method: 'linear', years: [] };
  return { projected: value, method: 'flat', years: [] };
}

/** Share of the calendar year elapsed on `day` (that day included): 1 January is 1/365. */
export function elapsedShare(day: string): number {
  const y = Number(day.slice(0, 4));
  const start = Date.UTC(y, 0, 1);
  const days = (Date.UTC(y + 1, 0, 1) - start) / 86_400_000;
  return (Date.parse(`${day}T00:00:00Z`) - start) / 86_400_000 / days + 1 / days;
}
