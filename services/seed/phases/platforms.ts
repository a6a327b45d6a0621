/**
 * Platforms: R&D platforms by type and level (with upgrades and a few revocations), new R&D
 * institutions across the key industries, public service platforms and the services they
 * deliver, 湖北大学's college moves to the 阳逻 campus, and training bases of the applied universities.
 */
import type { EventDataInput } from '../../../contracts/events/index.ts';
import { dayFrom, dayOf, isoOf, workday, yearOf, type Day } from '../calendar.ts';
import { INDUSTRIES, type KeyIndustryName, type LevelName } from '../catalog.ts';
import { monthBatch, type SourceSpec } from '../emitter.ts';
import { weightedIndexPicker } from '../random.ts';
import { activeAt, pickActiveFirm, type Firm, type University } from '../world.ts';
import { flowDay, spanYears, type Ctx, type ServiceProvider } from '../context.ts';

type RdType = EventDataInput<'RdPlatformRecognized'>['type'];

function source(day: Day, unit = '科创局'): SourceSpec {
  return { system: '部门填报', unit, batch: monthBatch('PTJS', day) };
}

const LEVEL_PREFIX: Record<LevelName, string> = { 国家级: '国家', 省级: '湖北省', 市级: '武汉市', 区级: '长江新区' };

/** New R&D institutions; industries are covered step by step (现代农业 last, in 2025). */
const INSTITUTIONS: readonly { id: string; name: string; field: KeyIndustryName; host: string; on: string }[] = [
  { id: 'NRI-01', name: '长江新区工业机器人研究院', field: '智能制造', host: '在汉央企联合体', on: '2022-06-16' },
  { id: 'NRI-02', name: '武汉大学长江新区高端医疗器械研究院', field: '生命健康', host: '武汉大学', on: '2023-04-18' },
  { id: 'NRI-03', name: '华中科技大学长江新区新型储能产业技术研究院', field: '绿色低碳', host: '华中科技大学', on: '2023-09-07' },
  { id: 'NRI-04', name: '长江新区智能装备产业技术研究院', field: '智能制造', host: '武汉理工大学', on: '2023-12-01' },
  { id: 'NRI-05', name: '武汉理工大学多式联运与智慧港航研究院', field: '枢纽经济', host: '武汉理工大学', on: '2024-05-22' },
  { id: 'NRI-06', name: '武创院长江新区分院', field: '现代服务业', host: '武汉产业创新发展研究院', on: '2024-08-13' },
  { id: 'NRI-07', name: '华中科技大学碳纤维医用复合材料研究院', field: '生命健康', host: '华中科技大学', on: '2025-01-09' },
  { id: 'NRI-08', name: '湖北大学生物育种产业技术研究院', field: '现代农业', host: '湖北大学', on: '2025-06-19' },
  { id: 'NRI-09', name: '长江新区数字经济产业技术研究院', field: '现代服务业', host: '湖北大学', on: '2025-10-28' },
  { id: 'NRI-10', name: '武汉生物工程学院合成生物技术研究院', field: '生命健康', host: '武汉生物工程学院', on: '2026-04-15' },
];

export const SERVICE_PLATFORMS: readonly { id: string; name: string; types: string[]; on: string; operator?: string; weight: number }[] = [
  { id: 'PSP-01', name: '长江新区检验检测公共服务平台', types: ['检验检测', '计量校准'], on: '2021-09-15', weight: 10 },
  { id: 'PSP-02', name: '武汉工程职业技术学院智能制造实训与检测中心', types: ['检验检测', '技能培训'], on: '2022-05-10', operator: '武汉工程职业技术学院', weight: 4 },
  { id: 'PSP-03', name: '长江新区技术转移服务中心', types: ['技术经纪', '成果交易', '技术咨询'], on: '2023-03-20', weight: 8 },
  { id: 'PSP-04', name: '国家技术转移中部中心长江新区工作站', types: ['成果交易', '技术经纪'], on: '2023-06-08', weight: 5 },
  { id: 'PSP-05', name: '专利审查协作湖北中心长江新区高价值专利培育中心', types: ['专利导航', '专利价值评估', '专利预警分析'], on: '2023-09-26', weight: 7 },
  { id: 'PSP-06', name: '长江新区智能装备制造公共技术服务平台', types: ['试验研究', '产品研制', '工艺验证'], on: '2023-11-14', weight: 7 },
  { id: 'PSP-07', name: '长江新区医疗器械注册检验服务平台', types: ['检验检测', '注册咨询'], on: '2024-01-23', weight: 6 },
  { id: 'PSP-08', name: '长江新区产业公共技术服务综合体', types: ['研究开发', '创意设计', '标准信息', '成果推广', '国际合作', '展览展示'], on: '2024-03-28', weight: 12 },
  { id: 'PSP-09', name: '长江新区清洁能源技术服务平台', types: ['技术咨询', '检验检测', '试验研究'], on: '2024-06-12', weight: 5 },
  { id: 'PSP-10', name: '湖北大学生物技术中试平台', types: ['中试熟化', '试验研究', '检验检测'], on: '2024-10-30', operator: '湖北大学', weight: 6 },
  { id: 'PSP-11', name: '长江新区科技金融服务平台', types: ['融资对接', '知识产权质押辅导'], on: '2024-12-05', weight: 4 },
  { id: 'PSP-12', name: '长江新区知识产权保护工作站', types: ['维权援助', '知识产权咨询'], on: '2025-04-17', weight: 4 },
];

const COLLEGES: readonly { id: string; college: string; on: string; whole: boolean }[] = [
  { id: 'HUBU-YL-01', college: '生命科学学院', on: '2023-08-25', whole: true },
  { id: 'HUBU-YL-02', college: '资源环境学院', on: '2024-02-23', whole: true },
  { id: 'HUBU-YL-03', college: '材料科学与工程学院', on: '2024-08-28', whole: true },
  { id: 'HUBU-YL-04', college: '计算机与信息工程学院(部分专业)', on: '2025-02-21', whole: false },
  { id: 'HUBU-YL-05', college: '化学化工学院', on: '2025-08-26', whole: true },
];

export function generatePlatforms(ctx: Ctx): void {
  const { world, out, from, to, scale } = ctx;
  const rng = ctx.rng.fork('platforms');
  const universityByName = new Map(world.universities.map((u) => [u.name, u] as const));
  const hubu = universityByName.get('湖北大学') as University;

  // R&D platforms: about 60 before the window and 15 a year in it, hosted by universities or firms.
  const total = Math.round((60 + 15 * spanYears(ctx)) * scale);
  const names = new Set<string>();
  for (let n = 1; n <= total; n++) {
    const platformId = `RDP-${String(n).padStart(4, '0')}`;
    const day = n <= 60 * scale ? workday(rng.day(dayFrom(2016, 1, 1), from - 1)) : workday(flowDay(rng, from, to, 0.1));
    let level: LevelName = rng.weighted([['区级', 10], ['市级', 50], ['省级', 34], ['国家级', 3]] as const);
    let type: RdType;
    let host: string;
    let hostUscc: string | undefined;
    let field: string;
    const coBuilders: string[] = [];
    let firm: Firm | undefined;
    if (rng.chance(0.3)) {
      const u = rng.weighted(world.universities.map((x) => [x, x.spec.name === '湖北大学' ? 5 : x.spec.applied ? 1 : 2] as const));
      type = rng.pick(['重点实验室', '工程研究中心', '工程技术研究中心', '联合实验室'] as const);
      host = u.name;
      hostUscc = u.uscc;
      field = rng.pick(rng.pick(INDUSTRIES).words);
      if (type === '联合实验室') {
        const partner = pickActiveFirm(world, rng, day, (f) => f.scale > 2_000);
        if (partner) coBuilders.push(partner.name);
      }
    } else {
      firm = pickActiveFirm(world, rng, day, (f) => f.scale > 1_500 && f.hteTrack);
      if (!firm) continue;
      type = rng.weighted([['企业技术中心', 35], ['工程技术研究中心', 30], ['技术创新中心', 12], ['联合实验室', 12], ['产业创新中心', 6], ['制造业创新中心', 5]] as const);
      if (level === '国家级' && firm.scale < 50_000) level = '省级';
      host = firm.name;
      hostUscc = firm.uscc;
      field = rng.pick(firm.industry.words);
      if (type === '联合实验室' || rng.chance(0.15)) coBuilders.push(rng.pick(world.universities).name);
    }
    let name = `${LEVEL_PREFIX[level]}${field}${type}`;
    if (names.has(name)) name = `${name}(${host})`;
    if (names.has(name)) continue;
    names.add(name);
    const data: EventDataInput<'RdPlatformRecognized'> = { platformId, name, type, level, host, coBuilders, recognizedOn: isoOf(day) };
    if (hostUscc) data.hostUscc = hostUscc;
    out.emit(day, 'RdPlatformRecognized', data, source(day), { priority: 0 });
    // 提档升级: the same platform recognized again one level up; a few lose recognition.
    const upgradeOn = workday(day + rng.int(500, 1_400));
    if (level !== '国家级' && level !== '省级' && rng.chance(0.18) && upgradeOn <= to && upgradeOn >= from && (!firm || activeAt(firm, upgradeOn))) {
      const higher: LevelName = level === '区级' ? '市级' : '省级';
      out.emit(upgradeOn, 'RdPlatformRecognized', { ...data, level: higher, name: `${LEVEL_PREFIX[higher]}${name.slice(LEVEL_PREFIX[level].length)}`, recognizedOn: isoOf(upgradeOn) }, source(upgradeOn));
    } else if (rng.chance(0.04)) {
      const revokedOn = workday(rng.day(Math.max(from, day + 365), to));
      if (revokedOn <= to && revokedOn > day) out.emit(revokedOn, 'RdPlatformRevoked', { platformId, revokedOn: isoOf(revokedOn), reason: rng.pick(['绩效评估不合格', '依托单位迁出', '主动撤销']) }, source(revokedOn), { priority: 2 });
    } else if (firm && firm.until <= to && firm.until - 1 > day) {
      out.emit(firm.until - 1, 'RdPlatformRevoked', { platformId, revokedOn: isoOf(firm.until - 1), reason: '依托单位迁出或注销' }, source(firm.until - 1), { priority: 2 });
    }
  }

  // The platform the policy names, upgraded to national level in 2025.
  const recycler = world.firms.find((f) => f.industry.key === '绿色低碳' && f.establishedOn < dayFrom(2018, 1, 1) && f.until > to);
  if (recycler) {
    const data: EventDataInput<'RdPlatformRecognized'> = { platformId: 'RDP-BFQC', name: '湖北省报废汽车(含新能源)循环利用工程技术研究中心', type: '工程技术研究中心', level: '省级', host: recycler.name, hostUscc: recycler.uscc, coBuilders: ['武汉理工大学'], recognizedOn: '2021-11-19' };
    out.emit(dayOf('2021-11-19'), 'RdPlatformRecognized', data, source(dayOf('2021-11-19')), { priority: 0 });
    out.emit(dayOf('2025-09-23'), 'RdPlatformRecognized', { ...data, name: '国家报废汽车(含新能源)循环利用工程技术研究中心', level: '国家级', recognizedOn: '2025-09-23' }, source(dayOf('2025-09-23')));
  }
  const medical = { platformId: 'RDP-ZHYL', name: '智慧医疗前沿交叉研究平台', type: '技术创新中心' as const, level: '省级' as const, host: '湖北省属国企长江新区医疗健康产业平台', coBuilders: ['武汉大学', '华中科技大学'], recognizedOn: '2024-07-16' };
  out.emit(dayOf(medical.recognizedOn), 'RdPlatformRecognized', medical, source(dayOf(medical.recognizedOn)), { priority: 0 });

  for (const inst of INSTITUTIONS) {
    const day = dayOf(inst.on);
    const data: EventDataInput<'NewRdInstitutionRegistered'> = { platformId: inst.id, name: inst.name, industryField: inst.field, host: inst.host, registeredOn: inst.on };
    const u = universityByName.get(inst.host);
    if (u) data.hostUscc = u.uscc;
    out.emit(day, 'NewRdInstitutionRegistered', data, source(day), { priority: 0 });
  }

  // Public service platforms, plus firms that open their test and design centres to the area.
  const providers: ServiceProvider[] = [];
  const registerProvider = (p: { id: string; name: string; types: string[]; day: Day; operatorUscc?: string; weight: number }): void => {
    const data: EventDataInput<'PublicServicePlatformRegistered'> = { platformId: p.id, name: p.name, serviceTypes: p.types, registeredOn: isoOf(p.day) };
    if (p.operatorUscc) data.operatorUscc = p.operatorUscc;
    out.emit(p.day, 'PublicServicePlatformRegistered', data, source(p.day), { priority: 0 });
    if (p.day <= to) providers.push({ platformId: p.id, name: p.name, serviceTypes: p.types, registeredOn: p.day, weight: p.weight });
  };
  for (const p of SERVICE_PLATFORMS) {
    registerProvider({ id: p.id, name: p.name, types: p.types, day: dayOf(p.on), operatorUscc: p.operator ? universityByName.get(p.operator)?.uscc ?? world.uscc.enterprise('420117', true) : world.uscc.enterprise('420117', true), weight: p.weight });
  }
  for (let k = 1; k <= Math.round(6 * scale); k++) {
    const day = workday(rng.day(from, to - 60));
    const firm = pickActiveFirm(world, rng, day, (f) => f.scale > 10_000 && f.until > to);
    if (!firm) continue;
    const centre = rng.pick(['检验检测中心', '研发设计中心', '中试车间']);
    registerProvider({ id: `PSP-E${String(k).padStart(2, '0')}`, name: `${firm.name.replace(/(股份)?有限公司$/, '')}${centre}(开放共享)`, types: centre === '检验检测中心' ? ['检验检测'] : centre === '研发设计中心' ? ['研究开发', '创意设计'] : ['中试熟化', '工艺验证'], day, operatorUscc: firm.uscc, weight: 2 });
  }
  ctx.facts.serviceProviders = providers;

  const deliveries = Math.round(5_400 * scale * spanYears(ctx));
  const pickProvider = weightedIndexPicker(providers.map((p) => p.weight));
  const serials = new Map<string, number>();
  for (let n = 0; n < deliveries; n++) {
    const day = workday(flowDay(rng, from, to, 0.3));
    if (day > to) continue;
    let provider: ServiceProvider | undefined;
    for (let attempt = 0; attempt < 20 && !provider; attempt++) {
      const p = providers[pickProvider(rng)];
      if (p && p.registeredOn < day) provider = p;
    }
    if (!provider) continue;
    const client = pickActiveFirm(world, rng, day);
    if (!client) continue;
    const key = `${provider.platformId}-${yearOf(day)}`;
    const serial = (serials.get(key) ?? 0) + 1;
    serials.set(key, serial);
    const amount = rng.chance(0.15) ? 0 : Math.round(rng.logNormal(2.2, 1.0) * 100) / 100;
    out.emit(day, 'PlatformServiceDelivered', { platformId: provider.platformId, serviceId: `${key}-${String(serial).padStart(5, '0')}`, clientUscc: client.uscc, serviceType: rng.pick(provider.serviceTypes), amount, deliveredOn: isoOf(day) }, { system: '公共技术服务平台', unit: '科创局', batch: monthBatch(provider.platformId, day) });
  }

  for (const c of COLLEGES) {
    const day = dayOf(c.on);
    out.emit(day, 'CollegeRelocated', { platformId: c.id, university: hubu.name, college: c.college, wholeCollege: c.whole, relocatedOn: c.on }, { ...source(day), document: '湖北大学阳逻校区搬迁进展报告' });
  }

  // Training bases of the applied universities, co-built with area firms.
  const applied = world.universities.filter((u) => u.spec.applied);
  for (let k = 1; k <= Math.round((4 + 3 * spanYears(ctx)) * scale); k++) {
    const day = workday(k <= 4 ? rng.day(dayFrom(2020, 3, 1), from - 1) : flowDay(rng, from, to, 0.1));
    const u = rng.pick(applied);
    const partner = pickActiveFirm(world, rng, day, (f) => f.scale > 1_000);
    const topic = partner ? rng.pick(partner.industry.words) : rng.pick(['智能制造', '生物技术', '数字技术']);
    out.emit(day, 'TrainingBaseEstablished', { platformId: `TB-${String(k).padStart(3, '0')}`, name: `${u.name}${partner ? partner.name.replace(/^(武汉长江新区|武汉|湖北)/, '').replace(/(股份)?有限公司$/, '') : ''}${topic}产教融合实训基地`, university: u.name, establishedOn: isoOf(day) }, source(day, '发改局'), { priority: 0 });
  }
}
