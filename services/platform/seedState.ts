/**
 * The seeding marker in the data folder (`seed-state.json`): whether sample seeding is running or
 * complete, and the size it was started with, so a seeding a crash interrupted is resumed at the
 * next start with the same history.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface SeedState {
  state: 'running' | 'complete';
  enterprises?: number;
}

/** The seeding marker, or null when there is none (or it cannot be read: then the store head decides). */
export function readSeedState(file: string): SeedState | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SeedState;
  } catch {
    return null;
  }
}

/** Writes the marker whole or not at all (a kill mid-write must not leave it empty: a resume would be missed). */
export function writeSeedState(file: string, state: SeedState & Record<string, unknown>): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}
