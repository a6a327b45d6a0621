/**
 * Civil dates (`YYYY-MM-DD`) of the business calendar, Asia/Shanghai: UTC+8 all year, no DST,
 * so the date of an instant is its UTC date 8 hours later.
 */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const MS_PER_DAY = 86_400_000;

/** The business date of an ISO instant or date, in Asia/Shanghai; a bare date stays as it is. */
export function shanghaiDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${value}`);
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Today's business date in Asia/Shanghai. */
export function shanghaiToday(now: Date = new Date()): string {
  return new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Same month and day whole years later; 29 February of a non-leap year becomes the 28th, as a certificate's anniversary does. */
export function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  let md = date.slice(4);
  if (md === '-02-29' && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) md = '-02-28';
  return `${String(y).padStart(4, '0')}${md}`;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10);
}
