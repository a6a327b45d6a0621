import { ValidationError } from '../../contracts/errors.ts';
import type { Grain } from '../../contracts/kpis.ts';

/** One period of a series: its label, grain and inclusive date bounds (YYYY-MM-DD). */
export interface Period {
  label: string;
  grain: Grain;
  start: string;
  end: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

function lastDayOfMonth(year: number, month: number): string {
  const d = new Date(Date.UTC(year, month, 0));
  return `${year}-${pad(month)}-${pad(d.getUTCDate())}`;
}

/** The period a label names: 2025, 2025-H1, 2025-Q3, 2025-07 (YTD labels are month labels with grain `ytd`). */
export function periodOfLabel(label: string, grain?: Grain): Period {
  let m = /^(\d{4})$/.exec(label);
  if (m) return { label, grain: 'year', start: `${m[1]}-01-01`, end: `${m[1]}-12-31` };
  m = /^(\d{4})-H([12])$/.exec(label);
  if (m) {
    const y = Number(m[1]);
    return m[2] === '1'
      ? { label, grain: 'half', start: `${y}-01-01`, end: `${y}-06-30` }
      : { label, grain: 'half', start: `${y}-07-01`, end: `${y}-12-31` };
  }
  m = /^(\d{4})-Q([1-4])$/.exec(label);
  if (m) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    return { label, grain: 'quarter', start: `${y}-${pad(q * 3 - 2)}-01`, end: lastDayOfMonth(y, q * 3) };
  }
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const end = lastDayOfMonth(y, mo);
    return grain === 'ytd' ? { label, grain: 'ytd', start: `${y}-01-01`, end } : { label, grain: 'month', start: `${y}-${pad(mo)}-01`, end };
  }
  throw new ValidationError(`期间格式错误: ${label} (应为 2025、2025-H1、2025-Q3 或 2025-07)`, [{ field: 'period', reason: 'format', value: label }]);
}

function labelAt(grain: Grain, year: number, month: number): string {
  switch (grain) {
    case 'year':
      return String(year);
    case 'half':
      return `${year}-H${month <= 6 ? 1 : 2}`;
    case 'quarter':
      return `${year}-Q${Math.ceil(month / 3)}`;
    case 'month':
    case 'ytd':
      return `${year}-${pad(month)}`;
  }
}

const STEP_MONTHS: Record<Grain, number> = { month: 1, ytd: 1, quarter: 3, half: 6, year: 12 };

function dateOf(value: string, which: 'start' | 'end'): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const p = periodOfLabel(value);
  return which === 'start' ? p.start : p.end;
}

/** The periods of a grain that overlap [from, to]; from / to are dates or period labels. */
export function periodsBetween(from: string, to: string, grain: Grain, maxPeriods = 400): Period[] {
  const start = dateOf(from, 'start');
  const end = dateOf(to, 'end');
  if (start > end) throw new ValidationError(`起始期间晚于结束期间: ${from} > ${to}`, [{ field: 'from', reason: 'after to', value: from }]);
  const out: Period[] = [];
  let y = Number(start.slice(0, 4));
  let m = Number(start.slice(5, 7));
  for (;;) {
    // YTD periods all start in January: stop on the month itself, not on the period's start.
    if (`${y}-${pad(m)}-01` > end) break;
    const p = periodOfLabel(labelAt(grain, y, m), grain);
    if (out.at(-1)?.label !== p.label) out.push(p);
    if (out.length > maxPeriods) throw new ValidationError(`期间过多 (>${maxPeriods}): 请缩小范围或加大粒度`, [{ field: 'grain', reason: 'too many periods' }]);
    m += STEP_MONTHS[grain] - ((m - 1) % STEP_MONTHS[grain]);
    if (m > 12) {
      y += Math.floor((m - 1) / 12);
      m = ((m - 1) % 12) + 1;
    }
  }
  return out;
}

/** The period just before, same grain (for YTD: the previous month's YTD, or December of last year for January). */
export function previousPeriod(p: Period): Period {
  const y = Number(p.start.slice(0, 4));
  const endMonth = Number(p.end.slice(5, 7));
  const step = STEP_MONTHS[p.grain];
  let month = endMonth - step;
  let year = y;
  if (month < 1) {
    month += 12;
    year -= 1;
  }
  return periodOfLabel(labelAt(p.grain, year, month), p.grain);
}

/** The same period one year earlier. */
export function samePeriodLastYear(p: Period): Period {
  const year = Number(p.end.slice(0, 4)) - 1;
  return periodOfLabel(labelAt(p.grain, year, Number(p.end.slice(5, 7))), p.grain);
}

/** Months a period spans (for prorating yearly targets). */
export function monthsIn(p: Period): number {
  const a = Number(p.start.slice(0, 4)) * 12 + Number(p.start.slice(5, 7));
  const b = Number(p.end.slice(0, 4)) * 12 + Number(p.end.slice(5, 7));
  return b - a + 1;
}
