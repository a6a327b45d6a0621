/**
 * A small lexer for ClickHouse SQL text: enough to find the statement kind and a trailing
 * `FORMAT` clause, and to inspect the engine's own canonical rendering (formatQuery) of a query.
 * It never decides what the engine executes; the engine parses the text itself.
 */

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Offset of the token's first character in the text. */
  start: number;
  /** Offset just past the token's last character. */
  end: number;
  /** Identifier name (unquoted), string content (unescaped), or the raw text. */
  value: string;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/**
 * Splits SQL into tokens, dropping whitespace and comments. Block comments are taken as
 * non-nested and `#` as punctuation: when unsure, this lexer sees more tokens, never fewer.
 */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      const [value, next] = readQuoted(sql, i, c);
      out.push({ kind: c === "'" ? 'string' : 'quoted', value, start: i, end: next });
      i = next;
    } else if (c === '$') {
      const m = /^\$([A-Za-z0-9_]*)\$/.exec(sql.slice(i, i + 64));
      if (m) {
        const tag = m[0];
        const end = sql.indexOf(tag, i + tag.length);
        const stop = end < 0 ? n : end;
        out.push({ kind: 'string', value: sql.slice(i + tag.length, stop), start: i, end: end < 0 ? n : end + tag.length });
        i = end < 0 ? n : end + tag.length;
      } else {
        out.push({ kind: 'punct', value: c, start: i, end: i + 1 });
        i++;
      }
    } else if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < n && WORD_PART.test(sql[j]!)) j++;
      out.push({ kind: 'word', value: sql.slice(i, j), start: i, end: j });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(sql[j]!)) j++;
      out.push({ kind: 'number', value: sql.slice(i, j), start: i, end: j });
      i = j;
    } else {
      out.push({ kind: 'punct', value: c, start: i, end: i + 1 });
      i++;
    }
  }
  return out;
}

function readQuoted(sql: string, start: number, quote: string): [string, number] {
  let value = '';
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '\\' && i + 1 < sql.length) {
      value += unescapeChar(sql[i + 1]!);
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) {
        value += quote;
        i += 2;
      } else {
        return [value, i + 1];
      }
    } else {
      value += c;
      i++;
    }
  }
  return [value, sql.length];
}

function unescapeChar(c: string): string {
  switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case '0': return '\0';
    case 'b': return '\b';
    case 'f': return '\f';
    default: return c;
  }
}

/** The statement's first keyword, upper-cased ('' when none; '(' for a parenthesised select). */
export function leadingKeyword(tokens: readonly Token[]): string {
  const first = tokens[0];
  if (!first) return '';
  return first.kind === 'word' ? first.value.toUpperCase() : first.value;
}

/**
 * The output format named by a `FORMAT <name>` clause at the end of a non-INSERT statement
 * (optionally followed by SETTINGS or a semicolon), or undefined.
 */
export function outputFormatClause(tokens: readonly Token[]): string | undefined {
  if (leadingKeyword(tokens) === 'INSERT') return undefined;
  let found: string | undefined;
  for (const i of topLevelFormats(tokens)) {
    const name = tokens[i + 1];
    const after = tokens[i + 2];
    const endsHere = !after || (after.kind === 'punct' && after.value === ';') || (after.kind === 'word' && after.value.toUpperCase() === 'SETTINGS');
    if (name && (name.kind === 'word' || name.kind === 'quoted') && endsHere) found = name.value;
  }
  return found;
}

/** Indexes of the FORMAT keywords outside parentheses, in order. */
function topLevelFormats(tokens: readonly Token[]): number[] {
  const at: number[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && t.value === '(') depth++;
    else if (t.kind === 'punct' && t.value === ')') depth--;
    else if (depth === 0 && t.kind === 'word' && t.value.toUpperCase() === 'FORMAT') at.push(i);
  }
  return at;
}

/** A ClickHouse single-quoted string literal holding `text` exactly. */
export function sqlString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A back-quoted identifier. */
export function sqlIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

/**
 * For `INSERT … FORMAT <name>` (the statement part, without its data): the format name and the
 * offset of the FORMAT keyword, or undefined.
 */
export function insertFormatClause(tokens: readonly Token[]): { format: string; start: number } | undefined {
  if (leadingKeyword(tokens) !== 'INSERT') return undefined;
  let found: { format: string; start: number } | undefined;
  for (const i of topLevelFormats(tokens)) {
    const name = tokens[i + 1];
    if (name && (name.kind === 'word' || name.kind === 'quoted')) found = { format: name.value, start: tokens[i]!.start };
  }
  return found;
}
