/**
 * Composition of early warning (预警) in one process: the rule book and the warnings read where
 * the API runs, and the monitor where projections and the KPI tables' materializer run (it
 * evaluates after their runs and on a timer). Kept out of platform.ts so that file only calls it.
 */
import { createExplanations } from './monitoring/explanations.ts';
import type { WarningsDeps } from './api/warningsRouter.ts';
import type { EventStore, OlapClient } from '../contracts/ports.ts';
import type { KpiQueries } from '../projections/kpi/index.ts';
import type { KpiMaterializer } from '../projections/kpiTables/index.ts';
import { evaluateRules } from '../projections/monitoring/evaluate.ts';
import { createMonitoringQueries, type MonitoringQueries } from '../projections/monitoring/queries.ts';
import { createWarningMonitor, type MonitorLog, type WarningMonitor } from './monitoring/monitor.ts';
import { createRuleBook, type RuleBook } from './monitoring/ruleBook.ts';

export interface MonitoringRoot {
  rules: RuleBook;
  queries: MonitoringQueries;
  /** What the read API serves of it: warnings, the rule table, the data-quality board, filing explanations. */
  api: WarningsDeps;
  /** Present where the materializer runs. */
  monitor?: WarningMonitor;
  stop(): Promise<void>;
}

export function startMonitoring(options: {
  store: EventStore;
  olap: OlapClient;
  /** KPI computations over the fact tables (the materializer's session or its own). */
  kpis: KpiQueries;
  materializer?: KpiMaterializer;
  ready?(): Promise<boolean>;
  now?: () => Date;
  intervalMs?: number;
  minGapMs?: number;
  log?: MonitorLog;
}): MonitoringRoot {
  const rules = createRuleBook({ store: options.store, ...(options.now ? { now: options.now } : {}) });
  const queries = createMonitoringQueries(options.olap, options.kpis);
  const explanations = createExplanations({ store: options.store, record: (id) => queries.flaggedRecord(id), ...(options.now ? { now: options.now } : {}) });
  const m = options.materializer;
  const monitor = m
    ? createWarningMonitor({
        store: options.store,
        rules,
        findings: async (list, today) => evaluateRules(list, await queries.readings(today)),
        openWarningIds: async () => (await queries.warnings({ status: 'open' })).map((w) => w.warningId),
        onKpiChange: (listener) => m.onChange((changes) => {
          if (changes.length > 0) listener();
        }),
        ...(options.ready ? { ready: options.ready } : {}),
        ...(options.now ? { now: options.now } : {}),
        ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
        ...(options.minGapMs !== undefined ? { minGapMs: options.minGapMs } : {}),
        ...(options.log ? { log: options.log } : {}),
      })
    : undefined;
  monitor?.start();
  return {
    rules,
    queries,
    api: { list: (f) => queries.warnings(f), rules, dataQuality: (o) => queries.dataQuality(o), explanations },
    ...(monitor ? { monitor } : {}),
    async stop() {
      await monitor?.stop();
    },
  };
}
