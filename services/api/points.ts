/**
 * Innovation points (创新积分), viewer role: `GET /points/sets` (the indicator sets kept as data),
 * `GET /points` (a year's ranking within revenue-stage groups), `GET /points/:id` (one firm's
 * points per indicator with the input figures). `asOf` answers as known at an instant.
 */
import express from 'express';
import { POINT_FACTS, PointsBreakdownQuery, PointsRankingQuery } from '../../contracts/points.ts';
import type { PointsQueries } from '../../projections/points/queries.ts';
import { checkEntityId } from './entities.ts';
import { parseQuery } from './parseQuery.ts';

export interface PointsRouterDeps {
  points: Pick<PointsQueries, 'sets' | 'ranking' | 'breakdown'>;
  requireRole(...roles: string[]): express.RequestHandler;
}

export function createPointsRouter(deps: PointsRouterDeps): express.Router {
  const router = express.Router();
  const viewer = deps.requireRole('viewer');

  router.get('/points/sets', viewer, (_req, res) => {
    res.json({ sets: deps.points.sets(), facts: POINT_FACTS });
  });

  router.get('/points', viewer, async (req, res) => {
    res.json(await deps.points.ranking(parseQuery(PointsRankingQuery, req)));
  });

  router.get('/points/:id', viewer, async (req, res) => {
    const id = checkEntityId(req.params.id);
    res.json(await deps.points.breakdown(id, parseQuery(PointsBreakdownQuery, req)));
  });

  return router;
}
