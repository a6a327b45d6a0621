// 数据质量: the data-quality board over GET /api/v1/data-quality. Per sending department its
// volume, latest record against its expected cadence, corrections and flagged records, and the
// enterprise names registered under more than one USCC. Plain ES module, loaded by app.js, which
// passes in its DOM and API helpers. Every node is built with h() (text, never innerHTML).

/** Chinese names of the data-quality flags (docs/ingest.md); others are shown as sent. */
export const FLAG_LABELS = {
  'review:rdExpense-over-revenue': '研发费用高于营业收入',
  'review:rdExpense-yoy': '研发费用同比 3 倍以上',
  'review:revenue-yoy': '营业收入同比 3 倍以上',
  'review:revenue-implausible': '营业收入异常偏大',
  'review:hte-without-rd': '高企认定但前三年无研发费用',
  'implausible:techStaff': '科技人员多于从业人员',
};

/** A flag's Chinese label, with its prefix family for unknown ones (uscc-check:…, patent-check:…). */
export function flagLabel(flag) {
  if (FLAG_LABELS[flag]) return FLAG_LABELS[flag];
  if (flag.startsWith('uscc-check:')) return `信用代码校验位错误 (${flag.slice(11)})`;
  if (flag.startsWith('patent-check:')) return `专利号校验位错误 (${flag.slice(13)})`;
  if (flag.startsWith('hightech-criteria:')) return `不满足高企认定条件 (${flag.slice(18)})`;
  return flag;
}

/** Wires the 数据质量 tab. `deps`: { api, h, emptyState, errorState, nf }. Returns { load() }. */
export function createDataQuality(deps) {
  const { api, h, emptyState, errorState, nf } = deps;
  const root = document.getElementById('data-quality');
  let seq = 0;

  function unitRow(u) {
    const flags = Object.entries(u.flags ?? {});
    return h('tr', { dataset: { unit: u.unit } },
      h('th', { scope: 'row' }, u.unit, h('div', { class: 'muted' }, u.systems.join('、'))),
      h('td', { class: 'num' }, nf(0).format(u.records)),
      h('td', { class: 'num' }, nf(0).format(u.recordsLast30Days)),
      h('td', {}, u.lastRecordedAt.slice(0, 10)),
      h('td', { class: 'num' }, `${u.daysSinceLast} / ${u.cadenceDays} 天`),
      h('td', {}, u.overdue ? h('span', { class: 'warn-badge warn-amber' }, '逾期未报') : h('span', { class: 'warn-badge warn-ok' }, '按期')),
      h('td', { class: 'num' }, nf(0).format(u.corrections)),
      h('td', { class: 'num' }, nf(0).format(u.flagged)),
      h('td', { class: 'num' }, nf(0).format(u.underReview - u.explained)),
      h('td', { class: 'num' }, nf(0).format(u.explained)),
      h('td', {}, flags.length === 0 ? h('span', { class: 'muted' }, '—') : h('ul', { class: 'flag-list' }, flags.map(([f, n]) => h('li', {}, `${flagLabel(f)}: ${nf(0).format(n)}`)))),
    );
  }

  async function load() {
    const mine = ++seq;
    root.replaceChildren(h('p', { class: 'placeholder' }, '加载中…'));
    let board;
    try {
      board = await api('/data-quality');
    } catch (err) {
      if (mine === seq) root.replaceChildren(errorState(err));
      return;
    }
    if (mine !== seq) return;
    const parts = [
      h('p', { class: 'muted' }, `截至 ${board.day}; 报送周期取预警规则 "数据逾期" (source-overdue) 的设定`),
    ];
    parts.push(
      board.units.length === 0
        ? emptyState()
        : h('table', { class: 'data dq-table' },
            h('thead', {}, h('tr', {}, ['报送部门', '记录数', '近 30 日', '最近报送', '距今 / 周期', '状态', '更正', '带标记', '待说明', '已说明', '标记明细'].map((t) => h('th', { scope: 'col' }, t)))),
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
