import express, { type Router } from 'express';
import { ValidationError } from '../../contracts/errors.ts';
import { kpiStatuses } from '../../contracts/warningView.ts';
import { DataQualityQuery, WarningsQuery, type DataQualityView, type RuleSetView, type WarningView } from '../../contracts/monitoring.ts';
import { actorOf, principalOf } from '../auth/keyring.ts';
import type { Explanations } from '../monitoring/explanations.ts';
import type { RuleBook } from '../monitoring/ruleBook.ts';
import { parseQuery } from './parseQuery.ts';

/** What early warning offers the read API (services do not import projections; the composition root joins them). */
export interface WarningsDeps {
  list(filter: WarningFilterQuery): Promise<WarningView[]>;
  rules: RuleBook;
  /** The data-quality board as known at `asOf`, with the cadences of the rule table in force. */
  dataQuality(options: { asOf?: string; rules: RuleSetView['rules'] }): Promise<DataQualityView>;
  /** Files a department's explanation of a flagged record (POST /explanations). */
  explanations: Explanations;
}

/** The filters of GET /warnings (status defaults to `open`). */
export type WarningFilterQuery = Partial<WarningsQuery>;

export { kpiStatuses };

/** GET /warnings (viewer), GET and PUT /warning-rules (admin). */
export function createWarningsRouter(deps: WarningsDeps, requireRole: (...roles: string[]) => express.RequestHandler): Router {
  const router = express.Router();
  const viewer = requireRole('viewer');
  const admin = requireRole('admin');
  const json = express.json({ limit: '256kb', strict: true });

  router.get('/warnings', viewer, async (req, res) => {
    const q = parseQuery(WarningsQuery, req);
    const warnings = await deps.list(q);
    // Counts and statuses cover every open warning the other filters select, whatever `status` lists.
    const open = q.status === 'open' ? warnings : await deps.list({ ...q, status: 'open' });
    res.json({
      asOf: q.asOf ?? null,
      counts: { 关注: open.filter((w) => w.severity === '关注').length, 预警: open.filter((w) => w.severity === '预警').length },
      statuses: kpiStatuses(open),
      warnings,
    });
  });

  // 数据质量: per sending department, what it sent, when, corrections and flags (viewer).
  router.get('/data-quality', viewer, async (req, res) => {
    const { asOf } = parseQuery(DataQualityQuery, req);
    const { rules } = await deps.rules.current();
    res.json(await deps.dataQuality({ ...(asOf ? { asOf } : {}), rules }));
  });

  // 填报说明: the department that sent a flagged record explains it (ingest role, as for sending).
  router.post('/explanations', requireRole('ingest'), json, async (req, res) => {
    if (!req.is('application/json'))
      throw new ValidationError('Content-Type 应为 application/json', [{ field: 'Content-Type', reason: '不支持的内容类型', value: req.get('content-type') ?? '' }]);
    const result = await deps.explanations.file(req.body, actorOf(principalOf(res)));
    res.status(result.duplicate ? 200 : 201).json(result);
  });

  router.get('/warning-rules', admin, async (_req, res) => {
    res.json(await deps.rules.current());
  });

  router.put('/warning-rules', admin, json, async (req, res) => {
    if (!req.is('application/json'))
      throw new ValidationError('Content-Type 应为 application/json', [{ field: 'Content-Type', reason: '不支持的内容类型', value: req.get('content-type') ?? '' }]);
    const result = await deps.rules.change(req.body, actorOf(principalOf(res)));
    res.status(result.changed ? 201 : 200).json(result);
  });

  return router;
}
