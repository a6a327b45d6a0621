import { z } from 'zod';
import { EVENT_DEFINITIONS, EVENT_TYPES, eventSchemaOf, isIngestEventType, type EventType } from '../../contracts/events/index.ts';
import { NotFoundError } from '../../contracts/errors.ts';
import { IngestRecord } from '../../contracts/ingest.ts';

export const EVENTS_SCHEMA_ID = 'urn:innovation-brain:schema:events';

type JsonSchema = Record<string, unknown>;

const toJson = (schema: z.ZodType): JsonSchema => {
  // What a sender writes (defaults optional, transforms by their input side).
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
};

function recordSchemaOf(type: EventType): z.ZodType {
  // The union's options are the per-type record schemas; the union's static type names only the first.
  const options = IngestRecord.options as unknown as z.ZodObject<{ type: z.ZodLiteral<string> }>[];
  const found = options.find((o) => o.shape.type.value === type);
  if (!found) throw new Error(`no ingest record schema for ${type}`);
  return found;
}

/** The record a department sends, as JSON Schema; TalentIntroduced also admits `idNumber`, which never gets stored. */
function recordJson(type: EventType): JsonSchema {
  const json = toJson(recordSchemaOf(type));
  if (type === 'TalentIntroduced') {
    const data = (json.properties as Record<string, JsonSchema>).data as { properties: Record<string, JsonSchema> };
    data.properties.idNumber = {
      type: 'string',
      pattern: '^\\d{17}[\\dXx]$',
      description: '身份证号 (可代替 personRef 发送): 平台只保存加盐哈希 personRef, 不保存原号码',
    };
  }
  return json;
}

let cached: JsonSchema | undefined;

/**
 * One JSON Schema (2020-12) for every event type: `oneOf` the stored events, with `$defs` holding
 * each event type (`<Type>`) and the ingest record that produces it (`<Type>Record`).
 * This is what GET /api/v1/ingest/schemas serves and docs/events.schema.json holds.
 */
export function eventsJsonSchema(): JsonSchema {
  if (cached) return cached;
  const defs: Record<string, JsonSchema> = {};
  for (const type of EVENT_TYPES) {
    const def = EVENT_DEFINITIONS[type];
    defs[type] = { title: type, description: `${def.context} v${def.version}: 存储的事件 (信封 + data)`, ...toJson(eventSchemaOf(type)) };
    // Events the platform writes itself (预警) have no record a department could send.
    if (!isIngestEventType(type)) continue;
    defs[`${type}Record`] = { title: `${type}Record`, description: `报送 ${type} 的记录 (POST /api/v1/ingest/records)`, ...recordJson(type) };
  }
  cached = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: EVENTS_SCHEMA_ID,
    title: '长江新区创新大脑: 事件 (Innovation Brain events)',
    description: '每种事件类型的 JSON Schema (由 contracts/ 的 zod 模式生成); <Type>Record 为报送该事件的记录格式。',
    oneOf: EVENT_TYPES.map((t) => ({ $ref: `#/$defs/${t}` })),
    $defs: defs,
  };
  return cached;
}

/** The JSON Schema of one event type (or of the record that reports it), standalone. */
export function eventJsonSchema(type: EventType, kind: 'event' | 'record' = 'event'): JsonSchema {
  const def = eventsJsonSchema().$defs as Record<string, JsonSchema>;
  if (kind === 'record' && !isIngestEventType(type)) throw new NotFoundError(`${type} 由平台自身记录, 没有报送记录格式`);
  const body = def[kind === 'event' ? type : `${type}Record`]!;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: `${EVENTS_SCHEMA_ID}:${type}${kind === 'record' ? ':record' : ''}`, ...body };
}

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_DEFINITIONS, value);
}
