import { createHash } from 'node:crypto';

/** Namespace of every deterministic event id of the platform (a fixed, random UUID). */
export const EVENT_ID_NAMESPACE = '5b0e6f2c-4a7d-4f0e-9c3b-2d8e1a6f7c41';

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new RangeError(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

/** UUID version 5 (RFC 4122 §4.3): SHA-1 over namespace bytes + name (UTF-8). */
export function uuidV5(name: string, namespace: string = EVENT_ID_NAMESPACE): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** JSON with object keys sorted and `undefined` members dropped, so equal content hashes equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** SHA-256 (hex) of the canonical form of a record's content: its payload and business time. */
export function contentHash(data: unknown, occurredAt: string): string {
  return createHash('sha256').update(canonicalJson({ data, occurredAt }), 'utf8').digest('hex');
}

/**
 * The deterministic id of an event: the same record re-sent gets the same id (the store then
 * acknowledges it as a duplicate), a changed record under the same natural key gets a new one.
 */
export function deterministicEventId(parts: { system: string; type: string; naturalKey: string; contentHash: string }): string {
  return uuidV5([parts.system, parts.type, parts.naturalKey, parts.contentHash].join('\u001f'));
}
