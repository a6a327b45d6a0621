import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { portAccepts, startBroker } from '../../scripts/kafka/broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated bootstrap servers of the run's Kafka broker (see test/support/kafka.ts). */
    kafkaBrokers: string;
  }
}

/**
 * Runs once per test run, before any worker starts: starts one real Kafka broker (KRaft, from
 * scripts/kafka/broker.js) on free ports, or uses the one named by KAFKA_BROKERS, and hands its
 * address to the tests (`inject('kafkaBrokers')`). A broker that cannot start fails the run, in CI
 * and everywhere else: tests that need Kafka are never skipped in silence.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.KAFKA_BROKERS?.trim();
  if (given) {
    const [host, port] = (given.split(',')[0] ?? '').split(':');
    if (!(await portAccepts(Number(port), host)))
      throw new Error(`KAFKA_BROKERS=${given} does not accept connections: start it (npm run kafka:start) or unset KAFKA_BROKERS to let the tests start their own broker`);
    project.provide('kafkaBrokers', given);
    return async () => {};
  }

  let broker;
  try {
    broker = await startBroker({ heapMb: 512, log: (line) => console.log(`[kafka] ${line}`) });
  } catch (err) {
    throw new Error(
      `the test run needs a real Kafka broker and could not start one: ${(err as Error).message}\n` +
        'Java 17+ and Maven 3.8+ must be installed (the broker comes from Maven Central), or set KAFKA_BROKERS to a running broker.',
      { cause: err },
    );
  }
  console.log(`[kafka] Kafka ${broker.version} for this test run at ${broker.brokers.join(',')}`);
  project.provide('kafkaBrokers', broker.brokers.join(','));
  return async () => {
    await broker.stop();
    rmSync(broker.dataDir, { recursive: true, force: true });
  };
}
