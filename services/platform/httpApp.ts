/**
 * The platform's HTTP server: middleware, health and metrics, and the routers of the services this
 * process runs (ingest, API, exports, profiles, points, warnings, reports, dashboards).
 */
import type http from 'node:http';
import express from 'express';
import { MOUNTS } from '../../contracts/api/routes.ts';
import { InfrastructureError } from '../../contracts/errors.ts';
import type { EventStore, OlapClient } from '../../contracts/ports.ts';
import type { KpiReader } from '../api/kpiReader.ts';
import type { PointsQueries } from '../../projections/points/queries.ts';
import type { ProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import { createEntityRouter, loadEntityProfile, type EntityRouterDeps } from '../api/entities.ts';
import { createExportRouter } from '../api/exports.ts';
import { createOpenApiRouter } from '../api/openapi.ts';
import { createPointsRouter } from '../api/points.ts';
import { createReportsRouter } from '../api/reportsRouter.ts';
import { createApiRouter, type ProjectionStatusView } from '../api/router.ts';
import { createWarningsRouter } from '../api/warningsRouter.ts';
import type { Keyring } from '../auth/keyring.ts';
import type { Config } from '../config/config.ts';
import { dashboardsRouter } from '../http/dashboards.ts';
import { healthRouter } from '../http/health.ts';
import { notFoundHandler, problemHandler } from '../http/problem.ts';
import { accessLog, httpMetrics } from '../http/requestLog.ts';
import { securityHeaders } from '../http/securityHeaders.ts';
import { createIngestRouter, ingestLimitsOf } from '../ingest/router.ts';
import type { IngestService } from '../ingest/ingestService.ts';
import type { KpiTablesRoot } from '../kpiTablesRoot.ts';
import type { MonitoringRoot } from '../monitoringRoot.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { ReportsRoot } from '../reportsRoot.ts';
import type { ServiceName } from './serviceSelection.ts';

export interface PlatformAppDeps {
  config: Config;
  log: Logger;
  metrics: Metrics;
  keyring: Keyring;
  services: ReadonlySet<ServiceName>;
  /** Whether the process has finished starting (the health check's `started`). */
  started(): boolean;
  projectionStatus(): Promise<ProjectionStatusView[]>;
  store?: EventStore | undefined;
  olap?: OlapClient | undefined;
  runner?: ProjectionRunner | undefined;
  ingest?: IngestService | undefined;
  kpis?: KpiReader | undefined;
  kpiTables?: KpiTablesRoot | undefined;
  monitoring?: MonitoringRoot | undefined;
  reports?: ReportsRoot | undefined;
  /** Profiles and innovation points, where the API runs (they read the fact tables on a session of their own). */
  entities?: EntityRouterDeps | undefined;
  points?: PointsQueries | undefined;
}

export function createPlatformApp(deps: PlatformAppDeps): express.Express {
  const { log, metrics, keyring, store, olap, runner, kpis, kpiTables, monitoring, reports } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(httpMetrics(metrics));
  app.use(accessLog(log.child({ name: 'http' })));
  app.use(securityHeaders());
  app.use(
    MOUNTS.root,
    healthRouter({
      services: [...deps.services],
      checks: async () => {
        const checks: Record<string, boolean> = { started: deps.started() };
        if (store) checks.store = await store.head().then(() => true, () => false);
        if (olap) checks.olap = await olap.ping().catch(() => false);
        return checks;
      },
      // Metrics tell volumes, store head and memory: for any holder of a key (as /api/v1/status), not
      // for anyone who can reach the port. Prometheus scrapes with a key of its own (docs/operations.md).
      requireKey: keyring.requireRole('viewer', 'ingest'),
      metrics: async () => {
        if (store) metrics.storeHead.set((await store.head()).position);
        for (const p of await deps.projectionStatus()) {
          metrics.projectionLag.set({ projection: p.name }, p.lagEvents);
          metrics.projectionAheadOfStore.set({ projection: p.name }, p.state === 'ahead-of-store' ? 1 : 0);
        }
        return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
      },
    }),
  );
  // The API contract and its reference page: public, whatever services this process runs.
  app.use(MOUNTS.api, createOpenApiRouter());
  if (deps.ingest) app.use(MOUNTS.ingest, createIngestRouter({ ingest: deps.ingest, keyring, limits: ingestLimitsOf(deps.config) }));
  if (kpis) {
    // The routers name roles as strings; the keyring checks them against its own list.
    const requireRole = (...roles: string[]) => keyring.requireRole(...(roles as Parameters<Keyring['requireRole']>));
    const files = deps.entities;
    const points = deps.points;
    app.use(MOUNTS.exports, createExportRouter({ kpis, requireRole, ...(files ? { entities: { profile: (id, o) => loadEntityProfile(files, id, o) } } : {}), ...(points ? { points } : {}) }));
    if (files) app.use(MOUNTS.api, createEntityRouter(files));
    if (points) app.use(MOUNTS.api, createPointsRouter({ points, requireRole }));
    if (monitoring) app.use(MOUNTS.api, createWarningsRouter(monitoring.api, requireRole));
    if (reports) app.use(MOUNTS.api, createReportsRouter(reports.service, requireRole));
    app.use(
      MOUNTS.api,
      createApiRouter({
        storeHead: async () => (store ? store.head() : { position: 0, events: 0 }),
        projections: deps.projectionStatus,
        kpis,
        requireRole,
        rebuildProjection: runner ? (name) => runner.rebuildProjection(name) : undefined,
        rebuildProjections: runner ? () => runner.rebuildProjections() : undefined,
        ...(kpiTables ? { kpiVersion: () => kpiTables.version(), kpiTablesHead: () => kpiTables.head(), onKpiError: (id: string, err: unknown) => kpiTables.onKpiError(id, err) } : {}),
        ...(kpiTables?.changes ? { changes: kpiTables.changes } : {}),
        ...(monitoring ? { warnings: monitoring.api } : {}),
        ...(monitoring?.monitor ? { warningFeed: { subscribe: (l) => monitoring.monitor!.onTransition(l) } } : {}),
      }),
    );
  }
  if (deps.services.has('api')) app.use(dashboardsRouter());
  app.use(notFoundHandler());
  app.use(problemHandler({ log: log.child({ name: 'http' }) }));
  return app;
}

/** Listens on PORT / HOST; resolves with the base URL and a close that ends every connection. */
export async function listen(app: express.Express, config: Config): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<http.Server>((resolve, reject) => {
    // Express 5 hands listen errors (EADDRINUSE…) to this callback instead of throwing.
    const s = app.listen(config.PORT, config.HOST, (err?: Error) => {
      if (!err) return resolve(s);
      const code = (err as NodeJS.ErrnoException).code;
      reject(
        code === 'EADDRINUSE'
          ? new InfrastructureError(`port ${config.PORT} on ${config.HOST} is already in use (another \`npm start\`?): stop it or set PORT`, { retriable: false, cause: err })
          : err,
      );
    });
  });
  // Idle keep-alive sockets live longer than clients' own pools keep them (undici 4 s, browsers
  // ~60 s behind proxies), so a client rarely sends a request on a socket the server is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const address = server.address();
  const url = `http://${config.HOST}:${typeof address === 'object' && address ? address.port : config.PORT}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
