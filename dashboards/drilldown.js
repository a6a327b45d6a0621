// @ts-check
// The drill-down table of one period: the entities behind a KPI value, what each contributes, and
// its KPI-specific columns in Chinese (labels from the API); the first 200 rows, counts for all.

import { h } from './dom.js';
import { detailText, nf } from './format.js';
import { labels } from './labels.js';

/** @typedef {import('./catalog.js').Kpi} Kpi */
/** @typedef {import('../contracts/kpis.ts').DrilldownRow} DrilldownRow */

const DRILL_MAX_ROWS = 200;

/**
 * @param {DrilldownRow[]} rows
 * @param {Kpi} k
 * @param {Record<string, string>} columns the column names the API sends with every drill-down
 * @param {(id: string, text: string) => HTMLElement} entityLink
 */
export function drillTable(rows, k, columns, entityLink) {
  const ratio = k.kind === 'ratio' || k.kind === 'flow+ratio';
  const counted = rows.filter((r) => r.x !== 0).length;
  const shown = rows.slice(0, DRILL_MAX_ROWS);
  const names = { columns, values: labels().drilldownValues, flagColumns: labels().drilldownFlagColumns };
  return h('table', { class: 'data drill-table' },
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
        h('td', {}, entityLink(r.entity, r.name || r.entity)),
        h('td', { class: 'mono' }, r.entity),
        h('td', { class: 'num' }, nf(2).format(r.x)),
        ratio ? h('td', { class: 'num' }, nf(2).format(r.y)) : null,
        h('td', { class: 'muted', title: `来源事件: ${(r.eventIds ?? []).join(', ')}` }, [r.breakdown ? `${r.breakdown} · ` : '', detailText(r.detail, names) || `${(r.eventIds ?? []).length} 个来源事件`])))),
  );
}
