/** The platform's ClickHouse side: its client (embedded engine or server) and the SQL gateway over the embedded engine. */
import path from 'node:path';
import type { OlapClient } from '../../contracts/ports.ts';
import type { Keyring } from '../auth/keyring.ts';
import type { Config } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import { createOlapClient } from '../olap/client.ts';
import { createSqlGateway } from '../sqlGateway/server.ts';

function chdbPath(config: Config): string {
  return path.join(config.DATA_DIR, 'chdb');
}

/** The platform's ClickHouse client: the embedded engine on the data folder, or a server. */
export async function openOlap(config: Config): Promise<OlapClient> {
  if (config.OLAP === 'clickhouse')
    return createOlapClient({ kind: 'clickhouse', url: config.CLICKHOUSE_URL!, user: config.CLICKHOUSE_USER, password: config.CLICKHOUSE_PASSWORD, database: config.CLICKHOUSE_DATABASE });
  return createOlapClient({ kind: 'chdb', path: chdbPath(config), database: config.CLICKHOUSE_DATABASE });
}

/**
 * The ClickHouse HTTP interface of the embedded engine (analysts' SQL), on OLAP_PORT: users
 * analyst (read-only, with the analyst limits) and admin, each with its role's keys as passwords.
 * One chDB engine per process: the gateway and the platform's client share its path.
 */
export async function startSqlGateway(config: Config, keyring: Keyring, log: Logger): Promise<{ url: string; close(): Promise<void> }> {
  const gateway = createSqlGateway({
    chdbPath: chdbPath(config),
    defaultDatabase: config.CLICKHOUSE_DATABASE,
    users: [
      { name: 'analyst', readonly: true, passwordSha256: keyring.digestsFor('analyst') },
      { name: 'admin', readonly: false, passwordSha256: keyring.digestsFor('admin') },
    ],
    log: log.child({ name: 'olap' }),
    analyst: {
      maxExecutionSeconds: config.OLAP_ANALYST_MAX_EXECUTION_SECONDS,
      maxMemoryBytes: config.OLAP_ANALYST_MAX_MEMORY_BYTES,
      maxRowsToRead: config.OLAP_ANALYST_MAX_ROWS_TO_READ,
      maxBytesToRead: config.OLAP_ANALYST_MAX_BYTES_TO_READ,
      maxResultRows: config.OLAP_ANALYST_MAX_RESULT_ROWS,
      maxResultBytes: config.OLAP_ANALYST_MAX_RESULT_BYTES,
      concurrentQueries: config.OLAP_ANALYST_CONCURRENT,
      concurrentQueriesPerUser: config.OLAP_ANALYST_CONCURRENT_PER_USER,
    },
  });
  const port = await gateway.listen(config.OLAP_PORT, config.HOST);
  const url = `http://${config.HOST}:${port}`;
  log.info({ url }, `ClickHouse HTTP interface of the embedded engine on ${url} (users analyst, admin; password = that role's key)`);
  return { url, close: () => gateway.close() };
}
