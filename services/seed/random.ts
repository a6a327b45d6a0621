/**
 * A small seeded PRNG (sfc32) with the helpers the sample-data generator needs.
 * Same seed → same sequence on every platform, so the generated history is byte-for-byte
 * reproducible. Never use Math.random in the seed.
 */
import type { Day } from './calendar.ts';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  float(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** Approximately normal (sum of uniforms), good enough for plausible noise. */
  normal(mean: number, sd: number): number;
  /** Log-normal around a median: the shape of revenues, contract amounts, capital. */
  logNormal(median: number, sigma: number): number;
  /** A day in [from, to], both inclusive. */
  day(from: Day, to: Day): Day;
  shuffle<T>(items: T[]): T[];
  /** k distinct items (fewer when the list is shorter). */
  sample<T>(items: readonly T[], k: number): T[];
  hex(length: number): string;
  /** An independent stream for one part of the generation, so parts do not shift each other. */
  fork(label: string): Rng;
}

/** FNV-1a of the label mixed into the seed. */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function createRng(seed: number): Rng {
  // sfc32 state from splitmix32 of the seed, so nearby seeds give unrelated streams.
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();

  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    weighted<T>(items: readonly (readonly [T, number])[]): T {
      let total = 0;
      for (const [, w] of items) total += w;
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      const last = items[items.length - 1];
      if (!last) throw new RangeError('weighted pick from an empty list');
      return last[0];
    },
    // Six uniforms: mean 3, variance 1/2, so (Σ − 3)·√2 is close to a standard normal.
    normal: (mean, sd) => mean + sd * (next() + next() + next() + next() + next() + next() - 3) * Math.SQRT2,
    logNormal: (median, sigma) => median * Math.exp(sigma * (next() + next() + next() + next() + next() + next() - 3) * Math.SQRT2),
    day: (from, to) => from + Math.floor(next() * (to - from + 1)),
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const t = items[i] as T;
        items[i] = items[j] as T;
        items[j] = t;
      }
      return items;
    },
    sample<T>(items: readonly T[], k: number): T[] {
      return rng.shuffle(items.slice()).slice(0, Math.max(0, k));
    },
    hex(length) {
      let out = '';
      while (out.length < length) out += Math.floor(next() * 4294967296).toString(16).padStart(8, '0');
      return out.slice(0, length);
    },
    fork: (label) => createRng(deriveSeed(seed, label)),
  };
  return rng;
}

/**
 * Picks indices in proportion to fixed weights in O(log n): used thousands of times on the same
 * population (which firm files the next patent, buys the next service).
 */
export function weightedIndexPicker(weights: readonly number[]): (rng: Rng) => number {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => {
    total += Math.max(0, w);
    cumulative[i] = total;
  });
  return (rng) => {
    const r = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

const SURNAMES = '王李张刘陈杨黄赵周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆汪范廖石金贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍鹏辉建红波宁斌宇浩凯健俊帆帅旭晨瑶琳婷雪倩颖思佳欣怡子轩梓涵一诺雨泽博文皓然志远嘉豪晓东海峰国庆立新永春丹阳锐';

/** A plausible Chinese personal name (surname + one or two given characters). */
export function personName(rng: Rng): string {
  const surname = SURNAMES.charAt(Math.floor(rng.next() * SURNAMES.length));
  const first = GIVEN.charAt(Math.floor(rng.next() * GIVEN.length));
  return rng.chance(0.7) ? surname + first + GIVEN.charAt(Math.floor(rng.next() * GIVEN.length)) : surname + first;
}

const BRAND_CHARS = '长瑞华鑫科睿恒达诚信安泰宏远博康智云新合嘉盛天成汇丰楚江汉阳光明源海创致启航远卓越精锐联众凯隆昌荣铭德旭立鼎尚辰宸耀星辉润翔禾谷芯能';

/** A two-character brand (字号), the distinctive part of a Chinese company name. */
export function brandName(rng: Rng): string {
  const a = BRAND_CHARS.charAt(Math.floor(rng.next() * BRAND_CHARS.length));
  let b = a;
  while (b === a) b = BRAND_CHARS.charAt(Math.floor(rng.next() * BRAND_CHARS.length));
  return a + b;
}
