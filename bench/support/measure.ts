/** Timing, latency and memory helpers shared by the bench suites. */
import type { Latency } from './figures.ts';

/** Nearest-rank percentile of an ascending-sorted array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Runs `fn` and returns its result with the elapsed milliseconds. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - started };
}

/** Per-call latencies (ms) of `n` sequential calls, after `warmup` untimed ones. */
export async function latencies(n: number, fn: (i: number) => Promise<unknown>, warmup = 3): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return summarize(samples);
}

/**
 * Runs `fn(0..n-1)` with at most `concurrency` calls in flight; returns the elapsed ms and each
 * call's latency. Calls are handed out in order, so call i starts no earlier than call i-concurrency.
 */
export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<{ ms: number; latency: Latency }> {
  let next = 0;
  const samples: number[] = new Array(n);
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const t = performance.now();
      await fn(i);
      samples[i] = performance.now() - t;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return { ms: performance.now() - started, latency: summarize(samples) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The peak RSS of this process: sampled every 50 ms (process.memoryUsage) and the kernel's own
 * high-water mark (resourceUsage().maxRSS), whichever is higher. Each suite runs in its own
 * process, so this is the suite's peak, not the runner's.
 */
export function rssMonitor(): { peakMb(): number; stop(): void } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  timer.unref();
  return {
    peakMb() {
      const kernel = process.resourceUsage().maxRSS * 1024;
      return Math.max(peak, kernel, process.memoryUsage.rss()) / (1024 * 1024);
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** Progress lines go to stderr so `--json` keeps stdout to the one JSON object. */
export function progress(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}
