/**
 * Frontend (client → server) messages of protocol 3.0: a streaming framer that turns arbitrary
 * chunks of bytes into whole decoded messages, with PostgreSQL's limits and error texts.
 *
 * Wire layout (protocol documentation, "Message Formats"; integers big-endian):
 *
 *   startup packets (before the StartupMessage is accepted, no type byte):
 *     int32 length (itself included) | int32 code | body
 *       code 196608 (3.0): StartupMessage, body = (cstring name, cstring value)* NUL
 *       code 80877103: SSLRequest, 80877104: GSSENCRequest (length 8)
 *       code 80877102: CancelRequest, body = int32 process id, int32 secret key (length 16)
 *   every later message:
 *     byte1 type | int32 length (itself included, the type byte not) | body (length - 4 bytes)
 *
 * Errors are values, never exceptions: {@link FrontendDecoder.next} returns a
 * {@link ProtocolFailure} carrying a {@link PgError} with PostgreSQL's SQLSTATE and text. A
 * failure is `fatal` when the byte stream cannot be re-synchronised (bad length word, unknown
 * type byte, bad startup packet): PostgreSQL ends the connection then, and the decoder stops.
 * A failure inside a well-framed body (a count that overruns it, a missing NUL) is not fatal:
 * the message is skipped and decoding goes on, as PostgreSQL reports an ERROR and continues
 * (skipping to the next Sync in the extended protocol, which is the server's business).
 *
 * Memory: the decoder holds only bytes that were pushed and not yet decoded. A message's length
 * word is checked against the limit before any of its body is buffered, and the buffer grows
 * with the bytes that actually arrive, never to a length the client merely announced. Callers
 * drain {@link FrontendDecoder.next} until it returns null after each push.
 */
import { AssertionError } from '../common/assert.js';
import { PgError, SQLSTATE } from '../common/errors.js';
import {
  CANCEL_REQUEST_CODE,
  FE,
  GSSENC_REQUEST_CODE,
  MAX_MESSAGE_BYTES,
  MAX_STARTUP_PACKET_LENGTH,
  PG_MAX_AUTH_TOKEN_LENGTH,
  PQ_LARGE_MESSAGE_LIMIT,
  PQ_SMALL_MESSAGE_LIMIT,
  PROTOCOL_MINOR_LATEST,
  SSL_REQUEST_CODE,
} from './constants.js';
import { protoErr } from './errors.js';
import { MessageReader } from './reader.js';

export interface StartupMessage {
  type: 'StartupMessage';
  /** Requested protocol version; the major is always 3 (others are refused with 0A000). */
  major: number;
  minor: number;
  /** Role name (required: PostgreSQL refuses a startup packet without it, 28000). */
  user: string;
  /** Database name; the user name when the client sent none or an empty one. */
  database: string;
  /** Every name/value pair except `_pq_.` protocol options, in arrival order (later wins). */
  parameters: Map<string, string>;
  /** `_pq_.*` protocol option names; this server knows none, so NegotiateProtocolVersion lists them. */
  protocolOptions: string[];
}
/**
 * What the server's NegotiateProtocolVersion must say after this StartupMessage, or null when it
 * sends none. PostgreSQL (11+) answers a request for a newer 3.x minor version, or for `_pq_.`
 * protocol options, with the newest minor it speaks and the options it did not recognise, then
 * carries on in that version; only another major version is refused (0A000).
 */
export function protocolNegotiation(m: StartupMessage): { newestMinor: number; unrecognized: string[] } | null {
  if (m.minor <= PROTOCOL_MINOR_LATEST && m.protocolOptions.length === 0) return null;
  return { newestMinor: PROTOCOL_MINOR_LATEST, unrecognized: m.protocolOptions };
}

export interface SSLRequest { type: 'SSLRequest' }
export interface GSSENCRequest { type: 'GSSENCRequest' }
export interface CancelRequest { type: 'CancelRequest'; processId: number; secretKey: number }
/**
 * A 'p' message: PasswordMessage, SASLInitialResponse or SASLResponse. Which one it is depends on
 * the authentication exchange, so `auth.ts` parses `body` (a copy, owned by the message).
 */
export interface AuthResponse { type: 'AuthResponse'; body: Uint8Array }
/** Any other message type byte while authentication is in progress (PostgreSQL refuses it). */
export interface UnexpectedAuthMessage { type: 'UnexpectedAuthMessage'; code: number }
export interface Query { type: 'Query'; sql: string }
export interface Parse {
  type: 'Parse';
  /** Prepared statement name; '' is the unnamed statement. */
  name: string;
  sql: string;
  /** Parameter type OIDs the client specified (0 = unspecified), possibly fewer than $n used. */
  paramTypes: Uint32Array;
}
export interface Bind {
  type: 'Bind';
  /** Portal name; '' is the unnamed portal. */
  portal: string;
  statement: string;
  /** Zero codes: all text; one: for every parameter; else one per parameter (0 text, 1 binary). */
  paramFormats: Int16Array;
  /** Parameter values (views into this message's own copy of its body); null is SQL NULL. */
  params: (Uint8Array | null)[];
  /** Result column format codes, with the same zero / one / per-column convention. */
  resultFormats: Int16Array;
}
export interface Describe { type: 'Describe'; kind: 'S' | 'P'; name: string }
export interface Execute {
  type: 'Execute';
  portal: string;
  /** Row limit; 0 or negative means no limit (PostgreSQL's FETCH_ALL). */
  maxRows: number;
}
export interface Close { type: 'Close'; kind: 'S' | 'P'; name: string }
export interface Sync { type: 'Sync' }
export interface Flush { type: 'Flush' }
export interface Terminate { type: 'Terminate' }
export interface CopyData { type: 'CopyData'; data: Uint8Array }
export interface CopyDone { type: 'CopyDone' }
export interface CopyFail { type: 'CopyFail'; message: string }
export interface FunctionCall {
  type: 'FunctionCall';
  functionOid: number;
  argFormats: Int16Array;
  args: (Uint8Array | null)[];
  resultFormat: number;
}

export type FrontendMessage =
  | StartupMessage | SSLRequest | GSSENCRequest | CancelRequest
  | AuthResponse | UnexpectedAuthMessage
  | Query | Parse | Bind | Describe | Execute | Close | Sync | Flush | Terminate
  | CopyData | CopyDone | CopyFail | FunctionCall;

/** A decoding failure, as a value. */
export interface ProtocolFailure {
  type: 'ProtocolFailure';
  error: PgError;
  /** True when the connection must end (the stream lost message boundaries). */
  fatal: boolean;
  /** The type byte of the message that failed (0 for startup packets). */
  messageType: number;
}

/** Where the connection is: which framing applies, and which messages are legal. */
export type DecoderPhase = 'startup' | 'auth' | 'ready';

export interface FrontendDecoderOptions {
  /** Largest message in bytes, length word included; {@link MAX_MESSAGE_BYTES} bounds it. */
  maxMessageBytes?: number;
  /** Initial phase; 'startup' (the default) for a fresh connection. */
  phase?: DecoderPhase;
}

/** Per-type length limit once authenticated (postgres.c SocketBackend); 0 = not a message type. */
function limitFor(type: number, large: number): number {
  switch (type) {
    case FE.Query: case FE.FunctionCall: case FE.Bind: case FE.Parse: case FE.CopyData:
      return large;
    case FE.Terminate: case FE.Close: case FE.Describe: case FE.Execute: case FE.Flush:
    case FE.Sync: case FE.CopyDone: case FE.CopyFail:
      return PQ_SMALL_MESSAGE_LIMIT;
    default:
      return 0;
  }
}

const INITIAL_BUFFER_BYTES = 16 * 1024;
/** A buffer grown past this for one large message is given back once it is drained. */
const RETAINED_BUFFER_BYTES = 1024 * 1024;

/**
 * Streaming decoder for one connection's frontend messages.
 *
 *   const d = new FrontendDecoder();
 *   socket.on('data', (chunk) => { d.push(chunk); for (let m; (m = d.next()); ) handle(m); });
 *   socket.on('end', () => { const f = d.end(); if (f) report(f); });
 *
 * After the StartupMessage it expects authentication ('p' messages); the server calls
 * {@link authenticated} once it has sent AuthenticationOk.
 */
export class FrontendDecoder {
  private buf = new Uint8Array(INITIAL_BUFFER_BYTES);
  private start = 0;
  private end_ = 0;
  private phase_: DecoderPhase;
  private dead = false;
  private sslDone = false;
  private gssDone = false;
  /** Largest message in bytes, length word included. */
  readonly maxMessageBytes: number;

  /**
   * @throws {PgError} 22023 when `maxMessageBytes` is outside {@link MAX_MESSAGE_BYTES}
   *   (a server configuration error, reported as PostgreSQL reports an out-of-range setting).
   */
  constructor(options: FrontendDecoderOptions = {}) {
    const max = options.maxMessageBytes ?? MAX_MESSAGE_BYTES.default;
    if (!Number.isInteger(max) || max < MAX_MESSAGE_BYTES.min || max > MAX_MESSAGE_BYTES.max) {
      throw new PgError(
        SQLSTATE.invalid_parameter_value,
        `${max} is outside the valid range for parameter "max_message_size" (${MAX_MESSAGE_BYTES.min} .. ${MAX_MESSAGE_BYTES.max})`,
      );
    }
    this.maxMessageBytes = max;
    this.phase_ = options.phase ?? 'startup';
  }

  get phase(): DecoderPhase {
    return this.phase_;
  }

  /**
   * True when nothing more will be decoded: after a fatal failure (the connection must close)
   * or a CancelRequest (after which PostgreSQL closes the connection too).
   */
  get stopped(): boolean {
    return this.dead;
  }

  /** Bytes pushed and not yet decoded (the memory a slow or hostile client holds). */
  get bufferedBytes(): number {
    return this.end_ - this.start;
  }

  /** Bytes allocated for buffering (grows with data that arrives, never with announced lengths). */
  get capacityBytes(): number {
    return this.buf.length;
  }

  /** Authentication succeeded: from now on ordinary messages are legal and 'p' is not. */
  authenticated(): void {
    this.phase_ = 'ready';
  }

  /** Forget everything (a new connection on the same object). */
  reset(phase: DecoderPhase = 'startup'): void {
    this.start = this.end_ = 0;
    if (this.buf.length > RETAINED_BUFFER_BYTES) this.buf = new Uint8Array(INITIAL_BUFFER_BYTES);
    this.phase_ = phase;
    this.dead = false;
    this.sslDone = this.gssDone = false;
  }

  /** Appends received bytes (copied; the caller may reuse `chunk`). Ignored after a fatal failure. */
  push(chunk: Uint8Array): void {
    if (this.dead || chunk.length === 0) return;
    const live = this.end_ - this.start;
    if (this.end_ + chunk.length > this.buf.length) {
      if (live + chunk.length <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end_);
      } else {
        // Double (amortised copying), but never past one largest message plus its header unless
        // the bytes already here need more: a 1 GiB message must not make a 2 GiB buffer.
        const grown = new Uint8Array(Math.max(live + chunk.length, Math.min(this.buf.length * 2, this.maxMessageBytes + 5)));
        grown.set(this.buf.subarray(this.start, this.end_));
        this.buf = grown;
      }
      this.start = 0;
      this.end_ = live;
    }
    this.buf.set(chunk, this.end_);
    this.end_ += chunk.length;
  }

  /**
   * The next whole message, a failure, or null when more bytes are needed (or after a fatal
   * failure, which is returned once).
   */
  next(): FrontendMessage | ProtocolFailure | null {
    if (this.dead) return null;
    const msg = this.phase_ === 'startup' ? this.nextStartup() : this.nextTyped();
    if (this.start === this.end_) {
      this.start = this.end_ = 0;
      if (this.buf.length > RETAINED_BUFFER_BYTES) this.buf = new Uint8Array(INITIAL_BUFFER_BYTES);
    }
    return msg;
  }

  /**
   * The peer closed the connection. Returns PostgreSQL's failure for a message cut short
   * (08P01 "incomplete startup packet", "unexpected EOF within message length word" or
   * "incomplete message from client"), or null at a message boundary. The decoder is reset.
   */
  end(): ProtocolFailure | null {
    const live = this.end_ - this.start;
    let failure: ProtocolFailure | null = null;
    if (!this.dead && live > 0) {
      const err =
        this.phase_ === 'startup'
          ? protoErr.incompleteStartupPacket()
          : live < 5
            ? protoErr.eofInLengthWord()
            : protoErr.incompleteMessage();
      failure = { type: 'ProtocolFailure', error: err, fatal: true, messageType: this.phase_ === 'startup' ? 0 : this.buf[this.start]! };
    }
    this.reset(this.phase_);
    return failure;
  }

  private fail(error: PgError, messageType: number): ProtocolFailure {
    this.dead = true;
    this.start = this.end_ = 0;
    return { type: 'ProtocolFailure', error, fatal: true, messageType };
  }

  private nextStartup(): FrontendMessage | ProtocolFailure | null {
    const b = this.buf;
    const s = this.start;
    if (this.end_ - s < 4) return null;
    const len = int32At(b, s);
    // ProcessStartupPacket: the length after its own 4 bytes must hold the code and be <= 10000.
    if (len < 8 || len - 4 > MAX_STARTUP_PACKET_LENGTH) return this.fail(protoErr.invalidStartupPacketLength(), 0);
    if (this.end_ - s < len) return null;
    const code = int32At(b, s + 4) >>> 0;
    this.start = s + len;
    if (code === CANCEL_REQUEST_CODE) {
      if (len !== 16) return this.fail(protoErr.invalidStartupPacketLength(), 0);
      // The server closes the connection after a cancel request; nothing else is read.
      this.dead = true;
      return { type: 'CancelRequest', processId: int32At(b, s + 8), secretKey: int32At(b, s + 12) };
    }
    if (code === SSL_REQUEST_CODE && !this.sslDone) {
      this.sslDone = true;
      // Bytes already here arrived before the server's answer: unencrypted, maybe injected.
      if (this.end_ > this.start) return this.fail(protoErr.unencryptedAfterSsl(), 0);
      return { type: 'SSLRequest' };
    }
    if (code === GSSENC_REQUEST_CODE && !this.gssDone) {
      this.gssDone = true;
      if (this.end_ > this.start) return this.fail(protoErr.unencryptedAfterGss(), 0);
      return { type: 'GSSENCRequest' };
    }
    const major = code >>> 16;
    const minor = code & 0xffff;
    // A second SSLRequest lands here too, as in PostgreSQL ("unsupported frontend protocol 1234.5679").
    if (major !== 3) return this.fail(protoErr.unsupportedProtocol(major, minor, PROTOCOL_MINOR_LATEST), 0);
    const msg = parseStartupParameters(b, s + 4, s + len, major, minor);
    if (msg instanceof PgError) return this.fail(msg, 0);
    this.phase_ = 'auth';
    return msg;
  }

  private nextTyped(): FrontendMessage | ProtocolFailure | null {
    const b = this.buf;
    const s = this.start;
    if (this.end_ - s < 1) return null;
    const type = b[s]!;
    let limit: number;
    if (this.phase_ === 'auth') {
      if (type !== FE.AuthResponse) {
        // auth.c reads only the type byte before refusing; the connection ends.
        this.dead = true;
        this.start = this.end_ = 0;
        return { type: 'UnexpectedAuthMessage', code: type };
      }
      limit = PG_MAX_AUTH_TOKEN_LENGTH;
    } else {
      limit = limitFor(type, Math.min(this.maxMessageBytes, PQ_LARGE_MESSAGE_LIMIT));
      if (limit === 0) return this.fail(protoErr.invalidMessageType(type), type);
    }
    if (this.end_ - s < 5) return null;
    const len = int32At(b, s + 1);
    if (len < 4 || len > limit) return this.fail(protoErr.invalidMessageLength(), type);
    if (this.end_ - s - 1 < len) return null;
    this.start = s + 1 + len;
    try {
      return decodeBody(type, b, s + 5, s + 1 + len);
    } catch (e) {
      if (e instanceof PgError) return { type: 'ProtocolFailure', error: e, fatal: false, messageType: type };
      throw e;
    }
  }
}

function int32At(b: Uint8Array, p: number): number {
  return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
}

/** Offset of the first NUL in `b[from, limit)`, or `limit` (PostgreSQL zero-pads the packet). */
function strEnd(b: Uint8Array, from: number, limit: number): number {
  const i = b.indexOf(0, from);
  return i < 0 || i > limit ? limit : i;
}

const lenient = new TextDecoder('utf-8', { fatal: false });

/**
 * The name/value pairs of a StartupMessage, walked as ProcessStartupPacket walks them: stop at
 * an empty name or a name with no room for its value, then insist that the stop was exactly at
 * the packet's last byte. Startup strings are not validated as UTF-8 (the client encoding is not
 * known yet); ill-formed bytes decode as U+FFFD. `from` is the offset of the version code.
 */
function parseStartupParameters(b: Uint8Array, from: number, to: number, major: number, minor: number): StartupMessage | PgError {
  const len = to - from; // PostgreSQL's `len`: the packet without its length word
  let offset = 4;
  const parameters = new Map<string, string>();
  const protocolOptions: string[] = [];
  let user = '';
  let database = '';
  while (offset < len) {
    if (b[from + offset] === 0) break;
    const nameEnd = strEnd(b, from + offset, to) - from;
    const valOffset = nameEnd + 1;
    if (valOffset >= len) break;
    const valEnd = strEnd(b, from + valOffset, to) - from;
    const name = lenient.decode(b.subarray(from + offset, from + nameEnd));
    const value = lenient.decode(b.subarray(from + valOffset, from + valEnd));
    if (name.startsWith('_pq_.')) protocolOptions.push(name);
    else {
      parameters.set(name, value);
      if (name === 'user') user = value;
      else if (name === 'database') database = value;
    }
    offset = valEnd + 1;
  }
  if (offset !== len - 1) return protoErr.invalidStartupPacketLayout();
  if (user === '') return protoErr.noUserName();
  if (database === '') database = user;
  return { type: 'StartupMessage', major, minor, user, database, parameters, protocolOptions };
}

/** Decodes one typed message body `b[start, end)`; throws PgError (caught by the caller). */
function decodeBody(type: number, b: Uint8Array, start: number, end: number): FrontendMessage {
  switch (type) {
    case FE.Query: {
      const r = new MessageReader(b, start, end);
      const sql = r.cstring();
      r.finish();
      return { type: 'Query', sql };
    }
    case FE.Parse: {
      const r = new MessageReader(b, start, end);
      const name = r.cstring();
      const sql = r.cstring();
      const n = r.uint16();
      if (n * 4 > r.remaining) throw protoErr.insufficientData();
      const paramTypes = new Uint32Array(n);
      for (let i = 0; i < n; i++) paramTypes[i] = r.uint32();
      r.finish();
      return { type: 'Parse', name, sql, paramTypes };
    }
    case FE.Bind: {
      // Values are views into a private copy of the body: the framing buffer is reused.
      const body = b.slice(start, end);
      const r = new MessageReader(body, 0, body.length);
      const portal = r.cstring();
      const statement = r.cstring();
      const paramFormats = readFormats(r);
      const n = r.uint16();
      if (paramFormats.length > 1 && paramFormats.length !== n) throw protoErr.bindFormatCount(paramFormats.length, n);
      const params = readValues(r, n);
      const resultFormats = readFormats(r);
      r.finish();
      return { type: 'Bind', portal, statement, paramFormats, params, resultFormats };
    }
    case FE.Describe:
    case FE.Close: {
      const r = new MessageReader(b, start, end);
      const kind = r.byte();
      const name = r.cstring();
      r.finish();
      if (kind !== 0x53 && kind !== 0x50) {
        throw type === FE.Describe ? protoErr.invalidDescribeSubtype(kind) : protoErr.invalidCloseSubtype(kind);
      }
      return { type: type === FE.Describe ? 'Describe' : 'Close', kind: kind === 0x53 ? 'S' : 'P', name };
    }
    case FE.Execute: {
      const r = new MessageReader(b, start, end);
      const portal = r.cstring();
      const maxRows = r.int32();
      r.finish();
      return { type: 'Execute', portal, maxRows };
    }
    case FE.Sync:
    case FE.Flush: {
      new MessageReader(b, start, end).finish();
      return type === FE.Sync ? { type: 'Sync' } : { type: 'Flush' };
    }
    case FE.Terminate:
      return { type: 'Terminate' };
    case FE.CopyData:
      return { type: 'CopyData', data: b.slice(start, end) };
    case FE.CopyDone:
      return { type: 'CopyDone' };
    case FE.CopyFail:
      return { type: 'CopyFail', message: new MessageReader(b, start, end).cstring() };
    case FE.AuthResponse:
      return { type: 'AuthResponse', body: b.slice(start, end) };
    case FE.FunctionCall: {
      const body = b.slice(start, end);
      const r = new MessageReader(body, 0, body.length);
      const functionOid = r.uint32();
      const argFormats = readFormats(r);
      const n = r.uint16();
      if (argFormats.length > 1 && argFormats.length !== n) throw protoErr.functionCallFormatCount(argFormats.length, n);
      const args = readValues(r, n);
      const resultFormat = r.int16();
      r.finish();
      return { type: 'FunctionCall', functionOid, argFormats, args, resultFormat };
    }
    default:
      return assertNever(type);
  }
}

/** int16 count, then that many int16 format codes; the count is checked against the body first. */
function readFormats(r: MessageReader): Int16Array {
  const n = r.uint16();
  if (n * 2 > r.remaining) throw protoErr.insufficientData();
  const f = new Int16Array(n);
  for (let i = 0; i < n; i++) f[i] = r.int16();
  return f;
}

/** `n` values of (int32 length, bytes), length -1 for NULL; each needs >= 4 bytes, checked first. */
function readValues(r: MessageReader, n: number): (Uint8Array | null)[] {
  if (n * 4 > r.remaining) throw protoErr.insufficientData();
  const values = new Array<Uint8Array | null>(n);
  for (let i = 0; i < n; i++) {
    const len = r.int32();
    values[i] = len === -1 ? null : r.bytes(len);
  }
  return values;
}

function assertNever(type: number): never {
  // limitFor() admits only the types decodeBody() handles.
  throw new AssertionError(`frontend message type ${type} passed the framer but has no decoder`);
}

/** The format code that applies to value `i` under Bind's zero / one / per-value convention. */
export function formatAt(formats: Int16Array, i: number): number {
  return formats.length === 0 ? 0 : formats.length === 1 ? formats[0]! : formats[i]!;
}
