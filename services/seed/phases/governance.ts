/**
 * Governance and policy: 科创委 and 科创办 meetings with decisions, milestones of the 18 tasks with
 * their statuses over time, 揭榜挂帅 challenges, innovation vouchers, the statistics ratios divide
 * by, and KPI targets (ids exactly as in KPIS.md).
 */
import type { EventDataInput } from '../../../contracts/events/index.ts';
import { dayFrom, dayOf, isoOf, workday, yearOf, type Day } from '../calendar.ts';
import { TASKS, type Unit } from '../catalog.ts';
import { monthBatch, type SourceSpec } from '../emitter.ts';
import type { Rng } from '../random.ts';
import { activeAt, pickActiveFirm } from '../world.ts';
import { flowDay, spanYears, type Ctx } from '../context.ts';

function source(unit: string, day: Day, prefix = 'ZWBS'): SourceSpec {
  return { system: '部门填报', unit, batch: monthBatch(prefix, day) };
}

const DECISION_TEMPLATES: readonly (readonly [string, Unit])[] = [
  ['加快推进湖北大学阳逻校区学院搬迁', '科创局'],
  ['研究出台科创"新物种"企业专项政策', '科创局'],
  ['完善高企后备库培育奖补办法', '科创局'],
  ['推动规上高企研发机构全覆盖', '科创局'],
  ['加快科创投资基金子基金组建', '财政国资局'],
  ['落实知识产权质押融资风险补偿', '市场监管局'],
  ['发布年度引才目录', '组织部'],
  ['推进应用型高校实训基地建设', '发改局'],
  ['做好链主企业招引对接', '投促局'],
  ['组织揭榜挂帅项目验收', '科创局'],
  ['推进公共技术服务平台向区内企业开放', '科创局'],
  ['加快孵化载体提档升级', '科创局'],
];

export function meetingData(rng: Rng, body: '科创委' | '科创办', meetingId: string, title: string, day: Day): EventDataInput<'GovernanceMeetingHeld'> {
  const decisions = rng.sample(DECISION_TEMPLATES, rng.int(3, 6)).map(([text, owner], k) => ({
    decisionId: `${meetingId}-D${k + 1}`,
    text,
    owner,
    dueOn: isoOf(workday(day + rng.int(30, 120))),
  }));
  return { meetingId, body, heldOn: isoOf(day), title, decisions };
}

export function generateGovernance(ctx: Ctx): void {
  decisionClosures(ctx, meetings(ctx));
  milestones(ctx);
  challenges(ctx);
  vouchers(ctx);
  statistics(ctx);
  targets(ctx);
}

/** The meetings held, with their decisions, for the closures that follow them. */
function meetings(ctx: Ctx): EventDataInput<'GovernanceMeetingHeld'>[] {
  const { out, fromYear, toYear } = ctx;
  const rng = ctx.rng.fork('meetings');
  const held: EventDataInput<'GovernanceMeetingHeld'>[] = [];
  for (let year = fromYear; year <= toYear; year++) {
    // 科创委: in principle every half year, sometimes an extra session.
    const kcw = [workday(dayFrom(year, 3, rng.int(5, 30))), workday(dayFrom(year, 8, rng.int(20, 31)))];
    if (rng.chance(0.3)) kcw.push(workday(dayFrom(year, 12, rng.int(10, 22))));
    kcw.forEach((day, k) => {
      const id = `KCW-${year}-${k + 1}`;
      const data = meetingData(rng, '科创委', id, `长江新区科技创新委员会${year}年第${k + 1}次会议`, day);
      if (out.emit(day, 'GovernanceMeetingHeld', data, source('科创局', day))) held.push(data);
    });
    // 科创办: every second month; a busy year skips one, another adds one.
    const months = [2, 4, 6, 8, 10, 12].filter(() => !rng.chance(0.07));
    if (rng.chance(0.2)) months.push(11);
    months.sort((a, b) => a - b);
    months.forEach((month, k) => {
      const day = workday(dayFrom(year, month, rng.int(8, 26)));
      const id = `KCB-${year}-${String(k + 1).padStart(2, '0')}`;
      const data = meetingData(rng, '科创办', id, `${year}年第${k + 1}次科技创新工作推进会`, day);
      if (out.emit(day, 'GovernanceMeetingHeld', data, source('科创局', day))) held.push(data);
    });
  }
  return held;
}

/** Most decisions close before their due date, some late, a few stay open (议定事项办结); 科创办 records closures in its 督办系统. */
function decisionClosures(ctx: Ctx, held: readonly EventDataInput<'GovernanceMeetingHeld'>[]): void {
  const { out } = ctx;
  const rng = ctx.rng.fork('decisionClosures');
  for (const meeting of held) {
    const heldOn = dayOf(meeting.heldOn);
    for (const d of meeting.decisions ?? []) {
      if (d.dueOn === undefined) continue;
      const due = dayOf(d.dueOn);
      const r = rng.next();
      if (r >= 0.94) continue;
      const day = r < 0.8 ? workday(rng.day(heldOn + 10, due - 1)) : workday(due + rng.int(5, 60));
      const closed = Math.max(heldOn, day);
      out.emit(closed, 'DecisionClosed', { meetingId: meeting.meetingId, decisionId: d.decisionId, closedOn: isoOf(closed), result: '已办结' }, { system: '督办系统', unit: '科创局', batch: monthBatch('DBXT', closed) });
    }
  }
}

function milestones(ctx: Ctx): void {
  const { out, fromYear, toYear, to } = ctx;
  const rng = ctx.rng.fork('milestones');
  const evidence = ['会议纪要', '认定文件', '签约协议', '验收报告', '统计报表', '现场照片及台账'];
  for (let year = fromYear; year <= toYear; year++) {
    for (const task of TASKS) {
      const titles = rng.sample(task.milestones, rng.int(2, Math.min(3, task.milestones.length)));
      const entries = titles.map((title) => ({ title, unit: task.unit as string }));
      if (task.task === 2) entries.push({ title: '应用型高校实训基地建设', unit: '发改局' });
      if (task.task === 17) entries.push({ title: '公共服务配套设施建设', unit: '发改局' });
      entries.forEach((entry, k) => {
        const milestoneId = `T${task.task}-${year}-${k + 1}`;
        const due = workday(dayFrom(year, rng.pick([6, 9, 12]), rng.pick([20, 25, 28])));
        const base = { task: task.task, milestoneId, title: `${year}年${entry.title}`, unit: entry.unit, dueOn: isoOf(due) };
        const report = (day: Day, status: EventDataInput<'TaskMilestoneReported'>['status'], completedOn?: Day): boolean => {
          if (day > to) return false;
          const data: EventDataInput<'TaskMilestoneReported'> = { ...base, status };
          if (completedOn !== undefined) {
            data.completedOn = isoOf(completedOn);
            data.evidence = rng.pick(evidence);
          }
          return out.emit(day, 'TaskMilestoneReported', data, source(entry.unit, day, 'RWJD'));
        };
        const planned = workday(dayFrom(year, 1, rng.int(15, 31)));
        if (!report(planned, '未开始')) return;
        const started = workday(rng.day(planned + 20, Math.max(planned + 21, due - 45)));
        if (!report(started, '进行中')) return;
        const r = rng.next();
        if (r < 0.8) {
          const done = workday(rng.day(Math.max(started + 5, due - 40), due - 1));
          report(done, '已完成', done);
        } else {
          const late = workday(due + rng.int(3, 12));
          if (!report(late, '延期')) return;
          if (r < 0.95) {
            const done = workday(late + rng.int(20, 120));
            report(done, '已完成', done);
          }
        }
      });
    }
  }
}

function challenges(ctx: Ctx): void {
  const { world, out, fromYear, toYear, to, scale } = ctx;
  const rng = ctx.rng.fork('challenges');
  const subjects = ['工业机器人控制系统', '碳纤维与医用复合材料', '新型储能电池管理', '生态环境修复', '高端医疗器械核心部件', '智慧港航调度', '生物育种', '报废汽车动力电池回收', '精密模具', '电力电子器件'];
  for (let year = fromYear; year <= toYear; year++) {
    const count = Math.max(3, Math.round(12 * scale * rng.float(0.8, 1.3)));
    for (let k = 1; k <= count; k++) {
      const published = workday(dayFrom(year, rng.pick([3, 4, 9]), rng.int(5, 25)));
      const publisherFirm = rng.chance(0.7) ? world.firms.find((f) => f.scale > 20_000 && activeAt(f, published) && rng.chance(0.1)) : undefined;
      const challengeId = `JBGS-${year}-${String(k).padStart(2, '0')}`;
      const budget = Math.round(rng.float(100, 1_500));
      if (!out.emit(published, 'ChallengePublished', { challengeId, title: `${rng.pick(subjects)}关键技术攻关`, publisher: publisherFirm?.name ?? '长江新区科技创新局', budget, cohort: year, publishedOn: isoOf(published) }, source('科创局', published, 'JBGS'), { priority: 0 })) continue;
      if (!rng.chance(0.72)) continue;
      const awarded = workday(published + rng.int(60, 200));
      if (awarded > to) continue;
      const data: EventDataInput<'ChallengeAwarded'> = { challengeId, awardee: '', amount: Math.round(budget * rng.float(0.8, 1)), awardedOn: isoOf(awarded) };
      const r = rng.next();
      if (r < 0.5) {
        const u = rng.pick(world.universities.filter((x) => !x.spec.applied || rng.chance(0.3)));
        data.awardee = u.name;
        data.awardeeUscc = u.uscc;
      } else {
        const firm = pickActiveFirm(world, rng, awarded, (f) => f.hteTrack);
        if (firm) {
          data.awardee = firm.name;
          data.awardeeUscc = firm.uscc;
        } else {
          data.awardee = '华中科技大学长江新区新型储能产业技术研究院';
        }
      }
      out.emit(awarded, 'ChallengeAwarded', data, source('科创局', awarded, 'JBGS'));
    }
  }
}

export function voucherData(rng: Rng, voucherId: string, uscc: string, provider: string | undefined, day: Day): EventDataInput<'InnovationVoucherRedeemed'> {
  const r = rng.next();
  const amount = r < 0.6 ? rng.float(0.5, 3) : r < 0.95 ? rng.float(3, 10) : rng.float(10, 30);
  const data: EventDataInput<'InnovationVoucherRedeemed'> = { voucherId, enterpriseUscc: uscc, amount: Math.round(amount * 10) / 10, redeemedOn: isoOf(day) };
  if (provider) data.serviceProvider = provider;
  return data;
}

function vouchers(ctx: Ctx): void {
  const { world, out, from, to, scale } = ctx;
  const rng = ctx.rng.fork('vouchers');
  const count = Math.round(3_400 * scale * spanYears(ctx));
  const serials = new Map<number, number>();
  for (let n = 0; n < count; n++) {
    const day = workday(flowDay(rng, from, to, 0.2));
    if (day > to) continue;
    const year = yearOf(day);
    const list = ctx.facts.techSme.get(year);
    // Vouchers go to listed 科技型中小企业 (mostly) to buy R&D services.
    const firm = pickActiveFirm(world, rng, day, (f) => (list?.has(f.index) ?? false) || rng.chance(0.1));
    if (!firm) continue;
    const providers = ctx.facts.serviceProviders.filter((p) => p.registeredOn < day);
    const provider = providers.length > 0 && rng.chance(0.85) ? rng.pick(providers).name : rng.chance(0.5) ? rng.pick(world.universities).name : undefined;
    const serial = (serials.get(year) ?? 0) + 1;
    serials.set(year, serial);
    out.emit(day, 'InnovationVoucherRedeemed', voucherData(rng, `KJCXQ-${year}-${String(serial).padStart(6, '0')}`, firm.uscc, provider, day), { system: '科技创新券平台', unit: '科创局', batch: monthBatch('KJCXQ', day) });
  }
}

function statistics(ctx: Ctx): void {
  const { out, fromYear, toYear } = ctx;
  const rng = ctx.rng.fork('statistics');
  let population = 54.6;
  let gdp = 612;
  for (let year = fromYear - 1; year < toYear; year++) {
    const stat = (day: Day, statistic: EventDataInput<'StatisticPublished'>['statistic'], period: string, value: number, unit: string): void => {
      out.emit(day, 'StatisticPublished', { statistic, period, value, unit }, { system: '统计公报', unit: '发改局', batch: `${period}统计公报` });
    };
    const spring = workday(dayFrom(year + 1, 3, rng.int(15, 30)));
    stat(spring, '常住人口', String(year), Math.round(population * 100) / 100, '万人');
    stat(spring, '地区生产总值', String(year), Math.round(gdp * 10) / 10, '亿元');
    stat(workday(dayFrom(year + 1, 9, rng.int(10, 28))), '研发经费支出', String(year), Math.round(gdp * (0.021 + 0.0015 * (year - 2022)) * 100) / 100, '亿元');
    population += rng.float(0.8, 1.4);
    const next = gdp * rng.float(1.055, 1.08);
    stat(workday(dayFrom(year + 1, 7, rng.int(18, 28))), '地区生产总值', `${year + 1}-H1`, Math.round(next * 0.47 * 10) / 10, '亿元');
    gdp = next;
  }
}

function targets(ctx: Ctx): void {
  const { out, fromYear, toYear } = ctx;
  const rng = ctx.rng.fork('targets');
  const baseline = ctx.facts.hteBaseline;
  const set = (day: Day, kpiId: string, period: string, value: number, setBy: Unit, kind: 'target' | 'baseline' = 'target'): void => {
    out.emit(day, 'KpiTargetSet', { kpiId, period, kind, value, setBy }, { system: '部门填报', unit: setBy, batch: `${period}年度目标` });
  };
  const first = workday(dayFrom(fromYear, 2, rng.int(6, 20)));
  set(first, 'hte_doubling_progress', String(fromYear - 1), baseline, '科创局', 'baseline');
  for (let year = fromYear; year <= toYear; year++) {
    const day = year === fromYear ? first : workday(dayFrom(year, 1, rng.int(18, 31)));
    const k = year - fromYear;
    const p = String(year);
    const doubling = Math.min(2.4, 1.3 + 0.35 * k);
    set(day, 'hte_doubling_progress', p, Math.round(doubling * 100) / 100, '科创局');
    set(day, 'hte_count', p, Math.round(baseline * doubling), '科创局');
    set(day, 'kcw_meetings_held', p, 2, '科创局');
    set(day, 'kcb_meetings_held', p, 6, '科创局');
    set(day, 'tech_sme_count', p, Math.round(1_200 * ctx.scale * (1 + 0.15 * k)), '科创局');
    set(day, 'hubu_colleges_relocated', p, Math.min(4, 1 + 1.5 * k) | 0, '科创局');
    set(day, 'nri_industry_coverage', p, Math.min(100, 50 + 25 * k), '科创局');
    set(day, 'above_scale_hte_rd_coverage', p, Math.min(100, 70 + 10 * k), '科创局');
    // This year's turnover target is a stretch (×1.6): the sample keeps a KPI clearly off track, so a
    // fresh start shows early warning (预警) at work (docs/monitoring.md).
    const stretch = year === toYear ? 1.6 : 1;
    set(day, 'tech_contract_turnover', p, Math.round((30 + 7 * k) * ctx.scale * stretch * 10) / 10, '科创局');
    set(day, 'invention_patents_per_10k', p, 20 + 4 * k, '市场监管局');
    set(day, 'innovation_vouchers', p, Math.round(12_000 * ctx.scale * (1 + 0.15 * k)), '科创局');
    set(day, 'graduated_tenants', p, Math.round((90 + 15 * k) * ctx.scale), '科创局');
    set(day, 'fund_investment_in_area', p, Math.round((40_000 + 25_000 * k) * ctx.scale), '财政国资局');
    set(day, 'decision_closure_rate', p, 90, '科创局');
    set(day, 'innovation_events', p, Math.round(30 * Math.max(0.5, ctx.scale)), '科创局');
    set(day, 'brain_onboarding', p, Math.min(90, 40 + 20 * k), '科创局');
  }
}
