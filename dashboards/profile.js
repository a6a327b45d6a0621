// @ts-check
// 一企一档: the entity profile screen (search box, results, one firm's file) over
// GET /api/v1/entities and GET /api/v1/entities/:id. Plain ES module, loaded by app.js, which
// passes in its DOM and API helpers. Every node is built with h() (text, never innerHTML).
//
// Routing by the URL hash, so a profile is linkable and the back button works:
//   #entity/<id>[?asOf=YYYY-MM-DD]   one profile
//   #entities[?q=<fragment>]         the search tab with its results

import { labels } from './labels.js';

/** @typedef {import('../contracts/entities.ts').EntityProfile} EntityProfile */
/** @typedef {import('../contracts/entities.ts').EntitySearchResult} EntitySearchResult */
/** @typedef {import('../contracts/entities.ts').EntityTagView} EntityTagView */
/** @typedef {{ view: 'entity', id: string, asOf: string } | { view: 'search', q: string }} EntityRoute */

const SEARCH_LIMIT = 50;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The route a hash names, or null.
 * @param {string | null | undefined} hash
 * @returns {EntityRoute | null}
 */
export function parseEntityHash(hash) {
  const m = /^#(entity\/[^?]*|entities)(?:\?(.*))?$/.exec(hash ?? '');
  if (!m) return null;
  const params = new URLSearchParams(m[2] ?? '');
  if (m[1] === 'entities') return { view: 'search', q: params.get('q') ?? '' };
  let id;
  try {
    id = decodeURIComponent(m[1].slice('entity/'.length));
  } catch {
    id = m[1].slice('entity/'.length);
  }
  const asOf = params.get('asOf') ?? '';
  return id ? { view: 'entity', id, asOf: DATE_RE.test(asOf) ? asOf : '' } : null;
}

const shanghaiToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

export const entityHash = (/** @type {string} */ id, /** @type {string} */ asOf = '') => `#entity/${encodeURIComponent(id)}${asOf ? `?asOf=${asOf}` : ''}`;
const searchHash = (/** @type {string} */ q) => (q ? `#entities?q=${encodeURIComponent(q)}` : '#entities');

/**
 * Wires the 一企一档 tab. `deps`: { api, h, selectTab, downloadExport, emptyState, errorState,
 * reasonOf, formatWithUnit, nf, asOfText, isUnauthorized }.
 * @param {{
 *   api: (path: string, params?: Record<string, unknown>) => Promise<any>,
 *   h: (tag: string, attrs?: Record<string, unknown>, ...children: unknown[]) => HTMLElement,
 *   selectTab: (tab: HTMLElement) => void,
 *   downloadExport: (path: string, params: Record<string, unknown>, fallbackName: string) => Promise<{ name: string, asOf: string | null, bytes: number }>,
 *   emptyState: (text?: string) => HTMLElement,
 *   errorState: (err: unknown, retry?: () => void) => HTMLElement,
 *   reasonOf: (err: unknown) => string,
 *   formatWithUnit: (value: unknown, unit: string | null | undefined) => string,
 *   nf: (maxDigits: number, minDigits?: number) => Intl.NumberFormat,
 *   periodName: (label: string) => string,
 *   asOfText: (iso: string | null | undefined) => string,
 *   isUnauthorized: (err: unknown) => boolean,
 * }} deps
 * @returns {{ entityLink(id: string, text: string): HTMLElement, route(): void }}
 */
export function createProfiles(deps) {
  const { api, h, selectTab, emptyState, errorState, reasonOf, nf } = deps;
  const el = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const tab = el('tab-entities');
  const form = el('entity-search-form');
  const input = /** @type {HTMLInputElement} */ (el('entity-q'));
  const results = el('entity-results');
  const profileRoot = el('entity-profile');
  /** @type {{ searchSeq: number, profileSeq: number, shown: string | null, lastQ: string | null, routed: boolean }} */
  const state = { searchSeq: 0, profileSeq: 0, shown: null, lastQ: null, routed: false };

  /**
   * A link to an entity's profile (drill-down rows, search results).
   * @param {string} id
   * @param {string} text
   */
  function entityLink(id, text) {
    return h('a', { href: entityHash(id), class: 'entity-link', dataset: { entity: id }, title: `查看 ${text || id} 的一企一档` }, text || id);
  }

  const tagChips = (/** @type {EntityTagView[] | undefined} */ tags) =>
    h('span', { class: 'chips' }, (tags ?? []).map((t) =>
      h('span', { class: `chip chip-${t.id}`, title: `${t.label}${t.detail ? ` (${t.detail})` : ''}: ${t.since} 起${t.until ? `, 至 ${t.until}` : ''}` }, t.label, t.detail ? h('small', {}, t.detail) : null)));

  // --- search ------------------------------------------------------------------------------

  /** @param {string} q */
  async function search(q) {
    const seq = ++state.searchSeq;
    input.value = q;
    state.lastQ = q;
    if (!q) {
      results.replaceChildren(emptyState('输入企业名称片段 (两个字即可)、统一社会信用代码或主体编号'));
      return;
    }
    results.setAttribute('aria-busy', 'true');
    results.replaceChildren(h('p', { class: 'placeholder' }, '检索中…'));
    try {
      const res = /** @type {EntitySearchResult} */ (await api('/entities', { q, limit: SEARCH_LIMIT }));
      if (seq !== state.searchSeq) return;
      const list = res.entities ?? [];
      if (list.length === 0) {
        results.replaceChildren(emptyState(`未找到与“${q}”匹配的主体`));
        return;
      }
      results.replaceChildren(
        h('p', { class: 'muted small result-count' }, `共 ${nf(0).format(res.total)} 个主体${res.total > list.length ? `, 显示前 ${list.length} 个` : ''}`),
        h('ul', { class: 'entity-list', 'aria-label': '检索结果' }, list.map((e) =>
          h('li', { dataset: { entity: e.id }, class: state.shown === e.id ? 'current' : undefined },
            h('a', { href: entityHash(e.id), class: 'entity-result' },
              h('span', { class: 'er-name' }, e.name || e.id),
              h('span', { class: 'er-meta muted' }, [e.kindLabel, e.street || null, e.park || null, e.industry || null].filter(Boolean).join(' · ')),
              tagChips(e.tags))))),
      );
    } catch (err) {
      if (seq !== state.searchSeq || deps.isUnauthorized(err)) return;
      results.replaceChildren(errorState(err, () => search(q)));
    } finally {
      if (seq === state.searchSeq) results.setAttribute('aria-busy', 'false');
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = input.value.trim();
    const next = searchHash(q);
    // The same hash again fires no hashchange: search directly.
    if (location.hash === next) search(q);
    else location.hash = next;
  });

  // --- one profile ------------------------------------------------------------------------

  /**
   * @param {string} id
   * @param {string} asOf
   */
  async function showProfile(id, asOf) {
    const seq = ++state.profileSeq;
    state.shown = id;
    for (const li of /** @type {NodeListOf<HTMLElement>} */ (results.querySelectorAll('li[data-entity]'))) li.classList.toggle('current', li.dataset.entity === id);
    profileRoot.setAttribute('aria-busy', 'true');
    profileRoot.replaceChildren(h('p', { class: 'placeholder' }, '加载中…'));
    try {
      const p = /** @type {EntityProfile} */ (await api(`/entities/${encodeURIComponent(id)}`, asOf ? { asOf } : undefined));
      if (seq !== state.profileSeq) return;
      profileRoot.replaceChildren(...profileView(p, asOf).filter((x) => x !== null));
      profileRoot.querySelector('h2')?.focus({ preventScroll: false });
    } catch (err) {
      if (seq !== state.profileSeq || deps.isUnauthorized(err)) return;
      if (/** @type {{ status?: number }} */ (err)?.status === 404) profileRoot.replaceChildren(emptyState(`未找到主体 ${id}: 平台尚无该主体的登记或认定记录`));
      else profileRoot.replaceChildren(errorState(err, () => showProfile(id, asOf)));
    } finally {
      if (seq === state.profileSeq) profileRoot.setAttribute('aria-busy', 'false');
    }
  }

  const factRow = (/** @type {string} */ label, /** @type {unknown} */ value) => h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value === null || value === undefined || value === '' ? h('span', { class: 'muted' }, '—') : value));
  /**
   * @param {string} id
   * @param {string} title
   * @param {...unknown} content
   */
  const section = (id, title, ...content) => h('section', { class: 'profile-part', 'aria-labelledby': id, dataset: { part: id } }, h('h3', { id }, title), ...content);

  /**
   * @param {EntityProfile} p
   * @param {string} asOf
   */
  function profileView(p, asOf) {
    const exportStatus = h('p', { class: 'export-status', role: 'status', 'aria-live': 'polite' });
    const exportButton = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'ghost', id: 'entity-export' }, '导出 XLSX'));
    exportButton.addEventListener('click', async () => {
      exportButton.disabled = true;
      exportStatus.className = 'export-status';
      exportStatus.textContent = '正在导出 Excel…';
      try {
        const done = await deps.downloadExport(`/entities/${encodeURIComponent(p.id)}`, { format: 'xlsx', asOf: asOf || undefined }, `${p.name || p.id}_一企一档.xlsx`);
        exportStatus.textContent = `已导出 ${done.name}${done.asOf ? ` · 数据截至 ${deps.asOfText(done.asOf)}` : ''}`;
      } catch (err) {
        exportStatus.className = 'export-status error';
        exportStatus.textContent = `导出失败: ${reasonOf(err)}`;
      } finally {
        exportButton.disabled = false;
      }
    });
    const asOfInput = /** @type {HTMLInputElement} */ (h('input', { type: 'date', id: 'entity-asof', value: asOf || '', max: shanghaiToday() }));
    asOfInput.addEventListener('change', () => {
      const v = asOfInput.value;
      location.hash = entityHash(p.id, DATE_RE.test(v) ? v : '');
    });

    const byEvent = new Map((p.timeline ?? []).map((t) => [t.eventId, t]));
    const jump = (/** @type {string} */ eventId, /** @type {string} */ text) => {
      const target = byEvent.get(eventId);
      return h('button', { type: 'button', class: 'linkish', dataset: { jump: eventId }, title: target ? `${target.occurred} ${target.summary}` : eventId, onclick: () => {
        const li = /** @type {HTMLElement | null} */ (profileRoot.querySelector(`li[data-event="${CSS.escape(eventId)}"]`));
        if (!li) return;
        li.scrollIntoView({ block: 'center' });
        li.classList.remove('flash');
        void li.offsetWidth; // restart the highlight
        li.classList.add('flash');
        li.focus();
      } }, text);
    };

    const out = [
      h('header', { class: 'profile-head' },
        h('div', { class: 'profile-title' },
          h('h2', { id: 'entity-name', tabindex: '-1' }, p.name || p.id),
          h('span', { class: 'pill open' }, p.kindLabel),
          h('span', { class: `pill ${p.inArea ? 'ok' : 'late'}` }, p.inArea ? '区内' : '区外'),
          tagChips(p.tags)),
        h('div', { class: 'profile-actions' },
          h('label', { class: 'asof' }, '数据截至', asOfInput),
          asOf ? h('a', { href: entityHash(p.id), class: 'small' }, '回到最新') : null,
          exportButton,
          exportStatus)),
      p.asOf ? h('p', { class: 'muted small' }, `按 ${deps.asOfText(p.asOf)} 时平台已知的记录`) : null,
      h('dl', { class: 'facts' },
        factRow(p.kind === 'enterprise' ? '统一社会信用代码' : '主体编号', h('span', { class: 'mono' }, p.uscc ?? p.id)),
        factRow('主体类型', p.kindLabel),
        factRow('街道', p.street),
        factRow('园区', p.park),
        factRow('产业', p.industry),
        factRow('成立日期', p.establishedOn),
        factRow('是否在区内', p.inArea ? '是' : '否')),
    ];

    const statuses = p.statuses ?? [];
    out.push(section('entity-statuses', '资质与身份', statuses.length === 0 ? emptyState('暂无资质记录') :
      h('table', { class: 'data status-table' },
        h('thead', {}, h('tr', {}, ['资质', '级别', '起始', '截止', '状态', '结束方式'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, statuses.map((s) => h('tr', { dataset: { status: s.id } },
          h('th', { scope: 'row' }, s.label),
          h('td', {}, s.detail ?? '—'),
          h('td', {}, s.since),
          h('td', {}, s.until ?? '长期'),
          h('td', {}, h('span', { class: `pill ${s.current ? 'ok' : 'late'}` }, s.current ? '有效' : '已失效')),
          h('td', {}, s.endedBy ? `${s.current ? '将' : ''}${labels().endedBy[s.endedBy] ?? s.endedBy}` : '—'))))),
    ));

    const financials = p.financials ?? [];
    if (financials.length > 0 || p.kind === 'enterprise')
      out.push(section('entity-financials', '年度财务', financials.length === 0 ? emptyState('暂无年报数据') :
        h('table', { class: 'data' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '年度'), h('th', { scope: 'col', class: 'num' }, '营业收入'), h('th', { scope: 'col', class: 'num' }, '研发费用'), h('th', { scope: 'col', class: 'num' }, '研发投入强度'))),
          h('tbody', {}, financials.map((f) => h('tr', {},
            h('th', { scope: 'row' }, `${f.fiscalYear}年`),
            h('td', { class: 'num' }, deps.formatWithUnit(f.revenue, '万元')),
            h('td', { class: 'num' }, f.rdExpense === null ? '—' : deps.formatWithUnit(f.rdExpense, '万元')),
            h('td', { class: 'num' }, f.rdExpense !== null && f.revenue > 0 ? `${nf(2).format((f.rdExpense / f.revenue) * 100)}%` : '—'))))),
      ));

    const kpis = p.kpis ?? [];
    out.push(section('entity-kpis', '计入指标', kpis.length === 0 ? emptyState('目前不计入任何指标') :
      h('table', { class: 'data kpi-membership' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '指标'), h('th', { scope: 'col' }, '期间'), h('th', { scope: 'col', class: 'num' }, '计入'), h('th', { scope: 'col' }, '原因'))),
        h('tbody', {}, kpis.map((k) => h('tr', { dataset: { kpi: k.kpiId } },
          h('th', { scope: 'row' }, k.name),
          h('td', {}, deps.periodName(k.period)),
          h('td', { class: 'num' }, `${deps.formatWithUnit(k.contribution, k.unit)}${k.denominator ? ` / ${nf(2).format(k.denominator)}` : ''}`),
          h('td', { class: 'reason' }, k.reason))))),
    ));

    const timeline = p.timeline ?? [];
    out.push(section('entity-timeline', `时间线 (${nf(0).format(timeline.length)} 条)`, timeline.length === 0 ? emptyState('暂无事件') :
      h('ol', { class: 'timeline' }, timeline.map((t) => h('li', { dataset: { event: t.eventId }, tabindex: '-1', class: t.supersededBy ? 'superseded' : undefined },
        h('time', { datetime: t.occurred, class: 'tl-date' }, t.occurred),
        h('div', { class: 'tl-body' },
          h('span', { class: 'tl-summary' }, t.summary || t.type),
          h('span', { class: 'tl-meta muted' },
            t.sourceUnit ? h('span', { class: 'tl-unit' }, t.sourceUnit) : null,
            h('span', { title: `记录于 ${t.recordedAt} · 事件库位置 #${t.position}` }, `记录于 ${deps.asOfText(t.recordedAt)}`),
            t.supersedes ? jump(t.supersedes, '更正了此前记录') : null,
            t.supersededBy ? jump(t.supersededBy, '已被更正 → 查看更正') : null))))),
    ));
    return out;
  }

  // --- routing ----------------------------------------------------------------------------

  function route() {
    const r = parseEntityHash(location.hash);
    if (!r) {
      // Back from a profile to an address without one: leave the tab for the overview.
      if (state.routed && tab.getAttribute('aria-selected') === 'true') selectTab(el('tab-overview'));
      state.routed = false;
      return;
    }
    state.routed = true;
    const dialog = /** @type {HTMLDialogElement | null} */ (document.getElementById('detail'));
    if (dialog?.open) dialog.close();
    if (tab.getAttribute('aria-selected') !== 'true') selectTab(tab);
    if (r.view === 'search') {
      state.profileSeq++;
      state.shown = null;
      profileRoot.replaceChildren(h('p', { class: 'placeholder' }, '点击检索结果查看一企一档'));
      // Back from a profile to its results: keep them as they were (a new submit searches again).
      if (r.q !== state.lastQ || !results.querySelector('.entity-list')) search(r.q);
      else for (const li of results.querySelectorAll('li.current')) li.classList.remove('current');
      input.focus();
    } else {
      if (state.lastQ === null) results.replaceChildren(emptyState('输入企业名称片段 (两个字即可)、统一社会信用代码或主体编号'));
      showProfile(r.id, r.asOf);
    }
  }

  window.addEventListener('hashchange', route);
  // The tab chosen by hand (click or arrow keys): the address follows, so back returns to what was
  // shown. pushState fires no hashchange; route() itself only selects the tab the address names.
  new MutationObserver(() => {
    const selected = tab.getAttribute('aria-selected') === 'true';
    const named = parseEntityHash(location.hash);
    if (selected && !named) {
      history.pushState(null, '', searchHash(state.lastQ ?? ''));
      state.routed = true;
    } else if (!selected && named) {
      history.pushState(null, '', location.pathname + location.search);
      state.routed = false;
    }
  }).observe(tab, { attributes: true, attributeFilter: ['aria-selected'] });

  return { entityLink, route };
}
