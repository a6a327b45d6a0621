/**
 * Filing explanations (填报说明): a department answers the filing-review flags of a record it sent
 * with a FilingExplanationFiled event. The record counts in the KPIs with or without one; the
 * data-quality board shows which flagged records are explained.
 */
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../contracts/errors.ts';
import { EVENT_DEFINITIONS } from '../../contracts/events/index.ts';
import { ExplanationRequest } from '../../contracts/monitoring.ts';
import type { EventStore } from '../../contracts/ports.ts';
import { uuidV5 } from '../ingest/eventId.ts';
import { toFieldIssues } from '../ingest/ingestService.ts';

export interface ExplanationResult {
  eventId: string;
  explains: string;
  flags: string[];
  duplicate: boolean;
  position: number;
}

export interface Explanations {
  file(body: unknown, actor: string): Promise<ExplanationResult>;
}

export function createExplanations(deps: {
  store: EventStore;
  /** The record's department and review flags, from the source facts. */
  record(eventId: string): Promise<{ unit: string; flags: string[] } | undefined>;
  now?: () => Date;
}): Explanations {
  const now = deps.now ?? (() => new Date());
  return {
    async file(body, actor) {
      const parsed = ExplanationRequest.safeParse(body, { error: z.locales.zhCN().localeError });
      if (!parsed.success) {
        const issues = toFieldIssues(parsed.error, body);
        throw new ValidationError(`填报说明无效: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
      }
      const { eventId: explains, explanation } = parsed.data;
      const record = await deps.record(explains);
      if (!record) throw new NotFoundError(`没有事件编号为 ${explains} 的报送记录 (或尚未处理完, 请稍后再试)`);
      if (record.flags.length === 0)
        throw new ValidationError(`记录 ${explains} 没有填报审核标记 (review:…), 无需说明`, [{ field: 'eventId', reason: '该记录未被填报审核标记', value: explains }]);
      const streamId = `explanation-${explains}`;
      const eventId = uuidV5(`filing-explanation:${explains}:${explanation}`);
      const earlier = (await deps.store.readStream(streamId)).find((e) => e.eventId === eventId);
      if (earlier) return { eventId, explains, flags: record.flags, duplicate: true, position: earlier.position };
      const at = now().toISOString();
      const data = { explains, flags: record.flags, explanation, unit: record.unit, filedBy: actor };
      const appended = await deps.store.append(streamId, [
        { type: 'FilingExplanationFiled', schemaVersion: EVENT_DEFINITIONS.FilingExplanationFiled.version, eventId, streamId, occurredAt: at, recordedAt: at, source: { system: '创新大脑', unit: record.unit }, actor, data },
      ]);
      return { eventId, explains, flags: record.flags, duplicate: false, position: appended.position };
    },
  };
}
