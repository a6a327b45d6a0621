/**
 * A lean HTTP client for load generation: node:http with a keep-alive agent (fetch/undici costs
 * noticeably more CPU per request, and the client shares the process and the 2 cores with the
 * server under test).
 */
import http from 'node:http';
import express from 'express';

export interface HttpResponse {
  status: number;
  body: string;
}

export interface HttpClient {
  request(method: string, path: string, options?: { headers?: Record<string, string>; body?: string | Buffer }): Promise<HttpResponse>;
  get(path: string, headers?: Record<string, string>): Promise<HttpResponse>;
  close(): void;
}

export function httpClient(baseUrl: string, options: { connections?: number } = {}): HttpClient {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections ?? 50 });
  const request: HttpClient['request'] = (method, path, opts = {}) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...opts.headers };
      if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
      const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      if (opts.body !== undefined) req.end(opts.body);
      else req.end();
    });
  return {
    request,
    get: (path, headers) => request('GET', path, { headers: headers ?? {} }),
    close: () => agent.destroy(),
  };
}

/** Throws with the response body when the status is not one of `ok`. */
export function expectStatus(res: HttpResponse, ok: readonly number[], what: string): HttpResponse {
  if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status}: ${res.body.slice(0, 500)}`);
  return res;
}

/**
 * The Express 5 hello-JSON server of PERFORMANCE.md (~3,900 req/s at 50 connections there), on
 * port 0: the HTTP reference workload, measured with the same client in the same process.
 */
export async function startHelloServer(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json());
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  const server = await new Promise<http.Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
