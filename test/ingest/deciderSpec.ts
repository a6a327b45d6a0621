import { expect } from 'vitest';
import { IllegalStateError, type ValidationError } from '../../contracts/errors.ts';
import type { DomainEvent, SourceContext } from '../../contracts/events/index.ts';
import { IngestRecord, type IngestRecordInput } from '../../contracts/ingest.ts';
import type { ContextEvent, ContextRecord, Decider, DecideContext, Decision, Facts } from '../../services/ingest/decider.ts';

export const CTX: DecideContext = { recordedAt: '2025-01-02T03:04:05.000Z', actor: 'key:test' };

/**
 * Given / when / then for a decider (after emmett's DeciderSpecification). `given` takes records,
 * not events: each is decided and its events folded in, so the history is what ingest would store.
 */
export function deciderSpec<C extends SourceContext, S extends { facts: Facts }>(decider: Decider<C, S>) {
  const parse = (input: IngestRecordInput) => IngestRecord.parse(input) as ContextRecord<C>;
  return {
    given(...history: IngestRecordInput[]) {
      let state = decider.initialState();
      const events: DomainEvent[] = [];
      for (const input of history) {
        const decision = decider.decide(parse(input), state, CTX);
        if (decision.outcome === 'new') {
          for (const e of decision.events) {
            state = decider.evolve(state, e as ContextEvent<C>);
            events.push(e);
          }
        }
      }
      return {
        history: events,
        when(input: IngestRecordInput) {
          const run = (): Decision => decider.decide(parse(input), state, CTX);
          return {
            /** The decision creates exactly one event; returns it for further checks. */
            thenNew(expected: Record<string, unknown> = {}): DomainEvent {
              const d = run();
              expect(d.outcome).toBe('new');
              if (d.outcome !== 'new') throw new Error('unreachable');
              expect(d.events).toHaveLength(1);
              expect(d.events[0]).toMatchObject(expected);
              return d.events[0]!;
            },
            thenDuplicateOf(event: DomainEvent): void {
              expect(run()).toEqual({ outcome: 'duplicate', eventIds: [event.eventId] });
            },
            thenRefuses(field: string, reason: RegExp): void {
              this.thenRefusesAs(IllegalStateError, field, reason);
            },
            /** Refused with this error class (IllegalStateError for rules, ValidationError for bad data). */
            thenRefusesAs(kind: typeof IllegalStateError | typeof ValidationError, field: string, reason: RegExp): void {
              let caught: unknown;
              try {
                run();
              } catch (err) {
                caught = err;
              }
              expect(caught).toBeInstanceOf(kind);
              const issues = (caught as IllegalStateError | ValidationError).issues;
              expect(issues[0]?.field).toBe(field);
              expect(issues[0]?.reason).toMatch(reason);
            },
          };
        },
      };
    },
  };
}
