/**
 * The indicator sets of innovation points, kept as data (sets/*.yaml next to this file) and
 * validated at load: a set that breaks the schema (weights not adding up, groups with a gap, an
 * unknown figure) stops the start with the file and the reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { IndicatorSetSchema, type IndicatorSet } from '../../contracts/points.ts';

const SETS_DIR = path.join(import.meta.dirname, 'sets');

/** Parses and validates one set's YAML text; `file` names it in the error. */
export function parseIndicatorSet(text: string, file: string): IndicatorSet {
  const r = IndicatorSetSchema.safeParse(parse(text));
  if (!r.success) throw new Error(`indicator set ${file} is invalid:\n${z.prettifyError(r.error)}`);
  return r.data;
}

/** Every set of a folder (default: the shipped ones), oldest `effectiveFrom` first. */
export function loadIndicatorSets(dir: string = SETS_DIR): IndicatorSet[] {
  const sets = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parseIndicatorSet(readFileSync(path.join(dir, f), 'utf8'), f));
  const ids = new Set<string>();
  for (const s of sets) {
    if (ids.has(s.id)) throw new Error(`indicator set id ${s.id} appears twice in ${dir}`);
    ids.add(s.id);
  }
  return sets.sort((a, b) => a.effectiveFrom - b.effectiveFrom || a.id.localeCompare(b.id));
}

/** The set a year is scored with by default: the latest whose effectiveFrom is not after it (else the earliest). */
export function defaultSetFor(sets: readonly IndicatorSet[], year: number): IndicatorSet {
  const applicable = sets.filter((s) => s.effectiveFrom <= year);
  return applicable[applicable.length - 1] ?? sets[0]!;
}
