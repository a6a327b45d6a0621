import express, { type Request, type Router } from 'express';
import { DrilldownQuery, ScorecardQuery, SeriesQuery, type KpiChange, type ProjectionStatus } from '../../contracts/api/kpis.ts';
import { NotFoundError } from '../../contracts/errors.ts';
import { DRILLDOWN_COLUMN_LABELS, KPI_CATALOG, kpiById } from '../../contracts/kpis.ts';
import { LABELS } from '../../contracts/labels.ts';
import type { StoreHead } from '../../contracts/ports.ts';
import type { KpiReader } from './kpiReader.ts';
import { parseQuery } from './parseQuery.ts';
import { kpiStatuses, type WarningsDeps } from './warningsRouter.ts';

/** One projection's progress, as GET /status shows it (contracts/api/kpis.ts). */
export type ProjectionStatusView = ProjectionStatus;

export interface ApiDeps {
  storeHead(): Promise<StoreHead>;
  projections(): Promise<ProjectionStatusView[]>;
  kpis: KpiReader;
  requireRole(...roles: string[]): express.RequestHandler;
  /** Rebuilds one projection (admin); absent where this process runs no projections. */
  rebuildProjection?(name: string): Promise<void>;
  /** Rebuilds every projection in one pass over the log (admin); absent where this process runs no projections. */
  rebuildProjections?(): Promise<void>;
  /** Entries kept by the KPI response cache (default 500; 0 turns it off). */
  cacheEntries?: number;
  /** How long a cached KPI answer may be served after the checkpoints moved (default 5,000 ms; 0: never). */
  cacheStaleMs?: number;
  /**
   * What the KPI answers reflect (the KPI tables' position and day), when they come from KPI
   * tables: the response cache keys on it instead of the projection checkpoints.
   */
  kpiVersion?(): string | undefined;
  /** Where the KPI tables stand (GET /status `kpiTables`): the store position and record instant they reflect. */
  kpiTablesHead?(): { position: number; recordedAt: string } | undefined;
  /** A KPI's query failed while listing /kpis: count it and log it (the answer shows the error). */
  onKpiError?(kpiId: string, err: unknown): void;
  /** KPI value changes as they land in the KPI tables (GET /stream); absent: the route answers 404. */
  changes?: KpiChangeFeed;
  /** Early warning: GET /warnings, /warning-rules, warnings in the scorecards. */
  warnings?: WarningsDeps;
  /** Warnings raised and cleared, for the live stream (`warning` events); where the monitor runs. */
  warningFeed?: WarningFeed;
}

/** A warning raised or cleared, as the stream sends it. */
export interface WarningStreamEvent {
  transition: 'raised' | 'cleared';
  warningId: string;
  eventId: string;
  recordedAt: string;
  data: Record<string, unknown>;
}

export interface WarningFeed {
  subscribe(listener: (t: WarningStreamEvent) => void): () => void;
}

/** One KPI value that changed, as the stream sends it (contracts/api/kpis.ts). */
export type KpiChangeEvent = KpiChange;

export interface KpiChangeFeed {
  /** Calls `listener` with each batch of changes (one per materializer run); returns the unsubscribe. */
  subscribe(listener: (changes: KpiChangeEvent[], head: { position: number; recordedAt: string }) => void): () => void;
}

/** How a failed KPI shows in /kpis: not "no data" but an error with a code and a reason. */
export function kpiErrorOf(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'internal';
  // A query's text stays in the log; the screen gets the reason only.
  const message = String(e.message ?? err).replace(/\s*\(query:[\s\S]*$/, '').slice(0, 300);
  return { code, message };
}

/**
 * KPI answers only change when a projection checkpoint moves, so responses are cached under the
 * request URL and served while the checkpoints are unchanged (PERFORMANCE.md: an uncached chDB KPI
 * endpoint serves ~150 req/s). Under a steady trickle of events the checkpoints move every second;
 * an answer younger than `staleMs` is then still served, so a screen stays fast and at most that
 * much behind. A request with an explicit `asOf` is deterministic and never stale.
 */
function createResponseCache(limit: number, staleMs: number) {
  const entries = new Map<string, { version: string; at: number; value: Promise<unknown> }>();
  return {
    get<T>(key: string, version: string, compute: () => Promise<T>, stale = staleMs): Promise<T> {
      if (limit <= 0) return compute();
      const hit = entries.get(key);
      if (hit && (hit.version === version || Date.now() - hit.at < stale)) {
        entries.delete(key);
        entries.set(key, hit);
        return hit.value as Promise<T>;
      }
      // The promise is cached, so concurrent identical requests share one computation.
      const value = compute();
      entries.set(key, { version, at: Date.now(), value });
      value.catch(() => entries.delete(key));
      if (entries.size > limit) entries.delete(entries.keys().next().value as string);
      return value;
    },
  };
}

function kpiOr404(id: string) {
  const kpi = kpiById(id);
  if (!kpi) throw new NotFoundError(`unknown KPI "${id}"; GET /api/v1/kpis lists the ids`);
  return kpi;
}

/**
 * The read API for dashboards and other systems: status, the KPI catalog with latest values,
 * series, drill-downs and department scorecards. Thin: every figure comes from projections/kpi.
 */
export function createApiRouter(deps: ApiDeps): Router {
  const router = express.Router();
  // Roles grant upwards (admin everything, analyst what a viewer may): see services/auth/keyring.ts.
  const viewer = deps.requireRole('viewer');
  const anyRole = deps.requireRole('viewer', 'ingest');
  const admin = deps.requireRole('admin');
  const cache = createResponseCache(deps.cacheEntries ?? 500, deps.cacheStaleMs ?? 5_000);
  const version = async () => (await deps.projections()).map((p) => `${p.name}:${p.version}:${p.checkpoint}`).join('|');
  // Answers from the KPI tables are milliseconds away: key on the tables' head and never serve a
  // stale one (the live screens follow the stream). Until the tables exist, the fact tables' rule holds.
  const cached = async <T>(req: Request, compute: () => Promise<T>) => {
    const kpiVersion = deps.kpiVersion?.();
    return kpiVersion !== undefined ? cache.get(req.originalUrl, kpiVersion, compute, 0) : cache.get(req.originalUrl, await version(), compute);
  };

  router.get('/status', anyRole, async (_req, res) => {
    const [head, projections] = await Promise.all([deps.storeHead(), deps.projections()]);
    const kpiTables = deps.kpiTablesHead?.();
    res.json({
      store: { head: head.position, events: head.events },
      projections,
      // KPI answers reflect this position (null: tables not built yet, or none in this process).
      kpiTables: kpiTables ? { position: kpiTables.position, recordedAt: kpiTables.recordedAt } : null,
    });
  });

  router.get('/kpis', viewer, async (req, res) => {
    const kpis = await cached(req, () => Promise.all(
      KPI_CATALOG.map(async (k) => ({
        id: k.id,
        name: k.name,
        unit: k.unit,
        kind: k.kind,
        task: k.task,
        leadUnit: k.leadUnit,
        priority: k.priority,
        dimension: k.dimension,
        valueUnit: k.valueUnit,
        grains: k.grains,
        components: k.components,
        // A failing query is shown as a failure, never as "no data" (latest: null alone).
        ...(await deps.kpis.latest(k.id).then(
          (latest) => ({ latest, state: latest === null ? ('no-data' as const) : ('ok' as const) }),
          (err: unknown) => {
            deps.onKpiError?.(k.id, err);
            return { latest: null, state: 'error' as const, error: kpiErrorOf(err) };
          },
        )),
      })),
    ));
    res.json({ kpis });
  });

  // Server-Sent Events: each materializer run's KPI value changes, as one `kpi-changes` event.
  router.get('/stream', viewer, (req, res) => {
    if (!deps.changes) throw new NotFoundError('this process keeps no KPI tables (no live stream here)');
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write(`retry: 2000\n: connected\n\n`);
    const unsubscribe = deps.changes.subscribe((changes, head) => {
      if (changes.length === 0) return;
      res.write(`id: ${head.position}\nevent: kpi-changes\ndata: ${JSON.stringify({ position: head.position, recordedAt: head.recordedAt, changes })}\n\n`);
    });
    const unsubscribeWarnings = deps.warningFeed?.subscribe((t) => {
      res.write(`event: warning\ndata: ${JSON.stringify(t)}\n\n`);
    });
    // Comments keep proxies from closing an idle stream.
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      unsubscribe();
      unsubscribeWarnings?.();
    });
  });

  router.get('/labels', viewer, (_req, res) => {
    res.json(LABELS);
  });

  router.get('/kpis/:id', viewer, (req, res) => {
    res.json(kpiOr404(String(req.params.id)));
  });

  router.get('/kpis/:id/series', viewer, async (req, res) => {
    const kpi = kpiOr404(String(req.params.id));
    const q = parseQuery(SeriesQuery, req);
    const to = q.to ?? new Date().toISOString().slice(0, 7);
    res.json({ kpi: kpi.id, grain: q.grain, series: await cached(req, () => deps.kpis.series(kpi.id, { ...q, to })) });
  });

  router.get('/kpis/:id/drilldown', viewer, async (req, res) => {
    const kpi = kpiOr404(String(req.params.id));
    const q = parseQuery(DrilldownQuery, req);
    res.json({
      kpi: kpi.id,
      period: q.period,
      entities: await cached(req, () => deps.kpis.drilldown(kpi.id, q.period, { asOf: q.asOf, breakdownValue: q.value })),
      labels: DRILLDOWN_COLUMN_LABELS,
    });
  });

  router.get('/scorecards/:leadUnit', viewer, async (req, res) => {
    const q = parseQuery(ScorecardQuery, req);
    const leadUnit = String(req.params.leadUnit);
    const scorecard = await cached(req, () => deps.kpis.scorecard(leadUnit, q.period, { asOf: q.asOf }));
    if (!deps.warnings) return void res.json(scorecard);
    // Warnings move on their own (the monitor's clock), so they are read fresh, never from the cache.
    const warnings = await deps.warnings.list({ leadUnit: scorecard.leadUnit, status: 'open', ...(q.asOf ? { asOf: q.asOf } : {}) });
    const statuses = kpiStatuses(warnings);
    res.json({
      ...scorecard,
      kpis: scorecard.kpis.map((k) => ({ ...k, warningStatus: k.target === null ? null : (statuses[k.id] ?? '正常') })),
      warnings,
    });
  });


  router.post('/admin/projections/rebuild', admin, async (_req, res) => {
    if (!deps.rebuildProjections) throw new NotFoundError('this process runs no projections (SERVICES has no projector)');
    const started = Date.now();
    await deps.rebuildProjections();
    res.json({ projections: (await deps.projections()).map((p) => p.name), rebuilt: true, seconds: (Date.now() - started) / 1000 });
  });

  router.post('/admin/projections/:name/rebuild', admin, async (req, res) => {
    if (!deps.rebuildProjection) throw new NotFoundError('this process runs no projections (SERVICES has no projector)');
    const name = String(req.params.name);
    const known = (await deps.projections()).some((p) => p.name === name);
    if (!known) throw new NotFoundError(`unknown projection "${name}"; GET /api/v1/status lists them`);
    const started = Date.now();
    await deps.rebuildProjection(name);
    res.json({ projection: name, rebuilt: true, seconds: (Date.now() - started) / 1000 });
  });

  return router;
}
