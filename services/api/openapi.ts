import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig, type ZodContentObject } from '@asteasolutions/zod-to-openapi';
import express, { type Router } from 'express';
import type { ZodType } from 'zod';
import { KpiChangesMessage } from '../../contracts/api/kpis.ts';
import { PROBLEM_MEDIA_TYPE, ProblemSchema } from '../../contracts/api/problem.ts';
import { API_ROUTES, REFERENCE_ASSETS, TAGS, type RouteContract } from '../../contracts/api/routes.ts';
import { rolesGranting } from '../../contracts/api/security.ts';
import { NotFoundError } from '../../contracts/errors.ts';

/** An OpenAPI 3.1 document, as JSON. */
export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

const ROOT = path.join(import.meta.dirname, '..', '..');
const BEARER = 'bearerAuth';

const DESCRIPTION = `长江新区创新大脑的 HTTP 接口 · The HTTP API of the Innovation Brain platform.

Generated from the zod contracts in the repository (\`contracts/api/\`): every route, parameter and answer here is the one the routers parse and send.

- **Keys.** \`Authorization: Bearer <key>\`. Roles: \`viewer\` (reads; \`analyst\` and \`admin\` keys too), \`ingest\` (sends records), \`admin\` (everything). Each route names the roles it needs (\`x-roles\`); a missing or unknown key is 401, a key of another role 403. Routes marked public need no key.
- **Errors.** Every error is RFC 9457 problem details (\`application/problem+json\`, schema \`Problem\`): \`type\` (a stable \`urn:innovation-brain:problem:<code>\`), \`title\`, \`status\`, \`detail\` (Chinese, naming the field and why) and, for bad input, \`errors\` with one entry per field.
- **As of.** KPI answers and exports take \`asOf\` ("as known at"): only events recorded up to that instant count, so an answer given last quarter can be reproduced today.
- **Not here.** Analysts' SQL goes to the ClickHouse HTTP interface on its own port (\`OLAP_PORT\`, basic auth, user \`analyst\` or \`admin\`, password = that role's key): the ClickHouse protocol, not part of this document. The dashboards' static files (\`/\`) are not either.`;

/** `/kpis/:id` → `/kpis/{id}`. */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function content(spec: Record<string, ZodType | null>): ZodContentObject {
  return Object.fromEntries(Object.entries(spec).map(([type, schema]) => [type, schema === null ? {} : { schema }]));
}

const problem = (description: string): ResponseConfig => ({ description, content: { [PROBLEM_MEDIA_TYPE]: { schema: ProblemSchema } } });

/** The problem answers of a route: its own, plus those every route of its kind may give. */
function problemResponses(route: RouteContract, roles: readonly string[]): Record<string, ResponseConfig> {
  const out: Record<string, ResponseConfig> = {};
  if (route.params || route.query || route.body) out[400] = problem('Bad input: a parameter, header or body is invalid (`errors` names each field and why)');
  if (route.access !== 'public') {
    out[401] = problem('No key, or an unknown key (`WWW-Authenticate: Bearer`)');
    out[403] = problem(`A key whose role is none of: ${roles.join(', ')}`);
  }
  for (const [status, when] of Object.entries(route.problems ?? {})) out[status] = problem(when);
  out.default = problem('Any other failure: 500 (internal, logged, nothing revealed) or 503 (infrastructure, with `retriable`)');
  return out;
}

function operationId(route: RouteContract): string {
  const words = route.path.split(/[/:{}.-]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1));
  return route.method + words.join('');
}

function routeConfig(route: RouteContract): RouteConfig {
  const roles = route.access === 'public' ? [] : [...new Set(route.access.flatMap(rolesGranting))];
  const access = route.access === 'public' ? 'Public: no key needed.' : `Key roles: ${roles.join(', ')}.`;
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(route.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.content ? { content: content(r.content) } : {}),
      ...(r.headers ? { headers: Object.fromEntries(Object.entries(r.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) } : {}),
    };
  }
  Object.assign(responses, problemResponses(route, roles));
  return {
    method: route.method,
    path: openApiPath(route.path),
    operationId: operationId(route),
    tags: [route.tag],
    summary: route.summary,
    description: route.description ? `${route.description}\n\n${access}` : access,
    security: route.access === 'public' ? [] : [{ [BEARER]: [] }],
    'x-roles': roles,
    request: {
      ...(route.params ? { params: route.params } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.headers ? { headers: route.headers } : {}),
      ...(route.body ? { body: { description: route.body.description, required: true, content: content(route.body.content) } } : {}),
    },
    responses,
  };
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Builds the document from a list of routes (default: every route of the API). */
export function buildOpenApiDocument(routes: readonly RouteContract[] = API_ROUTES): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: `Authorization: Bearer <key>`. Development keys are written to `$DATA_DIR/dev-keys.json` when no keys file is configured.',
  });
  for (const route of routes) registry.registerPath(routeConfig(route));
  const generator = new OpenApiGeneratorV31([...registry.definitions, { type: 'schema', schema: KpiChangesMessage }, { type: 'schema', schema: ProblemSchema }], {
    sortComponents: 'alphabetically',
  });
  return generator.generateDocument({
    openapi: '3.1.0',
    info: { title: '长江新区创新大脑 API · Innovation Brain API', version: packageVersion(), description: DESCRIPTION },
    servers: [{ url: '/', description: 'This platform' }],
    tags: TAGS.map((t) => ({ ...t })),
  });
}

let built: OpenApiDocument | undefined;

/** The API's document, built once per process. */
export function openApiDocument(): OpenApiDocument {
  built ??= buildOpenApiDocument();
  return built;
}

/** The reference page's own files, and the Swagger UI files it loads from the npm package (no CDN). */
function referenceAssets(): Record<(typeof REFERENCE_ASSETS)[number], string> {
  const swagger = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return {
    'swagger-ui-bundle.js': path.join(swagger, 'swagger-ui-bundle.js'),
    'swagger-ui.css': path.join(swagger, 'swagger-ui.css'),
    'favicon-32x32.png': path.join(swagger, 'favicon-32x32.png'),
    'reference.js': path.join(import.meta.dirname, 'reference', 'reference.js'),
    'reference.css': path.join(import.meta.dirname, 'reference', 'reference.css'),
  };
}

/** The reference page: scripts and styles are files of this origin (the platform's CSP allows no inline script). */
function referencePage(base: string): string {
  const asset = (name: string) => `${base}/docs/assets/${name}`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>长江新区创新大脑 API · Innovation Brain API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}">
<link rel="stylesheet" href="${asset('swagger-ui.css')}">
<link rel="stylesheet" href="${asset('reference.css')}">
</head>
<body>
<div id="swagger-ui" data-spec-url="${base}/openapi.json"></div>
<script src="${asset('swagger-ui-bundle.js')}"></script>
<script src="${asset('reference.js')}"></script>
</body>
</html>
`;
}

/**
 * The API contract, mounted at `/api/v1`: `GET /openapi.json` (the document) and `GET /docs` (an
 * interactive reference page, Swagger UI served from node_modules). Both public: they describe
 * shapes, not data, and an integrator reads them before holding a key.
 */
export function createOpenApiRouter(): Router {
  const router = express.Router();
  const assets = referenceAssets();
  router.get('/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(openApiDocument());
  });
  router.get('/docs', (req, res) => {
    res.type('html').set('Cache-Control', 'no-cache').send(referencePage(req.baseUrl));
  });
  router.get('/docs/assets/:file', (req, res) => {
    const name = String(req.params.file);
    const file = (REFERENCE_ASSETS as readonly string[]).includes(name) ? assets[name as (typeof REFERENCE_ASSETS)[number]] : undefined;
    if (!file) throw new NotFoundError(`没有这个文件: ${name}`);
    res.sendFile(file, { maxAge: '1h' });
  });
  return router;
}
