/**
 * Runs once per test run, before any worker starts. Services the suites need (the Kafka broker)
 * are started here; see scripts/kafka.mjs.
 */
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
