import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addYears } from '../../contracts/dates.ts';
import { EVENT_DEFINITIONS, INGEST_EVENT_TYPES, type EventData, type EventType } from '../../contracts/events/index.ts';
import { AREA_STREETS, KEY_INDUSTRIES, isAreaStreet, patentCheckOk, usccCheckOk } from '../../contracts/identifiers.ts';
import { IngestRecord, type IngestRecordInput } from '../../contracts/ingest.ts';
import { CORRECTION_DOCUMENT_PREFIX } from '../../services/seed/emitter.ts';
import { generateHistory, type SeedPlan } from '../../services/seed/generateHistory.ts';

const TO = '2026-11-29';

/** KPI ids exactly as in domain/KPIS.md. */
const KPI_IDS = new Set([
  'kcw_meetings_held', 'kcb_meetings_held', 'decision_closure_rate', 'task_milestone_completion', 'academic_sites', 'hubu_colleges_relocated',
  'applied_univ_bases', 'rd_platforms', 'rd_platform_upgrades', 'new_rd_institutions', 'nri_industry_coverage', 'public_service_platforms',
  'key_tech_projects', 'challenge_award_rate', 'innovation_consortia', 'chain_leaders_introduced', 'tech_sme_count', 'hte_count',
  'hte_doubling_progress', 'hte_reserve_conversion', 'above_scale_hte_rd_coverage', 'enterprise_rd_intensity', 'innovation_vouchers',
  'srdi_firms', 'new_species_firms', 'incubation_carriers', 'incubating_tenants', 'graduated_tenants', 'tenant_financing_rate',
  'transfer_carriers', 'tech_contract_turnover', 'tech_brokers', 'invention_patents_per_10k', 'high_value_patents_per_10k',
  'ip_pledge_financing', 'high_level_talent', 'talent_cultivation', 'fund_matrix', 'fund_investment_in_area', 'tech_credit',
  'listing_pipeline', 'digital_infra', 'brain_onboarding', 'innovation_events',
]);

type Rec = { type: EventType; occurredAt?: string; source: { system: string; unit?: string; batch?: string; document?: string }; data: Record<string, unknown> };

function all(plan: SeedPlan): IngestRecordInput[] {
  return [...plan.batches()].flat();
}

function digest(records: readonly unknown[]): string {
  const h = createHash('sha256');
  for (const r of records) h.update(JSON.stringify(r)).update('\n');
  return h.digest('hex');
}

function data<T extends EventType>(r: Rec, _type: T): EventData<T> {
  return r.data as EventData<T>;
}

function isCorrection(r: Rec): boolean {
  return r.source.document?.startsWith(CORRECTION_DOCUMENT_PREFIX) ?? false;
}

let plan: SeedPlan;
let records: Rec[];
let elapsedMs = 0;
let small: Rec[];

beforeAll(() => {
  const t0 = performance.now();
  plan = generateHistory({ to: TO });
  records = all(plan) as Rec[];
  elapsedMs = performance.now() - t0;
  small = all(generateHistory({ seed: 99, to: '2025-06-30', enterprises: 500 })) as Rec[];
  const counts = Object.entries(plan.countsByType).sort((a, b) => b[1] - a[1]);
  console.log(`seed plan: ${plan.total} records in ${Math.round(elapsedMs)} ms\n${counts.map(([t, n]) => `  ${t.padEnd(36)}${n}`).join('\n')}`);
});

describe('when the same seed generates the history twice', () => {
  it('produces byte-for-byte the same records', () => {
    expect(digest(all(generateHistory({ to: TO })))).toBe(digest(records));
  });
});

describe('when a different seed generates the history', () => {
  it('produces different records', () => {
    const a = all(generateHistory({ seed: 1, to: '2024-06-30', enterprises: 300 }));
    const b = all(generateHistory({ seed: 2, to: '2024-06-30', enterprises: 300 }));
    const a2 = all(generateHistory({ seed: 1, to: '2024-06-30', enterprises: 300 }));
    expect(digest(a)).not.toBe(digest(b));
    expect(digest(a)).toBe(digest(a2));
  });
});

describe('when the history waits on disk (spillDir) instead of in memory', () => {
  it('hands out the same batches, counts them alike, and removes its files when disposed', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'seed-spill-')), 'plan');
    const options = { seed: 3, to: '2024-06-30', enterprises: 300, batchSize: 700 };
    const inMemory = generateHistory(options);
    const spilled = generateHistory({ ...options, spillDir: dir });
    expect(existsSync(dir)).toBe(true);
    expect(spilled.total).toBe(inMemory.total);
    expect(spilled.countsByType).toEqual(inMemory.countsByType);
    const sizes = (plan: SeedPlan) => [...plan.batches()].map((b) => b.length);
    expect(sizes(spilled)).toEqual(sizes(inMemory));
    expect(digest(all(spilled))).toBe(digest(all(inMemory)));
    spilled.dispose();
    expect(existsSync(dir)).toBe(false);
  });
});

describe('the generated plan', () => {
  it('holds 110,000–130,000 records in batches of at most 1,000, in total as announced', () => {
    expect(plan.total).toBeGreaterThanOrEqual(110_000);
    expect(plan.total).toBeLessThanOrEqual(130_000);
    expect(records.length).toBe(plan.total);
    const sizes = [...plan.batches()].map((b) => b.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1_000);
    expect(Object.values(plan.countsByType).reduce((s, n) => s + n, 0)).toBe(plan.total);
  });

  it('contains every event type a department sends, with most volume in the high-volume flows', () => {
    // The monitoring events (预警) are the platform's own: the monitor writes them, not the seed.
    for (const t of INGEST_EVENT_TYPES) expect(plan.countsByType[t] ?? 0, t).toBeGreaterThan(0);
    const bulk = ['EnterpriseAnnualFinancialsReported', 'PatentGranted', 'TechContractRegistered', 'PlatformServiceDelivered', 'TechSmeRegistered', 'InnovationVoucherRedeemed'];
    const bulkCount = bulk.reduce((s, t) => s + (plan.countsByType[t] ?? 0), 0);
    expect(bulkCount / plan.total).toBeGreaterThan(0.8);
  });

  it('parses every record with IngestRecord', () => {
    const failures: string[] = [];
    records.forEach((r, i) => {
      const result = IngestRecord.safeParse(r);
      if (!result.success && failures.length < 5) failures.push(`#${i} ${r.type}: ${result.error.message}`);
    });
    expect(failures).toEqual([]);
  });

  it('ends on the requested day and sends records in chronological order (corrections aside)', () => {
    let last = '';
    const outOfOrder: string[] = [];
    for (const r of records) {
      if (isCorrection(r)) continue;
      const at = r.occurredAt ?? '';
      if (at < last) outOfOrder.push(`${r.type} ${at} after ${last}`);
      last = at;
    }
    expect(outOfOrder.slice(0, 5)).toEqual([]);
    expect(last <= TO).toBe(true);
    expect(records.some((r) => (r.occurredAt ?? '') >= '2026-11-01')).toBe(true);
  });

  it('carries valid check characters except on about 1 % of codes (never on universities\' codes)', () => {
    const codes = new Set<string>();
    const collect = (v: unknown, key = ''): void => {
      if (typeof v === 'string') {
        if (/uscc$/i.test(key)) codes.add(v);
      } else if (Array.isArray(v)) v.forEach((x) => collect(x, key));
      else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => collect(x, k));
    };
    for (const r of records) if (r.type !== 'PlatformServiceDelivered' && r.type !== 'InnovationVoucherRedeemed') collect(r.data);
    const bad = [...codes].filter((c) => !usccCheckOk(c));
    expect(codes.size).toBeGreaterThan(3_000);
    expect(bad.length / codes.size).toBeGreaterThan(0.003);
    expect(bad.length / codes.size).toBeLessThan(0.02);
    expect(bad.filter((c) => c.startsWith('12'))).toEqual([]);
  });

  it('gives every patent application number a valid check digit and a type digit matching its type', () => {
    const digit = { 发明: '1', 实用新型: '2', 外观设计: '3' } as const;
    for (const r of records) {
      if (r.type !== 'PatentGranted') continue;
      const d = data(r, 'PatentGranted');
      expect(patentCheckOk(d.applicationNumber), d.applicationNumber).toBe(true);
      expect(d.applicationNumber.charAt(4)).toBe(digit[d.patentType]);
      expect(d.appliedOn < d.grantedOn).toBe(true);
    }
  });

  it('names the policy\'s carriers, universities and the four whole 湖北大学 colleges', () => {
    const incubators = records.filter((r) => r.type === 'IncubatorRecognized').map((r) => data(r, 'IncubatorRecognized').name);
    for (const name of ['长河筑梦众创空间', '武生院科技园孵化器', '阳逻港科技加速器']) expect(incubators).toContain(name);
    const text = JSON.stringify(records.filter((r) => r.type !== 'PlatformServiceDelivered' && r.type !== 'PatentGranted'));
    for (const u of ['湖北大学', '武汉生物工程学院', '武汉工程职业技术学院', '武汉文理学院', '湖北大学知行学院', '武汉大学', '华中科技大学', '武汉理工大学']) expect(text).toContain(u);
    const whole = records.filter((r) => r.type === 'CollegeRelocated' && data(r, 'CollegeRelocated').wholeCollege && data(r, 'CollegeRelocated').university === '湖北大学');
    expect(whole).toHaveLength(4);
    expect(whole.every((r) => (r.occurredAt ?? '') >= '2023-01-01' && (r.occurredAt ?? '') <= '2025-12-31')).toBe(true);
  });

  it('places firms on the area\'s streets, with some registered outside that move in', () => {
    const registered = records.filter((r) => r.type === 'EnterpriseRegistered').map((r) => data(r, 'EnterpriseRegistered'));
    const streets = new Set(registered.map((d) => d.street));
    for (const s of AREA_STREETS) expect(streets.has(s), s).toBe(true);
    expect(registered.some((d) => !isAreaStreet(d.street))).toBe(true);
    // Firms on the area's streets carry its three districts (新洲, 黄陂, 江岸); those from outside, Wuhan's others.
    const codes = (inArea: boolean) => [...new Set(registered.filter((d) => isAreaStreet(d.street) === inArea).map((d) => d.divisionCode))].sort();
    expect(codes(true)).toEqual(['420102', '420116', '420117']);
    expect(codes(false).length).toBeGreaterThan(0);
    for (const code of codes(false)) expect(code).toMatch(/^4201\d\d$/);
  });

  it('covers the key industries with new R&D institutions step by step', () => {
    const inst = records.filter((r) => r.type === 'NewRdInstitutionRegistered').map((r) => data(r, 'NewRdInstitutionRegistered'));
    const early = new Set(inst.filter((d) => d.registeredOn < '2024-01-01').map((d) => d.industryField));
    const late = new Set(inst.map((d) => d.industryField));
    expect(early.size).toBeLessThan(KEY_INDUSTRIES.length);
    expect(late.size).toBe(KEY_INDUSTRIES.length);
  });

  it('sets KPI targets only for catalogued KPIs, with a 高企 doubling baseline', () => {
    const targets = records.filter((r) => r.type === 'KpiTargetSet').map((r) => data(r, 'KpiTargetSet'));
    for (const t of targets) expect(KPI_IDS.has(t.kpiId), t.kpiId).toBe(true);
    const baseline = targets.find((t) => t.kpiId === 'hte_doubling_progress' && t.kind === 'baseline');
    expect(baseline?.value).toBeGreaterThan(100);
    const population = records.filter((r) => r.type === 'StatisticPublished' && data(r, 'StatisticPublished').statistic === '常住人口');
    expect(population.length).toBeGreaterThanOrEqual(3);
    for (const p of population) expect(data(p, 'StatisticPublished').value).toBeGreaterThan(50);
  });

  it('holds 科创委 at least twice and 科创办 about six times a year', () => {
    for (const year of ['2023', '2024', '2025']) {
      const held = records.filter((r) => r.type === 'GovernanceMeetingHeld' && data(r, 'GovernanceMeetingHeld').heldOn.startsWith(year)).map((r) => data(r, 'GovernanceMeetingHeld').body);
      expect(held.filter((b) => b === '科创委').length).toBeGreaterThanOrEqual(2);
      const kcb = held.filter((b) => b === '科创办').length;
      expect(kcb).toBeGreaterThanOrEqual(4);
      expect(kcb).toBeLessThanOrEqual(8);
    }
  });
});

const plans = [
  { name: 'default seed, 3,000 firms', get: (): Rec[] => records },
  { name: 'seed 99, 500 firms, to mid-2025', get: (): Rec[] => small },
];

describe.each(plans)('lifecycle consistency, walking the records in order ($name)', ({ get }) => {
  it('sends enterprise facts only between registration and deregistration or moving out', () => {
    const registered = new Set<string>();
    const gone = new Set<string>();
    const problems: string[] = [];
    for (const r of get()) {
      if (EVENT_DEFINITIONS[r.type].context !== 'enterprises') continue;
      const uscc = (r.data as { uscc: string }).uscc;
      if (r.type === 'EnterpriseRegistered') {
        if (registered.has(uscc) && !isCorrection(r)) problems.push(`registered twice ${uscc}`);
        registered.add(uscc);
        continue;
      }
      if (!registered.has(uscc)) problems.push(`${r.type} before registration ${uscc}`);
      if (gone.has(uscc)) problems.push(`${r.type} after leaving ${uscc} ${r.occurredAt}`);
      if (r.type === 'EnterpriseDeregistered') gone.add(uscc);
      if (r.type === 'EnterpriseRelocated' && data(r, 'EnterpriseRelocated').direction === 'out') gone.add(uscc);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('closes only decisions its meetings took, dissolves only formed consortia, deregisters only certified brokers, each after its start', () => {
    const decisions = new Map<string, string>();
    const formed = new Map<string, string>();
    const certified = new Map<string, string>();
    const problems: string[] = [];
    for (const r of get()) {
      if (r.type === 'GovernanceMeetingHeld') {
        const d = data(r, 'GovernanceMeetingHeld');
        for (const x of d.decisions) decisions.set(`${d.meetingId}/${x.decisionId}`, d.heldOn);
      }
      if (r.type === 'DecisionClosed') {
        const d = data(r, 'DecisionClosed');
        const heldOn = decisions.get(`${d.meetingId}/${d.decisionId}`);
        if (heldOn === undefined || d.closedOn < heldOn) problems.push(`closure of ${d.meetingId}/${d.decisionId}`);
      }
      if (r.type === 'InnovationConsortiumFormed') formed.set(data(r, 'InnovationConsortiumFormed').consortiumId, data(r, 'InnovationConsortiumFormed').formedOn);
      if (r.type === 'InnovationConsortiumDissolved') {
        const d = data(r, 'InnovationConsortiumDissolved');
        if (!((formed.get(d.consortiumId) ?? '9999') <= d.dissolvedOn)) problems.push(`dissolution of ${d.consortiumId}`);
        formed.delete(d.consortiumId);
      }
      if (r.type === 'TechBrokerCertified') certified.set(data(r, 'TechBrokerCertified').brokerId, data(r, 'TechBrokerCertified').certifiedOn);
      if (r.type === 'TechBrokerDeregistered') {
        const d = data(r, 'TechBrokerDeregistered');
        if (!((certified.get(d.brokerId) ?? '9999') <= d.deregisteredOn)) problems.push(`deregistration of ${d.brokerId}`);
        certified.delete(d.brokerId);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(get().some((r) => r.type === 'DecisionClosed')).toBe(true);
  });

  it('reports loan balances at month ends, never negative, for registered firms, and onboards registered firms', () => {
    const registered = new Set<string>();
    const problems: string[] = [];
    for (const r of get()) {
      if (r.type === 'EnterpriseRegistered') registered.add(data(r, 'EnterpriseRegistered').uscc);
      if (r.type === 'TechLoanBalanceReported') {
        const d = data(r, 'TechLoanBalanceReported');
        const next = new Date(Date.parse(`${d.balanceOn}T00:00:00Z`) + 86_400_000).toISOString();
        if (!next.slice(8, 10).startsWith('01') || d.balance < 0 || !registered.has(d.uscc)) problems.push(`balance ${d.uscc} ${d.balanceOn}`);
      }
      if (r.type === 'BrainOnboarded' && !registered.has(data(r, 'BrainOnboarded').uscc)) problems.push(`onboarding ${data(r, 'BrainOnboarded').uscc}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('refers only to registered firms in services, vouchers, talent and investments in area firms', () => {
    const registered = new Set<string>();
    const problems: string[] = [];
    for (const r of get()) {
      if (r.type === 'EnterpriseRegistered') registered.add(data(r, 'EnterpriseRegistered').uscc);
      const ref =
        r.type === 'PlatformServiceDelivered' ? data(r, 'PlatformServiceDelivered').clientUscc
          : r.type === 'InnovationVoucherRedeemed' ? data(r, 'InnovationVoucherRedeemed').enterpriseUscc
            : r.type === 'TalentIntroduced' ? data(r, 'TalentIntroduced').employerUscc
              : r.type === 'IncubatorTenantAdmitted' ? data(r, 'IncubatorTenantAdmitted').tenantUscc
                : undefined;
      if (ref !== undefined && !registered.has(ref)) problems.push(`${r.type} → ${ref}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('keeps every technology contract with a registered area firm on one side', () => {
    const registered = new Set(get().filter((r) => r.type === 'EnterpriseRegistered').map((r) => data(r, 'EnterpriseRegistered').uscc));
    for (const r of get()) {
      if (r.type !== 'TechContractRegistered') continue;
      const d = data(r, 'TechContractRegistered');
      expect(registered.has(d.seller.uscc ?? '') || registered.has(d.buyer.uscc ?? '')).toBe(true);
      expect(d.techTransactionAmount).toBeLessThanOrEqual(d.totalAmount);
    }
  });

  it('graduates or exits a tenant only after admission, once, at carriers that exist', () => {
    const carriers = new Map<string, { revoked: boolean }>();
    const tenants = new Map<string, { admittedOn: string; ended: boolean }>();
    const problems: string[] = [];
    for (const r of get()) {
      switch (r.type) {
        case 'IncubatorRecognized':
          carriers.set(data(r, 'IncubatorRecognized').incubatorId, { revoked: false });
          break;
        case 'IncubatorLevelChanged':
        case 'IncubatorRevoked': {
          const c = carriers.get((r.data as { incubatorId: string }).incubatorId);
          if (!c || c.revoked) problems.push(`${r.type} of an unknown or revoked carrier`);
          if (c && r.type === 'IncubatorRevoked') c.revoked = true;
          break;
        }
        case 'IncubatorTenantAdmitted': {
          const d = data(r, 'IncubatorTenantAdmitted');
          const c = carriers.get(d.incubatorId);
          if (!c || c.revoked) problems.push(`admission into unknown or revoked ${d.incubatorId}`);
          const key = `${d.incubatorId}/${d.tenantId}`;
          if (tenants.has(key)) problems.push(`admitted twice ${key}`);
          tenants.set(key, { admittedOn: d.admittedOn, ended: false });
          break;
        }
        case 'IncubatorTenantGraduated':
        case 'IncubatorTenantExited': {
          const d = r.data as { incubatorId: string; tenantId: string; graduatedOn?: string; exitedOn?: string };
          const t = tenants.get(`${d.incubatorId}/${d.tenantId}`);
          if (!t) problems.push(`${r.type} without admission ${d.tenantId}`);
          else if (t.ended) problems.push(`${r.type} twice ${d.tenantId}`);
          else if ((d.graduatedOn ?? d.exitedOn ?? '') <= t.admittedOn) problems.push(`${r.type} not after admission ${d.tenantId}`);
          if (t) t.ended = true;
          break;
        }
        default:
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(get().filter((r) => r.type === 'IncubatorTenantGraduated').length).toBeGreaterThan(20);
  });

  it('lets funds call, invest and exit only after establishment, never investing more than called', () => {
    const funds = new Map<string, { called: number; invested: number }>();
    const investments = new Map<string, boolean>();
    const problems: string[] = [];
    for (const r of get()) {
      if (r.type === 'FundEstablished') {
        const d = data(r, 'FundEstablished');
        if (d.parentFundId && !funds.has(d.parentFundId)) problems.push(`sub-fund before its parent ${d.fundId}`);
        funds.set(d.fundId, { called: 0, invested: 0 });
      } else if (r.type === 'FundCapitalCalled' || r.type === 'FundInvestmentMade' || r.type === 'FundExitRealized') {
        const fundId = (r.data as { fundId: string }).fundId;
        const f = funds.get(fundId);
        if (!f) {
          problems.push(`${r.type} before FundEstablished ${fundId}`);
          continue;
        }
        if (r.type === 'FundCapitalCalled') f.called += data(r, 'FundCapitalCalled').amount;
        if (r.type === 'FundInvestmentMade') {
          const d = data(r, 'FundInvestmentMade');
          f.invested += d.amount;
          if (f.invested > f.called) problems.push(`${fundId} invested ${f.invested} of ${f.called} called`);
          investments.set(d.investmentId, false);
        }
        if (r.type === 'FundExitRealized') {
          const d = data(r, 'FundExitRealized');
          if (investments.get(d.investmentId) !== false) problems.push(`exit without investment or twice ${d.investmentId}`);
          investments.set(d.investmentId, true);
        }
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(investments.size).toBeGreaterThan(20);
  });

  it('revokes only valid 高企 certificates and never reuses a certificate number', () => {
    const certs = new Map<string, { uscc: string; issuedOn: string; until: string; revoked: boolean; json: string }>();
    const problems: string[] = [];
    for (const r of get()) {
      if (r.type === 'HighTechCertified') {
        const d = data(r, 'HighTechCertified');
        if (certs.has(d.certificateNumber)) problems.push(`certificate reused ${d.certificateNumber}`);
        if (!d.certificateNumber.startsWith(`GR${d.issuedOn.slice(0, 4)}42`)) problems.push(`number does not carry year and province ${d.certificateNumber}`);
        certs.set(d.certificateNumber, { uscc: d.uscc, issuedOn: d.issuedOn, until: addYears(d.issuedOn, 3), revoked: false, json: JSON.stringify(d) });
      }
      if (r.type === 'HighTechRevoked') {
        const d = data(r, 'HighTechRevoked');
        const c = certs.get(d.certificateNumber);
        if (!c || c.uscc !== d.uscc || c.revoked || d.revokedOn < c.issuedOn || d.revokedOn >= c.until) problems.push(`revocation of an invalid certificate ${d.certificateNumber}`);
        if (c) c.revoked = true;
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    // Certificates issued in 2022 (before the window) expire during 2025.
    expect([...certs.values()].some((c) => c.issuedOn.startsWith('2022') && c.until.startsWith('2025'))).toBe(true);
    expect(get().some((r) => r.type === 'HighTechCertified' && data(r, 'HighTechCertified').renewal === true)).toBe(true);
  });

  it('removes, revokes and delists only what is on the list, and moves pool members in and out once', () => {
    const sme = new Set<string>();
    const srdi = new Map<string, { until: string; revoked: boolean }>();
    const species = new Set<string>();
    const pools = new Map<string, 'in' | 'out'>();
    const problems: string[] = [];
    for (const r of get()) {
      switch (r.type) {
        case 'TechSmeRegistered': {
          const d = data(r, 'TechSmeRegistered');
          const key = `${d.uscc}/${d.year}`;
          if (sme.has(key)) problems.push(`registered twice in a year ${key}`);
          sme.add(key);
          break;
        }
        case 'TechSmeRemoved': {
          const d = data(r, 'TechSmeRemoved');
          if (!sme.has(`${d.uscc}/${d.year}`)) problems.push(`removed without registration ${d.uscc}`);
          break;
        }
        case 'SrdiCertified': {
          const d = data(r, 'SrdiCertified');
          srdi.set(`${d.uscc}/${d.tier}`, { until: d.validUntil, revoked: false });
          break;
        }
        case 'SrdiRevoked': {
          const d = data(r, 'SrdiRevoked');
          const s = srdi.get(`${d.uscc}/${d.tier}`);
          if (!s || s.revoked || d.revokedOn > s.until) problems.push(`SRDI revocation of an invalid tier ${d.uscc}`);
          if (s) s.revoked = true;
          break;
        }
        case 'NewSpeciesListed': {
          const d = data(r, 'NewSpeciesListed');
          species.add(`${d.uscc}/${d.tier}/${d.year}`);
          break;
        }
        case 'NewSpeciesDelisted': {
          const d = data(r, 'NewSpeciesDelisted');
          if (!species.delete(`${d.uscc}/${d.tier}/${d.year}`)) problems.push(`delisted without listing ${d.uscc}`);
          break;
        }
        case 'ReservePoolAdmitted': {
          const d = data(r, 'ReservePoolAdmitted');
          const key = `${d.uscc}/${d.pool}`;
          if (pools.has(key)) problems.push(`admitted to a pool twice ${key}`);
          pools.set(key, 'in');
          break;
        }
        case 'ReservePoolExited': {
          const d = data(r, 'ReservePoolExited');
          const key = `${d.uscc}/${d.pool}`;
          if (pools.get(key) !== 'in') problems.push(`exit from a pool without membership ${key}`);
          pools.set(key, 'out');
          break;
        }
        default:
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('lapses and transfers only granted, unlapsed patents and pledges only patents the pledgor holds', () => {
    const patents = new Map<string, { owners: Set<string>; lapsed: boolean; transferred: boolean }>();
    const problems: string[] = [];
    for (const r of get()) {
      if (r.type === 'PatentGranted') {
        const d = data(r, 'PatentGranted');
        if (patents.has(d.applicationNumber)) problems.push(`granted twice ${d.applicationNumber}`);
        patents.set(d.applicationNumber, { owners: new Set(d.owners.map((o) => o.uscc ?? o.name)), lapsed: false, transferred: false });
      } else if (r.type === 'PatentLapsed' || r.type === 'PatentTransferred') {
        const n = (r.data as { applicationNumber: string }).applicationNumber;
        const p = patents.get(n);
        if (!p || p.lapsed) problems.push(`${r.type} of a missing or lapsed patent ${n}`);
        else if (r.type === 'PatentLapsed') p.lapsed = true;
        else {
          if (p.transferred) problems.push(`transferred twice ${n}`);
          p.transferred = true;
          p.owners = new Set(data(r, 'PatentTransferred').to.map((o) => o.uscc ?? o.name));
        }
      } else if (r.type === 'IpPledgeRegistered') {
        const d = data(r, 'IpPledgeRegistered');
        expect(d.patents.length).toBeGreaterThan(0);
        for (const n of d.patents) {
          const p = patents.get(n);
          if (!p || p.lapsed || !p.owners.has(d.pledgor.uscc ?? '')) problems.push(`pledge of a patent not held ${n}`);
        }
        if (d.termUntil <= d.termFrom) problems.push(`pledge term ends before it starts ${d.registrationNumber}`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('awards challenges once after publication and delivers services only from registered platforms', () => {
    const challenges = new Map<string, boolean>();
    const platforms = new Set<string>();
    const rd = new Map<string, string>();
    const problems: string[] = [];
    for (const r of get()) {
      if (r.type === 'ChallengePublished') challenges.set(data(r, 'ChallengePublished').challengeId, false);
      if (r.type === 'ChallengeAwarded') {
        const id = data(r, 'ChallengeAwarded').challengeId;
        if (challenges.get(id) !== false) problems.push(`award without publication or twice ${id}`);
        challenges.set(id, true);
      }
      if (r.type === 'PublicServicePlatformRegistered') platforms.add(data(r, 'PublicServicePlatformRegistered').platformId);
      if (r.type === 'PlatformServiceDelivered' && !platforms.has(data(r, 'PlatformServiceDelivered').platformId)) problems.push('service from an unregistered platform');
      if (r.type === 'RdPlatformRecognized') {
        const d = data(r, 'RdPlatformRecognized');
        const before = rd.get(d.platformId);
        const rank = { 区级: 0, 市级: 1, 省级: 2, 国家级: 3 } as const;
        // A second recognition of the same platform is an upgrade (提档升级), never a downgrade.
        if (before !== undefined && rank[d.level] <= rank[before as keyof typeof rank]) problems.push(`not an upgrade ${d.platformId}`);
        rd.set(d.platformId, d.level);
      }
      // Academic sites and transfer carriers are closed by the same revocation (platform ids are unique across kinds).
      if (r.type === 'AcademicSiteEstablished') rd.set(data(r, 'AcademicSiteEstablished').platformId, 'site');
      if (r.type === 'TransferCarrierRecognized') rd.set(data(r, 'TransferCarrierRecognized').platformId, 'carrier');
      if (r.type === 'RdPlatformRevoked' && !rd.has(data(r, 'RdPlatformRevoked').platformId)) problems.push('revocation of an unknown platform');
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('never reuses a natural key with different content except in the handful of intended corrections', () => {
    const keyOf = (r: Rec): string | undefined => {
      const d = r.data as Record<string, string | number>;
      switch (r.type) {
        case 'EnterpriseRegistered': return `reg/${d.uscc}`;
        case 'EnterpriseAnnualFinancialsReported': return `fin/${d.uscc}/${d.fiscalYear}`;
        case 'TechContractRegistered': return `contract/${d.registrationNumber}`;
        case 'PatentGranted': return `patent/${d.applicationNumber}`;
        case 'PlatformServiceDelivered': return `service/${d.serviceId}`;
        case 'InnovationVoucherRedeemed': return `voucher/${d.voucherId}`;
        case 'TalentIntroduced': return `talent/${d.talentId}`;
        case 'TeamIntroduced': return `team/${d.teamId}`;
        case 'GovernanceMeetingHeld': return `meeting/${d.meetingId}`;
        case 'TaskMilestoneReported': return `milestone/${d.milestoneId}/${d.status}`;
        case 'IpPledgeRegistered': return `pledge/${d.registrationNumber}`;
        case 'FundInvestmentMade': return `investment/${d.investmentId}`;
        case 'FundCapitalCalled': return `call/${d.callId}`;
        case 'KpiTargetSet': return `target/${d.kpiId}/${d.period}/${d.kind}`;
        case 'StatisticPublished': return `stat/${d.statistic}/${d.period}`;
        case 'SrdiCertified': return `srdi/${d.certificateNumber}`;
        case 'NewSpeciesListed': return `species/${d.uscc}/${d.year}`;
        default: return undefined;
      }
    };
    const seen = new Map<string, string>();
    const collisions: string[] = [];
    let corrections = 0;
    for (const r of get()) {
      const key = keyOf(r);
      if (key === undefined) continue;
      const json = JSON.stringify(r.data);
      const before = seen.get(key);
      if (isCorrection(r)) {
        corrections++;
        if (before === undefined || before === json) collisions.push(`correction without an earlier, different record ${key}`);
      } else if (before !== undefined) {
        collisions.push(key);
      }
      seen.set(key, json);
    }
    expect(collisions.slice(0, 5)).toEqual([]);
    expect(corrections).toBeGreaterThanOrEqual(3);
    expect(corrections).toBeLessThanOrEqual(10);
  });
});
