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
 * A data-quality flag's Chinese label (GET /api/v1/labels), by family for identifier checks
 * (uscc-check:seller.uscc → 信用代码校验位错误 (seller.uscc)); unknown flags as sent.
 * @param {string} flag
 * @param {{ dataQualityFlags: Record<string, string>, dataQualityFlagFamilies: Record<string, string> }} labels
 */
export function flagLabel(flag, labels) {
  const name = labels.dataQualityFlags[flag];
  if (name) return name;
  for (const [prefix, family] of Object.entries(labels.dataQualityFlagFamilies)) {
    if (flag.startsWith(prefix)) return `${family} (${flag.slice(prefix.length)})`;
  }
  return flag;
}

/**
 * An instant as a Beijing date and time (数据截至 …).
 * @param {string | null | undefined} iso
 */
export function asOfText(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso));
}

/**
 * A drill-down row's KPI-specific columns as one line: "街道: 阳逻街 · 变动: 新认定 · 规上: 是".
 * Column names come from `columns` (the drill-down's labels), coded values and 0/1 columns
 * from the API's label tables.
 * @param {Record<string, unknown> | null | undefined} detail
 * @param {{ columns: Record<string, string>, values: Record<string, Record<string, string>>, flagColumns: readonly string[] }} labels
 */
export function detailText(detail, labels) {
  return Object.entries(detail ?? {})
    .filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
    .map(([key, v]) => `${labels.columns[key] ?? key}: ${detailValue(key, v, labels)}`)
    .join(' · ');
}

/**
 * @param {string} key
 * @param {unknown} v
 * @param {{ values: Record<string, Record<string, string>>, flagColumns: readonly string[] }} labels
 */
function detailValue(key, v, labels) {
  const names = labels.values[key];
  if (names && typeof v === 'string') return names[v] ?? v;
  if (typeof v === 'boolean' || labels.flagColumns.includes(key)) return v && v !== '0' ? '是' : '否';
  if (Array.isArray(v)) return v.join('、');
  if (typeof v === 'object' && v !== null) return Object.values(v).filter((x) => x !== null && x !== '').join(' ');
  if (typeof v === 'number') return nf(2).format(v);
  return String(v);
}

/**
 * The months a series covers at a grain: two years of months or quarters, else from 2023.
 * @param {string} grain
 * @param {string} [today] YYYY-MM-DD, Beijing
 * @returns {{ from: string, to: string }}
 */
export function rangeFor(grain, today = shanghaiToday()) {
  const y = Number(today.slice(0, 4));
  const month = today.slice(0, 7);
  switch (grain) {
    case 'month': {
      const m = Number(today.slice(5, 7));
      const start = new Date(Date.UTC(y, m - 1 - 23, 1));
      return { from: start.toISOString().slice(0, 7), to: month };
    }
    case 'quarter':
      return { from: `${y - 2}-01`, to: month };
    default:
      return { from: `${Math.min(2023, y - 3)}-01`, to: month };
  }
}

/**
 * The freshness line of a status answer: the dot's state and the text.
 * @param {{ projections?: Array<{ name: string, state: string, lagEvents: number, lagSeconds: number }> }} s
 * @param {Record<string, string>} stateNames
 * @returns {{ state: 'live' | 'behind' | 'failed' | 'unknown', freshness: string }}
 */
export function freshnessOf(s, stateNames) {
  const projections = s.projections ?? [];
  const failed = projections.filter((p) => p.state === 'failed');
  const behind = projections.filter((p) => p.state !== 'live' && p.state !== 'failed');
  const lagEvents = Math.max(0, ...projections.map((p) => Number(p.lagEvents) || 0));
  const lagSeconds = Math.max(0, ...projections.map((p) => Number(p.lagSeconds) || 0));
  if (projections.length === 0) return { state: 'unknown', freshness: '无投影状态' };
  if (failed.length > 0) return { state: 'failed', freshness: `投影故障: ${failed.map((p) => p.name).join('、')}` };
  if (behind.length > 0 || lagEvents > 0) {
    const first = behind[0]?.state;
    return { state: 'behind', freshness: `${(first && stateNames[first]) || '追赶中'} · 落后 ${nf(0).format(lagEvents)} 条 / ${nf(0).format(lagSeconds)} 秒` };
  }
  return { state: 'live', freshness: `实时 · 延迟 ${nf(0).format(lagSeconds)} 秒` };
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
