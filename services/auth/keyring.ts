import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../contracts/errors.ts';
import type { Config } from '../config/config.ts';

export const ROLES = ['ingest', 'viewer', 'analyst', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

const KeysFile = z.object({
  keys: z
    .array(
      z.object({
        id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'key id: 1–64 letters, digits, _ . -'),
        role: Role,
        sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'sha256: 64 hex digits (the SHA-256 of the key, never the key)'),
      }),
    )
    .min(1, 'at least one key'),
});

const DevKeys = z.object({ admin: z.string().min(16), ingest: z.string().min(16), viewer: z.string().min(16), analyst: z.string().min(16) });
export type DevKeys = z.infer<typeof DevKeys>;

export interface Principal {
  keyId: string;
  role: Role;
}

export interface Keyring {
  /** `Bearer <key>` (or the bare key) → who it is, or null. Compares hashes in constant time. */
  authenticate(bearer: string | undefined | null): Principal | null;
  /** Express middleware: 401 without a valid key, 403 when its role grants none of `roles`; sets `res.locals.principal`. */
  requireRole(...roles: Role[]): RequestHandler;
  /** Where the keys came from. */
  readonly source: 'file' | 'dev';
  /** The development keys (raw), when no keys file is configured: the embedded OLAP server uses them as passwords. */
  readonly devKeys?: DevKeys;
  /** SHA-256 hex digests of the keys holding exactly this role (the OLAP interface's passwords for that user). */
  digestsFor(role: Role): string[];
}

export interface KeyringLog {
  info(obj: object, msg: string): void;
}

/** What a role may do: admin everything, analyst also what a viewer may (it reads more, not less). */
export function grants(role: Role, required: Role): boolean {
  return role === 'admin' || role === required || (role === 'analyst' && required === 'viewer');
}

/** The actor recorded on events: the key's id, never the key. */
export function actorOf(principal: Principal): string {
  return `key:${principal.keyId}`;
}

/** The principal `requireRole` put on the response. */
export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new UnauthorizedError('no authenticated principal on this request (requireRole must run first)');
  return p;
}

export function sha256Hex(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ValidationError(`${what}: cannot read ${file}: ${(err as Error).message}`, [{ field: what, reason: (err as Error).message, value: file }]);
  }
}

/** Reuses `$DATA_DIR/dev-keys.json` or creates it (mode 0600) with one random key per role. */
function devKeys(dataDir: string, log?: KeyringLog): DevKeys {
  const file = path.join(dataDir, 'dev-keys.json');
  mkdirSync(dataDir, { recursive: true });
  const fresh = Object.fromEntries(ROLES.map((r) => [r, `ib_${r}_${randomBytes(24).toString('base64url')}`])) as DevKeys;
  let created = true;
  try {
    // 'wx': two processes starting at once must not overwrite each other's keys.
    writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    created = false;
  }
  const parsed = DevKeys.safeParse(readJson(file, 'dev-keys.json'));
  if (!parsed.success) {
    throw new ValidationError(`${file} is not a dev-keys file ({"admin","ingest","viewer","analyst"}): delete it to regenerate`, [
      { field: 'dev-keys.json', reason: z.prettifyError(parsed.error) },
    ]);
  }
  log?.info(
    { file, roles: ROLES },
    created
      ? `no API_KEYS_FILE configured: created one development API key per role in ${file} (mode 0600)`
      : `no API_KEYS_FILE configured: using the development API keys in ${file}`,
  );
  return parsed.data;
}

/**
 * The API keys of the platform: from API_KEYS_FILE (SHA-256 hashes only), or, when none is
 * configured, development keys generated into `$DATA_DIR/dev-keys.json`.
 */
export function loadKeyring(config: Pick<Config, 'API_KEYS_FILE' | 'DATA_DIR'>, log?: KeyringLog): Keyring {
  let entries: { id: string; role: Role; hash: Buffer }[];
  let dev: DevKeys | undefined;
  if (config.API_KEYS_FILE) {
    const parsed = KeysFile.safeParse(readJson(config.API_KEYS_FILE, 'API_KEYS_FILE'));
    if (!parsed.success) {
      throw new ValidationError(`API_KEYS_FILE ${config.API_KEYS_FILE}: expected { "keys": [ { "id", "role", "sha256" } ] }\n${z.prettifyError(parsed.error)}`, [
        { field: 'API_KEYS_FILE', reason: z.prettifyError(parsed.error) },
      ]);
    }
    const ids = new Set<string>();
    for (const k of parsed.data.keys) {
      if (ids.has(k.id)) throw new ValidationError(`API_KEYS_FILE: key id "${k.id}" appears twice`, [{ field: 'API_KEYS_FILE', reason: `duplicate id ${k.id}` }]);
      ids.add(k.id);
    }
    entries = parsed.data.keys.map((k) => ({ id: k.id, role: k.role, hash: Buffer.from(k.sha256.toLowerCase(), 'hex') }));
  } else {
    dev = devKeys(config.DATA_DIR, log);
    entries = ROLES.map((role) => ({ id: `dev-${role}`, role, hash: Buffer.from(sha256Hex(dev![role]), 'hex') }));
  }

  function authenticate(bearer: string | undefined | null): Principal | null {
    if (!bearer) return null;
    const key = bearer.replace(/^Bearer\s+/i, '').trim();
    if (!key) return null;
    const presented = createHash('sha256').update(key, 'utf8').digest();
    let found: Principal | null = null;
    // Every entry is compared, match or not, so timing says nothing about which key nearly matched.
    for (const e of entries) {
      if (timingSafeEqual(presented, e.hash) && !found) found = { keyId: e.id, role: e.role };
    }
    return found;
  }

  return {
    source: dev ? 'dev' : 'file',
    ...(dev ? { devKeys: dev } : {}),
    authenticate,
    digestsFor: (role) => entries.filter((e) => e.role === role).map((e) => e.hash.toString('hex')),
    requireRole(...roles) {
      return (req, res, next) => {
        const header = req.get('authorization');
        if (!header || !/^Bearer\s+\S/i.test(header)) {
          next(new UnauthorizedError('缺少 API 密钥: 请使用 Authorization: Bearer <key>'));
          return;
        }
        const principal = authenticate(header);
        if (!principal) {
          next(new UnauthorizedError('API 密钥无效'));
          return;
        }
        if (!roles.some((r) => grants(principal.role, r))) {
          next(new ForbiddenError(`角色 ${principal.role} 无权访问: 需要 ${roles.join(' 或 ')}`));
          return;
        }
        res.locals.principal = principal;
        next();
      };
    },
  };
}
