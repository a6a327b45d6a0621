// @ts-check
// Formatting for the screens (zh-CN): pure functions, no DOM. Type-checked (tsconfig.dashboards.json)
// and unit-tested (test/dashboards/format.test.ts).

export const TZ = 'Asia/Shanghai';

/** @type {Map<string, Intl.NumberFormat>} */
const fmtCache = new Map();

/**
 * A zh-CN number format with at most `maxDigits` (at least `minDigits`) fraction digits, cached.
 * @param {number} maxDigits
 * @param {number} [minDigits]
 * @returns {Intl.NumberFormat}
 */
export function nf(maxDigits, minDigits = 0) {
  const key = `${maxDigits}/${minDigits}`;
  let fmt = fmtCache.get(key);
  if (!fmt) {
    fmt = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: maxDigits, minimumFractionDigits: minDigits });
    fmtCache.set(key, fmt);
  }
  return fmt;
}

/** Units that count things: large counts read as 万 / 亿 of the unit. */
export const COUNT_UNITS = new Set(['家', '个', '人', '项', '次', '件', '只', '场', '笔', '人次', '人/个']);

/**
 * A value in its unit, scaled to 万 / 亿 where that reads better.
 * @param {unknown} value
 * @param {string | null | undefined} unit
 * @returns {{ text: string, unit: string }}
 */
export function formatValue(value, unit) {
  if (value === null || value === undefined || !Number.isFinite(Number(value))) return { text: '—', unit: unit ?? '' };
  const v = Number(value);
  const abs = Math.abs(v);
  if (unit === '万元') {
    if (abs >= 10_000) return { text: nf(2).format(v / 10_000), unit: '亿元' };
    return { text: nf(abs >= 100 ? 0 : 2).format(v), unit };
  }
  if (unit === '亿元') return { text: nf(2).format(v), unit };
  if (unit === '%') return { text: nf(1).format(v), unit };
  if (unit === '倍') return { text: nf(2).format(v), unit };
  if (unit && COUNT_UNITS.has(unit)) {
    if (abs >= 1e8) return { text: nf(2).format(v / 1e8), unit: `亿${unit}` };
    if (abs >= 1e4) return { text: nf(2).format(v / 1e4), unit: `万${unit}` };
    return { text: nf(Number.isInteger(v) ? 0 : 1).format(v), unit };
  }
  return { text: nf(abs >= 1000 ? 0 : 2).format(v), unit: unit ?? '' };
}

/**
 * An axis tick: the number, plus only the scale (万, 亿) when formatValue changed the unit.
 * @param {unknown} value
 * @param {string} unit
 */
export function axisValue(value, unit) {
  const f = formatValue(value, unit);
  if (f.unit === unit) return f.text;
  return f.text + (f.unit.endsWith(unit) ? f.unit.slice(0, -unit.length) : f.unit);
}

/**
 * "1.23 亿元", or — without a value.
 * @param {unknown} value
 * @param {string | null | undefined} unit
 */
export function formatWithUnit(value, unit) {
  const f = formatValue(value, unit);
  return f.text === '—' ? '—' : `${f.text}${f.unit ? ` ${f.unit}` : ''}`;
}

/**
 * Attainment is stored uncapped (value ÷ target); screens cap the display at 100%.
 * @param {number | null | undefined} att
 * @returns {{ pct: number, text: string, over: boolean, raw: number } | null}
 */
export function attainmentView(att) {
  if (att === null || att === undefined || !Number.isFinite(att)) return null;
  const capped = Math.max(0, Math.min(att, 1));
  return { pct: capped * 100, text: `${nf(1).format(capped * 100)}%`, over: att > 1, raw: att };
}

/**
 * A change with its sign: +3 for a rise (a fall carries its own minus).
 * @param {string} text
 * @param {number} n
 */
export function signed(text, n) {
  return n > 0 ? `+${text}` : text;
}

/**
 * 2025 → 2025年, 2025-H1 → 2025年上半年, 2025-Q3 → 2025年第3季度, 2025-07 → 2025年7月.
 * @param {string} label
 */
export function periodName(label) {
  let m = /^(\d{4})$/.exec(label);
  if (m) return `${m[1]}年`;
  m = /^(\d{4})-H([12])$/.exec(label);
  if (m) return `${m[1]}年${m[2] === '1' ? '上' : '下'}半年`;
  m = /^(\d{4})-Q([1-4])$/.exec(label);
  if (m) return `${m[1]}年第${m[2]}季度`;
  m = /^(\d{4})-(\d{2})$/.exec(label);
  if (m) return `${m[1]}年${Number(m[2])}月`;
  return label;
}

/**
 * 2025-Q3 → 2025 Q3, 2025-H1 → 2025 H1 (axis labels).
 * @param {string} label
 */
export function periodShort(label) {
  return label.replace(/^(\d{4})-Q(\d)$/, '$1 Q$2').replace(/^(\d{4})-H(\d)$/, '$1 H$2');
}

/**
 * Today in Beijing time, YYYY-MM-DD.
 * @param {Date} [now]
 */
export function shanghaiToday(now = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * Chinese names of the data-quality flags (docs/ingest.md); others are shown as sent.
 * @type {Record<string, string>}
 */
export const FLAG_LABELS = {
  'review:rdExpense-over-revenue': '研发费用高于营业收入',
  'review:rdExpense-yoy': '研发费用同比 3 倍以上',
  'review:revenue-yoy': '营业收入同比 3 倍以上',
  'review:revenue-implausible': '营业收入异常偏大',
  'review:hte-without-rd': '高企认定但前三年无研发费用',
  'implausible:techStaff': '科技人员多于从业人员',
};

/**
 * A flag's Chinese label, with its prefix family for unknown ones (uscc-check:…, patent-check:…).
 * @param {string} flag
 */
export function flagLabel(flag) {
  if (FLAG_LABELS[flag]) return FLAG_LABELS[flag];
  if (flag.startsWith('uscc-check:')) return `信用代码校验位错误 (${flag.slice(11)})`;
  if (flag.startsWith('patent-check:')) return `专利号校验位错误 (${flag.slice(13)})`;
  if (flag.startsWith('hightech-criteria:')) return `不满足高企认定条件 (${flag.slice(18)})`;
  return flag;
}

const QUARTERS_ZH = ['一', '二', '三', '四'];

/** 2025年, 2025年上半年, 2025年第三季度, 2025年9月. */
export function periodLabel(/** @type {string} */ period) {
  const [y, part] = period.split('-');
  if (!part) return `${y}年`;
  if (part.startsWith('H')) return `${y}年${part === 'H1' ? '上' : '下'}半年`;
  if (part.startsWith('Q')) return `${y}年第${QUARTERS_ZH[Number(part.slice(1)) - 1]}季度`;
  return `${y}年${Number(part)}月`;
}

/** Closed periods to choose from on a day (YYYY-MM-DD): the last 6 months, 4 quarters, 2 halves and 2 years, the last quarter first. */
export function closedPeriods(/** @type {string} */ today) {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  const quarters = [];
  const q = y * 4 + Math.ceil(m / 3) - 1;
  for (let i = 1; i <= 4; i++) quarters.push(`${Math.floor((q - i) / 4)}-Q${((q - i) % 4) + 1}`);
  const months = [];
  for (let i = 1; i <= 6; i++) {
    const k = y * 12 + (m - 1) - i;
    months.push(`${Math.floor(k / 12)}-${pad((k % 12) + 1)}`);
  }
  const h = y * 2 + (m <= 6 ? 0 : 1);
  const halves = [1, 2].map((i) => `${Math.floor((h - i) / 2)}-H${((h - i) % 2) + 1}`);
  return [...quarters, ...months, ...halves, String(y - 1), String(y - 2)];
}
