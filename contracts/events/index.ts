import { z } from 'zod';
import { OccurredAt } from './common.ts';
import * as enterprises from './enterprises.ts';
import * as funds from './funds.ts';
import * as governance from './governance.ts';
import * as incubators from './incubators.ts';
import * as monitoring from './monitoring.ts';
import * as platforms from './platforms.ts';
import * as talent from './talent.ts';
import * as transfer from './transfer.ts';

/**
 * Every event type: its payload schema, its current schema version and the source context
 * (and so the ingest module) it belongs to.
 */
export const EVENT_DEFINITIONS = {
  EnterpriseRegistered: { context: 'enterprises', version: 1, data: enterprises.EnterpriseRegistered },
  EnterpriseRelocated: { context: 'enterprises', version: 1, data: enterprises.EnterpriseRelocated },
  EnterpriseDeregistered: { context: 'enterprises', version: 1, data: enterprises.EnterpriseDeregistered },
  EnterpriseAnnualFinancialsReported: { context: 'enterprises', version: 1, data: enterprises.EnterpriseAnnualFinancialsReported },
  TechSmeRegistered: { context: 'enterprises', version: 1, data: enterprises.TechSmeRegistered },
  TechSmeRemoved: { context: 'enterprises', version: 1, data: enterprises.TechSmeRemoved },
  HighTechCertified: { context: 'enterprises', version: 1, data: enterprises.HighTechCertified },
  HighTechRevoked: { context: 'enterprises', version: 1, data: enterprises.HighTechRevoked },
  SrdiCertified: { context: 'enterprises', version: 1, data: enterprises.SrdiCertified },
  SrdiRevoked: { context: 'enterprises', version: 1, data: enterprises.SrdiRevoked },
  NewSpeciesListed: { context: 'enterprises', version: 1, data: enterprises.NewSpeciesListed },
  NewSpeciesDelisted: { context: 'enterprises', version: 1, data: enterprises.NewSpeciesDelisted },
  ReservePoolAdmitted: { context: 'enterprises', version: 1, data: enterprises.ReservePoolAdmitted },
  ReservePoolExited: { context: 'enterprises', version: 1, data: enterprises.ReservePoolExited },
  EnterpriseListed: { context: 'enterprises', version: 1, data: enterprises.EnterpriseListed },
  EnterpriseSettled: { context: 'enterprises', version: 1, data: enterprises.EnterpriseSettled },

  IncubatorRecognized: { context: 'incubators', version: 1, data: incubators.IncubatorRecognized },
  IncubatorLevelChanged: { context: 'incubators', version: 1, data: incubators.IncubatorLevelChanged },
  IncubatorRevoked: { context: 'incubators', version: 1, data: incubators.IncubatorRevoked },
  IncubatorTenantAdmitted: { context: 'incubators', version: 1, data: incubators.IncubatorTenantAdmitted },
  IncubatorTenantGraduated: { context: 'incubators', version: 1, data: incubators.IncubatorTenantGraduated },
  IncubatorTenantExited: { context: 'incubators', version: 1, data: incubators.IncubatorTenantExited },

  RdPlatformRecognized: { context: 'platforms', version: 1, data: platforms.RdPlatformRecognized },
  RdPlatformRevoked: { context: 'platforms', version: 1, data: platforms.RdPlatformRevoked },
  NewRdInstitutionRegistered: { context: 'platforms', version: 1, data: platforms.NewRdInstitutionRegistered },
  PublicServicePlatformRegistered: { context: 'platforms', version: 1, data: platforms.PublicServicePlatformRegistered },
  PlatformServiceDelivered: { context: 'platforms', version: 1, data: platforms.PlatformServiceDelivered },
  CollegeRelocated: { context: 'platforms', version: 1, data: platforms.CollegeRelocated },
  TrainingBaseEstablished: { context: 'platforms', version: 1, data: platforms.TrainingBaseEstablished },
  AcademicSiteEstablished: { context: 'platforms', version: 1, data: platforms.AcademicSiteEstablished },
  TransferCarrierRecognized: { context: 'platforms', version: 1, data: platforms.TransferCarrierRecognized },

  FundEstablished: { context: 'funds', version: 1, data: funds.FundEstablished },
  FundCapitalCalled: { context: 'funds', version: 1, data: funds.FundCapitalCalled },
  FundInvestmentMade: { context: 'funds', version: 1, data: funds.FundInvestmentMade },
  FundExitRealized: { context: 'funds', version: 1, data: funds.FundExitRealized },
  TechLoanBalanceReported: { context: 'funds', version: 1, data: funds.TechLoanBalanceReported },

  TechContractRegistered: { context: 'transfer', version: 1, data: transfer.TechContractRegistered },
  PatentGranted: { context: 'transfer', version: 1, data: transfer.PatentGranted },
  PatentLapsed: { context: 'transfer', version: 1, data: transfer.PatentLapsed },
  PatentTransferred: { context: 'transfer', version: 1, data: transfer.PatentTransferred },
  IpPledgeRegistered: { context: 'transfer', version: 1, data: transfer.IpPledgeRegistered },
  TechBrokerCertified: { context: 'transfer', version: 1, data: transfer.TechBrokerCertified },
  TechBrokerDeregistered: { context: 'transfer', version: 1, data: transfer.TechBrokerDeregistered },

  TalentIntroduced: { context: 'talent', version: 1, data: talent.TalentIntroduced },
  TeamIntroduced: { context: 'talent', version: 1, data: talent.TeamIntroduced },

  GovernanceMeetingHeld: { context: 'governance', version: 1, data: governance.GovernanceMeetingHeld },
  TaskMilestoneReported: { context: 'governance', version: 1, data: governance.TaskMilestoneReported },
  ChallengePublished: { context: 'governance', version: 1, data: governance.ChallengePublished },
  ChallengeAwarded: { context: 'governance', version: 1, data: governance.ChallengeAwarded },
  InnovationVoucherRedeemed: { context: 'governance', version: 1, data: governance.InnovationVoucherRedeemed },
  StatisticPublished: { context: 'governance', version: 1, data: governance.StatisticPublished },
  KpiTargetSet: { context: 'governance', version: 1, data: governance.KpiTargetSet },
  DecisionClosed: { context: 'governance', version: 1, data: governance.DecisionClosed },
  KeyTechProjectApproved: { context: 'governance', version: 1, data: governance.KeyTechProjectApproved },
  InnovationConsortiumFormed: { context: 'governance', version: 1, data: governance.InnovationConsortiumFormed },
  InnovationConsortiumDissolved: { context: 'governance', version: 1, data: governance.InnovationConsortiumDissolved },
  InnovationEventHeld: { context: 'governance', version: 1, data: governance.InnovationEventHeld },
  DigitalInfraReported: { context: 'governance', version: 1, data: governance.DigitalInfraReported },
  BrainOnboarded: { context: 'governance', version: 1, data: governance.BrainOnboarded },

  // Written by the platform itself (admin API, monitor), never sent by a department.
  WarningRulesChanged: { context: 'monitoring', version: 1, data: monitoring.WarningRulesChanged },
  WarningRaised: { context: 'monitoring', version: 1, data: monitoring.WarningRaised },
  WarningCleared: { context: 'monitoring', version: 1, data: monitoring.WarningCleared },
  FilingExplanationFiled: { context: 'monitoring', version: 1, data: monitoring.FilingExplanationFiled },
  ReportIssued: { context: 'monitoring', version: 1, data: monitoring.ReportIssued },
} as const;

export type EventType = keyof typeof EVENT_DEFINITIONS;
export const EVENT_TYPES = Object.keys(EVENT_DEFINITIONS) as EventType[];
export const EventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);

export const SOURCE_CONTEXTS = ['enterprises', 'incubators', 'platforms', 'funds', 'transfer', 'talent', 'governance'] as const;
export type SourceContext = (typeof SOURCE_CONTEXTS)[number];
/** Contexts whose events the platform writes itself: no ingest route, no decider. */
export const PLATFORM_CONTEXTS = ['monitoring'] as const;

/** Event types a department may send (their context is a source context). */
export type IngestEventType = { [T in EventType]: (typeof EVENT_DEFINITIONS)[T]['context'] extends SourceContext ? T : never }[EventType];
export const INGEST_EVENT_TYPES = EVENT_TYPES.filter((t) => (SOURCE_CONTEXTS as readonly string[]).includes(EVENT_DEFINITIONS[t].context)) as IngestEventType[];
export function isIngestEventType(type: string): type is IngestEventType {
  return (INGEST_EVENT_TYPES as readonly string[]).includes(type);
}

export type EventData<T extends EventType> = z.output<(typeof EVENT_DEFINITIONS)[T]['data']>;
export type EventDataInput<T extends EventType> = z.input<(typeof EVENT_DEFINITIONS)[T]['data']>;

/** Where a record came from: the department's system, its document / batch and the reporting unit. */
export const Source = z
  .object({
    system: z.string().trim().min(1, { error: '来源系统不能为空' }).describe("The sending department's system (来源系统), e.g. 企业登记系统"),
    document: z.string().trim().optional().describe('The source document (来源文件), e.g. a file name or 文号'),
    batch: z.string().trim().optional().describe('The batch (批次) the record was sent in'),
    unit: z
      .string()
      .trim()
      .optional()
      .describe('The reporting department (报送单位), e.g. 科创局; source-overdue warnings and filing review group records by it'),
  })
  .describe('Where the record came from: system, document, batch and reporting unit');
export type Source = z.infer<typeof Source>;

/** Envelope fields every stored event carries besides `type`, `schemaVersion` and `data`. */
export const EnvelopeFields = {
  eventId: z.uuid().describe('The event id (UUID), assigned by the platform, deterministic for a re-sent record'),
  streamId: z
    .string()
    .regex(/^[a-z]+-[^\s]{1,128}$/, { error: 'streamId 应为 <类别>-<编号>' })
    .describe('The stream (aggregate) the event belongs to: <category>-<id>, e.g. enterprise-<USCC>'),
  occurredAt: OccurredAt,
  recordedAt: z.iso.datetime({ offset: true }).describe('When the platform stored the event (ISO 8601 instant with offset)'),
  source: Source,
  supersedes: z.uuid().optional().describe('The event id of an earlier event this one corrects (更正); the earlier one stops counting'),
  correlationId: z.string().optional().describe("The sender's correlation id, carried through unchanged"),
  causationId: z.string().optional().describe('The id of the event or command that caused this event'),
  actor: z.string().min(1).describe('Who wrote the event: the API key or user (e.g. key:<name>)'),
  /** Data-quality flags the record carries (e.g. `uscc-check:uscc`), never a reason to reject. */
  quality: z
    .array(z.string())
    .optional()
    .describe('Data-quality flags (e.g. uscc-check:uscc, review:…): accepted but worth a look, never a reason to reject'),
};

function eventSchema<T extends EventType>(type: T) {
  const def = EVENT_DEFINITIONS[type];
  return z.object({
    type: z.literal(type).describe('The event type'),
    schemaVersion: z.literal(def.version).describe('The version of the payload schema (data)'),
    ...EnvelopeFields,
    data: def.data.describe(`The ${type} payload`) as (typeof EVENT_DEFINITIONS)[T]['data'],
  });
}

const eventSchemas = EVENT_TYPES.map((t) => eventSchema(t));

/** A domain event as stored: envelope + typed payload, discriminated on `type`. */
export const DomainEvent = z.discriminatedUnion('type', eventSchemas as unknown as [ReturnType<typeof eventSchema<'EnterpriseRegistered'>>]);

type EventOf<T extends EventType> = z.output<ReturnType<typeof eventSchema<T>>>;
export type DomainEvent = { [T in EventType]: EventOf<T> }[EventType];
export type DomainEventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

/** A stored event as read back: with its global position (1-based, gap-free) and stream version (0-based). */
export type RecordedEvent = DomainEvent & { position: number; streamVersion: number };

/** The schema of one event type, for JSON-Schema publication and per-type validation. */
export function eventSchemaOf(type: EventType) {
  return eventSchema(type);
}
