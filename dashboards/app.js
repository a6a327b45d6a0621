// 领导驾驶舱: a static page over the read API (/api/v1). Plain ES module, no build step.
// Every DOM node is built with h() (text, never innerHTML): names and details are data from
// departments and must not be able to inject markup.

import { attainmentView, axisValue, COUNT_UNITS, formatValue, formatWithUnit, nf, periodName, periodShort, shanghaiToday, signed, TZ } from './format.js';
import { followKpiStream } from './live.js';
import { createDataQuality } from './dataQuality.js';
import { createPoints } from './points.js';
import { createProfiles } from './profile.js';
import { createReports } from './reports.js';
import { badgeClass, warningsByKpi } from './warnings.js';

const API = 'api/v1';
const KEY_STORAGE = 'brain.apiKey';
const STATUS_EVERY_MS = 10_000;
/** The overview reloads when the store moved on, but not more often than this. */
const OVERVIEW_MIN_INTERVAL_MS = 30_000;
const DRILL_MAX_ROWS = 200;

const DIMENSIONS = [
  { code: 'P', zh: '创新平台建设' },
  { code: 'T', zh: '产业技术攻关' },
  { code: 'E', zh: '科技企业培育' },
  { code: 'H', zh: '创新人才集聚' },
  { code: 'V', zh: '创新环境营造' },
  { code: 'G', zh: '统筹推进' },
];
const EACH_TASK_LEAD = '各任务牵头单位';
const GRAIN_NAMES = { month: '月', quarter: '季', half: '半年', year: '年', ytd: '年累计' };
const KIND_NAMES = { stock: '存量', flow: '流量', ratio: '比率', 'stock+flow': '存量+流量', 'flow+ratio': '流量+比率' };
const STATE_NAMES = { live: '实时', 'catching-up': '追赶中', rebuilding: '重建中', failed: '故障' };
/** 0/1 columns: shown as 是/否. */
const FLAG_COLUMNS = new Set(['in_start', 'in_end', 'early', 'in_period', 'has_rd', 'above_scale', 'seller_in', 'buyer_in', 'promoted']);
const KIND_VALUES = { service: '服务', call: '出资', fund: '基金', listing: '上市', pool: '后备库', investment: '投资', talent: '人才', team: '团队' };
const MOVEMENT_NAMES = { new: '新认定', moved_in: '迁入', expired: '到期', revoked: '撤销', moved_out: '迁出' };

// ---------------------------------------------------------------------------------------------
// DOM helpers

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'style') el.setAttribute('style', v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const $ = (sel) => document.querySelector(sel);

function stateMessage(kind, text, retry) {
  return h('div', { class: `state state-${kind}`, role: kind === 'error' ? 'alert' : undefined },
    h('p', {}, text),
    retry ? h('button', { type: 'button', class: 'ghost', onclick: retry }, '重试') : null);
}
const emptyState = (text = '暂无数据') => stateMessage('empty', text);
const errorState = (err, retry) => stateMessage('error', `加载失败: ${reasonOf(err)}`, retry);

// ---------------------------------------------------------------------------------------------
// Formatting (zh-CN)

function reasonOf(err) {
  if (err instanceof ApiError) return err.status ? `${err.message} (${err.status})` : err.message;
  if (err instanceof Error) return err.message || '未知错误';
  return String(err);
}

// ---------------------------------------------------------------------------------------------
// API access

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const auth = {
  get key() {
    return sessionStorage.getItem(KEY_STORAGE);
  },
  set(key) {
    sessionStorage.setItem(KEY_STORAGE, key);
  },
  clear() {
    sessionStorage.removeItem(KEY_STORAGE);
  },
};

/** Kiosk screens open the page as …/#key=<key>: keep the key for this tab and drop it from the URL. */
function takeKeyFromHash() {
  const m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!m) return;
  try {
    auth.set(decodeURIComponent(m[1]));
  } catch {
    auth.set(m[1]);
  }
  history.replaceState(null, '', location.pathname + location.search);
}

async function api(path, params) {
  const key = auth.key;
  if (!key) throw new ApiError(401, '未登录');
  const qs = params ? `?${new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''))}` : '';
  let res;
  try {
    res = await fetch(`${API}${path}${qs}`, { headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' } });
  } catch (err) {
    throw new ApiError(0, `网络错误: ${err instanceof Error ? err.message : err}`);
  }
  if (!res.ok) {
    let detail = res.statusText || '请求失败';
    try {
      const p = await res.json();
      detail = p.detail || p.title || detail;
    } catch {
      /* not problem JSON: keep the status text */
    }
    const err = new ApiError(res.status, detail);
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  return res.json();
}

// ---------------------------------------------------------------------------------------------
// Login

const loginDialog = $('#login');
let loginResolve = null;

function showLogin(message) {
  const error = $('#login-error');
  error.hidden = !message;
  error.textContent = message ?? '';
  if (!loginDialog.open) loginDialog.showModal();
  const input = $('#login-key');
  input.value = '';
  input.focus();
  return new Promise((resolve) => {
    loginResolve = resolve;
  });
}

let loginPending = null;
/** One login box at a time, however many requests were refused at once. */
function requireLogin(message) {
  if (loginPending) {
    if (message) {
      $('#login-error').hidden = false;
      $('#login-error').textContent = message;
    }
    return null;
  }
  loginPending = showLogin(message).finally(() => {
    loginPending = null;
  });
  return loginPending;
}

function onUnauthorized(err) {
  auth.clear();
  stopPolling();
  $('#logout').hidden = true;
  requireLogin(`访问密钥无效或已失效: ${err.message}`)?.then(start);
}

loginDialog.addEventListener('cancel', (e) => e.preventDefault());
$('#login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const key = $('#login-key').value.trim();
  const error = $('#login-error');
  if (!key) {
    error.hidden = false;
    error.textContent = '请输入访问密钥';
    return;
  }
  const submit = e.target.querySelector('button[type=submit]');
  submit.disabled = true;
  submit.textContent = '验证中…';
  try {
    // Check the key before leaving the box, so a wrong key is answered here, in Chinese.
    const res = await fetch(`${API}/kpis`, { headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' } });
    if (!res.ok) {
      let detail = res.statusText;
      try {
        const p = await res.json();
        detail = p.detail || p.title || detail;
      } catch {
        /* keep the status text */
      }
      error.hidden = false;
      error.textContent = res.status === 401 ? `访问密钥无效: ${detail}` : res.status === 403 ? `无权访问: ${detail}` : `加载失败: ${detail} (${res.status})`;
      $('#login-key').select();
      return;
    }
    auth.set(key);
    loginDialog.close();
    const resolve = loginResolve;
    loginResolve = null;
    resolve?.();
  } catch (err) {
    error.hidden = false;
    error.textContent = `加载失败: 网络错误 (${err instanceof Error ? err.message : err})`;
  } finally {
    submit.disabled = false;
    submit.textContent = '进入驾驶舱';
  }
});

$('#logout').addEventListener('click', () => {
  auth.clear();
  stopPolling();
  $('#logout').hidden = true;
  if (detailDialog.open) detailDialog.close();
  $('#overview').replaceChildren(h('p', { class: 'placeholder' }, '已退出'));
  requireLogin()?.then(start);
});

// ---------------------------------------------------------------------------------------------
// Header: clock and freshness

function tickClock() {
  const now = new Date();
  const el = $('#clock');
  el.dateTime = now.toISOString();
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  el.textContent = `${parts.year}年${parts.month}月${parts.day}日 ${parts.weekday} ${parts.hour}:${parts.minute}:${parts.second}`;
}
setInterval(tickClock, 1000);
tickClock();

let statusTimer = null;
let lastHead = null;
let lastOverviewAt = 0;

async function refreshStatus() {
  const dot = $('.status-dot');
  const text = $('#status-text');
  try {
    const s = await api('/status');
    const projections = s.projections ?? [];
    const failed = projections.filter((p) => p.state === 'failed');
    const behind = projections.filter((p) => p.state !== 'live' && p.state !== 'failed');
    const lagEvents = Math.max(0, ...projections.map((p) => Number(p.lagEvents) || 0));
    const lagSeconds = Math.max(0, ...projections.map((p) => Number(p.lagSeconds) || 0));
    let state = 'live';
    let freshness;
    if (projections.length === 0) {
      state = 'unknown';
      freshness = '无投影状态';
    } else if (failed.length > 0) {
      state = 'failed';
      freshness = `投影故障: ${failed.map((p) => p.name).join('、')}`;
    } else if (behind.length > 0 || lagEvents > 0) {
      state = 'behind';
      freshness = `${STATE_NAMES[behind[0]?.state] ?? '追赶中'} · 落后 ${nf(0).format(lagEvents)} 条 / ${nf(0).format(lagSeconds)} 秒`;
    } else {
      freshness = `实时 · 延迟 ${nf(0).format(lagSeconds)} 秒`;
    }
    dot.dataset.state = state;
    const at = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(new Date());
    text.textContent = `事件 ${nf(0).format(s.store?.events ?? 0)} 条 · 位置 #${nf(0).format(s.store?.head ?? 0)} · ${freshness} · 更新于 ${at}`;
    text.title = projections.map((p) => `${p.name} v${p.version}: ${STATE_NAMES[p.state] ?? p.state}, 检查点 ${p.checkpoint}, 落后 ${p.lagEvents} 条`).join('\n');
    const head = s.store?.head ?? null;
    if (lastHead !== null && head !== lastHead && Date.now() - lastOverviewAt >= OVERVIEW_MIN_INTERVAL_MS) loadOverview({ quiet: true });
    lastHead = head;
  } catch (err) {
    dot.dataset.state = 'failed';
    text.textContent = `数据状态加载失败: ${reasonOf(err)}`;
  }
}

function startPolling() {
  stopPolling();
  refreshStatus();
  statusTimer = setInterval(refreshStatus, STATUS_EVERY_MS);
  startLive();
}
function stopPolling() {
  if (statusTimer) clearInterval(statusTimer);
  statusTimer = null;
  live?.stop();
  live = null;
}

// ---------------------------------------------------------------------------------------------
// Live: the KPI tables announce value changes; the cards and the open detail update in place.

/** @type {{ stop(): void } | null} */
let live = null;
let liveRefresh = null;
let warningRefresh = null;
const liveChanged = new Set();

function startLive() {
  live?.stop();
  live = followKpiStream({
    url: `${API}/stream`,
    key: () => auth.key,
    onState: (state) => {
      document.body.dataset.live = state;
    },
    onWarning: () => {
      if (!warningRefresh) warningRefresh = setTimeout(() => {
        warningRefresh = null;
        applyWarningChange();
      }, 50);
    },
    onChanges: (changes) => {
      for (const c of changes) liveChanged.add(c.kpiId);
      // Changes of one run arrive together; coalesce a burst into one refresh.
      if (!liveRefresh) liveRefresh = setTimeout(applyLiveChanges, 50);
    },
  });
}

async function applyLiveChanges() {
  liveRefresh = null;
  const ids = new Set(liveChanged);
  liveChanged.clear();
  try {
    const { kpis } = await api('/kpis');
    for (const k of kpis) {
      if (!ids.has(k.id)) continue;
      const known = catalog.find((c) => c.id === k.id);
      const merged = known ? { ...known, ...k } : k;
      if (known) catalog[catalog.indexOf(known)] = merged;
      const old = document.querySelector(`#overview .card[data-kpi="${CSS.escape(k.id)}"]`);
      if (!old) continue;
      const fresh = card(merged);
      fresh.classList.add('card-updated');
      const hadFocus = document.activeElement === old;
      old.replaceWith(fresh);
      if (hadFocus) fresh.focus();
    }
    if (detailDialog.open && detail.kpi && ids.has(detail.kpi.id ?? detail.kpi)) loadSeries();
  } catch {
    /* the next change or the status poll tries again */
  }
}

// ---------------------------------------------------------------------------------------------
// Catalog: /kpis carries the latest values; /kpis/:id the full definition (dimension, grains…)

const definitions = new Map();
let catalog = [];

async function definitionOf(kpi) {
  if (kpi.dimension && kpi.grains) return kpi;
  if (!definitions.has(kpi.id))
    definitions.set(
      kpi.id,
      api(`/kpis/${encodeURIComponent(kpi.id)}`).catch(() => {
        definitions.delete(kpi.id); // try again on the next refresh
        return null;
      }),
    );
  const def = await definitions.get(kpi.id);
  return def ? { ...def, ...kpi, dimension: kpi.dimension ?? def.dimension } : kpi;
}

// ---------------------------------------------------------------------------------------------
// Overview: P1 KPI cards grouped by assessment dimension; the P2 ones in a section of their own,
// collapsed unless the viewer opens it (remembered for the tab)

const P2_STORAGE = 'brain.overview.p2';
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
  loadOverview({ quiet: true }).then(() => $('#p2-toggle')?.focus());
}

/** The P2 KPIs (later-phase indicators), ordered by dimension, behind a disclosure switch. */
function p2Section(list) {
  if (list.length === 0) return null;
  const order = DIMENSIONS.map((d) => d.code);
  const sorted = [...list].sort((a, b) => order.indexOf(a.dimension) - order.indexOf(b.dimension));
  return h('section', { class: 'dim dim-p2', 'aria-labelledby': 'dim-P2', style: `--n:${showP2 ? list.length : 1}`, dataset: { dim: 'P2' } },
    h('h2', { id: 'dim-P2', class: 'p2-title' }, h('span', { class: 'dim-code', 'aria-hidden': 'true' }, '2'), 'P2 指标',
      h('span', { class: 'dim-count' }, `${list.length} 项`),
      h('button', { type: 'button', id: 'p2-toggle', class: 'ghost p2-toggle', 'aria-expanded': String(showP2), 'aria-controls': 'p2-cards', onclick: toggleP2 }, showP2 ? '收起' : '展开')),
    showP2 ? h('div', { class: 'cards', id: 'p2-cards' }, sorted.map(card)) : null);
}

async function loadOverview({ quiet = false } = {}) {
  const root = $('#overview');
  lastOverviewAt = Date.now();
  if (!quiet) {
    root.setAttribute('aria-busy', 'true');
    if (!root.querySelector('.dim')) root.replaceChildren(h('p', { class: 'placeholder' }, '加载中…'));
  }
  try {
    const [{ kpis }] = await Promise.all([api('/kpis'), loadWarnings()]);
    const p1 = kpis.filter((k) => (k.priority ?? 'P1') === 'P1');
    catalog = await Promise.all(kpis.map((k) => (p1.includes(k) || showP2 ? definitionOf(k) : k)));
    fillLeadUnits(kpis);
    const shown = catalog.filter((k) => (k.priority ?? 'P1') === 'P1');
    if (shown.length === 0) {
      root.replaceChildren(emptyState('暂无数据: 指标目录为空'));
      return;
    }
    const sections = [];
    const known = new Set(DIMENSIONS.map((d) => d.code));
    const groups = [...DIMENSIONS, { code: '?', zh: '其他指标' }];
    for (const dim of groups) {
      const list = shown.filter((k) => (dim.code === '?' ? !known.has(k.dimension) : k.dimension === dim.code));
      if (list.length === 0) continue;
      sections.push(
        h('section', { class: 'dim', 'aria-labelledby': `dim-${dim.code}`, style: `--n:${list.length}`, dataset: { dim: dim.code } },
          h('h2', { id: `dim-${dim.code}`, class: 'dim-title' }, h('span', { class: 'dim-code', 'aria-hidden': 'true' }, dim.code), dim.zh, h('span', { class: 'dim-count' }, `${list.length} 项`)),
          h('div', { class: 'cards' }, list.map(card))),
      );
    }
    const p2 = p2Section(catalog.filter((k) => k.priority === 'P2'));
    if (p2) sections.push(p2);
    // A quiet refresh must not steal the focus of someone moving through the cards.
    const focused = document.activeElement?.closest?.('.card')?.dataset.kpi;
    root.replaceChildren(...sections);
    if (focused) root.querySelector(`.card[data-kpi="${CSS.escape(focused)}"]`)?.focus();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return;
    if (quiet && root.querySelector('.dim')) return;
    root.replaceChildren(errorState(err, () => loadOverview()));
  } finally {
    root.setAttribute('aria-busy', 'false');
  }
}

/** Per KPI, its worst open warning (预警 / 关注) and their messages; empty until /warnings answered. */
let kpiWarnings = new Map();

/** Reads the open warnings; a platform without early warning (404) or a failure leaves the cards without badges. */
async function loadWarnings() {
  try {
    const { warnings } = await api('/warnings');
    kpiWarnings = warningsByKpi(warnings ?? []);
  } catch {
    /* badges are an addition: the cards still show */
  }
}

/** A raised or cleared warning on the stream: re-read the warnings and redraw the cards whose badge changed. */
async function applyWarningChange() {
  const before = kpiWarnings;
  await loadWarnings();
  for (const k of catalog) {
    if ((before.get(k.id)?.status ?? '') === (kpiWarnings.get(k.id)?.status ?? '')) continue;
    const old = document.querySelector(`#overview .card[data-kpi="${CSS.escape(k.id)}"]`);
    if (old) old.replaceWith(card(k));
  }
}

function card(k) {
  const unit = k.valueUnit ?? k.unit;
  const warning = kpiWarnings.get(k.id);
  const latest = k.latest;
  const hasValue = latest && latest.value !== null && latest.value !== undefined;
  const value = hasValue ? formatValue(latest.value, unit) : null;
  const att = hasValue ? attainmentView(latest.attainment) : null;
  const thisYear = shanghaiToday().slice(0, 4);
  // Cards show this year to date; yearly statistics show last year, and say so.
  const periodText = latest ? (latest.period === thisYear ? `${thisYear}年初至今` : periodName(latest.period)) : '';
  const hasTarget = hasValue && latest.target !== null && latest.target !== undefined;
  const failed = k.state === 'error';
  const label = `${k.name.zh}: ${hasValue ? `${value.text} ${value.unit} (${periodText})` : failed ? '查询失败' : '暂无数据'}${hasTarget ? `, 目标 ${formatWithUnit(latest.target, unit)}` : ''}${att ? `, 完成率 ${att.text}` : ''}${warning ? `, ${warning.status}` : ''}。查看详情`;
  return h('button', { type: 'button', class: `card${hasValue ? '' : failed ? ' card-error' : ' card-empty'}`, dataset: { kpi: k.id, state: k.state ?? '' }, 'aria-label': label, title: k.name.en ? `${k.name.zh} (${k.name.en})` : k.name.zh, onclick: () => openDetail(k.id) },
    // The badge leads the name: a long name is clipped at two lines, the badge never.
    h('span', { class: 'card-name' },
      warning ? h('em', { class: badgeClass(warning.status), dataset: { status: warning.status }, title: warning.messages.join('\n') }, warning.status) : null,
      k.name.zh),
    hasValue
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

// ---------------------------------------------------------------------------------------------
// Detail panel: series chart + drill-down of the selected period

const detailDialog = $('#detail');
const detail = { kpi: null, grain: 'quarter', series: [], period: null, chart: null, seq: 0 };

function rangeFor(grain) {
  const today = shanghaiToday();
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

async function openDetail(id) {
  const base = catalog.find((k) => k.id === id);
  const k = base ? await definitionOf(base) : await definitionOf({ id });
  detail.kpi = k;
  const grains = (k.grains ?? ['month', 'quarter', 'half', 'year']).filter((g) => g !== 'ytd');
  if (!grains.includes(detail.grain)) detail.grain = grains.includes('quarter') ? 'quarter' : grains[grains.length - 1] ?? 'year';
  for (const b of document.querySelectorAll('#grain-switch button')) {
    b.disabled = !grains.includes(b.dataset.grain);
    b.title = b.disabled ? `该指标不支持按${GRAIN_NAMES[b.dataset.grain]}统计` : '';
  }
  $('#detail-title').textContent = k.name?.zh ?? id;
  $('#detail-export-status').textContent = '';
  const unit = k.valueUnit ?? k.unit;
  const dim = DIMENSIONS.find((d) => d.code === k.dimension);
  $('#detail-meta').textContent = [
    dim ? `${dim.zh} (${dim.code})` : null,
    k.task === 'all' ? '全部任务' : k.task ? `任务${k.task}` : null,
    k.leadUnit ? `牵头单位: ${k.leadUnit}` : null,
    k.unit ? `单位: ${k.unit}` : null,
    KIND_NAMES[k.kind] ?? null,
    '点击图中期间查看明细',
  ].filter(Boolean).join(' · ');
  // The catalog's definitions are written in English: offered on hover, not as screen text.
  $('#detail-meta').title = k.definition ?? '';
  if (!detailDialog.open) detailDialog.showModal();
  detail.unit = unit;
  await loadSeries();
}

function setGrainButtons() {
  for (const b of document.querySelectorAll('#grain-switch button')) b.setAttribute('aria-pressed', String(b.dataset.grain === detail.grain));
}

async function loadSeries() {
  const seq = ++detail.seq;
  setGrainButtons();
  const k = detail.kpi;
  const state = $('#chart-state');
  state.hidden = false;
  state.className = 'chart-state';
  state.textContent = '加载中…';
  $('#drill').replaceChildren();
  $('#drill-summary').replaceChildren();
  $('#drill-period').replaceChildren();
  $('#drill-title').textContent = '明细';
  try {
    const res = await api(`/kpis/${encodeURIComponent(k.id)}/series`, { ...rangeFor(detail.grain), grain: detail.grain });
    if (seq !== detail.seq) return;
    detail.series = Array.isArray(res.series) ? res.series.filter((p) => !p.breakdown) : [];
    $('#drill-period').replaceChildren(...[...detail.series].reverse().map((p) => h('option', { value: p.period }, periodName(p.period))));
    const withValue = detail.series.filter((p) => p.value !== null && p.value !== undefined);
    if (detail.series.length === 0 || withValue.length === 0) {
      renderChart([]);
      state.className = 'chart-state state-empty';
      state.textContent = '暂无数据';
    } else {
      state.hidden = true;
      renderChart(detail.series);
    }
    // Drill into the latest period that has something to show (a flow's current quarter is often still 0).
    const pick = withValue.findLast((p) => p.value !== 0) ?? withValue.at(-1) ?? detail.series.at(-1);
    if (pick) await selectPeriod(pick.period);
    else $('#drill').replaceChildren(emptyState());
  } catch (err) {
    if (seq !== detail.seq) return;
    renderChart([]);
    state.className = 'chart-state state-error';
    state.setAttribute('role', 'alert');
    state.textContent = `加载失败: ${reasonOf(err)}`;
    $('#drill').replaceChildren(emptyState());
  }
}

function chartInstance() {
  if (!window.echarts) throw new Error('图表库未加载');
  if (!detail.chart) {
    detail.chart = window.echarts.init($('#chart'), null, { renderer: 'canvas', locale: 'ZH' });
    detail.chart.on('click', (p) => {
      const point = detail.series[p.dataIndex];
      if (point) selectPeriod(point.period);
    });
  }
  return detail.chart;
}

function renderChart(series) {
  let chart;
  try {
    chart = chartInstance();
  } catch (err) {
    const state = $('#chart-state');
    state.hidden = false;
    state.className = 'chart-state state-error';
    state.textContent = `加载失败: ${reasonOf(err)}`;
    return;
  }
  const unit = detail.unit;
  const k = detail.kpi;
  const isStock = k.kind === 'stock' || k.kind === 'ratio';
  const hasTarget = series.some((p) => p.target !== null && p.target !== undefined);
  const axisText = '#8fb3d9';
  chart.setOption(
    {
      backgroundColor: 'transparent',
      animationDuration: 400,
      textStyle: { fontFamily: 'inherit' },
      grid: { left: 64, right: 24, top: 44, bottom: 48 },
      legend: { top: 6, right: 10, textStyle: { color: axisText, fontSize: 13 }, data: hasTarget ? ['数值', '目标'] : ['数值'] },
      tooltip: {
        trigger: 'axis',
        backgroundColor: 'rgba(6,22,48,.95)',
        borderColor: '#1f6fb2',
        textStyle: { color: '#e6f1ff' },
        formatter: (items) => {
          const p = series[items[0]?.dataIndex ?? 0];
          if (!p) return '';
          const att = attainmentView(p.attainment);
          return [
            periodName(p.period),
            `数值: ${formatWithUnit(p.value, unit)}`,
            hasTarget ? `目标: ${formatWithUnit(p.target, unit)}` : null,
            att ? `完成率: ${att.text}` : null,
            '点击查看明细',
          ].filter(Boolean).join('<br>');
        },
      },
      xAxis: {
        type: 'category',
        data: series.map((p) => periodShort(p.period)),
        axisLabel: { color: axisText, fontSize: 13 },
        axisLine: { lineStyle: { color: '#2b4a72' } },
      },
      yAxis: {
        type: 'value',
        name: unit,
        nameTextStyle: { color: axisText, fontSize: 13 },
        minInterval: COUNT_UNITS.has(unit) ? 1 : 0,
        axisLabel: { color: axisText, fontSize: 13, formatter: (v) => axisValue(v, unit) },
        splitLine: { lineStyle: { color: 'rgba(80,130,190,.18)' } },
      },
      series: [
        {
          name: '数值',
          type: isStock ? 'line' : 'bar',
          data: series.map((p) => p.value),
          smooth: isStock,
          symbolSize: 7,
          barMaxWidth: 28,
          itemStyle: { color: '#35c3ff' },
          lineStyle: { width: 3 },
          areaStyle: isStock ? { color: 'rgba(53,195,255,.12)' } : undefined,
          selectedMode: 'single',
          select: { itemStyle: { color: '#ffd84d', borderColor: '#ffffff', borderWidth: 1 } },
          emphasis: { itemStyle: { color: '#7fd8ff' } },
        },
        ...(hasTarget
          ? [{ name: '目标', type: 'line', data: series.map((p) => p.target), symbol: 'diamond', symbolSize: 9, lineStyle: { type: 'dashed', color: '#ffb547', width: 2 }, itemStyle: { color: '#ffb547' } }]
          : []),
      ],
    },
    { notMerge: true },
  );
  requestAnimationFrame(() => chart.resize());
}

async function selectPeriod(period) {
  detail.period = period;
  const k = detail.kpi;
  const unit = detail.unit;
  const seq = detail.seq;
  const point = detail.series.find((p) => p.period === period);
  $('#drill-title').textContent = `明细 · ${periodName(period)}`;
  $('#drill-period').value = period;
  if (detail.chart) {
    const idx = detail.series.findIndex((p) => p.period === period);
    detail.chart.dispatchAction({ type: 'unselect', seriesIndex: 0, dataIndex: detail.series.map((_, i) => i) });
    detail.chart.dispatchAction({ type: 'select', seriesIndex: 0, dataIndex: idx });
    detail.chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: idx });
  }
  const summary = [];
  if (point) {
    summary.push(h('div', { class: 'kv' }, h('span', {}, '数值'), h('b', {}, formatWithUnit(point.value, unit))));
    if (point.target !== null && point.target !== undefined) summary.push(h('div', { class: 'kv' }, h('span', {}, '目标'), h('b', {}, formatWithUnit(point.target, unit))));
    const att = attainmentView(point.attainment);
    if (att) summary.push(h('div', { class: 'kv' }, h('span', {}, '完成率'), h('b', {}, att.text)));
    if (point.numerator !== undefined && point.numerator !== null) summary.push(h('div', { class: 'kv' }, h('span', {}, '分子 / 分母'), h('b', {}, `${nf(2).format(point.numerator)} / ${point.denominator === null ? '—' : nf(2).format(point.denominator)}`)));
    for (const [key, v] of Object.entries(point.components ?? {})) {
      summary.push(h('div', { class: 'kv' }, h('span', {}, k.components?.[key] ?? key), h('b', {}, v === null ? '—' : nf(2).format(v))));
    }
  }
  $('#drill-summary').replaceChildren(...summary);
  const list = $('#drill');
  list.replaceChildren(h('p', { class: 'placeholder' }, '加载中…'));
  try {
    const res = await api(`/kpis/${encodeURIComponent(k.id)}/drilldown`, { period });
    if (seq !== detail.seq || detail.period !== period) return;
    const rows = res.entities?.rows ?? [];
    if (rows.length === 0) {
      list.replaceChildren(emptyState(`暂无数据: ${periodName(period)}没有明细`));
      return;
    }
    list.replaceChildren(drillTable(rows, k, res.labels ?? {}));
  } catch (err) {
    if (seq !== detail.seq || detail.period !== period) return;
    list.replaceChildren(errorState(err, () => selectPeriod(period)));
  }
}

/** `labels`: the column names the API sends with every drill-down (contracts' DRILLDOWN_COLUMN_LABELS). */
function detailText(detailObj, labels = {}) {
  return Object.entries(detailObj ?? {})
    .filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
    .map(([key, v]) => {
      const value =
        key === 'movement' ? MOVEMENT_NAMES[v] ?? v
        : key === 'kind' ? KIND_VALUES[v] ?? v
        : typeof v === 'boolean' || FLAG_COLUMNS.has(key) ? (v && v !== '0' ? '是' : '否')
        : Array.isArray(v) ? v.join('、')
        : typeof v === 'object' ? Object.values(v).filter((x) => x !== null && x !== '').join(' ')
        : typeof v === 'number' ? nf(2).format(v)
        : String(v);
      return `${labels[key] ?? key}: ${value}`;
    })
    .join(' · ');
}

function drillTable(rows, k, labels) {
  const ratio = k.kind === 'ratio' || k.kind === 'flow+ratio';
  const counted = rows.filter((r) => r.x !== 0).length;
  const shown = rows.slice(0, DRILL_MAX_ROWS);
  const table = h('table', { class: 'data drill-table' },
    h('caption', {}, `共 ${nf(0).format(rows.length)} 条${counted !== rows.length ? ` (计入 ${nf(0).format(counted)} 条)` : ''}${rows.length > DRILL_MAX_ROWS ? `, 仅显示前 ${DRILL_MAX_ROWS} 条` : ''}`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, '序号'),
      h('th', { scope: 'col' }, '主体'),
      h('th', { scope: 'col' }, '标识'),
      h('th', { scope: 'col', class: 'num' }, ratio ? '分子' : '计入'),
      ratio ? h('th', { scope: 'col', class: 'num' }, '分母') : null,
      h('th', { scope: 'col' }, '说明'))),
    h('tbody', {}, shown.map((r, i) =>
      h('tr', { class: r.x === 0 && !ratio ? 'not-counted' : undefined, dataset: { entity: r.entity } },
        h('td', { class: 'num' }, i + 1),
        h('td', {}, profiles.entityLink(r.entity, r.name || r.entity)),
        h('td', { class: 'mono' }, r.entity),
        h('td', { class: 'num' }, nf(2).format(r.x)),
        ratio ? h('td', { class: 'num' }, nf(2).format(r.y)) : null,
        h('td', { class: 'muted', title: `来源事件: ${(r.eventIds ?? []).join(', ')}` }, [r.breakdown ? `${r.breakdown} · ` : '', detailText(r.detail, labels) || `${(r.eventIds ?? []).length} 个来源事件`])))),
  );
  return table;
}

$('#grain-switch').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-grain]');
  if (!b || b.disabled || b.dataset.grain === detail.grain) return;
  detail.grain = b.dataset.grain;
  loadSeries();
});
$('#drill-period').addEventListener('change', (e) => selectPeriod(e.target.value));
$('#detail-close').addEventListener('click', () => detailDialog.close());
detailDialog.addEventListener('click', (e) => {
  if (e.target === detailDialog) detailDialog.close();
});
detailDialog.addEventListener('close', () => {
  detail.seq++;
  const opener = detail.kpi && document.querySelector(`.card[data-kpi="${CSS.escape(detail.kpi.id)}"]`);
  opener?.focus();
});
window.addEventListener('resize', () => detail.chart?.resize());

// ---------------------------------------------------------------------------------------------
// Department scorecard (部门考核)

function fillLeadUnits(kpis) {
  const select = $('#sc-unit');
  const units = [...new Set(kpis.map((k) => k.leadUnit).filter((u) => u && u !== EACH_TASK_LEAD))];
  const current = select.value;
  if (select.options.length === units.length && [...select.options].every((o, i) => o.value === units[i])) return;
  select.replaceChildren(...units.map((u) => h('option', { value: u }, u)));
  if (units.includes(current)) select.value = current;
  const yearSelect = $('#sc-year');
  if (yearSelect.options.length === 0) {
    const y = Number(shanghaiToday().slice(0, 4));
    const years = [];
    for (let year = y; year >= Math.min(2023, y - 3); year--) years.push(year);
    yearSelect.replaceChildren(...years.map((year) => h('option', { value: String(year) }, `${year}年`)));
  }
}

/** The scorecard on screen (what 导出 downloads); null until one has loaded. */
let shownScorecard = null;
let scorecardSeq = 0;

async function loadScorecard() {
  const seq = ++scorecardSeq;
  const root = $('#scorecard');
  const unit = $('#sc-unit').value;
  const year = $('#sc-year').value;
  const part = $('#sc-part').value;
  if (!unit || !year) {
    root.replaceChildren(emptyState('请选择牵头单位与期间'));
    return;
  }
  const period = part ? `${year}-${part}` : year;
  root.setAttribute('aria-busy', 'true');
  root.replaceChildren(h('p', { class: 'placeholder' }, '加载中…'));
  try {
    const sc = await api(`/scorecards/${encodeURIComponent(unit)}`, { period });
    // An earlier, slower answer must not replace the one asked for last (nor what 导出 downloads).
    if (seq !== scorecardSeq) return;
    shownScorecard = { unit, period };
    root.replaceChildren(...scorecardView(sc));
  } catch (err) {
    if (seq !== scorecardSeq || (err instanceof ApiError && err.status === 401)) return;
    root.replaceChildren(errorState(err, loadScorecard));
  } finally {
    if (seq === scorecardSeq) root.setAttribute('aria-busy', 'false');
  }
}

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

$('#scorecard-form').addEventListener('submit', (e) => {
  e.preventDefault();
  loadScorecard();
});

// ---------------------------------------------------------------------------------------------
// Exports (导出): fetched with the Bearer key, saved from a Blob (a plain link cannot carry the header)

const FORMAT_NAMES = { xlsx: 'Excel', csv: 'CSV', parquet: 'Parquet', arrow: 'Arrow' };

/** The Chinese file name of RFC 5987's filename*, else the plain filename, else the fallback. */
function fileNameOf(disposition, fallback) {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '');
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      /* malformed: try the plain name */
    }
  }
  const plain = /filename="([^"]+)"/i.exec(disposition ?? '');
  return plain ? plain[1] : fallback;
}

async function downloadExport(path, params, fallbackName, base = '/exports') {
  const key = auth.key;
  if (!key) throw new ApiError(401, '未登录');
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  let res;
  try {
    res = await fetch(`${API}${base}${path}?${qs}`, { headers: { Authorization: `Bearer ${key}` } });
  } catch (err) {
    throw new ApiError(0, `网络错误: ${err instanceof Error ? err.message : err}`);
  }
  if (!res.ok) {
    let detailText = res.statusText || '导出失败';
    try {
      const p = await res.json();
      detailText = p.detail || p.title || detailText;
    } catch {
      /* not problem JSON: keep the status text */
    }
    const err = new ApiError(res.status, detailText);
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  const blob = await res.blob();
  const name = fileNameOf(res.headers.get('Content-Disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has taken the Blob once the click is handled; keep the URL a little for slow ones.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return { name, asOf: res.headers.get('X-Brain-As-Of'), bytes: blob.size };
}

function asOfText(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso));
}

/**
 * A disclosure button with one button per format (WAI-ARIA disclosure: Escape closes it and
 * returns focus, so the detail dialog stays open). `request(format)` says what to download.
 */
function wireExportMenu(toggleId, statusId, request) {
  const toggle = document.getElementById(toggleId);
  const items = document.getElementById(toggle.getAttribute('aria-controls'));
  const status = document.getElementById(statusId);
  const menu = toggle.parentElement;
  const setOpen = (open) => {
    toggle.setAttribute('aria-expanded', String(open));
    items.hidden = !open;
  };
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    setOpen(open);
    if (open) items.querySelector('button')?.focus();
  });
  menu.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !items.hidden) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      toggle.focus();
    }
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !items.hidden) {
      const buttons = [...items.querySelectorAll('button')];
      const i = buttons.indexOf(document.activeElement);
      const next = buttons[(i + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length];
      e.preventDefault();
      next?.focus();
    }
  });
  document.addEventListener('click', (e) => {
    if (!menu.contains(e.target)) setOpen(false);
  });
  items.addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-format]');
    if (!b) return;
    const format = b.dataset.format;
    setOpen(false);
    toggle.focus();
    const what = request(format);
    if (!what) {
      status.className = 'export-status error';
      status.textContent = '请先查询后再导出';
      return;
    }
    status.className = 'export-status';
    status.textContent = `正在导出 ${FORMAT_NAMES[format]}…`;
    toggle.disabled = true;
    try {
      const done = await downloadExport(what.path, { ...what.params, format }, what.fallbackName);
      status.textContent = `已导出 ${done.name}${done.asOf ? ` · 数据截至 ${asOfText(done.asOf)}` : ''}`;
      status.dataset.asOf = done.asOf ?? '';
    } catch (err) {
      status.className = 'export-status error';
      status.textContent = `导出失败: ${reasonOf(err)}`;
    } finally {
      toggle.disabled = false;
    }
  });
}

wireExportMenu('sc-export-toggle', 'sc-export-status', (format) => {
  const unit = shownScorecard?.unit ?? $('#sc-unit').value;
  const year = $('#sc-year').value;
  const part = $('#sc-part').value;
  const period = shownScorecard?.period ?? (year ? (part ? `${year}-${part}` : year) : '');
  if (!unit || !period) return null;
  return { path: `/scorecards/${encodeURIComponent(unit)}`, params: { period }, fallbackName: `${unit}_${period}_考核.${format}` };
});

wireExportMenu('detail-export-toggle', 'detail-export-status', (format) => {
  const k = detail.kpi;
  if (!k) return null;
  const range = rangeFor(detail.grain);
  return {
    path: `/kpis/${encodeURIComponent(k.id)}/series`,
    params: { ...range, grain: detail.grain },
    fallbackName: `${k.name?.zh ?? k.id}_${range.from}至${range.to}.${format === 'arrow' ? 'arrows' : format}`,
  };
});

// ---------------------------------------------------------------------------------------------
// Tabs (WAI-ARIA tabs: arrows move between them)

const tabs = [...document.querySelectorAll('[role=tab]')];
function selectTab(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
  }
  if (tab.id === 'tab-scorecard' && !$('#scorecard table') && $('#sc-unit').value) loadScorecard();
  if (tab.id === 'tab-quality') dataQuality.load();
  if (tab.id === 'tab-points' && !$('#points table')) points.load();
  if (tab.id === 'tab-reports') reports.load();
}
for (const t of tabs) {
  t.addEventListener('click', () => selectTab(t));
  t.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(t);
    const next = e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(i - 1 + tabs.length) % tabs.length] : null;
    if (next) {
      e.preventDefault();
      next.focus();
      selectTab(next);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// 一企一档 (entity profiles): dashboards/profile.js, given this page's helpers

const profiles = createProfiles({
  api,
  h,
  selectTab,
  downloadExport,
  emptyState,
  errorState,
  reasonOf,
  formatWithUnit,
  nf,
  periodName,
  asOfText,
  isUnauthorized: (err) => err instanceof ApiError && err.status === 401,
});

// ---------------------------------------------------------------------------------------------
// 数据质量 (data-quality board): dashboards/dataQuality.js

const dataQuality = createDataQuality({ api, h, emptyState, errorState, nf });

// ---------------------------------------------------------------------------------------------
// 创新积分 (innovation points ranking): dashboards/points.js

const points = createPoints({ api, h, emptyState, errorState, nf, entityLink: profiles.entityLink, downloadExport });

// ---------------------------------------------------------------------------------------------
// 监测评估报告 (periodic assessment reports): dashboards/reports.js

const reports = createReports({
  api, h, emptyState, errorState, asOfText,
  download: (path, params, fallbackName) => downloadExport(path, params, fallbackName, '/reports'),
});

// ---------------------------------------------------------------------------------------------
// Start

async function start() {
  if (!auth.key) {
    const pending = requireLogin();
    if (!pending) return;
    await pending;
  }
  $('#logout').hidden = false;
  startPolling();
  profiles.route();
  await loadOverview();
}

takeKeyFromHash();
start();
