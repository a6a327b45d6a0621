// @ts-check
// 指标详情: the detail dialog of one KPI: its series as an ECharts chart at the chosen grain, and
// the drill-down (the entities behind the value) of the period picked on the chart or the list.

import { reasonOf } from './api.js';
import { byId, emptyState, errorState, h } from './dom.js';
import { seriesChartOption } from './chart.js';
import { drillTable } from './drilldown.js';
import { attainmentView, formatWithUnit, nf, periodName, rangeFor } from './format.js';
import { labels } from './labels.js';

/** @typedef {import('./catalog.js').Kpi} Kpi */
/** @typedef {import('./catalog.js').Catalog} Catalog */
/** @typedef {import('../contracts/kpis.ts').KpiPoint} KpiPoint */
/** @typedef {import('../contracts/kpis.ts').DrilldownRow} DrilldownRow */
/**
 * The part of an ECharts instance used here.
 * @typedef {{
 *   setOption(option: object, opts?: object): void,
 *   resize(): void,
 *   on(event: string, handler: (p: { dataIndex: number }) => void): void,
 *   dispatchAction(action: object): void,
 * }} Chart
 */

const ALL_GRAINS = ['month', 'quarter', 'half', 'year'];

/**
 * Wires the detail dialog.
 * @param {{
 *   api: (path: string, params?: Record<string, string>) => Promise<any>,
 *   catalog: Catalog,
 *   entityLink: (id: string, text: string) => HTMLElement,
 * }} deps
 */
export function createDetail(deps) {
  const { api, catalog } = deps;
  const dialog = byId('detail', HTMLDialogElement);
  const chartState = byId('chart-state');
  const drill = byId('drill');
  const drillSummary = byId('drill-summary');
  const drillPeriod = byId('drill-period', HTMLSelectElement);
  const drillTitle = byId('drill-title');
  const grainSwitch = byId('grain-switch');
  const grainButtons = () => /** @type {HTMLButtonElement[]} */ ([...grainSwitch.querySelectorAll('button[data-grain]')]);
  const state = {
    /** @type {Kpi | null} */
    kpi: null,
    grain: 'quarter',
    /** @type {KpiPoint[]} */
    series: [],
    /** @type {string | null} */
    period: null,
    unit: '',
    /** @type {Chart | null} */
    chart: null,
    seq: 0,
  };

  /** @param {string} id */
  async function open(id) {
    const base = catalog.find(id);
    const k = await catalog.definitionOf(base ?? { id });
    state.kpi = k;
    const grains = (k.grains ?? ALL_GRAINS).filter((g) => g !== 'ytd');
    if (!grains.includes(/** @type {any} */ (state.grain))) state.grain = grains.includes('quarter') ? 'quarter' : grains[grains.length - 1] ?? 'year';
    const names = labels();
    for (const b of grainButtons()) {
      const grain = b.dataset.grain ?? '';
      b.disabled = !grains.includes(/** @type {any} */ (grain));
      b.title = b.disabled ? `该指标不支持按${names.grains[grain] ?? grain}统计` : '';
    }
    byId('detail-title').textContent = k.name?.zh ?? id;
    byId('detail-export-status').textContent = '';
    const dim = names.dimensions.find((d) => d.code === k.dimension);
    const meta = byId('detail-meta');
    meta.textContent = [
      dim ? `${dim.zh} (${dim.code})` : null,
      k.task === 'all' ? '全部任务' : k.task ? `任务${k.task}` : null,
      k.leadUnit ? `牵头单位: ${k.leadUnit}` : null,
      k.unit ? `单位: ${k.unit}` : null,
      (k.kind && names.kpiKinds[k.kind]) ?? null,
      '点击图中期间查看明细',
    ].filter(Boolean).join(' · ');
    // The catalog's definitions are written in English: offered on hover, not as screen text.
    meta.title = k.definition ?? '';
    if (!dialog.open) dialog.showModal();
    state.unit = k.valueUnit ?? k.unit ?? '';
    await loadSeries();
  }

  function setGrainButtons() {
    for (const b of grainButtons()) b.setAttribute('aria-pressed', String(b.dataset.grain === state.grain));
  }

  async function loadSeries() {
    const seq = ++state.seq;
    setGrainButtons();
    const k = /** @type {Kpi} */ (state.kpi);
    chartState.hidden = false;
    chartState.className = 'chart-state';
    chartState.textContent = '加载中…';
    drill.replaceChildren();
    drillSummary.replaceChildren();
    drillPeriod.replaceChildren();
    drillTitle.textContent = '明细';
    try {
      const res = await api(`/kpis/${encodeURIComponent(k.id)}/series`, { ...rangeFor(state.grain), grain: state.grain });
      if (seq !== state.seq) return;
      state.series = Array.isArray(res.series) ? /** @type {KpiPoint[]} */ (res.series).filter((p) => !p.breakdown) : [];
      drillPeriod.replaceChildren(...[...state.series].reverse().map((p) => h('option', { value: p.period }, periodName(p.period))));
      const withValue = state.series.filter((p) => p.value !== null && p.value !== undefined);
      if (state.series.length === 0 || withValue.length === 0) {
        renderChart([]);
        chartState.className = 'chart-state state-empty';
        chartState.textContent = '暂无数据';
      } else {
        chartState.hidden = true;
        renderChart(state.series);
      }
      // Drill into the latest period that has something to show (a flow's current quarter is often still 0).
      const pick = withValue.findLast((p) => p.value !== 0) ?? withValue.at(-1) ?? state.series.at(-1);
      if (pick) await selectPeriod(pick.period);
      else drill.replaceChildren(emptyState());
    } catch (err) {
      if (seq !== state.seq) return;
      renderChart([]);
      chartState.className = 'chart-state state-error';
      chartState.setAttribute('role', 'alert');
      chartState.textContent = `加载失败: ${reasonOf(err)}`;
      drill.replaceChildren(emptyState());
    }
  }

  /** @returns {Chart} */
  function chartInstance() {
    const echarts = /** @type {{ echarts?: { init(el: HTMLElement, theme: null, opts: object): Chart } }} */ (/** @type {unknown} */ (window)).echarts;
    if (!echarts) throw new Error('图表库未加载');
    if (!state.chart) {
      const chart = echarts.init(byId('chart'), null, { renderer: 'canvas', locale: 'ZH' });
      chart.on('click', (p) => {
        const point = state.series[p.dataIndex];
        if (point) selectPeriod(point.period);
      });
      state.chart = chart;
    }
    return state.chart;
  }

  /** @param {KpiPoint[]} series */
  function renderChart(series) {
    let chart;
    try {
      chart = chartInstance();
    } catch (err) {
      chartState.hidden = false;
      chartState.className = 'chart-state state-error';
      chartState.textContent = `加载失败: ${reasonOf(err)}`;
      return;
    }
    chart.setOption(seriesChartOption(series, { unit: state.unit, kind: state.kpi?.kind }), { notMerge: true });
    requestAnimationFrame(() => chart.resize());
  }

  /** @param {string} period */
  async function selectPeriod(period) {
    state.period = period;
    const k = /** @type {Kpi} */ (state.kpi);
    const unit = state.unit;
    const seq = state.seq;
    const point = state.series.find((p) => p.period === period);
    drillTitle.textContent = `明细 · ${periodName(period)}`;
    drillPeriod.value = period;
    if (state.chart) {
      const idx = state.series.findIndex((p) => p.period === period);
      state.chart.dispatchAction({ type: 'unselect', seriesIndex: 0, dataIndex: state.series.map((_, i) => i) });
      state.chart.dispatchAction({ type: 'select', seriesIndex: 0, dataIndex: idx });
      state.chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: idx });
    }
    /** @param {string} label @param {string} value */
    const kv = (label, value) => h('div', { class: 'kv' }, h('span', {}, label), h('b', {}, value));
    const summary = [];
    if (point) {
      summary.push(kv('数值', formatWithUnit(point.value, unit)));
      if (point.target !== null && point.target !== undefined) summary.push(kv('目标', formatWithUnit(point.target, unit)));
      const att = attainmentView(point.attainment);
      if (att) summary.push(kv('完成率', att.text));
      if (point.numerator !== undefined && point.numerator !== null) summary.push(kv('分子 / 分母', `${nf(2).format(point.numerator)} / ${point.denominator === null || point.denominator === undefined ? '—' : nf(2).format(point.denominator)}`));
      for (const [key, v] of Object.entries(point.components ?? {})) summary.push(kv(k.components?.[key] ?? key, v === null ? '—' : nf(2).format(v)));
    }
    drillSummary.replaceChildren(...summary);
    drill.replaceChildren(h('p', { class: 'placeholder' }, '加载中…'));
    try {
      const res = await api(`/kpis/${encodeURIComponent(k.id)}/drilldown`, { period });
      if (seq !== state.seq || state.period !== period) return;
      /** @type {DrilldownRow[]} */
      const rows = res.entities?.rows ?? [];
      if (rows.length === 0) {
        drill.replaceChildren(emptyState(`暂无数据: ${periodName(period)}没有明细`));
        return;
      }
      drill.replaceChildren(drillTable(rows, k, res.labels ?? labels().drilldownColumns, deps.entityLink));
    } catch (err) {
      if (seq !== state.seq || state.period !== period) return;
      drill.replaceChildren(errorState(err, () => selectPeriod(period)));
    }
  }

  grainSwitch.addEventListener('click', (e) => {
    const b = /** @type {HTMLButtonElement | null} */ (e.target instanceof Element ? e.target.closest('button[data-grain]') : null);
    if (!b || b.disabled || b.dataset.grain === state.grain) return;
    state.grain = b.dataset.grain ?? state.grain;
    loadSeries();
  });
  drillPeriod.addEventListener('change', () => selectPeriod(drillPeriod.value));
  byId('detail-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    state.seq++;
    const opener = state.kpi && /** @type {HTMLElement | null} */ (document.querySelector(`.card[data-kpi="${CSS.escape(state.kpi.id)}"]`));
    opener?.focus();
  });
  window.addEventListener('resize', () => state.chart?.resize());

  return {
    open,
    /**
     * Live changes: reload the open KPI's series when it is among them.
     * @param {Set<string>} ids
     */
    refresh(ids) {
      if (dialog.open && state.kpi && ids.has(state.kpi.id)) loadSeries();
    },
    close() {
      if (dialog.open) dialog.close();
    },
    /**
     * What 导出 downloads: the series on screen, in `format`.
     * @param {string} format
     */
    exportRequest(format) {
      const k = state.kpi;
      if (!k) return null;
      const range = rangeFor(state.grain);
      return {
        path: `/kpis/${encodeURIComponent(k.id)}/series`,
        params: { ...range, grain: state.grain },
        fallbackName: `${k.name?.zh ?? k.id}_${range.from}至${range.to}.${format === 'arrow' ? 'arrows' : format}`,
      };
    },
  };
}
