import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { BrainError, InfrastructureError, ValidationError } from '../../contracts/errors.ts';
import { EVENT_DEFINITIONS, type DomainEvent, type RecordedEvent } from '../../contracts/events/index.ts';
import type { AppendRequest, AppendResult, EventStore, ExpectedVersion, StoreHead, SubscribeOptions, Subscription } from '../../contracts/ports.ts';
import { assertExpectedVersion, assertStreamMatches, checkExpectedVersion, conflictError, envelopeMeta, joinEvent, type EnvelopeMeta } from './envelope.ts';
import { subscriptionHandle } from './subscription.ts';

/*
 * Positions. EventStoreDB has no gap-free global sequence: an event's place in $all is a pair of
 * transaction-log byte offsets (commit, prepare). This adapter uses the PREPARE position as
 * `position`: it is unique per event and strictly increasing in $all order, and a log offset stays
 * far below 2^53. It is monotonic but NOT gap-free and NOT 1-based; `head().position` is the
 * prepare position of the newest event of ours, and `head().events` is a real count of our events
 * (kept incrementally, see `counts`), so the two differ, unlike in SQLite.
 *
 * Resuming from a number N. $all is read from {commit: C, prepare: N} and every event with
 * prepare <= N is skipped, where C is N's commit if this process handed N out (remembered), else N.
 * The fallback is exact when N is the last event of its commit (of one append): subscription
 * batches are therefore cut at commit boundaries only, so stored checkpoints are always safe. A
 * readAll page (exact maxCount) may end inside a commit; resuming from it in another process
 * after a restart could skip the rest of that commit.
 *
 * What counts as ours: events whose type is in EVENT_DEFINITIONS, on non-system streams
 * ($-prefixed streams and types are ESDB's own).
 */

/** Capabilities the contract suite reads: appendMany is stream by stream here, not atomic. */
export const ESDB_CAPABILITIES = { atomicAppendMany: false } as const;

/** Our ExpectedVersion as ESDB's expected revision (0-based on both sides). */
export function toExpectedRevision(expected: ExpectedVersion): AppendExpectedRevision {
  assertExpectedVersion(expected);
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return BigInt(expected);
}

function revisionToNumber(rev: unknown): number {
  if (typeof rev === 'bigint') return Number(rev);
  if (typeof rev === 'number') return rev;
  return -1; // NO_STREAM or an unknown marker: the stream does not exist
}

/** gRPC status codes that a retry may fix (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED). */
const RETRIABLE_GRPC = new Set([14, 4, 8, 10]);

/** Translates a vendor error into the platform's hierarchy; BrainErrors pass through. */
export function translateEsdbError(err: unknown, context: { streamId?: string; expected?: ExpectedVersion } = {}): Error {
  if (err instanceof BrainError) return err;
  if (err instanceof WrongExpectedVersionError) {
    const actual = revisionToNumber(err.actualVersion);
    const streamId = err.streamName || context.streamId || '?';
    const expected = context.expected ?? String(err.expectedVersion);
    return conflictError(streamId, expected, actual);
  }
  const e = err as { type?: string; code?: number; message?: string };
  const retriable =
    e.type === 'unavailable' ||
    e.type === 'deadline-exceeded' ||
    e.type === 'timeout' ||
    e.type === 'not-leader' ||
    (typeof e.code === 'number' && RETRIABLE_GRPC.has(e.code));
  return new InfrastructureError(`event store (esdb): ${e.message || e.type || String(err)}`, { retriable, cause: err });
}

const OUR_TYPES = new Set(Object.keys(EVENT_DEFINITIONS));
const TYPE_FILTER_REGEX = `^(${[...OUR_TYPES].join('|')})$`;

/** The envelope fields ESDB has no slot for travel as the event's metadata. */
interface EsdbMetadata {
  schemaVersion: number;
  occurredAt: string;
  recordedAt: string;
  meta: EnvelopeMeta;
}

function isOurs(re: AllStreamResolvedEvent | ResolvedEvent): boolean {
  const ev = re.event;
  return !!ev && ev.isJson && !ev.streamId.startsWith('$') && OUR_TYPES.has(ev.type);
}

function positionOf(re: AllStreamResolvedEvent | ResolvedEvent): number {
  const p = re.event?.position;
  // Reads of a single stream may carry no log position (older servers report 2^64-1): 0 = unknown.
  if (!p || p.prepare >= 2n ** 63n) return 0;
  return Number(p.prepare);
}

function decode(re: AllStreamResolvedEvent | ResolvedEvent): RecordedEvent {
  const ev = re.event!;
  const md = ev.metadata as unknown as EsdbMetadata;
  return joinEvent({
    type: ev.type,
    schemaVersion: md.schemaVersion,
    eventId: ev.id,
    streamId: ev.streamId,
    occurredAt: md.occurredAt,
    recordedAt: md.recordedAt,
    meta: md.meta,
    data: ev.data,
    position: positionOf(re),
    streamVersion: Number(ev.revision),
  });
}

function encode(event: DomainEvent) {
  const metadata: EsdbMetadata = {
    schemaVersion: event.schemaVersion,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    meta: envelopeMeta(event),
  };
  // JSON-shaped by construction (zod output of JSON input); the vendor type wants an index signature.
  return jsonEvent({ id: event.eventId, type: event.type, data: event.data as Record<string, unknown>, metadata: metadata as unknown as Record<string, unknown> });
}

export interface EsdbEventStoreOptions {
  connectionString: string;
  /** Raw $all events read per round trip (default 1,000). */
  pageSize?: number;
  /** Fallback wake-up of live subscriptions if the server's push is missed (default 1 s). */
  pollIntervalMs?: number;
  /** How many of a stream's newest events are checked for duplicate eventIds before an append (default 4,096). */
  dedupWindow?: number;
}

/**
 * The distributed event store on EventStoreDB / KurrentDB. Differences from SQLite, all documented
 * above: positions are $all prepare positions (monotonic, not gap-free), appendMany is stream by
 * stream (not atomic; safe to retry since appends are idempotent), and duplicate detection covers
 * the target stream's newest `dedupWindow` events (eventIds are deterministic per stream).
 */
export function createEsdbEventStore(options: EsdbEventStoreOptions): EventStore {
  let client: EventStoreDBClient;
  try {
    client = EventStoreDBClient.connectionString(options.connectionString);
  } catch (err) {
    throw new ValidationError(`ESDB_CONNECTION_STRING is invalid (e.g. esdb://127.0.0.1:2113?tls=false): ${(err as Error).message}`, [
      { field: 'ESDB_CONNECTION_STRING', reason: (err as Error).message },
    ]);
  }
  const pageSize = options.pageSize ?? 1000;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const dedupWindow = options.dedupWindow ?? 4096;
  const subscriptions = new Set<Subscription>();

  async function readStreamRaw(streamId: string, opts: { fromRevision?: bigint; maxCount?: number; backwards?: boolean }): Promise<ResolvedEvent[]> {
    const out: ResolvedEvent[] = [];
    try {
      for await (const re of client.readStream(streamId, {
        direction: opts.backwards ? BACKWARDS : FORWARDS,
        fromRevision: opts.fromRevision ?? (opts.backwards ? END : START),
        ...(opts.maxCount !== undefined ? { maxCount: opts.maxCount } : {}),
      }))
        out.push(re);
    } catch (err) {
      if (err instanceof StreamNotFoundError) return [];
      throw translateEsdbError(err, { streamId });
    }
    return out;
  }

  // The commit of positions handed out, so a reader paging from the middle of a commit resumes exactly.
  const commitOf = new Map<number, bigint>();
  function remember(position: number, commit: bigint): void {
    commitOf.set(position, commit);
    if (commitOf.size > 100_000) commitOf.delete(commitOf.keys().next().value!);
  }
  function resumeFrom(position: number): ReadPosition {
    if (position <= 0) return START;
    const prepare = BigInt(position);
    return { commit: commitOf.get(position) ?? prepare, prepare };
  }

  /**
   * Our events after `fromPosition` (at least `want` of them when that many exist), each with its
   * commit position, always ending at a commit boundary (the last position is a safe resume point).
   */
  async function readAllPage(fromPosition: number, want: number): Promise<{ event: RecordedEvent; commit: bigint }[]> {
    const out: { event: RecordedEvent; commit: bigint }[] = [];
    let from = resumeFrom(fromPosition);
    for (let size = pageSize; ; ) {
      const raw: AllStreamResolvedEvent[] = [];
      try {
        for await (const re of client.readAll({ fromPosition: from, maxCount: size, direction: FORWARDS })) raw.push(re);
      } catch (err) {
        throw translateEsdbError(err);
      }
      const reachedEnd = raw.length < size;
      let usable = raw;
      if (!reachedEnd) {
        // A full page may end inside a commit: hold the last commit back for the next read, or,
        // when one commit fills the whole page, read again with a wider page.
        const lastCommit = raw[raw.length - 1]!.event?.position.commit;
        const cut = raw.findIndex((re) => re.event?.position.commit === lastCommit);
        if (cut === 0) {
          size *= 4;
          continue;
        }
        usable = raw.slice(0, cut);
      }
      for (const re of usable) {
        if (isOurs(re) && positionOf(re) > fromPosition) out.push({ event: decode(re), commit: re.event!.position.commit });
      }
      const last = usable[usable.length - 1]?.event?.position;
      if (reachedEnd || !last || out.length >= want) return out;
      from = { commit: last.commit, prepare: last.prepare };
      fromPosition = Math.max(fromPosition, Number(last.prepare));
      size = pageSize;
    }
  }

  // head().events and countByType() need a scan of $all: done once, then extended incrementally.
  const counts = { position: 0, events: 0, byType: new Map<string, number>() };
  let counting: Promise<void> | undefined;
  async function catchUpCounts(): Promise<void> {
    counting ??= (async () => {
      try {
        for (;;) {
          const page = await readAllPage(counts.position, pageSize);
          for (const { event: e } of page) {
            counts.events += 1;
            counts.byType.set(e.type, (counts.byType.get(e.type) ?? 0) + 1);
            counts.position = e.position;
          }
          if (page.length < pageSize) return;
        }
      } finally {
        counting = undefined;
      }
    })();
    return counting;
  }

  async function appendOne(req: AppendRequest): Promise<AppendResult> {
    const expected = req.expectedVersion ?? 'any';
    const expectedRevision = toExpectedRevision(expected);
    assertStreamMatches(req.streamId, req.events);
    // ESDB dedupes a re-sent identical append by itself, but not a partial one: filter against the
    // stream's newest events first, as the SQLite store does globally.
    const recent = await readStreamRaw(req.streamId, { backwards: true, maxCount: dedupWindow });
    const current = recent.length > 0 ? Number(recent[0]!.event!.revision) : -1;
    const stored = new Set(recent.map((re) => re.event!.id));
    const seen = new Set<string>();
    const fresh = req.events.filter((e) => {
      if (stored.has(e.eventId) || seen.has(e.eventId)) return false;
      seen.add(e.eventId);
      return true;
    });
    const duplicates = req.events.length - fresh.length;
    if (fresh.length === 0) {
      // As in SQLite: a re-sent request is acknowledged whatever it expected; an empty one still checks.
      if (req.events.length === 0) checkExpectedVersion(req.streamId, expected, current);
      return { nextExpectedVersion: current, position: recent.length > 0 ? positionOf(recent[0]!) : 0, appended: 0, duplicates };
    }
    try {
      const result = await client.appendToStream(req.streamId, fresh.map(encode), { expectedRevision });
      return {
        nextExpectedVersion: Number(result.nextExpectedRevision),
        position: result.position ? Number(result.position.prepare) : 0,
        appended: fresh.length,
        duplicates,
      };
    } catch (err) {
      throw translateEsdbError(err, { streamId: req.streamId, expected });
    }
  }

  function subscribe(opts: SubscribeOptions, handler: (events: RecordedEvent[]) => Promise<void>): Subscription {
    const maxBatch = opts.maxBatch ?? 1000;
    let position = opts.fromPosition;
    let stopped = false;
    let wake: (() => void) | undefined;
    let signalled = false;
    const onSignal = (): void => {
      signalled = true;
      wake?.();
    };
    // The server pushes new events of our types; the subscription only wakes the paging loop, which
    // reads whole commits from $all, so batches always end on a safe resume point.
    const live = client.subscribeToAll({ fromPosition: END, filter: { filterOn: 'eventType', regex: TYPE_FILTER_REGEX, checkpointInterval: 1000 } });
    live.on('data', onSignal);
    live.on('error', onSignal);
    const poll = setInterval(onSignal, pollIntervalMs);
    poll.unref();

    const run = async (): Promise<void> => {
      try {
        while (!stopped) {
          signalled = false;
          const page = await readAllPage(position, maxBatch);
          // Batches hold whole commits (one commit larger than maxBatch goes alone), so whatever
          // checkpoint the handler stores is an exact resume point even after a restart.
          let start = 0;
          while (start < page.length && !stopped) {
            let end = start;
            while (end < page.length) {
              let next = end + 1;
              while (next < page.length && page[next]!.commit === page[end]!.commit) next++;
              if (end > start && next - start > maxBatch) break;
              end = next;
            }
            await handler(page.slice(start, end).map((p) => p.event));
            position = page[end - 1]!.event.position;
            start = end;
          }
          if (page.length > 0) continue;
          if (signalled || stopped) continue;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      } finally {
        clearInterval(poll);
        await live.unsubscribe().catch(() => {});
      }
    };
    return subscriptionHandle(subscriptions, run(), () => {
      stopped = true;
      wake?.();
    });
  }

  return {
    kind: 'esdb',
    append(streamId, events, appendOptions) {
      return appendOne({ streamId, events, expectedVersion: appendOptions?.expectedVersion ?? 'any' });
    },
    async appendMany(requests) {
      // Not atomic across streams (ESDB has no multi-stream transaction). A failure leaves the
      // earlier requests stored; re-sending the whole call is safe because appends are idempotent.
      const results: AppendResult[] = [];
      for (const r of requests) results.push(await appendOne(r));
      return results;
    },
    async readStream(streamId, readOptions) {
      const raw = await readStreamRaw(streamId, {
        fromRevision: BigInt(readOptions?.fromVersion ?? 0),
        ...(readOptions?.maxCount !== undefined ? { maxCount: readOptions.maxCount } : {}),
      });
      return raw.filter(isOurs).map(decode);
    },
    async streamVersions(streamIds) {
      // No multi-stream read in ESDB: the newest event of each stream, a few at a time.
      const versions = new Map<string, number>();
      const ids = [...new Set(streamIds)];
      for (let i = 0; i < ids.length; i += 16) {
        const part = ids.slice(i, i + 16);
        const newest = await Promise.all(part.map((id) => readStreamRaw(id, { backwards: true, maxCount: 1 })));
        part.forEach((id, k) => versions.set(id, newest[k]![0]?.event ? Number(newest[k]![0]!.event.revision) : -1));
      }
      return versions;
    },
    async readAll(readOptions) {
      const want = readOptions?.maxCount ?? Number.MAX_SAFE_INTEGER;
      const page = (await readAllPage(readOptions?.fromPosition ?? 0, want)).slice(0, want);
      // maxCount is honoured exactly, so a page may end inside a commit: remember that commit so
      // the caller's next page (from this position, in this process) starts exactly after it.
      const last = page[page.length - 1];
      if (last) remember(last.event.position, last.commit);
      return page.map((p) => p.event);
    },
    subscribe,
    async head(): Promise<StoreHead> {
      await catchUpCounts();
      return { position: counts.position, events: counts.events };
    },
    async countByType() {
      await catchUpCounts();
      return Object.fromEntries([...counts.byType].sort(([a], [b]) => a.localeCompare(b)));
    },
    async close() {
      await Promise.all([...subscriptions].map((s) => s.stop()));
      await client.dispose();
    },
  };
}
