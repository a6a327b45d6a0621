import type { Session } from 'chdb';
import { ClickHouseHttpError, fromEngineError } from './clickhouseErrors.ts';
import { leadingKeyword, sqlString, tokenize, type Token } from './sqlText.ts';

/** Statements a read-only user may send (anything else is refused before the engine sees it). */
export const READ_STATEMENTS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'EXISTS', 'USE', 'SET', '(']);

/**
 * The second line of the read-only guarantee. The first is the engine: read-only sessions are
 * opened with `--readonly=1`, which refuses every write, DDL, setting change and table function
 * (file, url, s3, executable, remote…). In chDB's LOCAL mode a few things slip past it, measured
 * on chDB 3.4 / ClickHouse 26.7: the scalar `file()` function reads any path, `INTO OUTFILE`
 * writes one, `UNDROP TABLE` restores a dropped table and `KILL QUERY` stops the platform's own
 * queries. So the query is first rendered by the engine's own parser (formatQuery: comments,
 * heredocs and quoting normalised, multi-statements refused), that rendering is checked, and it
 * is what gets executed, so the text inspected is the text run.
 *
 * @returns the canonical SQL to execute
 */
export async function gateReadonlyQuery(session: Session, sql: string): Promise<string> {
  let canonical: string;
  try {
    const r = await session.queryAsync(`SELECT formatQuery(${sqlString(sql)}) AS q`, { format: 'JSONEachRow' });
    canonical = (JSON.parse(r.text()) as { q: string }).q;
  } catch (err) {
    throw fromEngineError(err);
  }
  const tokens = tokenize(canonical);
  const kind = leadingKeyword(tokens);
  if (!READ_STATEMENTS.has(kind)) throw ClickHouseHttpError.of('READONLY', `Cannot execute query in readonly mode: ${kind} is not a read`);
  if (tokens.some((t) => t.kind === 'word' && t.value.toUpperCase() === 'OUTFILE'))
    throw ClickHouseHttpError.of('INTO_OUTFILE_NOT_ALLOWED', 'INTO OUTFILE is not allowed');
  if (callsFunction(tokens, 'file'))
    throw ClickHouseHttpError.of('READONLY', 'Cannot execute query in readonly mode: the file() function reads server files');
  return canonical;
}

function callsFunction(tokens: readonly Token[], name: string): boolean {
  return tokens.some(
    (t, i) => (t.kind === 'word' || t.kind === 'quoted') && t.value.toLowerCase() === name && tokens[i + 1]?.kind === 'punct' && tokens[i + 1]?.value === '(',
  );
}
