/**
 * `brain report`: fetches a period's assessment report from the running platform and writes its
 * files. The first file fixes the as-of instant and the others are asked for at that instant, so
 * the XLSX and the PDF always describe the same data.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ReportFormat, ReportPeriodLabel } from '../../contracts/reports.ts';

export interface ReportCommandOptions {
  period: string;
  asOf?: string;
  formats: string;
  out: string;
  url: string;
  key: string | undefined;
}

export interface WrittenReport {
  file: string;
  bytes: number;
  sha256: string;
}

const EXT: Record<ReportFormat, string> = { json: 'json', xlsx: 'xlsx', pdf: 'pdf' };

export async function fetchReport(o: ReportCommandOptions): Promise<{ asOf: string; files: WrittenReport[] }> {
  const period = ReportPeriodLabel.safeParse(o.period);
  if (!period.success) throw new Error(`--period ${o.period}: ${period.error.issues[0]?.message ?? 'invalid'}`);
  const formats = o.formats.split(',').map((f) => f.trim()).filter(Boolean);
  for (const f of formats) if (!ReportFormat.safeParse(f).success) throw new Error(`--format ${f}: expected xlsx, pdf or json (comma-separated)`);
  if (!o.key) throw new Error('no API key: set BRAIN_API_KEY to a viewer key (or start the platform once on this DATA_DIR for the development keys)');
  await mkdir(o.out, { recursive: true });
  let asOf = o.asOf;
  const files: WrittenReport[] = [];
  for (const format of formats as ReportFormat[]) {
    const qs = new URLSearchParams({ format, ...(asOf ? { asOf } : {}) });
    let res: Response;
    try {
      res = await fetch(`${o.url}/api/v1/reports/${period.data}?${qs}`, { headers: { authorization: `Bearer ${o.key}` }, signal: AbortSignal.timeout(30 * 60_000) });
    } catch (err) {
      throw new Error(`the platform does not answer at ${o.url} (${(err as Error).message}): start it with \`npm start\`, or pass --url`);
    }
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { detail?: string; title?: string };
      throw new Error(`${res.status} ${problem.detail ?? problem.title ?? res.statusText}`);
    }
    // The server's reading of the instant (UTC) is the one every later file is asked for.
    asOf = res.headers.get('x-brain-as-of') ?? asOf;
    const body = Buffer.from(await res.arrayBuffer());
    const file = path.join(o.out, `监测评估报告_${period.data}.${EXT[format]}`);
    await writeFile(file, body);
    files.push({ file, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  }
  return { asOf: asOf ?? '', files };
}
