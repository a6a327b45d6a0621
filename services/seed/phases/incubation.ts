/**
 * Incubation carriers (the policy's named ones and the area's others) and their tenants:
 * admitted, then graduated or exited at most once, never before admission.
 */
import type { EventDataInput } from '../../../contracts/events/index.ts';
import { LONG_INCUBATION_FIELDS } from '../../../contracts/events/incubators.ts';
import { addMonths, dayOf, isoOf, workday, type Day } from '../calendar.ts';
import { INCUBATORS, type IncubatorSpec } from '../catalog.ts';
import { monthBatch, type SourceSpec } from '../emitter.ts';
import { brandName } from '../random.ts';
import { activeAt, END, type Firm } from '../world.ts';
import { flowDay, type Ctx } from '../context.ts';

type TenantField = NonNullable<EventDataInput<'IncubatorTenantAdmitted'>['field']>;

function source(day: Day): SourceSpec {
  return { system: '部门填报', unit: '科创局', batch: monthBatch('FHZT', day), document: '孵化载体运行情况月报' };
}

export function generateIncubation(ctx: Ctx): void {
  const { world, out, from, to, scale } = ctx;
  const rng = ctx.rng.fork('incubation');
  const operators = new Map<string, string>();

  for (const spec of INCUBATORS) {
    const recognized = dayOf(spec.recognizedOn);
    const university = world.universities.find((u) => spec.operator === u.name);
    const operator = university?.uscc ?? world.uscc.enterprise(world.firms.find((f) => f.home.street === spec.street)?.home.division ?? '420117', true);
    operators.set(spec.id, operator);
    out.emit(recognized, 'IncubatorRecognized', { incubatorId: spec.id, name: spec.name, type: spec.type, level: spec.level, operatorUscc: operator, areaM2: spec.areaM2, recognizedOn: spec.recognizedOn, street: spec.street }, source(recognized), { priority: 0 });
    for (const [level, on] of spec.upgrades ?? []) {
      const day = dayOf(on);
      out.emit(day, 'IncubatorLevelChanged', { incubatorId: spec.id, level, changedOn: on }, source(day));
    }
    if (spec.revokedOn) {
      const day = dayOf(spec.revokedOn);
      out.emit(day, 'IncubatorRevoked', { incubatorId: spec.id, revokedOn: spec.revokedOn, reason: '年度考核不合格' }, source(day), { priority: 2 });
    }
  }

  const openAt = (spec: IncubatorSpec, day: Day): boolean => day >= dayOf(spec.recognizedOn) + 14 && (!spec.revokedOn || day < dayOf(spec.revokedOn) - 30);
  // Tenants before the window (admitted in the two and a half years before) and in it.
  const historyStart = from - 913;
  const admissions = Math.round(420 * scale * ((to - historyStart) / 365.25));
  const usedFirms = new Set<number>();
  let teamSerial = 0;

  for (let n = 0; n < admissions; n++) {
    const admitted = workday(flowDay(rng, historyStart, to, 0.15));
    if (admitted > to) continue;
    const open = INCUBATORS.filter((s) => openAt(s, admitted));
    if (open.length === 0) continue;
    const spec = rng.weighted(open.map((s) => [s, s.capacity] as const));
    const wantsFirm = rng.chance(spec.type === '众创空间' ? 0.6 : 0.88);
    let firm: Firm | undefined;
    if (wantsFirm) {
      // Young firms, preferably founded from competitions, incubation or internal ventures.
      for (let attempt = 0; attempt < 60 && !firm; attempt++) {
        const f = rng.pick(world.firms);
        const age = admitted - f.establishedOn;
        const maxAge = spec.type === '加速器' || spec.type === '产业园' ? 2_200 : 1_100;
        if (usedFirms.has(f.index) || !activeAt(f, admitted) || age < 0 || age > maxAge) continue;
        if ((f.origin === '其他' || f.origin === '招商') && rng.chance(0.5)) continue;
        if (spec.field === '生物医药' && f.industry.key !== '生命健康' && rng.chance(0.7)) continue;
        if (spec.field === '农业' && f.industry.key !== '现代农业' && rng.chance(0.7)) continue;
        firm = f;
      }
      if (!firm) continue;
      usedFirms.add(firm.index);
    }
    const field: TenantField = spec.field ?? (firm?.industry.key === '生命健康' && rng.chance(0.6) ? '生物医药' : firm?.industry.key === '现代农业' ? '农业' : '其他');
    const tenantId = firm ? firm.uscc : `TT-${String(++teamSerial).padStart(5, '0')}`;
    const tenantName = firm ? firm.name : `${brandName(rng)}${rng.pick(['智能', '生物', '数字', '绿色', '农业', '材料'])}创业团队`;
    const admission: EventDataInput<'IncubatorTenantAdmitted'> = { incubatorId: spec.id, tenantId, tenantName, field, admittedOn: isoOf(admitted) };
    if (firm) admission.tenantUscc = firm.uscc;
    out.emit(admitted, 'IncubatorTenantAdmitted', admission, source(admitted), { priority: 0 });

    // The outcome: graduation, exit, or still incubating today.
    const limit = addMonths(admitted, (LONG_INCUBATION_FIELDS as readonly string[]).includes(field) ? 60 : 48);
    let end: Day = END;
    let graduated: { day: Day; criterion: EventDataInput<'IncubatorTenantGraduated'>['criterion'] } | undefined;
    let exited: { day: Day; reason: string } | undefined;
    const roll = rng.next();
    if (firm) {
      const cert = (ctx.facts.hte.get(firm.index) ?? []).find((c) => c.issuedOn > admitted + 180 && c.issuedOn < limit);
      if (cert && roll < 0.8) {
        graduated = { day: Math.min(limit - 1, workday(cert.issuedOn + rng.int(15, 120))), criterion: '认定高企' };
      } else if (roll < 0.35 && firm.scale > 1_000) {
        graduated = { day: workday(addMonths(admitted, rng.int(24, 40))), criterion: '两年营收超1000万' };
      } else if (roll < 0.4) {
        graduated = { day: workday(addMonths(admitted, rng.int(12, 40))), criterion: '被并购' };
      } else if (roll < 0.7) {
        exited = { day: workday(addMonths(admitted, rng.int(3, 40))), reason: rng.pick(['经营不善', '迁出载体', '转入其他载体']) };
      }
      // A firm that leaves the area leaves its carrier first.
      const leaves = firm.until - 1;
      if (leaves < (graduated?.day ?? exited?.day ?? limit)) {
        graduated = undefined;
        exited = { day: Math.max(admitted + 1, leaves), reason: firm.exit?.kind === 'out' ? '企业迁出新区' : '企业注销' };
      }
    } else if (roll < 0.08) {
      graduated = { day: workday(addMonths(admitted, rng.int(12, 36))), criterion: '被并购' };
    } else if (roll < 0.75) {
      exited = { day: workday(addMonths(admitted, rng.int(3, 30))), reason: rng.pick(['团队解散', '注册企业迁出', '项目终止']) };
    }
    if (!graduated && !exited && limit <= to) exited = { day: limit, reason: '孵化期满未毕业' };
    if (spec.revokedOn) {
      const closing = dayOf(spec.revokedOn) - 7;
      if ((graduated?.day ?? exited?.day ?? END) > closing) {
        graduated = undefined;
        exited = { day: Math.max(admitted + 1, closing), reason: '载体撤销' };
      }
    }
    if (graduated && graduated.day > admitted && graduated.day <= to) {
      out.emit(graduated.day, 'IncubatorTenantGraduated', { incubatorId: spec.id, tenantId, graduatedOn: isoOf(graduated.day), criterion: graduated.criterion }, source(graduated.day), { priority: 2 });
      end = graduated.day;
    } else if (exited && exited.day > admitted && exited.day <= to) {
      out.emit(exited.day, 'IncubatorTenantExited', { incubatorId: spec.id, tenantId, exitedOn: isoOf(exited.day), reason: exited.reason }, source(exited.day), { priority: 2 });
      end = exited.day;
    }
    if (firm) ctx.facts.tenancies.set(firm.index, { incubatorId: spec.id, admittedOn: admitted, endsOn: end });
  }
}
