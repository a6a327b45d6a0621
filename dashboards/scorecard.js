// @ts-check
// 部门考核: a lead unit's assessment for one period (GET /api/v1/scorecards/:leadUnit): its KPIs
// with value, target, attainment and changes, its open warnings and its task milestones.

import { isUnauthorized } from './api.js';
import { byId, emptyState, errorState, h } from './dom.js';
import { attainmentView, formatWithUnit, nf, periodName, shanghaiToday, signed } from './format.js';
import { labels } from './labels.js';
import { badgeClass } from './warnings.js';

/** @typedef {import('../contracts/kpis.ts').Scorecard} Scorecard */

/**
 * Wires the 部门考核 tab.
 * @param {{ api: (path: string, params?: Record<string, string>) => Promise<any> }} deps
 */
export function createScorecard(deps) {
  const root = byId('scorecard');
  const form = byId('scorecard-form', HTMLFormElement);
  const unitSelect = byId('sc-unit', HTMLSelectElement);
  const yearSelect = byId('sc-year', HTMLSelectElement);
  const partSelect = byId('sc-part', HTMLSelectElement);
  /** The scorecard on screen (what 导出 downloads); null until one has loaded. */
  /** @type {{ unit: string, period: string } | null} */
  let shown = null;
  let seq = 0;

  /**
   * The lead units of the KPIs (not 各任务牵头单位), and the years from 2023 on.
   * @param {Array<{ leadUnit?: string }>} kpis
   */
  function fillLeadUnits(kpis) {
    const eachTask = labels().eachTaskLead;
    const units = [...new Set(kpis.map((k) => k.leadUnit).filter((u) => u && u !== eachTask))].map(String);
    const current = unitSelect.value;
    if (unitSelect.options.length === units.length && [...unitSelect.options].every((o, i) => o.value === units[i])) return;
    unitSelect.replaceChildren(...units.map((u) => h('option', { value: u }, u)));
    if (units.includes(current)) unitSelect.value = current;
    if (yearSelect.options.length === 0) {
      const y = Number(shanghaiToday().slice(0, 4));
      const years = [];
      for (let year = y; year >= Math.min(2023, y - 3); year--) years.push(year);
      yearSelect.replaceChildren(...years.map((year) => h('option', { value: String(year) }, `${year}年`)));
    }
  }

  /** The period the pickers name (2025, 2025-H1, 2025-Q3), '' without a year. */
  function pickedPeriod() {
    const year = yearSelect.value;
    const part = partSelect.value;
    return year ? (part ? `${year}-${part}` : year) : '';
  }

  async function load() {
    const mine = ++seq;
    const unit = unitSelect.value;
    const period = pickedPeriod();
    if (!unit || !period) {
      root.replaceChildren(emptyState('请选择牵头单位与期间'));
      return;
    }
    root.setAttribute('aria-busy', 'true');
    root.replaceChildren(h('p', { class: 'placeholder' }, '加载中…'));
    try {
      const sc = /** @type {Scorecard} */ (await deps.api(`/scorecards/${encodeURIComponent(unit)}`, { period }));
      // An earlier, slower answer must not replace the one asked for last (nor what 导出 downloads).
      if (mine !== seq) return;
      shown = { unit, period };
      root.replaceChildren(...scorecardView(sc));
    } catch (err) {
      if (mine !== seq || isUnauthorized(err)) return;
      root.replaceChildren(errorState(err, load));
    } finally {
      if (mine === seq) root.setAttribute('aria-busy', 'false');
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });

  return {
    fillLeadUnits,
    load,
    /** On showing the tab: load once a unit is known and nothing is shown yet. */
    loadIfEmpty() {
      if (!root.querySelector('table') && unitSelect.value) load();
    },
    /**
     * What 导出 downloads: the scorecard on screen, else the one the pickers name.
     * @param {string} format
     */
    exportRequest(format) {
      const unit = shown?.unit ?? unitSelect.value;
      const period = shown?.period ?? pickedPeriod();
      if (!unit || !period) return null;
      return { path: `/scorecards/${encodeURIComponent(unit)}`, params: { period }, fallbackName: `${unit}_${period}_考核.${format}` };
    },
  };
}

/**
 * A change on the previous period or year: the percentage when there is one, else the difference.
 * @param {number | null | undefined} pct
 * @param {number | null | undefined} abs
 * @param {string} unit
 * @param {{ period: string, value: number | null } | undefined} ref
 */
function changeCell(pct, abs, unit, ref) {
  const title = ref ? `${periodName(ref.period)}: ${formatWithUnit(ref.value, unit)}` : undefined;
  if (pct !== null && pct !== undefined) {
    const cls = pct > 0 ? 'up' : pct < 0 ? 'down' : 'flat';
    return h('td', { class: `num change ${cls}`, title }, `${pct > 0 ? '▲ ' : pct < 0 ? '▼ ' : ''}${signed(nf(1).format(pct), pct)}%`);
  }
  if (abs !== null && abs !== undefined) {
    const cls = abs > 0 ? 'up' : abs < 0 ? 'down' : 'flat';
    return h('td', { class: `num change ${cls}`, title }, signed(formatWithUnit(abs, unit), abs));
  }
  return h('td', { class: 'num muted', title }, '—');
}

/** @param {Scorecard} sc */
function scorecardView(sc) {
  const out = [
    h('div', { class: 'sc-head' },
      h('h2', {}, `${sc.leadUnit} · ${periodName(sc.period)}考核`),
      h('p', { class: 'muted' }, `统计期间 ${sc.start} 至 ${sc.end} · 牵头任务: ${sc.tasks?.length ? sc.tasks.map((t) => `任务${t}`).join('、') : '无'}`)),
  ];
  const kpis = sc.kpis ?? [];
  if (kpis.length === 0) out.push(emptyState('暂无数据: 该单位本期没有可计算的指标'));
  else
    out.push(
      h('table', { class: 'data sc-table' },
        h('caption', { class: 'sr-only' }, `${sc.leadUnit}${periodName(sc.period)}指标考核表`),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, '指标'),
          h('th', { scope: 'col' }, '任务'),
          h('th', { scope: 'col', class: 'num' }, '本期值'),
          h('th', { scope: 'col', class: 'num' }, '目标值'),
          h('th', { scope: 'col' }, '完成率'),
          h('th', { scope: 'col', class: 'num' }, '环比'),
          h('th', { scope: 'col', class: 'num' }, '同比'),
          sc.warnings ? h('th', { scope: 'col' }, '预警') : null)),
        h('tbody', {}, kpis.map((e) => {
          const unit = e.valueUnit ?? e.unit;
          const att = attainmentView(e.attainment);
          return h('tr', { dataset: { kpi: e.id } },
            h('th', { scope: 'row' }, e.name?.zh ?? e.id),
            h('td', {}, e.task === 'all' ? '全部' : `任务${e.task}`),
            h('td', { class: 'num', dataset: { value: e.value === null ? '' : String(e.value) } }, formatWithUnit(e.value, unit)),
            h('td', { class: 'num' }, e.target === null ? h('span', { class: 'muted' }, '未设目标') : formatWithUnit(e.target, unit)),
            h('td', { class: 'att-cell' }, att
              ? [h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { class: `bar-fill${att.over ? ' over' : ''}`, style: `width:${att.pct}%` })), h('span', { title: `实际完成 ${nf(1).format(att.raw * 100)}%` }, att.text)]
              : h('span', { class: 'muted' }, '—')),
            changeCell(e.changeOnPreviousPct, e.changeOnPrevious, unit, e.previous),
            changeCell(e.changeOnLastYearPct, e.changeOnLastYear, unit, e.lastYear),
            sc.warnings ? h('td', {}, e.warningStatus ? h('span', { class: badgeClass(e.warningStatus) }, e.warningStatus) : h('span', { class: 'muted' }, '—')) : null);
        }))),
    );
  const warnings = (sc.warnings ?? []).filter((w) => w.state === 'open');
  if (sc.warnings) {
    out.push(h('h3', { class: 'sc-sub' }, '预警信息'));
    if (warnings.length === 0) out.push(emptyState('当前无预警'));
    else
      out.push(h('ul', { class: 'warn-list' }, warnings.map((w) =>
        h('li', { dataset: { warning: w.warningId } }, h('span', { class: badgeClass(w.severity) }, w.severity), ' ', w.message))));
  }
  const milestones = sc.milestones ?? [];
  out.push(h('h3', { class: 'sc-sub' }, '任务节点'));
  if (milestones.length === 0) out.push(emptyState('本期无到期任务节点'));
  else
    out.push(
      h('table', { class: 'data ms-table' },
        h('caption', { class: 'sr-only' }, '任务节点完成情况'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, '任务'),
          h('th', { scope: 'col' }, '节点'),
          h('th', { scope: 'col' }, '责任单位'),
          h('th', { scope: 'col' }, '计划完成'),
          h('th', { scope: 'col' }, '状态'),
          h('th', { scope: 'col' }, '完成日期'))),
        h('tbody', {}, milestones.map((m) =>
          h('tr', { dataset: { milestone: m.milestoneId } },
            h('td', {}, `任务${m.task}`),
            h('td', {}, m.title),
            h('td', {}, m.unit),
            h('td', {}, m.dueOn),
            h('td', {}, h('span', { class: `pill ${m.done ? 'ok' : m.overdue ? 'late' : 'open'}` }, m.done ? '已完成' : m.overdue ? `逾期 · ${m.status}` : m.status)),
            h('td', {}, m.completedOn ?? '—'))))),
    );
  return out;
}
