/**
 * The server benchmark (`npm run bench -- server`): concurrent clients over the wire protocol
 * on loopback against `vecgres serve`, PGlite + pgvector behind pglite-socket and, when
 * PGVECTOR_URL is set, native PostgreSQL + pgvector. Each server runs in a process of its own;
 * the clients (node-postgres) run here.
 *
 * Data: GloVe 100-d (the demo / hnsw split: seeded shuffle, held-out query words), --rows base
 * rows loaded with multi-row INSERTs, then an HNSW index (cosine, m = 16, ef_construction =
 * 64) and hnsw.ef_search = --ef for every connection. Workload per client, until --seconds
 * pass: 90% `SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10` with a held-out query
 * vector, 10% `INSERT` of a held-out vector (seeded choices). Printed per server and client
 * count: operations per second, query p50 / p99 latency, errors; the 16-client QPS over the
 * 1-client QPS; vecgres' QPS over each peer's.
 *
 *   npm run bench -- server [--rows N] [--seconds S] [--clients N] [--ef N] [--peers vecgres,pglite,postgres]
 *
 * The issue's target run: `--rows 340479 --seconds 60` (default: 20,000 rows, 10 s, small
 * enough for a laptop; PGlite's index build is the slow part).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { loadGlove } from '../src/cli/glove.js';
import { Prng } from '../src/common/prng.js';
import { latencySummary } from './support/stats.js';
import { nowMs } from './support/timing.js';
import { parseBenchArgs, type OptionSpecs, type OptionValues } from './support/args.js';

const SPECS = {
  rows: { kind: 'number', default: 20000, help: 'rows in the table' },
  seconds: { kind: 'number', default: 10, help: 'seconds of load per server' },
  clients: { kind: 'number', default: 16, help: 'concurrent clients' },
  ef: { kind: 'number', default: 100, help: 'hnsw.ef_search' },
  peers: { kind: 'strings', default: ['vecgres', 'pglite', 'postgres'], help: 'servers, of vecgres, pglite, postgres (postgres: PGVECTOR_URL)' },
} satisfies OptionSpecs;
type Options = OptionValues<typeof SPECS>;

/** A server under test: how to connect, and how to stop it. */
interface Target {
  name: string;
  config: pg.ClientConfig;
  stop(): Promise<void>;
}

/** Starts `node <script> ...args` and waits for its `listening on host:port` line. */
async function spawnServer(name: string, script: string, args: string[]): Promise<Target> {
  const child: ChildProcess = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on [\d.]+:(\d+)/.exec(err);
      if (m !== null) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${err}`)));
  });
  return {
    name,
    config: { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const vecText = (m: Float32Array, i: number, dim: number): string => {
  const parts: string[] = new Array(dim);
  for (let d = 0; d < dim; d++) parts[d] = String(m[i * dim + d]);
  return `[${parts.join(',')}]`;
};

/** Creates the table, loads the rows, builds the index; returns the load and build seconds. */
async function load(t: Target, base: Float32Array, rows: number, dim: number, schema: string): Promise<{ loadS: number; buildS: number }> {
  const c = new pg.Client(t.config);
  await c.connect();
  try {
    await c.query('CREATE EXTENSION IF NOT EXISTS vector');
    if (schema !== 'public') await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path = ${schema}, public`);
    await c.query(`CREATE TABLE items (id int PRIMARY KEY, embedding vector(${dim}))`);
    const t0 = nowMs();
    const BATCH = 500;
    for (let i = 0; i < rows; i += BATCH) {
      const vals: string[] = [];
      for (let r = i; r < Math.min(rows, i + BATCH); r++) vals.push(`(${r}, '${vecText(base, r, dim)}')`);
      await c.query(`INSERT INTO items VALUES ${vals.join(',')}`);
    }
    const t1 = nowMs();
    await c.query('CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)');
    return { loadS: (t1 - t0) / 1000, buildS: (nowMs() - t1) / 1000 };
  } finally {
    await c.end();
  }
}

interface RunResult {
  clients: number;
  ops: number;
  qps: number;
  p50: number;
  p99: number;
  errors: number;
  firstError: string | null;
}

/** `clients` connections running the 90/10 mix for `seconds`. */
async function run(t: Target, o: Options, clients: number, queries: Float32Array, nQueries: number, dim: number, schema: string, nextId: { v: number }): Promise<RunResult> {
  const conns: pg.Client[] = [];
  for (let i = 0; i < clients; i++) {
    const c = new pg.Client({ ...t.config, options: `-c hnsw.ef_search=${o.ef}${schema === 'public' ? '' : ` -c search_path=${schema},public`}` });
    await c.connect();
    conns.push(c);
  }
  const qText = Array.from({ length: nQueries }, (_, i) => vecText(queries, i, dim));
  const latencies: number[] = [];
  let ops = 0;
  let errors = 0;
  let firstError: string | null = null;
  const t0 = nowMs();
  const deadline = t0 + o.seconds * 1000;
  await Promise.all(
    conns.map(async (c, ci) => {
      const rng = new Prng(1000 + ci);
      while (nowMs() < deadline) {
        const q = qText[rng.nextU32() % nQueries]!;
        try {
          if (rng.nextU32() % 10 === 0) {
            await c.query('INSERT INTO items VALUES ($1, $2)', [nextId.v++, q]);
          } else {
            const s = nowMs();
            await c.query('SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10', [q]);
            latencies.push(nowMs() - s);
          }
          ops++;
        } catch (e) {
          errors++;
          firstError ??= e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  const elapsed = (nowMs() - t0) / 1000;
  await Promise.all(conns.map((c) => c.end()));
  const lat = latencySummary(Float64Array.from(latencies));
  return { clients, ops, qps: ops / elapsed, p50: lat.p50, p99: lat.p99, errors, firstError };
}

export async function benchServer(args: string[]): Promise<void> {
  const o = parseBenchArgs('server', 'Concurrent clients over the wire protocol, 90% k-NN / 10% INSERT, vs pglite-socket and native pgvector.', SPECS, args);
  const glove = loadGlove({ rows: o.rows, queries: 1000 });
  const dim = glove.dim;
  const rows = glove.base.length / dim;
  const nQueries = glove.queries.length / dim;
  const main = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
  const pgliteMain = join(import.meta.dirname, 'peers', 'pglite_serve.js');
  const peers = o.peers.filter((p) => p !== 'postgres' || process.env['PGVECTOR_URL'] !== undefined);
  console.log(`server benchmark: GloVe ${rows} rows x ${dim}-d, HNSW cosine m=16 ef_construction=64, ef_search=${o.ef}, 90% k-NN (LIMIT 10) / 10% INSERT, ${o.seconds} s per run`);
  const results: Record<string, RunResult[]> = {};
  for (const name of peers) {
    let t: Target;
    let schema = 'public';
    if (name === 'vecgres') t = await spawnServer(name, main, ['serve', '--port', '0', '--auth', 'trust', '--max-connections', String(o.clients + 4)]);
    else if (name === 'pglite') t = await spawnServer(name, pgliteMain, ['--max-connections', String(o.clients + 4)]);
    else if (name === 'postgres') {
      t = { name, config: { connectionString: process.env['PGVECTOR_URL']! }, stop: async () => undefined };
      schema = 'vecgres_bench';
    } else throw new Error(`unknown peer ${name}`);
    try {
      const { loadS, buildS } = await load(t, glove.base, rows, dim, schema);
      console.log(`${name}: loaded in ${loadS.toFixed(1)} s, index built in ${buildS.toFixed(1)} s`);
      const nextId = { v: rows };
      results[name] = [];
      for (const clients of [1, o.clients]) {
        const r = await run(t, o, clients, glove.queries, nQueries, dim, schema, nextId);
        results[name].push(r);
        console.log(
          `${name.padEnd(8)} clients ${String(clients).padStart(2)}: ${r.qps.toFixed(0).padStart(6)} ops/s  query p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  errors ${r.errors}${r.firstError === null ? '' : ` (${r.firstError})`}`,
        );
      }
      if (schema !== 'public') {
        const c = new pg.Client(t.config);
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    } finally {
      await t.stop();
    }
  }
  const mine = results['vecgres'];
  if (mine !== undefined) {
    console.log(`vecgres ${o.clients} clients / 1 client: ${(mine[1]!.qps / mine[0]!.qps).toFixed(2)}x (goal >= 1.7x)`);
    for (const [name, r] of Object.entries(results)) {
      if (name === 'vecgres') continue;
      console.log(`vecgres / ${name} at ${o.clients} clients: ${(mine[1]!.qps / r[1]!.qps).toFixed(2)}x QPS${name === 'postgres' ? ' (goal >= 2x)' : ''}`);
    }
  }
}
