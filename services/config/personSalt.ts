import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';

/**
 * The salt of personal-ID hashes: PERSON_SALT, or one generated once into the data folder. Its own
 * module so that `brain seed` / `brain import` need not load the platform (chDB alone is ~300 MB RSS).
 */
export function personSalt(config: Pick<Config, 'PERSON_SALT' | 'DATA_DIR'>): string {
  if (config.PERSON_SALT) return config.PERSON_SALT;
  const file = path.join(config.DATA_DIR, 'person-salt');
  mkdirSync(config.DATA_DIR, { recursive: true });
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}
