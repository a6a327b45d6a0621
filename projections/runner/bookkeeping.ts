import type { RecordedEvent } from '../../contracts/events/index.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import { quoteIdent } from '../migrations/migrate.ts';

export type BuildState = 'building' | 'live' | 'retired';

/** One build: a set of physical tables of one projection version (see migrations/v001Bookkeeping.ts). */
export interface BuildRecord {
  projection: string;
  /** `v<version>` or `v<version>_r<n>`; physical table = `<logical>_<build>`. */
  build: string;
  version: number;
  state: BuildState;
  logicalTables: string[];
  physicalTables: string[];
  startedAt: number;
  finishedAt: number | null;
}

export interface CheckpointRecord {
  projection: string;
  build: string;
  version: number;
  /** Every event with a position ≤ this one is projected. */
  position: number;
  /** > position: the batch (position, pendingTo] was being written and must be re-formed exactly. */
  pendingTo: number;
  /** recordedAt (epoch ms) of the event at `position`. */
  lastRecordedAt: number | null;
}

export interface DeadLetter {
  projection: string;
  version: number;
  event: RecordedEvent;
  error: string;
}

const STATE_RANK: Record<BuildState, number> = { building: 1, live: 2, retired: 3 };

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Reads and writes the runner's bookkeeping tables. */
export function createBookkeeping(olap: OlapClient) {
  const db = quoteIdent(olap.database);
  const table = (name: string) => `${olap.database}.${name}`;
  const checkpoints = groupWrites((rows) => olap.insert(table('projection_checkpoints'), rows));

  async function writeBuilds(list: readonly BuildRecord[]): Promise<void> {
    if (list.length === 0) return;
    await olap.insert(
      table('projection_state'),
      list.map((b) => ({
        projection: b.projection,
        build: b.build,
        version: b.version,
        state: b.state,
        logical_tables: b.logicalTables,
        physical_tables: b.physicalTables,
        started_at: iso(b.startedAt),
        finished_at: iso(b.finishedAt),
        seq: STATE_RANK[b.state],
      })),
    );
  }

  return {
    async builds(): Promise<BuildRecord[]> {
      const rows = await olap.query<{
        projection: string;
        build: string;
        version: number;
        state: BuildState;
        logical_tables: string[];
        physical_tables: string[];
        started: number;
        finished: number | null;
      }>(
        `SELECT projection, build, version, state, logical_tables, physical_tables,
                toUnixTimestamp64Milli(started_at) AS started, toUnixTimestamp64Milli(finished_at) AS finished
         FROM ${db}.projection_state FINAL ORDER BY projection, started_at, build`,
      );
      return rows.map((r) => ({
        projection: r.projection,
        build: r.build,
        version: Number(r.version),
        state: r.state,
        logicalTables: r.logical_tables,
        physicalTables: r.physical_tables,
        startedAt: Number(r.started),
        finishedAt: r.finished === null ? null : Number(r.finished),
      }));
    },

    async writeBuild(b: BuildRecord): Promise<void> {
      await writeBuilds([b]);
    },

    /** Several build rows in one insert (a start records every new build at once). */
    writeBuilds,

    async checkpoints(): Promise<Map<string, CheckpointRecord>> {
      const rows = await olap.query<{
        projection: string;
        build: string;
        version: number;
        position: number;
        pending_to: number;
        last: number | null;
      }>(
        `SELECT projection, build, version, position, pending_to, toUnixTimestamp64Milli(last_recorded_at) AS last
         FROM ${db}.projection_checkpoints FINAL`,
      );
      return new Map(
        rows.map((r) => [
          `${r.projection}/${r.build}`,
          {
            projection: r.projection,
            build: r.build,
            version: Number(r.version),
            position: Number(r.position),
            pendingTo: Number(r.pending_to),
            lastRecordedAt: r.last === null ? null : Number(r.last),
          },
        ]),
      );
    },

    /**
     * `seq` makes the newest row win from positions alone: the intent of batch (C, P] is 2P−1,
     * its commit 2P, and the next intent 2Q−1 > 2P. Rows asked for while an insert is in flight
     * go together in the next one (lanes flushing at once cost one insert, not one each); each
     * call resolves once its own row is written, so a lane's order of writes is kept.
     */
    writeCheckpoint(c: CheckpointRecord): Promise<void> {
      const seq = c.pendingTo > c.position ? 2 * c.pendingTo - 1 : 2 * c.position;
      return checkpoints.write({
        projection: c.projection,
        build: c.build,
        version: c.version,
        position: c.position,
        pending_to: c.pendingTo,
        last_recorded_at: iso(c.lastRecordedAt),
        seq,
        updated_at: new Date().toISOString(),
      });
    },

    /** A message of the bus that could not be decoded into an event (it has no event id). */
    async undecodable(letter: { topic: string; partition: number; offset: string; error: string; at: string }): Promise<void> {
      const where = `${letter.topic}/${letter.partition}@${letter.offset}`;
      await olap.insert(
        table('projection_dead_letters'),
        [{ projection: '(decode)', version: 0, event_id: where, position: 0, type: '', error: letter.error.slice(0, 4000), payload: '', at: letter.at }],
        { dedupToken: `dl:decode:${where}` },
      );
    },

    async deadLetters(letters: readonly DeadLetter[]): Promise<void> {
      for (const l of letters) {
        const { position, ...stored } = l.event;
        await olap.insert(
          table('projection_dead_letters'),
          [
            {
              projection: l.projection,
              version: l.version,
              event_id: l.event.eventId,
              position,
              type: l.event.type,
              error: l.error.slice(0, 4000),
              payload: JSON.stringify(stored),
              at: new Date().toISOString(),
            },
          ],
          // A replayed batch re-raises the same failure: one row per (projection, version, event).
          { dedupToken: `dl:${l.projection}:v${l.version}:${l.event.eventId}` },
        );
      }
    },
  };
}

export type Bookkeeping = ReturnType<typeof createBookkeeping>;

/**
 * Group commit: rows written while an insert is in flight wait and go together in the next
 * insert. A failed insert fails every row in it (each caller retries its own).
 */
function groupWrites(insert: (rows: Record<string, unknown>[]) => Promise<void>) {
  let queued: { row: Record<string, unknown>; resolve(): void; reject(err: unknown): void }[] = [];
  let busy = false;
  async function drain(): Promise<void> {
    busy = true;
    while (queued.length > 0) {
      const batch = queued;
      queued = [];
      try {
        await insert(batch.map((q) => q.row));
        for (const q of batch) q.resolve();
      } catch (err) {
        for (const q of batch) q.reject(err);
      }
    }
    busy = false;
  }
  return {
    write(row: Record<string, unknown>): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queued.push({ row, resolve, reject });
        if (!busy) void drain();
      });
    },
  };
}
