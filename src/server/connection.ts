/**
 * One client connection (a backend, in PostgreSQL terms): moves bytes between its socket and
 * the protocol codec, runs the startup and authentication exchange, and answers the simple and
 * extended query protocols by calling the engine's narrow waist (Database.executeScript,
 * prepare, executePortal) on the connection's own session. PostgreSQL's postgres.c
 * PostgresMain loop is the model:
 *
 * - Query: each statement's RowDescription, DataRows, notices and CommandComplete, then
 *   ReadyForQuery; the first error stops the string. Several statements are one implicit
 *   transaction (Database.executeScript), so the error rolls back the ones before it too
 *   unless a COMMIT inside the string committed them.
 * - Parse / Bind / Describe / Execute / Close, named and unnamed statements and portals;
 *   Execute with a row limit answers PortalSuspended and a later Execute resumes. After an
 *   error every message up to Sync is skipped; Sync answers ReadyForQuery.
 * - A commit is acknowledged (CommandComplete is sent) only once it is durable: the writer is
 *   flushed to the socket only after Database.sync().
 *
 * Messages are handled one at a time in arrival order (a promise chain), so a pipelined client
 * sees answers in order. A fatal protocol failure (lost framing) sends FATAL and closes this
 * connection only.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { PgError, SQLSTATE, isPgError } from '../common/errors.js';
import type { Session } from '../engine/session.js';
import { decodeParams, type Portal, type PortalBatch } from '../engine/portal.js';
import { lookupPrepared, storePrepared } from '../sql/exec/prepared.js';
import { commandTag } from '../engine/portal.js';
import { BackendWriter } from '../protocol/backend.js';
import { FrontendDecoder, protocolNegotiation, type FrontendMessage, type ProtocolFailure, type StartupMessage } from '../protocol/frontend.js';
import { AuthExchange } from '../protocol/auth.js';
import { parseStartupOptions } from '../protocol/startup_options.js';
import { terminationError } from '../common/interrupts.js';
import type { StatementResult } from '../sql/exec/statement.js';
import { fieldDescriptions, resultFormats, writeRows } from './rows.js';
import type { ServerContext } from './context.js';

/** Settings PostgreSQL reports in ParameterStatus at startup and whenever they change (GUC_REPORT). */
const REPORTED = ['application_name', 'client_encoding', 'DateStyle', 'default_transaction_read_only', 'in_hot_standby', 'integer_datetimes', 'server_encoding', 'server_version', 'standard_conforming_strings', 'TimeZone'] as const;

/**
 * Values of reported settings vecgres fixes (not settings in its registry). (libpq's
 * `target_session_attrs` reads the reported in_hot_standby, always off here, and
 * default_transaction_read_only.)
 */
const FIXED_REPORTED: Record<string, string> = {
  integer_datetimes: 'on',
  server_encoding: 'UTF8',
};

/** Startup parameters clients send that vecgres accepts and ignores (no such setting here yet). */
const IGNORED_STARTUP = new Set(['intervalstyle', 'geqo', 'replication', 'lc_monetary', 'lc_numeric', 'lc_time', 'bytea_output']);

/** Bytes the writer may hold before a large result is sent on in pieces. */
const FLUSH_BYTES = 256 * 1024;

/** The type byte of the messages that may arrive out of place in copy-in mode (for its error). */
const MESSAGE_BYTE: Partial<Record<string, number>> = { Query: 0x51, Parse: 0x50, Bind: 0x42, Execute: 0x45, Describe: 0x44, Close: 0x43, FunctionCall: 0x46 };

/** Extended-protocol messages: an error inside one of these skips to the next Sync. */
const EXTENDED = new Set(['Parse', 'Bind', 'Describe', 'Execute', 'Close', 'Flush']);

export class Connection {
  readonly processId: number;
  readonly secretKey: number;
  private readonly decoder: FrontendDecoder;
  private readonly out = new BackendWriter();
  private session: Session | null = null;
  private auth: AuthExchange | null = null;
  private startup: StartupMessage | null = null;
  private readonly portals = new Map<string, Portal>();
  /** After an error in an extended-protocol message: ignore messages until Sync. */
  private skipToSync = false;
  /**
   * A simple-query `COPY ... FROM STDIN` waiting for its data (PostgreSQL's copy-in mode):
   * the query and the CopyData payloads so far; it runs at CopyDone.
   */
  private copyIn: { sql: string; chunks: Uint8Array[] } | null = null;
  private closed = false;
  /** Messages are handled strictly in order; this is the tail of the chain. */
  private chain: Promise<void> = Promise.resolve();
  /** Last value sent per reported setting. */
  private readonly reported = new Map<string, string>();
  /** The idle_in_transaction_session_timeout / idle_session_timeout timer while idle. */
  private idleTimer: NodeJS.Timeout | null = null;
  /** True while messages are being handled. */
  busy = false;
  /** True while the connection has counted against max_connections. */
  counted = false;
  /** True once the socket was upgraded to TLS (after an SSLRequest answered 'S'). */
  private encrypted = false;
  /** The client's address, for the 28000 message of a refused unencrypted startup. */
  private readonly remoteHost: string;

  constructor(
    private socket: Socket,
    private readonly ctx: ServerContext,
    processId: number,
  ) {
    this.processId = processId;
    this.secretKey = randomBytes(4).readInt32BE(0);
    this.decoder = new FrontendDecoder({ maxMessageBytes: ctx.maxMessageBytes });
    this.remoteHost = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
    socket.setNoDelay(true);
    this.listen(socket);
  }

  /** Feeds the socket's bytes to the decoder, in order, and ends the connection with it. */
  private listen(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.stopIdleTimer();
      this.decoder.push(chunk);
      this.chain = this.chain.then(() => this.drain());
    });
    socket.on('end', () => {
      this.chain = this.chain.then(() => {
        const f = this.decoder.end();
        if (f !== null && !this.closed) this.fatal(f.error);
        this.close();
      });
    });
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  /**
   * Answers an SSLRequest 'S' and continues on a TLS socket over the same connection (as
   * PostgreSQL's secure_open_server after ProcessSSLStartup): the client starts the TLS
   * handshake right after reading 'S', and the startup message comes through TLS. The decoder
   * has already refused bytes that arrived in the clear behind the request (08P01).
   */
  private upgradeToTls(): void {
    const raw = this.socket;
    this.out.sslResponse(true);
    raw.write(this.out.take());
    raw.removeAllListeners('data');
    raw.removeAllListeners('end');
    const tls = new TLSSocket(raw, { isServer: true, secureContext: this.ctx.tls! });
    this.socket = tls;
    this.encrypted = true;
    this.listen(tls);
  }

  /** Ends the connection: an open transaction is rolled back, the socket closed. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopIdleTimer();
    // An open transaction is rolled back, advisory locks and LISTENs end with the connection.
    if (this.session !== null) this.ctx.db.endSession(this.session);
    this.ctx.onClose(this);
    this.socket.destroy();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      await this.drainMessages();
    } finally {
      this.busy = false;
    }
    if (this.session?.interrupts.terminatePending === true && !this.closed) return this.fatal(terminationError());
    // Notifications that arrived after the last ReadyForQuery, now that the connection is idle.
    if (!this.closed && this.writeNotifications()) this.flush();
  }

  private async drainMessages(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const m = this.decoder.next();
      if (m === null) break;
      try {
        await this.handle(m);
      } catch (e) {
        // A defect, not a user error: report it as PostgreSQL's internal error and end this
        // connection (its state is unknown), never the server.
        this.ctx.log(`internal error on connection ${this.processId}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        this.out.reset();
        this.fatal(new PgError(SQLSTATE.internal_error, `internal error: ${e instanceof Error ? e.message : String(e)}`, { severity: 'FATAL' }));
        return;
      }
    }
    this.flush();
  }

  /**
   * Sends what the writer holds. When the socket's buffer is full (a client that sends
   * queries without reading the answers), reading from it pauses until it drains, so such a
   * client cannot make the server hold unbounded results.
   */
  private flush(): void {
    if (this.closed || this.out.length === 0) return;
    if (!this.socket.write(this.out.take()) && !this.socket.isPaused()) {
      this.socket.pause();
      this.socket.once('drain', () => this.socket.resume());
    }
  }

  /** Sends a FATAL error and closes. */
  private fatal(err: PgError): void {
    const e = err.severity === 'FATAL' ? err : new PgError(err.code, err.message, { severity: 'FATAL', ...(err.detail === undefined ? {} : { detail: err.detail }) });
    if (!this.closed) {
      this.out.errorResponse(e);
      this.flush();
    }
    this.socket.end();
    this.close();
  }

  private async handle(m: FrontendMessage | ProtocolFailure): Promise<void> {
    if (this.copyIn !== null && m.type !== 'ProtocolFailure') return this.onCopyInMessage(m);
    if (m.type === 'ProtocolFailure') return this.protocolFailure(m);
    switch (m.type) {
      case 'SSLRequest':
        if (this.ctx.tls !== null) return this.upgradeToTls();
        this.out.sslResponse(false);
        this.flush();
        return;
      case 'GSSENCRequest':
        // No GSSAPI encryption (nor TLS when not configured): 'N', and the client goes on in
        // the clear, tries TLS, or gives up.
        this.out.sslResponse(false);
        this.flush();
        return;
      case 'CancelRequest':
        this.ctx.cancel(m.processId, m.secretKey);
        this.socket.end();
        this.close();
        return;
      case 'StartupMessage':
        return this.onStartup(m);
      case 'AuthResponse':
      case 'UnexpectedAuthMessage':
        return this.onAuth(m);
      case 'Terminate':
        this.close();
        return;
      case 'Sync':
        return this.onSync();
      default:
        break;
    }
    if (this.skipToSync) return;
    try {
      switch (m.type) {
        case 'Query':
          return await this.onQuery(m.sql);
        case 'Parse':
          return this.onParse(m.name, m.sql, m.paramTypes);
        case 'Bind':
          return this.onBind(m.portal, m.statement, m.params, m.paramFormats, m.resultFormats);
        case 'Describe':
          return this.onDescribe(m.kind, m.name);
        case 'Execute':
          return await this.onExecute(m.portal, m.maxRows);
        case 'Close':
          // Closing a statement or portal that does not exist is no error (exec_close_message).
          if (m.kind === 'S') this.session?.preparedStatements.delete(m.name);
          else this.portals.delete(m.name);
          this.out.closeComplete();
          return;
        case 'Flush':
          this.flush();
          return;
        case 'CopyData':
        case 'CopyDone':
        case 'CopyFail':
          // Outside COPY, PostgreSQL ignores these (a client may send them after a COPY failed).
          return;
        case 'FunctionCall':
          throw new PgError(SQLSTATE.feature_not_supported, 'the fastpath function call protocol is not supported');
      }
    } catch (e) {
      if (!isPgError(e)) throw e;
      this.error(e);
      if (EXTENDED.has(m.type)) this.skipToSync = true;
    }
  }

  private protocolFailure(f: ProtocolFailure): void {
    if (f.fatal) return this.fatal(f.error);
    this.error(f.error);
    // A malformed Query still ends with ReadyForQuery; a malformed extended message skips to Sync.
    if (f.messageType === 0x51) this.readyForQuery();
    else this.skipToSync = true;
  }

  private error(e: PgError): void {
    for (const n of e.notices ?? []) this.notice(n);
    // A statement pg_terminate_backend stopped: its FATAL 57P01 ends the connection.
    if (this.session?.interrupts.terminatePending === true) return this.fatal(e.severity === 'FATAL' ? e : terminationError());
    this.out.errorResponse(e);
  }

  /** A NoticeResponse, unless client_min_messages is above its severity (INFO always goes). */
  private notice(n: PgError): void {
    const min = String(this.session?.settings.get('client_min_messages') ?? 'notice');
    const rank = (sev: string): number => ['debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'log', 'notice', 'warning', 'error'].indexOf(sev);
    const sev = n.severity.toLowerCase();
    if (sev !== 'info' && rank(sev === 'debug' ? 'debug1' : sev) < rank(min)) return;
    this.out.noticeResponse(n);
  }

  // --- startup and authentication ---

  private onStartup(m: StartupMessage): void {
    if (this.ctx.tlsRequired && !this.encrypted) {
      // PostgreSQL answers a startup that no hostssl pg_hba.conf line admits this way.
      return this.fatal(
        new PgError(SQLSTATE.invalid_authorization_specification, `no pg_hba.conf entry for host "${this.remoteHost}", user "${m.user}", database "${m.database}", no encryption`, { severity: 'FATAL' }),
      );
    }
    const n = protocolNegotiation(m);
    if (!this.ctx.admit(this)) {
      return this.fatal(new PgError(SQLSTATE.too_many_connections, 'sorry, too many clients already', { severity: 'FATAL' }));
    }
    this.startup = m;
    if (n !== null) this.out.negotiateProtocolVersion(n.newestMinor, n.unrecognized);
    this.auth = new AuthExchange({
      method: this.ctx.authMethod,
      user: m.user,
      secret: this.ctx.secretFor(m.user),
      randomBytes: (k) => randomBytes(k),
      mockNonce: this.ctx.mockNonce,
    });
    const step = this.auth.start();
    if (step.status === 'ok') return this.authenticated();
    if (step.status === 'continue') this.out.auth(step.send);
    this.flush();
  }

  private onAuth(m: FrontendMessage): void {
    if (this.auth === null) return this.fatal(new PgError(SQLSTATE.protocol_violation, 'unexpected message during authentication', { severity: 'FATAL' }));
    const step = this.auth.receive(m);
    if (step.status === 'continue') {
      this.out.auth(step.send);
      this.flush();
      return;
    }
    if (step.status === 'failed') return this.fatal(step.error);
    if (step.send !== undefined) this.out.auth(step.send);
    this.authenticated();
  }

  /** AuthenticationOk, the session with the startup settings, ParameterStatus, BackendKeyData, ReadyForQuery. */
  private authenticated(): void {
    const m = this.startup!;
    const session = this.ctx.db.openSession(this.processId);
    try {
      for (const [name, value] of m.parameters) {
        if (name === 'user' || name === 'database') continue;
        if (name === 'options') {
          const opts = parseStartupOptions(value);
          if (opts instanceof PgError) throw opts;
          for (const o of opts) session.settings.setClient(o.name, o.value);
          continue;
        }
        if (name === 'client_encoding') {
          const enc = value.toUpperCase().replace(/[-_]/g, '');
          if (enc !== 'UTF8' && enc !== 'UNICODE') {
            throw new PgError(SQLSTATE.feature_not_supported, `client_encoding "${value}" is not supported: vecgres speaks UTF8 only`);
          }
          continue;
        }
        if (IGNORED_STARTUP.has(name.toLowerCase())) continue;
        session.settings.setClient(name, value);
      }
    } catch (e) {
      if (!isPgError(e)) throw e;
      return this.fatal(e);
    }
    this.session = session;
    const addr = this.socket.remoteAddress;
    const port = this.socket.remotePort;
    if (addr !== undefined && port !== undefined) session.activity.client = { addr, port };
    // pg_terminate_backend ended the session: an idle connection is told and closed now, a
    // busy one once its messages are handled (drain), as PostgreSQL's backend exits.
    session.onTerminate = () => {
      if (!this.busy) this.fatal(terminationError());
    };
    // A notification for an idle connection goes out at once; for a busy one, or one inside a
    // transaction block, before its next ReadyForQuery that reports it idle (as PostgreSQL).
    session.onNotification = () => {
      if (this.busy || this.closed) return;
      if (this.writeNotifications()) this.flush();
    };
    this.decoder.authenticated();
    this.out.authenticationOk();
    this.reportParameters();
    this.out.backendKeyData(this.processId, this.secretKey);
    this.readyForQuery();
    this.flush();
  }

  /** ParameterStatus for every reported setting whose value differs from the last one sent. */
  private reportParameters(): void {
    const s = this.session;
    if (s === null) return;
    for (const name of REPORTED) {
      const value = FIXED_REPORTED[name] ?? (name === 'client_encoding' ? 'UTF8' : s.settings.show(name).value);
      if (this.reported.get(name) === value) continue;
      this.reported.set(name, value);
      this.out.parameterStatus(name, value);
    }
  }

  /** Writes the notifications the session may receive now (NotificationResponse); true if any. */
  private writeNotifications(): boolean {
    const s = this.session;
    if (s === null) return false;
    const list = s.takeNotifications();
    for (const n of list) this.out.notificationResponse(n.pid, n.channel, n.payload);
    return list.length > 0;
  }

  private readyForQuery(): void {
    const status = this.session?.status ?? 'I';
    this.writeNotifications();
    this.out.readyForQuery(status);
    if (this.session !== null) this.startIdleTimer(status);
  }

  /**
   * Arms idle_in_transaction_session_timeout (inside a transaction block, also a failed one)
   * or idle_session_timeout (outside one) as PostgreSQL does when it reports ReadyForQuery:
   * when it fires before the next message, the connection ends with FATAL 25P03 / 57P05 and
   * its transaction is rolled back.
   */
  private startIdleTimer(status: 'I' | 'T' | 'E'): void {
    this.stopIdleTimer();
    const inTxn = status !== 'I';
    const ms = Number(this.session!.settings.get(inTxn ? 'idle_in_transaction_session_timeout' : 'idle_session_timeout'));
    if (!(ms > 0)) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.closed || this.busy) return;
      this.fatal(
        inTxn
          ? new PgError(SQLSTATE.idle_in_transaction_session_timeout, 'terminating connection due to idle-in-transaction timeout', { severity: 'FATAL' })
          : new PgError(SQLSTATE.idle_session_timeout, 'terminating connection due to idle-session timeout', { severity: 'FATAL' }),
      );
    }, ms);
    this.idleTimer.unref();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer !== null) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
  }

  // --- simple query ---

  private async onQuery(sql: string): Promise<void> {
    const session = this.requireSession();
    // A simple Query destroys the unnamed statement and portal (postgres.c exec_simple_query).
    session.preparedStatements.delete('');
    this.portals.delete('');
    try {
      this.checkCancel();
      // COPY FROM STDIN: checked, then CopyInResponse; the statement runs when the data is in.
      const copy = this.ctx.db.describeCopyIn(sql, session);
      if (copy !== null) {
        const format = copy.binary ? 1 : 0;
        this.out.copyInResponse(new Array<number>(copy.columns).fill(format), format);
        this.flush();
        this.copyIn = { sql, chunks: [] };
        return;
      }
    } catch (e) {
      if (!isPgError(e)) throw e;
      this.error(e);
      return this.endQuery();
    }
    return this.runQuery(sql, null);
  }

  /**
   * A message in copy-in mode (PostgreSQL's CopyGetData): CopyData is kept, CopyDone runs the
   * COPY with it, CopyFail fails it (57014); Flush and Sync are ignored; anything else ends
   * copy-in with 08P01.
   */
  private async onCopyInMessage(m: FrontendMessage): Promise<void> {
    const copy = this.copyIn!;
    switch (m.type) {
      case 'CopyData':
        copy.chunks.push(m.data);
        return;
      case 'Flush':
      case 'Sync':
        return;
      case 'CopyDone':
        this.copyIn = null;
        return this.runQuery(copy.sql, copy.chunks);
      case 'CopyFail':
        this.copyIn = null;
        this.error(new PgError(SQLSTATE.query_canceled, `COPY from stdin failed: ${m.message}`));
        return this.endQuery();
      case 'Terminate':
        this.copyIn = null;
        this.close();
        return;
      default:
        this.copyIn = null;
        this.error(new PgError(SQLSTATE.protocol_violation, `unexpected message type 0x${(MESSAGE_BYTE[m.type] ?? 0).toString(16).toUpperCase().padStart(2, '0')} during COPY from stdin`));
        return this.endQuery();
    }
  }

  /** Runs a simple query (with COPY FROM STDIN's data, if any), then ReadyForQuery. */
  private async runQuery(sql: string, stdin: Uint8Array[] | null): Promise<void> {
    const session = this.requireSession();
    let any = false;
    try {
      if (stdin === null) this.checkCancel();
      await this.ctx.db.runScript(sql, [], session, (r) => {
        any = true;
        this.writeResult(r);
        // A cancel that arrived meanwhile (while a commit waited) fails the next statement.
        this.checkCancel();
      }, stdin === null ? null : { stdin });
      if (!any) this.out.emptyQueryResponse();
    } catch (e) {
      if (!isPgError(e)) throw e;
      this.error(e);
    }
    return this.endQuery();
  }

  /** The end of a simple query: its commits made durable, ParameterStatus, ReadyForQuery. */
  private async endQuery(): Promise<void> {
    if (this.closed) return;
    await this.syncDurable();
    this.session!.interrupts.cancelPending = false;
    this.reportParameters();
    this.readyForQuery();
    this.flush();
  }

  /** One statement's whole result (simple query). */
  private writeResult(r: StatementResult): void {
    if (r.fields.length > 0 || r.command === 'SELECT') this.out.rowDescription(fieldDescriptions(r.fields));
    for (const n of r.notices) this.notice(n);
    this.writeCopyOut(r);
    writeRows(this.out, r.fields, r.rows, r.zone ?? this.session!.settings.timeZone(), undefined, r.regNames, r.floatDigits);
    this.out.commandComplete(commandTag(r, r.rows.length));
    if (this.out.length > FLUSH_BYTES) this.flush();
  }

  /** COPY TO STDOUT's output: CopyOutResponse, one CopyData per row, CopyDone (copyto.c). */
  private writeCopyOut(r: StatementResult): void {
    const c = r.copyOut;
    if (c === undefined) return;
    const format = c.binary ? 1 : 0;
    this.out.copyOutResponse(new Array<number>(c.columns).fill(format), format);
    for (const chunk of c.chunks) {
      this.out.copyData(chunk);
      if (this.out.length > FLUSH_BYTES) this.flush();
    }
    this.out.copyDone();
  }

  /**
   * Waits until this session's commits are durable before anything acknowledging them is
   * sent; a failed log write becomes this statement's error.
   */
  private async syncDurable(): Promise<void> {
    try {
      await this.ctx.db.sync(this.session!);
    } catch (e) {
      if (!isPgError(e)) throw e;
      this.error(e);
    }
  }

  /**
   * A CancelRequest that arrived while this connection was working (see {@link requestCancel})
   * fails the next statement with 57014, as the executor's own checks do inside one.
   */
  private checkCancel(): void {
    this.session?.interrupts.check();
  }

  /**
   * A CancelRequest for this connection: while it is working through messages, the running or
   * next statement fails with 57014 (the executor checks between rows; cleared at
   * ReadyForQuery). A cancel of an idle connection does nothing, as in PostgreSQL. Statements
   * run on this thread, so a request read while one runs takes effect at the next check after
   * the event loop turns, that is from the next statement of a pipeline on.
   */
  requestCancel(): void {
    if (this.busy && this.session !== null) this.session.interrupts.requestCancel();
  }

  private requireSession(): Session {
    if (this.session === null) throw new PgError(SQLSTATE.protocol_violation, 'unexpected message before authentication', { severity: 'FATAL' });
    return this.session;
  }

  // --- extended query ---

  private onParse(name: string, sql: string, paramTypes: Uint32Array): void {
    const session = this.requireSession();
    // A name in use fails once the statement is analyzed (exec_parse_message stores it last).
    storePrepared(session, name, this.ctx.db.prepare(sql, paramTypes, session));
    this.out.parseComplete();
  }

  private onBind(portalName: string, stmtName: string, params: (Uint8Array | null)[], paramFormats: Int16Array, codes: Int16Array): void {
    const stmt = lookupPrepared(this.requireSession(), stmtName);
    // SQL cursors (DECLARE) and portals share PostgreSQL's one namespace of portals.
    if (portalName !== '' && (this.portals.has(portalName) || this.session!.cursors.has(portalName))) {
      // An error, which fails a transaction block as any does.
      if (this.session!.txn.inBlock) this.session!.txn.failed = true;
      throw new PgError(SQLSTATE.duplicate_cursor, `cursor "${portalName}" already exists`);
    }
    if (this.session!.txn.failed && stmt.raw?.tag !== 'TransactionStmt') {
      throw new PgError(SQLSTATE.in_failed_sql_transaction, 'current transaction is aborted, commands ignored until end of transaction block');
    }
    const values = decodeParams(stmt, stmtName, params, paramFormats);
    const formats = resultFormats(codes, stmt.fields?.length ?? 0);
    // The parameters' input functions run now: a malformed value fails in reply to Bind.
    this.portals.set(portalName, this.ctx.db.bind(stmt, values, formats, this.session!));
    this.out.bindComplete();
  }

  private onDescribe(kind: 'S' | 'P', name: string): void {
    const session = this.requireSession();
    if (kind === 'S') {
      const stmt = lookupPrepared(session, name);
      this.out.parameterDescription(stmt.paramOids);
      if (stmt.fields === null) this.out.noData();
      else this.out.rowDescription(fieldDescriptions(stmt.fields));
      return;
    }
    const portal = this.portals.get(name);
    if (portal === undefined) throw new PgError(SQLSTATE.undefined_cursor, `portal "${name}" does not exist`);
    const fields = portal.statement.fields;
    if (fields === null) this.out.noData();
    else this.out.rowDescription(fieldDescriptions(fields, portal.resultFormats));
  }

  private async onExecute(name: string, maxRows: number): Promise<void> {
    const session = this.requireSession();
    const portal = this.portals.get(name);
    if (portal === undefined) throw new PgError(SQLSTATE.undefined_cursor, `portal "${name}" does not exist`);
    if (portal.statement.raw === null) {
      this.out.emptyQueryResponse();
      return;
    }
    if (portal.result === null) this.checkCancel();
    // A statement that waits for a row lock lets the other connections run meanwhile.
    const batch: PortalBatch = await this.ctx.db.runPortal(portal, maxRows, session, true);
    for (const n of batch.notices) this.notice(n);
    if (portal.result !== null && batch.tag !== '') this.writeCopyOut(portal.result);
    writeRows(this.out, batch.fields, batch.rows, session.settings.timeZone(), portal.resultFormats, portal.result?.regNames, session.settings.extraFloatDigits());
    if (batch.suspended) this.out.portalSuspended();
    else this.out.commandComplete(batch.tag);
    if (this.out.length > FLUSH_BYTES) this.flush();
  }

  private async onSync(): Promise<void> {
    if (this.session === null) return;
    // Sync ends the implicit transaction of the messages before it: committed, or rolled back
    // after an error (any error in an extended message aborts it, as in PostgreSQL).
    try {
      this.ctx.db.endImplicitTransaction(this.session, !this.skipToSync);
    } catch (e) {
      if (!isPgError(e)) throw e;
      this.error(e);
    }
    this.skipToSync = false;
    await this.syncDurable();
    this.session!.interrupts.cancelPending = false;
    // Portals live until the end of their transaction (no holdable cursors here).
    if (this.session.status === 'I') this.portals.clear();
    this.reportParameters();
    this.readyForQuery();
    this.flush();
  }
}
