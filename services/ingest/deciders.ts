import type { SourceContext } from '../../contracts/events/index.ts';
import type { Decider, Facts } from './decider.ts';
import { enterprisesDecider } from './enterprises/decider.ts';
import { fundsDecider } from './funds/decider.ts';
import { governanceDecider } from './governance/decider.ts';
import { incubatorsDecider } from './incubators/decider.ts';
import { platformsDecider } from './platforms/decider.ts';
import { talentDecider } from './talent/decider.ts';
import { transferDecider } from './transfer/decider.ts';

/** One decider per source context; the mapped type makes a missing context a compile error. */
export const DECIDERS: { [C in SourceContext]: Decider<C, { facts: Facts }> } = {
  enterprises: enterprisesDecider,
  incubators: incubatorsDecider,
  platforms: platformsDecider,
  funds: fundsDecider,
  transfer: transferDecider,
  talent: talentDecider,
  governance: governanceDecider,
};
