/**
 * Technology transfer and IP: technology contracts (a party in the area on one side), patents
 * granted with valid application numbers, lapses and transfers of valid patents, and IP pledges
 * over patents the pledgor holds at the time.
 */
import type { EventDataInput } from '../../../contracts/events/index.ts';
import { patentCheckCharacter } from '../../../contracts/identifiers.ts';
import { addMonths, addYears, dayFrom, isoOf, workday, yearOf, type Day } from '../calendar.ts';
import { BANKS, DESIGN_PRODUCTS, TECH_FIELD_PREFIXES } from '../catalog.ts';
import { CORRECTION_DOCUMENT_PREFIX, monthBatch, type SourceSpec } from '../emitter.ts';
import type { Rng } from '../random.ts';
import { pickActiveFirm, type Firm, type Party, type World } from '../world.ts';
import { flowDay, spanYears, type Ctx } from '../context.ts';

type PatentType = EventDataInput<'PatentGranted'>['patentType'];
type ContractType = EventDataInput<'TechContractRegistered'>['contractType'];

const TYPE_DIGIT: Record<PatentType, string> = { 发明: '1', 实用新型: '2', 外观设计: '3' };
/** Application-to-grant delay in days. */
const LAG: Record<PatentType, readonly [number, number]> = { 发明: [480, 1_300], 实用新型: [150, 420], 外观设计: [90, 300] };

function patentSource(day: Day): SourceSpec {
  return { system: '专利', unit: '市场监管局', batch: monthBatch('ZL', day) };
}

/** An application number with its check digit. */
export function patentNumber(year: number, type: PatentType, serial: number): string {
  const first12 = `${year}${TYPE_DIGIT[type]}${String(serial).padStart(7, '0')}`;
  return `${first12}.${patentCheckCharacter(first12)}`;
}

/** Serials from here up are left to the live trickle, so its numbers never meet the history's. */
export const LIVE_PATENT_SERIAL_FLOOR = 8_000_000;

/** Patent application numbers: unique, with the check digit of contracts/identifiers.ts. */
export class PatentNumbers {
  private readonly used = new Set<string>();
  constructor(private readonly rng: Rng) {}

  next(year: number, type: PatentType): string {
    for (;;) {
      const serial = String(this.rng.int(0, LIVE_PATENT_SERIAL_FLOOR - 1)).padStart(7, '0');
      const first12 = `${year}${TYPE_DIGIT[type]}${serial}`;
      if (this.used.has(first12)) continue;
      this.used.add(first12);
      return `${first12}.${patentCheckCharacter(first12)}`;
    }
  }
}

export function patentTitle(rng: Rng, firm: Firm, type: PatentType): string {
  const object = rng.pick(firm.industry.objects);
  if (type === '外观设计') return `${rng.pick(DESIGN_PRODUCTS)}(${object.slice(0, 4)})`;
  if (type === '实用新型') return `一种${object}${rng.pick(['装置', '结构', '组件', '设备'])}`;
  return `${rng.pick(TECH_FIELD_PREFIXES)}${object}${rng.pick(['及其制备方法', '的控制方法', '的检测方法', '系统及方法'])}`;
}

export function patentGrant(rng: Rng, numbers: { next(year: number, type: PatentType): string }, firm: Firm, type: PatentType, grantedOn: Day, coOwner?: Party): EventDataInput<'PatentGranted'> {
  const [lo, hi] = LAG[type];
  const appliedOn = Math.max(firm.establishedOn + 5, grantedOn - rng.int(lo, hi));
  const owners: { uscc?: string; name: string }[] = [{ uscc: firm.uscc, name: firm.name }];
  if (coOwner) owners.push({ uscc: coOwner.uscc, name: coOwner.name });
  const invention = type === '发明';
  const key = firm.industry.key !== '其他' && firm.industry.key !== '现代服务业';
  return {
    applicationNumber: numbers.next(yearOf(appliedOn), type),
    patentType: type,
    title: patentTitle(rng, firm, type),
    owners,
    ipc: `${rng.pick(firm.industry.ipc)}${rng.int(1, 99)}/${String(rng.int(0, 99)).padStart(2, '0')}`,
    appliedOn: isoOf(appliedOn),
    grantedOn: isoOf(grantedOn),
    strategicEmergingIndustry: invention && rng.chance(key ? 0.45 : 0.2),
    overseasFamily: invention && rng.chance(0.04),
    pledged: false,
    award: invention && rng.chance(0.01),
  };
}

interface HeldPatent {
  number: string;
  owner: number;
  grantedOn: Day;
  /** First day it is no longer held by `owner` (lapse or transfer); Infinity while held. */
  heldUntil: Day;
}

export function generateTransfer(ctx: Ctx): void {
  patents(ctx);
  contracts(ctx);
}

function patents(ctx: Ctx): void {
  const { world, out, from, to, scale } = ctx;
  const rng = ctx.rng.fork('patents');
  const numbers = new PatentNumbers(rng);
  const held: HeldPatent[] = [];
  const grant = (firm: Firm, type: PatentType, day: Day): void => {
    let coOwner: Party | undefined;
    const r = rng.next();
    if (r < 0.06) coOwner = rng.weighted(world.universities.map((u) => [u, u.name === '湖北大学' ? 4 : 1] as const));
    else if (r < 0.09) coOwner = rng.pick(world.outside);
    const data = patentGrant(rng, numbers, firm, type, day, coOwner);
    if (!out.emit(day, 'PatentGranted', data, patentSource(day))) return;
    const number = data.applicationNumber;
    let heldUntil = Infinity;
    // Lapses (mostly unpaid annual fees) and transfers, each at most once and never after a lapse.
    const lapseRate = type === '发明' ? 0.04 : type === '实用新型' ? 0.11 : 0.14;
    if (rng.chance(lapseRate)) {
      const lapsedOn = workday(addYears(day, rng.int(1, 4)) + rng.int(0, 180));
      if (lapsedOn <= to && lapsedOn >= from) {
        out.emit(lapsedOn, 'PatentLapsed', { applicationNumber: number, lapsedOn: isoOf(lapsedOn), reason: rng.weighted([['未缴年费', 85], ['放弃', 10], ['无效宣告', 5]] as const) }, patentSource(lapsedOn), { priority: 2 });
        heldUntil = lapsedOn;
      }
    }
    if (rng.chance(0.035)) {
      const transferredOn = workday(day + rng.int(60, 900));
      if (transferredOn <= to && transferredOn >= from && transferredOn < heldUntil) {
        const buyer = rng.chance(0.6) ? pickActiveFirm(world, rng, transferredOn, (f) => f.index !== firm.index) : rng.pick(world.outside);
        if (buyer) {
          out.emit(transferredOn, 'PatentTransferred', { applicationNumber: number, to: [{ uscc: buyer.uscc, name: buyer.name }], transferredOn: isoOf(transferredOn) }, patentSource(transferredOn));
          heldUntil = transferredOn;
        }
      }
    }
    held.push({ number, owner: firm.index, grantedOn: day, heldUntil });
  };

  // Invention patents granted before the window: the stock the per-10k KPIs start from.
  const prior = Math.round(900 * scale);
  for (let n = 0; n < prior; n++) {
    const day = workday(flowDay(rng, dayFrom(2016, 1, 1), from - 1, 0.2));
    const firm = pickActiveFirm(world, rng, day, (f) => day > f.establishedOn + 540);
    if (firm) grant(firm, '发明', day);
  }
  const count = Math.round(6_150 * scale * spanYears(ctx));
  for (let n = 0; n < count; n++) {
    // CNIPA publishes grants on Tuesdays and Fridays; a working day is close enough.
    const day = workday(flowDay(rng, from, to, 0.08));
    const type = rng.weighted([['发明', 7], ['实用新型', 72], ['外观设计', 21]] as const);
    const firm = pickActiveFirm(world, rng, day, (f) => day > f.establishedOn + 100);
    if (firm) grant(firm, type, day);
  }

  // IP pledges over patents the pledgor holds on the day.
  const byOwner = new Map<number, HeldPatent[]>();
  for (const p of held) {
    const list = byOwner.get(p.owner);
    if (list) list.push(p);
    else byOwner.set(p.owner, [p]);
  }
  const pledges = Math.round(110 * scale * spanYears(ctx));
  let serial = 0;
  for (let n = 0; n < pledges; n++) {
    const day = workday(flowDay(rng, from, to, 0.25));
    const firm = pickActiveFirm(world, rng, day, (f) => (byOwner.get(f.index) ?? []).some((p) => p.grantedOn < day && day < p.heldUntil));
    if (!firm || day > to) continue;
    const valid = (byOwner.get(firm.index) ?? []).filter((p) => p.grantedOn < day && day < p.heldUntil);
    const pledged = rng.sample(valid, rng.int(1, Math.min(5, valid.length))).map((p) => p.number);
    const data: EventDataInput<'IpPledgeRegistered'> = {
      registrationNumber: `Y${yearOf(day)}420000${String(++serial).padStart(5, '0')}`,
      pledgor: { uscc: firm.uscc, name: firm.name },
      pledgee: rng.pick(BANKS),
      amount: Math.round(Math.min(20_000, Math.max(50, rng.logNormal(500, 0.8)))),
      termFrom: isoOf(day),
      termUntil: isoOf(addYears(day, rng.chance(0.7) ? 1 : 2)),
      patents: pledged,
    };
    out.emit(day, 'IpPledgeRegistered', data, { system: '专利', unit: '市场监管局', batch: monthBatch('ZYDJ', day), document: '专利权质押登记通知书' });
  }
}

/** Registration numbers of technology contracts: year + registering district + serial. */
export function contractNumber(year: number, division: string, serial: number): string {
  return `${year}${division}${String(serial).padStart(6, '0')}`;
}

export function contractData(world: World, rng: Rng, firm: Firm, day: Day, registrationNumber: string): EventDataInput<'TechContractRegistered'> {
  const contractType: ContractType = rng.weighted([['技术服务', 45], ['技术开发', 30], ['技术咨询', 10], ['技术转让', 8], ['技术许可', 7]] as const);
  const areaSells = rng.chance(0.6);
  let other: { uscc?: string; name: string };
  const r = rng.next();
  if (r < 0.5) other = rng.pick(world.outside);
  else if (r < 0.72) other = pickActiveFirm(world, rng, day, (f) => f.index !== firm.index) ?? rng.pick(world.outside);
  else if (r < 0.97) other = rng.weighted(world.universities.map((u) => [u, u.spec.applied ? 1 : 3] as const));
  else other = { name: rng.pick(['新加坡', '德国', '日本', '韩国']) + rng.pick(['智造', '医疗', '能源']) + '科技公司' };
  const self = { uscc: firm.uscc, name: firm.name };
  const party = (p: { uscc?: string; name: string }) => (p.uscc ? { uscc: p.uscc, name: p.name } : { name: p.name });
  const totalAmount = Math.round(Math.min(50_000, Math.max(0.5, rng.logNormal(28, 1.3))) * 100) / 100;
  const share = contractType === '技术服务' || contractType === '技术咨询' ? rng.float(0.5, 0.9) : rng.float(0.8, 1);
  return {
    registrationNumber,
    registeredOn: isoOf(day),
    contractType,
    seller: areaSells ? self : party(other),
    buyer: areaSells ? party(other) : self,
    totalAmount,
    techTransactionAmount: Math.round(totalAmount * share * 100) / 100,
  };
}

export const CONTRACT_SOURCE = { system: '技术合同登记', unit: '科创局' } as const;

function contracts(ctx: Ctx): void {
  const { world, out, from, to, scale } = ctx;
  const rng = ctx.rng.fork('contracts');
  const count = Math.round(6_700 * scale * spanYears(ctx));
  const serials = new Map<string, number>();
  const sent: { day: Day; data: EventDataInput<'TechContractRegistered'> }[] = [];
  for (let n = 0; n < count; n++) {
    const day = workday(flowDay(rng, from, to, 0.15));
    const firm = pickActiveFirm(world, rng, day);
    if (!firm || day > to) continue;
    const key = `${yearOf(day)}${firm.home.division}`;
    const serial = (serials.get(key) ?? 0) + 1;
    serials.set(key, serial);
    const data = contractData(world, rng, firm, day, contractNumber(yearOf(day), firm.home.division, serial));
    if (out.emit(day, 'TechContractRegistered', data, { ...CONTRACT_SOURCE, batch: monthBatch('JSHT', day) }) && n % 97 === 0) sent.push({ day, data });
  }
  // Intended corrections: two contracts whose amount was registered wrongly, re-sent a few weeks later.
  for (const c of rng.sample(sent.filter((s) => addMonths(s.day, 2) <= to), 2)) {
    const totalAmount = Math.round(c.data.totalAmount * 0.9 * 100) / 100;
    const techTransactionAmount = Math.min(totalAmount, Math.round(c.data.techTransactionAmount * 0.9 * 100) / 100);
    out.emit(workday(c.day + rng.int(20, 45)), 'TechContractRegistered', { ...c.data, totalAmount, techTransactionAmount }, { ...CONTRACT_SOURCE, batch: monthBatch('JSHT', c.day), document: `${CORRECTION_DOCUMENT_PREFIX}: 合同金额登记错误` }, { occurredAt: c.day });
  }
}
