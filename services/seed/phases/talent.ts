/**
 * Talent programmes: leading talents, 科技副总 / 特派员, research assistants, graduates who stay,
 * and innovation teams, each with an area employer active at the time.
 */
import type { EventDataInput } from '../../../contracts/events/index.ts';
import { isoOf, workday, yearOf, type Day } from '../calendar.ts';
import { TALENT_LEVELS } from '../catalog.ts';
import { monthBatch } from '../emitter.ts';
import { personName, type Rng } from '../random.ts';
import { pickActiveFirm } from '../world.ts';
import { flowDay, spanYears, type Ctx } from '../context.ts';

type Role = NonNullable<EventDataInput<'TalentIntroduced'>['role']>;
type Programme = EventDataInput<'TalentIntroduced'>['programme'];

const ROLES: readonly (readonly [Role, number])[] = [['科技领军人才', 70], ['科技副总', 60], ['科技特派员', 80], ['科研助理', 150], ['毕业生留区', 140]];
const PROGRAMMES: Record<Role, readonly (readonly [Programme, number])[]> = {
  科技领军人才: [['武汉英才', 40], ['新区计划', 35], ['省级计划', 18], ['国家级计划', 7]],
  科技副总: [['省级计划', 60], ['新区计划', 40]],
  科技特派员: [['省级计划', 50], ['新区计划', 50]],
  科研助理: [['新区计划', 100]],
  毕业生留区: [['新区计划', 100]],
};

const TEAM_TOPICS = ['高端医疗器械', '新型储能', '工业机器人', '合成生物', '智慧港航', '碳纤维复合材料', '生物育种', '工业互联网', '卫星应用', '精密模具'];

export function talentRecord(rng: Rng, role: Role, serial: string, employer: { uscc: string }, day: Day): EventDataInput<'TalentIntroduced'> {
  const data: EventDataInput<'TalentIntroduced'> = {
    talentId: serial,
    // A salted hash stands in for the ID number, which is never stored.
    personRef: rng.hex(64),
    name: personName(rng),
    programme: rng.weighted(PROGRAMMES[role]),
    role,
    employerUscc: employer.uscc,
    introducedOn: isoOf(day),
  };
  if (role === '科技领军人才') data.level = rng.pick(TALENT_LEVELS);
  return data;
}

export function generateTalent(ctx: Ctx): void {
  const { world, out, from, to, scale } = ctx;
  const rng = ctx.rng.fork('talent');
  const perYear = ROLES.reduce((s, [, w]) => s + w, 0);
  const count = Math.round(perYear * scale * spanYears(ctx));
  const serials = new Map<number, number>();
  for (let n = 0; n < count; n++) {
    const day = workday(flowDay(rng, from, to, 0.12));
    const role = rng.weighted(ROLES);
    const employer = pickActiveFirm(world, rng, day, role === '科技领军人才' ? (f) => f.hteTrack : undefined);
    if (!employer || day > to) continue;
    const year = yearOf(day);
    const serial = (serials.get(year) ?? 0) + 1;
    serials.set(year, serial);
    out.emit(day, 'TalentIntroduced', talentRecord(rng, role, `TAL-${year}-${String(serial).padStart(5, '0')}`, employer, day), { system: '部门填报', unit: '组织部', batch: monthBatch('RCYJ', day) });
  }
  const teams = Math.round(25 * scale * spanYears(ctx));
  for (let n = 1; n <= teams; n++) {
    const day = workday(flowDay(rng, from, to, 0.12));
    const employer = pickActiveFirm(world, rng, day, (f) => f.hteTrack);
    if (!employer || day > to) continue;
    const topic = rng.pick(TEAM_TOPICS);
    const data: EventDataInput<'TeamIntroduced'> = {
      teamId: `TEAM-${yearOf(day)}-${String(n).padStart(4, '0')}`,
      teamName: `${topic}创新团队(${employer.name.replace(/(股份)?有限公司$/, '')})`,
      leaderName: personName(rng),
      programme: rng.weighted([['武汉英才', 40], ['新区计划', 35], ['省级计划', 20], ['国家级计划', 5]] as const),
      level: rng.pick(['A类', 'B类', 'C类']),
      members: rng.int(4, 25),
      employerUscc: employer.uscc,
      introducedOn: isoOf(day),
    };
    out.emit(day, 'TeamIntroduced', data, { system: '部门填报', unit: '组织部', batch: monthBatch('RCYJ', day) });
  }
}
