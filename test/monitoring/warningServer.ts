/**
 * The early-warning tests' server: the KPI test server (test/support/kpiServer.ts: real store,
 * runner, KPI tables, read API) with the monitor on a clock the test moves.
 */
import type { RecordedEvent } from '../../contracts/events/index.ts';
import { startKpiServer, type KpiServer } from '../support/kpiServer.ts';

export type WarningServer = KpiServer;

export function startWarningServer(events: readonly RecordedEvent[], options: { now: Date; dashboards?: boolean }): Promise<WarningServer> {
  return startKpiServer(events, { ...(options.dashboards ? { dashboards: true } : {}), monitor: { now: options.now } });
}
