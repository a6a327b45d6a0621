import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../contracts/errors.ts';
import type { RecordedEvent } from '../../contracts/events/index.ts';
import type { EventStore } from '../../contracts/ports.ts';
import { eventually, makeEvent, makeEvents, uniqueStream } from './events.ts';

/** What a store promises beyond the port's minimum; tests of a promise a store does not make are skipped. */
export interface EventStoreCapabilities {
  /** appendMany stores all requests or none. */
  atomicAppendMany: boolean;
  /** Positions are 1-based and gap-free, so head().events === head().position. */
  gapFreePositions: boolean;
}

const FULL: EventStoreCapabilities = { atomicAppendMany: true, gapFreePositions: true };

async function conflictOf(p: Promise<unknown>): Promise<ConflictError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConflictError);
  return err as ConflictError;
}

/**
 * The behaviour every EventStore adapter must have, run against each (emmett-tests features.ts,
 * hono common.case.test.ts). Tests use fresh stream names and read relative to the head they
 * start from, so a shared server works as well as a fresh file.
 */
export function eventStoreContract(
  name: string,
  factory: () => Promise<{ store: EventStore; cleanup(): Promise<void> }>,
  capabilities: EventStoreCapabilities = FULL,
): void {
  describe(`the ${name} event store`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
    });
    afterEach(async () => {
      await cleanup();
    });

    describe('when events are appended and read back', () => {
      it('returns each envelope unchanged, with its position and 0-based stream version', async () => {
        const stream = uniqueStream();
        const events = [makeEvent(stream), makeEvent(stream, { kind: 'meeting' }), makeEvent(stream, { kind: 'target' })];
        const before = await store.head();
        const result = await store.append(stream, events);
        expect(result).toMatchObject({ nextExpectedVersion: 2, appended: 3, duplicates: 0 });

        const read = await store.readStream(stream);
        expect(read.map(({ position, streamVersion, ...rest }) => (void position, void streamVersion, rest))).toEqual(events);
        expect(read.map((e) => e.streamVersion)).toEqual([0, 1, 2]);

        const all = await store.readAll({ fromPosition: before.position });
        expect(all.filter((e) => e.streamId === stream)).toEqual(read);
        expect(result.position).toBe(read[2]!.position);
      });

      it('reads a stream from a version, at most maxCount events', async () => {
        const stream = uniqueStream();
        await store.append(stream, makeEvents(stream, 5));
        const read = await store.readStream(stream, { fromVersion: 2, maxCount: 2 });
        expect(read.map((e) => e.streamVersion)).toEqual([2, 3]);
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(uniqueStream())).toEqual([]);
      });

      it('tells the version of several streams at once, -1 for a stream with no events', async () => {
        const [a, b, unknown] = [uniqueStream(), uniqueStream(), uniqueStream()];
        await store.append(a, makeEvents(a, 3));
        await store.append(b, [makeEvent(b)]);
        const versions = await store.streamVersions([a, unknown, b, a]);
        expect(Object.fromEntries(versions)).toEqual({ [a]: 2, [b]: 0, [unknown]: -1 });
        expect((await store.streamVersions([])).size).toBe(0);
      });
    });

    describe('when the caller states an expected version', () => {
      it("accepts 'any' on a new and on an existing stream", async () => {
        const stream = uniqueStream();
        await store.append(stream, [makeEvent(stream)], { expectedVersion: 'any' });
        const r = await store.append(stream, [makeEvent(stream)], { expectedVersion: 'any' });
        expect(r.nextExpectedVersion).toBe(1);
      });

      it("accepts 'no_stream' on a new stream and rejects it on an existing one", async () => {
        const stream = uniqueStream();
        expect((await store.append(stream, [makeEvent(stream)], { expectedVersion: 'no_stream' })).nextExpectedVersion).toBe(0);
        const err = await conflictOf(store.append(stream, [makeEvent(stream)], { expectedVersion: 'no_stream' }));
        expect(err).toMatchObject({ streamId: stream, expected: 'no_stream', actual: 0 });
        expect(err.message).toContain(stream);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it("rejects 'stream_exists' on a new stream and accepts it on an existing one", async () => {
        const stream = uniqueStream();
        const err = await conflictOf(store.append(stream, [makeEvent(stream)], { expectedVersion: 'stream_exists' }));
        expect(err).toMatchObject({ streamId: stream, expected: 'stream_exists', actual: -1 });
        expect(await store.readStream(stream)).toEqual([]);
        await store.append(stream, [makeEvent(stream)]);
        expect((await store.append(stream, [makeEvent(stream)], { expectedVersion: 'stream_exists' })).nextExpectedVersion).toBe(1);
      });

      it('accepts the exact current version and rejects a stale or a future one', async () => {
        const stream = uniqueStream();
        await store.append(stream, makeEvents(stream, 2));
        const stale = await conflictOf(store.append(stream, [makeEvent(stream)], { expectedVersion: 0 }));
        expect(stale).toMatchObject({ streamId: stream, expected: 0, actual: 1 });
        await conflictOf(store.append(stream, [makeEvent(stream)], { expectedVersion: 5 }));
        const ok = await store.append(stream, [makeEvent(stream)], { expectedVersion: 1 });
        expect(ok).toMatchObject({ nextExpectedVersion: 2, appended: 1 });
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('refuses an event whose envelope names another stream', async () => {
        const stream = uniqueStream();
        const other = uniqueStream();
        await expect(store.append(stream, [makeEvent(other)])).rejects.toBeInstanceOf(ValidationError);
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('refuses -1 and other malformed expected versions as invalid input', async () => {
        const stream = uniqueStream();
        await expect(store.append(stream, [makeEvent(stream)], { expectedVersion: -1 })).rejects.toBeInstanceOf(ValidationError);
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('lets exactly one of two appends at the same expected version win', async () => {
        const stream = uniqueStream();
        await store.append(stream, [makeEvent(stream)]);
        const outcomes = await Promise.allSettled([
          store.append(stream, [makeEvent(stream, { value: 1 })], { expectedVersion: 0 }),
          store.append(stream, [makeEvent(stream, { value: 2 })], { expectedVersion: 0 }),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.filter((o) => o.status === 'rejected');
        expect(rejected).toHaveLength(1);
        expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });

    describe('when a request is sent again', () => {
      it('acknowledges every event as a duplicate, stores nothing and does not fail the version check', async () => {
        const stream = uniqueStream();
        const events = makeEvents(stream, 2);
        const first = await store.append(stream, events, { expectedVersion: 'no_stream' });
        const headAfterFirst = await store.head();
        const again = await store.append(stream, events, { expectedVersion: 'no_stream' });
        expect(again).toEqual({ nextExpectedVersion: 1, position: first.position, appended: 0, duplicates: 2 });
        expect(await store.head()).toEqual(headAfterFirst);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('appends only the new events of a partly re-sent request, after the current version', async () => {
        const stream = uniqueStream();
        const [a, b, c, d] = makeEvents(stream, 4);
        await store.append(stream, [a!, b!], { expectedVersion: 'no_stream' });
        const r = await store.append(stream, [a!, b!, c!], { expectedVersion: 1 });
        expect(r).toMatchObject({ nextExpectedVersion: 2, appended: 1, duplicates: 2 });
        const read = await store.readStream(stream);
        expect(read.map((e) => e.eventId)).toEqual([a!.eventId, b!.eventId, c!.eventId]);
        expect(read[2]!.streamVersion).toBe(2);
        // new events still need the version check: a stale expectation fails and stores nothing
        await conflictOf(store.append(stream, [b!, d!], { expectedVersion: 1 }));
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('stores an event repeated inside one request once', async () => {
        const stream = uniqueStream();
        const e = makeEvent(stream);
        const r = await store.append(stream, [e, e]);
        expect(r).toMatchObject({ appended: 1, duplicates: 1, nextExpectedVersion: 0 });
      });
    });

    describe('when events go to several streams', () => {
      it('gives them strictly increasing global positions in append order', async () => {
        const before = await store.head();
        const s1 = uniqueStream();
        const s2 = uniqueStream('fund');
        await store.append(s1, [makeEvent(s1)]);
        await store.append(s2, makeEvents(s2, 2));
        await store.append(s1, [makeEvent(s1)]);
        const all = (await store.readAll({ fromPosition: before.position })).filter((e) => e.streamId === s1 || e.streamId === s2);
        expect(all.map((e) => `${e.streamId === s1 ? 's1' : 's2'}:${e.streamVersion}`)).toEqual(['s1:0', 's2:0', 's2:1', 's1:1']);
        for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
      });

      it.skipIf(!capabilities.gapFreePositions)('numbers them 1-based without gaps, and head counts them', async () => {
        const before = await store.head();
        expect(before.events).toBe(before.position);
        const s1 = uniqueStream();
        const s2 = uniqueStream();
        await store.append(s1, makeEvents(s1, 2));
        await store.append(s2, makeEvents(s2, 3));
        await conflictOf(store.append(s2, [makeEvent(s2)], { expectedVersion: 0 })); // a failed append takes no position
        await store.append(s1, [makeEvent(s1)]);
        const all = await store.readAll({ fromPosition: before.position });
        expect(all.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6].map((i) => before.position + i));
        expect(await store.head()).toEqual({ position: before.position + 6, events: before.events + 6 });
      });

      it('appends several requests in one call, each with its own result', async () => {
        const s1 = uniqueStream();
        const s2 = uniqueStream();
        const results = await store.appendMany([
          { streamId: s1, events: makeEvents(s1, 2), expectedVersion: 'no_stream' },
          { streamId: s2, events: makeEvents(s2, 1) },
        ]);
        expect(results.map((r) => [r.nextExpectedVersion, r.appended])).toEqual([
          [1, 2],
          [0, 1],
        ]);
        expect(results[1]!.position).toBeGreaterThan(results[0]!.position);
      });

      it.skipIf(!capabilities.atomicAppendMany)('stores none of the requests when one of them conflicts', async () => {
        const before = await store.head();
        const s1 = uniqueStream();
        const s2 = uniqueStream();
        await store.append(s2, [makeEvent(s2)]);
        const err = await conflictOf(
          store.appendMany([
            { streamId: s1, events: makeEvents(s1, 2), expectedVersion: 'no_stream' },
            { streamId: s2, events: [makeEvent(s2)], expectedVersion: 'no_stream' },
          ]),
        );
        expect(err.streamId).toBe(s2);
        expect(await store.readStream(s1)).toEqual([]);
        expect((await store.head()).position).toBe(before.position + 1);
      });
      it.skipIf(capabilities.atomicAppendMany)('stores exactly the requests before the conflicting one when it appends stream by stream', async () => {
        const s1 = uniqueStream();
        const s2 = uniqueStream();
        const s3 = uniqueStream();
        await store.append(s2, [makeEvent(s2)]);
        const err = await conflictOf(
          store.appendMany([
            { streamId: s1, events: makeEvents(s1, 2), expectedVersion: 'no_stream' },
            { streamId: s2, events: [makeEvent(s2)], expectedVersion: 'no_stream' },
            { streamId: s3, events: [makeEvent(s3)] },
          ]),
        );
        expect(err.streamId).toBe(s2);
        // The ingest report relies on this (ingestService.storedStreams): earlier requests stored whole, later ones not at all.
        expect(await store.readStream(s1)).toHaveLength(2);
        expect(await store.readStream(s2)).toHaveLength(1);
        expect(await store.readStream(s3)).toEqual([]);
      });
    });

    describe('when reading the whole log', () => {
      it('pages by position, exclusive of the position given', async () => {
        const before = await store.head();
        const stream = uniqueStream();
        await store.append(stream, makeEvents(stream, 7));
        const pages: RecordedEvent[][] = [];
        let from = before.position;
        for (;;) {
          const page = await store.readAll({ fromPosition: from, maxCount: 3 });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(3);
          pages.push(page);
          from = page[page.length - 1]!.position;
        }
        expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
        expect(pages.flat()).toEqual(await store.readAll({ fromPosition: before.position }));
      });

      it('counts events per type and reports the head', async () => {
        const beforeCounts = await store.countByType();
        const before = await store.head();
        const stream = uniqueStream();
        await store.append(stream, [...makeEvents(stream, 3, 'statistic'), ...makeEvents(stream, 2, 'meeting')]);
        await store.append(stream, makeEvents(stream, 2, 'statistic'));
        const counts = await store.countByType();
        expect((counts.StatisticPublished ?? 0) - (beforeCounts.StatisticPublished ?? 0)).toBe(5);
        expect((counts.GovernanceMeetingHeld ?? 0) - (beforeCounts.GovernanceMeetingHeld ?? 0)).toBe(2);
        const head = await store.head();
        expect(head.events - before.events).toBe(7);
        const last = (await store.readAll({ fromPosition: before.position })).at(-1)!;
        expect(head.position).toBe(last.position);
      });
    });

    describe('when subscribed', () => {
      it('catches up, then receives live appends in order, without duplicates, across a stop and a resume', async () => {
        const before = await store.head();
        const stream = uniqueStream();
        await store.append(stream, makeEvents(stream, 5));

        const seen: RecordedEvent[] = [];
        const batches: number[][] = [];
        const sub = store.subscribe({ fromPosition: before.position, maxBatch: 2 }, async (events) => {
          batches.push(events.map((e) => e.position));
          seen.push(...events.filter((e) => e.streamId === stream));
        });
        await eventually(() => seen.length === 5, 'the catch-up');
        await store.append(stream, makeEvents(stream, 3));
        await eventually(() => seen.length === 8, 'the live events');
        await sub.stop();
        await sub.done;

        const checkpoint = seen[seen.length - 1]!.position;
        await store.append(stream, makeEvents(stream, 2)); // while nobody listens
        const resumed = store.subscribe({ fromPosition: checkpoint, maxBatch: 2 }, async (events) => {
          batches.push(events.map((e) => e.position));
          seen.push(...events.filter((e) => e.streamId === stream));
        });
        await eventually(() => seen.length === 10, 'the events appended while stopped');
        await store.append(stream, [makeEvent(stream)]);
        await eventually(() => seen.length === 11, 'a live event after the resume');
        await resumed.stop();

        expect(seen.map((e) => e.streamVersion)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        const flat = batches.flat();
        for (let i = 1; i < flat.length; i++) expect(flat[i]!).toBeGreaterThan(flat[i - 1]!);
        for (const b of batches) expect(b.length).toBeLessThanOrEqual(2);
        expect(seen).toEqual(await store.readStream(stream));
      });

      it('ends the subscription with the handler error', async () => {
        const before = await store.head();
        const stream = uniqueStream();
        await store.append(stream, [makeEvent(stream)]);
        const sub = store.subscribe({ fromPosition: before.position }, async () => {
          throw new Error('projection broke');
        });
        await expect(sub.done).rejects.toThrow('projection broke');
        await sub.stop(); // stopping an ended subscription is harmless
      });

      it('does not finish stopping while a handler is still running', async () => {
        const before = await store.head();
        const stream = uniqueStream();
        await store.append(stream, [makeEvent(stream)]);
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let entered = false;
        let finished = false;
        const sub = store.subscribe({ fromPosition: before.position }, async () => {
          entered = true;
          await gate;
          finished = true;
        });
        await eventually(() => entered, 'the handler to start');
        let stopped = false;
        const stopping = sub.stop().then(() => (stopped = true));
        await new Promise((r) => setTimeout(r, 20));
        expect(stopped).toBe(false);
        release();
        await stopping;
        expect(finished).toBe(true);
      });
    });
  });
}
