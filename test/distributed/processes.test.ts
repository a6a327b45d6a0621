import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startService, tempDir, waitReady, type ServiceProcess } from './processes.ts';

/**
 * The helpers the process tests start the platform with: `waitReady` must fail as soon as the
 * child dies, with its stderr, rather than poll a dead port until its timeout. The timeouts given
 * here are far longer than the test's own: only a fast failure lets these tests pass.
 */
describe('waitReady', () => {
  const processes: ServiceProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  });

  it('fails at once, with the stderr, when the child exits with a code before it is ready', async () => {
    const port = await freePort();
    // An invalid variable stops the process at start, naming the variable (services/config/config.ts).
    const child = startService('bad config', { DATA_DIR: tempDir('brain-waitready-'), PORT: String(port), OLAP_PORT: 'not-a-port' });
    processes.push(child);
    const error = await waitReady(child, `http://127.0.0.1:${port}/readyz`, 3_600_000).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^bad config exited with code [1-9]\d* before it was ready at http:\/\/127\.0\.0\.1:\d+\/readyz; stderr:/);
    expect(error?.message).toContain('OLAP_PORT');
    expect(child.stderr()).toContain('OLAP_PORT');
  }, 60_000);

  it('fails at once, naming the signal, when the child is killed before it is ready', async () => {
    const port = await freePort();
    const child = startService('killed', { DATA_DIR: tempDir('brain-waitready-'), PORT: String(port), OLAP_PORT: String(await freePort()) });
    processes.push(child);
    const waiting = waitReady(child, `http://127.0.0.1:${port}/readyz`, 3_600_000).then(
      () => null,
      (e: unknown) => e as Error,
    );
    // The child needs seconds to load before it listens; the kill comes well before that.
    child.child.kill('SIGKILL');
    const error = await waiting;
    expect(error?.message).toMatch(/^killed was killed by SIGKILL before it was ready at http:\/\/127\.0\.0\.1:\d+\/readyz; stderr:/);
    expect((await child.exited()).signal).toBe('SIGKILL');
  }, 60_000);
});
