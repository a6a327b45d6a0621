import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createProjectionRunner } from '../../projections/runner/projectionRunner.ts';
import { storeEventSource } from '../../projections/runner/storeEventSource.ts';
import { createSqliteEventStore } from '../../services/eventStore/sqliteEventStore.ts';
import { expectedValues, fixtureEvents, readValuesSql, testProjection, type FixtureSpec } from '../fixtures/projections/testProjection.ts';
import { freshOlap } from '../support/olap.ts';

const CHILD = path.resolve('test/fixtures/projections/runnerChild.ts');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'brain-crash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Child {
  /** Resolves with the child's stdout when it exits; rejects on a non-zero exit that we did not cause. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>;
  ready: Promise<void>;
  kill(): void;
}

function child(args: string[]): Child {
  // `node --import tsx` is `npx tsx` without npx's own start-up.
  const p = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  p.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes('ready\n')) markReady();
  });
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve, reject) => {
    p.on('exit', (code, signal) => {
      markReady();
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`runnerChild exited with ${code}: ${stderr.slice(-2000)}`));
      else resolve({ code, signal, stdout });
    });
  });
  return { exited, ready, kill: () => p.kill('SIGKILL') };
}

const spec: fc.Arbitrary<FixtureSpec> = fc.oneof(
  fc.record({ kind: fc.constant('voucher' as const), amount: fc.integer({ min: 0, max: 50_000 }).map((c) => c / 100) }),
  fc.record({ kind: fc.constant('meeting' as const), meeting: fc.integer({ min: 0, max: 60 }), body: fc.constantFrom('科创委' as const, '科创办' as const) }),
  fc.record({ kind: fc.constant('milestone' as const), task: fc.integer({ min: 1, max: 18 }) }),
  fc.record({ kind: fc.constant('statistic' as const), value: fc.integer({ min: 0, max: 1000 }) }),
);

/** Where a kill lands: some time after the runner said ready, or blind, after the spawn. */
const kill = fc.oneof(
  fc.record({ after: fc.constant('ready' as const), ms: fc.integer({ min: 0, max: 500 }) }),
  fc.record({ after: fc.constant('spawn' as const), ms: fc.integer({ min: 100, max: 1200 }) }),
);

let runs = 0;
/** Restarts that found a batch written but not committed (the window the dedup tokens cover). */
let resumed = 0;

describe('when the projection process is killed at random instants', () => {
  it('ends with the values of a clean rebuild, rebuild by version bump included', async () => {
    const details = await fc.check(
      fc.asyncProperty(
        fc.array(spec, { minLength: 1500, maxLength: 3000 }),
        fc.array(kill, { minLength: 4, maxLength: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 40, max: 400 }),
        async (specs, kills, bumpAtRound, batch) => {
          const dir = path.join(tmp, `run-${runs++}`);
          mkdirSync(dir);
          const storePath = path.join(dir, 'events.sqlite');
          const chdb = path.join(dir, 'chdb');
          const events = fixtureEvents(specs);
          const half = Math.floor(events.length / 2);
          // Half is in the store before the first start; the child appends the rest while it projects.
          const store = createSqliteEventStore({ path: storePath, synchronous: 'NORMAL' });
          await store.appendMany(events.slice(0, half).map((e) => ({ streamId: e.streamId, events: [e] })));
          const appendFile = path.join(dir, 'rest.ndjson');
          writeFileSync(appendFile, events.slice(half).map((e) => JSON.stringify(e)).join('\n'));

          const base = ['--store', storePath, '--chdb', chdb, '--db', 'crash', '--append', appendFile, '--batch', String(batch)];
          const versionAt = (round: number) => String(round >= bumpAtRound ? 2 : 1);
          for (const [round, k] of kills.entries()) {
            const c = child(['run', ...base, '--version', versionAt(round)]);
            if (k.after === 'ready') await c.ready;
            await new Promise((r) => setTimeout(r, k.ms));
            c.kill();
            const out = await c.exited;
            resumed += (out.stdout.match(/^log resuming/gm) ?? []).length;
          }
          const last = await child(['run', ...base, '--version', '2', '--finish']).exited;
          expect(last.stdout).toMatch(/done .*"state":"live"/);
          const crashed = JSON.parse((await child(['query', '--chdb', chdb, '--db', 'crash']).exited).stdout.trim());

          // The clean rebuild: a fresh database of this process's own engine, one uninterrupted pass.
          const olap = await freshOlap('clean');
          const runner = createProjectionRunner({ olap, source: storeEventSource(store), projections: [testProjection({ version: 2 })] });
          await runner.start();
          await runner.waitUntilCaughtUp();
          await runner.stop();
          const [eventsSql, meetingsSql] = readValuesSql(olap.database);
          const clean = { events: await olap.query(eventsSql!), meetings: await olap.query(meetingsSql!) };
          await store.close();
          await olap.close();
          rmSync(dir, { recursive: true, force: true });

          expect(crashed).toEqual(clean);
          expect(clean).toEqual(expectedValues(specs));
        },
      ),
      { numRuns: 3, endOnFailure: true },
    );
    // The event sets are thousands long: report the seed to replay and the failed assertion, not the set.
    if (details.failed) throw new Error(`failed with seed ${details.seed} (path ${details.counterexamplePath}): ${String(details.errorInstance)}`);
    console.log(`crash test: ${resumed} restarts re-formed an interrupted batch`);
  }, 120_000);
});
