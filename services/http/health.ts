import express, { type RequestHandler, type Router } from 'express';

export interface HealthDeps {
  /** The services this process runs. */
  services: readonly string[];
  /** Each readiness check by name (started, store, olap): true when it passes. */
  checks(): Promise<Record<string, boolean>>;
  /** Guards /metrics: a key of any role. */
  requireKey: RequestHandler;
  /** The Prometheus exposition, refreshed for this scrape. */
  metrics(): Promise<{ contentType: string; body: string }>;
}

/**
 * Liveness, readiness and metrics, mounted at the root (`/healthz`, `/readyz`, `/metrics`).
 * Health and readiness are public (orchestrators probe them without keys); metrics tell volumes,
 * store head and memory, so they need a key, as `/api/v1/status` does.
 */
export function healthRouter(deps: HealthDeps): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', services: [...deps.services] });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = await deps.checks();
    const ok = Object.values(checks).every(Boolean);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
  });
  router.get('/metrics', deps.requireKey, async (_req, res) => {
    const { contentType, body } = await deps.metrics();
    res.type(contentType).send(body);
  });
  return router;
}
