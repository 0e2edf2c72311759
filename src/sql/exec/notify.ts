/**
 * LISTEN, UNLISTEN, NOTIFY and pg_notify (PostgreSQL's commands/async.c), transactional as in
 * PostgreSQL: a session's LISTEN / UNLISTEN take effect when its transaction commits, and its
 * notifications are sent when the transaction commits (never on rollback; ROLLBACK TO SAVEPOINT
 * drops those queued after the savepoint), in the order they were queued, a notification equal
 * in channel and payload to one already queued by the transaction folded into it. The engine
 * (EngineHooks.notify) delivers them, in commit order, to every session listening on the
 * channel, the sender included.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { NotifyState, Savepoint, SqlEnv } from '../env.js';

/** PostgreSQL's NAMEDATALEN - 1: the longest channel name in bytes. */
export const CHANNEL_NAME_BYTES_MAX = 63;
/** PostgreSQL's NOTIFY_PAYLOAD_MAX_LENGTH - 1: the longest payload in bytes (async.c). */
export const NOTIFY_PAYLOAD_BYTES_MAX = 7999;

const encoder = new TextEncoder();

/** A session's empty LISTEN / NOTIFY state. */
export function newNotifyState(): NotifyState {
  return { listening: new Set(), actions: [], pending: [] };
}

/**
 * Queues a notification for the commit of the session's transaction (Async_Notify). A NULL
 * channel is an empty one and a NULL payload an empty payload, as pg_notify's.
 * @throws PgError 22023 `channel name cannot be empty`, `channel name too long` (over 63
 *   bytes), `payload string too long` (8000 bytes or more).
 */
export function queueNotify(env: SqlEnv, channel: string | null, payload: string | null): void {
  const ch = channel ?? '';
  const pl = payload ?? '';
  if (ch === '') throw new PgError(SQLSTATE.invalid_parameter_value, 'channel name cannot be empty');
  if (encoder.encode(ch).length > CHANNEL_NAME_BYTES_MAX) throw new PgError(SQLSTATE.invalid_parameter_value, 'channel name too long');
  if (pl.length > NOTIFY_PAYLOAD_BYTES_MAX || encoder.encode(pl).length > NOTIFY_PAYLOAD_BYTES_MAX) {
    throw new PgError(SQLSTATE.invalid_parameter_value, 'payload string too long');
  }
  const pending = env.notify.pending;
  // A duplicate of a notification the transaction already queued is folded into it
  // (AsyncExistsPendingNotify); a linear scan, as transactions queue few of them.
  for (const n of pending) if (n.channel === ch && n.payload === pl) return;
  pending.push({ channel: ch, payload: pl, pid: env.pid });
}

/** Queues LISTEN `channel` (`null`: UNLISTEN *; `listen` false: UNLISTEN) for the commit. */
export function queueListen(env: SqlEnv, channel: string | null, listen: boolean): void {
  if (channel === null) env.notify.actions.push({ kind: 'unlisten_all', channel: '' });
  else env.notify.actions.push({ kind: listen ? 'listen' : 'unlisten', channel });
}

/** The channels the session listens on, in the order it started (pg_listening_channels). */
export function listeningChannels(env: SqlEnv): string[] {
  return [...env.notify.listening];
}

/** The session's queue lengths, for a SAVEPOINT. */
export function notifyMark(env: SqlEnv): NonNullable<Savepoint['notifyMark']> {
  return { actions: env.notify.actions.length, pending: env.notify.pending.length };
}

/** ROLLBACK TO SAVEPOINT: drops what was queued after the savepoint. */
export function rollbackNotifyTo(env: SqlEnv, mark: Savepoint['notifyMark']): void {
  if (mark === undefined) return;
  env.notify.actions.length = Math.min(env.notify.actions.length, mark.actions);
  env.notify.pending.length = Math.min(env.notify.pending.length, mark.pending);
}

/**
 * At COMMIT (AtCommit_Notify): applies the transaction's LISTEN / UNLISTEN actions in order,
 * then hands its notifications to the engine. `deferred`: the commit becomes visible only once
 * durable, and so are its notifications sent.
 */
export function commitNotify(env: SqlEnv, deferred: boolean): void {
  const st = env.notify;
  for (const a of st.actions) {
    if (a.kind === 'listen') st.listening.add(a.channel);
    else if (a.kind === 'unlisten') st.listening.delete(a.channel);
    else st.listening.clear();
  }
  st.actions.length = 0;
  if (st.pending.length === 0) return;
  const sent = st.pending.slice();
  st.pending.length = 0;
  env.engine.notify?.(env, sent, deferred);
}

/** At ROLLBACK: forgets what the transaction queued. */
export function abortNotify(env: SqlEnv): void {
  env.notify.actions.length = 0;
  env.notify.pending.length = 0;
}
