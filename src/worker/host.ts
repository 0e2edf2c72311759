/**
 * The worker thread of a {@link VecgresWorker}: it opens the database with {@link Vecgres} and
 * answers the requests of worker/messages.ts on its parent port, so a statement here runs
 * exactly as it runs in the application's thread (the same sessions, transaction() rules,
 * value shapes and errors), and a long one (a CREATE INDEX, an exact scan over many rows)
 * blocks this thread instead of the application's event loop. The engine's own parallel pool
 * (kernels/workers.ts) starts its workers from here, as nested worker threads.
 *
 * Requests run concurrently, as calls on a Vecgres in one thread do: each session orders its
 * own statements. When the parent port closes (the VecgresWorker closed, or the application
 * ended), the thread ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { assert } from '../common/assert.js';
import { Vecgres, type QueryOptions, type Transaction, type VecgresOptions, type Queryable, type VecgresSession } from '../index.js';
import { errorToWire, type HostEvent, type Request, type WireQueryOptions } from './messages.js';

/** What the creating thread hands over (structured-clonable options, callback flags). */
export interface HostInit {
  options: Omit<VecgresOptions, 'onNotice' | 'onIndexBuildProgress' | 'storage' | 'clock'>;
  /** The creator has a database-wide onNotice. */
  notice: boolean;
  /** The creator has an onIndexBuildProgress. */
  progress: boolean;
  /**
   * Test hook: a shared word the thread waits on (while it is 0) right after it sent the first
   * build progress event of index `index`, so a test holds that CREATE INDEX mid-build, the
   * thread busy, as long as it wants; it stores 1 and notifies to let it go on.
   */
  progressGate?: { word: Int32Array; index: string };
}

const port = parentPort;
assert(port !== null, 'worker/host.js runs only as a worker thread');
const init = workerData as HostInit;

const post = (m: HostEvent): void => port.postMessage(m);

let db: Vecgres;
try {
  let gate = init.progressGate;
  const opts: VecgresOptions = { ...init.options };
  if (init.notice) opts.onNotice = (n) => post({ type: 'notice', id: 0, notice: errorToWire(n) });
  if (init.progress || gate !== undefined) {
    opts.onIndexBuildProgress = (progress) => {
      if (init.progress) post({ type: 'progress', progress: { ...progress } });
      if (gate !== undefined && gate.index === progress.index) {
        const g = gate.word;
        gate = undefined;
        while (Atomics.load(g, 0) === 0) Atomics.wait(g, 0, 0);
      }
    };
  }
  db = await Vecgres.create(opts);
} catch (e) {
  post({ type: 'openFailed', error: errorToWire(e) });
  port.close();
  process.exit(0);
}

/** Sessions by id: 0 is the database's own. */
const sessions = new Map<number, Queryable & Partial<Pick<VecgresSession, 'release'>>>([[0, db]]);
let nextSession = 1;

/**
 * Sends session `sid`'s notifications to the caller, whose listen() / onNotification()
 * callbacks run there. Vecgres calls this callback in a microtask queued when the statement
 * that delivered the notification ended, before that statement's call settles, so the event
 * goes out before its reply.
 */
function forwardNotifications(sid: number, s: Pick<VecgresSession, 'onNotification'>): void {
  s.onNotification((channel, payload) => post({ type: 'notification', sid, channel, payload }));
}
forwardNotifications(0, db);
/** Open transaction() calls by the id of their txBegin request: the Transaction and how to end the callback. */
const txs = new Map<number, { tx: Transaction; end: (ok: boolean) => void }>();

/** Thrown inside the host's transaction callback when the caller's callback threw (its error stays with the caller). */
class CallerFailed extends Error {}

function queryOptions(id: number, o: WireQueryOptions): QueryOptions {
  const q: QueryOptions = {};
  if (o.rowMode !== undefined) q.rowMode = o.rowMode;
  if (o.vectorFormat !== undefined) q.vectorFormat = o.vectorFormat;
  if (o.blob !== undefined) q.blob = o.blob;
  // The statement's notices carry its request id whether the query or the database handles
  // them, so the caller can fail this call when its handler throws, as Vecgres's call fails.
  if (o.notice === true || init.notice) q.onNotice = (n) => post({ type: 'notice', id, notice: errorToWire(n) });
  return q;
}

function session(sid: number): Queryable & Partial<Pick<VecgresSession, 'release'>> {
  const s = sessions.get(sid);
  assert(s !== undefined, `no session ${sid}`);
  return s;
}

async function run(m: Request): Promise<unknown> {
  switch (m.op) {
    case 'query':
      return session(m.sid).query(m.sql, m.params, queryOptions(m.id, m.opts));
    case 'exec':
      return session(m.sid).exec(m.sql, queryOptions(m.id, m.opts));
    case 'describe':
      return session(m.sid).describeQuery(m.sql);
    case 'connect': {
      const s = await db.connect();
      const sid = nextSession++;
      sessions.set(sid, s);
      forwardNotifications(sid, s);
      return sid;
    }
    case 'release': {
      const s = session(m.sid);
      sessions.delete(m.sid);
      await s.release?.();
      return undefined;
    }
    case 'txBegin': {
      let ok!: (v: boolean) => void;
      const ended = new Promise<boolean>((resolve) => (ok = resolve));
      await session(m.sid).transaction(async (tx) => {
        txs.set(m.id, { tx, end: ok });
        post({ type: 'txReady', id: m.id });
        try {
          if (!(await ended)) throw new CallerFailed();
        } finally {
          txs.delete(m.id);
        }
      });
      return undefined;
    }
    case 'tx': {
      const t = txs.get(m.tx);
      // The transaction ended (its callback returned or threw): as Vecgres's closed Transaction.
      if (t === undefined) throw new Error('Transaction is closed');
      if (m.kind === 'query') return t.tx.query(m.sql, m.params, queryOptions(m.id, m.opts));
      if (m.kind === 'exec') return t.tx.exec(m.sql, queryOptions(m.id, m.opts));
      return t.tx.rollback();
    }
    case 'txEnd':
      txs.get(m.tx)?.end(m.ok);
      return undefined;
    case 'dump':
      return db.dump((chunk) => post({ type: 'chunk', id: m.id, chunk }), m.opts);
    case 'dumpDataDir': {
      // The archive's bytes cross the thread; the caller's side makes the File again.
      const f = await db.dumpDataDir(m.compression);
      return { name: 'name' in f ? (f as File).name : '', type: f.type, bytes: new Uint8Array(await f.arrayBuffer()) };
    }
    case 'close':
      await db.close();
      return undefined;
    case 'exit':
      process.exit(m.code);
  }
}

port.on('message', (m: Request) => {
  void run(m).then(
    (value) => {
      if (m.op === 'txEnd') return;
      try {
        post({ type: 'reply', id: m.id, ok: true, value });
      } catch (e) {
        // A value that does not clone (none of the API's shapes) fails the call, not the thread.
        post({ type: 'reply', id: m.id, ok: false, error: errorToWire(e) });
      }
      if (m.op === 'close') port.close();
    },
    (e: unknown) => {
      if (m.op === 'txEnd') return;
      post({ type: 'reply', id: m.id, ok: false, error: errorToWire(e instanceof CallerFailed ? new Error('transaction callback failed') : e) });
    },
  );
});
post({ type: 'ready', notices: db.notices.map(errorToWire) });
