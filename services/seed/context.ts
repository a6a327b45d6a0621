/**
 * What every part of the history generator shares: the world, the emitter, the window, and the
 * facts one part leaves for another (who is 高企 when, who is incubating, which platforms exist).
 */
import type { Day } from './calendar.ts';
import type { Emitter } from './emitter.ts';
import type { Rng } from './random.ts';
import type { World } from './world.ts';

export interface CertSpan {
  number: string;
  issuedOn: Day;
  /** First day it no longer holds (expiry or revocation). */
  endsOn: Day;
}

export interface Tenancy {
  incubatorId: string;
  admittedOn: Day;
  /** First day no longer incubating; END while incubating. */
  endsOn: Day;
}

export interface ServiceProvider {
  platformId: string;
  name: string;
  serviceTypes: string[];
  registeredOn: Day;
  weight: number;
}

export interface SharedFacts {
  /** 高企 certificates per firm index. */
  hte: Map<number, CertSpan[]>;
  /** Firms on each year's 科技型中小企业 list (firm indexes). */
  techSme: Map<number, Set<number>>;
  tenancies: Map<number, Tenancy>;
  serviceProviders: ServiceProvider[];
  /** Valid 高企 in the area at the end of the year before the window: the doubling baseline. */
  hteBaseline: number;
}

export interface Ctx {
  world: World;
  rng: Rng;
  out: Emitter;
  from: Day;
  to: Day;
  fromYear: number;
  toYear: number;
  /** Firms relative to the reference area of 3,000. */
  scale: number;
  facts: SharedFacts;
}

/**
 * A day in [from, to] for a flow that grows by `growth` a year (more activity as the area
 * matures): the inverse of an exponential cumulative distribution.
 */
export function flowDay(rng: Rng, from: Day, to: Day, growth = 0.18): Day {
  const span = to - from + 1;
  const g = Math.log(1 + growth) / 365;
  const u = rng.next();
  const t = Math.log(1 + u * (Math.exp(g * span) - 1)) / g;
  return Math.min(to, from + Math.floor(t));
}

/** Years covered by the window, in years (for flows given as yearly rates). */
export function spanYears(ctx: Ctx): number {
  return (ctx.to - ctx.from + 1) / 365.25;
}
