import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process, served at GET /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({ name: 'brain_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    httpDuration: new Histogram({ name: 'brain_http_request_seconds', help: 'HTTP request duration', labelNames: ['method', 'route'], buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry] }),
    ingested: new Counter({ name: 'brain_ingest_records_total', help: 'Ingested records by outcome', labelNames: ['outcome'], registers: [registry] }),
    storeHead: new Gauge({ name: 'brain_store_head_position', help: 'Global position of the newest stored event', registers: [registry] }),
    projectionLag: new Gauge({ name: 'brain_projection_lag_events', help: 'Events behind the store head, per projection (negative: checkpoint ahead of the store)', labelNames: ['projection'], registers: [registry] }),
    projectionAheadOfStore: new Gauge({
      name: 'brain_projection_ahead_of_store',
      help: '1 when the projection checkpoint is ahead of the event store head (the store lost events; rebuild), else 0',
      labelNames: ['projection'],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
