// @ts-check
// Building the page: every node is made with h() (text, never innerHTML: names and details are
// data from departments and must not be able to inject markup), and the empty / error states.

import { reasonOf } from './api.js';

/**
 * An element with attributes (class, style, on<event> handlers, dataset, booleans) and children
 * (nodes, or text; null / undefined / false are skipped; arrays are flattened).
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'style') el.setAttribute('style', String(v));
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), /** @type {EventListener} */ (v));
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/**
 * The element with this id, of this type (throws when the page lacks it: a broken page, not data).
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @param {{ new (): T }} [type]
 * @returns {T}
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  if (!el || (type && !(el instanceof type))) throw new Error(`页面缺少 #${id}`);
  return /** @type {T} */ (el);
}

/**
 * @param {'empty' | 'error'} kind
 * @param {string} text
 * @param {() => void} [retry]
 */
function stateMessage(kind, text, retry) {
  return h('div', { class: `state state-${kind}`, role: kind === 'error' ? 'alert' : undefined },
    h('p', {}, text),
    retry ? h('button', { type: 'button', class: 'ghost', onclick: retry }, '重试') : null);
}

/** @param {string} [text] */
export const emptyState = (text = '暂无数据') => stateMessage('empty', text);

/**
 * @param {unknown} err
 * @param {() => void} [retry]
 */
export const errorState = (err, retry) => stateMessage('error', `加载失败: ${reasonOf(err)}`, retry);
