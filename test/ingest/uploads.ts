import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { crc32, createDeflateRaw } from 'node:zlib';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request written by hand: headers as given (a lying Content-Length too), then the body
 * chunks with backpressure. `abortAfter` destroys the socket once that many bytes are flushed.
 * Resolves with the answer, or 'closed' when the server closed without one.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers: Record<string, string | number>; body?: Iterable<Buffer> | AsyncIterable<Buffer>; abortAfter?: number; timeoutMs?: number },
): Promise<RawAnswer | 'closed' | 'aborted'> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (v: RawAnswer | 'closed' | 'aborted'): void => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(v);
      }
    };
    const req = http.request(url, { method: options.method ?? 'POST', headers: options.headers, agent: false });
    const timer = setTimeout(() => {
      req.destroy();
      if (!settled) {
        settled = true;
        reject(new Error(`no answer from ${url} in ${options.timeoutMs ?? 60_000} ms`));
      }
    }, options.timeoutMs ?? 60_000);
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', () => done('closed'));
      res.on('close', () => done('closed'));
    });
    req.on('error', () => done(options.abortAfter !== undefined ? 'aborted' : 'closed'));
    req.on('close', () => {
      if (!answered) done('closed');
    });
    void (async () => {
      let sent = 0;
      try {
        for await (const chunk of options.body ?? []) {
          if (settled || req.destroyed) return;
          const piece = options.abortAfter !== undefined ? chunk.subarray(0, options.abortAfter - sent) : chunk;
          if (!req.write(piece)) await once(req, 'drain');
          sent += piece.length;
          if (options.abortAfter !== undefined && sent >= options.abortAfter) {
            // Wait until the bytes are handed to the kernel, then vanish without ending the body.
            await new Promise<void>((r) => req.write('', () => r()));
            req.destroy();
            done('aborted');
            return;
          }
        }
        if (options.abortAfter === undefined && options.headers['content-length'] === undefined) req.end();
        else if (options.abortAfter === undefined && Number(options.headers['content-length']) === sent) req.end();
        // Otherwise the body stays unfinished: the server answers what it was promised.
      } catch {
        // The server closed while we wrote: the answer (if any) is handled above.
      }
    })();
  });
}

/** `bytes` of `unit` repeated, in chunks of about 1 MiB, generated as they are sent. */
export function* repeated(unit: string, bytes: number): Generator<Buffer> {
  const block = Buffer.from(unit.repeat(Math.max(1, Math.floor((1 << 20) / Buffer.byteLength(unit)))));
  for (let left = bytes; left > 0; left -= block.length) yield left >= block.length ? block : block.subarray(0, left);
}

/** Peak and current resident memory of a process (Linux), bytes. */
export function memoryOf(pid: number): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}

interface ZipPart {
  name: string;
  data: Buffer;
}

const XLSX_PARTS: ZipPart[] = [
  {
    name: '[Content_Types].xml',
    data: Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    ),
  },
  {
    name: '_rels/.rels',
    data: Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ),
  },
  {
    name: 'xl/workbook.xml',
    data: Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
  },
  {
    name: 'xl/_rels/workbook.xml.rels',
    data: Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    ),
  },
];

/** Deflates generated chunks as a stream: only the compressed bytes are ever held. */
async function deflate(chunks: Iterable<Buffer>): Promise<{ data: Buffer; size: number; crc: number }> {
  const deflater = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflater.on('data', (d: Buffer) => out.push(d));
  let size = 0;
  let crc = 0;
  for (const c of chunks) {
    size += c.length;
    crc = crc32(c, crc);
    if (!deflater.write(c)) await once(deflater, 'drain');
  }
  deflater.end();
  await once(deflater, 'end');
  return { data: Buffer.concat(out), size, crc };
}

/**
 * An XLSX whose sheet inflates to `sheetBytes` of empty rows (deflate packs them ~1000:1). With
 * `declaredSheetBytes` the zip lies about the sheet's inflated size (its directory says that).
 */
export async function zipBombXlsx(sheetBytes: number, declaredSheetBytes?: number): Promise<Buffer> {
  const head = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
  const tail = '</sheetData></worksheet>';
  const sheet = await deflate([Buffer.from(head), ...repeated('<row/>', sheetBytes), Buffer.from(tail)]);
  const entries = [
    ...(await Promise.all(XLSX_PARTS.map(async (p) => ({ name: p.name, ...(await deflate([p.data])) })))),
    { name: 'xl/worksheets/sheet1.xml', ...sheet, size: declaredSheetBytes ?? sheet.size },
  ];
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, e.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
