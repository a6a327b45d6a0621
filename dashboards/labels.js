// @ts-check
// The Chinese labels of the codes the API sends (GET /api/v1/labels, from contracts/labels.ts),
// loaded once; until then, and if they fail, the tables are empty and codes show as sent.

/** @typedef {import('../contracts/labels.ts').Labels} Labels */

/** @type {Labels} */
const NONE = {
  dimensions: [],
  eachTaskLead: '',
  grains: {},
  kpiKinds: {},
  projectionStates: {},
  drilldownColumns: {},
  drilldownFlagColumns: [],
  drilldownValues: {},
  dataQualityFlags: {},
  dataQualityFlagFamilies: {},
  endedBy: {},
};

/** @type {Labels} */
let loaded = NONE;
/** @type {Promise<Labels> | null} */
let pending = null;

/**
 * Loads the labels once (again after a failure).
 * @param {(path: string) => Promise<unknown>} api
 * @returns {Promise<Labels>}
 */
export function ensureLabels(api) {
  pending ??= api('/labels').then(
    (res) => {
      loaded = /** @type {Labels} */ (res);
      return loaded;
    },
    (err) => {
      pending = null;
      throw err;
    },
  );
  return pending;
}

/** The labels loaded (empty tables before). */
export const labels = () => loaded;
