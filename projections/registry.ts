import { FACT_PROJECTIONS } from './facts/index.ts';
import { monitoringFacts } from './monitoring/facts.ts';
import type { Projection } from './projection.ts';

/**
 * Every projection the runner keeps up to date. Bump a projection's `version` to rebuild it:
 * the runner builds the new tables from position 0 while the old ones keep serving.
 */
export const PROJECTIONS: Projection[] = [...FACT_PROJECTIONS, monitoringFacts];
