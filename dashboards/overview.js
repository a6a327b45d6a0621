// @ts-check
// 指标总览: the P1 KPI cards grouped by assessment dimension (names from the API's labels); the P2
// ones in a section of their own, collapsed unless the viewer opens it (remembered for the tab).
// Cards carry the worst open warning of their KPI; live changes redraw single cards in place.

import { isUnauthorized } from './api.js';
import { byId, emptyState, errorState, h } from './dom.js';
import { attainmentView, formatValue, formatWithUnit, nf, periodName, shanghaiToday } from './format.js';
import { ensureLabels, labels } from './labels.js';
import { badgeClass, warningsByKpi } from './warnings.js';

/** @typedef {import('./catalog.js').Kpi} Kpi */
/** @typedef {import('./catalog.js').Catalog} Catalog */
/** @typedef {import('./warnings.js').Warning} Warning */

const P2_STORAGE = 'brain.overview.p2';
/** The overview reloads when the store moved on, but not more often than this. */
const MIN_INTERVAL_MS = 30_000;

/**
 * Wires the 指标总览 tab.
 * @param {{
 *   api: (path: string) => Promise<any>,
 *   catalog: Catalog,
 *   openDetail: (id: string) => void,
 *   onKpis: (kpis: Kpi[]) => void,
 * }} deps `onKpis` hears every KPI list read (the scorecard's lead units come from it)
 */
export function createOverview(deps) {
  const { api, catalog } = deps;
  const root = byId('overview');
  let loadedAt = 0;
  /** Per KPI, its worst open warning (预警 / 关注) and their messages; empty until /warnings answered. */
  let kpiWarnings = /** @type {ReturnType<typeof warningsByKpi>} */ (new Map());
  let showP2 = (() => {
    try {
      return sessionStorage.getItem(P2_STORAGE) === 'open';
    } catch {
      return false;
    }
  })();

  function toggleP2() {
    showP2 = !showP2;
    try {
      sessionStorage.setItem(P2_STORAGE, showP2 ? 'open' : 'closed');
    } catch {
      /* the switch still works for this page */
    }
    load({ quiet: true }).then(() => document.getElementById('p2-toggle')?.focus());
  }

  /**
   * The P2 KPIs (later-phase indicators), ordered by dimension, behind a disclosure switch.
   * @param {Kpi[]} list
   */
  function p2Section(list) {
    if (list.length === 0) return null;
    const order = labels().dimensions.map((d) => d.code);
    const rank = (/** @type {Kpi} */ k) => order.indexOf(/** @type {typeof order[number]} */ (k.dimension));
    const sorted = [...list].sort((a, b) => rank(a) - rank(b));
    return h('section', { class: 'dim dim-p2', 'aria-labelledby': 'dim-P2', style: `--n:${showP2 ? list.length : 1}`, dataset: { dim: 'P2' } },
      h('h2', { id: 'dim-P2', class: 'p2-title' }, h('span', { class: 'dim-code', 'aria-hidden': 'true' }, '2'), 'P2 指标',
        h('span', { class: 'dim-count' }, `${list.length} 项`),
        h('button', { type: 'button', id: 'p2-toggle', class: 'ghost p2-toggle', 'aria-expanded': String(showP2), 'aria-controls': 'p2-cards', onclick: toggleP2 }, showP2 ? '收起' : '展开')),
      showP2 ? h('div', { class: 'cards', id: 'p2-cards' }, sorted.map(card)) : null);
  }

  /**
   * Reads the KPIs (and the labels, once) and draws the cards.
   * @param {{ quiet?: boolean }} [options] quiet: a refresh that keeps what is shown on failure
   */
  async function load({ quiet = false } = {}) {
    loadedAt = Date.now();
    if (!quiet) {
      root.setAttribute('aria-busy', 'true');
      if (!root.querySelector('.dim')) root.replaceChildren(h('p', { class: 'placeholder' }, '加载中…'));
    }
    try {
      const [{ kpis }] = /** @type {[{ kpis: Kpi[] }, void, unknown]} */ (await Promise.all([api('/kpis'), loadWarnings(), ensureLabels(api)]));
      const p1 = kpis.filter((k) => (k.priority ?? 'P1') === 'P1');
      catalog.set(await Promise.all(kpis.map((k) => (p1.includes(k) || showP2 ? catalog.definitionOf(k) : k))));
      deps.onKpis(kpis);
      const shown = catalog.all().filter((k) => (k.priority ?? 'P1') === 'P1');
      if (shown.length === 0) {
        root.replaceChildren(emptyState('暂无数据: 指标目录为空'));
        return;
      }
      const sections = [];
      const dimensions = labels().dimensions;
      const known = new Set(dimensions.map((d) => String(d.code)));
      for (const dim of [...dimensions, { code: '?', zh: '其他指标' }]) {
        const list = shown.filter((k) => (dim.code === '?' ? !known.has(k.dimension ?? '') : k.dimension === dim.code));
        if (list.length === 0) continue;
        sections.push(
          h('section', { class: 'dim', 'aria-labelledby': `dim-${dim.code}`, style: `--n:${list.length}`, dataset: { dim: dim.code } },
            h('h2', { id: `dim-${dim.code}`, class: 'dim-title' }, h('span', { class: 'dim-code', 'aria-hidden': 'true' }, dim.code), dim.zh, h('span', { class: 'dim-count' }, `${list.length} 项`)),
            h('div', { class: 'cards' }, list.map(card))),
        );
      }
      const p2 = p2Section(catalog.all().filter((k) => k.priority === 'P2'));
      if (p2) sections.push(p2);
      // A quiet refresh must not steal the focus of someone moving through the cards.
      const active = document.activeElement;
      const focused = active instanceof HTMLElement ? /** @type {HTMLElement | null} */ (active.closest('.card'))?.dataset.kpi : undefined;
      root.replaceChildren(...sections);
      if (focused) /** @type {HTMLElement | null} */ (root.querySelector(`.card[data-kpi="${CSS.escape(focused)}"]`))?.focus();
    } catch (err) {
      if (isUnauthorized(err)) return;
      if (quiet && root.querySelector('.dim')) return;
      root.replaceChildren(errorState(err, () => load()));
    } finally {
      root.setAttribute('aria-busy', 'false');
    }
  }

  /** Reads the open warnings; a platform without early warning (404) or a failure leaves the cards without badges. */
  async function loadWarnings() {
    try {
      const { warnings } = /** @type {{ warnings?: Warning[] }} */ (await api('/warnings'));
      kpiWarnings = warningsByKpi(warnings ?? []);
    } catch {
      /* badges are an addition: the cards still show */
    }
  }

  /** @param {string} id */
  const cardOf = (id) => document.querySelector(`#overview .card[data-kpi="${CSS.escape(id)}"]`);

  /** @param {Kpi} k */
  function card(k) {
    const unit = k.valueUnit ?? k.unit;
    const warning = kpiWarnings.get(k.id);
    const latest = k.latest;
    const hasValue = !!latest && latest.value !== null && latest.value !== undefined;
    const value = hasValue ? formatValue(latest.value, unit) : null;
    const att = hasValue ? attainmentView(latest.attainment) : null;
    const thisYear = shanghaiToday().slice(0, 4);
    // Cards show this year to date; yearly statistics show last year, and say so.
    const periodText = latest ? (latest.period === thisYear ? `${thisYear}年初至今` : periodName(latest.period)) : '';
    const hasTarget = hasValue && latest.target !== null && latest.target !== undefined;
    const failed = k.state === 'error';
    const name = k.name ?? { zh: k.id, en: '' };
    const label = `${name.zh}: ${value ? `${value.text} ${value.unit} (${periodText})` : failed ? '查询失败' : '暂无数据'}${hasTarget ? `, 目标 ${formatWithUnit(latest.target, unit)}` : ''}${att ? `, 完成率 ${att.text}` : ''}${warning ? `, ${warning.status}` : ''}。查看详情`;
    return h('button', { type: 'button', class: `card${hasValue ? '' : failed ? ' card-error' : ' card-empty'}`, dataset: { kpi: k.id, state: k.state ?? '' }, 'aria-label': label, title: name.en ? `${name.zh} (${name.en})` : name.zh, onclick: () => deps.openDetail(k.id) },
      // The badge leads the name: a long name is clipped at two lines, the badge never.
      h('span', { class: 'card-name' },
        warning ? h('em', { class: badgeClass(warning.status), dataset: { status: warning.status }, title: warning.messages.join('\n') }, warning.status) : null,
        name.zh),
      value && latest
        ? h('span', { class: 'card-value' },
            h('b', { class: 'value', dataset: { value: String(latest.value) } }, value.text),
            h('small', { class: 'unit' }, value.unit),
            latest.period !== thisYear ? h('small', { class: 'period-tag' }, periodText) : null)
        : failed
          ? h('span', { class: 'card-value card-failed', role: 'status', title: k.error?.message ?? '' }, '查询失败')
          : h('span', { class: 'card-value card-novalue' }, '暂无数据'),
      h('span', { class: 'bar', 'aria-hidden': 'true' }, att ? h('span', { class: `bar-fill${att.over ? ' over' : ''}`, style: `width:${att.pct}%` }) : null),
      h('span', { class: 'card-meta' },
        h('span', { class: 'target' }, hasTarget ? `目标 ${formatWithUnit(latest.target, unit)}` : '未设目标'),
        att ? h('span', { class: 'att-text', title: `实际完成 ${nf(1).format(att.raw * 100)}%` }, `完成率 ${att.text}`, att.over ? h('em', { class: 'badge' }, '超额') : null) : null),
    );
  }

  return {
    load,
    /** The store moved on: reload quietly, unless the cards were drawn a moment ago. */
    refreshIfStale() {
      if (Date.now() - loadedAt >= MIN_INTERVAL_MS) load({ quiet: true });
    },
    /**
     * Live value changes: re-read the list and redraw the cards of these KPIs in place.
     * @param {Set<string>} ids
     */
    async applyChanges(ids) {
      try {
        const { kpis } = /** @type {{ kpis: Kpi[] }} */ (await api('/kpis'));
        for (const k of kpis) {
          if (!ids.has(k.id)) continue;
          const merged = catalog.merge(k);
          const old = cardOf(k.id);
          if (!old) continue;
          const fresh = card(merged);
          fresh.classList.add('card-updated');
          const hadFocus = document.activeElement === old;
          old.replaceWith(fresh);
          if (hadFocus) fresh.focus();
        }
      } catch {
        /* the next change or the status poll tries again */
      }
    },
    /** A raised or cleared warning: re-read the warnings and redraw the cards whose badge changed. */
    async applyWarningChange() {
      const before = kpiWarnings;
      await loadWarnings();
      for (const k of catalog.all()) {
        if ((before.get(k.id)?.status ?? '') === (kpiWarnings.get(k.id)?.status ?? '')) continue;
        cardOf(k.id)?.replaceWith(card(k));
      }
    },
    /** After 退出. */
    clear() {
      root.replaceChildren(h('p', { class: 'placeholder' }, '已退出'));
    },
  };
}
