// @ts-check
// 监测评估报告: the periodic assessment reports. The issued ones (GET /api/v1/reports, each
// reproducible from its asOf) and, for a chosen period, the report itself (GET /api/v1/reports/:period):
// its lead sentences, what moved per KPI, restatements and warnings, with PDF and Excel downloads.
// Plain ES module, loaded by app.js, which passes in its DOM and API helpers. Every node is built
// with h() (text, never innerHTML).

/** @typedef {import('../contracts/reports.ts').Report} Report */
/** @typedef {{ period: string, asOf: string, issuedAt: string, sha256: { xlsx: string, pdf: string } }} Issued */

import { closedPeriods, periodName } from './format.js';

/**
 * Wires the 监测评估报告 tab (app.js passes in its helpers).
 * @param {{
 *   api: (path: string, params?: Record<string, unknown>) => Promise<unknown>,
 *   h: (tag: string, attrs?: Record<string, unknown>, ...children: unknown[]) => HTMLElement,
 *   emptyState: (text?: string) => HTMLElement,
 *   errorState: (err: unknown, retry?: () => void) => HTMLElement,
 *   download: (path: string, params: Record<string, unknown>, fallbackName: string) => Promise<{ name: string, asOf: string | null, bytes: number }>,
 *   asOfText: (iso: string | null) => string,
 * }} deps
 * @returns {{ load(): Promise<void> }}
 */
export function createReports(deps) {
  const { api, h, emptyState, errorState, download, asOfText } = deps;
  const el = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const form = /** @type {HTMLFormElement} */ (el('reports-form'));
  const periodSel = /** @type {HTMLSelectElement} */ (el('rp-period'));
  const status = el('rp-status');
  const issuedRoot = el('reports-issued');
  const root = el('report');
  let seq = 0;

  const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

  /** Downloads one file of a period; with `asOf`, exactly the file issued then. */
  async function save(/** @type {string} */ period, /** @type {'pdf' | 'xlsx'} */ format, /** @type {string | undefined} */ asOf) {
    status.textContent = `正在生成 ${periodName(period)} ${format === 'pdf' ? 'PDF' : 'Excel'}…（大量数据时需一至数分钟）`;
    try {
      const done = await download(`/${period}`, { format, ...(asOf ? { asOf } : {}) }, `监测评估报告_${period}.${format}`);
      status.textContent = `已下载 ${done.name}${done.asOf ? ` · 数据截至 ${asOfText(done.asOf)}` : ''}`;
    } catch (err) {
      status.textContent = `下载失败: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  function issuedTable(/** @type {Issued[]} */ reports) {
    if (reports.length === 0) return emptyState('尚无按期发布的报告（每月、季度、半年、年度结束后自动发布）');
    return h('table', { class: 'table' },
      h('caption', {}, '已发布报告'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '报告期'), h('th', { scope: 'col' }, '数据截至'), h('th', { scope: 'col' }, '下载'))),
      h('tbody', {}, ...reports.map((r) =>
        h('tr', { dataset: { period: r.period } },
          h('th', { scope: 'row' }, periodName(r.period)),
          h('td', {}, asOfText(r.asOf)),
          h('td', {},
            h('button', { type: 'button', class: 'ghost', onclick: () => save(r.period, 'pdf', r.asOf), 'aria-label': `下载 ${periodName(r.period)} PDF` }, 'PDF'),
            ' ',
            h('button', { type: 'button', class: 'ghost', onclick: () => save(r.period, 'xlsx', r.asOf), 'aria-label': `下载 ${periodName(r.period)} Excel` }, 'Excel'))))));
  }

  function reportView(/** @type {Report} */ r) {
    const byId = new Map(r.kpis.map((k) => [k.id, k]));
    return h('article', { class: 'report', 'aria-label': r.title },
      h('h2', {}, r.title),
      h('p', { class: 'muted' }, `报告期 ${r.start} 至 ${r.end} · 数据截至 ${asOfText(r.asOf)}`),
      h('ul', { class: 'highlights' }, ...r.summary.highlights.map((s) => h('li', {}, s))),
      ...r.dimensions.filter((d) => d.kpiIds.length > 0).map((d) =>
        h('section', { class: 'report-dim' },
          h('h3', {}, `${d.name}（${d.kpiIds.length} 项）`),
          ...d.kpiIds.map((id) => byId.get(id)).filter((k) => k !== undefined).map((k) =>
            h('div', { class: 'report-kpi', dataset: { kpi: k.id } },
              h('h4', {}, k.name, k.status ? h('span', { class: `warn-badge ${k.status === '预警' ? 'warn-red' : k.status === '关注' ? 'warn-amber' : 'warn-ok'}` }, k.status) : ''),
              ...k.sentences.map((s) => h('p', {}, s)))))),
      h('section', { class: 'report-dim' },
        h('h3', {}, '数据重述'),
        ...(r.restatements.length ? r.restatements.map((s) => h('p', {}, s.sentence)) : [h('p', { class: 'muted' }, '已发布的上期及上年同期报告数值均未变动')])));
  }

  async function show(/** @type {string} */ period) {
    const mine = ++seq;
    root.setAttribute('aria-busy', 'true');
    root.replaceChildren(h('p', { class: 'placeholder' }, `正在生成 ${periodName(period)} 的报告…（大量数据时需一至数分钟）`));
    try {
      const r = /** @type {Report} */ (await api(`/reports/${period}`));
      if (mine !== seq) return;
      root.replaceChildren(reportView(r));
    } catch (err) {
      if (mine === seq) root.replaceChildren(errorState(err, () => show(period)));
    } finally {
      if (mine === seq) root.removeAttribute('aria-busy');
    }
  }

  async function load() {
    if (periodSel.options.length === 0) periodSel.replaceChildren(...closedPeriods(today()).map((p) => h('option', { value: p }, periodName(p))));
    try {
      const res = /** @type {{ reports: Issued[] }} */ (await api('/reports'));
      issuedRoot.replaceChildren(issuedTable(res.reports));
    } catch (err) {
      issuedRoot.replaceChildren(errorState(err, () => load()));
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    show(periodSel.value);
  });
  el('rp-pdf').addEventListener('click', () => save(periodSel.value, 'pdf', undefined));
  el('rp-xlsx').addEventListener('click', () => save(periodSel.value, 'xlsx', undefined));

  return { load };
}
