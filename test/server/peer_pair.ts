/**
 * Two node-postgres clients for a wire differential test: one connected to PGlite + pgvector
 * behind pglite-socket (PostgreSQL's answers), one to a vecgres server, each collecting its
 * notices as `severity code message`.
 */
import pg from 'pg';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { startServer } from './helpers.js';
import { startPglite } from '../support/pglite_start.js';

export interface PeerPair {
  theirs: pg.Client;
  mine: pg.Client;
  theirNotices: string[];
  myNotices: string[];
  /** Ends both clients and stops both servers. */
  close(): Promise<void>;
}

/** What one side reported in a ParameterStatus message (its startup reports included). */
export type ParameterStatusHook = (side: 'theirs' | 'mine', name: string, value: string) => void;

/**
 * Starts both servers and connects a client to each; `setupSql` runs on PGlite before it
 * listens; `onParameterStatus` sees every ParameterStatus either client receives.
 */
export async function connectPeerPair(setupSql?: string, onParameterStatus?: ParameterStatusHook): Promise<PeerPair> {
  const pglite = await startPglite();
  if (setupSql !== undefined) await pglite.exec(setupSql);
  const socketServer = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1' });
  await socketServer.start();
  const [, pgPort] = socketServer.getServerConn().split(':');
  const ours = await startServer();
  const theirs = new pg.Client({ host: '127.0.0.1', port: Number(pgPort), user: 'postgres', database: 'postgres' });
  const mine = new pg.Client(ours.conn);
  const theirNotices: string[] = [];
  const myNotices: string[] = [];
  theirs.on('notice', (n) => theirNotices.push(`${n.severity} ${n.code} ${n.message}`));
  mine.on('notice', (n) => myNotices.push(`${n.severity} ${n.code} ${n.message}`));
  if (onParameterStatus !== undefined) {
    for (const [side, c] of [['theirs', theirs], ['mine', mine]] as const) {
      (c as unknown as { connection: { on(e: string, f: (m: { parameterName: string; parameterValue: string }) => void): void } }).connection.on('parameterStatus', (m) => onParameterStatus(side, m.parameterName, m.parameterValue));
    }
  }
  const close = async (): Promise<void> => {
    await mine.end().catch(() => undefined);
    await theirs.end().catch(() => undefined);
    await socketServer.stop();
    await pglite.close();
    await ours.close();
  };
  try {
    await theirs.connect();
    await mine.connect();
  } catch (e) {
    await close();
    throw e;
  }
  return { theirs, mine, theirNotices, myNotices, close };
}
