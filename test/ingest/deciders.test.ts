import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../contracts/errors.ts';
import { canonicalJson, contentHash, deterministicEventId, uuidV5 } from '../../services/ingest/eventId.ts';
import { enterprisesDecider } from '../../services/ingest/enterprises/decider.ts';
import { fundsDecider } from '../../services/ingest/funds/decider.ts';
import { governanceDecider, periodEnd } from '../../services/ingest/governance/decider.ts';
import { incubatorsDecider } from '../../services/ingest/incubators/decider.ts';
import { transferDecider } from '../../services/ingest/transfer/decider.ts';
import { certified, patentNumber, rec, registered, uscc, usccBadCheck } from '../fixtures/ingest/records.ts';
import { deciderSpec } from './deciderSpec.ts';

describe('deterministic event ids', () => {
  it('are RFC 4122 version-5 UUIDs (the RFC example vector)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
  it('hash scalars as JSON writes them, escapes and all (ids of stored events depend on it)', () => {
    const scalars = ['plain', '中文 名称', 'a"b', 'a\\b', 'tab\tnew\nline', '\u0000\u001f\u007f', 'lone \ud800 surrogate', 'pair 😀', '\u2028', 1, -0, 0.1, 1e21, 1.5e-7, NaN, Infinity, true, null];
    for (const v of scalars) expect(canonicalJson(v)).toBe(JSON.stringify(v));
    expect(canonicalJson({ 'k"ey': ['x"y', -0], ключ: '值' })).toBe('{"k\\"ey":["x\\"y",0],"ключ":"值"}');
  });
  it('ignore key order and undefined members, and change with the content', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [1, 'x'] } })).toBe('{"a":{"c":[1,"x"]},"b":1}');
    const parts = { system: 's', type: 'T', naturalKey: 'k' };
    const a = deterministicEventId({ ...parts, contentHash: contentHash({ x: 1, y: 2 }, '2024-01-01') });
    expect(deterministicEventId({ ...parts, contentHash: contentHash({ y: 2, x: 1 }, '2024-01-01') })).toBe(a);
    expect(deterministicEventId({ ...parts, contentHash: contentHash({ x: 1, y: 3 }, '2024-01-01') })).not.toBe(a);
    expect(deterministicEventId({ ...parts, contentHash: contentHash({ x: 1, y: 2 }, '2024-01-02') })).not.toBe(a);
  });
});

const enterprises = deciderSpec(enterprisesDecider);

describe('when a 高企 certificate is reported', () => {
  it('defaults validUntil to issuedOn + 3 years and occurredAt to issuedOn', () => {
    enterprises
      .given()
      .when(certified(1, { issuedOn: '2023-11-20' }))
      .thenNew({ type: 'HighTechCertified', streamId: `enterprise-${uscc(1)}`, occurredAt: '2023-11-20', data: { validUntil: '2026-11-20' } });
  });
  it('keeps an explicit occurredAt and validUntil', () => {
    enterprises
      .given()
      .when({ ...certified(1, { validUntil: '2026-11-19' }), occurredAt: '2023-12-01' })
      .thenNew({ occurredAt: '2023-12-01', data: { validUntil: '2026-11-19' } });
  });
  it('is a no-op when the same number comes again with the same content', () => {
    const spec = enterprises.given(certified(1));
    spec.when(certified(1)).thenDuplicateOf(spec.history[0]!);
  });
  it('is a correction superseding the earlier event when the content changed', () => {
    const spec = enterprises.given(certified(1));
    const correction = spec.when(certified(1, { techField: '电子信息' })).thenNew({ supersedes: spec.history[0]!.eventId });
    expect(correction.eventId).not.toBe(spec.history[0]!.eventId);
  });
  it('still treats the original content as known after a correction (re-sending an old file is safe)', () => {
    const spec = enterprises.given(certified(1), certified(1, { techField: '电子信息' }));
    spec.when(certified(1)).thenDuplicateOf(spec.history[0]!);
  });
  it('flags a USCC with a wrong check character but accepts it', () => {
    const e = enterprises.given().when(certified(1, { uscc: usccBadCheck(1) })).thenNew();
    expect(e.quality).toEqual(['uscc-check:uscc']);
    expect(enterprises.given().when(certified(1)).thenNew().quality).toBeUndefined();
  });
});

describe('when a 高企 certificate is revoked', () => {
  const revoke = (n: number, revokedOn = '2024-06-01', certificateNumber = certified(n).data.certificateNumber) =>
    rec('HighTechRevoked', { uscc: uscc(n), certificateNumber, revokedOn });

  it('refuses a certificate the firm never held', () => {
    enterprises.given(registered(1)).when(revoke(1)).thenRefuses('data.certificateNumber', /没有编号为 GR\d+ 的高企证书/);
  });
  it('refuses another certificate number than the one held', () => {
    enterprises.given(certified(1)).when(revoke(1, '2024-06-01', 'GR202342999999')).thenRefuses('data.certificateNumber', /没有编号/);
  });
  it('refuses an expired certificate', () => {
    enterprises.given(certified(1, { issuedOn: '2020-01-10' })).when(revoke(1, '2024-06-01')).thenRefuses('data.certificateNumber', /已于 2023-01-10 到期/);
  });
  it('accepts the revocation of a valid certificate', () => {
    enterprises.given(certified(1)).when(revoke(1)).thenNew({ type: 'HighTechRevoked', occurredAt: '2024-06-01' });
  });
  it('takes a second revocation of the same certificate with another date as a correction, not a second fact', () => {
    const spec = enterprises.given(certified(1), revoke(1));
    spec.when(revoke(1, '2024-07-01')).thenNew({ supersedes: spec.history[1]!.eventId, data: { revokedOn: '2024-07-01' } });
  });
  it('treats the same revocation re-sent as a duplicate, not a second revocation', () => {
    const spec = enterprises.given(certified(1), revoke(1));
    spec.when(revoke(1)).thenDuplicateOf(spec.history[1]!);
  });
});

describe('when a SRDI or new-species status ends', () => {
  const srdi = rec('SrdiCertified', { uscc: uscc(2), tier: '专精特新中小企业', level: '省级', validFrom: '2023-01-01', validUntil: '2025-12-31' });
  const srdiRevoked = (tier: '专精特新中小企业' | '专精特新小巨人') => rec('SrdiRevoked', { uscc: uscc(2), tier, revokedOn: '2024-03-01' });
  it('refuses a SRDI revocation of a tier the firm does not hold', () => {
    enterprises.given(srdi).when(srdiRevoked('专精特新小巨人')).thenRefuses('data.tier', /专精特新小巨人/);
  });
  it('accepts the revocation of the tier held', () => {
    enterprises.given(srdi).when(srdiRevoked('专精特新中小企业')).thenNew({ type: 'SrdiRevoked' });
  });
  const listed = rec('NewSpeciesListed', { uscc: uscc(2), tier: '瞪羚', listLevel: '市级', year: 2023 });
  const delisted = (tier: '瞪羚' | '独角兽', year = 2023) => rec('NewSpeciesDelisted', { uscc: uscc(2), tier, year, delistedOn: `${year}-11-01` });
  it('refuses a delisting without a listing of that tier', () => {
    enterprises.given(listed).when(delisted('独角兽')).thenRefuses('data.tier', /不在"独角兽"名单中/);
  });
  it('accepts the delisting of the tier listed, then refuses one more', () => {
    enterprises.given(listed).when(delisted('瞪羚')).thenNew({ type: 'NewSpeciesDelisted' });
    enterprises.given(listed, delisted('瞪羚')).when(delisted('瞪羚', 2024)).thenRefuses('data.tier', /不在"瞪羚"名单中/);
  });
});

describe('when annual financials are reported', () => {
  const financials = (techStaff: number, extra: Record<string, unknown> = {}) =>
    rec('EnterpriseAnnualFinancialsReported', {
      uscc: uscc(3),
      fiscalYear: 2024,
      revenue: 4000,
      rdExpense: 300,
      highTechProductRevenue: 3000,
      employees: 100,
      techStaff,
      aboveScale: true,
      hasRdInstitution: true,
      ...extra,
    });
  it('flags tech staff under 10% when the firm holds a valid 高企 certificate', () => {
    const e = enterprises.given(certified(3, { issuedOn: '2023-11-20' })).when(financials(5)).thenNew();
    expect(e.quality).toEqual(['hightech-criteria:techStaff']);
  });
  it('flags R&D intensity and high-tech revenue under the criteria', () => {
    const e = enterprises.given(certified(3)).when(financials(20, { rdExpense: 100, highTechProductRevenue: 1000 })).thenNew();
    expect(e.quality).toEqual(['hightech-criteria:rdExpense', 'hightech-criteria:highTechProductRevenue']);
  });
  it('does not flag a firm without a certificate in that year', () => {
    expect(enterprises.given(certified(3, { issuedOn: '2019-01-01' })).when(financials(5)).thenNew().quality).toBeUndefined();
  });
});

describe('filing review (填报审核): accepted, flagged for an explanation', () => {
  const report = (fiscalYear: number, revenue: number, rdExpense: number) =>
    rec('EnterpriseAnnualFinancialsReported', {
      uscc: uscc(4), fiscalYear, revenue, rdExpense, highTechProductRevenue: 0, employees: 50, techStaff: 10, aboveScale: false, hasRdInstitution: false,
    });
  it('flags R&D expense above revenue', () => {
    expect(enterprises.given().when(report(2024, 800, 900)).thenNew().quality).toEqual(['review:rdExpense-over-revenue']);
  });
  it('flags R&D expense at three times the previous year or more, not below', () => {
    // 2023: R&D 100. 2024: 300 = 3 × 100, flagged; 299 is not.
    expect(enterprises.given(report(2023, 5000, 100)).when(report(2024, 5000, 300)).thenNew().quality).toEqual(['review:rdExpense-yoy']);
    expect(enterprises.given(report(2023, 5000, 100)).when(report(2024, 5000, 299)).thenNew().quality).toBeUndefined();
  });
  it('flags revenue at three times the previous year, and an implausible revenue', () => {
    expect(enterprises.given(report(2023, 1000, 10)).when(report(2024, 3000, 10)).thenNew().quality).toEqual(['review:revenue-yoy']);
    expect(enterprises.given().when(report(2024, 10_000_001, 10)).thenNew().quality).toEqual(['review:revenue-implausible']);
  });
  it('flags a 高企 certificate for a firm whose reports of the three years before show no R&D at all', () => {
    const hte = rec('HighTechCertified', { uscc: uscc(4), certificateNumber: 'GR202442000999', issuedOn: '2024-11-01' });
    expect(enterprises.given(report(2022, 1000, 0), report(2023, 1000, 0)).when(hte).thenNew().quality).toEqual(['review:hte-without-rd']);
    expect(enterprises.given(report(2022, 1000, 0), report(2023, 1000, 5)).when(hte).thenNew().quality).toBeUndefined();
    // No report at all: nothing known, nothing flagged.
    expect(enterprises.given().when(hte).thenNew().quality).toBeUndefined();
  });
});

const incubators = deciderSpec(incubatorsDecider);
describe('when a tenant leaves an incubator', () => {
  const admitted = rec('IncubatorTenantAdmitted', { incubatorId: 'INC-1', tenantId: 'T1', tenantName: '星河团队', admittedOn: '2022-03-01' });
  const graduated = (graduatedOn = '2024-03-01') => rec('IncubatorTenantGraduated', { incubatorId: 'INC-1', tenantId: 'T1', graduatedOn, criterion: '认定高企' });
  const exited = rec('IncubatorTenantExited', { incubatorId: 'INC-1', tenantId: 'T1', exitedOn: '2024-09-01', reason: '迁出' });

  it('refuses a graduation without admission', () => {
    incubators.given().when(graduated()).thenRefuses('data.tenantId', /未入孵, 不能毕业/);
  });
  it('refuses an exit without admission', () => {
    incubators.given().when(exited).thenRefuses('data.tenantId', /未入孵, 不能退出/);
  });
  it('accepts the first graduation into the incubator stream', () => {
    incubators.given(admitted).when(graduated()).thenNew({ streamId: 'incubator-INC-1', occurredAt: '2024-03-01' });
  });
  it('refuses a second graduation and an exit after graduation', () => {
    const spec = incubators.given(admitted, graduated());
    spec.when(graduated('2024-05-01')).thenRefuses('data.tenantId', /已于 2024-03-01 毕业, 不能再毕业/);
    spec.when(exited).thenRefuses('data.tenantId', /已于 2024-03-01 毕业, 不能再退出/);
  });
  it('refuses a second exit', () => {
    incubators.given(admitted, exited).when({ ...exited, data: { ...exited.data, exitedOn: '2024-10-01' } }).thenRefuses('data.tenantId', /已于 2024-09-01 退出/);
  });
  it('refuses a graduation dated before the admission', () => {
    incubators.given(admitted).when(graduated('2021-01-01')).thenRefuses('data.graduatedOn', /早于入孵日期/);
  });
  it('treats the same graduation re-sent as a duplicate', () => {
    const spec = incubators.given(admitted, graduated());
    spec.when(graduated()).thenDuplicateOf(spec.history[1]!);
  });
});

const funds = deciderSpec(fundsDecider);
describe('when a fund reports activity', () => {
  const established = rec('FundEstablished', {
    fundId: 'F1',
    name: '长江新区天使基金',
    level: '子基金',
    strategy: '天使',
    committed: 50000,
    governmentCommitment: 10000,
    manager: '长江资本',
    establishedOn: '2023-02-01',
  });
  const investment = rec('FundInvestmentMade', {
    fundId: 'F1',
    investmentId: 'I1',
    investeeUscc: uscc(5),
    investeeName: '被投企业',
    round: '天使',
    amount: 800,
    investedOn: '2023-06-01',
  });
  const call = rec('FundCapitalCalled', { fundId: 'F1', callId: 'C1', amount: 5000, calledOn: '2023-03-01' });
  const exit = rec('FundExitRealized', { fundId: 'F1', investmentId: 'I1', investeeUscc: uscc(5), proceeds: 1200, exitedOn: '2025-01-01' });

  it('refuses an investment, a capital call or an exit of a fund not established', () => {
    funds.given().when(investment).thenRefuses('data.fundId', /基金 F1 尚未设立.*投资/);
    funds.given().when(call).thenRefuses('data.fundId', /实缴出资/);
    funds.given().when(exit).thenRefuses('data.fundId', /退出/);
  });
  it('accepts them once the fund is established', () => {
    funds.given(established).when(investment).thenNew({ streamId: 'fund-F1' });
    funds.given(established, investment).when(exit).thenNew({ type: 'FundExitRealized' });
  });
});

const transfer = deciderSpec(transferDecider);
describe('when contracts and patents are registered', () => {
  const contract = (amount: number) =>
    rec('TechContractRegistered', {
      registrationNumber: '2024420100001234',
      registeredOn: '2024-05-06',
      contractType: '技术转让',
      seller: { uscc: usccBadCheck(7), name: '卖方' },
      buyer: { name: '买方' },
      totalAmount: amount,
      techTransactionAmount: amount,
    });
  it('flags a nested USCC with its field path', () => {
    transfer.given().when(contract(100)).thenNew({ streamId: 'techcontract-2024420100001234', quality: ['uscc-check:seller.uscc'] });
  });
  it('makes a changed amount under the same number a correction', () => {
    const spec = transfer.given(contract(100));
    spec.when(contract(150)).thenNew({ supersedes: spec.history[0]!.eventId, data: { totalAmount: 150 } });
  });
  it('flags a patent number with a wrong check digit, keyed by the normalised number', () => {
    const good = patentNumber(42);
    const bad = `${good.slice(0, 13)}${good.endsWith('0') ? '1' : '0'}`;
    const granted = (applicationNumber: string) =>
      rec('PatentGranted', { applicationNumber, patentType: '发明', owners: [{ name: '某大学' }], ipc: 'G06F', appliedOn: '2023-01-05', grantedOn: '2024-06-01' });
    expect(transfer.given().when(granted(`ZL ${good}`)).thenNew({ streamId: `patent-${good}` }).quality).toBeUndefined();
    transfer.given().when(granted(bad)).thenNew({ quality: ['patent-check:applicationNumber'] });
  });
});

const governance = deciderSpec(governanceDecider);
describe('when a statistic is published again', () => {
  const stat = (value: number) => rec('StatisticPublished', { statistic: '地区生产总值', period: '2024-Q3', value, unit: '亿元' });
  it('dates it at the end of its period', () => {
    expect(periodEnd('2024-H1')).toBe('2024-06-30');
    expect(periodEnd('2024-02')).toBe('2024-02-29');
    governance.given().when(stat(100)).thenNew({ streamId: 'statistic-地区生产总值-2024-Q3', occurredAt: '2024-09-30' });
  });
  it('restates a changed value as a correction and ignores the same value', () => {
    const spec = governance.given(stat(100));
    spec.when(stat(100)).thenDuplicateOf(spec.history[0]!);
    spec.when(stat(101)).thenNew({ supersedes: spec.history[0]!.eventId });
  });
});

describe('when a record is dated in the future', () => {
  it('refuses a certificate issued after today, naming the date field', () => {
    enterprises
      .given()
      .when(rec('HighTechCertified', { uscc: uscc(7), certificateNumber: 'GR202542000777', issuedOn: '2025-03-01' }))
      .thenRefusesAs(ValidationError, 'data.issuedOn', /晚于今天/);
  });
  it('accepts a milestone due next year', () => {
    deciderSpec(governanceDecider)
      .given()
      .when(rec('TaskMilestoneReported', { task: 3, milestoneId: 'm-future', title: '平台建设', unit: '科创局', dueOn: '2025-12-31', status: '进行中' }))
      .thenNew({ type: 'TaskMilestoneReported' });
  });
});
