// @ts-check
// 预警: the warnings the API lists, as badges on the KPI cards and rows of the scorecard.

/** @typedef {{ warningId: string, state: string, severity: string, message: string, subject: { kpiId: string|null } }} Warning */

/** Severity order: 预警 over 关注. */
/** @type {Record<string, number>} */
const RANK = { 关注: 1, 预警: 2 };

/**
 * Per KPI, its worst open warning and the messages behind it.
 * @param {Warning[]} warnings
 * @returns {Map<string, { status: string, messages: string[] }>}
 */
export function warningsByKpi(warnings) {
  const out = new Map();
  for (const w of warnings) {
    const id = w.subject?.kpiId;
    if (!id || w.state !== 'open') continue;
    const cur = out.get(id) ?? { status: w.severity, messages: [] };
    if ((RANK[w.severity] ?? 0) > (RANK[cur.status] ?? 0)) cur.status = w.severity;
    cur.messages.push(`【${w.severity}】${w.message}`);
    out.set(id, cur);
  }
  return out;
}

/**
 * The CSS class of a status badge (正常 / 关注 / 预警).
 * @param {string} status
 */
export function badgeClass(status) {
  return status === '预警' ? 'warn-badge warn-red' : status === '关注' ? 'warn-badge warn-amber' : 'warn-badge warn-ok';
}
