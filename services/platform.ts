/**
 * The composition root: builds the services a process runs from the config alone
 * (SERVICES=all on the embedded default; one service per process in the distributed mode).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import express from 'express';
import { InfrastructureError } from '../contracts/errors.ts';
import { MOUNTS } from '../contracts/api/routes.ts';
import { dashboardsRouter } from './http/dashboards.ts';
import { healthRouter } from './http/health.ts';
import type { EventStore, OlapClient } from '../contracts/ports.ts';
import { PROJECTIONS } from '../projections/registry.ts';
import { createKpiQueries } from '../projections/kpi/index.ts';
import { createProjectionRunner, type ProjectionRunner } from '../projections/runner/projectionRunner.ts';
import { storeEventSource } from '../projections/runner/storeEventSource.ts';
import { createEntityReader } from '../projections/entities/profiles.ts';
import { readProjectionStatus } from '../projections/runner/readStatus.ts';
import { createBookkeeping } from '../projections/runner/bookkeeping.ts';
import type { EventSource } from '../contracts/ports.ts';
import { createWarningsRouter } from './api/warningsRouter.ts';
import { createApiRouter, type ProjectionStatusView } from './api/router.ts';
import { createEntityRouter, loadEntityProfile, type EntityRouterDeps } from './api/entities.ts';
import { createExportRouter } from './api/exports.ts';
import { createPointsRouter } from './api/points.ts';
import { createPointsQueries, type PointsQueries } from '../projections/points/queries.ts';
import { loadIndicatorSets } from '../projections/points/sets.ts';
import { createOpenApiRouter } from './api/openapi.ts';
import { loadKeyring, type Keyring } from './auth/keyring.ts';
import { createRelay, type Relay } from './bus/relay.ts';
import { kafkaEventSource } from './bus/kafkaEventSource.ts';
import { createDeadLetterPublisher } from './bus/dlq.ts';
import type { Config } from './config/config.ts';
import { createEventStore } from './eventStore/index.ts';
import { notFoundHandler, problemHandler } from './http/problem.ts';
import { securityHeaders } from './http/securityHeaders.ts';
import { createIngestRouter, ingestLimitsOf } from './ingest/router.ts';
import { createIngestService, type IngestService } from './ingest/ingestService.ts';
import type { Logger } from './observability/logger.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { createOlapClient } from './olap/client.ts';
import { createSqlGateway } from './sqlGateway/server.ts';
import { runSeed } from './seed/runSeed.ts';
import { startTrickle, type Trickle } from './seed/trickle.ts';
import { startKpiTables, type KpiTablesRoot } from './kpiTablesRoot.ts';
import { startMonitoring, type MonitoringRoot } from './monitoringRoot.ts';
import { startReports, type ReportsRoot } from './reportsRoot.ts';
import { fileSampleExplanations } from './seed/sampleExplanations.ts';
import { createOlapRejectionLog, ensureRejectionTable } from './olap/rejectionLog.ts';
import { createReportsRouter } from './api/reportsRouter.ts';
import { personSalt } from './config/personSalt.ts';

export { personSalt };

export type ServiceName = 'ingest' | 'relay' | 'projector' | 'api' | 'olap';
const ALL_SERVICES: readonly ServiceName[] = ['ingest', 'relay', 'projector', 'api', 'olap'];

export interface PlatformOptions {
  config: Config;
  log: Logger;
  /** Seed sample history when the store is empty (default: config.SEED). */
  seed?: boolean;
  /** Keep a slow live trickle of sample records (default: config.TRICKLE). */
  trickle?: boolean;
  /** Called as seeding goes on (done, total). */
  onSeedProgress?: (done: number, total: number) => void;
}

export interface Platform {
  services: ReadonlySet<ServiceName>;
  /** Base URL of the HTTP server (dashboards, API, ingest, health). */
  url: string;
  /** Base URL of the ClickHouse HTTP interface, when this process serves it. */
  olapUrl?: string;
  keyring: Keyring;
  store?: EventStore;
  olap?: OlapClient;
  runner?: ProjectionRunner;
  ingest?: IngestService;
  /** The KPI tables (materializer where projections run, viewers' reads where the API runs). */
  kpiTables?: KpiTablesRoot;
  /** Early warning (rules, warnings, and the monitor where projections run). */
  monitoring?: MonitoringRoot;
  /** Resolves when seeding has finished (immediately when there is nothing to seed). */
  seeded: Promise<void>;
  stop(): Promise<void>;
}

export function servicesOf(config: Config): Set<ServiceName> {
  const names = config.SERVICES.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.includes('all')) {
    const all = new Set(ALL_SERVICES);
    if (config.BUS === 'none') all.delete('relay');
    if (config.OLAP !== 'chdb') all.delete('olap');
    return all;
  }
  for (const n of names) if (!(ALL_SERVICES as readonly string[]).includes(n)) throw new Error(`SERVICES: unknown service "${n}" (expected all or ${ALL_SERVICES.join(', ')})`);
  return new Set(names as ServiceName[]);
}


function chdbPath(config: Config): string {
  return path.join(config.DATA_DIR, 'chdb');
}

/** The platform's ClickHouse client: the embedded engine on the data folder, or a server. */
export async function openOlap(config: Config): Promise<OlapClient> {
  if (config.OLAP === 'clickhouse')
    return createOlapClient({ kind: 'clickhouse', url: config.CLICKHOUSE_URL!, user: config.CLICKHOUSE_USER, password: config.CLICKHOUSE_PASSWORD, database: config.CLICKHOUSE_DATABASE });
  return createOlapClient({ kind: 'chdb', path: chdbPath(config), database: config.CLICKHOUSE_DATABASE });
}

/**
 * One access-log line per request: writes and failures at info (an operator follows who sent
 * what), successful reads at debug (the screens poll every few seconds). Never logs keys or bodies.
 */
function accessLog(log: Logger): express.RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const principal = res.locals.principal as { keyId?: string } | undefined;
      const line = { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10, key: principal?.keyId };
      const quiet = req.method === 'GET' && res.statusCode < 400;
      if (quiet) log.debug(line, `${req.method} ${req.path} ${res.statusCode}`);
      else log.info(line, `${req.method} ${req.path} ${res.statusCode} ${line.ms} ms`);
    });
    next();
  };
}

function httpMetrics(metrics: Metrics): express.RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ route });
    });
    next();
  };
}

interface SeedState {
  state: 'running' | 'complete';
  enterprises?: number;
}

/** The seeding marker, or null when there is none (or it cannot be read: then the store head decides). */
function readSeedState(file: string): SeedState | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SeedState;
  } catch {
    return null;
  }
}

/** Writes the marker whole or not at all (a kill mid-write must not leave it empty: a resume would be missed). */
function writeSeedState(file: string, state: SeedState & Record<string, unknown>): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

/** Starts the services of this process; resolves once they serve. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { config, log } = options;
  const services = servicesOf(config);
  mkdirSync(config.DATA_DIR, { recursive: true });
  const metrics = createMetrics();
  const keyring = loadKeyring(config, { info: (obj, msg) => log.info(obj, msg) });
  const stops: Array<() => Promise<void>> = [];
  let ready = false;

  // A Kafka-fed projector still opens the store when it can: rebuilds read it from position 0.
  const needsStore = services.has('ingest') || services.has('relay') || services.has('api') || services.has('projector');
  const store = needsStore ? createEventStore(config) : undefined;
  if (store) stops.push(() => store.close());

  // One chDB engine per process: the OLAP HTTP interface and the platform's client share its path.
  let olapUrl: string | undefined;
  if (services.has('olap')) {
    const olapServer = createSqlGateway({
      chdbPath: chdbPath(config),
      defaultDatabase: config.CLICKHOUSE_DATABASE,
      users: [
        { name: 'analyst', readonly: true, passwordSha256: keyring.digestsFor('analyst') },
        { name: 'admin', readonly: false, passwordSha256: keyring.digestsFor('admin') },
      ],
      log: log.child({ name: 'olap' }),
      analyst: {
        maxExecutionSeconds: config.OLAP_ANALYST_MAX_EXECUTION_SECONDS,
        maxMemoryBytes: config.OLAP_ANALYST_MAX_MEMORY_BYTES,
        maxRowsToRead: config.OLAP_ANALYST_MAX_ROWS_TO_READ,
        maxBytesToRead: config.OLAP_ANALYST_MAX_BYTES_TO_READ,
        maxResultRows: config.OLAP_ANALYST_MAX_RESULT_ROWS,
        maxResultBytes: config.OLAP_ANALYST_MAX_RESULT_BYTES,
        concurrentQueries: config.OLAP_ANALYST_CONCURRENT,
        concurrentQueriesPerUser: config.OLAP_ANALYST_CONCURRENT_PER_USER,
      },
    });
    const port = await olapServer.listen(config.OLAP_PORT, config.HOST);
    olapUrl = `http://${config.HOST}:${port}`;
    log.info({ url: olapUrl }, `ClickHouse HTTP interface of the embedded engine on ${olapUrl} (users analyst, admin; password = that role's key)`);
    stops.push(() => olapServer.close());
  }

  const needsOlap = services.has('projector') || services.has('api');
  const olap = needsOlap ? await openOlap(config) : undefined;
  if (olap) stops.push(() => olap.close());
  // Rejected records are counted in the engine for the data-quality board (read where the API runs).
  if (olap) await ensureRejectionTable(olap);

  let runner: ProjectionRunner | undefined;
  if (services.has('projector') && olap) {
    const kafka = { brokers: config.KAFKA_BROKERS.split(','), dlqTopic: config.KAFKA_DLQ_TOPIC, groupId: config.KAFKA_GROUP };
    const books = createBookkeeping(olap);
    const source: EventSource & { head?(): Promise<number> } =
      config.BUS === 'kafka'
        ? kafkaEventSource({
            ...kafka,
            clientId: 'brain-projector',
            topic: config.KAFKA_TOPIC,
            partitions: config.KAFKA_PARTITIONS,
            replicationFactor: config.KAFKA_REPLICATION,
            log: log.child({ name: 'kafka-source' }),
            // Undecodable messages are in the dead-letter topic; the table lists them beside the rest.
            onDeadLetter: (letter) => books.undecodable(letter),
          })
        : storeEventSource(store!);
    const publisher = config.BUS === 'kafka' ? createDeadLetterPublisher({ ...kafka, log: log.child({ name: 'dlq' }) }) : undefined;
    if (publisher) stops.push(() => publisher.close());
    runner = createProjectionRunner({
      olap,
      source,
      // With Kafka as the live source, rebuilds read the store from position 0 (it holds every event).
      ...(store && config.BUS === 'kafka' ? { rebuildSource: storeEventSource(store) } : {}),
      projections: PROJECTIONS,
      log: log.child({ name: 'projections' }),
      ...(publisher ? { onDeadLetters: (letters) => publisher.publish(letters) } : {}),
    });
    await runner.start();
    stops.push(() => runner!.stop());
  }

  let relay: Relay | undefined;
  if (services.has('relay') && store) {
    relay = createRelay({
      store,
      kafka: { brokers: config.KAFKA_BROKERS.split(','), clientId: 'brain-relay' },
      topic: config.KAFKA_TOPIC,
      partitions: config.KAFKA_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION,
      checkpoint: { path: path.join(config.DATA_DIR, 'relay-checkpoint.json') },
      log: log.child({ name: 'relay' }),
    });
    await relay.start();
    stops.push(() => relay!.stop());
  }

  const ingest =
    services.has('ingest') && store
      ? createIngestService({
          store,
          personSalt: personSalt(config),
          // Where this process has the engine: a distributed ingest-only process does not count them.
          ...(olap ? { rejections: createOlapRejectionLog(olap), onRejectionLogError: (err: unknown) => log.warn({ err }, 'could not count rejected records for the data-quality board') } : {}),
        })
      : undefined;
  // KPI tables: materialized where projections run, read on the viewers' own session where the API runs.
  const kpiTables = olap && (services.has('api') || runner) ? await startKpiTables({ openOlap: () => openOlap(config), runner, log, metrics }) : undefined;
  if (kpiTables) stops.push(() => kpiTables.stop());
  const kpis = kpiTables?.kpis ?? (olap ? createKpiQueries(olap) : undefined);
  // Early warning: the monitor runs beside the materializer; the rules and warnings are read where the API runs.
  let monitoring: MonitoringRoot | undefined;
  // No evaluation while sample history is being seeded: half a history would raise warnings that
  // the rest of it clears, and the log would keep both.
  let seedingDone = false;
  if (store && olap && (services.has('api') || kpiTables?.materializer)) {
    const live = runner;
    // An engine session of its own: an evaluation's reads never queue behind the runner's writes.
    const session = await openOlap(config);
    stops.push(() => session.close());
    monitoring = startMonitoring({
      store,
      olap: session,
      kpis: createKpiQueries(session),
      // The monitor writes events of its own; WARNINGS=false leaves the store to the departments.
      ...(kpiTables?.materializer && config.WARNINGS ? { materializer: kpiTables.materializer } : {}),
      ready: async () => seedingDone && (!live || (await live.status()).every((s) => s.state === 'live')),
      log: log.child({ name: 'warnings' }),
    });
    const m = monitoring;
    stops.push(() => m.stop());
  }
  // Periodic assessment reports: served where the API runs, issued on schedule where the materializer runs.
  let reports: ReportsRoot | undefined;
  if (store && olap && monitoring && kpis) {
    const live = runner;
    const reportsOlap = await openOlap(config);
    stops.push(() => reportsOlap.close());
    reports = startReports({
      store,
      olap: reportsOlap,
      kpis,
      rules: monitoring.rules,
      ...(kpiTables ? { settledUntil: () => kpiTables.head()?.recordedAt } : {}),
      dataDir: config.DATA_DIR,
      ...(kpiTables?.materializer && config.REPORTS
        ? { schedule: { ready: async () => seedingDone && (!live || (await live.status()).every((s) => s.state === 'live')) } }
        : {}),
      log: log.child({ name: 'reports' }),
    });
    const r = reports;
    stops.push(() => r.stop());
  }

  async function projectionStatus(): Promise<ProjectionStatusView[]> {
    // A process without projections of its own (the distributed API) reads their bookkeeping.
    const statuses = runner ? await runner.status() : olap ? await readProjectionStatus(olap, PROJECTIONS, store ? (await store.head()).position : 0) : [];
    return statuses.map(({ name, version, checkpoint, lagEvents, lagSeconds, state }) => ({ name, version, checkpoint, lagEvents, lagSeconds, state }));
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(httpMetrics(metrics));
  app.use(accessLog(log.child({ name: 'http' })));
  app.use(securityHeaders());
  app.use(
    MOUNTS.root,
    healthRouter({
      services: [...services],
      checks: async () => {
        const checks: Record<string, boolean> = { started: ready };
        if (store) checks.store = await store.head().then(() => true, () => false);
        if (olap) checks.olap = await olap.ping().catch(() => false);
        return checks;
      },
      // Metrics tell volumes, store head and memory: for any holder of a key (as /api/v1/status), not
      // for anyone who can reach the port. Prometheus scrapes with a key of its own (docs/operations.md).
      requireKey: keyring.requireRole('viewer', 'ingest'),
      metrics: async () => {
        if (store) metrics.storeHead.set((await store.head()).position);
        for (const p of await projectionStatus()) {
          metrics.projectionLag.set({ projection: p.name }, p.lagEvents);
          metrics.projectionAheadOfStore.set({ projection: p.name }, p.state === 'ahead-of-store' ? 1 : 0);
        }
        return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
      },
    }),
  );
  // The API contract and its reference page: public, whatever services this process runs.
  app.use(MOUNTS.api, createOpenApiRouter());
  if (ingest) app.use(MOUNTS.ingest, createIngestRouter({ ingest, keyring, limits: ingestLimitsOf(config) }));
  if (kpis) {
    // The routers name roles as strings; the keyring checks them against its own list.
    const requireRole = (...roles: string[]) => keyring.requireRole(...(roles as Parameters<Keyring['requireRole']>));
    let entityFiles: EntityRouterDeps | undefined;
    let points: PointsQueries | undefined;
    if (olap && services.has('api')) {
      // Profiles read the fact tables on a session of their own: never queued behind projection
      // writes or the KPI screens' reads.
      const profilesOlap = await openOlap(config);
      stops.push(() => profilesOlap.close());
      entityFiles = {
        entities: createEntityReader(profilesOlap),
        ...(store ? { readStream: (streamId: string) => store.readStream(streamId) } : {}),
        requireRole,
      };
      // Innovation points read the same fact tables on the profiles' session; the sets are data, checked here.
      points = createPointsQueries(profilesOlap, loadIndicatorSets(), {
        version: async () => (await projectionStatus()).map((p) => `${p.name}:${p.version}:${p.checkpoint}`).join('|'),
      });
    }
    const files = entityFiles;
    app.use(MOUNTS.exports, createExportRouter({ kpis, requireRole, ...(files ? { entities: { profile: (id, o) => loadEntityProfile(files, id, o) } } : {}), ...(points ? { points } : {}) }));
    if (files) app.use(MOUNTS.api, createEntityRouter(files));
    if (points) app.use(MOUNTS.api, createPointsRouter({ points, requireRole }));
    if (monitoring) app.use(MOUNTS.api, createWarningsRouter(monitoring.api, requireRole));
    if (reports) app.use(MOUNTS.api, createReportsRouter(reports.service, requireRole));
    app.use(
      MOUNTS.api,
      createApiRouter({
        storeHead: async () => (store ? store.head() : { position: 0, events: 0 }),
        projections: projectionStatus,
        kpis,
        requireRole,
        rebuildProjection: runner ? (name) => runner!.rebuildProjection(name) : undefined,
        ...(kpiTables ? { kpiVersion: () => kpiTables.version(), kpiTablesHead: () => kpiTables.head(), onKpiError: (id: string, err: unknown) => kpiTables.onKpiError(id, err) } : {}),
        ...(kpiTables?.changes ? { changes: kpiTables.changes } : {}),
        ...(monitoring ? { warnings: monitoring.api } : {}),
        ...(monitoring?.monitor ? { warningFeed: { subscribe: (l) => monitoring!.monitor!.onTransition(l) } } : {}),
      }),
    );
  }
  if (services.has('api')) app.use(dashboardsRouter());
  app.use(notFoundHandler());
  app.use(problemHandler({ log: log.child({ name: 'http' }) }));

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
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  ready = true;
  log.info({ url, services: [...services] }, `serving on ${url} (dashboards /, API /api/v1, ingest /api/v1/ingest)`);
  // Development keys only (they sit in a file next to the data anyway): a link that opens the screens.
  if (services.has('api') && keyring.devKeys) log.info(`leadership screen (development viewer key): ${url}/#key=${keyring.devKeys.viewer}`);

  let trickle: Trickle | undefined;
  const wantSeed = options.seed ?? config.SEED;
  const wantTrickle = options.trickle ?? config.TRICKLE;
  const seeded: Promise<void> =
    ingest && store
      ? (async () => {
          // Seed an empty store, or finish a seeding that a crash interrupted (re-sending is safe:
          // what already landed comes back as duplicates). A store with real data is never seeded.
          const marker = path.join(config.DATA_DIR, 'seed-state.json');
          const previous = readSeedState(marker);
          const interrupted = previous?.state === 'running';
          if (wantSeed && (interrupted || (await store.head()).position === 0)) {
            if (interrupted) log.warn('the last seeding was interrupted: resuming it');
            // A resumed seeding sends the same history again (its size as first chosen), so what
            // already landed comes back as duplicates and nothing is seeded twice.
            const enterprises = (interrupted ? previous.enterprises : undefined) ?? config.SEED_ENTERPRISES;
            writeSeedState(marker, { state: 'running', since: new Date().toISOString(), enterprises });
            const summary = await runSeed({ ingest, log, history: { enterprises }, onProgress: options.onSeedProgress });
            writeSeedState(marker, { state: 'complete', at: new Date().toISOString(), enterprises, ...summary });
            // The sample departments explain some of the records filing review flagged (填报说明).
            // Part of the monitoring sample: WARNINGS=false leaves the store to the departments' records.
            const m = monitoring;
            const live = runner;
            if (m && live && config.WARNINGS) {
              void fileSampleExplanations({
                caughtUp: async () => {
                  const head = (await store.head()).position;
                  return (await live.status()).every((st) => st.state === 'live' && st.checkpoint >= head);
                },
                awaiting: async () => {
                  const board = await m.queries.dataQuality({ rules: (await m.rules.current()).rules });
                  return board.units.flatMap((u) => u.awaitingExplanation.map((a) => ({ eventId: a.eventId, unit: u.unit, flags: a.flags })));
                },
                file: (body, actor) => m.api.explanations.file(body, actor),
                stopped: () => stopped,
              })
                .then((n) => log.info(`sample data: ${n} flagged records explained (填报说明)`))
                .catch((err: unknown) => log.warn({ err }, 'sample explanations failed'));
            }
          }
          if (wantTrickle) {
            trickle = startTrickle({ ingest: (records) => ingest.ingest(records, { actor: 'system:trickle' }) });
            log.info('live trickle of sample records started (--no-trickle turns it off)');
          }
        })().catch((err: unknown) => log.error({ err }, 'seeding failed'))
      : Promise.resolve();
  void seeded.finally(() => {
    seedingDone = true;
  });

  let stopped = false;
  return {
    services,
    url,
    olapUrl,
    keyring,
    store,
    olap,
    runner,
    ingest,
    kpiTables,
    ...(monitoring ? { monitoring } : {}),
    ...(reports ? { reports } : {}),
    seeded,
    async stop() {
      if (stopped) return;
      stopped = true;
      await trickle?.stop();
      for (const stop of stops.reverse()) {
        await stop().catch((err: unknown) => log.warn({ err }, 'error while stopping'));
      }
    },
  };
}
