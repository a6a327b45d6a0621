// @ts-check
// 导出: files fetched with the Bearer key and saved from a Blob (a plain link cannot carry the
// header), and the export menus (a disclosure button with one button per format).

import { reasonOf } from './api.js';
import { h } from './dom.js';
import { asOfText } from './format.js';

const FORMAT_NAMES = /** @type {Record<string, string>} */ ({ xlsx: 'Excel', csv: 'CSV', parquet: 'Parquet', arrow: 'Arrow' });

/** @typedef {Record<string, unknown>} Params */
/** @typedef {{ path: string, params: Params, fallbackName: string }} ExportRequest */
/** @typedef {(path: string, params: Params, fallbackName: string) => Promise<{ name: string, asOf: string | null, bytes: number }>} DownloadExport */

/**
 * Downloads through `download` (api.js) from under `base` (/exports, /reports) and saves the file
 * under its Chinese name.
 * @param {(path: string, params: Params, fallbackName: string) => Promise<{ blob: Blob, name: string, asOf: string | null }>} download
 * @param {string} base
 * @returns {DownloadExport}
 */
export function createDownloadExport(download, base) {
  return async (path, params, fallbackName) => {
    const { blob, name, asOf } = await download(`${base}${path}`, params, fallbackName);
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    // The browser has taken the Blob once the click is handled; keep the URL a little for slow ones.
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
    return { name, asOf, bytes: blob.size };
  };
}

/**
 * A disclosure button with one button per format (WAI-ARIA disclosure: Escape closes it and
 * returns focus, so the detail dialog stays open). `request(format)` says what to download
 * (null: nothing to export yet).
 * @param {DownloadExport} downloadExport
 * @param {string} toggleId
 * @param {string} statusId
 * @param {(format: string) => ExportRequest | null} request
 */
export function wireExportMenu(downloadExport, toggleId, statusId, request) {
  const toggle = /** @type {HTMLButtonElement} */ (document.getElementById(toggleId));
  const items = /** @type {HTMLElement} */ (document.getElementById(toggle.getAttribute('aria-controls') ?? ''));
  const status = /** @type {HTMLElement} */ (document.getElementById(statusId));
  const menu = /** @type {HTMLElement} */ (toggle.parentElement);
  /** @param {boolean} open */
  const setOpen = (open) => {
    toggle.setAttribute('aria-expanded', String(open));
    items.hidden = !open;
  };
  const buttons = () => /** @type {HTMLButtonElement[]} */ ([...items.querySelectorAll('button')]);
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    setOpen(open);
    if (open) buttons()[0]?.focus();
  });
  menu.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !items.hidden) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      toggle.focus();
    }
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !items.hidden) {
      const all = buttons();
      const i = all.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
      const next = all[(i + (e.key === 'ArrowDown' ? 1 : all.length - 1)) % all.length];
      e.preventDefault();
      next?.focus();
    }
  });
  document.addEventListener('click', (e) => {
    if (!(e.target instanceof Node) || !menu.contains(e.target)) setOpen(false);
  });
  items.addEventListener('click', async (e) => {
    const b = /** @type {HTMLButtonElement | null} */ (e.target instanceof Element ? e.target.closest('button[data-format]') : null);
    if (!b) return;
    const format = b.dataset.format ?? '';
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
