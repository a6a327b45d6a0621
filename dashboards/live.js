// @ts-check
// Live KPI changes: GET /api/v1/stream (Server-Sent Events) read with fetch, because EventSource
// cannot send the Authorization header and keys never travel in a URL.

/**
 * @typedef {{ kpiId: string, slot: string, period: string, breakdown: string, breakdownValue: string,
 *   oldValue: number|null, newValue: number|null, change: string, position: number, recordedAt: string }} KpiChange
 */

/**
 * Splits an SSE text buffer into complete events; returns them and the unfinished rest.
 * @param {string} buffer
 * @returns {{ events: Array<{ event: string, data: string, id?: string }>, rest: string }}
 */
export function parseSse(buffer) {
  const blocks = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  const events = [];
  for (const block of blocks) {
    let event = 'message';
    /** @type {string[]} */
    const data = [];
    /** @type {string|undefined} */
    let id;
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || line === '') continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (data.length > 0) events.push({ event, data: data.join('\n'), ...(id !== undefined ? { id } : {}) });
  }
  return { events, rest };
}

/**
 * Follows the stream until `stop()`; reconnects after a failure (1 s, growing to 15 s).
 * @param {{ url: string, key: () => string|null, onChanges: (changes: KpiChange[]) => void, onWarning?: () => void, onState?: (state: 'live'|'reconnecting'|'unauthorized') => void }} options
 * @returns {{ stop(): void }}
 */
export function followKpiStream(options) {
  let stopped = false;
  /** @type {AbortController|null} */
  let controller = null;
  let delay = 1000;
  async function run() {
    while (!stopped) {
      const key = options.key();
      if (!key) return;
      controller = new AbortController();
      try {
        const res = await fetch(options.url, { headers: { Authorization: `Bearer ${key}`, Accept: 'text/event-stream' }, signal: controller.signal });
        if (res.status === 401 || res.status === 403) {
          options.onState?.('unauthorized');
          return;
        }
        if (!res.ok || !res.body) throw new Error(`stream ${res.status}`);
        options.onState?.('live');
        delay = 1000;
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          const parsed = parseSse(buffer);
          buffer = parsed.rest;
          for (const e of parsed.events) {
            if (e.event === 'warning') {
              options.onWarning?.();
              continue;
            }
            if (e.event !== 'kpi-changes') continue;
            try {
              options.onChanges(JSON.parse(e.data).changes ?? []);
            } catch {
              /* a malformed event is skipped; the next one carries the state again */
            }
          }
        }
      } catch {
        if (stopped) return;
      }
      if (stopped) return;
      options.onState?.('reconnecting');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(15_000, delay * 2);
    }
  }
  run();
  return {
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}
