/**
 * Unified social credit codes (GB 32100-2015) for generated entities: valid check characters,
 * the registering office's division code, and, like real data, about 1 % with a wrong check
 * character (ingest flags those but accepts them).
 */
import { USCC_ALPHABET, usccCheckCharacter } from '../../contracts/identifiers.ts';
import type { Rng } from './random.ts';

/** The registering offices inside the area (GB/T 2260) and their market-regulation bureaus. */
export const AREA_OFFICES = {
  '420117': '武汉市新洲区市场监督管理局',
  '420116': '武汉市黄陂区市场监督管理局',
  '420102': '武汉市江岸区市场监督管理局',
} as const;

/** Offices outside the area: counterparts of technology contracts and firms that move in. */
export const OUTSIDE_OFFICES = {
  '420100': '武汉市市场监督管理局',
  '420111': '武汉市洪山区市场监督管理局',
  '420106': '武汉市武昌区市场监督管理局',
  '420103': '武汉市江汉区市场监督管理局',
  '420115': '武汉市江夏区市场监督管理局',
  '110108': '北京市海淀区市场监督管理局',
  '310115': '上海市浦东新区市场监督管理局',
  '440305': '深圳市南山区市场监督管理局',
  '320106': '南京市鼓楼区市场监督管理局',
} as const;

export type DivisionCode = keyof typeof AREA_OFFICES | keyof typeof OUTSIDE_OFFICES | '420000';

/** GB 11714 organisation code check (positions 9–17 of pre-2015 codes). */
function orgCodeCheck(body8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(body8.charAt(i)) * (weights[i] ?? 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export interface UsccFactory {
  /** A new enterprise code (`91…`); `modern` codes carry the post-2015 `MA` organisation part. */
  enterprise(division: DivisionCode, modern: boolean): string;
  /** A public institution (事业单位 `12…`), e.g. a university. */
  institution(division: DivisionCode): string;
  /** Codes issued with a deliberately wrong check character, in issue order. */
  readonly flagged: ReadonlySet<string>;
}

export function createUsccFactory(rng: Rng, options: { badCheckRate?: number } = {}): UsccFactory {
  const badCheckRate = options.badCheckRate ?? 0.01;
  const issued = new Set<string>();
  const flagged = new Set<string>();
  const symbol = (): string => USCC_ALPHABET.charAt(Math.floor(rng.next() * USCC_ALPHABET.length));

  function finish(first17: string, mayBeBad: boolean): string {
    const good = usccCheckCharacter(first17);
    if (mayBeBad && rng.chance(badCheckRate)) {
      let bad = good;
      while (bad === good) bad = symbol();
      const code = first17 + bad;
      flagged.add(code);
      return code;
    }
    return first17 + good;
  }

  function unique(make: () => string): string {
    for (;;) {
      const code = make();
      if (!issued.has(code.slice(0, 17))) {
        issued.add(code.slice(0, 17));
        return code;
      }
    }
  }

  return {
    enterprise(division, modern) {
      return unique(() => {
        let org: string;
        if (modern) {
          org = 'MA';
          for (let i = 0; i < 7; i++) org += symbol();
        } else {
          let body = String(rng.int(5, 7));
          for (let i = 0; i < 7; i++) body += String(rng.int(0, 9));
          const check = orgCodeCheck(body);
          org = body + check;
        }
        return finish(`91${division}${org}`, true);
      });
    },
    institution(division) {
      return unique(() => {
        let body = '4';
        for (let i = 0; i < 7; i++) body += String(rng.int(0, 9));
        return finish(`12${division}${body}${orgCodeCheck(body)}`, false);
      });
    },
    flagged,
  };
}
