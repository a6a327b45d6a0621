/**
 * A real server for the early-warning tests: a real SQLite store, the real runner with every
 * projection (the facts and the monitoring facts), the real KPI-table materializer, the monitor
 * on a clock the test moves, and the read API (warnings, rules, scorecards, stream), optionally
 * with the static dashboards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import type { DomainEvent, RecordedEvent } from '../../contracts/events/index.ts';
import type { EventStore, OlapClient } from '../../contracts/ports.ts';
import { createKpiQueries } from '../../projections/kpi/index.ts';
import { createKpiMaterializer, createKpiTableSource, type KpiMaterializer } from '../../projections/kpiTables/index.ts';
import { PROJECTIONS } from '../../projections/registry.ts';
import { createProjectionRunner, type ProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import { storeEventSource } from '../../projections/runner/storeEventSource.ts';
import { createApiRouter } from '../../services/api/router.ts';
import { createWarningsRouter } from '../../services/api/warningsRouter.ts';
import { loadKeyring, type DevKeys, type Role } from '../../services/auth/keyring.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { dashboardsRouter } from '../../services/http/dashboards.ts';
import { notFoundHandler, problemHandler } from '../../services/http/problem.ts';
import type { EvaluationSummary } from '../../services/monitoring/monitor.ts';
import { startMonitoring, type MonitoringRoot } from '../../services/monitoringRoot.ts';
import { freshOlap, sameDatabase } from '../support/olap.ts';

export interface WarningServer {
  url: string;
  keys: DevKeys;
  store: EventStore;
  olap: OlapClient;
  monitoring: MonitoringRoot;
  /** The monitor's clock: set it to move time. */
  clock: { now: Date };
  /** Appends events and waits until they are projected and in the KPI tables. */
  append(events: readonly RecordedEvent[]): Promise<void>;
  /** Evaluates the rules now and waits until the warnings it appended are projected. */
  evaluate(): Promise<EvaluationSummary>;
  /** Waits until every projection has caught up with the store. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

const stripPositions = (e: RecordedEvent): DomainEvent => {
  const { position: _p, streamVersion: _v, ...event } = e;
  // A rest of a discriminated union loses its discriminant in TS: the value is the event minus its positions.
  return event as DomainEvent;
};

export async function startWarningServer(events: readonly RecordedEvent[], options: { now: Date; dashboards?: boolean }): Promise<WarningServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brain-warnings-'));
  const store = createSqliteEventStore({ path: path.join(dir, 'store.sqlite'), synchronous: 'NORMAL' });
  for (const e of events) await store.append(e.streamId, [stripPositions(e)]);
  const olap = await freshOlap('warn');
  const clock = { now: options.now };
  let runner: ProjectionRunner | undefined;
  let materializer: KpiMaterializer | undefined;
  let viewer: OlapClient | undefined;
  let monitoring: MonitoringRoot | undefined;
  let server: http.Server | undefined;
  try {
    runner = createProjectionRunner({ olap, source: storeEventSource(store, { maxBatch: 500 }), projections: PROJECTIONS, batchSize: 500, flushMs: 20 });
    await runner.start();
    await runner.waitUntilCaughtUp();
    const live = runner;
    materializer = createKpiMaterializer({
      olap,
      queries: createKpiQueries(olap),
      committed: async () => Math.min(...(await live.status()).map((st) => st.serving?.checkpoint ?? 0)),
      debounceMs: 50,
      pollMs: 50,
    });
    await materializer.start();
    await materializer.runOnce();
    const m = materializer;
    monitoring = startMonitoring({ store, olap, kpis: createKpiQueries(olap), materializer: m, now: () => clock.now, intervalMs: 3_600_000, minGapMs: 0 });
    const mon = monitoring;
    viewer = await sameDatabase(olap);
    const queries = createKpiQueries(viewer, { source: createKpiTableSource({ olap: viewer, head: () => m.head() }) });
    const keyring = loadKeyring({ DATA_DIR: dir });
    const app = express();
    const requireRole = (...roles: string[]) => keyring.requireRole(...(roles as Role[]));
    app.use('/api/v1', createWarningsRouter(mon.api, requireRole));
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
        changes: { subscribe: (listener) => m.onChange((changes, h) => listener(changes, { position: h.position, recordedAt: h.recordedAt })) },
        warnings: mon.api,
        warningFeed: { subscribe: (l) => mon.monitor!.onTransition(l) },
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
      clock,
      caughtUp,
      async append(more) {
        for (const e of more) await store.append(e.streamId, [stripPositions(e)]);
        await caughtUp();
        await m.runOnce();
      },
      async evaluate() {
        const summary = await mon.monitor!.evaluate();
        await caughtUp();
        return summary;
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
