import type { ColumnKind } from './templates.ts';

/** A cell as the readers hand it over: text from CSV, typed values from XLSX. */
export type Cell = string | number | boolean | Date | null | undefined;

const pad = (n: number | string): string => String(n).padStart(2, '0');

/** Days since 1899-12-30: Excel's 1900 date system (with its leap-year bug folded in). */
function fromExcelSerial(serial: number): string | undefined {
  if (!(serial > 0 && serial < 2_958_466)) return undefined;
  const d = new Date(Date.UTC(1899, 11, 30) + Math.floor(serial) * 86_400_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function toDate(cell: Exclude<Cell, null | undefined>): unknown {
  // exceljs gives date cells as the displayed calendar date at UTC midnight.
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? String(cell) : `${cell.getUTCFullYear()}-${pad(cell.getUTCMonth() + 1)}-${pad(cell.getUTCDate())}`;
  if (typeof cell === 'number') return fromExcelSerial(cell) ?? cell;
  const s = String(cell).trim();
  let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$/.exec(s);
  if (m) return `${m[1]}-${pad(m[2]!)}-${pad(m[3]!)}`;
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  // Anything else goes on as typed: validation names the field and the expected format.
  return s;
}

function toNumber(cell: Exclude<Cell, null | undefined>): unknown {
  if (typeof cell === 'number') return cell;
  const s = String(cell).normalize('NFKC').trim().replace(/[,\s]/g, '');
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
  return String(cell).trim();
}

const TRUE = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓', '有', 't']);
const FALSE = new Set(['否', 'n', 'no', 'false', '0', '×', '✗', '无', 'f']);

function toBoolean(cell: Exclude<Cell, null | undefined>): unknown {
  if (typeof cell === 'boolean') return cell;
  const s = String(cell).normalize('NFKC').trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return String(cell).trim();
}

function toText(cell: Exclude<Cell, null | undefined>): string {
  if (cell instanceof Date) return toDate(cell) as string;
  if (typeof cell === 'number' && Number.isInteger(cell) && Math.abs(cell) >= 1e15) return BigInt(cell).toString();
  return String(cell).trim();
}

/**
 * A cell as the value its column's field expects, or `undefined` for an empty cell. What cannot be
 * read is passed on unchanged, so the schema's own message (field, expected format) reports it.
 */
export function coerceCell(cell: Cell, kind: ColumnKind): unknown {
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell === 'string' && cell.trim() === '') return undefined;
  switch (kind) {
    case 'text':
      return toText(cell);
    case 'date':
      return toDate(cell);
    case 'number':
    case 'integer':
      return toNumber(cell);
    case 'boolean':
      return toBoolean(cell);
    default: {
      const never: never = kind;
      throw new Error(`unknown column kind ${String(never)}`);
    }
  }
}

/** Sets `value` at a dotted path (`owners.0.uscc`), creating objects and arrays on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Record<string, unknown> | unknown[] = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i]!;
    const nextIsIndex = /^\d+$/.test(parts[i + 1]!);
    const container = node as Record<string, unknown>;
    container[key] ??= nextIsIndex ? [] : {};
    node = container[key] as Record<string, unknown> | unknown[];
  }
  (node as Record<string, unknown>)[parts[parts.length - 1]!] = value;
}
