// @ts-check
// The KPI catalog as the screens know it: GET /kpis carries every KPI with its latest value;
// GET /kpis/:id the full definition, fetched once per KPI when the list lacks it.

/** @typedef {import('zod').infer<typeof import('../contracts/api/kpis.ts').KpiListItem>} KpiListItem */
/** @typedef {import('../contracts/kpis.ts').KpiDefinition} KpiDefinition */
/** A KPI on screen: the list's fields, and the definition's once it has been read. */
/** @typedef {Partial<KpiListItem> & Partial<KpiDefinition> & { id: string }} Kpi */

/**
 * @param {{ api: (path: string) => Promise<unknown> }} deps
 */
export function createCatalog(deps) {
  /** @type {Map<string, Promise<KpiDefinition | null>>} */
  const definitions = new Map();
  /** @type {Kpi[]} */
  let list = [];

  return {
    /** The KPIs of the last overview, in catalog order. */
    all: () => list,
    /** @param {Kpi[]} kpis */
    set(kpis) {
      list = kpis;
    },
    /** @param {string} id */
    find: (id) => list.find((k) => k.id === id),
    /**
     * Puts fresher fields of a KPI into the catalog; returns the merged KPI.
     * @param {Kpi} k
     */
    merge(k) {
      const i = list.findIndex((c) => c.id === k.id);
      if (i < 0) return k;
      list[i] = { ...list[i], ...k };
      return list[i];
    },
    /**
     * The KPI with its definition (dimension, grains…), read once; without it on failure (tried again next time).
     * @param {Kpi} kpi
     * @returns {Promise<Kpi>}
     */
    async definitionOf(kpi) {
      if (kpi.dimension && kpi.grains) return kpi;
      let def = definitions.get(kpi.id);
      if (!def) {
        def = /** @type {Promise<KpiDefinition>} */ (deps.api(`/kpis/${encodeURIComponent(kpi.id)}`)).catch(() => {
          definitions.delete(kpi.id);
          return null;
        });
        definitions.set(kpi.id, def);
      }
      const d = await def;
      return d ? { ...d, ...kpi, dimension: kpi.dimension ?? d.dimension } : kpi;
    },
  };
}

/** @typedef {ReturnType<typeof createCatalog>} Catalog */
