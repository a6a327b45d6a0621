import { createHash } from 'node:crypto';
import { shanghaiToday } from '../../contracts/dates.ts';
import { ConflictError } from '../../contracts/errors.ts';
import { EVENT_DEFINITIONS, type DomainEvent, type DomainEventOf } from '../../contracts/events/index.ts';
import type { WarningFinding, WarningRule } from '../../contracts/events/monitoring.ts';
import type { EventStore } from '../../contracts/ports.ts';
import { uuidV5 } from '../ingest/eventId.ts';
import type { RuleBook } from './ruleBook.ts';

type WarningEvent = DomainEventOf<'WarningRaised' | 'WarningCleared'>;

/** One warning raised or cleared, as the live stream announces it. */
export interface WarningTransition {
  transition: 'raised' | 'cleared';
  warningId: string;
  eventId: string;
  recordedAt: string;
  data: WarningEvent['data'];
}

export interface MonitorLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WarningMonitorOptions {
  store: EventStore;
  rules: RuleBook;
  /** Every warning the rules find now, periods under way evaluated on `today` (the composition root joins projections/monitoring). */
  findings(rules: readonly WarningRule[], today: string): Promise<WarningFinding[]>;
  /** Ids of the warnings open as the warnings fact table knows them. */
  openWarningIds(): Promise<string[]>;
  /** The clock (tests pass their own: the elapsed share of the year moves with it). */
  now?: () => Date;
  /** Evaluations wait while this is false (projections catching up). */
  ready?(): Promise<boolean>;
  /** Called after each KPI-table run (the materializer's onChange); returns the unsubscribe. */
  onKpiChange?(listener: () => void): () => void;
  /** Re-evaluation period (default 10 minutes): the elapsed share of the year moves with time alone. */
  intervalMs?: number;
  /** Least time between two evaluations a KPI change triggers (default 5 s): a trickle of events costs bounded engine time. */
  minGapMs?: number;
  log?: MonitorLog;
}

export interface EvaluationSummary {
  today: string;
  ms: number;
  rulesVersion: number;
  findings: number;
  raised: number;
  cleared: number;
}

export interface WarningMonitor {
  start(): void;
  /** Evaluates now (after any evaluation under way) and appends the transitions. */
  evaluate(): Promise<EvaluationSummary>;
  /** Called with each transition appended. */
  onTransition(listener: (t: WarningTransition) => void): () => void;
  stop(): Promise<void>;
}

/** The stream of one warning: readable, whitespace-free and bounded (the id is hashed in). */
export function warningStreamId(warningId: string): string {
  return `warning-${warningId.split(':')[0]}.${createHash('sha256').update(warningId).digest('hex').slice(0, 20)}`;
}

/**
 * The early-warning monitor: evaluates the rules after the KPI tables change and on a timer, and
 * appends WarningRaised / WarningCleared only where a warning's state changes. Each warning has a
 * stream of its own whose events alternate raised, cleared, raised…; the n-th event's id is
 * derived from the warning and n, so two evaluations (or two processes) deciding the same
 * transition append it once (the second is a duplicate or a version conflict, both harmless).
 */
export function createWarningMonitor(options: WarningMonitorOptions): WarningMonitor {
  const now = options.now ?? (() => new Date());
  const listeners = new Set<(t: WarningTransition) => void>();
  /** Warnings this process saw open (the fact table may lag behind its own appends). */
  const knownOpen = new Set<string>();
  let running: Promise<unknown> = Promise.resolve();
  let pending: Promise<EvaluationSummary> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let stopped = false;
  let lastEnd = 0;
  let deferred: NodeJS.Timeout | undefined;

  async function append(warningId: string, version: number, type: 'WarningRaised' | 'WarningCleared', data: WarningEvent['data'], today: string): Promise<boolean> {
    const streamId = warningStreamId(warningId);
    const recordedAt = now().toISOString();
    // The two types share one payload schema; TS cannot narrow the union on a `type` variable.
    const event = {
      type, schemaVersion: EVENT_DEFINITIONS[type].version, eventId: uuidV5(`warning:${warningId}:${version}`), streamId, occurredAt: today, recordedAt,
      source: { system: '创新大脑预警' }, actor: 'system:monitor', data,
    } as DomainEvent;
    try {
      const r = await options.store.append(streamId, [event], { expectedVersion: version === 0 ? 'no_stream' : version - 1 });
      if (r.appended === 0) return false;
    } catch (err) {
      // Another evaluation got there first: the stream already holds this transition or a later one.
      if (err instanceof ConflictError) return false;
      throw err;
    }
    const t: WarningTransition = { transition: type === 'WarningRaised' ? 'raised' : 'cleared', warningId, eventId: event.eventId, recordedAt, data };
    for (const l of listeners) {
      try {
        l(t);
      } catch (err) {
        options.log?.warn({ err }, 'a warning listener failed');
      }
    }
    return true;
  }

  async function evaluateOnce(): Promise<EvaluationSummary> {
    const started = Date.now();
    const today = shanghaiToday(now());
    const ruleSet = await options.rules.current();
    const findings = await options.findings(ruleSet.rules, today);
    const found = new Map(findings.map((f) => [`${f.ruleId}:${f.subject.key}`, f]));
    const candidates = new Set([...found.keys(), ...(await options.openWarningIds()), ...knownOpen]);
    let raised = 0;
    let cleared = 0;
    for (const warningId of [...candidates].sort()) {
      const stream = await options.store.readStream(warningStreamId(warningId));
      const last = stream.at(-1) as (WarningEvent & { streamVersion: number }) | undefined;
      const open = last?.type === 'WarningRaised';
      const finding = found.get(warningId);
      if (finding && !open) {
        const data = { ...finding, warningId, rulesVersion: ruleSet.version, evaluatedOn: today };
        if (await append(warningId, stream.length, 'WarningRaised', data, today)) raised++;
        knownOpen.add(warningId);
      } else if (!finding && open) {
        const before = last.data;
        const rule = ruleSet.rules.find((r) => r.id === before.ruleId && r.enabled);
        const why = rule ? '规则条件不再满足' : '规则已停用或删除';
        const data = { ...before, rulesVersion: ruleSet.version, evaluatedOn: today, message: `已解除 (${why}): ${before.message}` };
        if (await append(warningId, stream.length, 'WarningCleared', data, today)) cleared++;
        knownOpen.delete(warningId);
      } else if (open) knownOpen.add(warningId);
      else knownOpen.delete(warningId);
    }
    const summary = { today, ms: Date.now() - started, rulesVersion: ruleSet.version, findings: findings.length, raised, cleared };
    if (raised + cleared > 0) options.log?.info(summary, `warnings: ${raised} raised, ${cleared} cleared (rules v${ruleSet.version}, ${today})`);
    return summary;
  }

  /** Serialised; requests arriving while one runs share the single evaluation that follows it. */
  function evaluate(): Promise<EvaluationSummary> {
    if (pending) return pending;
    const next = running.then(() => {
      pending = null;
      return evaluateOnce();
    });
    pending = next;
    running = next.catch(() => undefined);
    return next;
  }

  async function trigger(): Promise<void> {
    if (stopped) return;
    if (options.ready && !(await options.ready().catch(() => false))) return;
    await evaluate().catch((err: unknown) => options.log?.error({ err }, 'warning evaluation failed (retried at the next change or tick)'));
    lastEnd = Date.now();
  }

  /** A KPI change: evaluate now, or once the least gap since the last evaluation has passed. */
  function onChange(): void {
    if (stopped || deferred) return;
    const wait = lastEnd + (options.minGapMs ?? 5_000) - Date.now();
    if (wait <= 0) return void trigger();
    deferred = setTimeout(() => {
      deferred = undefined;
      void trigger();
    }, wait);
  }

  function tick(): void {
    timer = setTimeout(() => {
      void trigger().finally(() => {
        if (!stopped) tick();
      });
    }, options.intervalMs ?? 600_000);
  }

  return {
    start() {
      unsubscribe = options.onKpiChange?.(onChange);
      tick();
      void trigger();
    },
    evaluate,
    onTransition(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(deferred);
      unsubscribe?.();
      await running;
    },
  };
}
