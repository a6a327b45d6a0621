import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';

/** The leadership screens' folder: static files, no build step. */
export const DASHBOARDS_DIR = path.join(import.meta.dirname, '..', '..', 'dashboards');

/**
 * Serves the dashboards: their own files, and ECharts from its npm package (a dependency, not a
 * copy in the repository) at `/vendor/echarts.min.js`, where index.html loads it.
 */
export function dashboardsRouter(): Router {
  const echarts = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');
  const router = express.Router();
  router.get('/vendor/echarts.min.js', (_req, res) => res.sendFile(echarts, { maxAge: '1h' }));
  router.use(express.static(DASHBOARDS_DIR, { index: 'index.html' }));
  return router;
}
