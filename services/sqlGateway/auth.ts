import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ClickHouseHttpError } from './clickhouseErrors.ts';

export interface SqlGatewayUser {
  name: string;
  /** The password in clear (development keys), or … */
  password?: string;
  /** … the SHA-256 hex digests of the accepted passwords (API keys files store only hashes). */
  passwordSha256?: readonly string[];
  /** Read-only users run on sessions opened with `--readonly=1`. */
  readonly: boolean;
}

export interface Authenticated {
  user: SqlGatewayUser;
  /** The user and which of its keys was presented (`name#index`: the unit of the per-user limit). */
  principal: string;
}

/**
 * Authentication as a ClickHouse server does it: Basic auth, X-ClickHouse-User/-Key headers, or
 * `user`/`password` URL parameters (in that order of precedence); no credentials mean `default`.
 */
export function createAuthenticator(users: readonly SqlGatewayUser[]): (req: IncomingMessage, url: URL) => Authenticated {
  const byName = new Map(
    users.map((u) => [
      u.name,
      { ...u, digests: [...(u.password !== undefined ? [sha256(u.password)] : []), ...(u.passwordSha256 ?? []).map((h) => Buffer.from(h, 'hex'))] },
    ]),
  );
  return (req, url) => {
    let name = 'default';
    let password = '';
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      name = colon < 0 ? decoded : decoded.slice(0, colon);
      password = colon < 0 ? '' : decoded.slice(colon + 1);
    } else if (req.headers['x-clickhouse-user'] !== undefined) {
      name = String(req.headers['x-clickhouse-user']);
      password = String(req.headers['x-clickhouse-key'] ?? '');
    } else if (url.searchParams.has('user')) {
      name = url.searchParams.get('user') ?? '';
      password = url.searchParams.get('password') ?? '';
    }
    const user = byName.get(name);
    const presented = sha256(password);
    // Compare digests so the time taken says nothing about the password's length or prefix.
    // Every digest is compared (no early exit), so the time taken says nothing about which key matched.
    const matches = user ? user.digests.map((d) => d.length === presented.length && timingSafeEqual(d, presented)) : [];
    const index = matches.indexOf(true);
    if (!user || index < 0)
      throw ClickHouseHttpError.of('AUTHENTICATION_FAILED', `${name}: Authentication failed: password is incorrect, or there is no user with such name`);
    return { user, principal: `${user.name}#${index}` };
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
