import { addYears } from '../../../contracts/dates.ts';
import type { EventData } from '../../../contracts/events/index.ts';
import {
  assertNever,
  decideFact,
  refuse,
  streamId,
  trackFact,
  type ContextEvent,
  type ContextRecord,
  type Decider,
  type Facts,
  type TypeSpecs,
} from '../decider.ts';

interface Certificate {
  issuedOn: string;
  validUntil: string;
  revokedOn?: string;
}

export interface EnterpriseState {
  facts: Facts;
  /** 高企 certificates by number. */
  certificates: Map<string, Certificate>;
  /** SRDI tiers currently held (certified and not revoked). */
  srdi: Set<string>;
  /** New-species listings not yet delisted: tier → years listed. */
  newSpecies: Map<string, Set<number>>;
  financials: Map<number, { revenue: number; rdExpense: number }>;
}

const SPECS: TypeSpecs<'enterprises'> = {
  EnterpriseRegistered: { key: () => 'registered', date: (d) => d.establishedOn },
  EnterpriseRelocated: { key: (d) => `${d.direction}:${d.relocatedOn}`, date: (d) => d.relocatedOn },
  EnterpriseDeregistered: { key: () => 'deregistered', date: (d) => d.deregisteredOn },
  EnterpriseAnnualFinancialsReported: { key: (d) => String(d.fiscalYear), date: (d) => `${d.fiscalYear}-12-31` },
  TechSmeRegistered: { key: (d) => String(d.year), date: (d) => `${d.year}-01-01` },
  TechSmeRemoved: { key: (d) => String(d.year), date: (d) => d.removedOn },
  HighTechCertified: { key: (d) => d.certificateNumber, date: (d) => d.issuedOn },
  HighTechRevoked: { key: (d) => d.certificateNumber, date: (d) => d.revokedOn },
  SrdiCertified: { key: (d) => `${d.tier}:${d.validFrom}`, date: (d) => d.validFrom },
  SrdiRevoked: { key: (d) => `${d.tier}:${d.revokedOn}`, date: (d) => d.revokedOn },
  NewSpeciesListed: { key: (d) => `${d.tier}:${d.year}`, date: (d) => `${d.year}-01-01` },
  NewSpeciesDelisted: { key: (d) => `${d.tier}:${d.year}`, date: (d) => d.delistedOn },
  ReservePoolAdmitted: { key: (d) => `${d.pool}:${d.admittedOn}`, date: (d) => d.admittedOn },
  ReservePoolExited: { key: (d) => `${d.pool}:${d.exitedOn}`, date: (d) => d.exitedOn },
  EnterpriseListed: { key: (d) => `${d.exchange}:${d.ticker}`, date: (d) => d.listedOn },
  EnterpriseSettled: { key: (d) => d.settlementType, date: (d) => d.settledOn },
};

function initialState(): EnterpriseState {
  return { facts: new Map(), certificates: new Map(), srdi: new Set(), newSpecies: new Map(), financials: new Map() };
}

function evolve(state: EnterpriseState, event: ContextEvent<'enterprises'>): EnterpriseState {
  trackFact(state.facts, SPECS, event);
  switch (event.type) {
    case 'HighTechCertified': {
      const d = event.data;
      const revokedOn = state.certificates.get(d.certificateNumber)?.revokedOn;
      state.certificates.set(d.certificateNumber, {
        issuedOn: d.issuedOn,
        validUntil: d.validUntil ?? addYears(d.issuedOn, 3),
        ...(revokedOn ? { revokedOn } : {}),
      });
      break;
    }
    case 'HighTechRevoked': {
      const cert = state.certificates.get(event.data.certificateNumber);
      if (cert) cert.revokedOn = event.data.revokedOn;
      break;
    }
    case 'SrdiCertified':
      state.srdi.add(event.data.tier);
      break;
    case 'SrdiRevoked':
      state.srdi.delete(event.data.tier);
      break;
    case 'NewSpeciesListed': {
      const years = state.newSpecies.get(event.data.tier) ?? new Set<number>();
      years.add(event.data.year);
      state.newSpecies.set(event.data.tier, years);
      break;
    }
    case 'NewSpeciesDelisted': {
      const years = state.newSpecies.get(event.data.tier);
      if (years) {
        // The delisting names a year; when the listing was another year, the tier still ends.
        if (years.has(event.data.year)) years.delete(event.data.year);
        else years.clear();
      }
      break;
    }
    case 'EnterpriseAnnualFinancialsReported':
      state.financials.set(event.data.fiscalYear, { revenue: event.data.revenue, rdExpense: event.data.rdExpense });
      break;
    case 'EnterpriseRegistered':
    case 'EnterpriseRelocated':
    case 'EnterpriseDeregistered':
    case 'TechSmeRegistered':
    case 'TechSmeRemoved':
    case 'ReservePoolAdmitted':
    case 'ReservePoolExited':
    case 'EnterpriseListed':
    case 'EnterpriseSettled':
      break;
    default:
      assertNever(event);
  }
  return state;
}

function requireValidCertificate(state: EnterpriseState, d: EventData<'HighTechRevoked'>): void {
  const cert = state.certificates.get(d.certificateNumber);
  const field = 'data.certificateNumber';
  if (!cert) refuse(field, `该企业没有编号为 ${d.certificateNumber} 的高企证书, 不能撤销`, d.certificateNumber);
  // An already-revoked certificate never gets here: a second revocation under the same number is a
  // correction of the first (same natural key), not a new fact.
  if (d.revokedOn < cert.issuedOn) refuse('data.revokedOn', `撤销日期早于证书发证日期 ${cert.issuedOn}`, d.revokedOn);
  if (d.revokedOn > cert.validUntil) refuse(field, `高企证书 ${d.certificateNumber} 已于 ${cert.validUntil} 到期, 不能撤销`, d.certificateNumber);
}

/** A certificate that covered any day of the fiscal year (issued before its end, not ended before its start). */
function heldCertificateIn(state: EnterpriseState, year: number): boolean {
  const start = `${year}-01-01`;
  const end = `${year}-12-31`;
  for (const c of state.certificates.values()) {
    if (c.issuedOn <= end && c.validUntil >= start && (c.revokedOn === undefined || c.revokedOn >= start)) return true;
  }
  return false;
}

/** 高企 criteria (EVENTS.md) checked on reported financials of a certified firm; breaches are flags. */
function highTechCriteriaFlags(state: EnterpriseState, d: EventData<'EnterpriseAnnualFinancialsReported'>): string[] {
  if (!heldCertificateIn(state, d.fiscalYear)) return [];
  const flags: string[] = [];
  if (d.employees > 0 && d.techStaff / d.employees < 0.1) flags.push('hightech-criteria:techStaff');
  let revenue = d.revenue;
  let rd = d.rdExpense;
  for (const y of [d.fiscalYear - 1, d.fiscalYear - 2]) {
    const f = state.financials.get(y);
    if (f) {
      revenue += f.revenue;
      rd += f.rdExpense;
    }
  }
  const threshold = d.revenue <= 5_000 ? 0.05 : d.revenue <= 20_000 ? 0.04 : 0.03;
  if (revenue > 0 && rd / revenue < threshold) flags.push('hightech-criteria:rdExpense');
  if (d.revenue > 0 && d.highTechProductRevenue / d.revenue < 0.6) flags.push('hightech-criteria:highTechProductRevenue');
  return flags;
}

/**
 * Filing review (填报审核): checks that do not reject a record but flag it `review:<check>` in its
 * `quality` and in the import report, for the sending department to explain (docs/ingest.md).
 * The thresholds are the review's, not the law's: a jump is a question, not an error.
 */
export const FILING_REVIEW = {
  /** A year-on-year rise of R&D expense or revenue to this multiple of the previous year's or more. */
  yoyMultiple: 3,
  /** Revenue above this many 万元 (1,000 亿元) is implausible for a firm of the area. */
  maxRevenue: 10_000_000,
} as const;

function financialsReviewFlags(state: EnterpriseState, d: EventData<'EnterpriseAnnualFinancialsReported'>): string[] {
  const flags: string[] = [];
  if (d.rdExpense > d.revenue) flags.push('review:rdExpense-over-revenue');
  const previous = state.financials.get(d.fiscalYear - 1);
  if (previous && previous.rdExpense > 0 && d.rdExpense >= FILING_REVIEW.yoyMultiple * previous.rdExpense) flags.push('review:rdExpense-yoy');
  if (previous && previous.revenue > 0 && d.revenue >= FILING_REVIEW.yoyMultiple * previous.revenue) flags.push('review:revenue-yoy');
  if (d.revenue > FILING_REVIEW.maxRevenue) flags.push('review:revenue-implausible');
  return flags;
}

/** A 高企 certificate for a firm whose annual reports of the three years before show no R&D expense at all. */
function certificateReviewFlags(state: EnterpriseState, issuedOn: string): string[] {
  const year = Number(issuedOn.slice(0, 4));
  const reports = [year - 1, year - 2, year - 3].map((y) => state.financials.get(y)).filter((f) => f !== undefined);
  return reports.length > 0 && reports.every((f) => f.rdExpense === 0) ? ['review:hte-without-rd'] : [];
}

type EnterpriseRecord = ContextRecord<'enterprises'>;

export const enterprisesDecider: Decider<'enterprises', EnterpriseState> = {
  context: 'enterprises',
  initialState,
  evolve,
  streamOf: (record: EnterpriseRecord) => streamId('enterprise', record.data.uscc),
  decide(record, state, ctx) {
    const base = { record, streamId: streamId('enterprise', record.data.uscc), data: record.data };
    switch (record.type) {
      case 'HighTechCertified': {
        const d = record.data;
        const data = { ...d, validUntil: d.validUntil ?? addYears(d.issuedOn, 3) };
        if (data.validUntil < data.issuedOn) refuse('data.validUntil', '有效期截止日早于发证日期', data.validUntil);
        return decideFact(SPECS, state.facts, { ...base, data }, ctx, { quality: () => certificateReviewFlags(state, d.issuedOn) });
      }
      case 'HighTechRevoked': {
        const d = record.data;
        return decideFact(SPECS, state.facts, base, ctx, { rules: () => requireValidCertificate(state, d) });
      }
      case 'SrdiCertified': {
        const d = record.data;
        if (d.validUntil < d.validFrom) refuse('data.validUntil', '有效期截止日早于起始日', d.validUntil);
        return decideFact(SPECS, state.facts, base, ctx);
      }
      case 'SrdiRevoked': {
        const d = record.data;
        return decideFact(SPECS, state.facts, base, ctx, {
          rules: () => {
            if (!state.srdi.has(d.tier)) refuse('data.tier', `该企业没有有效的"${d.tier}"认定, 不能撤销`, d.tier);
          },
        });
      }
      case 'NewSpeciesDelisted': {
        const d = record.data;
        return decideFact(SPECS, state.facts, base, ctx, {
          rules: () => {
            if ((state.newSpecies.get(d.tier)?.size ?? 0) === 0) refuse('data.tier', `该企业不在"${d.tier}"名单中, 不能移出`, d.tier);
          },
        });
      }
      case 'EnterpriseAnnualFinancialsReported': {
        const d = record.data;
        return decideFact(SPECS, state.facts, base, ctx, {
          quality: () => [...(d.techStaff > d.employees ? ['implausible:techStaff'] : []), ...highTechCriteriaFlags(state, d), ...financialsReviewFlags(state, d)],
        });
      }
      case 'EnterpriseRegistered':
      case 'EnterpriseRelocated':
      case 'EnterpriseDeregistered':
      case 'TechSmeRegistered':
      case 'TechSmeRemoved':
      case 'NewSpeciesListed':
      case 'ReservePoolAdmitted':
      case 'ReservePoolExited':
      case 'EnterpriseListed':
      case 'EnterpriseSettled':
        return decideFact(SPECS, state.facts, base, ctx);
      default:
        return assertNever(record);
    }
  },
};
