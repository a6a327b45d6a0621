import type { EventStore } from '../../contracts/ports.ts';
import type { EventSource } from '../../contracts/ports.ts';

/** An EventSource that also knows the newest position it could deliver (for lag and freshness). */
export interface HeadAwareEventSource extends EventSource {
  head(): Promise<number>;
}

/**
 * The embedded source: the event store's own subscription. Every `start` opens an independent
 * subscription, so a rebuild can read from position 0 while live projections stay at the head.
 */
export function storeEventSource(store: EventStore, options: { maxBatch?: number } = {}): HeadAwareEventSource {
  const maxBatch = options.maxBatch ?? 5_000;
  return {
    async start(fromPosition, onBatch) {
      const subscription = store.subscribe({ fromPosition, maxBatch }, onBatch);
      return { stop: () => subscription.stop(), done: subscription.done };
    },
    async head() {
      return (await store.head()).position;
    },
  };
}
