/**
 * HNSW over sparsevec: vecgres against PGlite + pgvector, both through SQL, on the same data.
 *
 *   npm run bench -- sparsevec [--rows N] [--queries N] [--ef 40,80,...] [--op cosine|ip|l2|l1] [--peers vecgres,pglite]
 *                              [--checkpoint] [--updates N]
 *
 * Data (synthetic, labelled so): bag-of-words vectors as learned sparse embeddings (SPLADE and
 * the like) look, 30,000 dimensions, 20-60 non-zeros each, 85% of the terms from one of 40
 * topics' 300-term vocabularies and the rest from anywhere, positive weights with 10% negative;
 * queries drawn the same way from another seed. Ground truth: exact top-10 by the operator's
 * distance (the type's own distance functions); recall@10 is tie-aware (a returned row counts
 * when its distance is within the 10th nearest's). Both systems build with m = 16,
 * ef_construction = 64; queries run one at a time with the literal inlined.
 *
 * Then (alone with --checkpoint) the bytes a CHECKPOINT writes after --updates UPDATEs of the
 * vecgres index (each row's vector replaced by one drawn from a third seed), on an in-memory
 * data directory, with the index's whole save beside it (bench/support/checkpoint_bytes.ts).
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Prng } from '../src/common/prng.js';
import { Vecgres } from '../src/index.js';
import {
  SparseVector, formatSparsevec, sparsevecCosineDistance, sparsevecL1Distance, sparsevecL2Distance, sparsevecNegativeInnerProduct,
} from '../src/types/sparsevec.js';
import { nowMs } from './support/timing.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';
import { checkpointAfterUpdates, checkpointLine } from './support/checkpoint_bytes.js';
import { loadAverage } from './support/machine.js';
import { MemoryFs } from '../src/storage/fs_memory.js';

const DIM = 30000;
const K = 10;
const OPS = {
  cosine: ['sparsevec_cosine_ops', '<=>', sparsevecCosineDistance],
  ip: ['sparsevec_ip_ops', '<#>', sparsevecNegativeInnerProduct],
  l2: ['sparsevec_l2_ops', '<->', sparsevecL2Distance],
  l1: ['sparsevec_l1_ops', '<+>', sparsevecL1Distance],
} as const;

const SPECS = {
  rows: { kind: 'number', default: 10000, help: 'rows' },
  queries: { kind: 'number', default: 200, help: 'queries' },
  ef: { kind: 'numbers', default: [40, 80, 160, 320], help: 'hnsw.ef_search sweep' },
  op: { kind: 'string', default: 'cosine', help: 'the distance', choices: Object.keys(OPS) },
  peers: { kind: 'strings', default: ['vecgres', 'pglite'], help: 'systems, of vecgres, pglite' },
  checkpoint: { kind: 'flag', default: false, help: 'only the checkpoint measurement' },
  updates: { kind: 'number', default: 1000, help: 'UPDATEs before the measured checkpoint' },
} satisfies OptionSpecs;

/** The bench's sparse vectors (module comment). */
function sparseVectors(n: number, seed: number): SparseVector[] {
  const p = new Prng(seed);
  const topics = Array.from({ length: 40 }, () => Int32Array.from({ length: 300 }, () => Math.floor(p.next() * DIM)));
  return Array.from({ length: n }, () => {
    const topic = topics[Math.floor(p.next() * topics.length)]!;
    const terms = new Map<number, number>();
    const nnz = 20 + Math.floor(p.next() * 41);
    for (let i = 0; i < nnz; i++) {
      const idx = p.next() < 0.85 ? topic[Math.floor(p.next() * topic.length)]! : Math.floor(p.next() * DIM);
      terms.set(idx, Math.fround((p.next() < 0.1 ? -1 : 1) * (0.05 + p.next() * 2)));
    }
    const idx = Int32Array.from([...terms.keys()].sort((a, b) => a - b));
    return new SparseVector(DIM, idx, Float32Array.from(idx, (i) => terms.get(i)!));
  });
}

/** What a peer needs: run SQL, and get the rows of a query. */
interface SqlPeer {
  name: string;
  exec(sql: string): Promise<void>;
  ids(sql: string): Promise<number[]>;
  /** EXPLAIN's lines for `sql`. */
  plan(sql: string): Promise<string>;
  close(): Promise<void>;
}

async function vecgresPeer(): Promise<SqlPeer> {
  const db = await Vecgres.create();
  return {
    name: 'vecgres',
    exec: async (sql) => void (await db.exec(sql)),
    ids: async (sql) => (await db.query<{ id: number }>(sql)).rows.map((r) => r.id),
    plan: async (sql) => (await db.query<Record<string, string>>(`EXPLAIN ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n'),
    close: () => db.close(),
  };
}

async function pglitePeer(): Promise<SqlPeer> {
  const pg = await PGlite.create({ extensions: { vector } });
  await pg.exec('CREATE EXTENSION vector');
  return {
    name: 'pglite+pgvector',
    exec: async (sql) => void (await pg.exec(sql)),
    ids: async (sql) => (await pg.query<{ id: number }>(sql)).rows.map((r) => r.id),
    plan: async (sql) => (await pg.query<Record<string, string>>(`EXPLAIN ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n'),
    close: () => pg.close(),
  };
}

/** Entry point: `npm run bench -- sparsevec ...`. */
export async function benchSparsevec(args: string[]): Promise<void> {
  const o = parseBenchArgs('sparsevec', 'HNSW over sparsevec vs PGlite + pgvector on synthetic sparse data.', SPECS, args);
  const [opclass, op, fn] = OPS[o.op as keyof typeof OPS];
  const base = sparseVectors(o.rows, 1);
  const queries = sparseVectors(o.queries, 2);
  const text = (v: SparseVector): string => `'${formatSparsevec(v)}'`;
  if (o.checkpoint) {
    await checkpointBench(base, o.updates, opclass, text);
    return;
  }
  // Tie-aware ground truth: each query's 10th smallest distance.
  const kth = queries.map((q) => base.map((b) => fn(q, b)).sort((a, b) => a - b)[K - 1]!);
  const nnz = base.reduce((s, v) => s + v.nnz, 0) / base.length;
  console.log(`sparsevec HNSW (${opclass}): ${o.rows} rows of ${DIM} dimensions, ${nnz.toFixed(1)} non-zeros on average, ${o.queries} queries; m = 16, ef_construction = 64`);
  console.log('| system | build s | index MB | ef_search | recall@10 | QPS | p50 ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const name of o.peers) {
    const peer = name === 'pglite' ? await pglitePeer() : await vecgresPeer();
    try {
      await peer.exec(`CREATE TABLE items (id int PRIMARY KEY, s sparsevec(${DIM}))`);
      for (let i = 0; i < base.length; i += 500) {
        const parts: string[] = [];
        for (let r = i; r < Math.min(base.length, i + 500); r++) parts.push(`(${r}, ${text(base[r]!)})`);
        await peer.exec(`INSERT INTO items VALUES ${parts.join(',')}`);
      }
      await peer.exec(`SET maintenance_work_mem = '1GB'`);
      const t0 = nowMs();
      await peer.exec(`CREATE INDEX items_s ON items USING hnsw (s ${opclass})`);
      const buildS = (nowMs() - t0) / 1000;
      const bytes = (await peer.ids(`SELECT pg_relation_size('items_s')::int AS id`))[0]!;
      await peer.exec('ANALYZE items');
      let plan = await peer.plan(`SELECT id FROM items ORDER BY s ${op} ${text(queries[0]!)} LIMIT ${K}`);
      // On a small table the planner rightly prefers the exact scan; the benchmark measures the index.
      if (!plan.includes('items_s')) {
        await peer.exec('SET enable_seqscan = off');
        plan = await peer.plan(`SELECT id FROM items ORDER BY s ${op} ${text(queries[0]!)} LIMIT ${K}`);
      }
      if (!plan.includes('items_s')) throw new Error(`${peer.name}: the plan does not use the index:\n${plan}`);
      for (const ef of o.ef) {
        await peer.exec(`SET hnsw.ef_search = ${ef}`);
        let hit = 0;
        const lat: number[] = [];
        const t = nowMs();
        for (let q = 0; q < queries.length; q++) {
          const s = nowMs();
          const ids = await peer.ids(`SELECT id FROM items ORDER BY s ${op} ${text(queries[q]!)} LIMIT ${K}`);
          lat.push(nowMs() - s);
          for (const id of ids) if (fn(queries[q]!, base[id]!) <= kth[q]! + 1e-6) hit++;
        }
        const secs = (nowMs() - t) / 1000;
        lat.sort((a, b) => a - b);
        console.log(`| ${peer.name} | ${buildS.toFixed(2)} | ${(bytes / 1048576).toFixed(1)} | ${ef} | ${(hit / (queries.length * K)).toFixed(3)} | ${(queries.length / secs).toFixed(0)} | ${lat[lat.length >> 1]!.toFixed(2)} |`);
      }
    } finally {
      await peer.close();
    }
  }
  if (o.peers.includes('vecgres')) await checkpointBench(base, o.updates, opclass, text);
}

/** The checkpoint measurement of the module comment. */
async function checkpointBench(base: SparseVector[], updates: number, opclass: string, text: (v: SparseVector) => string): Promise<void> {
  console.log(`# sparsevec checkpoint: load average ${loadAverage()}`);
  const db = await Vecgres.create('db', { storage: new MemoryFs() });
  try {
    await db.exec(`CREATE TABLE items (id int PRIMARY KEY, s sparsevec(${DIM}))`);
    for (let i = 0; i < base.length; i += 500) {
      const parts: string[] = [];
      for (let r = i; r < Math.min(base.length, i + 500); r++) parts.push(`(${r}, ${text(base[r]!)})`);
      await db.exec(`INSERT INTO items VALUES ${parts.join(',')}`);
    }
    await db.exec(`CREATE INDEX items_s ON items USING hnsw (s ${opclass})`);
    const fresh = sparseVectors(updates, 3);
    const p = new Prng(4);
    const ids = new Set<number>();
    while (ids.size < Math.min(updates, base.length)) ids.add(Math.floor(p.next() * base.length));
    const order = [...ids];
    const r = await checkpointAfterUpdates(db, 'items_s', order.length, (k) => db.exec(`UPDATE items SET s = ${text(fresh[k]!)} WHERE id = ${order[k]}`).then(() => undefined));
    console.log(`sparsevec ${opclass}, ${base.length} rows: ${checkpointLine(order.length, r)}`);
  } finally {
    await db.close();
  }
}
