import type { Migration } from './migrate.ts';

/**
 * The runner's own bookkeeping. Every table is a ReplacingMergeTree keyed by what identifies a
 * fact, so a row written twice (a replay after a crash, two processes migrating at once) is one
 * fact; readers use FINAL. `{db}` is the OlapClient's database. `projection` is a keyword in
 * CREATE TABLE (table projections), hence the backquotes.
 */
export const v001Bookkeeping: Migration = {
  id: '001_bookkeeping',
  description: 'projection checkpoints, builds (state) and dead letters',
  statements: [
    // One row per (projection, build); `seq` orders the rows of one build purely from positions
    // (intent of the batch ending at P = 2P−1, its commit = 2P), so no clock decides which row wins.
    `CREATE TABLE IF NOT EXISTS {db}.projection_checkpoints (
      \`projection\` String,
      build String,
      version UInt32,
      position UInt64,
      pending_to UInt64,
      last_recorded_at Nullable(DateTime64(3, 'UTC')),
      seq UInt64,
      updated_at DateTime64(3, 'UTC')
    ) ENGINE = ReplacingMergeTree(seq) ORDER BY (\`projection\`, build)`,
    // A build is one set of physical tables of one projection version: building → live → retired;
    // `seq` is the state's rank, so a state never goes back however rows interleave.
    `CREATE TABLE IF NOT EXISTS {db}.projection_state (
      \`projection\` String,
      build String,
      version UInt32,
      state LowCardinality(String),
      logical_tables Array(String),
      physical_tables Array(String),
      started_at DateTime64(3, 'UTC'),
      finished_at Nullable(DateTime64(3, 'UTC')),
      seq UInt8
    ) ENGINE = ReplacingMergeTree(seq) ORDER BY (\`projection\`, build)`,
    // Shared with the Kafka consumers: one row per (projection, version, event), whoever wrote it.
    `CREATE TABLE IF NOT EXISTS {db}.projection_dead_letters (
      \`projection\` String,
      version UInt32,
      event_id String,
      position UInt64,
      type LowCardinality(String),
      error String,
      payload String,
      at DateTime64(3, 'UTC')
    ) ENGINE = ReplacingMergeTree ORDER BY (\`projection\`, version, event_id)
    SETTINGS non_replicated_deduplication_window = 1000`,
  ],
};
