/**
 * The API contract (GET /api/v1/openapi.json) against the platform that serves it: the whole
 * platform as its own process (`brain start`, a small seeded history), every route of its routers
 * in the document and no other, every route's real answer valid against the document's schemas
 * (ajv, JSON Schema 2020-12), the document valid OpenAPI 3.1, bad input answered with the
 * documented problem shape, and the reference page rendering it in a real browser.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, MOUNTS, type RouteContract } from '../../contracts/api/routes.ts';
import { DEFAULT_WARNING_RULES } from '../../contracts/events/monitoring.ts';
import type { Explanations } from '../../services/monitoring/explanations.ts';
import { createEntityRouter, type EntityReader } from '../../services/api/entities.ts';
import { createExportRouter } from '../../services/api/exports.ts';
import { createPointsRouter } from '../../services/api/points.ts';
import type { PointsQueries } from '../../projections/points/queries.ts';
import type { KpiReader } from '../../services/api/kpiReader.ts';
import { buildOpenApiDocument, createOpenApiRouter, openApiPath, type OpenApiDocument } from '../../services/api/openapi.ts';
import { createApiRouter } from '../../services/api/router.ts';
import { createWarningsRouter } from '../../services/api/warningsRouter.ts';
import { createReportsRouter } from '../../services/api/reportsRouter.ts';
import type { ReportService } from '../../services/reports/service.ts';
import type { RuleBook } from '../../services/monitoring/ruleBook.ts';
import { loadKeyring } from '../../services/auth/keyring.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { healthRouter } from '../../services/http/health.ts';
import { createIngestService } from '../../services/ingest/ingestService.ts';
import { createIngestRouter } from '../../services/ingest/router.ts';
import { platformSetup, startService, tempDir, waitReady, type ServiceProcess } from '../distributed/processes.ts';
import { rec, registered, SOURCE, uscc } from '../fixtures/ingest/records.ts';
import { launchChromium } from '../support/browser.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOC_ID = 'https://innovation-brain.test/openapi.json';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description?: string;
  schema: Json & { example?: unknown; enum?: unknown[] };
}
interface Operation {
  parameters?: Parameter[];
  security?: unknown[];
  summary?: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> }>;
  'x-roles': string[];
}

const operationOf = (doc: OpenApiDocument, route: Pick<RouteContract, 'method' | 'path'>): Operation =>
  (doc.paths?.[openApiPath(route.path)] as Record<string, Operation> | undefined)?.[route.method] as Operation;

/** Every route a router serves, as `METHOD /full/path` (Express 5: `route.path` and `route.methods` of each layer). */
function routesOf(mount: string, router: Router): string[] {
  const out: string[] = [];
  for (const layer of router.stack) {
    const route = layer.route as { path: string; methods: Record<string, boolean> } | undefined;
    if (!route) {
      // A nested router would hide its routes from this walk: there is none, and this says so if one appears.
      expect((layer.handle as { stack?: unknown }).stack, `a nested router under ${mount}`).toBeUndefined();
      continue;
    }
    const prefix = mount === '/' ? '' : mount;
    for (const [method, on] of Object.entries(route.methods)) if (on && method !== '_all') out.push(`${method.toUpperCase()} ${prefix}${route.path}`);
  }
  return out;
}

/**
 * The document, stricter for the test: an object schema that lists its properties admits no other
 * (the published document leaves answers open to new members; a member the contract does not
 * name is drift all the same).
 */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closed(v)]));
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && out.unevaluatedProperties === undefined) out.unevaluatedProperties = false;
  return out;
}

const pointer = (...parts: string[]) => `${DOC_ID}#/${parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

describe('the API contract', () => {
  const data = tempDir('brain-openapi-');
  let platform: ServiceProcess;
  let base = '';
  let keys: Record<string, string> = {};
  let doc: OpenApiDocument;
  let ajv: Ajv2020;
  const validators = new Map<string, ValidateFunction>();

  /** The validator of one media type's schema of one answer of one route, from the served document. */
  function schemaValidator(route: RouteContract, status: string, mediaType: string): ValidateFunction {
    const ref = pointer('paths', openApiPath(route.path), route.method, 'responses', status, 'content', mediaType, 'schema');
    let v = validators.get(ref);
    if (!v) validators.set(ref, (v = ajv.compile({ $ref: ref })));
    return v;
  }

  const keyFor = (route: RouteContract, op: Operation): Record<string, string> =>
    route.access === 'public' ? {} : { authorization: `Bearer ${keys[op['x-roles'][0]!]}` };

  /** A URL for the route from its parameters' examples (or first enum value) in the document; `override` sets or drops some. */
  function urlOf(route: RouteContract, override: Record<string, string | undefined> = {}): string {
    const op = operationOf(doc, route);
    let p = route.path;
    const query = new URLSearchParams();
    for (const param of op.parameters ?? []) {
      const chosen = param.name in override ? override[param.name] : param.required ? String(param.schema.example ?? param.schema.enum?.[0]) : undefined;
      if (chosen === undefined) continue;
      if (param.in === 'path') p = p.replace(`:${param.name}`, encodeURIComponent(chosen));
      else if (param.in === 'query') query.set(param.name, chosen);
    }
    const qs = query.toString();
    return `${base}${p}${qs ? `?${qs}` : ''}`;
  }

  /** Checks an answer against the route's documented answers: status, media type, body schema, headers. Returns the parsed body (JSON) or text. */
  async function expectDocumented(route: RouteContract, res: Response): Promise<unknown> {
    const op = operationOf(doc, route);
    const status = String(res.status);
    const documented = op.responses[status] ?? (res.status >= 400 ? op.responses.default : undefined);
    expect(documented, `${route.method} ${route.path} answered ${status}, which the document does not list`).toBeDefined();
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const key = op.responses[status] ? status : 'default';
    expect(Object.keys(documented!.content ?? {}), `${route.method} ${route.path} ${status}`).toContain(mediaType);
    for (const header of Object.keys(documented!.headers ?? {})) expect(res.headers.get(header), header).toBeTruthy();
    if (!/json$/.test(mediaType)) return res.text();
    const body: unknown = await res.json();
    const validate = schemaValidator(route, key, mediaType);
    const valid = validate(body);
    expect(validate.errors ?? [], `${route.method} ${route.path} ${status}: ${JSON.stringify(body).slice(0, 500)}`).toEqual([]);
    expect(valid).toBe(true);
    return body;
  }

  beforeAll(async () => {
    const setup = await platformSetup(data);
    base = setup.base;
    // A small seeded history: every KPI has data, and the platform is up in well under a minute.
    platform = startService('platform', { ...setup.env, SEED_ENTERPRISES: '10' }, ['start', '--no-trickle']);
    await waitReady(platform, `${base}/readyz`, 120_000);
    keys = setup.keys();
    const marker = path.join(data, 'seed-state.json');
    for (const deadline = Date.now() + 180_000; !(existsSync(marker) && readFileSync(marker, 'utf8').includes('"complete"')); ) {
      if (Date.now() > deadline) throw new Error(`seeding did not finish: ${platform.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const deadline = Date.now() + 180_000; ; ) {
      const s = (await (await fetch(`${base}/api/v1/status`, { headers: { authorization: `Bearer ${keys.viewer}` } })).json()) as {
        store: { head: number };
        projections: Array<{ checkpoint: number; state: string }>;
      };
      if (s.projections.length > 0 && s.projections.every((p) => p.checkpoint === s.store.head && p.state === 'live')) break;
      if (Date.now() > deadline) throw new Error(`projections not caught up: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const res = await fetch(`${base}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDocument;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...(closed(doc) as Json), $id: DOC_ID });
  }, 400_000);

  afterAll(async () => {
    await platform?.kill('SIGKILL');
    rmSync(data, { recursive: true, force: true });
  });

  describe('the document', () => {
    it('is served without a key and is valid OpenAPI 3.1', async () => {
      const validator = new Validator();
      const result = await validator.validate(structuredClone(doc) as unknown as Json);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      expect(validator.version).toBe('3.1');
      expect(doc.openapi).toBe('3.1.0');
    });

    it('is the one generated from the route registry and the zod contracts', () => {
      expect(doc).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
      expect(Object.keys(doc.components?.schemas ?? {})).toEqual(expect.arrayContaining(['Problem', 'KpiListItem', 'IngestReport', 'EnterpriseRegisteredRecord', 'KpiChangesMessage']));
    });

    it('describes every parameter, and names the roles of every route that needs a key', () => {
      const operationIds = API_ROUTES.map((route) => (operationOf(doc, route) as Operation & { operationId: string }).operationId);
      expect(new Set(operationIds).size).toBe(API_ROUTES.length);
      for (const route of API_ROUTES) {
        const op = operationOf(doc, route);
        expect(op.summary, route.path).toBeTruthy();
        for (const p of op.parameters ?? []) expect(p.description, `${route.path} ${p.name}`).toMatch(/\S{3}/);
        if (route.access === 'public') expect(op.security).toEqual([]);
        else {
          expect(op.security).toEqual([{ bearerAuth: [] }]);
          expect(op['x-roles'].length).toBeGreaterThan(0);
          expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
        }
      }
    });

    it('says what the series parameters accept: months or dates, the default grain, an asOf with its offset', () => {
      const params = operationOf(doc, { method: 'get', path: '/api/v1/kpis/:id/series' }).parameters!;
      const byName = Object.fromEntries(params.map((p) => [p.name, p]));
      expect(byName.from!.description).toMatch(/YYYY-MM-DD/);
      expect(byName.from!.description).toMatch(/not accepted/);
      expect(byName.grain!.schema.default).toBe('quarter');
      expect(byName.asOf!.description).toMatch(/offset/);
    });
  });

  describe('the routers and the document', () => {
    it('list the same routes, none missing on either side', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'brain-openapi-routers-'));
      const store = createSqliteEventStore({ path: path.join(dir, 'store.sqlite') });
      try {
        const keyring = loadKeyring({ DATA_DIR: dir });
        const requireRole = (...roles: string[]) => keyring.requireRole(...(roles as Parameters<typeof keyring.requireRole>));
        // The routers are only built here, never called: the KPI and entity readers are never reached.
        const kpis = {} as KpiReader;
        const served = [
          ...routesOf(MOUNTS.root, healthRouter({ services: [], checks: async () => ({}), requireKey: requireRole('viewer'), metrics: async () => ({ contentType: 'text/plain', body: '' }) })),
          ...routesOf(MOUNTS.api, createOpenApiRouter()),
          ...routesOf(MOUNTS.api, createApiRouter({ storeHead: () => store.head(), projections: async () => [], kpis, requireRole })),
          ...routesOf(MOUNTS.api, createEntityRouter({ entities: {} as EntityReader, requireRole })),
          ...routesOf(MOUNTS.api, createPointsRouter({ points: {} as PointsQueries, requireRole })),
          ...routesOf(MOUNTS.api, createReportsRouter({} as ReportService, requireRole)),
          ...routesOf(MOUNTS.api, createWarningsRouter({ list: async () => [], rules: {} as RuleBook, dataQuality: async () => Promise.reject(new Error('never called')), explanations: {} as Explanations }, requireRole)),
          ...routesOf(MOUNTS.exports, createExportRouter({ kpis, requireRole })),
          ...routesOf(MOUNTS.ingest, createIngestRouter({ ingest: createIngestService({ store, personSalt: 'test' }), keyring })),
        ].sort();
        const registered = API_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
        const documented = Object.entries(doc.paths ?? {})
          .flatMap(([p, item]) => Object.keys(item as Json).map((m) => `${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`))
          .sort();
        expect(served).toEqual(registered);
        expect(documented).toEqual(registered);
        expect(new Set(served).size).toBe(served.length);
      } finally {
        void store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('real answers of every route', () => {
    /** Routes that need more than their parameters' examples: a body, a role, or a stream read. */
    const special: Record<string, { init?: RequestInit; status?: number }> = {
      'POST /api/v1/ingest/records': {
        init: { body: JSON.stringify(registered(990_001)), headers: { 'content-type': 'application/json' } },
        status: 201,
      },
      'POST /api/v1/ingest/:context/records': {
        init: { body: JSON.stringify([registered(990_001), registered(990_002), { type: 'EnterpriseRegistered' }]), headers: { 'content-type': 'application/json' } },
      },
      // The rule table in force sent back: answered 200, nothing recorded.
      'PUT /api/v1/warning-rules': {
        init: { body: JSON.stringify({ rules: DEFAULT_WARNING_RULES }), headers: { 'content-type': 'application/json' } },
      },
      'POST /api/v1/ingest/files': {
        init: { body: readFileSync(path.join(ROOT, 'docs/templates/enterprise-registry.csv')), headers: { 'content-type': 'text/csv', 'x-file-name': 'enterprise-registry.csv' } },
      },
    };

    for (const route of API_ROUTES) {
      const id = `${route.method.toUpperCase()} ${route.path}`;
      it(`${id} answers as documented`, async () => {
        const op = operationOf(doc, route);
        const extra = special[id];
        // A profile of an entity the sample really has: the first one search finds.
        const entity =
          route.path === '/api/v1/entities/:id' || route.path === '/api/v1/exports/entities/:id'
            ? ((await (await fetch(`${base}/api/v1/entities?limit=1`, { headers: { authorization: `Bearer ${keys.viewer}` } })).json()) as { entities: Array<{ id: string }> }).entities[0]!.id
            : undefined;
        // A firm's points: the first firm the ranking of the default year lists.
        const scored =
          route.path === '/api/v1/points/:id'
            ? ((await (await fetch(`${base}/api/v1/points?limit=1`, { headers: { authorization: `Bearer ${keys.viewer}` } })).json()) as { rows: Array<{ entityId: string }> }).rows[0]!.entityId
            : undefined;
        const url = urlOf(route, route.path.includes('/docs/assets/') ? { file: 'swagger-ui-bundle.js' } : entity ? { id: entity } : scored ? { id: scored } : {});
        const headers = { ...keyFor(route, op), ...((extra?.init?.headers as Record<string, string> | undefined) ?? {}) };
        if (route.path === '/api/v1/stream') {
          // A stream stays open: read its start, then hang up.
          const abort = new AbortController();
          const res = await fetch(url, { headers, signal: abort.signal });
          expect(res.status).toBe(200);
          expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
          expect(Object.keys(op.responses['200']!.content!)).toEqual(['text/event-stream']);
          const first = await res.body!.getReader().read();
          expect(new TextDecoder().decode(first.value)).toMatch(/^retry: \d+\n/);
          abort.abort();
          return;
        }
        let init = extra?.init;
        let status = extra?.status ?? 200;
        if (id === 'POST /api/v1/explanations') {
          // A record filing review flags (R&D above revenue), sent by a department and processed first.
          const report = rec(
            'EnterpriseAnnualFinancialsReported',
            { uscc: uscc(990_001), fiscalYear: 2024, revenue: 800, rdExpense: 900, highTechProductRevenue: 0, employees: 40, techStaff: 10, aboveScale: false, hasRdInstitution: false },
            { source: { ...SOURCE, unit: '统计局' } },
          );
          const sent = await fetch(`${base}/api/v1/ingest/records`, { method: 'POST', headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' }, body: JSON.stringify(report) });
          const result = ((await sent.json()) as { results: Array<{ eventIds?: string[]; quality?: string[] }> }).results[0]!;
          expect(result.quality).toContain('review:rdExpense-over-revenue');
          const flagged = result.eventIds![0]!;
          await expect
            .poll(async () => {
              const board = (await (await fetch(`${base}/api/v1/data-quality`, { headers: { authorization: `Bearer ${keys.viewer}` } })).json()) as { units: Array<{ awaitingExplanation: Array<{ eventId: string }> }> };
              return board.units.some((u) => u.awaitingExplanation.some((a) => a.eventId === flagged));
            }, { timeout: 60_000, interval: 200 })
            .toBe(true);
          init = { body: JSON.stringify({ eventId: flagged, explanation: '当年承担重大研发项目, 研发投入集中发生' }), headers: { 'content-type': 'application/json' } };
          status = 201;
        }
        const res = await fetch(url, { method: route.method.toUpperCase(), ...init, headers: { ...headers, ...((init?.headers as Record<string, string> | undefined) ?? {}) } });
        expect(res.status, `${url}: ${res.status === 200 ? '' : await res.clone().text()}`).toBe(status);
        const body = await expectDocumented(route, res);
        if (id === 'POST /api/v1/ingest/:context/records') expect(body).toMatchObject({ received: 3, rejected: 1 });
        if (id === 'POST /api/v1/ingest/files') expect((body as { accepted: number }).accepted).toBeGreaterThan(0);
        if (id === 'GET /api/v1/ingest/schemas') expect(body).toEqual(JSON.parse(readFileSync(path.join(ROOT, 'docs/events.schema.json'), 'utf8')));
        if (id === 'GET /api/v1/kpis/:id/drilldown') expect((body as { entities: { rows: unknown[] } }).entities.rows.length).toBeGreaterThan(0);
      }, 120_000);
    }

    it('a bad answer would fail: a real KPI list passes, the same with a member the contract does not name, or one missing, does not', async () => {
      const route = API_ROUTES.find((r) => r.path === '/api/v1/kpis')!;
      const validate = schemaValidator(route, '200', 'application/json');
      const real = (await (await fetch(urlOf(route), { headers: { authorization: `Bearer ${keys.viewer}` } })).json()) as { kpis: Json[] };
      expect(validate(real)).toBe(true);
      const [first, ...rest] = real.kpis;
      expect(validate({ kpis: [{ ...first, undocumented: 1 }, ...rest] })).toBe(false);
      const { latest: _latest, ...withoutLatest } = first!;
      expect(validate({ kpis: [withoutLatest, ...rest] })).toBe(false);
      expect(validate({ kpis: [{ ...first, state: 'fine' }, ...rest] })).toBe(false);
    });
  });

  describe('bad input', () => {
    /** Parameters the document constrains (an enum, a pattern, a format): a value breaking it must be refused. */
    const constrained = (p: Parameter): boolean => {
      const s = p.schema as Json & { anyOf?: Json[] };
      return [s, ...(s.anyOf ?? [])].some((x) => x.enum !== undefined || x.pattern !== undefined || x.format !== undefined);
    };

    it('every constrained parameter of every route: a 4xx problem the document lists, naming the query parameter', async () => {
      let checked = 0;
      for (const route of API_ROUTES) {
        const op = operationOf(doc, route);
        for (const param of (op.parameters ?? []).filter(constrained)) {
          const url = urlOf(route, { [param.name]: 'x!' });
          const res = await fetch(url, { method: route.method.toUpperCase(), headers: { ...keyFor(route, op), 'content-type': 'application/json' }, body: route.method === 'post' ? '[]' : undefined });
          expect(res.status, `${route.path} ${param.name}=x!`).toBeGreaterThanOrEqual(400);
          expect(res.status, `${route.path} ${param.name}=x!`).toBeLessThan(500);
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          const problem = (await expectDocumented(route, res)) as { errors?: Array<{ field: string }> };
          if (param.in === 'query') expect(problem.errors?.map((e) => e.field), `${route.path} ${param.name}`).toContain(param.name);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(20);
    }, 120_000);

    it('no key is 401, a key of another role 403, both as documented problems', async () => {
      const route = API_ROUTES.find((r) => r.path === '/api/v1/kpis')!;
      const none = await fetch(urlOf(route));
      expect(none.status).toBe(401);
      await expectDocumented(route, none);
      const metrics = API_ROUTES.find((r) => r.path === '/metrics')!;
      const unkeyed = await fetch(urlOf(metrics));
      expect(unkeyed.status).toBe(401);
      await expectDocumented(metrics, unkeyed);
      const res = await fetch(urlOf(route), { headers: { authorization: `Bearer ${keys.ingest}` } });
      expect(res.status).toBe(403);
      await expectDocumented(route, res);
    });

    it('a body that is not JSON, a record that is not valid, a file without a template: 400 naming the field', async () => {
      const records = API_ROUTES.find((r) => r.path === '/api/v1/ingest/records')!;
      const auth = { authorization: `Bearer ${keys.ingest}` };
      const broken = await fetch(urlOf(records), { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"type":' });
      expect(broken.status).toBe(400);
      expect(await expectDocumented(records, broken)).toMatchObject({ type: 'urn:innovation-brain:problem:malformed-json' });
      const invalid = await fetch(urlOf(records), { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(registered(990_003, { divisionCode: '42' })) });
      expect(invalid.status).toBe(400);
      expect(((await expectDocumented(records, invalid)) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain('data.divisionCode');
      const files = API_ROUTES.find((r) => r.path === '/api/v1/ingest/files')!;
      const noTemplate = await fetch(urlOf(files, { template: undefined }), { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: 'a,b\n' });
      expect(noTemplate.status).toBe(400);
      expect(((await expectDocumented(files, noTemplate)) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual(['template']);
    });

    it('an unknown projection to rebuild: 404 as documented', async () => {
      const route = API_ROUTES.find((r) => r.path === '/api/v1/admin/projections/:name/rebuild')!;
      const res = await fetch(urlOf(route, { name: 'no_such_projection' }), { method: 'POST', headers: { authorization: `Bearer ${keys.admin}` } });
      expect(res.status).toBe(404);
      await expectDocumented(route, res);
    });
  });

  describe('the reference page', () => {
    it('renders the document in Chromium from the platform alone, no other origin', async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const problems: string[] = [];
        const origins = new Set<string>();
        page.on('pageerror', (err) => problems.push(err.message));
        page.on('console', (msg) => {
          if (msg.type() === 'error') problems.push(msg.text());
        });
        page.on('request', (req) => origins.add(new URL(req.url()).origin));
        await page.goto(`${base}/api/v1/docs`);
        await page.locator('.opblock-summary-path', { hasText: '/api/v1/kpis/{id}/series' }).first().waitFor({ timeout: 30_000 });
        expect(await page.locator('.opblock').count()).toBe(API_ROUTES.length);
        expect(problems).toEqual([]);
        expect([...origins].filter((o) => o !== base && o !== 'null' && !o.startsWith('data:'))).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 600_000);
  });
});
