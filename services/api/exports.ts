import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { ExportDrilldownQuery as DrilldownQuery, ExportEntityQuery as EntityQuery, ExportPointsQuery as PointsQuery, ExportScorecardQuery as ScorecardQuery, ExportSeriesQuery as SeriesQuery } from '../../contracts/api/exports.ts';
import type { EntityProfile } from '../../contracts/entities.ts';
import { ValidationError } from '../../contracts/errors.ts';
import { shanghaiToday } from '../../contracts/dates.ts';
import { LeadUnit, kpiById, type KpiDefinition } from '../../contracts/kpis.ts';
import type { KpiReader } from './kpiReader.ts';
import { parseQuery } from './parseQuery.ts';
import { CONTENT_TYPES, EXTENSIONS, contentDisposition, encode, type ExportFormat } from './export/encode.ts';
import { ENTITY_EXPORT_PARTS, entityDocument } from './export/entity.ts';
import { POINTS_EXPORT_PARTS, pointsDocument } from './export/points.ts';
import type { PointsQueries } from '../../projections/points/queries.ts';
import { checkEntityId } from './entities.ts';
import { NotFoundError } from '../../contracts/errors.ts';
import {
  GRAIN_ZH,
  drilldownDocument,
  scorecardDocument,
  seriesDocument,
  type ExportDocument,
  type MetadataEntry,
} from './export/table.ts';

export interface ExportDeps {
  kpis: KpiReader;
  /** One entity's whole file (services/api/entities.ts loadEntityProfile); absent: the entity export answers 404. */
  entities?: { profile(id: string, options: { asOf?: string }): Promise<EntityProfile> };
  /** Innovation points (创新积分); absent: the points export answers 404. */
  points?: Pick<PointsQueries, 'year'>;
  requireRole(...roles: string[]): RequestHandler;
}

/** The header every export carries: the "as known at" instant it was computed for. */
export const AS_OF_HEADER = 'X-Brain-As-Of';

/** The as-of instant of an export: the one asked for (validated by AsOfParam), or now. */
const resolveAsOf = (asOf: string | undefined): Date => (asOf === undefined ? new Date() : new Date(asOf));

function kpiOr400(id: string): KpiDefinition {
  const kpi = kpiById(id);
  if (!kpi) throw new ValidationError(`没有这个指标: ${id} (GET /api/v1/kpis 列出全部指标编号)`, [{ field: 'id', reason: 'unknown KPI', value: id }]);
  return kpi;
}

/** A month label (YYYY-MM) of an instant in Asia/Shanghai. */
const shanghaiMonth = (at: Date) => shanghaiToday(at).slice(0, 7);

/** The request that reproduces this export: every parameter explicit, asOf included, in a fixed order. */
function reproducingRequest(req: Request, params: Record<string, string | undefined>): string {
  const qs = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return `${req.baseUrl}${req.path}?${qs}`;
}

function commonMetadata(kind: { key: string; zh: string }, asOf: Date, request: string): MetadataEntry[] {
  return [
    { key: 'export', zh: '导出内容', value: `${kind.zh} (${kind.key})` },
    { key: 'as_of', zh: '数据截至 (asOf)', value: asOf.toISOString() },
    { key: 'request', zh: '复现请求', value: request },
    { key: 'reproducibility', zh: '可复现性', value: '以同一请求 (含 asOf) 再次导出, 得到逐字节相同的文件; asOf 之后记录的事件与更正不影响本文件' },
    { key: 'source', zh: '数据来源', value: '长江新区创新大脑: 事件库 → 投影事实表 → 指标查询 (按记录时间 ≤ asOf 计算)' },
    { key: 'attainment', zh: '完成率口径', value: '完成率 = 数值 ÷ 目标值, 不封顶 (1 = 100%); 环比(%) / 同比(%) 已乘以 100' },
    { key: 'format_version', zh: '文件格式版本', value: '1' },
  ];
}

async function send(res: Response, doc: ExportDocument, format: ExportFormat, asOf: Date, tableIndex = 0): Promise<void> {
  const table = doc.tables[tableIndex] ?? doc.tables[0]!;
  const name = tableIndex > 0 && format !== 'xlsx' ? { zh: `${doc.fileName.zh}_${table.sheet}`, ascii: `${doc.fileName.ascii}_part${tableIndex + 1}` } : doc.fileName;
  const body = await encode(doc, format, asOf, table);
  res
    .status(200)
    .set({
      'Content-Type': CONTENT_TYPES[format],
      'Content-Disposition': contentDisposition(name, EXTENSIONS[format]),
      [AS_OF_HEADER]: asOf.toISOString(),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    })
    .send(body);
}

/**
 * Periodic assessment exports (考核导出): a lead unit's scorecard package, a KPI series, a
 * drill-down, as CSV / XLSX / Arrow IPC stream / Parquet. Every export is computed "as known at"
 * one instant (asOf, default now), says so (header and inside the file), and is byte-identical
 * when asked again with the same asOf. Mount at `/api/v1/exports`.
 */
export function createExportRouter(deps: ExportDeps): Router {
  const router = express.Router();
  const viewer = deps.requireRole('viewer');

  router.get('/scorecards/:leadUnit', viewer, async (req, res) => {
    const rawUnit = String(req.params.leadUnit);
    const unit = LeadUnit.safeParse(rawUnit);
    if (!unit.success)
      throw new ValidationError(`没有这个牵头单位: ${rawUnit} (应为 ${LeadUnit.options.join('、')})`, [{ field: 'leadUnit', reason: 'unknown lead unit', value: rawUnit }]);
    const q = parseQuery(ScorecardQuery, req);
    const asOf = resolveAsOf(q.asOf);
    const sc = await deps.kpis.scorecard(unit.data, q.period, { asOf: asOf.toISOString() });
    const request = reproducingRequest(req, { period: q.period, asOf: asOf.toISOString(), format: q.format, ...(q.part !== 'kpis' ? { part: q.part } : {}) });
    const doc = scorecardDocument(sc, {
      metadata: [
        ...commonMetadata({ key: 'scorecard', zh: '部门考核' }, asOf, request),
        { key: 'lead_unit', zh: '牵头单位', value: sc.leadUnit },
        { key: 'period', zh: '考核期间', value: sc.period },
        { key: 'period_start', zh: '期间起', value: sc.start },
        { key: 'period_end', zh: '期间止', value: sc.end },
        { key: 'tasks', zh: '牵头任务', value: sc.tasks.join(',') },
        { key: 'kpi_count', zh: '指标数', value: String(sc.kpis.length) },
        { key: 'milestone_count', zh: '任务节点数', value: String(sc.milestones.length) },
      ],
    });
    await send(res, doc, q.format, asOf, q.part === 'milestones' ? 1 : 0);
  });

  router.get('/kpis/:id/series', viewer, async (req, res) => {
    const kpi = kpiOr400(String(req.params.id));
    const q = parseQuery(SeriesQuery, req);
    const asOf = resolveAsOf(q.asOf);
    // The default end follows asOf, not the clock, so the same asOf always means the same range.
    const to = q.to ?? shanghaiMonth(asOf);
    const points = await deps.kpis.series(kpi.id, { from: q.from, to, grain: q.grain, asOf: asOf.toISOString(), ...(q.breakdown !== undefined ? { breakdown: q.breakdown } : {}) });
    const request = reproducingRequest(req, { from: q.from, to, grain: q.grain, breakdown: q.breakdown, asOf: asOf.toISOString(), format: q.format });
    const doc = seriesDocument(kpi, points, { from: q.from, to, grain: q.grain, ...(q.breakdown !== undefined ? { breakdown: q.breakdown } : {}) }, {
      metadata: [
        ...commonMetadata({ key: 'series', zh: '指标走势' }, asOf, request),
        ...kpiMetadata(kpi),
        { key: 'from', zh: '起', value: q.from },
        { key: 'to', zh: '止', value: to },
        { key: 'grain', zh: '粒度', value: `${GRAIN_ZH[q.grain]} (${q.grain})` },
        ...(q.breakdown !== undefined ? [{ key: 'breakdown', zh: '分组', value: q.breakdown }] : []),
      ],
    });
    await send(res, doc, q.format, asOf);
  });

  router.get('/kpis/:id/drilldown', viewer, async (req, res) => {
    const kpi = kpiOr400(String(req.params.id));
    const q = parseQuery(DrilldownQuery, req);
    const asOf = resolveAsOf(q.asOf);
    const d = await deps.kpis.drilldown(kpi.id, q.period, {
      asOf: asOf.toISOString(),
      ...(q.breakdown !== undefined ? { breakdown: q.breakdown } : {}),
      ...(q.value !== undefined ? { breakdownValue: q.value } : {}),
    });
    const request = reproducingRequest(req, { period: q.period, breakdown: q.breakdown, value: q.value, asOf: asOf.toISOString(), format: q.format });
    const doc = drilldownDocument(kpi, d, {
      metadata: [
        ...commonMetadata({ key: 'drilldown', zh: '指标明细' }, asOf, request),
        ...kpiMetadata(kpi),
        { key: 'period', zh: '期间', value: d.period },
        { key: 'period_start', zh: '期间起', value: d.start },
        { key: 'period_end', zh: '期间止', value: d.end },
        ...(d.breakdown !== undefined ? [{ key: 'breakdown', zh: '分组', value: d.breakdown }] : []),
        ...(d.breakdownValue !== undefined ? [{ key: 'breakdown_value', zh: '分组值', value: d.breakdownValue }] : []),
        { key: 'row_count', zh: '行数', value: String(d.rows.length) },
      ],
    });
    await send(res, doc, q.format, asOf);
  });

  // 一企一档 as a file: 概况, 资质, 时间线, 计入指标, 年度财务.
  router.get('/entities/:id', viewer, async (req, res) => {
    const id = checkEntityId(req.params.id);
    const q = parseQuery(EntityQuery, req);
    if (!deps.entities) throw new NotFoundError('本服务未提供主体档案 (一企一档)');
    const asOf = resolveAsOf(q.asOf);
    const profile = await deps.entities.profile(id, { asOf: asOf.toISOString() });
    const request = reproducingRequest(req, { asOf: asOf.toISOString(), format: q.format, ...(q.part !== 'profile' ? { part: q.part } : {}) });
    const doc = entityDocument(profile, {
      metadata: [
        ...commonMetadata({ key: 'entity', zh: '一企一档' }, asOf, request),
        { key: 'entity_id', zh: '主体编号', value: profile.id },
        { key: 'entity_name', zh: '主体名称', value: profile.name },
        { key: 'entity_kind', zh: '主体类型', value: profile.kindLabel },
        { key: 'timeline_count', zh: '事件数', value: String(profile.timeline.length) },
        { key: 'kpi_count', zh: '计入指标数', value: String(profile.kpis.length) },
      ],
    });
    await send(res, doc, q.format, asOf, ENTITY_EXPORT_PARTS.indexOf(q.part));
  });

  // 创新积分: a year's ranking with every indicator's points, and the indicator set used.
  router.get('/points', viewer, async (req, res) => {
    const q = parseQuery(PointsQuery, req);
    if (!deps.points) throw new NotFoundError('本服务未提供创新积分');
    const asOf = resolveAsOf(q.asOf);
    const scored = await deps.points.year({ year: q.year, set: q.set, asOf: asOf.toISOString() });
    const request = reproducingRequest(req, { year: String(scored.year), set: scored.set.id, asOf: asOf.toISOString(), format: q.format, ...(q.part !== 'ranking' ? { part: q.part } : {}) });
    const doc = pointsDocument(scored, {
      metadata: [
        ...commonMetadata({ key: 'points', zh: '创新积分' }, asOf, request),
        { key: 'year', zh: '评分年度', value: String(scored.year) },
        { key: 'indicator_set', zh: '指标体系', value: `${scored.set.name} (${scored.set.id})` },
        { key: 'set_basis', zh: '指标体系来源', value: scored.set.basis },
        { key: 'ranking', zh: '排名口径', value: '按营业收入分组, 组内按总积分从高到低, 并列同名次、其后名次顺延 (1, 2, 2, 4)' },
        { key: 'firm_count', zh: '评分企业数', value: String(scored.ranked.length) },
      ],
    });
    await send(res, doc, q.format, asOf, POINTS_EXPORT_PARTS.indexOf(q.part));
  });

  return router;
}

function kpiMetadata(kpi: KpiDefinition): MetadataEntry[] {
  return [
    { key: 'kpi_id', zh: '指标编号', value: kpi.id },
    { key: 'kpi_name', zh: '指标名称', value: kpi.name.zh },
    { key: 'unit', zh: '单位', value: kpi.valueUnit },
    { key: 'task', zh: '任务', value: String(kpi.task) },
    { key: 'lead_unit', zh: '牵头单位', value: kpi.leadUnit },
    { key: 'definition', zh: '指标定义', value: kpi.definition },
  ];
}
