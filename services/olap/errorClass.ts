/**
 * What a failed call to ClickHouse means for its caller: the statement is wrong, a retry may fix
 * it, or neither. Used by the OlapClient adapter (client.ts) to map vendor errors to ours.
 */

/**
 * Engine errors that a retry of the same statement may fix: the server is overloaded, short of
 * memory or disk for the moment, restarting, or lost a connection of its own. Retrying an insert
 * is safe here because the platform's inserts carry deduplication tokens.
 */
const RETRIABLE_ENGINE_ERRORS = new Set([
  'UNEXPECTED_END_OF_FILE', // 3
  'ATTEMPT_TO_READ_AFTER_EOF', // 32
  'TOO_MANY_SIMULTANEOUS_QUERIES', // 202
  'NO_FREE_CONNECTION', // 203
  'SOCKET_TIMEOUT', // 209
  'NETWORK_ERROR', // 210
  'NO_ZOOKEEPER', // 225
  'ABORTED', // 236
  'MEMORY_LIMIT_EXCEEDED', // 241
  'TABLE_IS_READ_ONLY', // 242
  'NOT_ENOUGH_SPACE', // 243
  'TOO_MANY_PARTS', // 252
  'ALL_CONNECTION_TRIES_FAILED', // 279
  'UNKNOWN_STATUS_OF_INSERT', // 319
  'CANNOT_SCHEDULE_TASK', // 439
  'DEADLOCK_AVOIDED', // 473
  'KEEPER_EXCEPTION', // 999
  'POCO_EXCEPTION', // 1000: sockets and DNS inside the server
  'CANNOT_ALLOCATE_MEMORY', // 173
  'SERVER_OVERLOADED', // recent servers; matched by name
]);

/** Engine errors that say the statement itself is wrong (a retry gives the same answer). */
const QUERY_ERRORS = new Set([
  'BAD_ARGUMENTS',
  'NOT_FOUND_COLUMN_IN_BLOCK',
  'UNKNOWN_TABLE',
  'SYNTAX_ERROR',
  'TYPE_MISMATCH',
  'UNKNOWN_IDENTIFIER',
  'ILLEGAL_TYPE_OF_ARGUMENT',
  'UNKNOWN_FUNCTION',
  'UNKNOWN_DATABASE',
  'NUMBER_OF_ARGUMENTS_DOESNT_MATCH',
  'CANNOT_PARSE_TEXT',
  'INCORRECT_DATA',
  'READONLY',
  'UNKNOWN_QUERY_PARAMETER',
  'BAD_QUERY_PARAMETER',
  'ACCESS_DENIED',
  'AUTHENTICATION_FAILED',
  'UNKNOWN_SETTING',
  'ILLEGAL_COLUMN',
  'NO_SUCH_COLUMN_IN_TABLE',
  'THERE_IS_NO_COLUMN',
  'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
  'QUERY_IS_TOO_LARGE',
  'NO_COMMON_TYPE',
]);

/** The same by number, for an error that carries only its code. */
const QUERY_ERROR_CODES = new Set(['36', '43', '46', '47', '53', '60', '62', '81', '164', '386', '497', '516']);

/** Node socket errors (and the client's own timeout) of a server that is unreachable for now. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);
const NETWORK_MESSAGE = /socket hang up|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Timeout error|other side closed|connect E\w+|read E\w+|Service Unavailable|Bad Gateway|Gateway Time-?out|Too Many Requests/i;

export type OlapErrorClass = 'query' | 'transient' | 'permanent';

/**
 * What a failed call to ClickHouse (server or chDB, through @clickhouse/client) means: the
 * statement is wrong (`query`), a retry may succeed (`transient`), or neither (`permanent`).
 * Reads the engine's error name (`type`, e.g. TOO_MANY_SIMULTANEOUS_QUERIES) or the Node socket
 * error code; anything unknown is permanent, so a bug is never retried forever.
 */
export function classifyOlapError(err: unknown): OlapErrorClass {
  const e = (err ?? {}) as { code?: unknown; type?: unknown; message?: unknown; cause?: { code?: unknown } };
  const name = typeof e.type === 'string' ? e.type : undefined;
  if (name && QUERY_ERRORS.has(name)) return 'query';
  if (name && RETRIABLE_ENGINE_ERRORS.has(name)) return 'transient';
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  if (code && NETWORK_CODES.has(code)) return 'transient';
  if (code && QUERY_ERROR_CODES.has(code)) return 'query';
  // Engine errors are numbered: a name-less numeric code is a query error only if known as such.
  if (!name && typeof e.message === 'string' && NETWORK_MESSAGE.test(e.message)) return 'transient';
  return 'permanent';
}
