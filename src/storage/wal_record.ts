/**
 * Write-ahead log record format: header layout, sealing (CRC) and validation.
 *
 * A record, little-endian, starting at an 8-byte-aligned LSN (an LSN is a byte position in the
 * logical log, as PostgreSQL's XLogRecPtr):
 *
 *   offset size  field
 *   ------ ----  ---------------------------------------------------------------------
 *        0    4  totalLen  u32  header + payload bytes (padding excluded), >= 24
 *        4    4  crc       u32  CRC-32C of bytes [0,4) ++ [8,totalLen)
 *        8    8  lsn       u64  the record's own start LSN (rejects stale bytes)
 *       16    1  type      u8   record kind 1..255, chosen by the caller (0 is invalid)
 *       17    1  flags     u8   caller-defined bits
 *       18    2  reserved  u16  zero
 *       20    4  xid       u32  transaction id, 0 if none
 *       24    n  payload
 *   24 + n    p  zero padding so the next record starts 8-aligned (0 <= p < 8)
 *
 * The CRC covers the length field too, so a torn or bit-flipped length is caught like any
 * other damage; it is computed after the payload is in place (as PostgreSQL's XLogInsert).
 */
import { crc32cFinish, crc32cUpdate, CRC32C_INIT } from './crc32c.js';

export const WAL_HEADER_BYTES = 24;
export const WAL_OFF_TOTAL_LEN = 0;
export const WAL_OFF_CRC = 4;
export const WAL_OFF_LSN = 8;
export const WAL_OFF_TYPE = 16;
export const WAL_OFF_FLAGS = 17;
export const WAL_OFF_RESERVED = 18;
export const WAL_OFF_XID = 20;
/** Records start at multiples of this many bytes. */
export const WAL_ALIGN = 8;
/** Largest payload of one record: 1 GiB, PostgreSQL's MaxAllocSize for a WAL record. */
export const WAL_PAYLOAD_BYTES_MAX = 0x3fffffff - WAL_HEADER_BYTES;

/** Bytes a record with an `payloadLen`-byte payload occupies in the log, padding included. */
export function walRecordSpan(payloadLen: number): number {
  return (WAL_HEADER_BYTES + payloadLen + WAL_ALIGN - 1) & ~(WAL_ALIGN - 1);
}

/** Formats an LSN as PostgreSQL prints pg_lsn: high and low 32 bits in hex, `16/B374D848`. */
export function formatLsn(lsn: number): string {
  const hi = Math.floor(lsn / 0x100000000);
  const lo = lsn % 0x100000000;
  return `${hi.toString(16).toUpperCase()}/${lo.toString(16).toUpperCase()}`;
}

function getU64(dv: DataView, p: number): number {
  return dv.getUint32(p, true) + dv.getUint32(p + 4, true) * 0x100000000;
}

/**
 * Writes a record header at `buf[pos..pos+24)` for a payload already at `buf[pos+24..)`, fills
 * the padding with zeros and stores the CRC. Returns the record's span (header+payload+padding).
 * `buf` must have room for the span.
 */
export function sealRecord(
  buf: Uint8Array,
  dv: DataView,
  pos: number,
  payloadLen: number,
  lsn: number,
  type: number,
  flags: number,
  xid: number,
): number {
  const total = WAL_HEADER_BYTES + payloadLen;
  dv.setUint32(pos + WAL_OFF_TOTAL_LEN, total, true);
  dv.setUint32(pos + WAL_OFF_LSN, lsn % 0x100000000, true);
  dv.setUint32(pos + WAL_OFF_LSN + 4, Math.floor(lsn / 0x100000000), true);
  buf[pos + WAL_OFF_TYPE] = type;
  buf[pos + WAL_OFF_FLAGS] = flags;
  dv.setUint16(pos + WAL_OFF_RESERVED, 0, true);
  dv.setUint32(pos + WAL_OFF_XID, xid >>> 0, true);
  const span = walRecordSpan(payloadLen);
  buf.fill(0, pos + total, pos + span);
  let c = crc32cUpdate(CRC32C_INIT, buf, pos, 4);
  c = crc32cUpdate(c, buf, pos + WAL_OFF_LSN, total - WAL_OFF_LSN);
  dv.setUint32(pos + WAL_OFF_CRC, crc32cFinish(c), true);
  return span;
}

/** One decoded record. `payload` is a view into the reader's buffer: copy it to keep it. */
export interface WalRecord {
  lsn: number;
  /** LSN just past this record (and its padding): where the next record starts. */
  endLsn: number;
  type: number;
  flags: number;
  xid: number;
  payload: Uint8Array;
}

/** Why reading stopped before the end of the available bytes. */
export interface WalStop {
  /** Where the bad or incomplete record starts; the valid log ends here. */
  lsn: number;
  /** 'torn': the bytes end inside a record (an interrupted write); 'corrupt': bad contents. */
  kind: 'torn' | 'corrupt';
  /** PostgreSQL-style description, e.g. `incorrect record checksum at 0/1A8`. */
  message: string;
}

/**
 * Validates the record at `buf[pos..)` (with `avail` bytes available there) that should start
 * at LSN `lsn`. Returns the record, or a {@link WalStop} describing what is wrong.
 */
export function checkRecord(buf: Uint8Array, dv: DataView, pos: number, avail: number, lsn: number): WalRecord | WalStop {
  const at = formatLsn(lsn);
  if (avail < WAL_HEADER_BYTES) {
    return { lsn, kind: 'torn', message: `invalid record length at ${at}: expected at least ${WAL_HEADER_BYTES}, got ${avail}` };
  }
  const total = dv.getUint32(pos + WAL_OFF_TOTAL_LEN, true);
  if (total < WAL_HEADER_BYTES) {
    return { lsn, kind: 'corrupt', message: `invalid record length at ${at}: expected at least ${WAL_HEADER_BYTES}, got ${total}` };
  }
  if (total - WAL_HEADER_BYTES > WAL_PAYLOAD_BYTES_MAX) {
    return { lsn, kind: 'corrupt', message: `record length ${total} at ${at} too long` };
  }
  if (total > avail) {
    // The header may itself be garbage; only a matching CRC could tell, and we lack the bytes.
    return { lsn, kind: 'torn', message: `record at ${at} is incomplete: expected ${total} bytes, found ${avail}` };
  }
  let c = crc32cUpdate(CRC32C_INIT, buf, pos, 4);
  c = crc32cUpdate(c, buf, pos + WAL_OFF_LSN, total - WAL_OFF_LSN);
  if (crc32cFinish(c) !== dv.getUint32(pos + WAL_OFF_CRC, true)) {
    return { lsn, kind: 'corrupt', message: `incorrect record checksum at ${at}` };
  }
  const stored = getU64(dv, pos + WAL_OFF_LSN);
  if (stored !== lsn) {
    return { lsn, kind: 'corrupt', message: `record with incorrect lsn ${formatLsn(stored)} at ${at}` };
  }
  const type = buf[pos + WAL_OFF_TYPE]!;
  if (type === 0) return { lsn, kind: 'corrupt', message: `invalid record type 0 at ${at}` };
  return {
    lsn,
    endLsn: lsn + walRecordSpan(total - WAL_HEADER_BYTES),
    type,
    flags: buf[pos + WAL_OFF_FLAGS]!,
    xid: dv.getUint32(pos + WAL_OFF_XID, true),
    payload: buf.subarray(pos + WAL_HEADER_BYTES, pos + total),
  };
}

/** Type guard separating a decoded record from a stop report. */
export function isWalStop(r: WalRecord | WalStop): r is WalStop {
  return (r as WalStop).kind !== undefined;
}
