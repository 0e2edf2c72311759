/**
 * Segment files: the bytes of one full segment of a table's `vector(n)`, `halfvec(n)` or
 * `bit(n)` column (storage/segments.ts), written once by a checkpoint and read back by the
 * buffer cache (storage/buffer_cache.ts), whole or one page at a time.
 *
 * A segment file is a checkpoint file (storage/checkpoint.ts: 48-byte header with magic,
 * version, kind, length, payload CRC and header CRC). Two payload formats, told apart by the
 * header's kind:
 *
 * Format 1 (kind {@link KIND_SEGMENT_V1}; written before paged reads): the payload is the
 * segment's rows. Only the container's payload CRC covers them, so such a file is always read
 * whole (verifying one page would need the whole payload).
 *
 * Format 2 (kind {@link KIND_SEGMENT}): the rows in pages of whole rows, each with its own
 * CRC-32C, so one page is read and verified alone (little-endian, offsets in the payload):
 *
 *   offset         size          field
 *   ------         ----          ------------------------------------------------------------
 *        0            4          version     u32, {@link SEGMENT_FILE_VERSION} (2)
 *        4            4          pageBytes   u32, bytes per page (a power of two of rows)
 *        8            4          pages       u32, pages of the segment (pages * pageBytes = its bytes)
 *       12            4          dataOffset  u32, payload offset of page 0
 *       16     4 * pages         pageCrc[i]  u32, CRC-32C of page i
 *   16 + 4 * pages    4          indexCrc    u32, CRC-32C of payload bytes [0, 16 + 4 * pages)
 *   ..                           zeros up to dataOffset, which puts page 0 at a file offset
 *                                that is a multiple of {@link SEGMENT_PAGE_ALIGN} (48 + dataOffset)
 *   dataOffset  pages * pageBytes the rows, page i at dataOffset + i * pageBytes
 *
 * The container's payload CRC still covers everything, so a whole-segment read (an exact
 * scan's) verifies as before; a page read verifies the header (magic, version, kind, header
 * CRC, file size), the index (indexCrc) and the page (pageCrc): every byte read is checked.
 * A segment of 1,024 rows of `vector(768)` (3 MiB) has 256 pages of 12 KiB; its index and the
 * alignment take 4,048 bytes (0.13%).
 */
import { assert } from '../common/assert.js';
import { CHECKPOINT_HEADER_BYTES, CheckpointReader, invalidCheckpoint, type CheckpointWriter } from './checkpoint.js';
import { crc32c } from './crc32c.js';
import { joinPath, type StorageBackend } from './fs.js';

/** Checkpoint container kind of a format-1 segment file (engine/durability.ts's kinds are 16-18). */
export const KIND_SEGMENT_V1 = 19;
/** Checkpoint container kind of a format-2 (paged) segment file: what checkpoints write. */
export const KIND_SEGMENT = 20;
/** The payload's version field in format 2. */
export const SEGMENT_FILE_VERSION = 2;
/** Page 0 starts at a file offset that is a multiple of this (the OS page size). */
export const SEGMENT_PAGE_ALIGN = 4096;
/** Payload offsets of the format-2 fields. */
export const SEG_OFF_VERSION = 0;
export const SEG_OFF_PAGE_BYTES = 4;
export const SEG_OFF_PAGES = 8;
export const SEG_OFF_DATA_OFFSET = 12;
export const SEG_OFF_PAGE_CRCS = 16;

/** Where a store's segment files are: the data directory's checkpoint directory on a backend. */
export interface SegmentFiles {
  readonly fs: StorageBackend;
  /** The checkpoint directory (`<data dir>/base`). */
  readonly dir: string;
}

/** Bytes of a format-2 index of `pages` pages (fields, page CRCs, index CRC). */
export function segmentIndexBytes(pages: number): number {
  return SEG_OFF_PAGE_CRCS + 4 * pages + 4;
}

/** Payload offset of page 0 in a format-2 file of `pages` pages. */
export function segmentDataOffset(pages: number): number {
  const end = CHECKPOINT_HEADER_BYTES + segmentIndexBytes(pages);
  return Math.ceil(end / SEGMENT_PAGE_ALIGN) * SEGMENT_PAGE_ALIGN - CHECKPOINT_HEADER_BYTES;
}

/**
 * Writes the payload of a format-2 segment file to `w` (a checkpoint writer of kind
 * {@link KIND_SEGMENT}, committed by the caller): the segment's `bytes` at `src[off..]` in
 * pages of `pageBytes` (which divides `bytes`).
 */
export function writeSegmentFile(w: CheckpointWriter, src: Uint8Array, off: number, bytes: number, pageBytes: number): void {
  const pages = bytes / pageBytes;
  assert(Number.isInteger(pages) && pages >= 1, 'a segment is whole pages');
  const dataOffset = segmentDataOffset(pages);
  const head = new Uint8Array(dataOffset);
  const dv = new DataView(head.buffer);
  dv.setUint32(SEG_OFF_VERSION, SEGMENT_FILE_VERSION, true);
  dv.setUint32(SEG_OFF_PAGE_BYTES, pageBytes, true);
  dv.setUint32(SEG_OFF_PAGES, pages, true);
  dv.setUint32(SEG_OFF_DATA_OFFSET, dataOffset, true);
  for (let i = 0; i < pages; i++) dv.setUint32(SEG_OFF_PAGE_CRCS + 4 * i, crc32c(src, off + i * pageBytes, pageBytes), true);
  const crcAt = SEG_OFF_PAGE_CRCS + 4 * pages;
  dv.setUint32(crcAt, crc32c(head, 0, crcAt), true);
  w.write(head);
  w.write(src, off, bytes);
}

/**
 * Reads segment file `file` of `files` (format 1 or 2) whole into `dst[off .. off + bytes)`,
 * verifying the container's payload CRC (and a format-2 index).
 * @throws PgError XX001 `invalid checkpoint file "<path>": ...` for a damaged file (wrong
 *   size, kind, format or CRC); mapped I/O errors (58P01 missing, 58030 ...).
 */
export function readSegmentFile(files: SegmentFiles, file: string, dst: Uint8Array, off: number, bytes: number): void {
  const path = joinPath(files.dir, file);
  const r = CheckpointReader.open(files.fs, path);
  try {
    if (r.kind === KIND_SEGMENT_V1) {
      if (r.length !== bytes) throw invalidCheckpoint(path, `segment file holds ${r.length} bytes, ${bytes} expected`);
      r.readInto(dst, off, bytes);
    } else if (r.kind === KIND_SEGMENT) {
      const idx = readIndex(r, path, bytes);
      // The index was read by position; the stream skips it (the payload CRC covers it too).
      let skip = idx.dataOffset;
      while (skip > 0) {
        const n = Math.min(skip, 65536);
        r.readBytes(n);
        skip -= n;
      }
      r.readInto(dst, off, bytes);
    } else throw invalidCheckpoint(path, `file kind ${r.kind} (expected ${KIND_SEGMENT})`);
  } catch (e) {
    r.close();
    throw e;
  }
  r.finish();
}

/** A format-2 file's page layout and page checksums (kept per segment by the buffer cache). */
export interface SegmentPageIndex {
  readonly pageBytes: number;
  readonly dataOffset: number;
  readonly crcs: Uint32Array;
}

/**
 * Reads and verifies the index of the format-2 file `r` (at `path`) holding a segment of
 * `bytes`. @throws PgError XX001 when it is damaged or describes another size.
 */
function readIndex(r: CheckpointReader, path: string, bytes: number): SegmentPageIndex {
  const fixed = new Uint8Array(SEG_OFF_PAGE_CRCS);
  if (r.length < SEG_OFF_PAGE_CRCS) throw invalidCheckpoint(path, `segment file holds ${r.length} bytes, too few for its index`);
  r.readPayloadAt(0, fixed, 0, SEG_OFF_PAGE_CRCS);
  const dv = new DataView(fixed.buffer);
  const version = dv.getUint32(SEG_OFF_VERSION, true);
  if (version !== SEGMENT_FILE_VERSION) throw invalidCheckpoint(path, `unsupported segment file version ${version} (expected ${SEGMENT_FILE_VERSION})`);
  const pageBytes = dv.getUint32(SEG_OFF_PAGE_BYTES, true);
  const pages = dv.getUint32(SEG_OFF_PAGES, true);
  const dataOffset = dv.getUint32(SEG_OFF_DATA_OFFSET, true);
  if (pages < 1 || pageBytes * pages !== bytes || dataOffset !== segmentDataOffset(pages) || r.length !== dataOffset + bytes) {
    throw invalidCheckpoint(path, `segment file of ${r.length} bytes has ${pages} pages of ${pageBytes} bytes at ${dataOffset}, a segment of ${bytes} bytes expected`);
  }
  const n = segmentIndexBytes(pages);
  const all = new Uint8Array(n);
  r.readPayloadAt(0, all, 0, n);
  const adv = new DataView(all.buffer);
  if (crc32c(all, 0, n - 4) !== adv.getUint32(n - 4, true)) throw invalidCheckpoint(path, 'incorrect segment index checksum');
  const crcs = new Uint32Array(pages);
  for (let i = 0; i < pages; i++) crcs[i] = adv.getUint32(SEG_OFF_PAGE_CRCS + 4 * i, true);
  return { pageBytes, dataOffset, crcs };
}

/**
 * Reads page `page` (of `pageBytes`) of the segment of `bytes` that `file` holds into
 * `dst[off .. off + pageBytes)` with one positioned read, verifying the file's header, its index
 * (read on the first call: pass back what the last call returned as `index`) and the page's CRC.
 * Returns the index, or null when the file cannot be read by pages (format 1, or pages of
 * another size): nothing was read then, and the caller reads the segment whole.
 * @throws PgError XX001 `invalid checkpoint file "<path>": ...` for a damaged file; mapped
 *   I/O errors.
 */
export function readSegmentPage(
  files: SegmentFiles,
  file: string,
  bytes: number,
  page: number,
  pageBytes: number,
  dst: Uint8Array,
  off: number,
  index: SegmentPageIndex | undefined,
): SegmentPageIndex | null {
  const path = joinPath(files.dir, file);
  const r = CheckpointReader.open(files.fs, path);
  try {
    if (r.kind === KIND_SEGMENT_V1) return null;
    if (r.kind !== KIND_SEGMENT) throw invalidCheckpoint(path, `file kind ${r.kind} (expected ${KIND_SEGMENT})`);
    // A file replaced under the same name would be a bug, but the header's size is checked
    // against the cached index anyway (a damaged index must not vouch for a page).
    let idx = index;
    if (idx === undefined || r.length !== idx.dataOffset + bytes) idx = readIndex(r, path, bytes);
    if (idx.pageBytes !== pageBytes) return null;
    assert(page >= 0 && page < idx.crcs.length, 'a page of the segment');
    r.readPayloadAt(idx.dataOffset + page * pageBytes, dst, off, pageBytes);
    if (crc32c(dst, off, pageBytes) !== idx.crcs[page]) throw invalidCheckpoint(path, `incorrect checksum of page ${page}`);
    return idx;
  } finally {
    r.close();
  }
}
