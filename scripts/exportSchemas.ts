/**
 * Writes docs/events.schema.json: the JSON Schema of every event type and ingest record, the same
 * document GET /api/v1/ingest/schemas serves. Run: npx tsx scripts/exportSchemas.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventsJsonSchema } from '../services/ingest/schemas.ts';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const file = path.join(root, 'docs', 'events.schema.json');
writeFileSync(file, `${JSON.stringify(eventsJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file) || file}`);
