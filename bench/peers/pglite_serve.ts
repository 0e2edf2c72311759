/**
 * PGlite + pgvector behind pglite-socket in a process of its own (the server benchmark's
 * peer): prints `listening on 127.0.0.1:<port>` on stderr once it accepts connections, up to
 * --max-connections at once (pglite-socket's multiplexer over PGlite's one connection).
 *
 *   node dist/bench/peers/pglite_serve.js [--max-connections N]
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const i = process.argv.indexOf('--max-connections');
const maxConnections = i >= 0 ? Number(process.argv[i + 1]) : 16;
const db = await PGlite.create({ extensions: { vector } });
const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections });
await server.start();
process.stderr.write(`listening on ${server.getServerConn()}\n`);
const stop = async (): Promise<void> => {
  await server.stop();
  await db.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
