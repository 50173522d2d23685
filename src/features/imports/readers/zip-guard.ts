import { IMPORT_LIMITS } from '../limits.js';
import { ImportError } from '../model.js';

/**
 * Reads a ZIP's central directory (without unpacking anything) and refuses archives that would
 * unpack to too much: a zip bomb inside an XLSX or DOCX is stopped before any inflation.
 */
export function assertSafeZip(bytes: Uint8Array, what: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  if (eocd < 0) throw corrupt(what);
  const entries = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  let total = 0;
  for (let i = 0; i < entries; i++) {
    if (offset + 46 > view.byteLength || view.getUint32(offset, true) !== 0x02014b50) throw corrupt(what);
    const flags = view.getUint16(offset + 8, true);
    if (flags & 0x1) {
      throw new ImportError(
        'ENCRYPTED_FILE',
        `This ${what} is password-protected. Remove the password and upload it again.`,
      );
    }
    const packed = view.getUint32(offset + 20, true);
    const unpacked = view.getUint32(offset + 24, true);
    if (packed === 0xffffffff || unpacked === 0xffffffff) throw tooBig(what); // ZIP64: far beyond the limit
    total += unpacked;
    if (
      total > IMPORT_LIMITS.maxUnpackedBytes ||
      (unpacked > 1024 * 1024 && unpacked / Math.max(packed, 1) > IMPORT_LIMITS.maxCompressionRatio)
    ) {
      throw tooBig(what);
    }
    offset +=
      46 +
      view.getUint16(offset + 28, true) +
      view.getUint16(offset + 30, true) +
      view.getUint16(offset + 32, true);
  }
}

function findEndOfCentralDirectory(view: DataView): number {
  const min = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let i = view.byteLength - 22; i >= min; i--) {
    if (view.getUint32(i, true) === 0x06054b50) return i;
  }
  return -1;
}

const corrupt = (what: string) =>
  new ImportError(
    'CORRUPT_FILE',
    `This ${what} is damaged (its ZIP structure cannot be read). Open it and save it again.`,
  );
const tooBig = (what: string) =>
  new ImportError(
    'ARCHIVE_TOO_LARGE',
    `This ${what} would unpack to more than ${IMPORT_LIMITS.maxUnpackedBytes / 1024 / 1024} MB (or is compressed suspiciously well). Export only the list and try again.`,
  );
