/**
 * The protocol's error texts, as PostgreSQL words them (`pqcomm.c` pq_getmessage, `pqformat.c`
 * pq_getmsg*, `postgres.c` SocketBackend / PostgresMain, `backend_startup.c`
 * ProcessStartupPacket, `auth.c`, `auth-sasl.c`, `auth-scram.c`, `mbutils.c`). One place, so the
 * codec, the authentication state machine and the server say the same thing.
 */
import { PgError, SQLSTATE, type Severity } from '../common/errors.js';

const violation = (message: string, severity: Severity = 'ERROR', detail?: string) =>
  new PgError(SQLSTATE.protocol_violation, message, detail === undefined ? { severity } : { severity, detail });

/** Constructors for every protocol error; each returns a {@link PgError}, none throws. */
export const protoErr = {
  // pqcomm.c pq_getmessage / pq_getbytes
  invalidMessageLength: () => violation('invalid message length', 'FATAL'),
  eofInLengthWord: () => violation('unexpected EOF within message length word', 'FATAL'),
  incompleteMessage: () => violation('incomplete message from client', 'FATAL'),
  // postgres.c SocketBackend
  invalidMessageType: (type: number) => violation(`invalid frontend message type ${type}`, 'FATAL'),
  // backend_startup.c ProcessStartupPacket
  incompleteStartupPacket: () => violation('incomplete startup packet', 'FATAL'),
  invalidStartupPacketLength: () => violation('invalid length of startup packet', 'FATAL'),
  invalidStartupPacketLayout: () =>
    violation('invalid startup packet layout: expected terminator as last byte', 'FATAL'),
  unsupportedProtocol: (major: number, minor: number, latestMinor: number) =>
    new PgError(
      SQLSTATE.feature_not_supported,
      `unsupported frontend protocol ${major}.${minor}: server supports 3.0 to 3.${latestMinor}`,
      { severity: 'FATAL' },
    ),
  unencryptedAfterSsl: () =>
    violation(
      'received unencrypted data after SSL request',
      'FATAL',
      'This could be either a client-software bug or evidence of an attempted man-in-the-middle attack.',
    ),
  unencryptedAfterGss: () =>
    violation(
      'received unencrypted data after GSSAPI encryption request',
      'FATAL',
      'This could be either a client-software bug or evidence of an attempted man-in-the-middle attack.',
    ),
  noUserName: () =>
    new PgError(SQLSTATE.invalid_authorization_specification, 'no PostgreSQL user name specified in startup packet', {
      severity: 'FATAL',
    }),
  // pqformat.c
  insufficientData: () => violation('insufficient data left in message'),
  noDataLeft: () => violation('no data left in message'),
  invalidString: () => violation('invalid string in message'),
  invalidMessageFormat: () => violation('invalid message format'),
  // postgres.c message handlers
  invalidDescribeSubtype: (c: number) => violation(`invalid DESCRIBE message subtype ${c}`),
  invalidCloseSubtype: (c: number) => violation(`invalid CLOSE message subtype ${c}`),
  bindFormatCount: (formats: number, params: number) =>
    violation(`bind message has ${formats} parameter formats but ${params} parameters`),
  functionCallFormatCount: (formats: number, args: number) =>
    violation(`function call message contains ${formats} argument formats but ${args} arguments`),
  // mbutils.c report_invalid_encoding
  invalidEncoding: (bytes: string) =>
    new PgError(SQLSTATE.character_not_in_repertoire, `invalid byte sequence for encoding "UTF8": ${bytes}`),
  // auth.c / auth-sasl.c (errors during authentication end the connection: FATAL)
  expectedPassword: (type: number) => violation(`expected password response, got message type ${type}`, 'FATAL'),
  expectedSasl: (type: number) => violation(`expected SASL response, got message type ${type}`, 'FATAL'),
  invalidPasswordPacketSize: () => violation('invalid password packet size', 'FATAL'),
  invalidSaslMechanism: () => violation('client selected an invalid SASL authentication mechanism', 'FATAL'),
  passwordFailed: (user: string) =>
    new PgError(SQLSTATE.invalid_password, `password authentication failed for user "${user}"`, { severity: 'FATAL' }),
  // auth-scram.c
  malformedScram: (detail: string) => violation('malformed SCRAM message', 'FATAL', detail),
  scramNonPrintableNonce: () => violation('non-printable characters in SCRAM nonce', 'FATAL'),
  scramChannelBindingAttr: () =>
    violation('unexpected SCRAM channel-binding attribute in client-final-message', 'FATAL'),
  scramInvalidResponse: (detail: string) => violation('invalid SCRAM response', 'FATAL', detail),
  scramAuthzid: () =>
    new PgError(SQLSTATE.feature_not_supported, 'client uses authorization identity, but it is not supported', {
      severity: 'FATAL',
    }),
  scramExtension: () =>
    new PgError(SQLSTATE.feature_not_supported, 'client requires an unsupported SCRAM extension', {
      severity: 'FATAL',
    }),
};
