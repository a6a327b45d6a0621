/**
 * Tier histories: 高企 certificates, the yearly 科技型中小企业 lists, 专精特新 tiers, 科创新物种
 * lists, reserve pools, listings and settlements. Each status has its own validity, as in EVENTS.md.
 */
import type { EventDataInput } from '../../../contracts/events/index.ts';
import { addYears, dayFrom, isoOf, workday, yearOf, type Day } from '../calendar.ts';
import { monthBatch, type SourceSpec } from '../emitter.ts';
import { brandName, type Rng } from '../random.ts';
import { activeAt, revenueOf, type Firm } from '../world.ts';
import type { CertSpan, Ctx } from '../context.ts';

type PoolName = EventDataInput<'ReservePoolAdmitted'>['pool'];
type PoolExitReason = NonNullable<EventDataInput<'ReservePoolExited'>['reason']>;

const HTE_SOURCE = { system: '高企认定', unit: '科创局' } as const;
const TIER_SOURCE = { system: '部门填报', unit: '科创局' } as const;

/** Reserve pools: a firm enters each pool once and leaves it once. */
class Pools {
  private readonly members = new Map<PoolName, Map<number, { admitted: Day; exited?: Day }>>();
  constructor(private readonly ctx: Ctx) {}

  private source(pool: PoolName, day: Day): SourceSpec {
    return { ...TIER_SOURCE, unit: pool === '上市后备库' ? '财政国资局' : '科创局', batch: monthBatch(pool, day) };
  }

  admit(pool: PoolName, firm: Firm, day: Day): boolean {
    let m = this.members.get(pool);
    if (!m) this.members.set(pool, (m = new Map()));
    if (m.has(firm.index) || !activeAt(firm, day) || day > this.ctx.to) return false;
    m.set(firm.index, { admitted: day });
    this.ctx.out.emit(day, 'ReservePoolAdmitted', { uscc: firm.uscc, pool, admittedOn: isoOf(day) }, this.source(pool, day), { priority: 0 });
    return true;
  }

  isMember(pool: PoolName, firm: Firm, day: Day): boolean {
    const entry = this.members.get(pool)?.get(firm.index);
    return entry !== undefined && entry.admitted <= day && (entry.exited === undefined || day < entry.exited);
  }

  admittedOn(pool: PoolName, firm: Firm): Day | undefined {
    return this.members.get(pool)?.get(firm.index)?.admitted;
  }

  exit(pool: PoolName, firm: Firm, day: Day, reason: PoolExitReason): void {
    const entry = this.members.get(pool)?.get(firm.index);
    if (!entry || entry.exited !== undefined || day < entry.admitted || day >= firm.until || day > this.ctx.to) return;
    entry.exited = day;
    this.ctx.out.emit(day, 'ReservePoolExited', { uscc: firm.uscc, pool, exitedOn: isoOf(day), reason }, this.source(pool, day), { priority: 2 });
  }

  /** Members whose firm leaves the area leave the pool the day before. */
  closeForLeavers(): void {
    for (const [pool, m] of this.members) {
      for (const [index, entry] of m) {
        const firm = this.ctx.world.firms[index];
        if (!firm || entry.exited !== undefined || !firm.exit) continue;
        const day = Math.max(entry.admitted, firm.until - 1);
        this.exit(pool, firm, day, firm.exit.kind === 'out' ? '迁出' : '其他');
      }
    }
  }
}

function uniqueSerial(rng: Rng, used: Set<string>, key: string, max: number): number {
  for (;;) {
    const n = rng.int(1, max);
    const k = `${key}:${n}`;
    if (!used.has(k)) {
      used.add(k);
      return n;
    }
  }
}

export function generateTiers(ctx: Ctx): void {
  const pools = new Pools(ctx);
  highTech(ctx, pools);
  techSme(ctx);
  srdi(ctx, pools);
  newSpecies(ctx, pools);
  listings(ctx, pools);
  settlements(ctx);
  pools.closeForLeavers();
}

function highTech(ctx: Ctx, pools: Pools): void {
  const { world, out, to, fromYear, toYear } = ctx;
  const rng = ctx.rng.fork('hte');
  const batches = new Map<number, Day[]>();
  for (let y = 2017; y <= toYear + 1; y++) {
    batches.set(y, [workday(dayFrom(y, 10, rng.int(12, 25))), workday(dayFrom(y, 11, rng.int(8, 22))), workday(dayFrom(y, 12, rng.int(5, 18)))]);
  }
  const serials = new Set<string>();
  const firstCertYear = new Map<number, number>();

  for (const firm of world.firms) {
    if (!firm.hteTrack) continue;
    const eligibleFrom = firm.establishedOn + 365;
    let first: number | undefined;
    if (firm.establishedOn < ctx.from) {
      if (rng.chance(0.68) && eligibleFrom <= dayFrom(2022, 10, 1)) {
        // Certified before the window; firms certified in 2017–2019 renewed in 2020–2022.
        first = rng.pick([2020, 2021, 2022].filter((y) => dayFrom(y, 10, 1) >= eligibleFrom));
        if (first === undefined) first = 2022;
        if (yearOf(firm.establishedOn) <= 2015 && rng.chance(0.5)) first -= 3;
      } else {
        first = rng.weighted([[fromYear, 3], [fromYear + 1, 3.5], [fromYear + 2, 4], [fromYear + 3, 3], [0, 1]] as const);
      }
    } else {
      const y0 = yearOf(eligibleFrom);
      first = rng.weighted([[y0, 4], [y0 + 1, 3], [y0 + 2, 1], [0, 1.2]] as const);
    }
    if (!first) continue;
    firstCertYear.set(firm.index, first);

    const certs: CertSpan[] = [];
    let year = first;
    // Old firms' first certificate in view may itself renew one issued before 2017.
    let renewal = yearOf(firm.establishedOn) <= 2013 && rng.chance(0.4);
    while (year <= toYear) {
      const candidates = (batches.get(year) ?? []).filter((d) => d >= eligibleFrom);
      if (candidates.length === 0) {
        year++;
        continue;
      }
      const issued = rng.pick(candidates);
      if (issued > to || issued >= firm.until) break;
      const batchNo = (batches.get(year) ?? []).indexOf(issued) + 1;
      const number = `GR${year}42${String(uniqueSerial(rng, serials, String(year), 12_000)).padStart(6, '0')}`;
      const data: EventDataInput<'HighTechCertified'> = { uscc: firm.uscc, certificateNumber: number, issuedOn: isoOf(issued), renewal, techField: rng.pick(firm.industry.techFields) };
      out.emit(issued, 'HighTechCertified', data, { ...HTE_SOURCE, batch: `${year}年第${batchNo}批`, document: `湖北省${year}年第${batchNo}批认定报备的高新技术企业名单` });
      const span: CertSpan = { number, issuedOn: issued, endsOn: addYears(issued, 3) };
      certs.push(span);
      if (rng.chance(0.012)) {
        const revokedOn = workday(rng.day(issued + 60, Math.min(span.endsOn - 30, to)));
        if (revokedOn < firm.until && revokedOn <= to && revokedOn < span.endsOn) {
          out.emit(revokedOn, 'HighTechRevoked', { uscc: firm.uscc, certificateNumber: number, revokedOn: isoOf(revokedOn), reason: rng.pick(['复核不符合认定条件', '存在严重环境违法行为', '未按期报送年度发展情况']) }, { ...HTE_SOURCE, batch: `${yearOf(revokedOn)}年取消资格`, document: '关于取消高新技术企业资格的公告' }, { priority: 2 });
          span.endsOn = revokedOn;
          break;
        }
      }
      if (!rng.chance(0.86)) break;
      year += 3;
      renewal = true;
    }
    if (certs.length > 0) ctx.facts.hte.set(firm.index, certs);
  }

  // The doubling baseline: valid 高企 in the area at the end of the year before the window.
  const baselineDay = ctx.from - 1;
  ctx.facts.hteBaseline = world.firms.filter((f) => activeAt(f, baselineDay) && (ctx.facts.hte.get(f.index) ?? []).some((c) => c.issuedOn <= baselineDay && baselineDay < c.endsOn)).length;

  // 高企后备库: admitted at the start of the year in which most are expected to be certified.
  for (let year = fromYear; year <= toYear; year++) {
    const start = workday(dayFrom(year, 2, rng.int(10, 28)));
    for (const firm of world.firms) {
      if (!activeAt(firm, start) || ctx.facts.hte.get(firm.index)?.some((c) => c.issuedOn <= start && start < c.endsOn)) continue;
      const due = firstCertYear.get(firm.index) === year;
      if ((due && rng.chance(0.8)) || (!due && !firm.hteTrack && rng.chance(0.025)) || (!due && firm.hteTrack && rng.chance(0.05))) {
        pools.admit('高企后备库', firm, start);
      }
    }
    for (const firm of world.firms) {
      if (!pools.isMember('高企后备库', firm, dayFrom(year, 12, 31))) continue;
      const cert = ctx.facts.hte.get(firm.index)?.find((c) => yearOf(c.issuedOn) === year);
      if (cert) pools.exit('高企后备库', firm, cert.issuedOn, '认定');
      else if (rng.chance(0.5)) pools.exit('高企后备库', firm, workday(dayFrom(year, 12, rng.int(20, 28))), '不再符合');
    }
  }
}

function techSme(ctx: Ctx): void {
  const { world, out, fromYear, toYear, scale } = ctx;
  const rng = ctx.rng.fork('techsme');
  const serials = new Set<string>();
  let previous = new Set<number>();
  for (let year = fromYear - 1; year <= toYear; year++) {
    const target = Math.round(3_000 * scale * Math.min(0.6, 0.35 + 0.055 * (year - 2022)));
    const members = new Set<number>();
    const removed = new Set<number>();
    const eligible = (f: Firm): boolean => revenueOf(f, year - 1, 1) <= 20_000 && revenueOf(f, year - 1, 1) / f.revenuePerHead <= 500;
    const register = (firm: Firm): void => {
      const day = workday(rng.day(dayFrom(year, 3, 1), dayFrom(year, 11, 30)));
      if (!activeAt(firm, day) || day < firm.establishedOn + 30) return;
      const number = `${year}${firm.home.division}${String(rng.int(1, 12)).padStart(2, '0')}${String(uniqueSerial(rng, serials, String(year), 999_999)).padStart(6, '0')}`;
      if (!out.emit(day, 'TechSmeRegistered', { uscc: firm.uscc, year, registrationNumber: number }, { system: '科技型中小企业平台', unit: '科创局', batch: monthBatch('KJXZXQY', day) })) return;
      members.add(firm.index);
      if (rng.chance(0.015)) {
        const removedOn = workday(day + rng.int(30, 200));
        if (removedOn <= dayFrom(year, 12, 31) && removedOn < firm.until && removedOn <= ctx.to) {
          out.emit(removedOn, 'TechSmeRemoved', { uscc: firm.uscc, year, removedOn: isoOf(removedOn), reason: rng.pick(['抽查不符合条件', '企业申请退库', '入库信息不实']) }, { system: '科技型中小企业平台', unit: '科创局', batch: monthBatch('KJXZXQY', removedOn) }, { priority: 2 });
          removed.add(firm.index);
        }
      }
    };
    for (const index of previous) {
      const firm = world.firms[index] as Firm;
      if (eligible(firm) && rng.chance(0.86)) register(firm);
    }
    const candidates = rng.shuffle(world.firms.filter((f) => !previous.has(f.index) && !members.has(f.index) && eligible(f) && (f.hteTrack || rng.chance(0.5))));
    for (const firm of candidates) {
      if (members.size >= target) break;
      register(firm);
    }
    ctx.facts.techSme.set(year, members);
    previous = new Set([...members].filter((i) => !removed.has(i)));
  }
}

function srdi(ctx: Ctx, pools: Pools): void {
  const { world, out, fromYear, toYear, scale, to } = ctx;
  const rng = ctx.rng.fork('srdi');
  type Tier = EventDataInput<'SrdiCertified'>['tier'];
  const tiers: { tier: Tier; level: '省级' | '国家级'; perYear: number; prefix: string; month: number }[] = [
    { tier: '创新型中小企业', level: '省级', perYear: 150 * scale, prefix: 'CXXZXQY', month: 5 },
    { tier: '专精特新中小企业', level: '省级', perYear: 60 * scale, prefix: 'ZJTX', month: 7 },
    { tier: '专精特新小巨人', level: '国家级', perYear: Math.max(1, 5 * scale), prefix: 'XJR', month: 8 },
  ];
  const held = new Map<Tier, Map<number, { from: Day; until: Day; revoked?: boolean }>>();
  for (const t of tiers) held.set(t.tier, new Map());
  const valid = (tier: Tier, firm: Firm, day: Day): boolean => {
    const h = held.get(tier)?.get(firm.index);
    return h !== undefined && h.from <= day && day < h.until;
  };
  const everHeld = (tier: Tier, firm: Firm): boolean => held.get(tier)?.has(firm.index) ?? false;
  let serial = 0;

  for (let year = fromYear - 2; year <= toYear; year++) {
    // 专精特新培育库: firms being prepared for the provincial 专精特新 list.
    const poolDay = workday(dayFrom(year, 3, rng.int(5, 25)));
    if (year >= fromYear) {
      for (const firm of rng.sample(world.firms.filter((f) => f.hteTrack && activeAt(f, poolDay) && !everHeld('专精特新中小企业', f)), Math.round(45 * scale))) {
        pools.admit('专精特新培育库', firm, poolDay);
      }
    }
    for (const t of tiers) {
      const day = workday(dayFrom(year, t.month, rng.int(5, 28)));
      if (day > to) continue;
      const map = held.get(t.tier) as Map<number, { from: Day; until: Day; revoked?: boolean }>;
      const certify = (firm: Firm): void => {
        const until = addYears(day, 3) - 1;
        serial++;
        out.emit(day, 'SrdiCertified', { uscc: firm.uscc, tier: t.tier, level: t.level, validFrom: isoOf(day), validUntil: isoOf(until), certificateNumber: `${t.prefix}-${year}-${String(serial).padStart(5, '0')}` }, { system: '优质中小企业梯度培育平台', unit: '科创局', batch: `${year}年${t.tier}名单` });
        const span: { from: Day; until: Day; revoked?: boolean } = { from: day, until: until + 1 };
        map.set(firm.index, span);
        if (t.tier === '专精特新中小企业') pools.exit('专精特新培育库', firm, day, '认定');
        if (rng.chance(0.012)) {
          const revokedOn = workday(rng.day(day + 90, Math.min(until - 30, to)));
          if (revokedOn <= to && revokedOn < firm.until && revokedOn < until) {
            out.emit(revokedOn, 'SrdiRevoked', { uscc: firm.uscc, tier: t.tier, revokedOn: isoOf(revokedOn), reason: rng.pick(['复核不合格', '发生重大质量安全事故', '主动放弃']) }, { system: '优质中小企业梯度培育平台', unit: '科创局', batch: `${yearOf(revokedOn)}年复核` }, { priority: 2 });
            span.until = revokedOn;
            span.revoked = true;
          }
        }
      };
      // Holders whose three years ran out re-apply first.
      for (const [index, h] of [...map]) {
        const firm = world.firms[index] as Firm;
        if (!h.revoked && h.until <= day + 60 && h.until > day - 300 && activeAt(firm, day) && rng.chance(0.7)) certify(firm);
      }
      const feeder: (f: Firm) => boolean =
        t.tier === '创新型中小企业'
          ? (f) => (f.hteTrack ? rng.chance(0.3) : rng.chance(0.04))
          : t.tier === '专精特新中小企业'
            ? (f) => valid('创新型中小企业', f, day) || (f.hteTrack && pools.isMember('专精特新培育库', f, day))
            : (f) => valid('专精特新中小企业', f, day) && f.scale > 3_000;
      const candidates = world.firms.filter((f) => activeAt(f, day) && day >= f.establishedOn + 365 && !valid(t.tier, f, day) && !everHeld(t.tier, f) && feeder(f));
      for (const firm of rng.sample(candidates, Math.round(t.perYear * rng.float(0.8, 1.2)))) certify(firm);
    }
  }
}

function newSpecies(ctx: Ctx, pools: Pools): void {
  const { world, out, fromYear, toYear, scale, to } = ctx;
  const rng = ctx.rng.fork('species');
  type Tier = EventDataInput<'NewSpeciesListed'>['tier'];
  const levels: Record<Tier, '市级' | '省级'> = { 潜在瞪羚: '市级', 瞪羚: '省级', 潜在独角兽: '省级', 独角兽: '省级', 驼鹿: '市级' };
  const next: Record<Tier, readonly (readonly [Tier | null, number])[]> = {
    潜在瞪羚: [['瞪羚', 25], ['潜在瞪羚', 50], [null, 25]],
    瞪羚: [['潜在独角兽', 7], ['瞪羚', 70], [null, 23]],
    潜在独角兽: [['独角兽', 12], ['潜在独角兽', 75], [null, 13]],
    独角兽: [['独角兽', 95], [null, 5]],
    驼鹿: [['驼鹿', 90], [null, 10]],
  };
  const fit: Record<Tier, (f: Firm) => boolean> = {
    潜在瞪羚: (f) => f.growth > 0.14 && f.scale > 400 && f.scale < 50_000,
    瞪羚: (f) => f.growth > 0.2 && f.scale > 2_000,
    潜在独角兽: (f) => f.growth > 0.25 && f.scale > 15_000,
    独角兽: () => false,
    驼鹿: (f) => f.scale > 30_000 && yearOf(f.establishedOn) <= 2016,
  };
  let previous = new Map<number, Tier>();
  const everListed = new Set<number>();
  for (let year = fromYear - 1; year <= toYear; year++) {
    const day = workday(dayFrom(year, 7, rng.int(5, 28)));
    if (day > to) break;
    const targets: Record<Tier, number> = {
      潜在瞪羚: Math.round((60 + 8 * (year - 2022)) * scale),
      瞪羚: Math.round((24 + 4 * (year - 2022)) * scale),
      潜在独角兽: Math.max(1, Math.round((3 + (year - 2022)) * scale)),
      独角兽: 0,
      驼鹿: Math.max(1, Math.round((3 + Math.floor((year - 2022) / 2)) * scale)),
    };
    const listed = new Map<number, Tier>();
    for (const [index, tier] of previous) {
      const firm = world.firms[index] as Firm;
      const to2 = rng.weighted(next[tier]);
      if (to2 && activeAt(firm, day)) listed.set(index, to2);
    }
    const count = (tier: Tier): number => [...listed.values()].filter((t) => t === tier).length;
    const fresh: Firm[] = [];
    for (const tier of ['驼鹿', '潜在独角兽', '瞪羚', '潜在瞪羚'] as const) {
      const candidates = rng.shuffle(world.firms.filter((f) => !listed.has(f.index) && activeAt(f, day) && day >= f.establishedOn + 365 && fit[tier](f)));
      for (const firm of candidates) {
        if (count(tier) >= targets[tier]) break;
        listed.set(firm.index, tier);
        if (!everListed.has(firm.index)) fresh.push(firm);
      }
    }
    // 新物种梯度库: most first-time listed firms were in the pool since spring.
    if (year >= fromYear) {
      const poolDay = workday(dayFrom(year, 3, rng.int(2, 27)));
      for (const firm of fresh) if (rng.chance(0.7)) pools.admit('新物种梯度库', firm, poolDay);
      for (const firm of rng.sample(world.firms.filter((f) => !listed.has(f.index) && f.growth > 0.12 && activeAt(f, poolDay)), Math.round(15 * scale))) pools.admit('新物种梯度库', firm, poolDay);
    }
    const nextDay = workday(dayFrom(year + 1, 7, 1));
    for (const [index, tier] of listed) {
      const firm = world.firms[index] as Firm;
      const data: EventDataInput<'NewSpeciesListed'> = { uscc: firm.uscc, tier, listLevel: levels[tier], year };
      if (tier === '潜在独角兽' || tier === '独角兽' || tier === '驼鹿') {
        data.valuation = Math.round(tier === '独角兽' ? rng.float(700_000, 1_500_000) : tier === '潜在独角兽' ? rng.float(70_000, 500_000) : rng.float(100_000, 800_000));
      }
      out.emit(day, 'NewSpeciesListed', data, { ...TIER_SOURCE, batch: `${year}年科创新物种企业名单`, document: `${year}年度科创"新物种"企业榜单` });
      everListed.add(index);
      if (pools.isMember('新物种梯度库', firm, day)) pools.exit('新物种梯度库', firm, day, '认定');
      let delistedOn: Day | undefined;
      let reason = '';
      if (firm.until < nextDay && firm.until - 1 > day) {
        delistedOn = firm.until - 1;
        reason = firm.exit?.kind === 'out' ? '迁出新区' : '企业注销';
      } else if (rng.chance(0.02)) {
        delistedOn = workday(day + rng.int(30, 300));
        reason = '不再符合入库条件';
      }
      if (delistedOn !== undefined && delistedOn <= to && delistedOn < firm.until) {
        out.emit(delistedOn, 'NewSpeciesDelisted', { uscc: firm.uscc, tier, year, delistedOn: isoOf(delistedOn), reason }, { ...TIER_SOURCE, batch: monthBatch('XWZ', delistedOn) }, { priority: 2 });
        listed.delete(index);
      }
    }
    previous = listed;
  }
}

function listings(ctx: Ctx, pools: Pools): void {
  const { world, out, fromYear, toYear, scale, to } = ctx;
  const rng = ctx.rng.fork('listing');
  const exchanges = [['科创板', '688'], ['创业板', '301'], ['北交所', '920'], ['港交所', '0']] as const;
  for (let year = fromYear; year <= toYear; year++) {
    const day = workday(dayFrom(year, 4, rng.int(1, 28)));
    for (const firm of rng.sample(world.firms.filter((f) => f.scale > 8_000 && activeAt(f, day)), Math.max(2, Math.round(14 * scale)))) pools.admit('上市后备库', firm, day);
    const quota = year === 2025 ? 2 : 1;
    const candidates = rng.shuffle(world.firms.filter((f) => pools.isMember('上市后备库', f, dayFrom(year, 6, 1)) && (pools.admittedOn('上市后备库', f) ?? to) < dayFrom(year, 6, 1) - 180));
    for (const firm of candidates.slice(0, quota)) {
      const listedOn = workday(rng.day(dayFrom(year, 6, 1), dayFrom(year, 12, 20)));
      if (listedOn > to || !activeAt(firm, listedOn)) continue;
      const [exchange, prefix] = rng.pick(exchanges);
      const ticker = prefix === '0' ? `0${rng.int(1000, 9999)}.HK` : `${prefix}${String(rng.int(1, 999)).padStart(3, '0')}`;
      out.emit(listedOn, 'EnterpriseListed', { uscc: firm.uscc, exchange, ticker, listedOn: isoOf(listedOn) }, { system: '部门填报', unit: '财政国资局', batch: monthBatch('SSHB', listedOn) });
      pools.exit('上市后备库', firm, listedOn, '上市');
    }
  }
}

/**
 * The sample's late department: 投促局 has sent nothing for this many days before the history's last
 * day, so a first start shows a department behind its cadence (the source-overdue rule's 120 days) on
 * the data-quality board and as a warning.
 */
const SETTLEMENTS_SILENT_DAYS = 150;

function settlements(ctx: Ctx): void {
  const { world, out, to, scale } = ctx;
  const rng = ctx.rng.fork('settle');
  const candidates = world.firms.filter((f) => f.origin === '招商' && f.inFrom >= ctx.from);
  for (const firm of rng.sample(candidates, Math.round(48 * scale))) {
    const day = workday(firm.inFrom + rng.int(0, 60));
    if (day > to - SETTLEMENTS_SILENT_DAYS || !activeAt(firm, day)) continue;
    const settlementType = rng.weighted([['区域总部', 15], ['功能性总部', 10], ['研发中心', 25], ['链主', 10], ['配套', 40]] as const);
    out.emit(day, 'EnterpriseSettled', { uscc: firm.uscc, settlementType, settledOn: isoOf(day), parent: `${rng.pick(['深圳', '上海', '北京', '杭州', '苏州'])}${brandName(rng)}${rng.pick(['集团', '控股集团', '科技集团'])}有限公司` }, { system: '部门填报', unit: '投促局', batch: monthBatch('ZSYZ', day) });
  }
}
