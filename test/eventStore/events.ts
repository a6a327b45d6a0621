import { randomUUID } from 'node:crypto';
import { DomainEvent } from '../../contracts/events/index.ts';

/** A stream name no other test uses. */
export function uniqueStream(category = 'statistic'): string {
  return `${category}-${randomUUID()}`;
}

let counter = 0;

/**
 * A valid DomainEvent (checked against the contract schema) on `streamId`. Types alternate
 * with `kind` so that countByType has something to count; `eventId` may be fixed to build re-sends.
 */
export function makeEvent(streamId: string, options: { eventId?: string; kind?: 'statistic' | 'target' | 'meeting'; value?: number } = {}): DomainEvent {
  counter += 1;
  const value = options.value ?? counter;
  const envelope = {
    schemaVersion: 1,
    eventId: options.eventId ?? randomUUID(),
    streamId,
    occurredAt: '2025-06-30',
    recordedAt: new Date(Date.UTC(2025, 6, 1, 8, 0, 0, counter % 1000)).toISOString(),
    source: { system: '部门填报', document: `DOC-${counter}`, unit: '统计局' },
    actor: 'test-key',
    correlationId: `corr-${counter}`,
  };
  switch (options.kind ?? 'statistic') {
    case 'statistic':
      return DomainEvent.parse({
        ...envelope,
        type: 'StatisticPublished',
        data: { statistic: '地区生产总值', period: '2025-H1', value, unit: '亿元' },
      });
    case 'target':
      return DomainEvent.parse({
        ...envelope,
        type: 'KpiTargetSet',
        data: { kpiId: 'high_tech_enterprises', period: '2025', value, setBy: '科创局' },
      });
    case 'meeting':
      return DomainEvent.parse({
        ...envelope,
        type: 'GovernanceMeetingHeld',
        quality: ['sample'],
        data: { meetingId: `M-${counter}`, body: '科创委', heldOn: '2025-06-30', title: '第一次全体会议', decisions: [{ decisionId: 'D1', text: '建立月度调度机制' }] },
      });
  }
}

/** `n` events on one stream. */
export function makeEvents(streamId: string, n: number, kind?: 'statistic' | 'target' | 'meeting'): DomainEvent[] {
  return Array.from({ length: n }, () => makeEvent(streamId, kind ? { kind } : {}));
}

/** Waits until `check` holds (the subscription delivers asynchronously); fails with `what` after a deadline. */
export async function eventually(check: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
