#!/usr/bin/env node
/**
 * The `vecgres` command line. Thin: every command parses its options and calls the embedded
 * API (src/index.ts), which is the same entry point applications use.
 */
import { Command, InvalidArgumentError } from 'commander';
import { runDemo } from './demo.js';
import { GloveMissingError } from './glove.js';
import { runServe } from './serve.js';
import { runDump } from './dump.js';
import { AUTH_METHODS, type AuthMethod } from '../protocol/auth.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a TCP port (0 picks a free one)');
  return n;
}

const program = new Command();
program.name('vecgres').description('A pgvector-compatible vector database for Node.js');

program
  .command('demo')
  .description(
    'Load the GloVe 100-d word vectors into a table, build an HNSW index and print recall@10, QPS and latency per hnsw.ef_search',
  )
  .option('--rows <n>', 'base rows to load (default: all 340,479)', positiveInt)
  .option('--queries <n>', 'held-out query words (default: 1,000)', positiveInt)
  .option('--ef-search <list>', 'comma-separated hnsw.ef_search values', '10,20,40,80,120,200,400')
  .option('--seed <n>', 'shuffle seed of the base/query split', positiveInt, 42)
  .option('--json', 'print one JSON object per line instead of tables')
  .option('--data <dir>', 'keep the database in this directory; a second run reopens it instead of loading and building')
  .action(async (opts: { rows?: number; queries?: number; efSearch: string; seed: number; json?: boolean; data?: string }) => {
    const efSearch = opts.efSearch.split(',').map((s) => positiveInt(s.trim()));
    await runDemo({
      ...(opts.rows !== undefined ? { rows: opts.rows } : {}),
      queries: opts.queries ?? 1000,
      efSearch,
      seed: opts.seed,
      json: opts.json === true,
      ...(opts.data !== undefined ? { dataDir: opts.data } : {}),
    });
  });

program
  .command('serve')
  .description('Serve a database over the PostgreSQL wire protocol (psql, node-postgres, postgres.js ... connect unchanged)')
  .option('--data <dir>', 'data directory (created if missing); default: in memory')
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--port <n>', 'TCP port (0: any free port, printed at start)', port, 5432)
  .option('--max-connections <n>', 'most concurrent connections', positiveInt, 100)
  .option('--auth <method>', `authentication: ${AUTH_METHODS.join(' | ')}`, (v: string) => {
    if (!(AUTH_METHODS as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be one of ${AUTH_METHODS.join(', ')}`);
    return v as AuthMethod;
  }, 'scram-sha-256' as AuthMethod)
  .option('--user <name>', 'user name the password belongs to', 'postgres')
  .option('--password <password>', 'password of --user (prefer the environment variable VECGRES_PASSWORD or --password-file)')
  .option('--password-file <file>', 'file of user:password lines (or one password for --user)')
  .option('--max-message-bytes <n>', 'largest message a client may send', positiveInt)
  .option('--tls-cert <file>', 'PEM certificate (chain) for TLS; with --tls-key, clients may connect with sslmode=require')
  .option('--tls-key <file>', 'PEM private key of --tls-cert')
  .option('--tls-required', 'refuse connections that do not use TLS')
  .option('-c, --set <name=value>', 'a setting, as postgres -c (repeatable): shared_buffers=2GB, max_wal_size=4GB, hnsw.ef_search=100', (v: string, acc: string[] = []) => [...acc, v])
  .action(async (opts: { data?: string; host: string; port: number; maxConnections: number; auth: AuthMethod; user: string; password?: string; passwordFile?: string; maxMessageBytes?: number; tlsCert?: string; tlsKey?: string; tlsRequired?: boolean; set?: string[] }) => {
    await runServe(opts);
  });

program
  .command('dump')
  .description('Write a database as a SQL script that PostgreSQL + pgvector loads (pg_dump plain format): psql "$URL" -f dump.sql')
  .option('--data <dir>', 'data directory to dump (not while a vecgres serve has it open)')
  .option('-h, --host <host>', 'dump a running vecgres serve at this host instead (password from PGPASSWORD or ~/.pgpass)')
  .option('-p, --port <n>', 'its port', port)
  .option('-U, --user <name>', 'user to connect as')
  .option('-d, --dbname <name>', 'database name, or a connection string (postgresql://user@host:port/db)')
  .option('-f, --file <file>', 'output file (default: standard output)')
  .option('--inserts', 'write rows as INSERT statements instead of COPY')
  .option('-t, --table <name...>', 'dump only these tables (with their sequences and indexes)')
  .action(async (opts: { data?: string; host?: string; port?: number; user?: string; dbname?: string; file?: string; inserts?: boolean; table?: string[] }) => {
    await runDump(opts);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof GloveMissingError) {
    console.error(e.message);
    process.exit(2);
  }
  console.error(e instanceof Error ? `${e.name === 'error' ? 'ERROR' : e.name}: ${e.message}` : e);
  process.exit(1);
});
