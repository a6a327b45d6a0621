/**
 * The 科创投资基金 matrix: a 母基金 and 天使/创投/产业 sub-funds; capital calls; investments into
 * area firms (some incubator tenants) and a few outside; exits. Nothing happens to a fund before
 * it is established, and a fund never invests more than it has called.
 */
import type { EventDataInput } from '../../../contracts/events/index.ts';
import { addMonths, dayOf, isoOf, workday, type Day } from '../calendar.ts';
import { monthBatch, type SourceSpec } from '../emitter.ts';
import { activeAt, pickActiveFirm, type Firm } from '../world.ts';
import type { Ctx } from '../context.ts';
import type { Rng } from '../random.ts';

type Strategy = EventDataInput<'FundEstablished'>['strategy'];
type Round = EventDataInput<'FundInvestmentMade'>['round'];

interface FundSpec {
  id: string;
  name: string;
  strategy: Strategy;
  committed: number;
  government: number;
  multiple: number;
  on: string;
  manager: string;
  investments: number;
}

const MOTHER: FundSpec = { id: 'FUND-CJXQ-KC', name: '长江新区科创投资基金', strategy: '创投', committed: 200_000, government: 200_000, multiple: 1.5, on: '2023-07-20', manager: '武汉长江新区科创基金管理有限公司', investments: 0 };

const SUB_FUNDS: readonly FundSpec[] = [
  { id: 'FUND-TS-01', name: '长江新区天使投资基金一期', strategy: '天使', committed: 50_000, government: 20_000, multiple: 1.2, on: '2023-11-16', manager: '武汉长江天使投资管理有限公司', investments: 50 },
  { id: 'FUND-CT-01', name: '长江新区创业投资基金', strategy: '创投', committed: 100_000, government: 30_000, multiple: 1.5, on: '2023-12-21', manager: '武汉长新创业投资管理有限公司', investments: 32 },
  { id: 'FUND-CY-01', name: '长江新区绿色低碳产业基金', strategy: '产业', committed: 150_000, government: 30_000, multiple: 2, on: '2024-01-25', manager: '湖北绿源产业基金管理有限公司', investments: 10 },
  { id: 'FUND-CT-02', name: '长江新区生命健康创投基金', strategy: '创投', committed: 80_000, government: 20_000, multiple: 1.5, on: '2024-04-18', manager: '武汉康新创业投资管理有限公司', investments: 28 },
  { id: 'FUND-TS-02', name: '长江新区种子投资基金', strategy: '天使', committed: 30_000, government: 15_000, multiple: 1.2, on: '2024-06-27', manager: '武汉长江天使投资管理有限公司', investments: 45 },
  { id: 'FUND-CT-03', name: '长江新区智能制造创投基金', strategy: '创投', committed: 60_000, government: 15_000, multiple: 1.5, on: '2024-09-12', manager: '武汉智创私募基金管理有限公司', investments: 18 },
  { id: 'FUND-CY-02', name: '长江新区枢纽经济产业基金', strategy: '产业', committed: 120_000, government: 24_000, multiple: 2, on: '2024-12-19', manager: '武汉港航产业基金管理有限公司', investments: 8 },
  { id: 'FUND-TS-03', name: '长江新区大学科技园天使基金', strategy: '天使', committed: 20_000, government: 8_000, multiple: 1.2, on: '2025-01-16', manager: '湖北大学科技成果转化投资有限公司', investments: 40 },
  { id: 'FUND-CT-04', name: '长江新区数字经济创投基金', strategy: '创投', committed: 50_000, government: 12_500, multiple: 1.5, on: '2025-05-22', manager: '武汉数新创业投资管理有限公司', investments: 14 },
  { id: 'FUND-CY-03', name: '长江新区航天产业基金', strategy: '产业', committed: 100_000, government: 20_000, multiple: 2, on: '2025-08-14', manager: '武汉航天产业基金管理有限公司', investments: 7 },
];

const ROUNDS: Record<Strategy, readonly (readonly [Round, number])[]> = {
  天使: [['种子', 30], ['天使', 50], ['Pre-A', 20]],
  创投: [['Pre-A', 20], ['A', 45], ['B', 30], ['C', 5]],
  产业: [['B', 25], ['C', 25], ['D及以后', 20], ['Pre-IPO', 15], ['战略', 15]],
};
const AMOUNT: Record<Round, readonly [number, number]> = {
  种子: [50, 300], 天使: [100, 800], 'Pre-A': [300, 1_500], A: [500, 3_000], B: [1_000, 5_000], C: [2_000, 8_000], D及以后: [3_000, 12_000], 'Pre-IPO': [3_000, 15_000], 战略: [2_000, 10_000],
};

function source(day: Day): SourceSpec {
  return { system: '基金报送', unit: '财政国资局', batch: monthBatch('JJBS', day) };
}

export function generateFunds(ctx: Ctx): void {
  const { world, out, to, scale } = ctx;
  const rng = ctx.rng.fork('funds');
  const emitFund = (spec: FundSpec, parent?: string): void => {
    const day = dayOf(spec.on);
    const data: EventDataInput<'FundEstablished'> = {
      fundId: spec.id, name: spec.name, level: parent ? '子基金' : '母基金', strategy: spec.strategy, committed: spec.committed,
      governmentCommitment: spec.government, manager: spec.manager, reinvestmentMultiple: spec.multiple, establishedOn: spec.on,
    };
    if (parent) data.parentFundId = parent;
    out.emit(day, 'FundEstablished', data, source(day), { priority: 0 });
  };
  const call = (fundId: string, k: number, amount: number, day: Day): boolean =>
    out.emit(day, 'FundCapitalCalled', { fundId, callId: `${fundId}-C${k}`, amount: Math.round(amount), calledOn: isoOf(day) }, source(day));

  emitFund(MOTHER);
  let motherCalls = 0;
  for (const spec of SUB_FUNDS) {
    if (dayOf(spec.on) > to) continue;
    emitFund(spec, MOTHER.id);
    // 40 % at closing, 30 % a year later, 30 % after two years; the mother fund calls its share as it goes.
    const calls: { day: Day; amount: number }[] = [0.4, 0.3, 0.3].map((share, k) => ({ day: workday(addMonths(dayOf(spec.on), k * 12) + rng.int(20, 75)), amount: spec.committed * share }));
    let k = 0;
    for (const c of calls) {
      if (!call(spec.id, ++k, c.amount, c.day)) continue;
      call(MOTHER.id, ++motherCalls, (spec.government * c.amount) / spec.committed, Math.max(dayOf(MOTHER.on) + 1, c.day - rng.int(5, 15)));
    }

    const investments = Math.round(spec.investments * Math.max(0.5, scale));
    const schedule: Day[] = [];
    for (let i = 0; i < investments; i++) schedule.push(workday(rng.day((calls[0] as { day: Day }).day + 10, addMonths(dayOf(spec.on), 40))));
    schedule.sort((a, b) => a - b);
    let invested = 0;
    let serial = 0;
    for (const day of schedule) {
      if (day > to) break;
      const paidIn = calls.filter((c) => c.day <= day).reduce((s, c) => s + c.amount, 0);
      const round = rng.weighted(ROUNDS[spec.strategy]);
      const [lo, hi] = AMOUNT[round];
      const amount = Math.round(rng.float(lo, hi));
      if (invested + amount > paidIn * 0.95) continue;
      let investee: { uscc: string; name: string } | undefined;
      if (rng.chance(0.82)) {
        // Early funds lean on incubator tenants; later stages on larger firms.
        const wantTenant = spec.strategy === '天使' ? 0.55 : spec.strategy === '创投' ? 0.25 : 0;
        const tenant = rng.chance(wantTenant) ? pickTenant(ctx, rng, day) : undefined;
        investee = tenant ?? pickActiveFirm(world, rng, day, (f) => (spec.strategy === '产业' ? f.scale > 8_000 : f.scale > 200));
      } else {
        investee = rng.pick(world.outside);
      }
      if (!investee) continue;
      invested += amount;
      const investmentId = `${spec.id}-I${String(++serial).padStart(3, '0')}`;
      out.emit(day, 'FundInvestmentMade', { fundId: spec.id, investmentId, investeeUscc: investee.uscc, investeeName: investee.name, round, amount, investedOn: isoOf(day) }, source(day));
      const exitOn = workday(addMonths(day, rng.int(12, 36)));
      if (exitOn <= to && rng.chance(0.25)) {
        out.emit(exitOn, 'FundExitRealized', { fundId: spec.id, investmentId, investeeUscc: investee.uscc, proceeds: Math.round(amount * rng.logNormal(1.5, 0.6)), exitedOn: isoOf(exitOn) }, source(exitOn), { priority: 2 });
      }
    }
  }
}

function pickTenant(ctx: Ctx, rng: Rng, day: Day): Firm | undefined {
  const tenants = [...ctx.facts.tenancies.entries()].filter(([, t]) => t.admittedOn < day && day < t.endsOn);
  if (tenants.length === 0) return undefined;
  const [index] = rng.pick(tenants);
  const firm = ctx.world.firms[index];
  return firm && activeAt(firm, day) ? firm : undefined;
}
