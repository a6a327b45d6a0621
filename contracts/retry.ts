/**
 * The one retry module of the platform (kafkajs's idea: retries are a declared policy, never an
 * ad-hoc loop). Adapters say whether a failure is retriable (`BrainError.retriable`); callers
 * declare how long they are willing to wait; this module waits with exponential backoff and
 * jitter, so several workers hit by the same outage do not come back in lock-step.
 */
import { isBrainError } from './errors.ts';

/** How a failed call is retried. Delays: initial, ×multiplier each retry, capped at maxDelayMs, ± jitter. */
export interface RetryPolicy {
  /** Delay before the first retry, in ms. */
  initialDelayMs: number;
  /** Each delay is the previous one times this (≥ 1). */
  multiplier: number;
  /** No delay is longer than this, in ms. */
  maxDelayMs: number;
  /** Retries after the first attempt; `Infinity` retries until the caller's signal aborts. */
  maxRetries: number;
  /** Fraction of each delay drawn at random, 0 … 1 (0.2: the delay is 80 % … 120 % of nominal). */
  jitter: number;
}

/**
 * Declared policies, one per kind of caller (documented in docs/operations.md).
 * - OLAP_WRITES: a projection lane's inserts and checkpoints. Forever: a lane outlives any
 *   ClickHouse outage and resumes by itself; only a non-retriable error stops it.
 * - RELAY_RESTART: the relay re-creating its producer after kafkajs's own retries gave up. Forever.
 * - KAFKA_REQUESTS: each kafkajs request (kafkajs retries them itself, with this policy).
 * - STORE_APPENDS: an ingest append the store refused as busy/locked/unavailable. Bounded: the
 *   caller (an HTTP request) is waiting; past it, the client gets a 503 problem and re-sends
 *   (appends are idempotent).
 */
export const POLICIES = {
  OLAP_WRITES: { initialDelayMs: 200, multiplier: 2, maxDelayMs: 10_000, maxRetries: Infinity, jitter: 0.2 },
  RELAY_RESTART: { initialDelayMs: 1000, multiplier: 2, maxDelayMs: 30_000, maxRetries: Infinity, jitter: 0.2 },
  KAFKA_REQUESTS: { initialDelayMs: 300, multiplier: 2, maxDelayMs: 10_000, maxRetries: 8, jitter: 0.2 },
  STORE_APPENDS: { initialDelayMs: 50, multiplier: 2, maxDelayMs: 2_000, maxRetries: 6, jitter: 0.2 },
} as const satisfies Record<string, RetryPolicy>;

/** The delay before retry number `attempt` (0-based), jitter applied with `random` (0 … 1). */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const nominal = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** attempt);
  const spread = nominal * Math.min(1, Math.max(0, policy.jitter));
  return Math.max(0, Math.round(nominal - spread + 2 * spread * random()));
}

/** The platform's rule: only an error an adapter marked retriable is retried. */
export function isRetriable(err: unknown): boolean {
  return isBrainError(err) && err.retriable;
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** Ends the waiting: the last error is thrown at once. */
  signal?: AbortSignal;
  /** Which errors to retry (default: isRetriable). */
  retriable?: (err: unknown) => boolean;
  /** Told before each wait (log it: a retry is news, a silent one hides an outage); awaited. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void | Promise<void>;
  /**
   * For a long-lived call (a subscription): true when the failed attempt did useful work first,
   * which makes its failure the first of a new series (the delays start again from the initial one).
   */
  progressed?: () => boolean;
}

/**
 * Calls `fn` until it succeeds, the error is not retriable, the policy's retries are used up or
 * the signal aborts; then throws the last error. `fn` gets the 0-based attempt number.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retriable = options.retriable ?? isRetriable;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.progressed?.()) attempt = 0;
      if (!retriable(err) || attempt >= options.policy.maxRetries || options.signal?.aborted) throw err;
      const delay = retryDelay(options.policy, attempt);
      await options.onRetry?.(err, attempt, delay);
      await sleep(delay, options.signal);
      if (options.signal?.aborted) throw err;
    }
  }
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
