// @ts-check
// The one way to the read API (/api/v1): the access key of this tab, the fetch with its error
// path (problem-details JSON → ApiError with the Chinese detail), JSON answers and file downloads.

import { fileNameOf, queryString } from './http.js';

const API = 'api/v1';
const KEY_STORAGE = 'brain.apiKey';

/** A refused or failed request: the HTTP status (0: no answer) and the problem's detail. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string} [cause] what the network layer said, when there was no answer
   */
  constructor(status, message, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.status = status;
  }
}

/**
 * What went wrong, for a screen: the detail and the status.
 * @param {unknown} err
 */
export function reasonOf(err) {
  if (err instanceof ApiError) return err.status ? `${err.message} (${err.status})` : err.message;
  if (err instanceof Error) return err.message || '未知错误';
  return String(err);
}

/** @param {unknown} err */
export const isUnauthorized = (err) => err instanceof ApiError && err.status === 401;

/** The key of this tab (sessionStorage: gone when the tab closes). */
export const auth = {
  /** @returns {string | null} */
  get key() {
    return sessionStorage.getItem(KEY_STORAGE);
  },
  /** @param {string} key */
  set(key) {
    sessionStorage.setItem(KEY_STORAGE, key);
  },
  clear() {
    sessionStorage.removeItem(KEY_STORAGE);
  },
};

/** Kiosk screens open the page as …/#key=<key>: keep the key for this tab and drop it from the URL. */
export function takeKeyFromHash() {
  const m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!m) return;
  try {
    auth.set(decodeURIComponent(m[1]));
  } catch {
    auth.set(m[1]);
  }
  history.replaceState(null, '', location.pathname + location.search);
}

/** @typedef {import('./http.js').Params} Params */

/**
 * The fetch and its error path: no answer → ApiError(0), an error status → ApiError(status, the
 * problem's detail or title, else the status text, else `fallback`).
 * @param {string} path under /api/v1
 * @param {Params | undefined} params
 * @param {{ key: string, accept?: string, fallback?: string }} options
 * @returns {Promise<Response>}
 */
export async function request(path, params, options) {
  /** @type {Record<string, string>} */
  const headers = { Authorization: `Bearer ${options.key}` };
  if (options.accept) headers.Accept = options.accept;
  let res;
  try {
    res = await fetch(`${API}${path}${queryString(params)}`, { headers });
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    throw new ApiError(0, `网络错误: ${cause}`, cause);
  }
  if (!res.ok) {
    let detail = res.statusText || options.fallback || '请求失败';
    try {
      const p = await res.json();
      detail = p.detail || p.title || detail;
    } catch {
      /* not problem JSON: keep the status text */
    }
    throw new ApiError(res.status, detail);
  }
  return res;
}

/**
 * The API with this tab's key: a 401 is reported to `onUnauthorized` (the key expired) and thrown.
 * @param {{ onUnauthorized: (err: ApiError) => void }} options
 */
export function createApi(options) {
  /**
   * @param {string} path
   * @param {Params | undefined} params
   * @param {{ accept?: string, fallback?: string }} how
   */
  async function send(path, params, how) {
    const key = auth.key;
    if (!key) throw new ApiError(401, '未登录');
    try {
      return await request(path, params, { key, ...how });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) options.onUnauthorized(err);
      throw err;
    }
  }

  return {
    /**
     * A JSON answer of the read API.
     * @param {string} path
     * @param {Params} [params]
     * @returns {Promise<any>}
     */
    async api(path, params) {
      return (await send(path, params, { accept: 'application/json' })).json();
    },
    /**
     * A file's bytes, its file name and the instant its data is as of.
     * @param {string} path under /api/v1 (/exports/…, /reports/…)
     * @param {Params} params
     * @param {string} fallbackName
     * @returns {Promise<{ blob: Blob, name: string, asOf: string | null }>}
     */
    async download(path, params, fallbackName) {
      const res = await send(path, params, { fallback: '导出失败' });
      const blob = await res.blob();
      return { blob, name: fileNameOf(res.headers.get('Content-Disposition'), fallbackName), asOf: res.headers.get('X-Brain-As-Of') };
    },
  };
}
