import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateHistory } from '../../services/seed/generateHistory.ts';
import { shanghaiToday } from '../../contracts/dates.ts';
import { platformSetup, getJson, startService, tempDir, waitReady, type ServiceProcess } from '../distributed/processes.ts';

/** Fault injection: `npm start` killed with SIGKILL in the middle of seeding, then started again. */
describe('when npm start is killed while seeding', () => {
  const data = tempDir('brain-seedcrash-');
  const processes: ServiceProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  });

  it('resumes the seeding at the next start and ends with every sample record once', async () => {
    const { env, base } = await platformSetup(data);
    const head = async (key: string) => (await getJson<{ store: { head: number } }>(`${base}/api/v1/status`, key)).store.head;

    const first = startService('first', env, ['start', '--no-trickle']);
    processes.push(first);
    await waitReady(first, `${base}/readyz`, 120_000);
    const key = (JSON.parse(readFileSync(path.join(data, 'dev-keys.json'), 'utf8')) as Record<string, string>).viewer!;
    for (const deadline = Date.now() + 120_000; (await head(key)) < 20_000; ) {
      if (Date.now() > deadline) throw new Error('seeding did not reach 20,000 events');
      await new Promise((r) => setTimeout(r, 100));
    }
    await first.kill('SIGKILL');
    const total = generateHistory({ to: shanghaiToday(new Date()) }).total;
    expect(readFileSync(path.join(data, 'seed-state.json'), 'utf8')).toContain('"running"');

    const second = startService('second', env, ['start', '--no-trickle']);
    processes.push(second);
    await waitReady(second, `${base}/readyz`, 120_000);
    expect(await head(key)).toBeLessThan(total);
    for (const deadline = Date.now() + 240_000; !readFileSync(path.join(data, 'seed-state.json'), 'utf8').includes('"complete"'); ) {
      if (Date.now() > deadline) throw new Error(`seeding did not complete after the restart:\n${second.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await head(key)).toBe(total);
    const state = JSON.parse(readFileSync(path.join(data, 'seed-state.json'), 'utf8')) as { accepted: number; duplicates: number; rejected: number };
    expect(state.rejected).toBe(0);
    expect(state.accepted + state.duplicates).toBe(total);
    expect(state.duplicates).toBeGreaterThan(0);
  }, 400_000);
});
