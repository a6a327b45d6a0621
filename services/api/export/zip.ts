/**
 * Zip writers stamp every entry with the wall-clock time (JSZip, under exceljs), so two XLSX files
 * of the same content differ in bytes. Rewriting each entry's DOS date/time to one fixed instant
 * makes the archive a function of its content alone.
 */

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;

function dosDateTime(at: Date): { date: number; time: number } {
  // DOS dates start in 1980 and end in 2107; clamp rather than wrap.
  const year = Math.min(Math.max(at.getUTCFullYear(), 1980), 2107);
  const date = ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate();
  const time = (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2);
  return { date, time };
}

/** Sets every entry's modification time (local headers and central directory) to `at`; returns the same buffer. */
export function stampZipEntries(zip: Buffer, at: Date): Buffer {
  const { date, time } = dosDateTime(at);
  let eocd = -1;
  // The end record is 22 bytes plus a comment of at most 65,535 bytes.
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive: no end of central directory');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(p) !== CENTRAL_HEADER) throw new Error(`zip central directory entry ${n} is malformed`);
    zip.writeUInt16LE(time, p + 12);
    zip.writeUInt16LE(date, p + 14);
    const local = zip.readUInt32LE(p + 42);
    if (zip.readUInt32LE(local) !== LOCAL_HEADER) throw new Error(`zip local header of entry ${n} is malformed`);
    zip.writeUInt16LE(time, local + 10);
    zip.writeUInt16LE(date, local + 12);
    p += 46 + zip.readUInt16LE(p + 28) + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return zip;
}
