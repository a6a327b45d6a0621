import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { afterAll } from 'vitest';
import { loadKeyring, sha256Hex } from '../../services/auth/keyring.ts';
import { notFoundHandler, problemHandler } from '../../services/http/problem.ts';
import { createIngestService } from '../../services/ingest/ingestService.ts';
import { createIngestRouter, type IngestLimits } from '../../services/ingest/router.ts';
import { freshStore } from './support.ts';

export const KEYS = { ingest: 'test-ingest-key-0123456789', viewer: 'test-viewer-key-0123456789', admin: 'test-admin-key-0123456789' } as const;

/** A real express app (ingest router + the problem middleware) on port 0 over a fresh SQLite store. */
export async function startIngestApp(dir: string, limits: Partial<IngestLimits> = {}) {
  const keysFile = path.join(dir, `keys-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(keysFile, JSON.stringify({ keys: Object.entries(KEYS).map(([role, key]) => ({ id: `t-${role}`, role, sha256: sha256Hex(key) })) }));
  const keyring = loadKeyring({ API_KEYS_FILE: keysFile, DATA_DIR: dir });
  const { store } = freshStore(dir);
  const ingest = createIngestService({ store, personSalt: 'http-test-salt-0123' });
  const app = express();
  app.use('/api/v1/ingest', createIngestRouter({ ingest, keyring, limits }));
  app.get('/boom', () => {
    throw new Error('secret internals at /home/app/db.ts:42');
  });
  app.use(notFoundHandler());
  app.use(problemHandler());
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = (p: string, init: RequestInit & { key?: keyof typeof KEYS | string } = {}) => {
    const { key, headers, ...rest } = init;
    const token = key === undefined ? undefined : (KEYS as Record<string, string>)[key] ?? key;
    return fetch(`${base}${p}`, { ...rest, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(headers as Record<string, string>) } });
  };
  const postJson = (p: string, body: unknown, key: keyof typeof KEYS = 'ingest') =>
    call(p, { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { base, store, call, postJson };
}
