/**
 * Statements a GET request may carry (a ClickHouse server treats GET as read-only). What a
 * statement may touch is decided on the engine's parse of the whole statement, for every user, in
 * statementGuard.ts; read-only users also run on sessions opened with `--readonly=1`.
 */
export const READ_STATEMENTS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'EXISTS', 'USE', 'SET', '(']);
