/**
 * GIN: metadata filters beside k-NN, vecgres with and without a GIN index against PGlite +
 * pgvector with one, all through SQL on the same rows.
 *
 *   npm run bench -- gin [--rows N] [--queries N] [--peers vecgres,vecgres-nogin,pglite]
 *
 * Data (synthetic, labelled so): 32-d vectors drawn uniformly from a seeded PRNG, and per row a
 * jsonb `metadata` `{"source": "s<i mod 1000>", "lang": "en"|"de", "tags": ["t<i mod 50>"]}` and a
 * `labels int[]` of two labels out of 100, as LangChain-style document metadata and
 * pgvectorscale-style label arrays look. Each system has an HNSW index (cosine, m = 16,
 * ef_construction = 64) and, but for `vecgres-nogin`, `USING gin (metadata jsonb_path_ops)` and
 * `USING gin (labels)`. Queries, one at a time with the literal inlined, `ORDER BY embedding
 * <=> q LIMIT 10` under a filter keeping 0.1% (`metadata @> '{"source": ...}'`), 1% (`labels &&
 * '{l}'`), 2% (`metadata @> '{"tags": ["t.."]}'`) and 50% (`metadata @> '{"lang": "en"}'`) of the
 * rows. Ground truth: exact top-10 by cosine distance among the rows the filter keeps (ties
 * counted: a row is a hit within the 10th distance; a query with fewer matching rows wants them all). Prints recall@10, QPS, p50 / p99, the GIN
 * build time and bytes (pg_relation_size), and the process's peak resident memory after each
 * system (a high-water mark: it only grows).
 */
import { Prng } from '../src/common/prng.js';
import { PgliteSqlPeer, VecgresSqlPeer, type SqlPeer } from './peers/sql-peer.js';
import { nowMs } from './support/timing.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';
import { latencySummary } from './support/stats.js';
import { formatBytes, sampleMemory } from './support/memory.js';
import { loadAverage } from './support/machine.js';

const DIM = 32;
const K = 10;

const SPECS = {
  rows: { kind: 'number', default: 100000, help: 'rows' },
  queries: { kind: 'number', default: 100, help: 'queries per filter' },
  peers: { kind: 'strings', default: ['vecgres', 'vecgres-nogin', 'pglite'], help: 'systems, of vecgres, vecgres-nogin, pglite' },
} satisfies OptionSpecs;

interface Row {
  vec: Float32Array;
  source: number;
  lang: string;
  tag: number;
  labels: [number, number];
}

function rows(n: number, seed: number): Row[] {
  const p = new Prng(seed);
  return Array.from({ length: n }, (_, i) => ({
    vec: Float32Array.from({ length: DIM }, () => p.next() * 2 - 1),
    source: i % 1000,
    lang: i % 2 === 0 ? 'en' : 'de',
    tag: i % 50,
    labels: [Math.floor(p.next() * 100), Math.floor(p.next() * 100)],
  }));
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return 1 - dot / Math.sqrt(na * nb);
}

const vecText = (v: Float32Array): string => `[${Array.from(v, (x) => x.toFixed(6)).join(',')}]`;

/** A filter: its SQL, the rows it keeps (for the ground truth), and what it keeps. */
interface Filter {
  name: string;
  sql: (q: number) => string;
  keeps: (r: Row, q: number) => boolean;
}

const FILTERS: readonly Filter[] = [
  { name: 'source 0.1%', sql: (q) => `metadata @> '{"source": "s${(q * 37) % 1000}"}'`, keeps: (r, q) => r.source === (q * 37) % 1000 },
  { name: 'label 1%', sql: (q) => `labels && '{${q % 100}}'`, keeps: (r, q) => r.labels[0] === q % 100 || r.labels[1] === q % 100 },
  { name: 'tag 2%', sql: (q) => `metadata @> '{"tags": ["t${q % 50}"]}'`, keeps: (r, q) => r.tag === q % 50 },
  { name: 'lang 50%', sql: () => `metadata @> '{"lang": "en"}'`, keeps: (r) => r.lang === 'en' },
];

/** Entry point: `npm run bench -- gin ...`. */
export async function benchGin(args: string[]): Promise<void> {
  const o = parseBenchArgs('gin', 'GIN metadata filters beside k-NN: vecgres with and without GIN vs PGlite + pgvector.', SPECS, args);
  const base = rows(o.rows, 1);
  const queries = rows(o.queries, 2).map((r) => r.vec);
  // Ground truth per filter and query: the 10th smallest distance among the kept rows, and how
  // many rows a query can return (fewer than 10 when fewer match).
  const truth = FILTERS.map((f) => queries.map((q, qi) => {
    const d = base.filter((r) => f.keeps(r, qi)).map((r) => cosine(q, r.vec)).sort((a, b) => a - b);
    return { kth: d[Math.min(K, d.length) - 1] ?? Infinity, want: Math.min(K, d.length) };
  }));
  console.log(`# gin: ${o.rows} rows of ${DIM} dimensions (synthetic), ${o.queries} queries per filter; load average ${loadAverage()}`);
  console.log('| system | filter | GIN build s | GIN bytes | recall@10 | QPS | p50 ms | p99 ms | peak RSS |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const ids = async (peer: SqlPeer, sql: string): Promise<number[]> => (await peer.query(sql)).rows.map((r) => Number(r[0]));
  for (const name of o.peers) {
    const peer = name === 'pglite' ? await PgliteSqlPeer.create() : await VecgresSqlPeer.create();
    try {
      if (name === 'pglite') await peer.exec('CREATE EXTENSION vector');
      await peer.exec(`CREATE TABLE docs (id int PRIMARY KEY, metadata jsonb, labels int[], embedding vector(${DIM}))`);
      for (let i = 0; i < base.length; i += 1000) {
        const parts: string[] = [];
        for (let r = i; r < Math.min(base.length, i + 1000); r++) {
          const x = base[r]!;
          parts.push(`(${r}, '{"source": "s${x.source}", "lang": "${x.lang}", "tags": ["t${x.tag}"]}', '{${x.labels[0]},${x.labels[1]}}', '${vecText(x.vec)}')`);
        }
        await peer.exec(`INSERT INTO docs VALUES ${parts.join(',')}`);
      }
      await peer.exec(`SET maintenance_work_mem = '1GB'`);
      await peer.exec(`CREATE INDEX docs_emb ON docs USING hnsw (embedding vector_cosine_ops)`);
      let buildS = NaN, bytes = NaN;
      if (name !== 'vecgres-nogin') {
        const t0 = nowMs();
        await peer.exec(`CREATE INDEX docs_meta ON docs USING gin (metadata jsonb_path_ops)`);
        await peer.exec(`CREATE INDEX docs_labels ON docs USING gin (labels)`);
        buildS = (nowMs() - t0) / 1000;
        bytes = (await ids(peer, `SELECT (pg_relation_size('docs_meta') + pg_relation_size('docs_labels'))::int8`))[0]!;
      }
      await peer.exec('ANALYZE docs');
      for (let fi = 0; fi < FILTERS.length; fi++) {
        const f = FILTERS[fi]!;
        let hit = 0;
        let want = 0;
        const lat = new Float64Array(queries.length);
        const t = nowMs();
        for (let qi = 0; qi < queries.length; qi++) {
          const s = nowMs();
          const got = await ids(peer, `SELECT id FROM docs WHERE ${f.sql(qi)} ORDER BY embedding <=> '${vecText(queries[qi]!)}' LIMIT ${K}`);
          lat[qi] = nowMs() - s;
          const t = truth[fi]![qi]!;
          want += t.want;
          for (const id of got) if (f.keeps(base[id]!, qi) && cosine(queries[qi]!, base[id]!.vec) <= t.kth + 1e-6) hit++;
        }
        const secs = (nowMs() - t) / 1000;
        const l = latencySummary(lat);
        const build = Number.isNaN(buildS) ? '-' : buildS.toFixed(2);
        console.log(`| ${name === 'pglite' ? 'pglite+pgvector' : name} | ${f.name} | ${build} | ${formatBytes(bytes)} | ${(hit / Math.max(1, want)).toFixed(3)} | ${(queries.length / secs).toFixed(0)} | ${l.p50.toFixed(2)} | ${l.p99.toFixed(2)} | ${formatBytes(sampleMemory().maxRss)} |`);
      }
    } finally {
      await peer.close();
    }
  }
}
