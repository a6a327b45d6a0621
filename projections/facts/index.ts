import type { Projection } from '../projection.ts';
import { correctionFacts } from './corrections.ts';
import { entityLocations } from './entities.ts';
import { flowFacts } from './flows.ts';
import { reportFacts } from './governance.ts';
import { statusFacts } from './statuses.ts';

export { correctionFacts, entityLocations, flowFacts, reportFacts, statusFacts };
export { OPEN_END } from './common.ts';

/** Every fact projection the KPI queries read (tables by their stable logical names). */
export const FACT_PROJECTIONS: readonly Projection[] = [entityLocations, statusFacts, flowFacts, reportFacts, correctionFacts];
