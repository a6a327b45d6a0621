/**
 * The rules of the records behind the ten P2 KPIs computed last: decision closure, consortia,
 * key-technology projects, innovation events, technology brokers, loan balances, and that each
 * is idempotent (a re-sent record is a duplicate, a changed one a correction).
 */
import { describe, expect, it } from 'vitest';
import { IngestRecord, type IngestRecordInput } from '../../contracts/ingest.ts';
import { fundsDecider } from '../../services/ingest/funds/decider.ts';
import { governanceDecider } from '../../services/ingest/governance/decider.ts';
import { platformsDecider } from '../../services/ingest/platforms/decider.ts';
import { transferDecider } from '../../services/ingest/transfer/decider.ts';
import { rec, uscc } from '../fixtures/ingest/records.ts';
import { deciderSpec } from './deciderSpec.ts';

const governance = deciderSpec(governanceDecider);

/** What the record schema says before any decider runs (400 at the API): the path and message of the first issue. */
function schemaIssue(record: IngestRecordInput): [string, string] | undefined {
  const r = IngestRecord.safeParse(record);
  const issue = r.success ? undefined : r.error.issues[0];
  return issue && [issue.path.join('.'), issue.message];
}

describe('when a meeting decision is closed (议定事项办结)', () => {
  const meeting = rec('GovernanceMeetingHeld', {
    meetingId: 'KCB-2024-03',
    body: '科创办',
    heldOn: '2024-06-12',
    decisions: [{ decisionId: 'D1', text: '推进实训基地建设', owner: '发改局', dueOn: '2024-09-30' }],
  });
  const closure = (closedOn = '2024-09-20', decisionId = 'D1') => rec('DecisionClosed', { meetingId: 'KCB-2024-03', decisionId, closedOn });

  it('refuses a closure of a meeting not recorded', () => {
    governance.given().when(closure()).thenRefuses('data.meetingId', /会议 KCB-2024-03 尚未登记/);
  });
  it('refuses a decision the meeting did not take', () => {
    governance.given(meeting).when(closure('2024-09-20', 'D9')).thenRefuses('data.decisionId', /没有议定事项 D9/);
  });
  it('refuses a closure dated before the meeting that took the decision', () => {
    governance.given(meeting).when(closure('2024-06-11')).thenRefuses('data.closedOn', /早于会议日期 2024-06-12/);
  });
  it('accepts a closure into the meeting stream, dated by it; the same closure again is a duplicate', () => {
    governance.given(meeting).when(closure()).thenNew({ streamId: 'meeting-KCB-2024-03', occurredAt: '2024-09-20' });
    const spec = governance.given(meeting, closure());
    spec.when(closure()).thenDuplicateOf(spec.history[1]!);
  });
  it('takes a closure on another date as a correction, still never before the meeting', () => {
    const spec = governance.given(meeting, closure());
    spec.when(closure('2024-10-08')).thenNew({ supersedes: spec.history[1]!.eventId });
    spec.when(closure('2024-05-01')).thenRefuses('data.closedOn', /早于会议日期/);
  });
});

describe('when an innovation consortium is formed and dissolved (创新联合体)', () => {
  const formed = rec('InnovationConsortiumFormed', {
    consortiumId: 'CX-01', name: '长江新区储能创新联合体', leadUscc: uscc(3), leadName: '牵头企业', memberCount: 6, formedOn: '2023-05-01',
  });
  const dissolved = (dissolvedOn = '2024-12-01') => rec('InnovationConsortiumDissolved', { consortiumId: 'CX-01', dissolvedOn });

  it('needs a lead firm with a USCC and at least one partner', () => {
    const { leadUscc: _drop, ...withoutLead } = formed.data;
    expect(schemaIssue({ ...formed, data: withoutLead } as typeof formed)?.[0]).toBe('data.leadUscc');
    expect(schemaIssue(rec('InnovationConsortiumFormed', { ...formed.data, memberCount: 1 }))).toEqual(['data.memberCount', expect.stringMatching(/至少 2 家/)]);
    expect(schemaIssue(formed)).toBeUndefined();
  });
  it('refuses a dissolution without a formation, before it, or twice', () => {
    governance.given().when(dissolved()).thenRefuses('data.consortiumId', /尚未组建/);
    governance.given(formed).when(dissolved('2023-04-30')).thenRefuses('data.dissolvedOn', /早于组建日期 2023-05-01/);
    governance.given(formed, dissolved()).when(rec('InnovationConsortiumDissolved', { consortiumId: 'CX-01', dissolvedOn: '2024-12-01', reason: '任务完成' })).thenNew({
      type: 'InnovationConsortiumDissolved',
    });
  });
  it('accepts the dissolution of a formed consortium into its stream', () => {
    governance.given(formed).when(dissolved()).thenNew({ streamId: 'consortium-CX-01' });
  });
});

describe('when key-technology projects and innovation events are reported', () => {
  const project = (funding: number, totalInvestment?: number) =>
    rec('KeyTechProjectApproved', {
      projectId: 'GJ-2024-01', title: '储能电池管理关键技术', leadOrg: '某科技公司', funding, approvedOn: '2024-05-20', ...(totalInvestment === undefined ? {} : { totalInvestment }),
    });
  const event = (extra: Partial<{ endedOn: string; attendees: number }> = {}) =>
    rec('InnovationEventHeld', { activityId: 'A-1', title: '长江创新论坛', kind: '论坛', level: '市级', organizer: '科创局', startedOn: '2024-06-01', attendees: 300, ...extra });

  it('refuses public funding above the total investment', () => {
    governance.given().when(project(800, 500)).thenRefuses('data.totalInvestment', /低于财政投入 800/);
    governance.given().when(project(800, 2000)).thenNew({ streamId: 'keytech-GJ-2024-01' });
  });
  it('makes a changed funding under the same project id a correction', () => {
    const spec = governance.given(project(800));
    spec.when(project(900)).thenNew({ supersedes: spec.history[0]!.eventId });
  });
  it('needs a positive attendance and an end not before the start', () => {
    expect(schemaIssue(event({ attendees: 0 }))).toEqual(['data.attendees', expect.stringMatching(/正整数/)]);
    governance.given().when(event({ endedOn: '2024-05-31' })).thenRefuses('data.endedOn', /早于开始日期/);
    governance.given().when(event({ endedOn: '2024-06-02' })).thenNew({ streamId: 'activity-A-1', occurredAt: '2024-06-01' });
  });
  it('keeps 5G / compute reports per reporter and date, and an onboarding once per entity', () => {
    const infra = rec('DigitalInfraReported', { reporter: '中国移动', asOf: '2024-06-30', stations5g: 420, computePflops: 5 });
    const spec = governance.given(infra);
    spec.when(infra).thenDuplicateOf(spec.history[0]!);
    expect(schemaIssue(rec('DigitalInfraReported', { ...infra.data, stations5g: -1 }))?.[0]).toBe('data.stations5g');
    const onboarding = rec('BrainOnboarded', { uscc: uscc(4), name: '某科技公司', onboardedOn: '2024-03-01' });
    const o = governance.given(onboarding);
    o.when(rec('BrainOnboarded', { ...onboarding.data, onboardedOn: '2024-03-05' })).thenNew({ supersedes: o.history[0]!.eventId, streamId: `onboarding-${uscc(4)}` });
  });
});

describe('when technology brokers are certified and deregistered (技术经纪人)', () => {
  const transfer = deciderSpec(transferDecider);
  const certified = rec('TechBrokerCertified', { brokerId: 'JJR-001', name: '张三', level: '中级', organisation: '长江技术转移中心', certifiedOn: '2023-03-01' });
  const deregistered = (deregisteredOn = '2024-06-01') => rec('TechBrokerDeregistered', { brokerId: 'JJR-001', deregisteredOn });

  it('refuses a certificate ending before it starts', () => {
    transfer.given().when(rec('TechBrokerCertified', { ...certified.data, validUntil: '2023-01-01' })).thenRefuses('data.validUntil', /早于发证日期/);
  });
  it('refuses a deregistration without a certification or before it', () => {
    transfer.given().when(deregistered()).thenRefuses('data.brokerId', /未登记发证/);
    transfer.given(certified).when(deregistered('2023-02-01')).thenRefuses('data.deregisteredOn', /早于发证日期 2023-03-01/);
  });
  it('accepts one deregistration into the broker stream; the same again is a duplicate', () => {
    transfer.given(certified).when(deregistered()).thenNew({ streamId: 'broker-JJR-001' });
    const spec = transfer.given(certified, deregistered());
    spec.when(deregistered()).thenDuplicateOf(spec.history[1]!);
  });
});

describe('when a bank reports a month-end loan balance (科技型企业贷款余额)', () => {
  const funds = deciderSpec(fundsDecider);
  const balance = (balanceOn: string, amount: number) =>
    rec('TechLoanBalanceReported', { bank: '某银行长江新区支行', uscc: uscc(2), borrowerName: '某科技公司', borrowerType: '高新技术企业', balanceOn, balance: amount });

  it('refuses a negative balance and a day that is not a month end', () => {
    expect(schemaIssue(balance('2024-06-30', -1))).toEqual(['data.balance', expect.stringMatching(/金额不能为负/)]);
    funds.given().when(balance('2024-06-15', 100)).thenRefuses('data.balanceOn', /不是月末/);
    funds.given().when(balance('2024-02-29', 100)).thenNew({ streamId: `techloan-某银行长江新区支行-${uscc(2)}` });
  });
  it('takes another figure for the same month end as a correction and a repaid loan as a balance of 0', () => {
    const spec = funds.given(balance('2024-06-30', 3000));
    spec.when(balance('2024-06-30', 3500)).thenNew({ supersedes: spec.history[0]!.eventId });
    spec.when(balance('2024-06-30', 3000)).thenDuplicateOf(spec.history[0]!);
    expect(spec.when(balance('2024-07-31', 0)).thenNew().data).toMatchObject({ balance: 0 });
  });
});

describe('when academic sites and transfer carriers are recognised', () => {
  const platforms = deciderSpec(platformsDecider);
  const carrier = (level: '市级' | '省级', recognizedOn: string) =>
    rec('TransferCarrierRecognized', { platformId: 'ZS-01', name: '新材料中试基地', type: '中试基地', level, host: '某科技公司', recognizedOn });

  it('takes a recognition at another level as a new fact and at the same level as a correction', () => {
    const spec = platforms.given(carrier('市级', '2023-05-01'));
    expect(spec.when(carrier('省级', '2024-05-01')).thenNew().supersedes).toBeUndefined();
    spec.when(carrier('市级', '2023-05-02')).thenNew({ supersedes: spec.history[0]!.eventId });
  });
  it('refuses a site type outside 园区 / 基地 / 研究院', () => {
    const site = { platformId: 'XY-01', name: '某大学研究院', institution: '某大学', siteType: '园区' as const, establishedOn: '2024-01-01' };
    platforms.given().when(rec('AcademicSiteEstablished', site)).thenNew({ streamId: 'platform-XY-01' });
    expect(schemaIssue(rec('AcademicSiteEstablished', { ...site, siteType: '实验室' as '园区' }))?.[0]).toBe('data.siteType');
  });
});
