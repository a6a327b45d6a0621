import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createSqlGateway, type SqlGateway, type SqlGatewayOptions } from '../../services/sqlGateway/server.ts';
import { workerChdbPath } from '../support/olap.ts';

export interface RunningOlapHttp {
  url: string;
  port: number;
  adminKey: string;
  analystKey: string;
  /** A second key of the analyst user, given as its SHA-256 digest (as an API keys file holds it). */
  secondAnalystKey: string;
  server: SqlGateway;
}

/** The ClickHouse HTTP interface on this worker's chDB path, on a free port. */
export async function startOlapHttp(extra: Partial<SqlGatewayOptions> = {}): Promise<RunningOlapHttp> {
  const adminKey = `adm-${randomUUID()}`;
  const analystKey = `ana-${randomUUID()}`;
  const secondAnalystKey = `ana2-${randomUUID()}`;
  const server = createSqlGateway({
    chdbPath: workerChdbPath,
    defaultDatabase: `olaphttp_default_${process.pid}`,
    users: [
      { name: 'admin', password: adminKey, readonly: false },
      { name: 'analyst', password: analystKey, passwordSha256: [createHash('sha256').update(secondAnalystKey).digest('hex')], readonly: true },
    ],
    ...extra,
  });
  const port = await server.listen(0);
  return { url: `http://127.0.0.1:${port}`, port, adminKey, analystKey, secondAnalystKey, server };
}

export function uniqueDatabase(prefix = 'oh'): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

export interface CurlResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

/** Runs the real curl binary (asynchronously: the server under test lives in this process). */
export function curl(args: string[]): Promise<CurlResponse> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-S', '-i', ...args], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`curl failed: ${err.message} ${stderr.toString()}`));
      const sep = stdout.indexOf('\r\n\r\n');
      const head = stdout.subarray(0, sep).toString('latin1').split('\r\n');
      const status = Number(head[0]!.split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const body = stdout.subarray(sep + 4);
      resolve({ status, headers, body, text: body.toString('utf8') });
    });
  });
}
