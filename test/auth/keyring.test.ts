import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../contracts/errors.ts';
import { actorOf, grants, loadKeyring, principalOf, sha256Hex, ROLES } from '../../services/auth/keyring.ts';
import { problemHandler } from '../../services/http/problem.ts';

const root = mkdtempSync(path.join(tmpdir(), 'auth-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, `data-${++n}`);

describe('when no keys file is configured', () => {
  it('creates one development key per role in $DATA_DIR/dev-keys.json, mode 0600, and logs where', () => {
    const dir = freshDir();
    const logs: string[] = [];
    const keyring = loadKeyring({ DATA_DIR: dir }, { info: (_o, msg) => logs.push(msg) });
    const file = path.join(dir, 'dev-keys.json');
    const keys = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(keys).sort()).toEqual(['admin', 'analyst', 'ingest', 'viewer']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(keyring.source).toBe('dev');
    expect(keyring.devKeys).toEqual(keys);
    expect(logs[0]).toMatch(/created one development API key per role in .*dev-keys\.json/);
    for (const role of ROLES) expect(keyring.authenticate(`Bearer ${keys[role]}`)).toEqual({ keyId: `dev-${role}`, role });
    expect(logs.join('\n')).not.toContain(keys.admin);
  });
  it('reuses the file on the next start', () => {
    const dir = freshDir();
    const first = loadKeyring({ DATA_DIR: dir }).devKeys;
    const logs: string[] = [];
    const second = loadKeyring({ DATA_DIR: dir }, { info: (_o, msg) => logs.push(msg) });
    expect(second.devKeys).toEqual(first);
    expect(logs[0]).toMatch(/using the development API keys/);
  });
});

describe('when a keys file is configured', () => {
  const write = (content: unknown) => {
    const file = path.join(root, `keys-${++n}.json`);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  it('authenticates by the SHA-256 of the key and writes no dev keys', () => {
    const dir = freshDir();
    const file = write({ keys: [{ id: 'kjj-feed', role: 'ingest', sha256: sha256Hex('s3cret-feed-key') }, { id: 'ops', role: 'admin', sha256: sha256Hex('s3cret-ops-key').toUpperCase() }] });
    const keyring = loadKeyring({ API_KEYS_FILE: file, DATA_DIR: dir });
    expect(keyring.source).toBe('file');
    expect(keyring.authenticate('Bearer s3cret-feed-key')).toEqual({ keyId: 'kjj-feed', role: 'ingest' });
    expect(keyring.authenticate('s3cret-ops-key')).toEqual({ keyId: 'ops', role: 'admin' });
    expect(keyring.authenticate('Bearer s3cret-feed-keY')).toBeNull();
    expect(keyring.authenticate('')).toBeNull();
    expect(keyring.authenticate(undefined)).toBeNull();
    expect(() => statSync(path.join(dir, 'dev-keys.json'))).toThrow();
  });
  it('fails fast naming the file and what is wrong', () => {
    const bad = write({ keys: [{ id: 'x', role: 'root', sha256: 'abc' }] });
    const err = (() => {
      try {
        loadKeyring({ API_KEYS_FILE: bad, DATA_DIR: freshDir() });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/API_KEYS_FILE .*keys-\d+\.json/);
    expect((err as Error).message).toMatch(/sha256/);
    expect(() => loadKeyring({ API_KEYS_FILE: write('{not json'), DATA_DIR: freshDir() })).toThrow(/cannot read/);
    const dup = write({ keys: [{ id: 'a', role: 'viewer', sha256: sha256Hex('1') }, { id: 'a', role: 'admin', sha256: sha256Hex('2') }] });
    expect(() => loadKeyring({ API_KEYS_FILE: dup, DATA_DIR: freshDir() })).toThrow(/appears twice/);
  });
});

describe('when roles are compared', () => {
  it('lets admin do everything, analyst also view, and nothing else cross over', () => {
    for (const r of ROLES) expect(grants('admin', r)).toBe(true);
    expect(grants('analyst', 'viewer')).toBe(true);
    expect(grants('viewer', 'analyst')).toBe(false);
    expect(grants('ingest', 'viewer')).toBe(false);
    expect(grants('viewer', 'ingest')).toBe(false);
  });
});

describe('when requireRole guards a route', () => {
  it('passes the principal on, and the actor names the key id, never the key', async () => {
    const keyring = loadKeyring({ DATA_DIR: freshDir() });
    const app = express();
    app.get('/whoami', keyring.requireRole('analyst'), (_req, res) => {
      res.json({ actor: actorOf(principalOf(res)) });
    });
    app.use(problemHandler());
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/whoami`;
      const as = (key: string) => fetch(url, { headers: { authorization: `Bearer ${key}` } });
      const keys = keyring.devKeys!;
      const ok = await as(keys.analyst);
      expect(await ok.json()).toEqual({ actor: 'key:dev-analyst' });
      expect((await as(keys.admin)).status).toBe(200);
      const denied = await as(keys.viewer);
      expect(denied.status).toBe(403);
      expect(await denied.text()).not.toContain(keys.viewer);
      expect((await fetch(url)).status).toBe(401);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
