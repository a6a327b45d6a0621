import path from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../../contracts/errors.ts';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));
const port = z.coerce.number().int().min(0).max(65535);

/**
 * Every setting of the platform, read from the environment in this one place.
 * Each has a default that runs the embedded single-process platform.
 */
export const ConfigSchema = z
  .object({
    /** HTTP port of dashboards, API and ingest. */
    PORT: port.default(8080),
    /** ClickHouse HTTP interface of the embedded engine (`brain olap`). */
    OLAP_PORT: port.default(8123),
    /** Interface the servers bind to. */
    HOST: z.string().default('127.0.0.1'),
    /** All platform data: SQLite store, chDB data, keys. Nothing is written elsewhere. */
    DATA_DIR: z.string().default('./data'),
    /** Which services this process runs (comma list): all, ingest, relay, projector, api, olap. */
    SERVICES: z.string().default('all'),
    EVENT_STORE: z.enum(['sqlite', 'esdb']).default('sqlite'),
    ESDB_CONNECTION_STRING: z.string().optional(),
    BUS: z.enum(['none', 'kafka']).default('none'),
    KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
    KAFKA_TOPIC: z.string().default('brain.events'),
    KAFKA_DLQ_TOPIC: z.string().default('brain.events.dlq'),
    KAFKA_PARTITIONS: z.coerce.number().int().min(1).default(6),
    KAFKA_REPLICATION: z.coerce.number().int().min(1).default(1),
    KAFKA_GROUP: z.string().default('brain-projector'),
    OLAP: z.enum(['chdb', 'clickhouse']).default('chdb'),
    CLICKHOUSE_URL: z.string().url().optional(),
    CLICKHOUSE_USER: z.string().default('default'),
    CLICKHOUSE_PASSWORD: z.string().default(''),
    CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('brain'),
    /** JSON file with API keys as `{ "keys": [ { "id", "role", "sha256" } ] }`; none → dev keys. */
    API_KEYS_FILE: z.string().optional(),
    /** Salt for hashing personal ID numbers; generated into DATA_DIR when absent. */
    PERSON_SALT: z.string().min(16).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Seed sample history on an empty store at start. */
    SEED: bool.default(true),
    /** Innovation firms in the sample history seeded at start (about 40 events each); fewer seed faster. */
    SEED_ENTERPRISES: z.coerce.number().int().min(10).default(3_000),
    /** Keep a slow live trickle of sample events after seeding. */
    TRICKLE: bool.default(true),
    /** Run the early-warning monitor (预警) where projections run: it appends WarningRaised / WarningCleared events. */
    WARNINGS: bool.default(true),
    /** Issue the periodic assessment reports (监测评估报告) where projections run, as each month, quarter, half and year closes (ReportIssued events, files in DATA_DIR/reports). */
    REPORTS: bool.default(true),
    /** Largest JSON body (one record or an array) on the ingest routes, bytes; more gets 413. */
    INGEST_JSON_BYTES: z.coerce.number().int().min(1024).default(16 * 1024 * 1024),
    /** Largest NDJSON stream, bytes (streamed: memory does not grow with it); more gets 413. */
    INGEST_NDJSON_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024 * 1024),
    /** Largest NDJSON line, bytes. */
    INGEST_LINE_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
    /** Largest uploaded CSV / XLSX file, bytes (an XLSX is held whole while read); more gets 413. */
    INGEST_FILE_BYTES: z.coerce.number().int().min(1024).default(200 * 1024 * 1024),
    /** Deepest JSON nesting accepted (a record nests a few levels); deeper gets 400. */
    INGEST_JSON_DEPTH: z.coerce.number().int().min(4).max(1000).default(64),
    /** Rows an import report lists in full (each of rejected and stored); the rest are counted by field and reason. */
    INGEST_REPORT_ROWS: z.coerce.number().int().min(0).default(1000),
    /** File uploads imported at once; more get 429 with Retry-After. */
    INGEST_CONCURRENT_FILES: z.coerce.number().int().min(1).default(2),
    /** How far an uploaded XLSX may inflate in all, bytes (zip-bomb guard). */
    INGEST_XLSX_INFLATED_BYTES: z.coerce.number().int().min(1024 * 1024).default(512 * 1024 * 1024),
    /** Largest inflated / compressed ratio of an XLSX entry over 1 MiB (spreadsheets stay far below it). */
    INGEST_XLSX_RATIO: z.coerce.number().min(2).default(100),
    /** Longest an analyst (read-only SQL) query may run, seconds; then TIMEOUT_EXCEEDED (159). */
    OLAP_ANALYST_MAX_EXECUTION_SECONDS: z.coerce.number().int().min(1).default(60),
    /** Most memory one analyst query may use, bytes; then MEMORY_LIMIT_EXCEEDED (241). */
    OLAP_ANALYST_MAX_MEMORY_BYTES: z.coerce.number().int().min(1024 * 1024).default(2 * 1024 ** 3),
    /** Most rows / bytes one analyst query may read; then TOO_MANY_ROWS (158) / TOO_MANY_BYTES (307). 0 = no limit. */
    OLAP_ANALYST_MAX_ROWS_TO_READ: z.coerce.number().int().min(0).default(10_000_000_000),
    OLAP_ANALYST_MAX_BYTES_TO_READ: z.coerce.number().int().min(0).default(100 * 1024 ** 3),
    /** Largest result of one analyst query, rows / bytes; then TOO_MANY_ROWS_OR_BYTES (396). 0 = no limit. */
    OLAP_ANALYST_MAX_RESULT_ROWS: z.coerce.number().int().min(0).default(10_000_000),
    OLAP_ANALYST_MAX_RESULT_BYTES: z.coerce.number().int().min(0).default(512 * 1024 ** 2),
    /** Analyst queries running at once, all analysts together; more get 429 (TOO_MANY_SIMULTANEOUS_QUERIES). */
    OLAP_ANALYST_CONCURRENT: z.coerce.number().int().min(1).default(4),
    /** Analyst queries running at once per analyst key; more get 429 (TOO_MANY_SIMULTANEOUS_QUERIES). */
    OLAP_ANALYST_CONCURRENT_PER_USER: z.coerce.number().int().min(1).default(2),
  })
  .superRefine((c, ctx) => {
    if (c.EVENT_STORE === 'esdb' && !c.ESDB_CONNECTION_STRING)
      ctx.addIssue({ code: 'custom', path: ['ESDB_CONNECTION_STRING'], message: 'required when EVENT_STORE=esdb, e.g. esdb://127.0.0.1:2113?tls=false' });
    if (c.OLAP === 'clickhouse' && !c.CLICKHOUSE_URL)
      ctx.addIssue({ code: 'custom', path: ['CLICKHOUSE_URL'], message: 'required when OLAP=clickhouse, e.g. http://127.0.0.1:8123' });
  });

export type Config = z.infer<typeof ConfigSchema>;

/** Builds the config from an environment; fails fast naming each bad variable and what it expected. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(Object.keys(ConfigSchema.shape ?? {}).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const result = ConfigSchema.safeParse(known);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message }));
    throw new ValidationError(
      `invalid configuration: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`,
      issues,
    );
  }
  return { ...result.data, DATA_DIR: path.resolve(result.data.DATA_DIR) };
}
