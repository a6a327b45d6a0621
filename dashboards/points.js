// @ts-check
// 创新积分: the innovation-points ranking over GET /api/v1/points (a year's ranking within the
// set's revenue-stage groups) and GET /api/v1/points/:id (one firm's points per indicator with the
// figures read). Sets, groups and category names come from the API (GET /api/v1/points/sets), never
// copied here. Plain ES module, loaded by app.js, which passes in its DOM and API helpers. Every node
// is built with h() (text, never innerHTML); firm names link to the firm's file (#entity/<id>).

/** @typedef {import('../contracts/points.ts').PointsRanking} Ranking */
/** @typedef {import('../contracts/points.ts').PointsBreakdown} Breakdown */
/** @typedef {import('../contracts/points.ts').IndicatorSet} IndicatorSet */

const PAGE = 100;

/**
 * Wires the 创新积分 tab (app.js passes in its helpers).
 * @param {{
 *   api: (path: string, params?: Record<string, unknown>) => Promise<unknown>,
 *   h: (tag: string, attrs?: Record<string, unknown>, ...children: unknown[]) => HTMLElement,
 *   emptyState: (text?: string) => HTMLElement,
 *   errorState: (err: unknown, retry?: () => void) => HTMLElement,
 *   nf: (maxDigits: number, minDigits?: number) => Intl.NumberFormat,
 *   entityLink: (id: string, text: string) => HTMLElement,
 *   downloadExport: (path: string, params: Record<string, unknown>, fallbackName: string) => Promise<{ name: string, asOf: string | null, bytes: number }>,
 * }} deps
 * @returns {{ load(): Promise<void> }}
 */
export function createPoints(deps) {
  const { api, h, emptyState, errorState, nf, entityLink, downloadExport } = deps;
  const el = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const form = /** @type {HTMLFormElement} */ (el('points-form'));
  const yearSel = /** @type {HTMLSelectElement} */ (el('pt-year'));
  const setSel = /** @type {HTMLSelectElement} */ (el('pt-set'));
  const groupSel = /** @type {HTMLSelectElement} */ (el('pt-group'));
  const root = el('points');
  const detail = el('points-detail');
  const status = el('pt-export-status');
  /** @type {IndicatorSet[]} */
  let sets = [];
  let seq = 0;
  let detailSeq = 0;

  const pts = (/** @type {number} */ x) => nf(2).format(x);

  /** Fills the year and set pickers once: years from the first set's to last year, sets from the API. */
  async function init() {
    if (sets.length > 0) return;
    const res = /** @type {{ sets: IndicatorSet[] }} */ (await api('/points/sets'));
    sets = res.sets;
    const last = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear() - 1;
    const first = Math.min(...sets.map((s) => s.effectiveFrom), last);
    yearSel.replaceChildren(...Array.from({ length: last - first + 1 }, (_, k) => last - k).map((y) => h('option', { value: String(y) }, `${y} 年度`)));
    setSel.replaceChildren(h('option', { value: '' }, '按年度默认'), ...sets.map((s) => h('option', { value: s.id }, s.name)));
    fillGroups();
  }

  /** The groups of the chosen set (or of the year's default set). */
  function fillGroups() {
    const year = Number(yearSel.value);
    const set = sets.find((s) => s.id === setSel.value) ?? [...sets].reverse().find((s) => s.effectiveFrom <= year) ?? sets[0];
    const current = groupSel.value;
    groupSel.replaceChildren(h('option', { value: '' }, '全部分组'), ...(set?.groups ?? []).map((g) => h('option', { value: g.id }, g.name)));
    if (Array.from(groupSel.options).some((o) => o.value === current)) groupSel.value = current;
  }

  const params = () => ({ year: yearSel.value, set: setSel.value, group: groupSel.value });

  /** @param {Ranking} r */
  function table(r) {
    return h('table', { class: 'data points-table' },
      h('caption', { class: 'muted' }, `${r.set.name} · ${r.year} 年度 · 满分 ${r.set.maxPoints} · 组内排名并列同名次 (1, 2, 2, 4)`),
      h('thead', {}, h('tr', {},
        ['分组', '组内排名', '企业', '街道', '总积分', ...r.categories.map((c) => `${c.name} (${c.maxPoints})`), ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, r.rows.map((row) =>
        h('tr', { dataset: { entity: row.entityId, group: row.group.id } },
          h('td', {}, row.group.name),
          h('td', { class: 'num' }, `${row.rank} / ${row.groupSize}`),
          h('th', { scope: 'row' }, entityLink(row.entityId, row.name)),
          h('td', {}, row.street),
          h('td', { class: 'num total' }, pts(row.total)),
          r.categories.map((c) => h('td', { class: 'num' }, pts(row.categories[c.id] ?? 0))),
          h('td', {}, h('button', { type: 'button', class: 'ghost', onclick: () => showDetail(row.entityId), 'aria-label': `${row.name} 的积分明细` }, '明细'))))));
  }

  async function load() {
    const mine = ++seq;
    try {
      await init();
    } catch (err) {
      if (mine === seq) root.replaceChildren(errorState(err, () => void load()));
      return;
    }
    root.setAttribute('aria-busy', 'true');
    root.replaceChildren(h('p', { class: 'placeholder' }, '加载中…'));
    try {
      const r = /** @type {Ranking} */ (await api('/points', { ...params(), limit: PAGE }));
      if (mine !== seq) return;
      const sizes = r.groups.map((g) => `${g.name} ${nf(0).format(g.firms)} 家`).join(' · ');
      root.replaceChildren(
        h('p', { class: 'muted small' }, `共 ${nf(0).format(r.total)} 家企业评分${r.total > r.rows.length ? `, 显示前 ${r.rows.length} 家` : ''}; ${sizes}`),
        r.rows.length === 0 ? emptyState('该年度尚无企业年报, 无积分') : table(r),
      );
    } catch (err) {
      if (mine === seq) root.replaceChildren(errorState(err, () => void load()));
    } finally {
      if (mine === seq) root.setAttribute('aria-busy', 'false');
    }
  }

  /** @param {Breakdown} b */
  function breakdownView(b) {
    const categoryName = new Map(b.categories.map((c) => [c.id, c.name]));
    return [
      h('h3', { tabindex: '-1' }, `${b.name} · ${b.year} 年度积分 ${pts(b.total)} / ${b.set.maxPoints}`),
      h('p', { class: 'muted' }, `${b.set.name} · ${b.group.name} 组内第 ${b.rank} 名 (共 ${b.groupSize} 家) · `, entityLink(b.entityId, '查看一企一档')),
      h('table', { class: 'data points-breakdown' },
        h('thead', {}, h('tr', {}, ['类别', '指标', '取值', '计分规则', '得分', '满分'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, b.indicators.map((i) =>
          h('tr', { dataset: { indicator: i.id } },
            h('td', {}, categoryName.get(i.category) ?? i.category),
            h('th', { scope: 'row' }, i.name),
            h('td', { class: 'num' }, i.value === null ? '无' : i.unit === '是/否' ? (i.value >= 1 ? '是' : '否') : `${nf(2).format(i.value)} ${i.unit}`),
            h('td', { class: 'small' }, i.rule),
            h('td', { class: 'num' }, pts(i.points)),
            h('td', { class: 'num' }, pts(i.maxPoints))))),
        h('tfoot', {}, b.categories.map((c) =>
          h('tr', {}, h('th', { scope: 'row', colspan: '4' }, `${c.name} 小计`), h('td', { class: 'num' }, pts(c.points)), h('td', { class: 'num' }, pts(c.maxPoints)))))),
    ];
  }

  /** @param {string} id */
  async function showDetail(id) {
    const mine = ++detailSeq;
    detail.replaceChildren(h('p', { class: 'placeholder' }, '加载中…'));
    try {
      const { year, set } = params();
      const b = /** @type {Breakdown} */ (await api(`/points/${encodeURIComponent(id)}`, { year, set }));
      if (mine !== detailSeq) return;
      detail.replaceChildren(...breakdownView(b));
      detail.querySelector('h3')?.focus();
    } catch (err) {
      if (mine === detailSeq) detail.replaceChildren(errorState(err, () => void showDetail(id)));
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    detail.replaceChildren();
    void load();
  });
  yearSel.addEventListener('change', fillGroups);
  setSel.addEventListener('change', fillGroups);
  for (const button of Array.from(form.querySelectorAll('button[data-format]'))) {
    const b = /** @type {HTMLButtonElement} */ (button);
    b.addEventListener('click', async () => {
      const format = b.dataset.format ?? 'xlsx';
      const { year, set } = params();
      status.textContent = '导出中…';
      try {
        const done = await downloadExport('/points', { year, set, format }, `创新积分_${year}.${format}`);
        status.textContent = `已导出 ${done.name}`;
      } catch (err) {
        status.textContent = `导出失败: ${err instanceof Error ? err.message : String(err)}`;
      }
    });
  }

  return { load };
}
