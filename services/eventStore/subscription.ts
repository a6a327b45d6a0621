import type { Subscription } from '../../contracts/ports.ts';

/**
 * The handle of a store's subscription loop `done`. stop() calls `requestStop` (which makes the
 * loop end at its next turn) and resolves once the loop, and any handler call in it, has ended.
 * The handle stays in `open` until then, so the store's close() can stop whatever still runs.
 */
export function subscriptionHandle(open: Set<Subscription>, done: Promise<void>, requestStop: () => void): Subscription {
  // The caller may only ever call stop(); a handler error must not become an unhandled rejection.
  const ended = done.catch(() => {});
  const subscription: Subscription = {
    done,
    async stop() {
      requestStop();
      await ended;
    },
  };
  open.add(subscription);
  void ended.then(() => open.delete(subscription));
  return subscription;
}
