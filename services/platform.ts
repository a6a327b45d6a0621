/**
 * The composition root of one platform process: opens the store and the engine, starts the
 * services SERVICES names (ingest, relay, projector, api, olap) and wires them together. The
 * concerns live beside it in services/platform/: service selection, the person-ID salt, the
 * engine and SQL gateway, the HTTP app, sample seeding and its marker.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EventSource, EventStore, OlapClient } from '../contracts/ports.ts';
import { createKpiQueries } from '../projections/kpi/index.ts';
import { createEntityReader } from '../projections/entities/profiles.ts';
import { createPointsQueries, type PointsQueries } from '../projections/points/queries.ts';
import { loadIndicatorSets } from '../projections/points/sets.ts';
import { PROJECTIONS } from '../projections/registry.ts';
import { createBookkeeping } from '../projections/runner/bookkeeping.ts';
import { createProjectionRunner, type ProjectionRunner } from '../projections/runner/projectionRunner.ts';
import { readProjectionStatus } from '../projections/runner/readStatus.ts';
import { storeEventSource } from '../projections/runner/storeEventSource.ts';
import type { EntityRouterDeps } from './api/entities.ts';
import type { ProjectionStatusView } from './api/router.ts';
import { loadKeyring, type Keyring } from './auth/keyring.ts';
import { createDeadLetterPublisher } from './bus/dlq.ts';
import { kafkaEventSource } from './bus/kafkaEventSource.ts';
import { createRelay, type Relay } from './bus/relay.ts';
import type { Config } from './config/config.ts';
import { createEventStore } from './eventStore/index.ts';
import { createIngestService, type IngestService } from './ingest/ingestService.ts';
import { startKpiTables, type KpiTablesRoot } from './kpiTablesRoot.ts';
import { startMonitoring, type MonitoringRoot } from './monitoringRoot.ts';
import type { Logger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { createOlapRejectionLog, ensureRejectionTable } from './olap/rejectionLog.ts';
import { createPlatformApp, listen } from './platform/httpApp.ts';
import { openOlap, startSqlGateway } from './platform/olap.ts';
import { personSalt } from './platform/personSalt.ts';
import { startSeeding } from './platform/seeding.ts';
import { servicesOf, type ServiceName } from './platform/serviceSelection.ts';
import { startReports, type ReportsRoot } from './reportsRoot.ts';

export type { ServiceName } from './platform/serviceSelection.ts';

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

  // One chDB engine per process: the SQL gateway and the platform's client share its path.
  let olapUrl: string | undefined;
  if (services.has('olap')) {
    const gateway = await startSqlGateway(config, keyring, log);
    olapUrl = gateway.url;
    stops.push(() => gateway.close());
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

  // Profiles and innovation points read the fact tables on a session of their own: never queued
  // behind projection writes or the KPI screens' reads.
  let entities: EntityRouterDeps | undefined;
  let points: PointsQueries | undefined;
  if (kpis && olap && services.has('api')) {
    const profilesOlap = await openOlap(config);
    stops.push(() => profilesOlap.close());
    // The routers name roles as strings; the keyring checks them against its own list.
    const requireRole = (...roles: string[]) => keyring.requireRole(...(roles as Parameters<Keyring['requireRole']>));
    entities = {
      entities: createEntityReader(profilesOlap),
      ...(store ? { readStream: (streamId: string) => store.readStream(streamId) } : {}),
      requireRole,
    };
    // The indicator sets are data, checked here.
    points = createPointsQueries(profilesOlap, loadIndicatorSets(), {
      version: async () => (await projectionStatus()).map((p) => `${p.name}:${p.version}:${p.checkpoint}`).join('|'),
    });
  }
  const app = createPlatformApp({
    config,
    log,
    metrics,
    keyring,
    services,
    started: () => ready,
    projectionStatus,
    store,
    olap,
    runner,
    ingest,
    kpis,
    kpiTables,
    monitoring,
    reports,
    entities,
    points,
  });
  const server = await listen(app, config);
  const url = server.url;
  stops.push(() => server.close());
  ready = true;
  log.info({ url, services: [...services] }, `serving on ${url} (dashboards /, API /api/v1, ingest /api/v1/ingest)`);
  // Development keys only (they sit in a file next to the data anyway): a link that opens the screens.
  if (services.has('api') && keyring.devKeys) log.info(`leadership screen (development viewer key): ${url}/#key=${keyring.devKeys.viewer}`);

  const seeding =
    ingest && store
      ? startSeeding({
          config,
          log,
          ingest,
          store,
          seed: options.seed ?? config.SEED,
          trickle: options.trickle ?? config.TRICKLE,
          onProgress: options.onSeedProgress,
          monitoring,
          runner,
        })
      : undefined;
  const seeded = seeding?.seeded ?? Promise.resolve();
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
      await seeding?.stop();
      for (const stop of stops.reverse()) {
        await stop().catch((err: unknown) => log.warn({ err }, 'error while stopping'));
      }
    },
  };
}
