import { z } from 'zod';
import { EntityIdParams, EntityProfileQuery, EntityProfileSchema, EntitySearchQuery, EntitySearchResultSchema } from '../entities.ts';
import { EXPORT_FORMATS, EXPORT_MEDIA_TYPES, ExportDrilldownQuery, ExportEntityQuery, ExportPointsQuery, ExportScorecardQuery, ExportSeriesQuery } from './exports.ts';
import { PointSetsResponse, PointsBreakdownQuery, PointsBreakdownSchema, PointsRankingQuery, PointsRankingSchema } from '../points.ts';
import { HealthResponse, ReadyResponse } from './health.ts';
import { LabelsResponse } from '../labels.ts';
import { IssuedReports, Report, ReportPeriodLabel, ReportQuery } from '../reports.ts';
import { DataQualityQuery, DataQualityResponse, ExplanationRequest, ExplanationResponse, RuleChange, RuleChangeResponse, RuleSetSchema, WarningsQuery, WarningsResponse } from '../monitoring.ts';
import { ContextParams, CorrelationHeaders, EventTypeParams, FileUploadHeaders, FileUploadQuery, IngestReportSchema, JsonSchemaDocument, SchemaQuery, TemplatesResponse, ingestRecordSchemas } from './ingest.ts';
import {
  DrilldownQuery,
  KpiDefinitionSchema,
  KpiDrilldownResponse,
  KpiIdParams,
  KpiListResponse,
  KpiSeriesResponse,
  LeadUnitParams,
  ProjectionNameParams,
  RebuildAllResponse,
  RebuildResponse,
  ScorecardQuery,
  ScorecardSchema,
  SeriesQuery,
  StatusResponse,
} from './kpis.ts';
import type { Access } from './security.ts';

/** Where each router of the HTTP API is mounted (services/platform.ts mounts them here). */
export const MOUNTS = {
  /** Health, readiness and metrics: services/http/health.ts. */
  root: '/',
  /** The read API (services/api/router.ts) and the contract itself (services/api/openapi.ts). */
  api: '/api/v1',
  exports: '/api/v1/exports',
  ingest: '/api/v1/ingest',
} as const;

/** The files the reference page (GET /api/v1/docs) loads, all served by the platform. */
export const REFERENCE_ASSETS = ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png', 'reference.js', 'reference.css'] as const;

export type Tag = 'kpis' | 'warnings' | 'reports' | 'entities' | 'points' | 'exports' | 'ingest' | 'operations' | 'contract';

export const TAGS: ReadonlyArray<{ name: Tag; description: string }> = [
  { name: 'kpis', description: '指标 · KPIs: the catalog, latest values, series, drill-downs, department scorecards, the live stream' },
  { name: 'warnings', description: '预警 · Early warning: warnings per KPI, task milestone and source department (as of any instant), and the warning rules kept as data' },
  { name: 'reports', description: '监测评估报告 · Periodic assessment reports: per period (month, quarter, half, year) values, targets, projections, warnings, what moved and why, restatements; JSON, XLSX or PDF, reproducible by their as-of instant' },
  { name: 'entities', description: '一企一档 · Entity profiles: search firms, incubators, platforms and funds; one file per entity with its timeline and KPI memberships' },
  { name: 'points', description: '创新积分 · Innovation points: indicator sets kept as data, a score per firm per year with its per-indicator breakdown, ranks within revenue-stage groups' },
  { name: 'exports', description: '考核导出 · Assessment exports: CSV / XLSX / Arrow / Parquet, reproducible by their as-of instant' },
  { name: 'ingest', description: '数据报送 · Ingest: departments send records (JSON, NDJSON, CSV / XLSX files); templates and JSON Schemas' },
  { name: 'operations', description: '运维 · Operations: status, health, readiness, metrics, projection rebuilds' },
  { name: 'contract', description: '接口契约 · This API contract and its reference page' },
];

/** A success answer: its description and, per media type, the body schema (null: a body the document does not describe, e.g. file bytes). */
export interface SuccessResponse {
  description: string;
  content?: Record<string, z.ZodType | null>;
  headers?: Record<string, string>;
}

/**
 * One route of the HTTP API, declared once: the OpenAPI document is built from these
 * (services/api/openapi.ts), and test/api/openapi.test.ts checks that the routers serve exactly
 * these routes and that their answers match.
 */
export interface RouteContract {
  method: 'get' | 'post' | 'put';
  /** The full path, Express-style (`/api/v1/kpis/:id`). */
  path: string;
  tag: Tag;
  /** 中文 · English. */
  summary: string;
  description?: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the route reads (besides Authorization and Content-Type). */
  headers?: z.ZodObject;
  body?: { description: string; content: Record<string, z.ZodType | null> };
  /** Success answers by status. */
  responses: Record<number, SuccessResponse>;
  /**
   * Statuses answered with a problem, besides those every route may give (401 and 403 for a route
   * with a key, 400 for one with parameters or a body, 500): each with when it happens.
   */
  problems?: Record<number, string>;
}

const json = (schema: z.ZodType) => ({ 'application/json': schema });
const UNKNOWN_KPI = 'An unknown KPI id';

/** Every route of the HTTP API (the SQL gateway, ClickHouse's HTTP protocol on OLAP_PORT, is not part of it). */
export const API_ROUTES: readonly RouteContract[] = [
  // Operations
  {
    method: 'get', path: '/healthz', tag: 'operations', access: 'public',
    summary: '存活检查 · Liveness',
    description: 'Answers 200 while the process runs; says which services it runs.',
    responses: { 200: { description: 'The process is alive', content: json(HealthResponse) } },
  },
  {
    method: 'get', path: '/readyz', tag: 'operations', access: 'public',
    summary: '就绪检查 · Readiness',
    description: 'Whether the process serves: started, and the event store and ClickHouse (where it uses them) answer. 503 with the same body when not.',
    responses: { 200: { description: 'Ready', content: json(ReadyResponse) }, 503: { description: 'Not ready (which check failed is in `checks`)', content: json(ReadyResponse) } },
  },
  {
    method: 'get', path: '/metrics', tag: 'operations', access: ['viewer', 'ingest'],
    summary: 'Prometheus 指标 · Prometheus metrics',
    description: 'Prometheus text exposition: HTTP requests and durations, store head, projection lag, process memory. Any key (viewer, analyst, ingest, admin).',
    responses: { 200: { description: 'Metrics in the Prometheus text format', content: { 'text/plain': z.string() } } },
  },
  {
    method: 'get', path: '/api/v1/status', tag: 'operations', access: ['viewer', 'ingest'],
    summary: '平台状态 · Store head and projection progress',
    responses: { 200: { description: 'The store head and each projection\'s checkpoint and lag', content: json(StatusResponse) } },
  },
  {
    method: 'post', path: '/api/v1/admin/projections/:name/rebuild', tag: 'operations', access: ['admin'],
    summary: '重建投影 · Rebuild a projection',
    description: 'Rebuilds one projection from the event store while the old tables keep serving; answers when the new build is live.',
    params: ProjectionNameParams,
    responses: { 200: { description: 'Rebuilt', content: json(RebuildResponse) } },
    problems: { 404: 'An unknown projection, or a process that runs no projections' },
  },
  {
    method: 'post', path: '/api/v1/admin/projections/rebuild', tag: 'operations', access: ['admin'],
    summary: '重建全部投影 · Rebuild every projection',
    description: 'Rebuilds every projection from the event store in one pass over the log while the old tables keep serving; each new build goes live as soon as it has caught up. Answers when all are live.',
    responses: { 200: { description: 'Rebuilt', content: json(RebuildAllResponse) } },
    problems: { 404: 'A process that runs no projections' },
  },
  // Contract
  {
    method: 'get', path: '/api/v1/openapi.json', tag: 'contract', access: 'public',
    summary: '接口契约 · This OpenAPI 3.1 document',
    description: 'Generated from the zod contracts of the repository (contracts/api). No key needed: it describes shapes, not data.',
    responses: { 200: { description: 'The OpenAPI 3.1 document', content: { 'application/json': z.record(z.string(), z.unknown()) } } },
  },
  {
    method: 'get', path: '/api/v1/docs', tag: 'contract', access: 'public',
    summary: '接口文档页 · Interactive API reference (Swagger UI)',
    description: 'A page that renders this document; works offline (its scripts come from the platform). Use "Authorize" with `Bearer <key>` to try routes.',
    responses: { 200: { description: 'The HTML page', content: { 'text/html': null } } },
  },
  {
    method: 'get', path: '/api/v1/docs/assets/:file', tag: 'contract', access: 'public',
    summary: '接口文档页的文件 · Files of the reference page',
    description: 'Swagger UI from its npm package, and the page\'s own script and styles.',
    params: z.object({ file: z.enum(REFERENCE_ASSETS).meta({ description: 'One of the page\'s files' }) }),
    responses: { 200: { description: 'The file', content: { 'text/javascript': null, 'text/css': null, 'image/png': null } } },
    problems: { 404: 'Any other file' },
  },
  // KPIs
  {
    method: 'get', path: '/api/v1/labels', tag: 'kpis', access: ['viewer'],
    summary: '界面标签 · Chinese labels of the codes the API sends',
    description: 'Dimension, grain, KPI kind and projection-state names, drill-down column and value labels, data-quality flags, how an entity status ended: the tables of contracts/labels.ts, which the dashboard loads once at start.',
    responses: { 200: { description: 'The label tables', content: json(LabelsResponse) } },
  },
  {
    method: 'get', path: '/api/v1/kpis', tag: 'kpis', access: ['viewer'],
    summary: '指标目录与最新值 · Every KPI with its latest value',
    description: 'The catalog in order, each KPI with its latest period\'s value, target and attainment. A KPI whose query failed is listed with state `error`, never as "no data".',
    responses: { 200: { description: 'Every KPI of the catalog', content: json(KpiListResponse) } },
  },
  {
    method: 'get', path: '/api/v1/kpis/:id', tag: 'kpis', access: ['viewer'],
    summary: '指标定义 · One KPI\'s definition',
    params: KpiIdParams,
    responses: { 200: { description: 'The KPI', content: json(KpiDefinitionSchema) } },
    problems: { 404: UNKNOWN_KPI },
  },
  {
    method: 'get', path: '/api/v1/kpis/:id/series', tag: 'kpis', access: ['viewer'],
    summary: '指标走势 · A KPI\'s series',
    description: 'One point per period of `grain` from `from` to `to` (oldest first), with target and attainment; with `breakdown`, one point per period and group.',
    params: KpiIdParams,
    query: SeriesQuery,
    responses: { 200: { description: 'The series', content: json(KpiSeriesResponse) } },
    problems: { 404: UNKNOWN_KPI },
  },
  {
    method: 'get', path: '/api/v1/kpis/:id/drilldown', tag: 'kpis', access: ['viewer'],
    summary: '指标明细 · The entities and events behind a value',
    params: KpiIdParams,
    query: DrilldownQuery,
    responses: { 200: { description: 'The rows behind the period\'s value', content: json(KpiDrilldownResponse) } },
    problems: { 404: UNKNOWN_KPI },
  },
  {
    method: 'get', path: '/api/v1/scorecards/:leadUnit', tag: 'kpis', access: ['viewer'],
    summary: '部门考核 · A lead unit\'s scorecard',
    description: 'Every KPI of the unit\'s tasks for the period, with change on the previous period and on last year, and the task milestones due.',
    params: LeadUnitParams,
    query: ScorecardQuery,
    responses: { 200: { description: 'The scorecard', content: json(ScorecardSchema) } },
  },
  {
    method: 'get', path: '/api/v1/stream', tag: 'kpis', access: ['viewer'],
    summary: '指标实时变化 · Live KPI changes (Server-Sent Events)',
    description:
      'A `text/event-stream` that stays open: one `kpi-changes` event per materializer run, its `data` a JSON `KpiChangesMessage` (see components), its `id` the store position; ' +
      'where early warning runs, a `warning` event each time a warning is raised or cleared (`{ transition, warningId, eventId, recordedAt, data }`). ' +
      'Comments (`: ping`) every 15 s keep proxies from closing it. 404 where this process keeps no KPI tables.',
    responses: { 200: { description: 'The event stream (see KpiChangesMessage for each event\'s data)', content: { 'text/event-stream': z.string() } } },
    problems: { 404: 'This process keeps no KPI tables' },
  },
  // Periodic assessment reports
  {
    method: 'get', path: '/api/v1/reports', tag: 'reports', access: ['viewer'],
    summary: '已发布报告 · Issued reports',
    description: 'The reports the platform issued on schedule (ReportIssued events) for the last 24 months, 8 quarters, 4 halves and 5 years, newest first: period, the asOf that reproduces each, and the SHA-256 of its files.',
    responses: { 200: { description: 'The issued reports', content: json(IssuedReports) } },
  },
  {
    method: 'get', path: '/api/v1/reports/:period', tag: 'reports', access: ['viewer'],
    summary: '监测评估报告 · The assessment report of a period',
    description:
      'Per dimension and lead unit: values, targets, attainment, the year-end projection, the warning rules\' findings on the period\'s last day, what moved and why (components, entities in and out, ' +
      'largest contributors) in Chinese sentences, and restatements of earlier issued reports with the corrections named. `format=json` (default), `xlsx` or `pdf` (with charts). ' +
      'The same period and `asOf` give the same bytes; without `asOf` the answer is as known now and X-Brain-As-Of names the instant. Only ended periods. docs/reports.md.',
    params: z.object({ period: ReportPeriodLabel }),
    query: ReportQuery,
    responses: {
      200: {
        description: 'The report',
        content: { 'application/json': Report, 'application/pdf': null, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': null },
        headers: { 'X-Brain-As-Of': 'The instant the report is as known at (ISO 8601, UTC)' },
      },
    },
    problems: { 503: 'Too many reports are being generated; retry later' },
  },
  // Early warning
  {
    method: 'get', path: '/api/v1/warnings', tag: 'warnings', access: ['viewer'],
    summary: '预警列表 · Warnings',
    description:
      'Warnings as known at `asOf` (default now), from the warnings fact table: each one\'s latest transition (raised or cleared), with the rule, the subject (KPI, task milestone or source department), ' +
      'the measured figure, the threshold and a Chinese sentence; `statuses` gives each KPI\'s status (预警 over 关注; a KPI with a target and no open warning is 正常). docs/monitoring.md.',
    query: WarningsQuery,
    responses: { 200: { description: 'The warnings matching the filters', content: json(WarningsResponse) } },
  },
  {
    method: 'get', path: '/api/v1/data-quality', tag: 'warnings', access: ['viewer'],
    summary: '数据质量 · Data-quality board',
    description:
      'Per sending department (source.unit): records stored, in the last 30 days, the latest record against its expected cadence (the source-overdue rule of the table in force), ' +
      'corrections, records flagged at import (filing review included) by flag; and enterprise names registered under more than one USCC. As known at `asOf`. docs/monitoring.md.',
    query: DataQualityQuery,
    responses: { 200: { description: 'The board', content: json(DataQualityResponse) } },
  },
  {
    method: 'post', path: '/api/v1/explanations', tag: 'warnings', access: ['ingest'],
    summary: '填报说明 · Explain a record flagged by filing review',
    description:
      'The sending department answers the `review:…` flags of a record it sent (its event id is in the import report and on the data-quality board): a FilingExplanationFiled event. ' +
      'The record counts in the KPIs with or without one. The same explanation again stores nothing (200, `duplicate: true`).',
    body: { description: 'The record and the explanation', content: json(ExplanationRequest) },
    responses: { 201: { description: 'Filed', content: json(ExplanationResponse) }, 200: { description: 'Filed before (nothing new stored)', content: json(ExplanationResponse) } },
    problems: { 404: 'No stored record with that event id (or not processed yet)' },
  },
  {
    method: 'get', path: '/api/v1/warning-rules', tag: 'warnings', access: ['admin'],
    summary: '预警规则 · The warning rule table',
    description: 'The rule table in force (version 1: the defaults shipped in code; each later version a WarningRulesChanged event) and the versions so far.',
    responses: { 200: { description: 'The rule table', content: json(RuleSetSchema) } },
  },
  {
    method: 'put', path: '/api/v1/warning-rules', tag: 'warnings', access: ['admin'],
    summary: '修改预警规则 · Change the warning rule table',
    description: 'The whole new table. Recorded as a WarningRulesChanged event (201, the new version); a table equal to the one in force records nothing (200). The next evaluation follows it.',
    body: { description: 'The new rule table', content: json(RuleChange) },
    responses: {
      200: { description: 'The same table as in force: nothing recorded', content: json(RuleChangeResponse) },
      201: { description: 'Recorded as a new version', content: json(RuleChangeResponse) },
    },
    problems: { 409: '`basedOnVersion` is not the version in force (another change came first)' },
  },
  // Entities
  {
    method: 'get', path: '/api/v1/entities', tag: 'entities', access: ['viewer'],
    summary: '主体检索 · Search entities',
    description: 'Firms, incubators, platforms and funds by name fragment (two characters are enough), USCC or id, street, park, industry, kind or current tag; paged; as known at `asOf`.',
    query: EntitySearchQuery,
    responses: { 200: { description: 'One page of matches and the total', content: json(EntitySearchResultSchema) } },
  },
  {
    method: 'get', path: '/api/v1/entities/:id', tag: 'entities', access: ['viewer'],
    summary: '一企一档 · One entity\'s file',
    description:
      'Current facts and tags, every status held with its validity, annual figures, the timeline of every event about it (oldest first, with the department that sent it and corrections linked) ' +
      'and the KPIs it counts in at their latest period, with the reason. As known at `asOf`.',
    params: EntityIdParams,
    query: EntityProfileQuery,
    responses: { 200: { description: 'The profile', content: json(EntityProfileSchema) } },
    problems: { 404: 'No entity with this id (as known at asOf)' },
  },
  // Innovation points
  {
    method: 'get', path: '/api/v1/points/sets', tag: 'points', access: ['viewer'],
    summary: '创新积分指标体系 · The indicator sets',
    description: 'Every indicator set (1.0, 2.0 …) as kept in data: categories, indicators with the figure each reads, its rule and points, and the revenue-stage groups. docs/points.md.',
    responses: { 200: { description: 'The sets and the figures they can read', content: json(PointSetsResponse) } },
  },
  {
    method: 'get', path: '/api/v1/points', tag: 'points', access: ['viewer'],
    summary: '创新积分排名 · A year\'s ranking',
    description:
      'Every enterprise in the area at the end of `year` with an annual report for it, scored under `set` and ranked within its revenue-stage group ' +
      '(standard competition ranking: 1, 2, 2, 4). As known at `asOf`.',
    query: PointsRankingQuery,
    responses: { 200: { description: 'One page of the ranking', content: json(PointsRankingSchema) } },
  },
  {
    method: 'get', path: '/api/v1/points/:id', tag: 'points', access: ['viewer'],
    summary: '企业创新积分明细 · One firm\'s points',
    description: 'Every indicator of the set with the firm-year figure it read, the rule and the points; category points, total, group and rank. As known at `asOf`.',
    params: EntityIdParams,
    query: PointsBreakdownQuery,
    responses: { 200: { description: 'The breakdown', content: json(PointsBreakdownSchema) } },
    problems: { 404: 'The firm is not scored that year (no annual report, or not in the area at year end), as known at asOf' },
  },
  // Exports
  {
    method: 'get', path: '/api/v1/exports/scorecards/:leadUnit', tag: 'exports', access: ['viewer'],
    summary: '导出部门考核包 · Export a lead unit\'s assessment package',
    params: LeadUnitParams,
    query: ExportScorecardQuery,
    responses: { 200: exportFile('The scorecard file') },
  },
  {
    method: 'get', path: '/api/v1/exports/kpis/:id/series', tag: 'exports', access: ['viewer'],
    summary: '导出指标走势 · Export a KPI\'s series',
    params: KpiIdParams,
    query: ExportSeriesQuery,
    responses: { 200: exportFile('The series file') },
  },
  {
    method: 'get', path: '/api/v1/exports/kpis/:id/drilldown', tag: 'exports', access: ['viewer'],
    summary: '导出指标明细 · Export a KPI\'s drill-down',
    params: KpiIdParams,
    query: ExportDrilldownQuery,
    responses: { 200: exportFile('The drill-down file') },
  },
  {
    method: 'get', path: '/api/v1/exports/entities/:id', tag: 'exports', access: ['viewer'],
    summary: '导出一企一档 · Export one entity\'s file',
    description: 'The profile of `GET /api/v1/entities/:id` as a file: sheets 概况, 资质, 时间线, 计入指标, 年度财务 (XLSX), or one of them (`part`) for csv, arrow and parquet. As known at `asOf`.',
    params: EntityIdParams,
    query: ExportEntityQuery,
    responses: { 200: exportFile('The entity file') },
    problems: { 404: 'No entity with this id (as known at asOf)' },
  },
  {
    method: 'get', path: '/api/v1/exports/points', tag: 'exports', access: ['viewer'],
    summary: '导出创新积分 · Export a year\'s innovation points',
    description: 'Sheets 积分排名 (every scored firm: group, rank, total, each category\'s and each indicator\'s points) and 指标体系 (the set used), or one of them (`part`) for csv, arrow and parquet. As known at `asOf`.',
    query: ExportPointsQuery,
    responses: { 200: exportFile('The points file') },
  },
  // Ingest
  ingestRecords('/api/v1/ingest/records', '报送记录 · Send records', undefined),
  ingestRecords('/api/v1/ingest/:context/records', '按来源上下文报送记录 · Send records of one source context', ContextParams),
  {
    method: 'post', path: '/api/v1/ingest/files', tag: 'ingest', access: ['ingest'],
    summary: '上传报送文件 · Upload a CSV / XLSX file',
    description: 'A file with Chinese headers following a template; read and ingested row by row as it arrives. Rows are numbered as the spreadsheet shows them.',
    query: FileUploadQuery,
    headers: FileUploadHeaders,
    body: {
      description: 'The file\'s bytes: CSV (UTF-8 with or without BOM, or GBK) or XLSX',
      content: { 'text/csv': null, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': null },
    },
    responses: { 200: { description: 'The report of every row (capped for large files)', content: json(IngestReportSchema) } },
    problems: { 413: 'The file is over INGEST_FILE_BYTES, or an XLSX inflates beyond its limits', 429: 'Too many files are being imported at once (Retry-After)' },
  },
  {
    method: 'get', path: '/api/v1/ingest/templates', tag: 'ingest', access: ['ingest', 'viewer'],
    summary: '报送模板 · The file templates',
    responses: { 200: { description: 'Every template with its columns', content: json(TemplatesResponse) } },
  },
  {
    method: 'get', path: '/api/v1/ingest/schemas', tag: 'ingest', access: ['ingest', 'viewer'],
    summary: '事件 JSON Schema · JSON Schema of every event type and record',
    responses: { 200: { description: 'One JSON Schema document', content: { 'application/schema+json': JsonSchemaDocument } } },
  },
  {
    method: 'get', path: '/api/v1/ingest/schemas/:type', tag: 'ingest', access: ['ingest', 'viewer'],
    summary: '单个事件类型的 JSON Schema · JSON Schema of one event type',
    params: EventTypeParams,
    query: SchemaQuery,
    responses: { 200: { description: 'The JSON Schema', content: { 'application/schema+json': JsonSchemaDocument } } },
    problems: { 404: 'An unknown event type' },
  },
];

function exportFile(description: string): SuccessResponse {
  return {
    description: `${description}; \`Content-Disposition\` names it, \`X-Brain-As-Of\` says the instant it was computed for.`,
    content: Object.fromEntries(EXPORT_FORMATS.map((f) => [EXPORT_MEDIA_TYPES[f], null])),
    headers: { 'X-Brain-As-Of': 'The "as known at" instant of the file (ISO 8601): pass it as `asOf` to get the same bytes again' },
  };
}

function ingestRecords(path: string, summary: string, params: z.ZodObject | undefined): RouteContract {
  const records = ingestRecordSchemas();
  return {
    method: 'post', path, tag: 'ingest', access: ['ingest'], summary,
    description:
      'One record (JSON object), a batch (JSON array) or a stream (NDJSON: one record per line, any size, read as it arrives). ' +
      'Idempotent: a record sent again is a `duplicate` and adds nothing. One record: 201 when accepted, 200 when a duplicate, and its rejection as a problem (400, 409, 422). ' +
      'A batch or stream: 200 with a report of every row (rejections included).' +
      (params ? ' Every record must belong to the context of the path.' : ''),
    ...(params ? { params } : {}),
    headers: CorrelationHeaders,
    body: {
      description: 'Records; see also GET /api/v1/ingest/schemas',
      content: {
        'application/json': z.union([records, z.array(records)]),
        'application/x-ndjson': z.string().meta({ description: 'One JSON record per line (UTF-8)' }),
      },
    },
    responses: {
      200: { description: 'A batch or stream report, or a single record that was a duplicate', content: json(IngestReportSchema) },
      201: { description: 'A single record, accepted', content: json(IngestReportSchema) },
    },
    problems: {
      ...(params ? ({ 404: 'An unknown source context' } as Record<number, string>) : {}),
      409: 'A single record\'s expectedVersion did not match',
      413: 'Body, line or declared Content-Length over the limits',
      422: 'A single record refused by a business rule',
    },
  };
}
