// @ts-check
// 数据质量: the data-quality board over GET /api/v1/data-quality. Per sending department its
// volume, latest record against its expected cadence, corrections and flagged records, and the
// enterprise names registered under more than one USCC. Plain ES module, loaded by app.js, which
// passes in its DOM and API helpers. Every node is built with h() (text, never innerHTML).

/** @typedef {import('../contracts/monitoring.ts').DataQualityView} Board */
/** @typedef {Board['units'][number]} UnitRow */

import { flagLabel } from './format.js';
import { labels } from './labels.js';

/**
 * Wires the 数据质量 tab (app.js passes in its helpers).
 * @param {{
 *   api: (path: string) => Promise<unknown>,
 *   h: (tag: string, attrs?: Record<string, unknown>, ...children: unknown[]) => HTMLElement,
 *   emptyState: (text?: string) => HTMLElement,
 *   errorState: (err: unknown, retry?: () => void) => HTMLElement,
 *   nf: (maxDigits: number, minDigits?: number) => Intl.NumberFormat,
 * }} deps
 * @returns {{ load(): Promise<void> }}
 */
export function createDataQuality(deps) {
  const { api, h, emptyState, errorState, nf } = deps;
  const root = /** @type {HTMLElement} */ (document.getElementById('data-quality'));
  let seq = 0;

  /** @param {UnitRow} u */
  function unitRow(u) {
    const flags = Object.entries(u.flags ?? {});
    return h('tr', { dataset: { unit: u.unit } },
      h('th', { scope: 'row' }, u.unit, h('div', { class: 'muted' }, u.systems.join('、'))),
      h('td', { class: 'num' }, nf(0).format(u.records)),
      h('td', { class: 'num' }, nf(0).format(u.recordsLast30Days)),
      h('td', {}, u.lastRecordedAt ? u.lastRecordedAt.slice(0, 10) : '—'),
      h('td', { class: 'num' }, u.daysSinceLast === null ? '—' : `${u.daysSinceLast} / ${u.cadenceDays} 天`),
      h('td', {}, u.overdue ? h('span', { class: 'warn-badge warn-amber' }, '逾期未报') : h('span', { class: 'warn-badge warn-ok' }, '按期')),
      h('td', { class: 'num' }, nf(0).format(u.corrections)),
      h('td', { class: 'num' }, nf(0).format(u.flagged)),
      h('td', { class: 'num' }, nf(0).format(u.underReview - u.explained)),
      h('td', { class: 'num' }, nf(0).format(u.explained)),
      h('td', {}, flags.length === 0 ? h('span', { class: 'muted' }, '—') : h('ul', { class: 'flag-list' }, flags.map(([f, n]) => h('li', {}, `${flagLabel(f, labels())}: ${nf(0).format(n)}`)))),
      h('td', { class: 'num' }, u.rejected === 0 ? '0' : `${nf(0).format(u.rejected)} (${nf(1).format((u.rejectedShare ?? 0) * 100)}%)`),
      h('td', {}, u.rejections.length === 0
        ? h('span', { class: 'muted' }, '—')
        : h('ul', { class: 'flag-list' }, u.rejections.slice(0, 3).map((r) => h('li', { title: r.reason }, `${r.field}: ${r.reason} (${nf(0).format(r.count)})`)))),
    );
  }

  async function load() {
    const mine = ++seq;
    root.replaceChildren(h('p', { class: 'placeholder' }, '加载中…'));
    /** @type {Board} */
    let board;
    try {
      board = /** @type {Board} */ (await api('/data-quality'));
    } catch (err) {
      if (mine === seq) root.replaceChildren(errorState(err));
      return;
    }
    if (mine !== seq) return;
    const parts = [
      h('p', { class: 'muted' }, `截至 ${board.day}; 报送周期取预警规则 "数据逾期" (source-overdue) 的设定; 退回: 入库时被拒绝的记录 (不入事件库, 由报送服务计数), 占比 = 退回 ÷ (退回 + 入库)`),
    ];
    parts.push(
      board.units.length === 0
        ? emptyState()
        : h('table', { class: 'data dq-table' },
            h('thead', {}, h('tr', {}, ['报送部门', '记录数', '近 30 日', '最近报送', '业务日期距今 / 周期', '状态', '更正', '带标记', '待说明', '已说明', '标记明细', '退回 (占比)', '主要退回原因'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', {}, board.units.map(unitRow))),
    );
    parts.push(h('h3', {}, '同名不同信用代码的企业'));
    parts.push(
      board.duplicateNames.length === 0
        ? h('p', { class: 'muted' }, '无')
        : h('ul', { class: 'dup-list' }, board.duplicateNames.map((d) => h('li', {}, `${d.name}: ${d.usccs.join('、')}`))),
    );
    root.replaceChildren(...parts);
  }

  return { load };
}
