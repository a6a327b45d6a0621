import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, isIngestEventType } from '../contracts/events/index.ts';
import { eventsJsonSchema } from '../services/ingest/schemas.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Paths of every property (in nested objects, array items and union branches) that lacks a non-empty description. */
function undescribed(schema: unknown, at: string, out: string[] = []): string[] {
  if (Array.isArray(schema)) {
    schema.forEach((s, i) => undescribed(s, `${at}[${i}]`, out));
    return out;
  }
  if (!isObject(schema)) return out;
  if (isObject(schema.properties)) {
    for (const [name, prop] of Object.entries(schema.properties)) {
      const description = isObject(prop) ? prop.description : undefined;
      if (typeof description !== 'string' || description.trim() === '') out.push(`${at}.${name}`);
      undescribed(prop, `${at}.${name}`, out);
    }
  }
  for (const key of ['items', 'prefixItems', 'anyOf', 'oneOf', 'allOf', 'additionalProperties'] as const) {
    if (schema[key] !== undefined) undescribed(schema[key], `${at}/${key}`, out);
  }
  return out;
}

const defs = eventsJsonSchema().$defs as Record<string, Json>;

describe('JSON Schema descriptions of events and ingest records', () => {
  it('holds a definition for every event type and every ingest record', () => {
    for (const type of EVENT_TYPES) {
      expect(defs[type], type).toBeDefined();
      if (isIngestEventType(type)) expect(defs[`${type}Record`], `${type}Record`).toBeDefined();
    }
  });

  it.each(Object.keys(defs))('describes every field of %s', (name) => {
    const def = defs[name]!;
    expect(Object.keys(def.properties as Json).length).toBeGreaterThan(0);
    expect(undescribed(def, name)).toEqual([]);
  });

  it('names a field that lost its description', () => {
    const copy = structuredClone(defs.PatentGrantedRecord!) as Json;
    const data = (copy.properties as Record<string, Json>).data!;
    const owners = (data.properties as Record<string, Json>).owners!;
    delete ((owners.items as Json).properties as Record<string, Json>).name!.description;
    expect(undescribed(copy, 'PatentGrantedRecord')).toEqual(['PatentGrantedRecord.data.owners/items.name']);
  });

  it('says how amounts, identifiers and the population statistic are to be read', () => {
    const dataOf = (type: string) => ((defs[`${type}Record`]!.properties as Record<string, Json>).data!.properties as Record<string, Json>);
    expect(dataOf('FundInvestmentMade').amount!.description).toMatch(/万元/);
    expect(dataOf('EnterpriseRegistered').uscc!.description).toMatch(/18/);
    expect(dataOf('PatentGranted').applicationNumber!.description).toMatch(/\d{12}\.\d/);
    expect(dataOf('EnterpriseRegistered').street!.description).toMatch(/in the area|in-area/i);
    expect(dataOf('StatisticPublished').unit!.description).toMatch(/万/);
    expect(dataOf('StatisticPublished').unit!.description).toMatch(/10000|10,000/);
  });

  it('is what docs/events.schema.json holds', () => {
    const file = JSON.parse(readFileSync(new URL('../docs/events.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(file).toEqual(JSON.parse(JSON.stringify(eventsJsonSchema())));
  });
});
