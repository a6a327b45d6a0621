import { describe, expect, it } from 'vitest';
import { mixedBatch } from '../fixtures/ingest/records.ts';
import { startIngestApp } from './httpApp.ts';
import { tempDir } from './support.ts';

/**
 * An NDJSON stream is ingested in runs larger than the report's chunks (fewer store
 * transactions). The report keeps the first rows it meets in full, so the runs must not change
 * which: the same stream gives the same report byte for byte, whatever the run size.
 */
const lines: string[] = [];
mixedBatch(240).forEach((r, i) => {
  if (i % 7 === 3) lines.push('{not json');
  if (i % 11 === 5) lines.push('');
  if (i % 13 === 6) lines.push(`${'['.repeat(80)}${']'.repeat(80)}`);
  // Refused by the service (an unknown field), not by the line reader.
  lines.push(JSON.stringify(i % 5 === 2 ? { ...r, data: { ...r.data, bogus: 1 } } : r));
});
const body = new TextEncoder().encode(`${lines.join('\n')}\n`);

async function reportOf(limits: Parameters<typeof startIngestApp>[1]): Promise<string> {
  const { call } = await startIngestApp(tempDir('ingest-ndjson-runs'), { reportRows: 6, chunkRecords: 10, ...limits });
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // Uneven pieces, split mid-line, as a network delivers them.
      for (let i = 0; i < body.length; i += 1021) controller.enqueue(body.slice(i, i + 1021));
      controller.close();
    },
  });
  const res = await call('/api/v1/ingest/records', { method: 'POST', key: 'ingest', headers: { 'content-type': 'application/x-ndjson' }, body: stream, duplex: 'half' } as RequestInit);
  expect(res.status).toBe(200);
  return res.text();
}

describe('when an NDJSON stream is ingested in runs of several chunks', () => {
  it('reports exactly what chunk-by-chunk ingest reports', async () => {
    const byChunk = await reportOf({ streamRecords: 10 });
    const parsed = JSON.parse(byChunk) as { received: number; rejected: number; truncated?: { omittedRejected: number } };
    // Enough rejections of both kinds that the kept rows depend on the order they are met in.
    expect(parsed.received).toBe(240 + 34 + 18); // blank lines are not rows of the report
    expect(parsed.truncated?.omittedRejected).toBeGreaterThan(50);
    expect(await reportOf({ streamRecords: 64 })).toBe(byChunk);
    expect(await reportOf({ streamRecords: 5000, streamBytes: 2048 })).toBe(byChunk);
  });
});
