import { hash } from 'node:crypto';

/** Namespace of every deterministic event id of the platform (a fixed, random UUID). */
export const EVENT_ID_NAMESPACE = '5b0e6f2c-4a7d-4f0e-9c3b-2d8e1a6f7c41';

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new RangeError(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

const namespaces = new Map<string, Buffer>([[EVENT_ID_NAMESPACE, uuidBytes(EVENT_ID_NAMESPACE)]]);

/** UUID version 5 (RFC 4122 §4.3): SHA-1 over namespace bytes + name (UTF-8). */
export function uuidV5(name: string, namespace: string = EVENT_ID_NAMESPACE): string {
  let ns = namespaces.get(namespace);
  if (!ns) namespaces.set(namespace, (ns = uuidBytes(namespace)));
  // One-shot hash: every id of an ingest is hashed here, and a Hash object per call costs twice as much.
  const digest = hash('sha1', Buffer.concat([ns, Buffer.from(name, 'utf8')]), 'buffer') as unknown as Buffer;
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x50;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const h = digest.toString('hex', 0, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Characters JSON.stringify escapes (controls, quote, backslash) or may (surrogates, lone ones escaped). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;
/** Object keys as JSON strings: payloads repeat a few hundred field names; capped for odd data. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

function quotedKey(key: string): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    q = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, q);
  }
  return q;
}

/**
 * JSON with object keys sorted and `undefined` members dropped, so equal content hashes equally.
 * Every content hash of an ingest goes through here: plain strings and numbers are written without
 * a JSON.stringify call each, to the same text.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      out += (i > 0 ? ',' : '') + (v === undefined ? 'null' : canonicalJson(v));
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  // Payloads are mostly built in one key order already: sort only when they are not.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${quotedKey(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/** SHA-256 (hex) of the canonical form of a record's content: its payload and business time. */
export function contentHash(data: unknown, occurredAt: string): string {
  return hash('sha256', canonicalJson({ data, occurredAt }));
}

/**
 * The deterministic id of an event: the same record re-sent gets the same id (the store then
 * acknowledges it as a duplicate), a changed record under the same natural key gets a new one.
 */
export function deterministicEventId(parts: { system: string; type: string; naturalKey: string; contentHash: string }): string {
  return uuidV5([parts.system, parts.type, parts.naturalKey, parts.contentHash].join('\u001f'));
}
