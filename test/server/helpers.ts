/** A vecgres server on an ephemeral loopback port, for the client tests. */
import { Vecgres } from '../../src/index.js';
import { VecgresServer, type ServerOptions } from '../../src/server/server.js';

export interface TestServer {
  db: Vecgres;
  server: VecgresServer;
  port: number;
  /** node-postgres / postgres.js connection settings. */
  conn: { host: string; port: number; user: string; password: string; database: string };
  url: string;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse';

export async function startServer(opts: Partial<ServerOptions> = {}): Promise<TestServer> {
  const db = await Vecgres.create();
  const logs: string[] = [];
  const server = await VecgresServer.start({
    db: db.database,
    port: 0,
    users: { postgres: PASSWORD },
    log: (l) => logs.push(l),
    ...opts,
  });
  const port = server.port;
  return {
    db,
    server,
    port,
    conn: { host: '127.0.0.1', port, user: 'postgres', password: PASSWORD, database: 'postgres' },
    url: `postgresql://postgres:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/postgres`,
    async close() {
      await server.close();
      await db.close();
      if (logs.length > 0) throw new Error(`server logged: ${logs.join('\n')}`);
    },
  };
}
