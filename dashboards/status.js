// @ts-check
// The header: the Beijing clock, and the data's freshness from GET /api/v1/status every 10 s
// (events stored, store position, projections live / behind / failed).

import { reasonOf } from './api.js';
import { byId } from './dom.js';
import { freshnessOf, nf, TZ } from './format.js';
import { labels } from './labels.js';

/** @typedef {import('zod').infer<typeof import('../contracts/api/kpis.ts').StatusResponse>} Status */

const STATUS_EVERY_MS = 10_000;

/** Starts the header clock (every second). */
export function startClock() {
  const el = /** @type {HTMLTimeElement} */ (byId('clock'));
  const parts = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  const tick = () => {
    const now = new Date();
    const p = Object.fromEntries(parts.formatToParts(now).map((x) => [x.type, x.value]));
    el.dateTime = now.toISOString();
    el.textContent = `${p.year}年${p.month}月${p.day}日 ${p.weekday} ${p.hour}:${p.minute}:${p.second}`;
  };
  setInterval(tick, 1000);
  tick();
}

/**
 * Polls GET /status while started; `onStoreMoved` hears when the store's head moved on.
 * @param {{ api: (path: string) => Promise<unknown>, onStoreMoved: () => void }} deps
 * @returns {{ start(): void, stop(): void }}
 */
export function createStatus(deps) {
  const dot = /** @type {HTMLElement} */ (document.querySelector('.status-dot'));
  const text = byId('status-text');
  /** @type {ReturnType<typeof setInterval> | null} */
  let timer = null;
  /** @type {number | null} */
  let lastHead = null;

  async function refresh() {
    try {
      const s = /** @type {Status} */ (await deps.api('/status'));
      const names = labels().projectionStates;
      const { state, freshness } = freshnessOf(s, names);
      dot.dataset.state = state;
      const at = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(new Date());
      text.textContent = `事件 ${nf(0).format(s.store?.events ?? 0)} 条 · 位置 #${nf(0).format(s.store?.head ?? 0)} · ${freshness} · 更新于 ${at}`;
      text.title = (s.projections ?? []).map((p) => `${p.name} v${p.version}: ${names[p.state] ?? p.state}, 检查点 ${p.checkpoint}, 落后 ${p.lagEvents} 条`).join('\n');
      const head = s.store?.head ?? null;
      if (lastHead !== null && head !== lastHead) deps.onStoreMoved();
      lastHead = head;
    } catch (err) {
      dot.dataset.state = 'failed';
      text.textContent = `数据状态加载失败: ${reasonOf(err)}`;
    }
  }

  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
  }

  return {
    start() {
      stop();
      refresh();
      timer = setInterval(refresh, STATUS_EVERY_MS);
    },
    stop,
  };
}
