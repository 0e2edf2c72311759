/**
 * PostgreSQL frontend/backend protocol 3.0: message type bytes, special request codes and the
 * size limits the server enforces (PostgreSQL `src/include/libpq/protocol.h`, `pqcomm.h`,
 * `libpq/libpq.h`). Message layouts are in the protocol documentation's "Message Formats".
 */

/** Protocol version 3.0 as the StartupMessage carries it: major in the high 16 bits. */
export const PROTOCOL_3_0 = 196608;
/** The newest minor version of protocol 3 this codec speaks; NegotiateProtocolVersion names it. */
export const PROTOCOL_MINOR_LATEST = 0;
/** CancelRequest code (1234 << 16 | 5678). */
export const CANCEL_REQUEST_CODE = 80877102;
/** SSLRequest code (1234 << 16 | 5679). */
export const SSL_REQUEST_CODE = 80877103;
/** GSSENCRequest code (1234 << 16 | 5680). */
export const GSSENC_REQUEST_CODE = 80877104;

/** Frontend message type bytes (the first byte of every message after startup). */
export const FE = {
  Bind: 0x42, // 'B'
  Close: 0x43, // 'C'
  Describe: 0x44, // 'D'
  Execute: 0x45, // 'E'
  FunctionCall: 0x46, // 'F'
  Flush: 0x48, // 'H'
  Parse: 0x50, // 'P'
  Query: 0x51, // 'Q'
  Sync: 0x53, // 'S'
  Terminate: 0x58, // 'X'
  CopyFail: 0x66, // 'f'
  CopyDone: 0x63, // 'c'
  CopyData: 0x64, // 'd'
  /** PasswordMessage, SASLInitialResponse and SASLResponse share 'p'; the auth state decides. */
  AuthResponse: 0x70, // 'p'
} as const;

/** Backend message type bytes. */
export const BE = {
  ParseComplete: 0x31, // '1'
  BindComplete: 0x32, // '2'
  CloseComplete: 0x33, // '3'
  NotificationResponse: 0x41, // 'A'
  CommandComplete: 0x43, // 'C'
  DataRow: 0x44, // 'D'
  ErrorResponse: 0x45, // 'E'
  CopyInResponse: 0x47, // 'G'
  CopyOutResponse: 0x48, // 'H'
  EmptyQueryResponse: 0x49, // 'I'
  BackendKeyData: 0x4b, // 'K'
  NoticeResponse: 0x4e, // 'N'
  Authentication: 0x52, // 'R'
  ParameterStatus: 0x53, // 'S'
  RowDescription: 0x54, // 'T'
  ReadyForQuery: 0x5a, // 'Z'
  CopyDone: 0x63, // 'c'
  CopyData: 0x64, // 'd'
  NoData: 0x6e, // 'n'
  PortalSuspended: 0x73, // 's'
  ParameterDescription: 0x74, // 't'
  NegotiateProtocolVersion: 0x76, // 'v'
} as const;

/** Authentication request codes (the int32 after 'R'). */
export const AUTH = {
  Ok: 0,
  CleartextPassword: 3,
  MD5Password: 5,
  SASL: 10,
  SASLContinue: 11,
  SASLFinal: 12,
} as const;

/**
 * PostgreSQL's PQ_LARGE_MESSAGE_LIMIT (MaxAllocSize - 1 = 1 GiB - 2 bytes): the largest Query,
 * Parse, Bind, FunctionCall or CopyData message, counting its 4-byte length word.
 */
export const PQ_LARGE_MESSAGE_LIMIT = 0x3fffffff - 1;
/**
 * PostgreSQL's PQ_SMALL_MESSAGE_LIMIT: the largest Close, Describe, Execute, Flush, Sync,
 * Terminate, CopyDone or CopyFail message. These carry names and counts only, so a length past
 * 10,000 bytes means the stream is garbage.
 */
export const PQ_SMALL_MESSAGE_LIMIT = 10000;
/** PostgreSQL's MAX_STARTUP_PACKET_LENGTH: the startup packet body after its length word. */
export const MAX_STARTUP_PACKET_LENGTH = 10000;
/** PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH: the largest PasswordMessage ('p') before SASL. */
export const PG_MAX_AUTH_TOKEN_LENGTH = 65535;
/** PostgreSQL's PG_MAX_SASL_MESSAGE_LENGTH: the largest SASLInitialResponse / SASLResponse. */
export const PG_MAX_SASL_MESSAGE_LENGTH = 1024;

/**
 * The server's maximum frontend message size in bytes (length word included), as a setting:
 * the default is PostgreSQL's fixed limit; a server may configure it smaller (down to the
 * small-message limit) to bound the memory one connection can make it hold. A message past it
 * is rejected from its length word, before its body is read or buffered.
 */
export const MAX_MESSAGE_BYTES = {
  default: PQ_LARGE_MESSAGE_LIMIT,
  min: PQ_SMALL_MESSAGE_LIMIT,
  max: PQ_LARGE_MESSAGE_LIMIT,
} as const;

/** Wire format codes of Bind / RowDescription / COPY. */
export const FORMAT_TEXT = 0;
export const FORMAT_BINARY = 1;
