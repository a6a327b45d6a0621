/**
 * ClickHouse's error wire format for the HTTP interface: clients (clickhouse-js, clickhouse-connect,
 * JDBC) parse `Code: <n>. DB::Exception: <message>. (<NAME>)` out of the body and read the
 * `X-ClickHouse-Exception-Code` header, so the engine's own code has to reach them unchanged.
 */

/** The codes this server raises itself (numbers as the engine's errorCodeToName reports them). */
export const ErrorCodes = {
  UNSUPPORTED_METHOD: 1,
  BAD_ARGUMENTS: 36,
  NOT_IMPLEMENTED: 48,
  SYNTAX_ERROR: 62,
  UNKNOWN_COMPRESSION_METHOD: 89,
  UNKNOWN_SETTING: 115,
  READONLY: 164,
  TOO_MANY_SIMULTANEOUS_QUERIES: 202,
  ABORTED: 236,
  QUERY_IS_TOO_LARGE: 229,
  CANNOT_DECOMPRESS: 271,
  INTO_OUTFILE_NOT_ALLOWED: 358,
  TOO_MANY_ROWS_OR_BYTES: 396,
  ACCESS_DENIED: 497,
  AUTHENTICATION_FAILED: 516,
  STD_EXCEPTION: 1001,
} as const;

export type ErrorName = keyof typeof ErrorCodes;

/** An error to send back in ClickHouse's format. */
export class ClickHouseHttpError extends Error {
  constructor(
    readonly code: number,
    readonly errorName: string,
    message: string,
    /** The full `Code: … (NAME)` text when it came from the engine as such. */
    readonly engineText?: string,
  ) {
    super(message);
    this.name = 'ClickHouseHttpError';
  }

  static of(name: ErrorName, message: string): ClickHouseHttpError {
    return new ClickHouseHttpError(ErrorCodes[name], name, message);
  }

  get httpStatus(): number {
    return httpStatusFor(this.errorName);
  }

  /** The response body a ClickHouse server would send (one line, newline-terminated). */
  body(version: string): string {
    const text = this.engineText ?? `Code: ${this.code}. DB::Exception: ${this.message.replace(/\.?$/, '.')} (${this.errorName})`;
    return `${text} (version ${version} (official build))\n`;
  }
}

const ENGINE_TEXT = /^Code: (\d+)\. DB::\w*Exception: [\s\S]*\(([A-Z][A-Z0-9_]+)\)\s*$/;

/** Translates whatever the chDB addon threw into the error a ClickHouse server would have sent. */
export function fromEngineError(err: unknown): ClickHouseHttpError {
  if (err instanceof ClickHouseHttpError) return err;
  const e = err as { message?: unknown; clickhouseCode?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const m = ENGINE_TEXT.exec(message.trim());
  if (m) return new ClickHouseHttpError(Number(m[1]), m[2]!, message, message.trim());
  const code = typeof e?.clickhouseCode === 'number' && e.clickhouseCode > 0 ? e.clickhouseCode : ErrorCodes.STD_EXCEPTION;
  return new ClickHouseHttpError(code, code === ErrorCodes.STD_EXCEPTION ? 'STD_EXCEPTION' : 'UNKNOWN_EXCEPTION', message);
}

// The mapping of ClickHouse's HTTPHandler (exceptionCodeToHTTPStatus), keyed by name because the
// engine's messages carry the name and names are what the server source uses.
const STATUS_BY_NAME: Record<string, number> = {
  AUTHENTICATION_FAILED: 401,
  UNKNOWN_USER: 401,
  WRONG_PASSWORD: 401,
  REQUIRED_PASSWORD: 401,
  ACCESS_DENIED: 403,
  READONLY: 403,
  INTO_OUTFILE_NOT_ALLOWED: 403,
  CANNOT_PARSE_TEXT: 400,
  CANNOT_PARSE_ESCAPE_SEQUENCE: 400,
  CANNOT_PARSE_QUOTED_STRING: 400,
  CANNOT_PARSE_INPUT_ASSERTION_FAILED: 400,
  CANNOT_PARSE_DATE: 400,
  CANNOT_PARSE_DATETIME: 400,
  CANNOT_PARSE_NUMBER: 400,
  CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING: 400,
  CANNOT_PARSE_IPV4: 400,
  CANNOT_PARSE_IPV6: 400,
  CANNOT_PARSE_UUID: 400,
  CANNOT_PARSE_BOOL: 400,
  UNKNOWN_ELEMENT_IN_AST: 400,
  UNKNOWN_TYPE_OF_AST_NODE: 400,
  TOO_DEEP_AST: 400,
  TOO_BIG_AST: 400,
  UNEXPECTED_AST_STRUCTURE: 400,
  SYNTAX_ERROR: 400,
  INCORRECT_DATA: 400,
  TYPE_MISMATCH: 400,
  VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE: 400,
  UNKNOWN_QUERY_PARAMETER: 400,
  BAD_QUERY_PARAMETER: 400,
  CANNOT_DECOMPRESS: 400,
  UNKNOWN_COMPRESSION_METHOD: 400,
  UNKNOWN_TABLE: 404,
  UNKNOWN_FUNCTION: 404,
  UNKNOWN_IDENTIFIER: 404,
  UNKNOWN_TYPE: 404,
  UNKNOWN_STORAGE: 404,
  UNKNOWN_DATABASE: 404,
  UNKNOWN_SETTING: 404,
  UNKNOWN_DIRECTION_OF_SORTING: 404,
  UNKNOWN_AGGREGATE_FUNCTION: 404,
  UNKNOWN_FORMAT: 404,
  UNKNOWN_DATABASE_ENGINE: 404,
  UNKNOWN_TYPE_OF_QUERY: 404,
  UNKNOWN_ROLE: 404,
  QUERY_IS_TOO_LARGE: 413,
  // Beyond a user's concurrent queries (or the pool): come back later, as a ClickHouse server
  // behind a proxy answers; clients treat it as retriable.
  TOO_MANY_SIMULTANEOUS_QUERIES: 429,
  UNSUPPORTED_METHOD: 405,
  ABORTED: 503,
  NOT_IMPLEMENTED: 501,
  SOCKET_TIMEOUT: 503,
  TIMEOUT_EXCEEDED: 500,
};

export function httpStatusFor(errorName: string): number {
  return STATUS_BY_NAME[errorName] ?? 500;
}
