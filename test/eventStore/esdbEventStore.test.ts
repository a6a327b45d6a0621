import { ANY, NO_STREAM, STREAM_EXISTS, UnavailableError, WrongExpectedVersionError } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { ConflictError, InfrastructureError, ValidationError } from '../../contracts/errors.ts';
import { ESDB_CAPABILITIES, createEsdbEventStore, toExpectedRevision, translateEsdbError } from '../../services/eventStore/esdbEventStore.ts';
import { eventStoreContract } from './eventStoreContract.ts';
import { makeEvent, uniqueStream } from './events.ts';

const connectionString = process.env.ESDB_CONNECTION_STRING;
if (!connectionString)
  console.warn('EventStoreDB contract suite SKIPPED: ESDB_CONNECTION_STRING is not set (EventStoreDB cannot be installed here)');

describe.skipIf(!connectionString)('on a running EventStoreDB (ESDB_CONNECTION_STRING)', () => {
  // Every test writes to fresh streams and reads relative to the head it starts from, so one server serves all.
  eventStoreContract(
    'esdb',
    async () => {
      const store = createEsdbEventStore({ connectionString: connectionString! });
      return { store, cleanup: () => store.close() };
    },
    { atomicAppendMany: ESDB_CAPABILITIES.atomicAppendMany, gapFreePositions: false },
  );
});

describe('the esdb adapter without a server', () => {
  describe('when mapping our expected version to an ESDB expected revision', () => {
    it('maps the three markers and a 0-based version', () => {
      expect(toExpectedRevision('any')).toBe(ANY);
      expect(toExpectedRevision('no_stream')).toBe(NO_STREAM);
      expect(toExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
      expect(toExpectedRevision(0)).toBe(0n);
      expect(toExpectedRevision(41)).toBe(41n);
    });

    it('refuses -1 and fractions', () => {
      expect(() => toExpectedRevision(-1)).toThrow(ValidationError);
      expect(() => toExpectedRevision(1.5)).toThrow(ValidationError);
    });
  });

  describe('when translating vendor errors', () => {
    it('turns a wrong expected version into a ConflictError naming stream, expected and actual', () => {
      const err = translateEsdbError(new WrongExpectedVersionError(undefined, { streamName: 'fund-F1', expected: 2n, current: 5n }), {
        streamId: 'fund-F1',
        expected: 2,
      });
      expect(err).toBeInstanceOf(ConflictError);
      expect(err).toMatchObject({ streamId: 'fund-F1', expected: 2, actual: 5, status: 409 });
      expect(err.message).toContain('fund-F1');
    });

    it('reports a stream that does not exist as actual -1', () => {
      const err = translateEsdbError(new WrongExpectedVersionError(undefined, { streamName: 'fund-F2', expected: STREAM_EXISTS, current: NO_STREAM }), {
        expected: 'stream_exists',
      });
      expect(err).toMatchObject({ streamId: 'fund-F2', expected: 'stream_exists', actual: -1 });
    });

    it('turns an unavailable server into a retriable InfrastructureError', () => {
      const err = translateEsdbError(new UnavailableError());
      expect(err).toBeInstanceOf(InfrastructureError);
      expect((err as InfrastructureError).retriable).toBe(true);
    });

    it('keeps an unknown failure non-retriable and our own errors as they are', () => {
      const unknown = translateEsdbError(new Error('boom'));
      expect(unknown).toBeInstanceOf(InfrastructureError);
      expect((unknown as InfrastructureError).retriable).toBe(false);
      const ours = new ValidationError('bad');
      expect(translateEsdbError(ours)).toBe(ours);
    });
  });

  it('answers an append to an unreachable server with a retriable InfrastructureError', async () => {
    // Port 1 on loopback refuses at once; nothing listens there.
    const store = createEsdbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false' });
    const stream = uniqueStream();
    const err = await store.append(stream, [makeEvent(stream)]).catch((e: unknown) => e);
    await store.close();
    expect(err).toBeInstanceOf(InfrastructureError);
    expect((err as InfrastructureError).retriable).toBe(true);
  });

  it('refuses a malformed connection string with advice', () => {
    expect(() => createEsdbEventStore({ connectionString: 'http://nope' })).toThrow(ValidationError);
  });
});
