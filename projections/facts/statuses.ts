import type { DomainEventOf, RecordedEvent } from '../../contracts/events/index.ts';
import type { Projection, Row } from '../projection.ts';
import { addDays, addYears, shanghaiDate } from '../../contracts/dates.ts';
import { baseRow, factTableDdl, OPEN_END, partyKey, pick } from './common.ts';

const handles = [
  'HighTechCertified',
  'HighTechRevoked',
  'TechSmeRegistered',
  'TechSmeRemoved',
  'SrdiCertified',
  'SrdiRevoked',
  'NewSpeciesListed',
  'NewSpeciesDelisted',
  'ReservePoolAdmitted',
  'ReservePoolExited',
  'IncubatorRecognized',
  'IncubatorLevelChanged',
  'IncubatorRevoked',
  'IncubatorTenantAdmitted',
  'IncubatorTenantGraduated',
  'IncubatorTenantExited',
  'RdPlatformRecognized',
  'RdPlatformRevoked',
  'NewRdInstitutionRegistered',
  'PublicServicePlatformRegistered',
  'CollegeRelocated',
  'TrainingBaseEstablished',
  'FundEstablished',
  'PatentGranted',
  'PatentLapsed',
  'PatentTransferred',
  'GovernanceMeetingHeld',
  'DecisionClosed',
  'AcademicSiteEstablished',
  'TransferCarrierRecognized',
  'TechBrokerCertified',
  'TechBrokerDeregistered',
  'InnovationConsortiumFormed',
  'InnovationConsortiumDissolved',
] as const;
type Handled = DomainEventOf<(typeof handles)[number]>;

/**
 * Status intervals and their closures, both insert-only. An interval opens with its natural end
 * (`valid_to`: certificate expiry, patent term, list year); a closure (revocation, removal,
 * graduation, exit, lapse, transfer…) is its own row, matched at query time by `instance_key`
 * to the intervals of that key that began on or before it and were opened by another event.
 * So project() needs no state and a replay changes nothing.
 *
 * Version 2 adds the meetings' decisions (议定事项, open from the meeting until their due date,
 * closed by DecisionClosed), academic sites, transfer carriers, technology brokers and innovation
 * consortia: meetings already stored need projecting again, hence the rebuild.
 */
export const statusFacts: Projection = {
  name: 'fact_statuses',
  version: 2,
  handles,
  tables: [
    {
      name: 'fact_status_intervals',
      ddl: factTableDdl(
        `status LowCardinality(String),
  entity_kind LowCardinality(String),
  entity_id String,
  entity_name String,
  instance_key String,
  tier String,
  level String,
  attr String,
  flag UInt8,
  amount Float64,
  amount2 Float64,
  valid_from Date,
  valid_to Date`,
        'status, instance_key, event_id, entity_id',
      ),
    },
    {
      name: 'fact_status_closures',
      ddl: factTableDdl(
        `status LowCardinality(String),
  instance_key String,
  entity_id String,
  closed_on Date,
  closed_by LowCardinality(String),
  reason String`,
        'instance_key, event_id',
      ),
    },
  ],
  project(events: readonly RecordedEvent[]) {
    const intervals: Row[] = [];
    const closures: Row[] = [];
    for (const e of events) {
      const base = baseRow(e);
      const out = facts(e as Handled);
      for (const i of out.intervals) intervals.push(intervalRow(base, i));
      for (const c of out.closures) closures.push(closureRow(base, c));
    }
    return { fact_status_intervals: intervals, fact_status_closures: closures };
  },
};

/**
 * `{ ...base, ...INTERVAL_DEFAULTS, ...i }` and `{ ...base, reason: '', ...c }` written out: one
 * object of one shape per row instead of spreads (they cost more than the rest of the projection).
 * A key the fact has wins, even when its value is undefined, as in the spread.
 */
function intervalRow(base: Row, i: Interval): Row {
  const f = i as unknown as Row;
  return {
    event_id: pick(f, 'event_id', base.event_id),
    position: pick(f, 'position', base.position),
    stream_id: pick(f, 'stream_id', base.stream_id),
    occurred: pick(f, 'occurred', base.occurred),
    recorded_at: pick(f, 'recorded_at', base.recorded_at),
    status: i.status,
    entity_kind: i.entity_kind,
    entity_id: i.entity_id,
    entity_name: pick(f, 'entity_name', ''),
    instance_key: i.instance_key,
    tier: pick(f, 'tier', ''),
    level: pick(f, 'level', ''),
    attr: pick(f, 'attr', ''),
    flag: pick(f, 'flag', 0),
    amount: pick(f, 'amount', 0),
    amount2: pick(f, 'amount2', 0),
    valid_from: i.valid_from,
    valid_to: pick(f, 'valid_to', OPEN_END),
  };
}

function closureRow(base: Row, c: Closure): Row {
  const f = c as unknown as Row;
  return {
    event_id: pick(f, 'event_id', base.event_id),
    position: pick(f, 'position', base.position),
    stream_id: pick(f, 'stream_id', base.stream_id),
    occurred: pick(f, 'occurred', base.occurred),
    recorded_at: pick(f, 'recorded_at', base.recorded_at),
    reason: pick(f, 'reason', ''),
    status: c.status,
    instance_key: c.instance_key,
    entity_id: c.entity_id,
    closed_on: c.closed_on,
    closed_by: c.closed_by,
  };
}


interface Interval {
  status: string;
  entity_kind: 'enterprise' | 'incubator' | 'tenant' | 'platform' | 'fund' | 'patent' | 'owner' | 'decision' | 'broker' | 'consortium';
  entity_id: string;
  entity_name?: string;
  instance_key: string;
  tier?: string;
  level?: string;
  attr?: string;
  flag?: number;
  amount?: number;
  amount2?: number;
  valid_from: string;
  valid_to?: string;
}
interface Closure {
  status: string;
  instance_key: string;
  entity_id: string;
  closed_on: string;
  closed_by: 'revocation' | 'removal' | 'delisting' | 'exit' | 'graduation' | 'lapse' | 'transfer' | 'closure' | 'dissolution';
  reason?: string;
}

/** Legal patent terms in years from application (外观设计 15 years for applications from 2021-06-01). */
function patentTerm(type: string, appliedOn: string): number {
  if (type === '发明') return 20;
  if (type === '外观设计') return appliedOn >= '2021-06-01' ? 15 : 10;
  return 10;
}

function facts(e: Handled): { intervals: Interval[]; closures: Closure[] } {
  const none = { intervals: [], closures: [] };
  const open = (i: Interval) => ({ intervals: [i], closures: [] });
  const close = (c: Closure) => ({ intervals: [], closures: [c] });
  switch (e.type) {
    case 'HighTechCertified': {
      const d = e.data;
      return open({
        status: 'hte', entity_kind: 'enterprise', entity_id: d.uscc, instance_key: `hte:${d.certificateNumber}`,
        tier: d.techField ?? '', attr: d.certificateNumber, flag: d.renewal ? 1 : 0,
        valid_from: d.issuedOn, valid_to: d.validUntil ?? addYears(d.issuedOn, 3),
      });
    }
    case 'HighTechRevoked':
      return close({ status: 'hte', instance_key: `hte:${e.data.certificateNumber}`, entity_id: e.data.uscc, closed_on: e.data.revokedOn, closed_by: 'revocation', reason: e.data.reason });
    case 'TechSmeRegistered': {
      const d = e.data;
      const yearStart = `${d.year}-01-01`;
      const occurred = shanghaiDate(e.occurredAt);
      // The list is yearly: membership starts with the registration, never before its year, and ends with the year.
      return open({
        status: 'tech_sme', entity_kind: 'enterprise', entity_id: d.uscc, instance_key: `tech_sme:${d.uscc}:${d.year}`,
        tier: String(d.year), attr: d.registrationNumber,
        valid_from: occurred > yearStart ? occurred : yearStart, valid_to: `${d.year}-12-31`,
      });
    }
    case 'TechSmeRemoved':
      return close({ status: 'tech_sme', instance_key: `tech_sme:${e.data.uscc}:${e.data.year}`, entity_id: e.data.uscc, closed_on: e.data.removedOn, closed_by: 'removal', reason: e.data.reason });
    case 'SrdiCertified': {
      const d = e.data;
      return open({
        status: 'srdi', entity_kind: 'enterprise', entity_id: d.uscc, instance_key: `srdi:${d.uscc}:${d.tier}`,
        tier: d.tier, level: d.level, attr: d.certificateNumber ?? '', valid_from: d.validFrom, valid_to: d.validUntil,
      });
    }
    case 'SrdiRevoked':
      return close({ status: 'srdi', instance_key: `srdi:${e.data.uscc}:${e.data.tier}`, entity_id: e.data.uscc, closed_on: e.data.revokedOn, closed_by: 'revocation', reason: e.data.reason });
    case 'NewSpeciesListed': {
      const d = e.data;
      const from = shanghaiDate(e.occurredAt);
      // Lists are renewed yearly: a listing holds for one year unless delisted or renewed.
      return open({
        status: 'new_species', entity_kind: 'enterprise', entity_id: d.uscc, instance_key: `new_species:${d.uscc}:${d.tier}:${d.year}`,
        tier: d.tier, level: d.listLevel, attr: String(d.year), amount: d.valuation ?? 0,
        valid_from: from, valid_to: addDays(addYears(from, 1), -1),
      });
    }
    case 'NewSpeciesDelisted':
      return close({ status: 'new_species', instance_key: `new_species:${e.data.uscc}:${e.data.tier}:${e.data.year}`, entity_id: e.data.uscc, closed_on: e.data.delistedOn, closed_by: 'delisting', reason: e.data.reason });
    case 'ReservePoolAdmitted':
      return open({ status: 'reserve_pool', entity_kind: 'enterprise', entity_id: e.data.uscc, instance_key: `reserve_pool:${e.data.uscc}:${e.data.pool}`, tier: e.data.pool, valid_from: e.data.admittedOn });
    case 'ReservePoolExited':
      return close({ status: 'reserve_pool', instance_key: `reserve_pool:${e.data.uscc}:${e.data.pool}`, entity_id: e.data.uscc, closed_on: e.data.exitedOn, closed_by: 'exit', reason: e.data.reason });
    case 'IncubatorRecognized': {
      const d = e.data;
      return open({
        status: 'incubator', entity_kind: 'incubator', entity_id: d.incubatorId, entity_name: d.name, instance_key: `incubator:${d.incubatorId}`,
        tier: d.type, level: d.level, attr: d.street ?? '', amount: d.areaM2, valid_from: d.recognizedOn,
      });
    }
    case 'IncubatorLevelChanged':
      // A level row, not a closure: the level at a date is the latest level row on or before it.
      return open({ status: 'incubator_level', entity_kind: 'incubator', entity_id: e.data.incubatorId, instance_key: `incubator:${e.data.incubatorId}`, level: e.data.level, valid_from: e.data.changedOn });
    case 'IncubatorRevoked':
      return close({ status: 'incubator', instance_key: `incubator:${e.data.incubatorId}`, entity_id: e.data.incubatorId, closed_on: e.data.revokedOn, closed_by: 'revocation', reason: e.data.reason });
    case 'IncubatorTenantAdmitted': {
      const d = e.data;
      return open({
        status: 'tenant', entity_kind: 'tenant', entity_id: d.tenantUscc ?? d.tenantId, entity_name: d.tenantName,
        instance_key: `tenant:${d.incubatorId}:${d.tenantId}`, tier: d.field, attr: d.incubatorId, valid_from: d.admittedOn,
      });
    }
    case 'IncubatorTenantGraduated':
      return close({ status: 'tenant', instance_key: `tenant:${e.data.incubatorId}:${e.data.tenantId}`, entity_id: e.data.tenantId, closed_on: e.data.graduatedOn, closed_by: 'graduation', reason: e.data.criterion });
    case 'IncubatorTenantExited':
      return close({ status: 'tenant', instance_key: `tenant:${e.data.incubatorId}:${e.data.tenantId}`, entity_id: e.data.tenantId, closed_on: e.data.exitedOn, closed_by: 'exit', reason: e.data.reason });
    case 'RdPlatformRecognized': {
      const d = e.data;
      return open({
        status: 'rd_platform', entity_kind: 'platform', entity_id: d.platformId, entity_name: d.name, instance_key: `platform:${d.platformId}`,
        tier: d.type, level: d.level, attr: d.hostUscc ?? d.host, valid_from: d.recognizedOn,
      });
    }
    case 'RdPlatformRevoked':
      // Platform ids are unique across platform kinds, so the closure ends whichever status the id holds.
      return close({ status: 'platform', instance_key: `platform:${e.data.platformId}`, entity_id: e.data.platformId, closed_on: e.data.revokedOn, closed_by: 'revocation', reason: e.data.reason });
    case 'NewRdInstitutionRegistered': {
      const d = e.data;
      return open({
        status: 'nri', entity_kind: 'platform', entity_id: d.platformId, entity_name: d.name, instance_key: `platform:${d.platformId}`,
        tier: d.industryField, attr: d.hostUscc ?? d.host ?? '', valid_from: d.registeredOn,
      });
    }
    case 'PublicServicePlatformRegistered': {
      const d = e.data;
      return open({
        status: 'psp', entity_kind: 'platform', entity_id: d.platformId, entity_name: d.name, instance_key: `platform:${d.platformId}`,
        tier: d.serviceTypes.join('、'), attr: d.operatorUscc ?? '', valid_from: d.registeredOn,
      });
    }
    case 'CollegeRelocated': {
      const d = e.data;
      return open({
        status: 'college', entity_kind: 'platform', entity_id: d.platformId, entity_name: d.college, instance_key: `platform:${d.platformId}`,
        tier: d.university, flag: d.wholeCollege ? 1 : 0, valid_from: d.relocatedOn,
      });
    }
    case 'TrainingBaseEstablished': {
      const d = e.data;
      return open({
        status: 'training_base', entity_kind: 'platform', entity_id: d.platformId, entity_name: d.name, instance_key: `platform:${d.platformId}`,
        tier: d.university, valid_from: d.establishedOn,
      });
    }
    case 'FundEstablished': {
      const d = e.data;
      return open({
        status: 'fund', entity_kind: 'fund', entity_id: d.fundId, entity_name: d.name, instance_key: `fund:${d.fundId}`,
        tier: d.strategy, level: d.level, attr: d.parentFundId ?? '', amount: d.committed, amount2: d.governmentCommitment, valid_from: d.establishedOn,
      });
    }
    case 'PatentGranted': {
      const d = e.data;
      const highValue = d.strategicEmergingIndustry || d.overseasFamily || d.pledged || d.award;
      const patent: Interval = {
        status: 'patent', entity_kind: 'patent', entity_id: d.applicationNumber, entity_name: d.title ?? '', instance_key: `patent:${d.applicationNumber}`,
        tier: d.patentType, attr: d.ipc, flag: highValue ? 1 : 0,
        valid_from: d.grantedOn, valid_to: addDays(addYears(d.appliedOn, patentTerm(d.patentType, d.appliedOn)), -1),
      };
      const owners = d.owners.map((o): Interval => ({
        status: 'patent_owner', entity_kind: 'owner', entity_id: partyKey(o), entity_name: o.name, instance_key: `patent_owner:${d.applicationNumber}`,
        attr: d.applicationNumber, valid_from: d.grantedOn,
      }));
      return { intervals: [patent, ...owners], closures: [] };
    }
    case 'PatentLapsed':
      return close({ status: 'patent', instance_key: `patent:${e.data.applicationNumber}`, entity_id: e.data.applicationNumber, closed_on: e.data.lapsedOn, closed_by: 'lapse', reason: e.data.reason });
    case 'PatentTransferred': {
      const d = e.data;
      // Ends the previous owners' intervals and opens the new owners' (same event, so not closed by it).
      return {
        closures: [{ status: 'patent_owner', instance_key: `patent_owner:${d.applicationNumber}`, entity_id: d.applicationNumber, closed_on: d.transferredOn, closed_by: 'transfer' }],
        intervals: d.to.map((o): Interval => ({
          status: 'patent_owner', entity_kind: 'owner', entity_id: partyKey(o), entity_name: o.name, instance_key: `patent_owner:${d.applicationNumber}`,
          attr: d.applicationNumber, valid_from: d.transferredOn,
        })),
      };
    }
    case 'GovernanceMeetingHeld': {
      const d = e.data;
      // A decision with a due date is open from the meeting until then (valid_to = due date); one
      // without is never due, so it stays out of the closure rate.
      return {
        intervals: d.decisions.map((x): Interval => ({
          status: 'decision', entity_kind: 'decision', entity_id: `${d.meetingId}/${x.decisionId}`, entity_name: x.text,
          instance_key: `decision:${d.meetingId}:${x.decisionId}`, tier: d.body, attr: x.owner ?? '', flag: x.dueOn ? 1 : 0,
          valid_from: d.heldOn, ...(x.dueOn ? { valid_to: x.dueOn } : {}),
        })),
        closures: [],
      };
    }
    case 'DecisionClosed': {
      const d = e.data;
      return close({ status: 'decision', instance_key: `decision:${d.meetingId}:${d.decisionId}`, entity_id: `${d.meetingId}/${d.decisionId}`, closed_on: d.closedOn, closed_by: 'closure', reason: d.result });
    }
    case 'AcademicSiteEstablished': {
      const d = e.data;
      return open({
        status: 'academic_site', entity_kind: 'platform', entity_id: d.platformId, entity_name: d.name, instance_key: `platform:${d.platformId}`,
        tier: d.siteType, attr: d.institution, valid_from: d.establishedOn,
      });
    }
    case 'TransferCarrierRecognized': {
      const d = e.data;
      return open({
        status: 'transfer_carrier', entity_kind: 'platform', entity_id: d.platformId, entity_name: d.name, instance_key: `platform:${d.platformId}`,
        tier: d.type, level: d.level, attr: d.hostUscc ?? d.host, valid_from: d.recognizedOn,
      });
    }
    case 'TechBrokerCertified': {
      const d = e.data;
      // No personal name in fact tables: the broker is shown by level and organisation.
      return open({
        status: 'tech_broker', entity_kind: 'broker', entity_id: d.brokerId, entity_name: `${d.level}技术经纪人 · ${d.organisation}`, instance_key: `broker:${d.brokerId}`,
        level: d.level, attr: d.organisationUscc ?? d.organisation, valid_from: d.certifiedOn, ...(d.validUntil ? { valid_to: d.validUntil } : {}),
      });
    }
    case 'TechBrokerDeregistered':
      return close({ status: 'tech_broker', instance_key: `broker:${e.data.brokerId}`, entity_id: e.data.brokerId, closed_on: e.data.deregisteredOn, closed_by: 'removal', reason: e.data.reason });
    case 'InnovationConsortiumFormed': {
      const d = e.data;
      return open({
        status: 'consortium', entity_kind: 'consortium', entity_id: d.consortiumId, entity_name: d.name, instance_key: `consortium:${d.consortiumId}`,
        tier: d.field ?? '', attr: d.leadUscc, amount: d.memberCount, valid_from: d.formedOn,
      });
    }
    case 'InnovationConsortiumDissolved':
      return close({ status: 'consortium', instance_key: `consortium:${e.data.consortiumId}`, entity_id: e.data.consortiumId, closed_on: e.data.dissolvedOn, closed_by: 'dissolution', reason: e.data.reason });
    default: {
      // Exhaustive over the handled types; a batch may still carry others, which yield nothing.
      const other: never = e;
      void other;
      return none;
    }
  }
}
