/**
 * Composition of the KPI tables in one process: the materializer (where projections run) on an
 * engine session of its own, and the viewers' reads on another one, separate from the projection
 * writes and from the analysts' SQL sessions. Kept out of platform.ts so that file only calls it.
 */
import { Counter, Gauge } from 'prom-client';
import type { OlapClient } from '../contracts/ports.ts';
import { createKpiQueries, type KpiQueries } from '../projections/kpi/index.ts';
import { createKpiMaterializer, createKpiTableSource, pollKpiTablesHead, type KpiMaterializer } from '../projections/kpiTables/index.ts';
import type { ProjectionRunner } from '../projections/runner/projectionRunner.ts';
import type { KpiChangeFeed } from './api/router.ts';
import type { Logger } from './observability/logger.ts';
import type { Metrics } from './observability/metrics.ts';

export interface KpiTablesRoot {
  /** KPI reads for the API and exports: KPI tables first, fact tables where they cannot answer. */
  kpis: KpiQueries;
  /** What KPI answers reflect now (undefined until the tables are first built). */
  version(): string | undefined;
  /** The position and record instant KPI answers reflect (undefined until the tables are first built). */
  head(): { position: number; recordedAt: string } | undefined;
  changes?: KpiChangeFeed;
  onKpiError(kpiId: string, err: unknown): void;
  materializer?: KpiMaterializer;
  stop(): Promise<void>;
}

export async function startKpiTables(options: {
  openOlap: () => Promise<OlapClient>;
  runner?: ProjectionRunner;
  log: Logger;
  metrics: Metrics;
}): Promise<KpiTablesRoot> {
  const { runner, log, metrics } = options;
  const failures = new Counter({ name: 'brain_kpi_query_failures_total', help: 'KPI queries that failed while answering /kpis', labelNames: ['kpi'], registers: [metrics.registry] });
  const position = new Gauge({ name: 'brain_kpi_tables_position', help: 'Store position the KPI tables reflect', registers: [metrics.registry] });
  const stops: Array<() => Promise<void>> = [];
  let materializer: KpiMaterializer | undefined;
  let head: () => ReturnType<KpiMaterializer['head']>;
  if (runner) {
    const writer = await options.openOlap();
    stops.push(() => writer.close());
    const live = runner;
    materializer = createKpiMaterializer({
      olap: writer,
      queries: createKpiQueries(writer),
      // Every fact projection's serving build has committed up to here.
      committed: async () => Math.min(...(await live.status()).map((s) => s.serving?.checkpoint ?? 0)),
      ready: async () => (await live.status()).every((s) => s.state === 'live'),
      log: log.child({ name: 'kpi-tables' }),
    });
    await materializer.start();
    const m = materializer;
    stops.unshift(() => m.stop());
    head = () => m.head();
  } else {
    const reader = await options.openOlap();
    stops.push(() => reader.close());
    const poll = pollKpiTablesHead(reader);
    stops.unshift(async () => poll.stop());
    head = () => poll.head();
  }
  const viewer = await options.openOlap();
  stops.push(() => viewer.close());
  const source = createKpiTableSource({ olap: viewer, head });
  const m = materializer;
  return {
    kpis: createKpiQueries(viewer, { source }),
    head() {
      const h = head();
      return h ? { position: h.position, recordedAt: h.recordedAt } : undefined;
    },
    version() {
      const h = head();
      if (h) position.set(h.position);
      return h ? `kpi:${h.position}:${h.knownOn}` : undefined;
    },
    ...(m
      ? {
          changes: {
            subscribe: (listener) => m.onChange((changes, h) => listener(changes, { position: h.position, recordedAt: h.recordedAt })),
          } satisfies KpiChangeFeed,
        }
      : {}),
    onKpiError(kpiId, err) {
      failures.inc({ kpi: kpiId });
      log.error({ err, kpi: kpiId }, `KPI ${kpiId} failed: shown as an error in /kpis`);
    },
    materializer,
    async stop() {
      for (const s of stops) await s().catch((err: unknown) => log.warn({ err }, 'error while stopping the KPI tables'));
    },
  };
}
