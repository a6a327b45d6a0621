/**
 * Periodic assessment reports (docs/reports.md): built as of an instant, rendered to XLSX and PDF,
 * and issued on schedule as ReportIssued events (period, asOf, file hashes) so a later report can
 * name what restated an earlier one and anyone can reproduce an issued file byte for byte.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import { ConflictError, InfrastructureError } from '../../contracts/errors.ts';
import { EVENT_DEFINITIONS, type DomainEventOf } from '../../contracts/events/index.ts';
import type { EventStore } from '../../contracts/ports.ts';
import type { Report, ReportFormat } from '../../contracts/reports.ts';
import { uuidV5 } from '../ingest/eventId.ts';
import { reportPdf } from './pdf.ts';
import { reportWorkbook } from './workbook.ts';

export interface IssuedReport {
  period: string;
  asOf: string;
  issuedAt: string;
  sha256: { xlsx: string; pdf: string };
}

export interface RenderedReport {
  report: Report;
  body: Buffer;
}

export interface ReportService {
  /** The report as known at `asOf`, in one format (`request`: the reproducing request, written into the XLSX). */
  render(period: string, asOf: Date, format: ReportFormat, request: string): Promise<RenderedReport>;
  /** Builds, renders both files, records ReportIssued (once per period) and writes the files; null when already issued. */
  issue(period: string, asOf: Date): Promise<IssuedReport | null>;
  /** The latest issue of a period recorded by an instant (every issue when `by` is absent). */
  issued(period: string, by?: Date): Promise<IssuedReport | null>;
  /** Reports built so far, and requests answered with one built before. */
  stats(): { built: number; reused: number };
}

export const reportStreamId = (period: string) => `report-${period}`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Reports built at once; the rest wait (each is a few hundred KPI reads). */
const BUILDS_AT_ONCE = 1;
/** Requests waiting beyond this are refused (503, retriable) instead of queueing without bound. */
const MAX_WAITING = 8;
/** Reports kept for reuse (each a few hundred KB of JSON). */
const CACHED_REPORTS = 16;

export function createReportService(deps: {
  store: EventStore;
  build(period: string, asOf: Date): Promise<Report>;
  /**
   * What the data a report as of `asOf` reads reflects (e.g. the store head, or a constant once
   * everything recorded by `asOf` is projected): a report built for a period and an instant is reused
   * while it is unchanged, since the same period, instant and data give the same report.
   */
  version?(asOf: Date): Promise<string>;
  /** Where issued files are written (`<dir>/<period>.xlsx|pdf`); absent: not written. */
  dir?: string;
  now?: () => Date;
}): ReportService {
  const now = deps.now ?? (() => new Date());
  const queue = new PQueue({ concurrency: BUILDS_AT_ONCE });

  const cache = new Map<string, Promise<Report>>();
  const stats = { built: 0, reused: 0 };

  async function build(period: string, asOf: Date): Promise<Report> {
    const key = deps.version ? `${period}|${asOf.toISOString()}|${await deps.version(asOf)}` : undefined;
    const hit = key ? cache.get(key) : undefined;
    if (hit) {
      stats.reused++;
      return hit;
    }
    stats.built++;
    if (queue.size >= MAX_WAITING) throw new InfrastructureError(`已有 ${queue.size} 份报告排队生成, 请稍后再试`, { retriable: true });
    const built = queue.add(() => deps.build(period, asOf), { throwOnTimeout: true }) as Promise<Report>;
    if (key) {
      cache.set(key, built);
      built.catch(() => cache.delete(key));
      if (cache.size > CACHED_REPORTS) cache.delete(cache.keys().next().value as string);
    }
    return built;
  }

  async function files(report: Report, request: string): Promise<{ xlsx: Buffer; pdf: Buffer }> {
    const [xlsx, pdf] = await Promise.all([reportWorkbook(report, request), reportPdf(report)]);
    return { xlsx, pdf };
  }

  const requestOf = (period: string, asOf: Date) => `/api/v1/reports/${period}?asOf=${encodeURIComponent(asOf.toISOString())}`;

  async function issued(period: string, by?: Date): Promise<IssuedReport | null> {
    const events = (await deps.store.readStream(reportStreamId(period))).filter(
      (e): e is DomainEventOf<'ReportIssued'> & { position: number; streamVersion: number } =>
        e.type === 'ReportIssued' && (by === undefined || Date.parse(e.recordedAt) <= by.getTime()),
    );
    const last = events.at(-1);
    return last ? { period: last.data.period, asOf: last.data.asOf, issuedAt: last.recordedAt, sha256: last.data.sha256 } : null;
  }

  return {
    async render(period, asOf, format, request) {
      const report = await build(period, asOf);
      if (format === 'json') return { report, body: Buffer.from(JSON.stringify(report)) };
      const body = format === 'xlsx' ? await reportWorkbook(report, request) : await reportPdf(report);
      return { report, body };
    },

    issued,

    stats: () => ({ ...stats }),

    async issue(period, asOf) {
      if (await issued(period)) return null;
      const report = await build(period, asOf);
      // The workbook names the request that reproduces it, with the asOf explicit.
      const { xlsx, pdf } = await files(report, requestOf(period, asOf));
      const recordedAt = now().toISOString();
      const streamId = reportStreamId(period);
      const data = { period, asOf: asOf.toISOString(), sha256: { xlsx: sha256(xlsx), pdf: sha256(pdf) } };
      try {
        const r = await deps.store.append(
          streamId,
          [{ type: 'ReportIssued', schemaVersion: EVENT_DEFINITIONS.ReportIssued.version, eventId: uuidV5(`report:${period}`), streamId, occurredAt: report.end, recordedAt, source: { system: '创新大脑监测评估报告' }, actor: 'system:reports', data }],
          { expectedVersion: 'no_stream' },
        );
        if (r.appended === 0) return null;
      } catch (err) {
        // Another process issued it first.
        if (err instanceof ConflictError) return null;
        throw err;
      }
      if (deps.dir) {
        await mkdir(deps.dir, { recursive: true });
        for (const [ext, body] of [['xlsx', xlsx], ['pdf', pdf]] as const) {
          const file = path.join(deps.dir, `${period}.${ext}`);
          await writeFile(`${file}.tmp`, body);
          await rename(`${file}.tmp`, file);
        }
      }
      return { ...data, issuedAt: recordedAt };
    },
  };
}
