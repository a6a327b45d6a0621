// @ts-check
// Live updates: the KPI stream (live.js) with the bursts of one run coalesced into one refresh
// of the KPIs that changed, and warnings raised or cleared into one re-read of the warnings.

import { followKpiStream } from './live.js';

const COALESCE_MS = 50;

/**
 * @param {{
 *   url: string,
 *   key: () => string | null,
 *   onKpis: (ids: Set<string>) => void,
 *   onWarnings: () => void,
 * }} deps
 * @returns {{ start(): void, stop(): void }}
 */
export function createLiveUpdates(deps) {
  /** @type {{ stop(): void } | null} */
  let stream = null;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let kpiTimer = null;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let warningTimer = null;
  /** @type {Set<string>} */
  const changed = new Set();

  function stop() {
    stream?.stop();
    stream = null;
  }

  return {
    start() {
      stop();
      stream = followKpiStream({
        url: deps.url,
        key: deps.key,
        onState: (state) => {
          document.body.dataset.live = state;
        },
        onWarning: () => {
          warningTimer ??= setTimeout(() => {
            warningTimer = null;
            deps.onWarnings();
          }, COALESCE_MS);
        },
        onChanges: (changes) => {
          for (const c of changes) changed.add(c.kpiId);
          // Changes of one run arrive together; coalesce a burst into one refresh.
          kpiTimer ??= setTimeout(() => {
            kpiTimer = null;
            const ids = new Set(changed);
            changed.clear();
            deps.onKpis(ids);
          }, COALESCE_MS);
        },
      });
    },
    stop,
  };
}
