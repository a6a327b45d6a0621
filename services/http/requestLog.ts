/** Per-request middleware: the access log and the HTTP metrics. */
import type express from 'express';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';

/**
 * One access-log line per request: writes and failures at info (an operator follows who sent
 * what), successful reads at debug (the screens poll every few seconds). Never logs keys or bodies.
 */
export function accessLog(log: Logger): express.RequestHandler {
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

/** Request counts by method, route and status, and durations by route. */
export function httpMetrics(metrics: Metrics): express.RequestHandler {
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
