/**
 * Composition of the periodic assessment reports (监测评估报告) in one process: the builder over
 * the KPI queries, the service that renders and issues, and, where projections run, the scheduler
 * that issues each period as it closes. Kept out of platform.ts so that file only calls it.
 */
import path from 'node:path';
import type { EventStore, OlapClient } from '../contracts/ports.ts';
import type { KpiQueries } from '../projections/kpi/index.ts';
import { createReportBuilder } from '../projections/reports/build.ts';
import type { RuleBook } from './monitoring/ruleBook.ts';
import { createReportScheduler, type ReportScheduler, type ReportSchedulerLog } from './reports/scheduler.ts';
import { createReportService, type ReportService } from './reports/service.ts';

/** An ISO instant, or ClickHouse's UTC DateTime64 text (`2025-08-20 02:00:00.000`), in ms. */
const instantOf = (t: string) => Date.parse(t.includes('T') ? t : `${t.replace(' ', 'T')}Z`);

export interface ReportsRoot {
  service: ReportService;
  scheduler?: ReportScheduler;
  stop(): Promise<void>;
}

export function startReports(options: {
  store: EventStore;
  olap: OlapClient;
  kpis: KpiQueries;
  rules: RuleBook;
  /** The record instant up to which every event is projected into the tables reports read (the KPI tables' head; ISO or ClickHouse UTC text). */
  settledUntil?(): string | undefined;
  /** Issued files go to `<dataDir>/reports`. */
  dataDir?: string;
  /** Issue reports on schedule (where projections run); `ready` says when the data is complete. */
  schedule?: { ready(): Promise<boolean>; intervalMs?: number };
  now?: () => Date;
  log?: ReportSchedulerLog;
}): ReportsRoot {
  const builder = createReportBuilder({
    kpis: options.kpis,
    olap: options.olap,
    rulesAt: async (at) => (await options.rules.at(at)).rules,
    issued: (period, by) => service.issued(period, by),
  });
  const service: ReportService = createReportService({
    store: options.store,
    build: (period, asOf) => builder.build(period, asOf),
    // Once everything recorded by asOf is projected, a report as of it can no longer change.
    version: async (asOf) => {
      const settled = options.settledUntil?.();
      return settled !== undefined && instantOf(settled) >= asOf.getTime() ? 'settled' : `head:${(await options.store.head()).position}`;
    },
    ...(options.dataDir ? { dir: path.join(options.dataDir, 'reports') } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const scheduler = options.schedule
    ? createReportScheduler({
        service,
        ready: options.schedule.ready,
        ...(options.schedule.intervalMs !== undefined ? { intervalMs: options.schedule.intervalMs } : {}),
        ...(options.now ? { now: options.now } : {}),
        ...(options.log ? { log: options.log } : {}),
      })
    : undefined;
  scheduler?.start();
  return {
    service,
    ...(scheduler ? { scheduler } : {}),
    async stop() {
      await scheduler?.stop();
    },
  };
}
