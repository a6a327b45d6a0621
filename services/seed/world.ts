/**
 * The entities of the sample area: its firms (with where and when they are in the area and an
 * economic profile), the universities, and firms outside the area that trade with them.
 * Both the history and the live trickle build the same world from the same seed.
 */
import { dayFrom, workday, yearOf, type Day } from './calendar.ts';
import { INDUSTRIES, MOVE_OUT_DESTINATIONS, OUTSIDE_LOCATIONS, STREETS, UNIVERSITIES, type IndustrySpec, type UniversitySpec } from './catalog.ts';
import { brandName, createRng, weightedIndexPicker, type Rng } from './random.ts';
import { AREA_OFFICES, OUTSIDE_OFFICES, createUsccFactory, type DivisionCode, type UsccFactory } from './usccFactory.ts';

export type Origin = '招商' | '大赛' | '孵化' | '内部创业' | '其他';

export interface Location {
  street: string;
  park?: string;
  division: DivisionCode;
}

export interface Firm {
  index: number;
  uscc: string;
  name: string;
  kind: 'existing' | 'new' | 'movedIn';
  establishedOn: Day;
  /** Where the firm was registered (outside the area for firms that moved in). */
  registeredAt: Location;
  /** Its location inside the area. */
  home: Location;
  /** First day in the area. */
  inFrom: Day;
  /** First day no longer in the area (moved out or deregistered); END while it stays. */
  until: Day;
  exit?: { kind: 'out' | 'deregistered'; on: Day; destination?: string };
  industry: IndustrySpec;
  industryCode: string;
  industryName: string;
  capital: number;
  origin: Origin;
  /** Mature yearly revenue, 万元. */
  scale: number;
  growth: number;
  rdRatio: number;
  htShare: number;
  techShare: number;
  revenuePerHead: number;
  /** Relative intensity of innovation activity (patents, contracts, services). */
  weight: number;
  /** Its profile meets the 高企 criteria, so it may be certified. */
  hteTrack: boolean;
}

export interface Party {
  uscc: string;
  name: string;
}

export interface University extends Party {
  spec: UniversitySpec;
}

export interface World {
  seed: number;
  from: Day;
  to: Day;
  firms: Firm[];
  universities: University[];
  /** Firms outside the area: contract counterparts, co-owners, investees elsewhere. */
  outside: Party[];
  uscc: UsccFactory;
  /** Picks a firm index weighted by innovation activity (check activity at the day yourself). */
  pickWeighted(rng: Rng): Firm;
}

export const END: Day = 1_000_000;

export function activeAt(firm: Firm, day: Day): boolean {
  return day >= firm.inFrom && day < firm.until;
}

const NAME_PREFIXES: readonly (readonly [string, number])[] = [['武汉', 70], ['湖北', 22], ['武汉长江新区', 8]];
const OUTSIDE_PREFIX: Record<string, string> = {
  '420100': '武汉',
  '420111': '武汉',
  '420106': '武汉',
  '420103': '武汉',
  '420115': '武汉',
  '110108': '北京',
  '310115': '上海',
  '440305': '深圳',
  '320106': '南京',
};

export function firmName(rng: Rng, prefix: string, words: readonly string[], used: Set<string>): string {
  for (;;) {
    const suffix = rng.chance(0.08) ? '股份有限公司' : '有限公司';
    const name = `${prefix}${brandName(rng)}${rng.pick(words)}${suffix}`;
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

export function buildWorld(options: { seed: number; from: Day; to: Day; enterprises: number }): World {
  const { seed, from, to } = options;
  const root = createRng(seed);
  const rng = root.fork('world');
  const uscc = createUsccFactory(root.fork('uscc'));
  const names = new Set<string>();
  const total = Math.max(50, Math.round(options.enterprises));
  const movedIn = Math.round(total * 0.08);
  const fresh = Math.round(total * 0.3);
  const existing = total - movedIn - fresh;
  const streetPick = weightedIndexPicker(STREETS.map((s) => s.weight));
  const industryPick = weightedIndexPicker(INDUSTRIES.map((i) => i.weight));
  const firms: Firm[] = [];
  const fromYear = yearOf(from);

  for (let i = 0; i < total; i++) {
    const kind: Firm['kind'] = i < existing ? 'existing' : i < existing + fresh ? 'new' : 'movedIn';
    const streetSpec = STREETS[streetPick(rng)] ?? STREETS[0]!;
    const home: Location = { street: streetSpec.street, division: streetSpec.division };
    if (rng.chance(0.75)) home.park = rng.pick(streetSpec.parks);
    const industry = INDUSTRIES[industryPick(rng)] ?? INDUSTRIES[0]!;
    const [industryCode, industryName] = rng.pick(industry.codes);

    let establishedOn: Day;
    if (kind === 'new') {
      // Registries register on working days.
      const d = rng.day(from, to);
      establishedOn = workday(d) <= to ? workday(d) : d;
    } else {
      // More firms were founded in recent years; the oldest date back to 2005.
      const year = rng.weighted(Array.from({ length: fromYear - 2005 }, (_, k) => [2005 + k, 1 + k * 0.45] as const));
      establishedOn = rng.day(dayFrom(year, 1, 1), Math.min(dayFrom(year, 12, 31), from - 1));
    }
    let registeredAt = home;
    let inFrom = establishedOn;
    if (kind === 'movedIn') {
      const outside = rng.pick(OUTSIDE_LOCATIONS);
      registeredAt = { street: outside.street, division: outside.division, ...(outside.park ? { park: outside.park } : {}) };
      inFrom = rng.day(from + 30, Math.max(from + 31, to - 20));
    }
    // `MA…` organisation parts exist only for firms registered after the 2015 reform.
    const modern = yearOf(establishedOn) >= 2016 || (yearOf(establishedOn) >= 2015 && rng.chance(0.5));
    const origin: Origin =
      kind === 'movedIn' ? '招商' : rng.weighted([['招商', 30], ['大赛', 6], ['孵化', 14], ['内部创业', 5], ['其他', 45]] as const);
    const hteTrack = rng.chance(industry.key === '枢纽经济' || industry.key === '现代农业' ? 0.26 : 0.42);
    const scale = clamp(rng.logNormal(hteTrack ? 1400 : 520, 1.25), 12, 600_000);
    const rdRatio = hteTrack
      ? scale > 20_000
        ? rng.float(0.034, 0.07)
        : scale > 5_000
          ? rng.float(0.045, 0.09)
          : rng.float(0.056, 0.16)
      : clamp(rng.logNormal(0.022, 0.8), 0, 0.3);
    const firm: Firm = {
      index: i,
      uscc: uscc.enterprise(registeredAt.division, modern),
      name: firmName(rng, rng.weighted(NAME_PREFIXES), industry.words, names),
      kind,
      establishedOn,
      registeredAt,
      home,
      inFrom,
      until: END,
      industry,
      industryCode,
      industryName,
      capital: Math.round(clamp(rng.logNormal(300, 1.1), 3, 200_000)),
      origin,
      scale,
      growth: clamp(rng.normal(0.1, 0.12), -0.25, 0.6),
      rdRatio,
      htShare: hteTrack ? rng.float(0.63, 0.95) : rng.float(0.05, 0.8),
      techShare: hteTrack ? rng.float(0.13, 0.55) : rng.float(0.03, 0.5),
      revenuePerHead: clamp(rng.logNormal(45, 0.45), 8, 400),
      weight: (hteTrack ? 3 : 1) * Math.log10(scale + 10) * rng.float(0.3, 1.7),
      hteTrack,
    };
    firms.push(firm);
  }

  // Exits: a few deregister, a few move out; never within their first half year in the area.
  for (const firm of firms) {
    const earliest = Math.max(from, firm.inFrom + 180);
    if (earliest >= to - 10) continue;
    const r = rng.next();
    if (r < 0.04) {
      firm.exit = { kind: 'deregistered', on: rng.day(earliest, to - 10) };
    } else if (r < 0.058) {
      firm.exit = { kind: 'out', on: rng.day(earliest, to - 10), destination: rng.pick(MOVE_OUT_DESTINATIONS) };
    }
    if (firm.exit) firm.until = firm.exit.on;
  }

  const universities: University[] = UNIVERSITIES.map((spec) => ({
    spec,
    name: spec.name,
    uscc: uscc.institution('420000'),
  }));

  const outside: Party[] = [];
  const divisions = Object.keys(OUTSIDE_OFFICES) as (keyof typeof OUTSIDE_OFFICES)[];
  for (let i = 0; i < Math.round(total * 0.3); i++) {
    const division = rng.weighted(divisions.map((d) => [d, d.startsWith('42') ? 6 : 1] as const));
    const industry = INDUSTRIES[industryPick(rng)] ?? INDUSTRIES[0]!;
    outside.push({ uscc: uscc.enterprise(division, rng.chance(0.6)), name: firmName(rng, OUTSIDE_PREFIX[division] ?? '武汉', industry.words, names) });
  }

  const pickIndex = weightedIndexPicker(firms.map((f) => f.weight));
  return { seed, from, to, firms, universities, outside, uscc, pickWeighted: (r) => firms[pickIndex(r)] as Firm };
}

/** The registering office's name for a division code. */
export function officeName(division: DivisionCode): string {
  if (division in AREA_OFFICES) return AREA_OFFICES[division as keyof typeof AREA_OFFICES];
  if (division in OUTSIDE_OFFICES) return OUTSIDE_OFFICES[division as keyof typeof OUTSIDE_OFFICES];
  return '湖北省市场监督管理局';
}

/** A firm active on `day`, weighted by activity; undefined if none found quickly. */
export function pickActiveFirm(world: World, rng: Rng, day: Day, accept?: (f: Firm) => boolean): Firm | undefined {
  for (let attempt = 0; attempt < 40; attempt++) {
    const f = world.pickWeighted(rng);
    if (activeAt(f, day) && (!accept || accept(f))) return f;
  }
  return undefined;
}

/** Revenue of a fiscal year: young firms ramp up to their scale over about three years. */
export function revenueOf(firm: Firm, fiscalYear: number, noise: number): number {
  const age = fiscalYear - yearOf(firm.establishedOn);
  const ramp = age <= 0 ? 0.15 : age === 1 ? 0.45 : age === 2 ? 0.75 : 1;
  return firm.scale * ramp * Math.pow(1 + firm.growth, fiscalYear - 2022) * noise;
}

