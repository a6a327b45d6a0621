/**
 * A real server for the dashboard's browser test: the dashboards folder as static files and the
 * real read API (services/api/router.ts) over the real KPI query layer, on chDB tables filled by
 * the real projection runner from a real SQLite event store. Nothing is faked; only the wiring
 * is local (services/platform.ts registers no projections yet, see the report).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import type { Breakdown } from '../../contracts/kpis.ts';
import type { DomainEvent, RecordedEvent } from '../../contracts/events/index.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import { usccCheckCharacter } from '../../contracts/identifiers.ts';
import { FACT_PROJECTIONS } from '../../projections/facts/index.ts';
import { createKpiQueries } from '../../projections/kpi/index.ts';
import { createProjectionRunner, type ProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import { storeEventSource } from '../../projections/runner/storeEventSource.ts';
import { createApiRouter, type KpiReader } from '../../services/api/router.ts';
import { loadKeyring, type DevKeys, type Role } from '../../services/auth/keyring.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { notFoundHandler, problemHandler } from '../../services/http/problem.ts';
import { createEventFactory } from '../fixtures/kpi/eventFactory.ts';
import { freshOlap } from '../support/olap.ts';

export const DASHBOARDS_DIR = path.join(import.meta.dirname, '..', '..', 'dashboards');

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

export interface DashboardServer {
  url: string;
  keys: DevKeys;
  olap: OlapClient;
  stop(): Promise<void>;
}

/** Starts the store, the runner (caught up on `events`), the API and the static dashboards on port 0. */
export async function startDashboardServer(events: readonly RecordedEvent[]): Promise<DashboardServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brain-dash-'));
  const store = createSqliteEventStore({ path: path.join(dir, 'store.sqlite'), synchronous: 'NORMAL' });
  for (const e of events) {
    const { position: _p, streamVersion: _v, ...event } = e;
    // A rest of a discriminated union loses its discriminant in TS: the value is the event minus its positions.
    await store.append(e.streamId, [event as DomainEvent]);
  }
  const olap = await freshOlap('dash');
  let runner: ProjectionRunner | undefined;
  let server: http.Server | undefined;
  try {
    runner = createProjectionRunner({ olap, source: storeEventSource(store, { maxBatch: 500 }), projections: FACT_PROJECTIONS, batchSize: 500, flushMs: 20 });
    await runner.start();
    await runner.waitUntilCaughtUp();
    const keyring = loadKeyring({ DATA_DIR: dir });
    const queries = createKpiQueries(olap);
    const kpis: KpiReader = {
      latest: (id) => queries.latest(id),
      // The router's breakdown is a plain string; the query layer validates it against the catalog.
      series: (id, o) => queries.series(id, { ...o, breakdown: o.breakdown as Breakdown | undefined }),
      drilldown: (id, period, o) => queries.drilldown(id, period, o),
      scorecard: (unit, period, o) => queries.scorecard(unit, period, o),
    };
    const live = runner;
    const app = express();
    app.use(
      '/api/v1',
      createApiRouter({
        storeHead: () => store.head(),
        projections: async () => (await live.status()).map(({ name, version, checkpoint, lagEvents, lagSeconds, state }) => ({ name, version, checkpoint, lagEvents, lagSeconds, state })),
        kpis,
        requireRole: (...roles) => keyring.requireRole(...(roles as Role[])),
      }),
    );
    app.use(express.static(DASHBOARDS_DIR, { index: 'index.html' }));
    app.use(notFoundHandler());
    app.use(problemHandler());
    server = await new Promise<http.Server>((resolve, reject) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const running = server;
    return {
      url: `http://127.0.0.1:${port}`,
      keys: keyring.devKeys!,
      olap,
      async stop() {
        await new Promise<void>((resolve) => {
          running.close(() => resolve());
          running.closeAllConnections();
        });
        await live.stop();
        await olap.command(`DROP DATABASE IF EXISTS ${olap.database}`).catch(() => {});
        await olap.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    server?.close();
    await runner?.stop().catch(() => {});
    await olap.close().catch(() => {});
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
