/**
 * Calendar arithmetic on whole days (days since 1970-01-01), the only time unit the seed needs.
 * Plain integers keep generation fast and free of time-zone surprises: every date is a civil
 * date in Asia/Shanghai, never an instant.
 */
export type Day = number;

const MS_PER_DAY = 86_400_000;
const isoCache = new Map<Day, string>();

export function dayOf(iso: string): Day {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) throw new RangeError(`not a date: ${iso}`);
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY);
}

export function dayFrom(year: number, month: number, date: number): Day {
  return Math.floor(Date.UTC(year, month - 1, date) / MS_PER_DAY);
}

export function isoOf(day: Day): string {
  let s = isoCache.get(day);
  if (s === undefined) {
    s = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    isoCache.set(day, s);
  }
  return s;
}

export function yearOf(day: Day): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

export function monthOf(day: Day): number {
  return new Date(day * MS_PER_DAY).getUTCMonth() + 1;
}

/** Same month and date n years later (29 Feb → 1 Mar), as certificates count validity. */
export function addYears(day: Day, years: number): Day {
  const d = new Date(day * MS_PER_DAY);
  return Math.floor(Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), d.getUTCDate()) / MS_PER_DAY);
}

export function addMonths(day: Day, months: number): Day {
  const d = new Date(day * MS_PER_DAY);
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate()) / MS_PER_DAY);
}

/** Saturday and Sunday move to the next Monday: offices issue documents on working days. */
export function workday(day: Day): Day {
  const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  if (weekday === 6) return day + 2;
  if (weekday === 0) return day + 1;
  return day;
}
