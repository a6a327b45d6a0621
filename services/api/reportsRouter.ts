import express, { type RequestHandler, type Router } from 'express';
import { shanghaiToday } from '../../contracts/dates.ts';
import { ValidationError } from '../../contracts/errors.ts';
import { ReportPeriodLabel, ReportQuery, type ReportFormat } from '../../contracts/reports.ts';
import type { IssuedReport, ReportService } from '../reports/service.ts';
import { contentDisposition } from './export/encode.ts';
import { AS_OF_HEADER } from './exports.ts';
import { parseQuery } from './parseQuery.ts';

const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

const pad = (n: number) => String(n).padStart(2, '0');

/** Periods the list looks at: the last 24 months, 8 quarters, 4 halves and 5 years before today, newest first. */
export function recentPeriods(today: string): string[] {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const out: string[] = [];
  for (let i = 1; i <= 24; i++) {
    const k = y * 12 + (m - 1) - i;
    out.push(`${Math.floor(k / 12)}-${pad((k % 12) + 1)}`);
  }
  const q = y * 4 + Math.ceil(m / 3) - 1;
  for (let i = 1; i <= 8; i++) out.push(`${Math.floor((q - i) / 4)}-Q${((q - i) % 4) + 1}`);
  const h = y * 2 + (m <= 6 ? 0 : 1);
  for (let i = 1; i <= 4; i++) out.push(`${Math.floor((h - i) / 2)}-H${((h - i) % 2) + 1}`);
  for (let i = 1; i <= 5; i++) out.push(String(y - i));
  return out;
}

/** GET /reports (issued ones) and GET /reports/:period (built as of an instant, in JSON, XLSX or PDF). */
export function createReportsRouter(service: ReportService, requireRole: (...roles: string[]) => RequestHandler): Router {
  const router = express.Router();
  const viewer = requireRole('viewer');

  router.get('/reports', viewer, async (_req, res) => {
    const found = await Promise.all(recentPeriods(shanghaiToday()).map((p) => service.issued(p)));
    const reports = found.filter((r): r is IssuedReport => r !== null).sort((a, b) => b.issuedAt.localeCompare(a.issuedAt) || b.period.localeCompare(a.period));
    res.json({ reports });
  });

  router.get('/reports/:period', viewer, async (req, res) => {
    const period = ReportPeriodLabel.safeParse(req.params.period);
    if (!period.success) {
      throw new ValidationError(`报告期格式错误: ${String(req.params.period)} (应为 2025、2025-H1、2025-Q3 或 2025-09)`, [
        { field: 'period', reason: 'format', value: String(req.params.period) },
      ]);
    }
    const q = parseQuery(ReportQuery, req);
    const asOf = q.asOf === undefined ? new Date() : new Date(q.asOf);
    const request = `${req.baseUrl}/reports/${period.data}?asOf=${encodeURIComponent(asOf.toISOString())}`;
    const { body } = await service.render(period.data, asOf, q.format, request);
    const headers: Record<string, string> = { 'Content-Type': CONTENT_TYPES[q.format], [AS_OF_HEADER]: asOf.toISOString(), 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff' };
    if (q.format !== 'json') headers['Content-Disposition'] = contentDisposition({ zh: `监测评估报告_${period.data}`, ascii: `assessment_report_${period.data}` }, q.format);
    res.status(200).set(headers).send(body);
  });

  return router;
}
