/**
 * Entity profiles (一企一档), viewer role: `GET /entities?q=…` searches, `GET /entities/:id` is one
 * firm's (incubator's, platform's, fund's) file: current facts and tags, status history, annual
 * figures, the timeline of every event with the department that sent it, and the KPIs it counts
 * in now with the reason. `asOf` answers as known at an instant.
 */
import express from 'express';
import { EVENT_LABELS, EntityIdParams, EntityProfileQuery, EntitySearchQuery, type EntityKpiMembership, type EntityProfile, type EntitySearchResult, type EntityTimelineItem } from '../../contracts/entities.ts';
import { ValidationError } from '../../contracts/errors.ts';
import type { RecordedEvent } from '../../contracts/events/index.ts';
import { parseQuery } from './parseQuery.ts';

/** What the routes need of the query layer (projections/entities and projections/kpi satisfy it; the composition root joins them). */
export interface EntityReader {
  search(query: EntitySearchQuery): Promise<EntitySearchResult>;
  profile(id: string, options?: { asOf?: string }): Promise<Omit<EntityProfile, 'kpis'>>;
  memberships(id: string, options?: { asOf?: string }): Promise<EntityKpiMembership[]>;
}

export interface EntityRouterDeps {
  entities: EntityReader;
  /** The events of a stream from the store, to name each timeline event's type and department (absent: facts only). */
  readStream?(streamId: string): Promise<RecordedEvent[]>;
  requireRole(...roles: string[]): express.RequestHandler;
}


/** The few fields of an event's data worth a word in a timeline line. */
const DETAIL_FIELDS: ReadonlyArray<[string, string]> = [
  ['name', ''],
  ['certificateNumber', '证书'],
  ['tier', ''],
  ['level', ''],
  ['pool', ''],
  ['programme', ''],
  ['contractType', ''],
  ['amount', '金额 (万元)'],
  ['fiscalYear', '年度'],
  ['street', ''],
  ['reason', '原因'],
];

function describe(event: RecordedEvent): string {
  const data = event.data as Record<string, unknown>;
  const details = DETAIL_FIELDS.flatMap(([field, label]) => {
    const v = data[field];
    if (v === undefined || v === null || v === '' || typeof v === 'object') return [];
    return [label ? `${label} ${String(v)}` : String(v)];
  });
  return `${EVENT_LABELS[event.type] ?? event.type}${details.length > 0 ? ` (${details.join(', ')})` : ''}${event.supersedes ? ' [更正]' : ''}`;
}

/** Adds type, department and a sentence to each timeline line from the store's events. */
async function enrich(timeline: EntityTimelineItem[], readStream: (streamId: string) => Promise<RecordedEvent[]>): Promise<EntityTimelineItem[]> {
  const byId = new Map<string, RecordedEvent>();
  for (const streamId of new Set(timeline.map((t) => t.streamId))) for (const e of await readStream(streamId)) byId.set(e.eventId, e);
  return timeline.map((t) => {
    const e = byId.get(t.eventId);
    if (!e) return { ...t, summary: t.summary || (EVENT_LABELS[t.type] ?? t.type) };
    return { ...t, type: e.type, sourceUnit: e.source.unit ?? e.source.system, summary: describe(e) };
  });
}

export function createEntityRouter(deps: EntityRouterDeps): express.Router {
  const router = express.Router();
  const viewer = deps.requireRole('viewer');

  router.get('/entities', viewer, async (req, res) => {
    res.json(await deps.entities.search(parseQuery(EntitySearchQuery, req)));
  });

  router.get('/entities/:id', viewer, async (req, res) => {
    const id = String(req.params.id);
    const checked = EntityIdParams.shape.id.safeParse(id);
    if (!checked.success) throw new ValidationError(`主体编号无效: ${id.slice(0, 40)}`, [{ field: 'id', reason: checked.error.issues[0]?.message ?? 'invalid', value: id.slice(0, 200) }]);
    const { asOf } = parseQuery(EntityProfileQuery, req);
    const options = asOf ? { asOf } : {};
    const [profile, kpis] = await Promise.all([deps.entities.profile(id, options), deps.entities.memberships(id, options)]);
    const timeline = deps.readStream ? await enrich(profile.timeline, deps.readStream) : profile.timeline;
    const body: EntityProfile = { ...profile, timeline, kpis };
    res.json(body);
  });

  return router;
}
