/**
 * Registry facts (registration, moves, deregistration) and annual financial reports.
 */
import type { EventDataInput } from '../../../contracts/events/index.ts';
import { addMonths, dayFrom, isoOf as isoDay, workday, type Day } from '../calendar.ts';
import { CORRECTION_DOCUMENT_PREFIX, monthBatch, type SourceSpec } from '../emitter.ts';
import { createRng, deriveSeed } from '../random.ts';
import { activeAt, officeName, revenueOf, type Firm, type World } from '../world.ts';
import type { Ctx } from '../context.ts';

const DEREGISTRATION_REASONS = ['简易注销', '决议解散', '经营期限届满', '吊销后注销'];

function registrySource(day: Day, from: Day): SourceSpec {
  // Firms that existed before the window arrive in one initial extract of the registry.
  return { system: '市场监管登记', unit: '市场监管局', batch: day < from ? 'SCJG-存量-2023' : monthBatch('SCJG', day) };
}

export function registrationData(firm: Firm): EventDataInput<'EnterpriseRegistered'> {
  const at = firm.registeredAt;
  const data: EventDataInput<'EnterpriseRegistered'> = {
    uscc: firm.uscc,
    name: firm.name,
    establishedOn: isoDay(firm.establishedOn),
    registeringOffice: officeName(at.division),
    divisionCode: at.division,
    street: at.street,
    industryCode: firm.industryCode,
    industry: firm.industryName,
    registeredCapital: firm.capital,
    origin: firm.origin,
  };
  if (at.park !== undefined) data.park = at.park;
  return data;
}

/** R&D ÷ sales the 高企 rules require at a revenue (万元). */
function hteRdThreshold(revenue: number): number {
  return revenue <= 5_000 ? 0.05 : revenue <= 20_000 ? 0.04 : 0.03;
}

/**
 * A firm's report for a fiscal year and the day it is filed (null: not filed on time, the trickle
 * sends it late). Derived from (seed, firm, year) alone, so history and trickle agree on it.
 */
export function financialReport(world: World, firm: Firm, fiscalYear: number): { filedOn: Day | null; data: EventDataInput<'EnterpriseAnnualFinancialsReported'> } {
  const r = createRng(deriveSeed(world.seed, `fin:${firm.uscc}:${fiscalYear}`));
  const filedOn = workday(r.day(dayFrom(fiscalYear + 1, 3, 1), dayFrom(fiscalYear + 1, 6, 20)));
  const late = r.chance(0.04);
  const revenue = round2(revenueOf(firm, fiscalYear, r.logNormal(1, 0.12)));
  let rdRatio = firm.rdRatio * r.float(0.9, 1.15);
  if (firm.hteTrack) rdRatio = Math.max(rdRatio, hteRdThreshold(revenue) + r.float(0.003, 0.012));
  const employees = Math.min(6_000, Math.max(3, Math.round(revenue / firm.revenuePerHead)));
  let techStaff = Math.round(employees * firm.techShare * r.float(0.9, 1.1));
  if (firm.hteTrack) techStaff = Math.max(techStaff, Math.ceil(employees * 0.11));
  const aboveScale = revenue >= 2_000;
  // One uniform per firm makes the R&D institution, once set up, stay.
  const u = createRng(deriveSeed(world.seed, `rdinst:${firm.uscc}`)).next();
  const coverage = firm.hteTrack && aboveScale ? 0.5 + 0.1 * (fiscalYear - 2022) : 0.1 + 0.02 * (fiscalYear - 2022);
  return {
    filedOn: late ? null : filedOn,
    data: {
      uscc: firm.uscc,
      fiscalYear,
      revenue,
      rdExpense: round2(revenue * rdRatio),
      highTechProductRevenue: round2(Math.min(revenue, revenue * firm.htShare * r.float(0.96, 1.04))),
      totalAssets: round2(revenue * r.float(0.6, 1.8) + firm.capital * 0.3),
      employees,
      techStaff: Math.min(techStaff, employees),
      aboveScale,
      hasRdInstitution: u < Math.min(0.97, coverage),
    },
  };
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The fiscal years a firm reports for: registered before the year's last quarter. */
export function reportsFor(firm: Firm, fiscalYear: number): boolean {
  return firm.establishedOn <= dayFrom(fiscalYear, 9, 30);
}

export const FINANCIALS_SOURCE: SourceSpec = { system: '统计联网直报', unit: '发改局' };

export function generateEnterprises(ctx: Ctx): void {
  const { world, out, from, to } = ctx;
  const rng = ctx.rng.fork('enterprises');

  for (const firm of world.firms) {
    out.emit(firm.establishedOn, 'EnterpriseRegistered', registrationData(firm), registrySource(firm.establishedOn, from), { priority: 0 });
    if (firm.kind === 'movedIn') {
      const data: EventDataInput<'EnterpriseRelocated'> = {
        uscc: firm.uscc,
        direction: 'in',
        relocatedOn: isoDay(firm.inFrom),
        street: firm.home.street,
        divisionCode: firm.home.division,
      };
      if (firm.home.park !== undefined) data.park = firm.home.park;
      out.emit(firm.inFrom, 'EnterpriseRelocated', data, registrySource(firm.inFrom, from), { priority: 0 });
    }
    if (firm.exit?.kind === 'deregistered') {
      out.emit(firm.exit.on, 'EnterpriseDeregistered', { uscc: firm.uscc, deregisteredOn: isoDay(firm.exit.on), reason: rng.pick(DEREGISTRATION_REASONS) }, registrySource(firm.exit.on, from), { priority: 2 });
    } else if (firm.exit?.kind === 'out') {
      const data: EventDataInput<'EnterpriseRelocated'> = { uscc: firm.uscc, direction: 'out', relocatedOn: isoDay(firm.exit.on) };
      if (firm.exit.destination !== undefined) data.destination = firm.exit.destination;
      out.emit(firm.exit.on, 'EnterpriseRelocated', data, registrySource(firm.exit.on, from), { priority: 2 });
    }
  }

  // Annual reports from the year before the window: fiscal 2022 is filed in spring 2023.
  const financialDays: { firm: Firm; fiscalYear: number; filedOn: Day; data: EventDataInput<'EnterpriseAnnualFinancialsReported'> }[] = [];
  for (let fy = ctx.fromYear - 1; fy < ctx.toYear; fy++) {
    for (const firm of world.firms) {
      if (!reportsFor(firm, fy)) continue;
      const report = financialReport(world, firm, fy);
      if (report.filedOn === null || !activeAt(firm, report.filedOn)) continue;
      const filed = out.emit(report.filedOn, 'EnterpriseAnnualFinancialsReported', report.data, { ...FINANCIALS_SOURCE, batch: `${fy}年度企业研发与经营统计`, document: `${fy}年报` });
      if (filed) financialDays.push({ firm, fiscalYear: fy, filedOn: report.filedOn, data: report.data });
    }
  }

  // Intended corrections (the only records that reuse a natural key with different content):
  // three registrations whose establishment date was keyed wrongly (the true date is a few days
  // earlier, so nothing already sent falls before it), and one annual report restated.
  const corrected = world.firms.filter((f) => f.kind === 'new' && f.establishedOn > from + 30 && f.establishedOn < to - 90 && f.until > f.establishedOn + 120);
  for (const firm of rng.sample(corrected, 3)) {
    const trueDay = firm.establishedOn - rng.int(2, 9);
    const data = { ...registrationData(firm), establishedOn: isoDay(trueDay) };
    out.emit(workday(firm.establishedOn + rng.int(20, 60)), 'EnterpriseRegistered', data, { ...registrySource(firm.establishedOn, from), document: `${CORRECTION_DOCUMENT_PREFIX}: 成立日期录入错误` }, { occurredAt: trueDay });
    firm.establishedOn = trueDay;
  }
  const restated = rng.sample(financialDays.filter((f) => activeAt(f.firm, addMonths(f.filedOn, 3)) && addMonths(f.filedOn, 3) < to), 1);
  for (const report of restated) {
    const revenue = round2(report.data.revenue * 1.08);
    out.emit(
      addMonths(report.filedOn, 2),
      'EnterpriseAnnualFinancialsReported',
      { ...report.data, revenue, highTechProductRevenue: round2(Math.min(revenue, (report.data.highTechProductRevenue ?? 0) * 1.08)) },
      { ...FINANCIALS_SOURCE, batch: `${report.fiscalYear}年度企业研发与经营统计`, document: `${CORRECTION_DOCUMENT_PREFIX}: 营业收入口径调整` },
      { occurredAt: report.filedOn },
    );
  }
}
