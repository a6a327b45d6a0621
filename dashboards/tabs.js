// @ts-check
// The view tabs (WAI-ARIA tabs: arrows move between them).

/**
 * Wires the tabs of the page; `onSelect` hears the tab shown.
 * @param {(tab: HTMLElement) => void} onSelect
 * @returns {{ selectTab(tab: HTMLElement): void }}
 */
export function createTabs(onSelect) {
  const tabs = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('[role=tab]')]);
  /** @param {HTMLElement} tab */
  function selectTab(tab) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      const panel = document.getElementById(t.getAttribute('aria-controls') ?? '');
      if (panel) panel.hidden = !on;
    }
    onSelect(tab);
  }
  for (const t of tabs) {
    t.addEventListener('click', () => selectTab(t));
    t.addEventListener('keydown', (e) => {
      const i = tabs.indexOf(t);
      const next = e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(i - 1 + tabs.length) % tabs.length] : null;
      if (next) {
        e.preventDefault();
        next.focus();
        selectTab(next);
      }
    });
  }
  return { selectTab };
}
