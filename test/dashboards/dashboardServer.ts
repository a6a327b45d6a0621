/**
 * The dashboard's browser-test data (a few hand-made events dated in the current year) and its
 * server: test/support/kpiServer.ts with the static dashboards.
 */
import type { RecordedEvent } from '../../contracts/events/index.ts';
import { usccCheckCharacter } from '../../contracts/identifiers.ts';
import { createEventFactory } from '../fixtures/kpi/eventFactory.ts';
import { startKpiServer, type KpiServer } from '../support/kpiServer.ts';


const uscc = (first17: string) => first17 + usccCheckCharacter(first17);

export const FIRMS = {
  A: uscc('91420117MA4DA0001'),
  B: uscc('91420116MA4DB0002'),
  C: uscc('91420102MA4DC0003'),
  /** Registered with a 新洲 division code, but its street is outside the area: never counted. */
  D: uscc('91420117MA4DD0004'),
} as const;

/** The current year in Asia/Shanghai: the KPI layer's "latest" is this year to date. */
export function shanghaiYear(now = Date.now()): number {
  return Number(new Date(now + 8 * 3600_000).toISOString().slice(0, 4));
}

/**
 * A few hand-made events, dated relative to the current year so that "latest" (this year to
 * date) has values whenever the test runs. Expected at today:
 *   hte_count = 3 (A issued last year, B two years ago — 3-year validity, C on 1 January; D is out
 *   of area), target 6 set for this year → attainment 0.5; kcw_meetings_held = 1 (target 2/year).
 */
export function dashboardEvents(year = shanghaiYear()): RecordedEvent[] {
  const Y = year;
  const { ev } = createEventFactory('00000000-0000-4000-8d00-');
  // Recorded the next morning, but never in the future (on 1 January the next morning is).
  const at = (on: string) => ({ recordedAt: new Date(Math.min(Date.parse(`${on}T10:00:00+08:00`) + 86_400_000, Date.now() - 1000)).toISOString() });
  const firm = (k: keyof typeof FIRMS) => `enterprise-${FIRMS[k]}`;
  const registered = (k: keyof typeof FIRMS, name: string, street: string, division: string, industry: string) =>
    ev(`reg${k}`, 'EnterpriseRegistered', firm(k), '2018-03-01', {
      uscc: FIRMS[k], name, establishedOn: '2018-03-01', registeringOffice: '市场监管局', divisionCode: division, street,
      industryCode: 'C3911', industry, registeredCapital: 1000,
    }, at('2018-03-01'));
  const jan1 = `${Y}-01-01`;
  return [
    registered('A', '阳光智能', '阳逻街道', '420117', '智能制造'),
    registered('B', '长江生物', '武湖街道', '420116', '生命健康'),
    registered('C', '后湖数据', '后湖街道', '420102', '现代服务业'),
    registered('D', '关山光电', '关山街道', '420117', '智能制造'),
    ev('hteA', 'HighTechCertified', firm('A'), `${Y - 1}-03-15`, { uscc: FIRMS.A, certificateNumber: `GR${Y - 1}42000101`, issuedOn: `${Y - 1}-03-15` }, at(`${Y - 1}-03-15`)),
    ev('hteB', 'HighTechCertified', firm('B'), `${Y - 2}-11-20`, { uscc: FIRMS.B, certificateNumber: `GR${Y - 2}42000202`, issuedOn: `${Y - 2}-11-20` }, at(`${Y - 2}-11-20`)),
    ev('hteC', 'HighTechCertified', firm('C'), jan1, { uscc: FIRMS.C, certificateNumber: `GR${Y}42000303`, issuedOn: jan1 }, at(jan1)),
    ev('hteD', 'HighTechCertified', firm('D'), `${Y - 1}-06-01`, { uscc: FIRMS.D, certificateNumber: `GR${Y - 1}42000404`, issuedOn: `${Y - 1}-06-01` }, at(`${Y - 1}-06-01`)),
    ev('tgtHte', 'KpiTargetSet', 'governance-targets', `${Y - 1}-12-20`, { kpiId: 'hte_count', period: String(Y), value: 6, setBy: '科创局' }, at(`${Y - 1}-12-20`)),
    ev('kcw1', 'GovernanceMeetingHeld', 'governance-meetings', `${Y - 1}-03-10`, { meetingId: `KCW-${Y - 1}-1`, body: '科创委', heldOn: `${Y - 1}-03-10` }, at(`${Y - 1}-03-10`)),
    ev('kcw2', 'GovernanceMeetingHeld', 'governance-meetings', `${Y - 1}-09-15`, { meetingId: `KCW-${Y - 1}-2`, body: '科创委', heldOn: `${Y - 1}-09-15` }, at(`${Y - 1}-09-15`)),
    ev('kcw3', 'GovernanceMeetingHeld', 'governance-meetings', jan1, { meetingId: `KCW-${Y}-1`, body: '科创委', heldOn: jan1 }, at(jan1)),
    ev('kcb1', 'GovernanceMeetingHeld', 'governance-meetings', `${Y - 1}-02-20`, { meetingId: `KCB-${Y - 1}-1`, body: '科创办', heldOn: `${Y - 1}-02-20` }, at(`${Y - 1}-02-20`)),
    ev('kcb2', 'GovernanceMeetingHeld', 'governance-meetings', `${Y - 1}-04-18`, { meetingId: `KCB-${Y - 1}-2`, body: '科创办', heldOn: `${Y - 1}-04-18` }, at(`${Y - 1}-04-18`)),
    ev('T1', 'TechContractRegistered', `transfer-${Y - 1}420100000001`, `${Y - 1}-04-15`, {
      registrationNumber: `${Y - 1}420100000001`, registeredOn: `${Y - 1}-04-15`, contractType: '技术开发',
      seller: { uscc: FIRMS.A, name: '阳光智能' }, buyer: { uscc: FIRMS.D, name: '关山光电' }, totalAmount: 500, techTransactionAmount: 400,
    }, at(`${Y - 1}-04-15`)),
    ev('T2', 'TechContractRegistered', `transfer-${Y}420100000002`, jan1, {
      registrationNumber: `${Y}420100000002`, registeredOn: jan1, contractType: '技术转让',
      seller: { uscc: FIRMS.C, name: '后湖数据' }, buyer: { name: '某外地公司' }, totalAmount: 1200, techTransactionAmount: 1000,
    }, at(jan1)),
    ev('m1', 'TaskMilestoneReported', 'governance-milestones', `${Y - 1}-06-20`, { task: 9, milestoneId: 'M9-1', title: '建立高企后备库', unit: '科创局', dueOn: `${Y - 1}-06-30`, status: '已完成', completedOn: `${Y - 1}-06-20` }, at(`${Y - 1}-06-20`)),
    ev('m2', 'TaskMilestoneReported', 'governance-milestones', `${Y - 1}-07-01`, { task: 9, milestoneId: 'M9-2', title: '规上高企研发机构全覆盖', unit: '科创局', dueOn: `${Y - 1}-12-31`, status: '进行中' }, at(`${Y - 1}-07-01`)),
  ];
}

export type DashboardServer = KpiServer;

/** Starts the store, the runner (caught up on `events`), the API and the static dashboards on port 0. */
export function startDashboardServer(events: readonly RecordedEvent[]): Promise<DashboardServer> {
  return startKpiServer(events, { dashboards: true });
}
