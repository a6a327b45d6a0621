// @ts-check
// The login box (访问密钥) and the 退出 button. A key is checked against the API before the box
// closes, so a wrong key is answered here, in Chinese; one box at a time, however many requests
// were refused at once.

import { ApiError, auth, request } from './api.js';
import { byId } from './dom.js';

/**
 * Wires the login box and 退出.
 * @param {{
 *   start: () => void,
 *   stop: () => void,
 *   clear: () => void,
 * }} deps `start` runs once a key is accepted; `stop` ends background work when the key is
 *   dropped; `clear` empties the screens after 退出.
 * @returns {{ requireLogin(message?: string): Promise<void> | null, expired(err: Error): void, signedIn(): void }}
 */
export function createLogin(deps) {
  const dialog = byId('login', HTMLDialogElement);
  const form = byId('login-form', HTMLFormElement);
  const input = byId('login-key', HTMLInputElement);
  const error = byId('login-error');
  const logout = byId('logout', HTMLButtonElement);
  /** @type {(() => void) | null} */
  let resolveLogin = null;
  /** @type {Promise<void> | null} */
  let pending = null;

  /** @param {string} [message] */
  function showError(message) {
    error.hidden = !message;
    error.textContent = message ?? '';
  }

  /**
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  function show(message) {
    showError(message);
    if (!dialog.open) dialog.showModal();
    input.value = '';
    input.focus();
    return new Promise((resolve) => {
      resolveLogin = resolve;
    });
  }

  /**
   * Shows the box (null when it is already up: the message goes into it).
   * @param {string} [message]
   */
  function requireLogin(message) {
    if (pending) {
      if (message) showError(message);
      return null;
    }
    pending = show(message).finally(() => {
      pending = null;
    });
    return pending;
  }

  function signedOut() {
    auth.clear();
    deps.stop();
    logout.hidden = true;
  }

  dialog.addEventListener('cancel', (e) => e.preventDefault());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    if (!key) {
      showError('请输入访问密钥');
      return;
    }
    const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
    submit.disabled = true;
    submit.textContent = '验证中…';
    try {
      await request('/kpis', undefined, { key, accept: 'application/json' });
      auth.set(key);
      dialog.close();
      const resolve = resolveLogin;
      resolveLogin = null;
      resolve?.();
    } catch (err) {
      if (err instanceof ApiError && err.status !== 0) {
        showError(err.status === 401 ? `访问密钥无效: ${err.message}` : err.status === 403 ? `无权访问: ${err.message}` : `加载失败: ${err.message} (${err.status})`);
        input.select();
      } else {
        showError(`加载失败: 网络错误 (${err instanceof Error ? err.cause ?? err.message : err})`);
      }
    } finally {
      submit.disabled = false;
      submit.textContent = '进入驾驶舱';
    }
  });

  logout.addEventListener('click', () => {
    signedOut();
    deps.clear();
    requireLogin()?.then(deps.start);
  });

  return {
    requireLogin,
    /** The API refused the key (401): drop it and ask again. */
    expired(err) {
      signedOut();
      requireLogin(`访问密钥无效或已失效: ${err.message}`)?.then(deps.start);
    },
    signedIn() {
      logout.hidden = false;
    },
  };
}
