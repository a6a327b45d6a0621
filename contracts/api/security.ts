import { z } from 'zod';

/** The roles an API key holds (services/auth/keyring.ts checks them). */
export const ROLES = ['ingest', 'viewer', 'analyst', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/**
 * Who may call a route: `public` (no key), or any key whose role grants one of the roles listed.
 * Roles grant upwards: admin everything, analyst also what a viewer may.
 */
export type Access = 'public' | readonly [Role, ...Role[]];

/** The roles that hold access to `required`, as the keyring grants them (for the docs). */
export function rolesGranting(required: Role): Role[] {
  return ROLES.filter((r) => r === 'admin' || r === required || (r === 'analyst' && required === 'viewer'));
}
