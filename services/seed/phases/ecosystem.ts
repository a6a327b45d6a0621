/**
 * The innovation ecosystem around the firms, for the P2 KPIs: key-technology projects, innovation
 * consortia led by area firms, forums / conferences / competitions, 5G stations and computing power,
 * firms going live on the innovation brain, university and institute sites, transfer carriers,
 * technology brokers and banks' month-end loan balances to tech firms. Reads the 高企 and
 * 科技型中小企业 facts the tiers phase leaves, so it runs after it.
 */
import { KEY_INDUSTRIES } from '../../../contracts/identifiers.ts';
import type { EventDataInput } from '../../../contracts/events/index.ts';
import { dayFrom, dayOf, isoOf, monthOf, workday, yearOf, type Day } from '../calendar.ts';
import { BANKS, type KeyIndustryName, type LevelName } from '../catalog.ts';
import { monthBatch, type SourceSpec } from '../emitter.ts';
import { personName, type Rng } from '../random.ts';
import { activeAt, pickActiveFirm, type Firm } from '../world.ts';
import { flowDay, type Ctx } from '../context.ts';

function source(system: string, unit: string, day: Day, prefix: string): SourceSpec {
  return { system, unit, batch: monthBatch(prefix, day) };
}

/** The innovation brain platform went live for firms on this day. */
const PLATFORM_LAUNCH = dayOf('2023-03-01');

export function generateEcosystem(ctx: Ctx): void {
  keyTechProjects(ctx);
  consortia(ctx);
  innovationEvents(ctx);
  digitalInfra(ctx);
  onboarding(ctx);
  academicSites(ctx);
  transferCarriers(ctx);
  brokers(ctx);
  loans(ctx);
}

function keyIndustryOf(firm: Firm, fallback: KeyIndustryName): KeyIndustryName {
  return firm.industry.key === '其他' ? fallback : firm.industry.key;
}

function keyTechProjects(ctx: Ctx): void {
  const { world, out, fromYear, toYear, scale } = ctx;
  const rng = ctx.rng.fork('keyTechProjects');
  const subjects = ['高端数控系统', '新型储能电池管理', '医用碳纤维复合材料', '工业机器人精密减速器', '生物育种', '智慧港航调度', '航天器热控材料', '高性能电力电子器件', '动力电池回收利用', '高端医疗影像部件'];
  for (let year = fromYear; year <= toYear; year++) {
    const count = Math.max(3, Math.round(10 * scale * rng.float(0.8, 1.3)));
    for (let k = 1; k <= count; k++) {
      const day = workday(dayFrom(year, rng.pick([4, 5, 9, 10]), rng.int(5, 25)));
      const funding = Math.round(rng.float(200, 1_500));
      const firm = pickActiveFirm(world, rng, day, (f) => f.hteTrack);
      const data: EventDataInput<'KeyTechProjectApproved'> = {
        projectId: `GJGG-${year}-${String(k).padStart(3, '0')}`,
        title: `${rng.pick(subjects)}关键核心技术攻关`,
        leadOrg: firm?.name ?? rng.pick(world.universities).name,
        field: firm ? keyIndustryOf(firm, rng.pick(KEY_INDUSTRIES)) : rng.pick(KEY_INDUSTRIES),
        funding,
        totalInvestment: Math.round(funding * rng.float(1.5, 4)),
        approvedOn: isoOf(day),
      };
      if (firm) data.leadUscc = firm.uscc;
      out.emit(day, 'KeyTechProjectApproved', data, source('科技计划项目管理', '科创局', day, 'GJGG'));
    }
  }
}

function consortia(ctx: Ctx): void {
  const { world, out, fromYear, toYear, to, scale } = ctx;
  const rng = ctx.rng.fork('consortia');
  for (let year = fromYear; year <= toYear; year++) {
    const count = Math.max(2, Math.round(4 * scale * rng.float(0.8, 1.3)));
    for (let k = 1; k <= count; k++) {
      const day = workday(dayFrom(year, rng.int(3, 11), rng.int(3, 26)));
      const lead = pickActiveFirm(world, rng, day, (f) => f.hteTrack && f.scale > 3_000);
      if (!lead) continue;
      const consortiumId = `CXLHT-${year}-${String(k).padStart(2, '0')}`;
      const field = keyIndustryOf(lead, rng.pick(KEY_INDUSTRIES));
      const formed: EventDataInput<'InnovationConsortiumFormed'> = {
        consortiumId, name: `长江新区${field}创新联合体 (${lead.name}牵头)`, leadUscc: lead.uscc, leadName: lead.name,
        memberCount: rng.int(3, 12), field, formedOn: isoOf(day),
      };
      if (!out.emit(day, 'InnovationConsortiumFormed', formed, source('部门填报', '科创局', day, 'CXLHT'), { priority: 0 })) continue;
      // A few end once their task is done (always the first, so every history shows one).
      if (!(year === fromYear && k === 1) && !rng.chance(0.12)) continue;
      const end = workday(day + rng.int(400, 800));
      if (end > to) continue;
      out.emit(end, 'InnovationConsortiumDissolved', { consortiumId, dissolvedOn: isoOf(end), reason: '攻关任务完成' }, source('部门填报', '科创局', end, 'CXLHT'), { priority: 2 });
    }
  }
}

const EVENT_LEVELS: readonly (readonly [LevelName, number])[] = [['区级', 5], ['市级', 3], ['省级', 1.5], ['国家级', 0.6]];
const ATTENDANCE: Record<LevelName, number> = { 区级: 120, 市级: 300, 省级: 600, 国家级: 1_200 };

const EVENT_NAMES = {
  论坛: ['长江新区科技创新论坛', '环大学城创新发展论坛', '科技金融对接论坛', '产学研合作论坛'],
  会议: ['科技成果转化对接会', '高企培育政策宣讲会', '科创"新物种"企业交流会'],
  大赛: ['长江新区创新创业大赛', '"长江杯"科技成果转化大赛', '青年创客大赛'],
} as const;

/** One forum, conference or competition starting on `day` (the history's and the live trickle's). */
export function innovationEventData(rng: Rng, activityId: string, day: Day): EventDataInput<'InnovationEventHeld'> {
  const kind = rng.weighted([['论坛', 4], ['会议', 5], ['大赛', 1.5]] as const);
  const level = rng.weighted(EVENT_LEVELS);
  const days = kind === '大赛' ? rng.int(1, 3) : rng.int(0, 1);
  const data: EventDataInput<'InnovationEventHeld'> = {
    activityId,
    title: `${yearOf(day)}${rng.pick(EVENT_NAMES[kind])}`,
    kind,
    level,
    organizer: rng.pick(['长江新区科技创新局', '长江新区管委会', '湖北大学', '长江新区投资促进局']),
    startedOn: isoOf(day),
    attendees: Math.max(20, Math.round(rng.logNormal(ATTENDANCE[level], 0.4))),
  };
  if (days > 0) data.endedOn = isoOf(day + days);
  return data;
}

function innovationEvents(ctx: Ctx): void {
  const { out, from, to, scale } = ctx;
  const rng = ctx.rng.fork('innovationEvents');
  const count = Math.round(30 * Math.max(0.5, scale) * ((to - from + 1) / 365.25));
  for (let k = 1; k <= count; k++) {
    const day = workday(flowDay(rng, from, to, 0.15));
    if (day > to) continue;
    out.emit(day, 'InnovationEventHeld', innovationEventData(rng, `CXHD-${yearOf(day)}-${String(k).padStart(4, '0')}`, day), source('部门填报', '科创局', day, 'CXHD'));
  }
}

/** Operators and the computing centre: 5G stations at the window's start and per quarter growth; PFLOPS likewise. */
const INFRA = [
  { reporter: '中国移动长江新区分公司', stations: 520, stationGrowth: 30, pflops: 2, pflopsGrowth: 0.3, since: '2022-12-31' },
  { reporter: '中国联通长江新区分公司', stations: 310, stationGrowth: 18, pflops: 1, pflopsGrowth: 0.2, since: '2022-12-31' },
  { reporter: '中国电信长江新区分公司', stations: 360, stationGrowth: 20, pflops: 3, pflopsGrowth: 0.5, since: '2022-12-31' },
  { reporter: '长江新区人工智能计算中心', stations: 0, stationGrowth: 0, pflops: 40, pflopsGrowth: 12, since: '2024-06-30' },
] as const;

/** Quarter ends (month ends of March, June, September, December) from `first` to `last`, both inclusive. */
function quarterEnds(first: Day, last: Day): Day[] {
  const out: Day[] = [];
  let year = yearOf(first);
  let quarter = Math.ceil(monthOf(first) / 3);
  for (;;) {
    const end = dayFrom(year, quarter * 3 + 1, 1) - 1;
    if (end > last) return out;
    if (end >= first) out.push(end);
    if (++quarter > 4) {
      quarter = 1;
      year++;
    }
  }
}

function digitalInfra(ctx: Ctx): void {
  const { out, to } = ctx;
  const rng = ctx.rng.fork('digitalInfra');
  for (const r of INFRA) {
    let stations: number = r.stations;
    let pflops: number = r.pflops;
    for (const asOf of quarterEnds(dayOf(r.since), to)) {
      const sent = workday(asOf + rng.int(8, 20));
      out.emit(sent, 'DigitalInfraReported', { reporter: r.reporter, asOf: isoOf(asOf), stations5g: stations, computePflops: Math.round(pflops * 10) / 10 }, source('通信管理报送', '科创局', sent, 'SZJJ'));
      stations += Math.round(r.stationGrowth * rng.float(0.6, 1.4));
      pflops += r.pflopsGrowth * rng.float(0.5, 1.5);
    }
  }
}

/** Most firms holding 高企 or a 科技型中小企业 listing go live on the platform, a few others too. */
function onboarding(ctx: Ctx): void {
  const { world, out, to, facts } = ctx;
  const rng = ctx.rng.fork('onboarding');
  const listed = new Set<number>([...facts.hte.keys()]);
  for (const members of facts.techSme.values()) for (const i of members) listed.add(i);
  for (const firm of world.firms) {
    if (!rng.chance(listed.has(firm.index) ? 0.75 : 0.04)) continue;
    const first = Math.max(PLATFORM_LAUNCH, firm.inFrom);
    const last = Math.min(to, firm.until - 1);
    if (first > last) continue;
    const day = workday(flowDay(rng, first, last, 0.4));
    if (day > last) continue;
    out.emit(day, 'BrainOnboarded', { uscc: firm.uscc, name: firm.name, onboardedOn: isoOf(day), channel: rng.chance(0.6) ? '企业自主注册' : '部门批量导入' }, source('创新大脑平台', '科创局', day, 'SYSY'));
  }
}

const SITES: readonly { id: string; name: string; institution: string; type: '园区' | '基地' | '研究院'; on: string; street: string; revoked?: string }[] = [
  { id: 'GXYS-01', name: '湖北大学阳逻校区科技园', institution: '湖北大学', type: '园区', on: '2021-09-01', street: '阳逻街道' },
  { id: 'GXYS-02', name: '华中科技大学长江新区研究院', institution: '华中科技大学', type: '研究院', on: '2022-11-18', street: '谌家矶街道' },
  { id: 'GXYS-03', name: '武汉大学长江新区医工交叉研究院', institution: '武汉大学', type: '研究院', on: '2023-05-26', street: '后湖街道' },
  { id: 'GXYS-04', name: '武汉理工大学港航装备试验基地', institution: '武汉理工大学', type: '基地', on: '2023-10-12', street: '阳逻街道' },
  { id: 'GXYS-05', name: '中国科学院武汉分院长江新区创新基地', institution: '中国科学院武汉分院', type: '基地', on: '2024-04-09', street: '武湖街道', revoked: '2026-03-31' },
  { id: 'GXYS-06', name: '湖北大学生物育种研究院', institution: '湖北大学', type: '研究院', on: '2024-09-20', street: '仓埠街道' },
  { id: 'GXYS-07', name: '华中农业大学现代农业科技园', institution: '华中农业大学', type: '园区', on: '2025-05-15', street: '武湖街道' },
  { id: 'GXYS-08', name: '武汉生物工程学院合成生物创新基地', institution: '武汉生物工程学院', type: '基地', on: '2026-04-22', street: '阳逻街道' },
];

function academicSites(ctx: Ctx): void {
  const { out } = ctx;
  for (const s of SITES) {
    const day = dayOf(s.on);
    out.emit(day, 'AcademicSiteEstablished', { platformId: s.id, name: s.name, institution: s.institution, siteType: s.type, establishedOn: s.on, street: s.street }, source('部门填报', '科创局', day, 'GXYS'), { priority: 0 });
    if (s.revoked) out.emit(dayOf(s.revoked), 'RdPlatformRevoked', { platformId: s.id, revokedOn: s.revoked, reason: '共建协议到期' }, source('部门填报', '科创局', dayOf(s.revoked), 'GXYS'), { priority: 2 });
  }
}

type CarrierType = EventDataInput<'TransferCarrierRecognized'>['type'];
const CARRIERS: readonly { id: string; name: string; type: CarrierType; recognitions: readonly (readonly [LevelName, string])[]; host: string; revoked?: string }[] = [
  { id: 'ZHZT-01', name: '长江新区新材料中试基地', type: '中试基地', recognitions: [['市级', '2022-08-10'], ['省级', '2024-07-16']], host: '长江新区产业投资集团' },
  { id: 'ZHZT-02', name: '湖北大学生物医药中试基地', type: '中试基地', recognitions: [['市级', '2023-06-20']], host: '湖北大学' },
  { id: 'ZHZT-03', name: '华中科技大学长江新区概念验证中心', type: '概念验证中心', recognitions: [['区级', '2023-03-15'], ['市级', '2024-05-08']], host: '华中科技大学' },
  { id: 'ZHZT-04', name: '长江新区智能装备概念验证中心', type: '概念验证中心', recognitions: [['区级', '2024-02-27']], host: '长江新区科技创新局', revoked: '2025-08-31' },
  { id: 'ZHZT-05', name: '长江新区院士专家工作站 (新型储能)', type: '院士专家工作站', recognitions: [['省级', '2023-11-03']], host: '华中科技大学长江新区新型储能产业技术研究院' },
  { id: 'ZHZT-06', name: '长江新区院士专家工作站 (生物育种)', type: '院士专家工作站', recognitions: [['省级', '2024-10-22']], host: '湖北大学' },
  { id: 'ZHZT-07', name: '长江新区航天材料中试基地', type: '中试基地', recognitions: [['区级', '2025-03-18'], ['市级', '2026-06-09']], host: '武汉国家航天产业基地' },
  { id: 'ZHZT-08', name: '武汉理工大学港航装备概念验证中心', type: '概念验证中心', recognitions: [['市级', '2025-09-25']], host: '武汉理工大学' },
];

function transferCarriers(ctx: Ctx): void {
  const { out } = ctx;
  for (const c of CARRIERS) {
    c.recognitions.forEach(([level, on], k) => {
      const day = dayOf(on);
      out.emit(day, 'TransferCarrierRecognized', { platformId: c.id, name: c.name, type: c.type, level, host: c.host, recognizedOn: on }, source('部门填报', '科创局', day, 'ZHZT'), { priority: k === 0 ? 0 : 1 });
    });
    if (c.revoked) out.emit(dayOf(c.revoked), 'RdPlatformRevoked', { platformId: c.id, revokedOn: c.revoked, reason: '年度考核不合格' }, source('部门填报', '科创局', dayOf(c.revoked), 'ZHZT'), { priority: 2 });
  }
}

function brokers(ctx: Ctx): void {
  const { out, fromYear, toYear, to, scale } = ctx;
  const rng = ctx.rng.fork('brokers');
  const organisations = ['长江新区技术转移服务中心', '国家技术转移中部中心长江新区工作站', '湖北大学技术转移中心', '华中科技大学长江新区研究院', '长江新区科技金融服务平台'];
  let serial = 0;
  for (let year = fromYear - 1; year <= toYear; year++) {
    // A yearly training class certifies a cohort in spring and one in autumn.
    for (const month of [4, 10]) {
      const day = workday(dayFrom(year, month, rng.int(10, 25)));
      const cohort = Math.max(3, Math.round(12 * scale * rng.float(0.7, 1.3)));
      for (let k = 0; k < cohort; k++) {
        serial++;
        const brokerId = `JSJJR-${year}-${String(serial).padStart(4, '0')}`;
        const data: EventDataInput<'TechBrokerCertified'> = {
          brokerId, name: personName(rng), level: rng.weighted([['初级', 6], ['中级', 3], ['高级', 1]] as const), organisation: rng.pick(organisations), certifiedOn: isoOf(day),
        };
        if (!out.emit(day, 'TechBrokerCertified', data, source('技术市场', '科创局', day, 'JSJJR'), { priority: 0 })) continue;
        if (!rng.chance(0.15)) continue;
        const end = workday(day + rng.int(200, 900));
        if (end <= to) out.emit(end, 'TechBrokerDeregistered', { brokerId, deregisteredOn: isoOf(end), reason: rng.pick(['调离技术转移岗位', '未参加继续教育', '本人申请']) }, source('技术市场', '科创局', end, 'JSJJR'), { priority: 2 });
      }
    }
  }
}

/** Quarter-end balances of bank loans to 高企 and 科技型中小企业: drawn, amortised, repaid (0) and no longer reported. */
function loans(ctx: Ctx): void {
  const { world, out, from, to, scale, facts } = ctx;
  const rng = ctx.rng.fork('loans');
  const candidates = world.firms.filter((f) => facts.hte.has(f.index) || [...facts.techSme.values()].some((s) => s.has(f.index)));
  const borrowers = rng.sample(candidates, Math.round(140 * scale));
  for (const firm of borrowers) {
    const type: EventDataInput<'TechLoanBalanceReported'>['borrowerType'] = facts.hte.has(firm.index) ? '高新技术企业' : rng.chance(0.2) ? '专精特新企业' : '科技型中小企业';
    for (const bank of rng.sample(BANKS, rng.chance(0.3) ? 2 : 1)) {
      const start = rng.day(from - 90, to - 60);
      const quarters = rng.int(4, 12);
      let balance = Math.round(rng.logNormal(Math.max(300, firm.scale * 0.08), 0.6));
      const ends = quarterEnds(start, to).slice(0, quarters + 1);
      ends.forEach((asOf, q) => {
        if (!activeAt(firm, asOf)) return;
        const repaid = q === quarters;
        const sent = workday(asOf + rng.int(5, 15));
        const data: EventDataInput<'TechLoanBalanceReported'> = { bank, uscc: firm.uscc, borrowerName: firm.name, borrowerType: type, balanceOn: isoOf(asOf), balance: repaid ? 0 : balance };
        out.emit(sent, 'TechLoanBalanceReported', data, source('金融机构报送', '财政国资局', sent, 'KJDK'));
        balance = Math.max(50, Math.round(balance * rng.float(0.85, 1.15)));
      });
    }
  }
}
