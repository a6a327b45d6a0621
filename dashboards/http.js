// @ts-check
// The pure parts of talking HTTP: query strings and the file names of downloads (no DOM, unit-tested).

/** @typedef {Record<string, unknown>} Params */

/**
 * The query string of the params that have a value ('' without any).
 * @param {Params | undefined} params
 */
export function queryString(params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== '') qs.append(k, String(v));
  const text = qs.toString();
  return text ? `?${text}` : '';
}

/**
 * The Chinese file name of RFC 5987's filename*, else the plain filename, else the fallback.
 * @param {string | null | undefined} disposition
 * @param {string} fallback
 */
export function fileNameOf(disposition, fallback) {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '');
  if (star) {
    try {
      return decodeURIComponent(star[1] ?? '');
    } catch {
      /* malformed: try the plain name */
    }
  }
  const plain = /filename="([^"]+)"/i.exec(disposition ?? '');
  return plain?.[1] ?? fallback;
}
