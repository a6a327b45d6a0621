/**
 * A real server for the API, export and dashboard tests: the read API, the export router and
 * (optionally) the static dashboards over the real KPI query layer, on chDB tables that the real
 * projection runner keeps filling from a real SQLite store, and KPI tables that the real
 * materializer keeps up to date behind it (reads on a viewer session of their own, live changes on
 * /api/v1/stream). The runner and the materializer stay up, so a test can append a correction and
 * wait for it to be projected and materialized. The warnings API answers from the monitoring facts
 * (no monitor runs here: test/monitoring has its own server with one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll } from 'vitest';
import type { DomainEvent, RecordedEvent } from '../../contracts/events/index.ts';
import type { EventStore, OlapClient } from '../../contracts/ports.ts';
import { createEntityReader } from '../../projections/entities/profiles.ts';
import { createKpiQueries } from '../../projections/kpi/index.ts';
import { PROJECTIONS } from '../../projections/registry.ts';
import { createKpiMaterializer, createKpiTableSource, type KpiMaterializer, type KpiTableSource } from '../../projections/kpiTables/index.ts';
import { createProjectionRunner, type ProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import { storeEventSource } from '../../projections/runner/storeEventSource.ts';
import { createEntityRouter, loadEntityProfile, type EntityRouterDeps } from '../../services/api/entities.ts';
import { createExportRouter } from '../../services/api/exports.ts';
import { createPointsRouter } from '../../services/api/points.ts';
import { createPointsQueries } from '../../projections/points/queries.ts';
import { loadIndicatorSets } from '../../projections/points/sets.ts';
import { createApiRouter } from '../../services/api/router.ts';
import { createWarningsRouter } from '../../services/api/warningsRouter.ts';
import { loadKeyring, type DevKeys, type Role } from '../../services/auth/keyring.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { notFoundHandler, problemHandler } from '../../services/http/problem.ts';
import { dashboardsRouter } from '../../services/http/dashboards.ts';
import type { EvaluationSummary } from '../../services/monitoring/monitor.ts';
import { startMonitoring, type MonitoringRoot } from '../../services/monitoringRoot.ts';
import { startReports, type ReportsRoot } from '../../services/reportsRoot.ts';
import { ensureRejectionTable } from '../../services/olap/rejectionLog.ts';
import { createReportsRouter } from '../../services/api/reportsRouter.ts';
import { freshOlap, sameDatabase } from './olap.ts';

export interface KpiServer {
  url: string;
  keys: DevKeys;
  store: EventStore;
  olap: OlapClient;
  /** Early warning: its rules, queries and (with `monitor`) the monitor. */
  monitoring: MonitoringRoot;
  /** The periodic assessment reports (no scheduler: tests issue with `reports.service.issue`). */
  reports: ReportsRoot;
  /** The monitor's clock (with `monitor`): set it to move time. */
  clock: { now: Date };
  materializer: KpiMaterializer;
  /** KPIs /kpis reported as failed (the platform counts and logs them). */
  kpiErrors: Array<{ kpiId: string; message: string }>;
  /** How many reads the KPI tables answered, and why the others went to the fact tables. */
  tableStats: KpiTableSource['stats'];
  /** Appends events to the store and waits until the runner has projected them and the KPI tables reflect them. */
  append(events: readonly RecordedEvent[]): Promise<void>;
  /** Appends events without waiting (the live stream test watches them arrive). */
  appendOnly(events: readonly RecordedEvent[]): Promise<void>;
  /** Waits until every projection has caught up with the store. */
  caughtUp(): Promise<void>;
  /** With `monitor`: evaluates the rules now and waits until the warnings it appended are projected. */
  evaluate(): Promise<EvaluationSummary>;
  stop(): Promise<void>;
}

export interface KpiServerOptions {
  /** Serve the static dashboards too. */
  dashboards?: boolean;
  /** Run the early-warning monitor on a clock the test moves, starting at `now` (warnings on the stream too). */
  monitor?: { now: Date };
}

const stripPositions = (e: RecordedEvent): DomainEvent => {
  const { position: _p, streamVersion: _v, ...event } = e;
  // A rest of a discriminated union loses its discriminant in TS: the value is the event minus its positions.
  return event as DomainEvent;
};


/** Starts the store, the runner (caught up on `events`) and the APIs on port 0; with `dashboards`, the static screens too. */
export async function startKpiServer(events: readonly RecordedEvent[], options: KpiServerOptions = {}): Promise<KpiServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brain-kpis-'));
  const store: EventStore = createSqliteEventStore({ path: path.join(dir, 'store.sqlite'), synchronous: 'NORMAL' });
  for (const e of events) await store.append(e.streamId, [stripPositions(e)]);
  const olap = await freshOlap('kpis');
  await ensureRejectionTable(olap);
  let runner: ProjectionRunner | undefined;
  let server: http.Server | undefined;
  let viewer: OlapClient | undefined;
  let materializer: KpiMaterializer | undefined;
  let monitoring: MonitoringRoot | undefined;
  const clock = { now: options.monitor?.now ?? new Date() };
  try {
    runner = createProjectionRunner({ olap, source: storeEventSource(store, { maxBatch: 500 }), projections: PROJECTIONS, batchSize: 500, flushMs: 20 });
    await runner.start();
    await runner.waitUntilCaughtUp();
    const keyring = loadKeyring({ DATA_DIR: dir });
    const committedBy = runner;
    materializer = createKpiMaterializer({
      olap,
      queries: createKpiQueries(olap),
      committed: async () => Math.min(...(await committedBy.status()).map((st) => st.serving?.checkpoint ?? 0)),
      debounceMs: 50,
      pollMs: 50,
    });
    await materializer.start();
    await materializer.runOnce();
    const m = materializer;
    viewer = await sameDatabase(olap);
    const source = createKpiTableSource({ olap: viewer, head: () => m.head() });
    const queries = createKpiQueries(viewer, { source });
    const kpiErrors: KpiServer['kpiErrors'] = [];
    // Warnings and rules as the API serves them; with `monitor`, the monitor on the test's clock.
    monitoring = options.monitor
      ? startMonitoring({ store, olap, kpis: createKpiQueries(olap), materializer: m, now: () => clock.now, intervalMs: 3_600_000, minGapMs: 0 })
      : startMonitoring({ store, olap: viewer, kpis: queries });
    const mon = monitoring;
    const monitor = mon.monitor;
    const reports = startReports({ store, olap: viewer, kpis: queries, rules: mon.rules, dataDir: dir, settledUntil: () => m.head()?.recordedAt });
    const requireRole = (...roles: string[]) => keyring.requireRole(...(roles as Role[]));
    const live = runner;
    const app = express();
    const entityFiles: EntityRouterDeps = {
      entities: createEntityReader(olap),
      readStream: (streamId) => store.readStream(streamId),
      requireRole,
    };
    const points = createPointsQueries(olap, loadIndicatorSets(), { version: async () => (await live.status()).map((st) => `${st.name}:${st.checkpoint}`).join('|') });
    app.use('/api/v1/exports', createExportRouter({ kpis: queries, requireRole, entities: { profile: (id, o) => loadEntityProfile(entityFiles, id, o) }, points }));
    app.use('/api/v1', createEntityRouter(entityFiles));
    app.use('/api/v1', createPointsRouter({ points, requireRole }));
    app.use('/api/v1', createWarningsRouter(mon.api, requireRole));
    app.use('/api/v1', createReportsRouter(reports.service, requireRole));
    app.use(
      '/api/v1',
      createApiRouter({
        storeHead: () => store.head(),
        projections: async () => (await live.status()).map(({ name, version, checkpoint, lagEvents, lagSeconds, state }) => ({ name, version, checkpoint, lagEvents, lagSeconds, state })),
        kpis: queries,
        requireRole,
        kpiVersion: () => {
          const h = m.head();
          return h ? `kpi:${h.position}:${h.knownOn}` : undefined;
        },
        onKpiError: (kpiId, err) => kpiErrors.push({ kpiId, message: String((err as Error).message) }),
        changes: { subscribe: (listener) => m.onChange((changes, h) => listener(changes, { position: h.position, recordedAt: h.recordedAt })) },
        warnings: mon.api,
        ...(monitor ? { warningFeed: { subscribe: (l) => monitor.onTransition(l) } } : {}),
      }),
    );
    if (options.dashboards) app.use(dashboardsRouter());
    app.use(notFoundHandler());
    app.use(problemHandler());
    server = await new Promise<http.Server>((resolve, reject) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const running = server;
    const caughtUp = () => live.waitUntilCaughtUp();
    return {
      url: `http://127.0.0.1:${port}`,
      keys: keyring.devKeys!,
      store,
      olap,
      monitoring: mon,
      reports,
      clock,
      caughtUp,
      async evaluate() {
        if (!mon.monitor) throw new Error('started without `monitor`');
        const summary = await mon.monitor.evaluate();
        await caughtUp();
        return summary;
      },
      materializer: m,
      kpiErrors,
      tableStats: source.stats,
      async append(more) {
        for (const e of more) await store.append(e.streamId, [stripPositions(e)]);
        await live.waitUntilCaughtUp();
        await m.runOnce();
      },
      async appendOnly(more) {
        for (const e of more) await store.append(e.streamId, [stripPositions(e)]);
      },
      async stop() {
        await new Promise<void>((resolve) => {
          running.close(() => resolve());
          running.closeAllConnections();
        });
        await mon.stop();
        await m.stop();
        await live.stop();
        await viewer?.close();
        await olap.command(`DROP DATABASE IF EXISTS ${olap.database}`).catch(() => {});
        await olap.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    server?.close();
    await monitoring?.stop().catch(() => {});
    await materializer?.stop().catch(() => {});
    await runner?.stop().catch(() => {});
    await viewer?.close().catch(() => {});
    await olap.close().catch(() => {});
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * One server for a whole test file: started before its tests (on `events`), stopped after them.
 * Returns a getter, since the server exists only once `beforeAll` has run.
 */
export function useKpiServer(events: readonly RecordedEvent[], options: KpiServerOptions = {}): () => KpiServer {
  let server: KpiServer | undefined;
  beforeAll(async () => {
    server = await startKpiServer(events, options);
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('the KPI server is not started (use it inside a test)');
    return server;
  };
}
