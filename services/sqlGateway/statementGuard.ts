import type { Session } from 'chdb';
import { ClickHouseHttpError, fromEngineError } from './clickhouseErrors.ts';
import { sqlString, tokenize, type Token } from './sqlText.ts';

/**
 * The line between SQL and the host, for every user of the SQL interface (admin included): no
 * statement may read, create or write a host file or reach an address. An administrator of a data
 * platform administers its tables, not the host.
 *
 * The engine cannot draw this line in chDB's local mode (measured on chDB 3.4 / ClickHouse 26.x):
 * `file()` reads any absolute path whatever `user_files_path` says, relative paths resolve against
 * the process's working directory, and `readonly=1` leaves the scalar `file()`, `INTO OUTFILE` and
 * `DESCRIBE TABLE url(…)` open. So the decisive check is on the engine's own parse of the whole
 * statement: `formatQuery` renders it (comments, heredocs, quoting and case normalised; multiple
 * statements refused) and `EXPLAIN AST` gives its tree. The tree is checked against allow-lists
 * (statement kinds, table functions, table and database engines) and deny-lists (host-reaching
 * scalar functions, path-bearing settings), and the rendering is what gets executed, so the text
 * inspected is the text run.
 */

/** Table functions that compute or read inline data or platform tables, and nothing else. */
export const ALLOWED_TABLE_FUNCTIONS = new Set([
  'numbers', 'numbers_mt', 'zeros', 'zeros_mt', 'generaterandom', 'generateseries', 'generate_series', 'primes',
  'values', 'null', 'view', 'merge', 'format',
]);

/** Table engines an admin may create: data in the platform's own data directory or in memory. */
export const ALLOWED_TABLE_ENGINES = new Set([
  'MergeTree', 'ReplacingMergeTree', 'SummingMergeTree', 'AggregatingMergeTree', 'CollapsingMergeTree',
  'VersionedCollapsingMergeTree', 'CoalescingMergeTree', 'Memory', 'Null', 'Log', 'TinyLog', 'StripeLog',
  'View', 'MaterializedView', 'Set', 'Join', 'Buffer',
  // database engines
  'Atomic', 'Ordinary',
]);

/**
 * Names that reach outside the engine whatever the build lists (the catalog read at start adds
 * every table function and engine of the running build): table functions, table and database
 * engines and the scalar functions that open files or connections.
 */
const HOST_FUNCTIONS = [
  'file', 'filecluster', 'url', 'urlcluster', 'sqlite', 's3', 's3cluster', 'gcs', 'oss', 'cosn', 'remote', 'remotesecure',
  'cluster', 'clusterallreplicas', 'mysql', 'postgresql', 'executable', 'executablepool', 'hdfs', 'hdfscluster', 'jdbc',
  'odbc', 'mongodb', 'redis', 'azureblobstorage', 'azureblobstoragecluster', 'iceberg', 'icebergs3', 'icebergazure',
  'iceberghdfs', 'iceberglocal', 'deltalake', 'deltalakelocal', 'deltalakes3', 'deltalakeazure', 'hudi', 'paimon', 'input',
  'filesystem', 'dictionary', 'loop', 'ytsaurus', 'kafka', 'filelog', 'embeddedrocksdb', 'keepermap', 'distributed',
  'disk', 'catboostevaluate', 'hascolumnintable', 'backup', 'sqlstandardvalues',
];

/**
 * Settings that name files, schemas, hosts or change how the statement is parsed; refused in
 * URL parameters, `SET` and every `SETTINGS` clause for every user.
 */
const HOST_SETTINGS = new Set([
  'dialect', 'polyglot_dialect', 'allow_experimental_kusto_dialect', 'allow_experimental_prql_dialect', 'allow_experimental_polyglot_dialect',
  'default_table_engine', 'default_temporary_table_engine', 'default_database_engine',
  'additional_table_filters', 'additional_result_filter',
  'input_format_values_interpret_expressions', 'input_format_values_deduce_templates_of_expressions',
  'format_schema', 'format_schema_source', 'output_format_schema', 'format_template_resultset', 'format_template_row',
  'format_avro_schema_registry_url', 'input_format_record_errors_file_path', 'into_outfile_create_parent_directories',
  'disk', 'storage_policy', 'dynamic_disk_allow_from_env', 'dynamic_disk_allow_include', 'dynamic_disk_allow_from_zk',
  'url_base', 'rename_files_after_processing', 's3queue_default_zookeeper_path', 'user_files_path',
]);
const HOST_SETTING_PREFIXES = ['engine_file_', 'engine_url_', 'jemalloc_'];

/** System tables holding other users' query texts, refused to every SQL user (admin included). */
const QUERY_TEXT_TABLES = new Set([
  'processes', 'user_processes', 'query_log', 'query_thread_log', 'query_views_log', 'query_metric_log', 'processors_profile_log',
  'text_log', 'trace_log', 'session_log', 'part_log', 'opentelemetry_span_log', 'asynchronous_insert_log', 'asynchronous_inserts',
  'stack_trace', 'error_log', 'crash_log', 'backup_log', 'blob_storage_log', 's3queue_log', 'filesystem_cache_log',
  'zookeeper_log', 'mutations', 'distributed_ddl_queue', 'query_cache', 'named_collections', 'dead_letter_queue',
]);

/** Statement kinds (root nodes of EXPLAIN AST) a read-only user may run. */
const READ_KINDS = [/^SelectWithUnionQuery$/, /^SelectIntersectExceptQuery$/, /^SelectQuery$/, /^Show(?!Processlist)\w*$/, /^SHOW$/, /^Exists\w*Query$/, /^DescribeQuery$/, /^Explain$/, /^UseQuery$/, /^Set$/];
/** … and an admin, besides. */
const ADMIN_KINDS = [
  ...READ_KINDS, /^InsertQuery$/, /^CreateQuery$/, /^AttachQuery$/, /^AlterQuery$/, /^DropQuery$/, /^UndropQuery$/,
  /^Rename$/, /^OptimizeQuery$/, /^TruncateQuery$/, /^CheckQuery$/, /^KillQueryQuery$/, /^CreateSQLFunctionQuery$/, /^DropFunctionQuery$/,
];

/** What the running build knows: every table function and engine, read once at start. */
export interface GuardCatalog {
  /** Lower-cased names of functions refused wherever they appear. */
  deniedFunctions: Set<string>;
  /** Lower-cased names of every table and database engine. */
  engines: Set<string>;
}

export async function loadGuardCatalog(session: Session): Promise<GuardCatalog> {
  const names = async (sql: string): Promise<string[]> => {
    try {
      const r = await session.queryAsync(sql, { format: 'JSONCompact' });
      return r.json<{ data: [string][] }>().data.map(([n]) => n.toLowerCase());
    } catch {
      return [];
    }
  };
  const tableFunctions = await names('SELECT name FROM system.table_functions');
  const engines = [...(await names('SELECT name FROM system.table_engines')), ...(await names('SELECT name FROM system.database_engines'))];
  const deniedFunctions = new Set([...HOST_FUNCTIONS, ...tableFunctions.filter((n) => !ALLOWED_TABLE_FUNCTIONS.has(n))]);
  return { deniedFunctions, engines: new Set([...engines, ...HOST_FUNCTIONS]) };
}

export interface GuardedStatement {
  /** The SQL to execute: the engine's rendering of the statement, then the inline data if any. */
  sql: string;
  /** Root node of the statement's tree (e.g. SelectWithUnionQuery, InsertQuery). */
  kind: string;
  /** For an INSERT whose data follows it: the format of that data. */
  dataFormat?: string;
  /** Offset in `sql` of the trailing `FORMAT <name>` of an INSERT (where `FROM INFILE` may go). */
  insertFormatStart?: number;
}

export interface GuardOptions {
  readonly: boolean;
  catalog: GuardCatalog;
}

/**
 * A refusal: READONLY (164) for a read-only user, as a ClickHouse server with readonly=1 answers
 * for table functions and writes; ACCESS_DENIED (497) otherwise. Both are HTTP 403.
 */
function denied(message: string, readonly = false): ClickHouseHttpError {
  return ClickHouseHttpError.of(readonly ? 'READONLY' : 'ACCESS_DENIED', message);
}

/** Refuses settings (URL parameters) that name host files, schemas or hosts, or change the parser. */
export function guardSettingNames(names: Iterable<string>): void {
  for (const name of names) if (isHostSetting(name)) throw denied(`Setting '${name}' is not allowed through the SQL interface: it names files or hosts of the server`);
}

function isHostSetting(name: string): boolean {
  const n = name.toLowerCase();
  return HOST_SETTINGS.has(n) || HOST_SETTING_PREFIXES.some((p) => n.startsWith(p));
}

/**
 * Checks one statement (with any inline INSERT data after it) and returns what to execute.
 * Throws a ClickHouse-style error (ACCESS_DENIED 497, READONLY 164, INTO_OUTFILE_NOT_ALLOWED 358,
 * or the engine's own SYNTAX_ERROR) when it is refused.
 */
export async function guardStatement(session: Session, text: string, options: GuardOptions): Promise<GuardedStatement> {
  const split = splitInsertData(text);
  const statement = split ? split.statement : text;
  let canonical: string;
  let ast: string;
  try {
    const r = await session.queryAsync(`SELECT formatQuery(${sqlString(statement)}) AS q`, { format: 'JSONEachRow' });
    canonical = (JSON.parse(r.text()) as { q: string }).q;
    ast = (await session.queryAsync(`EXPLAIN AST ${canonical}`, { format: 'TSVRaw' })).text();
  } catch (err) {
    throw fromEngineError(err);
  }
  const tokens = tokenize(canonical);
  const kind = checkTree(ast, options);
  checkTokens(tokens, kind, options);

  if (kind !== 'InsertQuery') {
    if (split) throw ClickHouseHttpError.of('SYNTAX_ERROR', 'Syntax error: data after a statement that is not an INSERT');
    return { sql: canonical, kind };
  }
  // An INSERT's data follows its rendering, which must end with `FORMAT <name>` to take it.
  const formatAt = trailingFormat(tokens);
  if (split && !formatAt) throw ClickHouseHttpError.of('SYNTAX_ERROR', 'Syntax error: INSERT data without a FORMAT clause');
  const sql = split ? `${canonical}${split.separator}${split.data}` : canonical;
  return { sql, kind, ...(formatAt ? { dataFormat: formatAt.format, insertFormatStart: formatAt.start } : {}) };
}

/** Walks EXPLAIN AST's indented tree; returns the root node's kind. */
function checkTree(ast: string, options: GuardOptions): string {
  const lines = ast.split('\n').filter((l) => l.trim() !== '');
  const kind = (lines[0] ?? '').trim().split(/\s+/)[0] ?? '';
  const allowedKinds = options.readonly ? READ_KINDS : ADMIN_KINDS;
  if (!allowedKinds.some((k) => k.test(kind))) {
    if (options.readonly) throw ClickHouseHttpError.of('READONLY', `Cannot execute query in readonly mode: ${describeKind(lines[0] ?? '')} is not a read`);
    throw denied(`${describeKind(lines[0] ?? '')} is not allowed through the SQL interface: an administrator of the data platform administers its tables, not the host`);
  }
  // Parent of each line by indentation, to tell an engine (first function of a storage definition) from an expression.
  const stack: { depth: number; node: string; functionsSeen: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const depth = line.length - line.trimStart().length;
    const node = line.trim();
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const parent = stack[stack.length - 1];
    if (node.startsWith('FunctionWithKeyValueArguments') || node.startsWith('Dictionary definition'))
      throw denied('Dictionaries are not allowed through the SQL interface: their sources read files, URLs and other servers', options.readonly);
    // FREEZE copies parts to a backup folder, FETCH takes them from another server.
    if (/^AlterCommand (FREEZE|UNFREEZE|FETCH)/.test(node))
      throw denied(`ALTER … ${node.split(/\s+/)[1]} is not allowed through the SQL interface: it writes backups of the server or fetches from another one`, options.readonly);
    const fn = /^Function (\S+)/.exec(node);
    if (fn) {
      const name = fn[1]!;
      const lower = name.toLowerCase();
      const isEngine = parent?.node.startsWith('Storage definition') && parent.functionsSeen === 0 && options.catalog.engines.has(lower);
      if (parent?.node.startsWith('Storage definition')) parent.functionsSeen++;
      if (isEngine) {
        if (!ALLOWED_TABLE_ENGINES.has(name))
          throw denied(`Engine ${name} is not allowed through the SQL interface: allowed are ${[...ALLOWED_TABLE_ENGINES].join(', ')}`, options.readonly);
      } else if (options.catalog.deniedFunctions.has(lower) || HOST_FUNCTIONS.includes(lower)) {
        throw denied(`Function ${name} is not allowed through the SQL interface: it reads or writes files of the server or reaches other hosts; table functions allowed are ${[...ALLOWED_TABLE_FUNCTIONS].join(', ')}`, options.readonly);
      } else if (lower === 'merge') {
        checkMergeDatabase(lines, i, depth);
      }
    }
    const ident = /^(?:Table)?Identifier (\S+)/.exec(node);
    const table = ident?.[1]?.split('.').pop()?.toLowerCase();
    if (table && QUERY_TEXT_TABLES.has(table))
      throw denied(`Table system.${table} is not readable through the SQL interface: it holds other users' queries`);
    stack.push({ depth, node, functionsSeen: 0 });
  }
  return kind;
}

/** merge() must name one platform database as a string literal, never `system` (any SQL user). */
function checkMergeDatabase(lines: string[], at: number, depth: number): void {
  // Function merge → ExpressionList → first argument
  const first = lines[at + 2];
  const literal = first && first.length - first.trimStart().length > depth ? /^Literal '((?:[^'\\]|\\.)*)'/.exec(first.trim()) : null;
  const db = literal?.[1]?.toLowerCase();
  if (!db || db === 'system' || db === 'information_schema')
    throw denied("merge() is allowed over a platform database named as a string, e.g. merge('brain', '^fact_')");
}

function describeKind(rootLine: string): string {
  const t = rootLine.trim();
  if (/^SYSTEM/i.test(t)) return 'SYSTEM';
  const name = t.split(/\s+/)[0] ?? '';
  return name.replace(/Query$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase() || 'this statement';
}

function checkTokens(tokens: readonly Token[], kind: string, options: GuardOptions): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    if (t.kind === 'word') {
      const upper = t.value.toUpperCase();
      if (upper === 'OUTFILE') throw ClickHouseHttpError.of('INTO_OUTFILE_NOT_ALLOWED', 'INTO OUTFILE is not allowed: it writes a file of the server');
      if (upper === 'INFILE') throw denied('FROM INFILE is not allowed: it reads a file of the server; send the data as the request body', options.readonly);
    }
    if ((t.kind === 'word' || t.kind === 'quoted') && next?.kind === 'punct' && next.value === '=' && isHostSetting(t.value))
      throw denied(`Setting '${t.value}' is not allowed through the SQL interface: it names files or hosts of the server or changes how SQL is parsed`, options.readonly);
    if ((t.kind === 'word' || t.kind === 'quoted') && next?.kind === 'punct' && next.value === '(' && HOST_FUNCTIONS.includes(t.value.toLowerCase()) && !ALLOWED_TABLE_ENGINES.has(t.value))
      throw denied(`Function ${t.value} is not allowed through the SQL interface: it reads or writes files of the server or reaches other hosts`, options.readonly);
  }
  // ATTACH … FROM '<path>' takes a table's data from any directory of the host.
  if (kind === 'AttachQuery' && tokens.some((t) => t.kind === 'string'))
    throw denied('ATTACH … FROM a path is not allowed through the SQL interface: it reads a directory of the server');
}

/** `FORMAT <name>` at the very end of a rendered INSERT: its format and offset. */
function trailingFormat(tokens: readonly Token[]): { format: string; start: number } | undefined {
  const n = tokens.length;
  const kw = tokens[n - 2];
  const name = tokens[n - 1];
  if (kw?.kind === 'word' && kw.value.toUpperCase() === 'FORMAT' && name && (name.kind === 'word' || name.kind === 'quoted'))
    return { format: name.value, start: kw.start };
  return undefined;
}

/**
 * For `INSERT … FORMAT <name> <data>` or `INSERT … VALUES <data>`: the statement part (VALUES
 * rewritten as `FORMAT Values`), the data, and the whitespace between them. Undefined for any
 * other statement, or an INSERT without inline data. Only the statement part is parsed as SQL;
 * the engine is then handed the engine's own rendering of it followed by the data, so a data part
 * this lexer misjudged is data to the engine too, never SQL.
 */
export function splitInsertData(sql: string): { statement: string; data: string; separator: string } | undefined {
  let depth = 0;
  let first = true;
  for (const t of tokenIterator(sql)) {
    if (first) {
      if (!(t.kind === 'word' && t.value.toUpperCase() === 'INSERT')) return undefined;
      first = false;
      continue;
    }
    if (t.kind === 'punct' && t.value === '(') depth++;
    else if (t.kind === 'punct' && t.value === ')') depth--;
    else if (depth === 0 && t.kind === 'word') {
      const upper = t.value.toUpperCase();
      if (upper === 'SELECT' || upper === 'WITH') return undefined;
      if (upper === 'VALUES') {
        const rest = sql.slice(t.end);
        const data = rest.trimStart();
        return { statement: `${sql.slice(0, t.start)} FORMAT Values`, data, separator: ' ' };
      }
      if (upper === 'FORMAT') {
        const name = nextToken(sql, t.end);
        if (!name || (name.kind !== 'word' && name.kind !== 'quoted')) return undefined;
        const rest = sql.slice(name.end);
        if (rest.trim() === '' || rest.trim() === ';') return undefined;
        // The engine's rendering ends with the format name; the data keeps its own leading whitespace.
        return { statement: sql.slice(0, name.end), data: rest, separator: '' };
      }
    }
  }
  return undefined;
}

function* tokenIterator(sql: string): Generator<Token> {
  let at = 0;
  for (;;) {
    const t = nextToken(sql, at);
    if (!t) return;
    yield t;
    at = t.end;
  }
}

/** The first token at or after `from` (tokenizing only a bounded window, so huge data is never lexed). */
function nextToken(sql: string, from: number): Token | undefined {
  // Skip whitespace and comments with a small window first; strings may be long, so widen on demand.
  for (let window = 4096; ; window *= 4) {
    const slice = sql.slice(from, from + window);
    const tokens = tokenize(slice);
    const t = tokens[0];
    const complete = from + window >= sql.length || (t !== undefined && tokens.length > 1);
    if (complete) return t ? { ...t, start: t.start + from, end: t.end + from } : undefined;
  }
}
