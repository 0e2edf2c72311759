/**
 * Backend (server → client) messages of protocol 3.0, encoded into one reusable, growable
 * buffer. Each method appends one whole message (type byte, int32 length including itself,
 * body; integers big-endian, strings UTF-8 with a NUL terminator). The server appends what it has
 * to say, hands {@link BackendWriter.bytes} to the socket, and calls {@link BackendWriter.reset}.
 *
 * DataRow is the hot path of every query result: {@link BackendWriter.beginDataRow} then one
 * `text` / `binary` / `null` field call per column (or `beginField` + raw writers + `endField`
 * for a binary send function writing in place) then {@link BackendWriter.endDataRow}. No field
 * allocates: text is UTF-8-encoded straight into the buffer and lengths are back-patched.
 *
 * Layouts: PostgreSQL documentation, "Message Formats"; ErrorResponse fields: "Error and Notice
 * Message Fields".
 */
import { assert } from '../common/assert.js';
import type { PgError } from '../common/errors.js';
import { AUTH, BE, FORMAT_TEXT } from './constants.js';

/** One column of a RowDescription. */
export interface FieldDescription {
  name: string;
  /** OID of the table the column comes from, or 0. */
  tableOid: number;
  /** Attribute number of the column in that table, or 0. */
  columnAttr: number;
  typeOid: number;
  /** pg_type.typlen: bytes, or -1 (varlena) / -2 (cstring). */
  typeSize: number;
  /** Type modifier (e.g. a vector's dimensions), -1 when none. */
  typeModifier: number;
  /** 0 text, 1 binary; 0 in a Describe of a statement (formats are not known yet). */
  format: number;
}

/** What authentication asks of the client next (the 'R' message family). */
export type AuthRequest =
  | { type: 'AuthenticationOk' }
  | { type: 'AuthenticationCleartextPassword' }
  | { type: 'AuthenticationMD5Password'; salt: Uint8Array }
  | { type: 'AuthenticationSASL'; mechanisms: readonly string[] }
  | { type: 'AuthenticationSASLContinue'; data: Uint8Array }
  | { type: 'AuthenticationSASLFinal'; data: Uint8Array };

/** ReadyForQuery's transaction status: idle, in a transaction block, in a failed one. */
export type TransactionStatus = 'I' | 'T' | 'E';

/** Strings longer than this are encoded by Buffer#write (native, in place); shorter ones inline. */
const INLINE_UTF8_CHARS = 48;

export class BackendWriter {
  /** A Node Buffer so that long strings are encoded in place by Buffer#write (no view per field). */
  private buf: Buffer;
  private view: DataView;
  private pos = 0;
  /** Offset of the current message's length word, -1 outside a message. */
  private msgStart = -1;
  /** Offset of the current DataRow field's length word, -1 outside a field. */
  private fieldStart = -1;
  private fieldsLeft = 0;

  constructor(initialBytes = 16 * 1024) {
    this.buf = Buffer.alloc(Math.max(16, initialBytes)); // alloc, not allocUnsafe: never a pool slice
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Bytes encoded so far. */
  get length(): number {
    return this.pos;
  }

  /** A view of the encoded bytes; valid until the next call that writes or resets. */
  bytes(): Uint8Array {
    assert(this.msgStart < 0, 'BackendWriter.bytes() inside an unfinished message');
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the encoded bytes, and the writer reset: for a caller that keeps them. */
  take(): Uint8Array {
    // Not bytes().slice(): on a Buffer, slice() is a view, not a copy.
    const out = new Uint8Array(this.bytes());
    this.reset();
    return out;
  }

  /** Forget the encoded bytes; the buffer is kept for the next messages. */
  reset(): void {
    assert(this.msgStart < 0, 'BackendWriter.reset() inside an unfinished message');
    this.pos = 0;
  }

  // --- raw writers, for the message methods and for binary send functions inside a field ---

  /** Makes room for `n` more bytes, doubling the buffer. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const grown = Buffer.alloc(cap);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.length);
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  int16(v: number): this {
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.pos, v | 0);
    this.pos += 4;
    return this;
  }

  /** float4, IEEE 754 big-endian (a binary vector element). */
  float32(v: number): this {
    this.ensure(4);
    this.view.setFloat32(this.pos, v);
    this.pos += 4;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** UTF-8 of `s`, no terminator; returns the byte count. Lone surrogates become U+FFFD. */
  utf8(s: string): number {
    const n = s.length;
    this.ensure(n * 3);
    const b = this.buf;
    const p0 = this.pos;
    if (n > INLINE_UTF8_CHARS) {
      // Room for 3 bytes per UTF-16 unit was ensured, so nothing is cut. Lone surrogates
      // become U+FFFD, as on the inline path.
      const w = b.write(s, p0, 'utf8');
      this.pos = p0 + w;
      return w;
    }
    let p = p0;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        b[p++] = c;
      } else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 0x3f);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
            b[p++] = 0xf0 | (c >> 18);
            b[p++] = 0x80 | ((c >> 12) & 0x3f);
            b[p++] = 0x80 | ((c >> 6) & 0x3f);
            b[p++] = 0x80 | (c & 0x3f);
            continue;
          }
          c = 0xfffd;
        }
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 0x3f);
        b[p++] = 0x80 | (c & 0x3f);
      }
    }
    this.pos = p;
    return p - p0;
  }

  /**
   * A NUL-terminated string. PostgreSQL strings cannot hold NUL, so a string that does is cut
   * there, as C would read it (otherwise the client would mis-frame the message).
   */
  cstring(s: string): this {
    const nul = s.indexOf('\0');
    this.utf8(nul < 0 ? s : s.slice(0, nul));
    return this.int8(0);
  }

  // --- message framing ---

  private begin(type: number): void {
    assert(this.msgStart < 0, 'BackendWriter: a message began inside another');
    this.ensure(5);
    this.buf[this.pos] = type;
    this.msgStart = this.pos + 1;
    this.pos += 5;
  }

  private finish(): this {
    assert(this.msgStart >= 0, 'BackendWriter: no message to finish');
    this.view.setInt32(this.msgStart, this.pos - this.msgStart);
    this.msgStart = -1;
    return this;
  }

  private empty(type: number): this {
    this.begin(type);
    return this.finish();
  }

  // --- authentication and startup ---

  /** Any 'R' message, as the authentication state machine asks for it. */
  auth(req: AuthRequest): this {
    this.begin(BE.Authentication);
    switch (req.type) {
      case 'AuthenticationOk':
        this.int32(AUTH.Ok);
        break;
      case 'AuthenticationCleartextPassword':
        this.int32(AUTH.CleartextPassword);
        break;
      case 'AuthenticationMD5Password':
        assert(req.salt.length === 4, 'MD5 salt is 4 bytes');
        this.int32(AUTH.MD5Password).raw(req.salt);
        break;
      case 'AuthenticationSASL':
        this.int32(AUTH.SASL);
        for (const m of req.mechanisms) this.cstring(m);
        this.int8(0);
        break;
      case 'AuthenticationSASLContinue':
        this.int32(AUTH.SASLContinue).raw(req.data);
        break;
      case 'AuthenticationSASLFinal':
        this.int32(AUTH.SASLFinal).raw(req.data);
        break;
    }
    return this.finish();
  }

  authenticationOk(): this {
    return this.auth({ type: 'AuthenticationOk' });
  }

  parameterStatus(name: string, value: string): this {
    this.begin(BE.ParameterStatus);
    this.cstring(name).cstring(value);
    return this.finish();
  }

  backendKeyData(processId: number, secretKey: number): this {
    this.begin(BE.BackendKeyData);
    this.int32(processId).int32(secretKey);
    return this.finish();
  }

  /** NotificationResponse: a NOTIFY on a channel the session listens on, with the sender's process id. */
  notificationResponse(processId: number, channel: string, payload: string): this {
    this.begin(BE.NotificationResponse);
    this.int32(processId).cstring(channel).cstring(payload);
    return this.finish();
  }

  readyForQuery(status: TransactionStatus): this {
    this.begin(BE.ReadyForQuery);
    this.int8(status.charCodeAt(0));
    return this.finish();
  }

  /** The newest minor version this server speaks and the `_pq_.` options it did not recognise. */
  negotiateProtocolVersion(newestMinor: number, unrecognized: readonly string[]): this {
    this.begin(BE.NegotiateProtocolVersion);
    this.int32(newestMinor).int32(unrecognized.length);
    for (const o of unrecognized) this.cstring(o);
    return this.finish();
  }

  /** The single-byte answer to SSLRequest / GSSENCRequest ('S'/'G' accept, 'N' refuse); not a message. */
  sslResponse(accept: boolean, gss = false): this {
    return this.int8(accept ? (gss ? 0x47 : 0x53) : 0x4e);
  }

  // --- query results ---

  rowDescription(fields: readonly FieldDescription[]): this {
    this.begin(BE.RowDescription);
    this.int16(fields.length);
    for (const f of fields) {
      this.cstring(f.name).int32(f.tableOid).int16(f.columnAttr).int32(f.typeOid).int16(f.typeSize).int32(f.typeModifier).int16(f.format);
    }
    return this.finish();
  }

  parameterDescription(typeOids: ArrayLike<number>): this {
    this.begin(BE.ParameterDescription);
    this.int16(typeOids.length);
    for (let i = 0; i < typeOids.length; i++) this.int32(typeOids[i]!);
    return this.finish();
  }

  /** Starts a DataRow of `columns` fields; exactly that many field calls must follow. */
  beginDataRow(columns: number): this {
    this.begin(BE.DataRow);
    this.int16(columns);
    this.fieldsLeft = columns;
    return this;
  }

  /** A text-format field: UTF-8 bytes of `s`, no terminator. */
  text(s: string): this {
    this.fieldsLeft--;
    this.ensure(4);
    const at = this.pos;
    this.pos += 4;
    const n = this.utf8(s);
    this.view.setInt32(at, n);
    return this;
  }

  /** A field's raw bytes (binary format, or text already encoded). */
  binary(bytes: Uint8Array): this {
    this.fieldsLeft--;
    this.int32(bytes.length);
    return this.raw(bytes);
  }

  /** SQL NULL (length -1, no bytes). */
  null(): this {
    this.fieldsLeft--;
    return this.int32(-1);
  }

  /** Opens a field whose bytes the caller writes with the raw writers; close with {@link endField}. */
  beginField(): this {
    assert(this.fieldStart < 0, 'BackendWriter: field inside a field');
    this.fieldsLeft--;
    this.ensure(4);
    this.fieldStart = this.pos;
    this.pos += 4;
    return this;
  }

  endField(): this {
    assert(this.fieldStart >= 0, 'BackendWriter: no field to end');
    this.view.setInt32(this.fieldStart, this.pos - this.fieldStart - 4);
    this.fieldStart = -1;
    return this;
  }

  endDataRow(): this {
    assert(this.fieldsLeft === 0 && this.fieldStart < 0, 'DataRow field count does not match its header');
    return this.finish();
  }

  /** A whole DataRow from text values, byte arrays (already in the column's format) and nulls. */
  dataRow(values: readonly (string | Uint8Array | null)[]): this {
    this.beginDataRow(values.length);
    for (const v of values) {
      if (v === null) this.null();
      else if (typeof v === 'string') this.text(v);
      else this.binary(v);
    }
    return this.endDataRow();
  }

  commandComplete(tag: string): this {
    this.begin(BE.CommandComplete);
    this.cstring(tag);
    return this.finish();
  }

  emptyQueryResponse(): this {
    return this.empty(BE.EmptyQueryResponse);
  }

  parseComplete(): this {
    return this.empty(BE.ParseComplete);
  }

  bindComplete(): this {
    return this.empty(BE.BindComplete);
  }

  closeComplete(): this {
    return this.empty(BE.CloseComplete);
  }

  noData(): this {
    return this.empty(BE.NoData);
  }

  portalSuspended(): this {
    return this.empty(BE.PortalSuspended);
  }

  // --- errors and notices ---

  /** ErrorResponse from a {@link PgError}: fields S, V, C, M and, when set, D, H, P, W. */
  errorResponse(err: PgError): this {
    return this.errorOrNotice(BE.ErrorResponse, err);
  }

  /** NoticeResponse (severity NOTICE, WARNING, ... from the error's `severity`). */
  noticeResponse(notice: PgError): this {
    return this.errorOrNotice(BE.NoticeResponse, notice);
  }

  private errorOrNotice(type: number, e: PgError): this {
    this.begin(type);
    // 'S' is the localized severity, 'V' the untranslated one (PostgreSQL 9.6+); we are English.
    this.int8(0x53).cstring(e.severity);
    this.int8(0x56).cstring(e.severity);
    this.int8(0x43).cstring(e.code);
    this.int8(0x4d).cstring(e.message);
    if (e.detail !== undefined) this.int8(0x44).cstring(e.detail);
    if (e.hint !== undefined) this.int8(0x48).cstring(e.hint);
    if (e.position !== undefined) this.int8(0x50).cstring(e.position);
    if (e.where !== undefined) this.int8(0x57).cstring(e.where);
    this.int8(0);
    return this.finish();
  }

  // --- COPY ---

  /** CopyInResponse: overall format and one format code per column. */
  copyInResponse(columnFormats: readonly number[], format = FORMAT_TEXT): this {
    return this.copyResponse(BE.CopyInResponse, format, columnFormats);
  }

  copyOutResponse(columnFormats: readonly number[], format = FORMAT_TEXT): this {
    return this.copyResponse(BE.CopyOutResponse, format, columnFormats);
  }

  private copyResponse(type: number, format: number, columnFormats: readonly number[]): this {
    this.begin(type);
    this.int8(format).int16(columnFormats.length);
    for (const f of columnFormats) this.int16(f);
    return this.finish();
  }

  copyData(data: Uint8Array): this {
    this.begin(BE.CopyData);
    this.raw(data);
    return this.finish();
  }

  /** CopyData holding text (a COPY TO STDOUT row), UTF-8-encoded straight into the buffer. */
  copyDataText(s: string): this {
    this.begin(BE.CopyData);
    this.utf8(s);
    return this.finish();
  }

  copyDone(): this {
    return this.empty(BE.CopyDone);
  }
}
