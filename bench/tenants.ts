/**
 * Tenants against their own tables (`npm run bench -- tenants`): the multi-tenant target of the
 * filtered-search benchmark measured alone, so the ratio holds on a loaded machine.
 * `SELECT id FROM items WHERE tenant = $2 ORDER BY embedding <=> $1 LIMIT 10` on the GloVe rows of
 * bench/filtered.ts (1,000 tenants of Zipf(1) sizes, HNSW cosine m = 16, ef_construction = 64)
 * against `SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10` on a table holding only that
 * tenant's rows (with its own HNSW index), both in this process, through the embedded API.
 *
 * Each round runs the same --queries query vectors on both tables, interleaved query by query
 * (which table goes first alternates per query), and records each query's wall time and this
 * process's CPU time (process.cpuUsage: user + system). Interleaving matters: run as blocks of
 * 100 queries per table, the block that came first in a round measured up to 1.6x the CPU of
 * the other for the same work (the same distance computations), so the median over rounds
 * depended on which table led more rounds. The table prints, per tenant, the medians over
 * rounds of each round's median latency and of its CPU time per query, and their ratios. Every
 * answer of the filtered query is checked against exact filtered search (recall@10 printed).
 *
 *   npm run bench -- tenants [--rows N] [--queries N] [--rounds N] [--ranks 1,10,100] [--ef N]
 */
import { median } from './support/stats.js';
import { nowMs } from './support/timing.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';
import { load, makeData, vectorText } from './filtered.js';
import { VecgresSqlPeer, type SqlPeer } from './peers/sql-peer.js';

const SPECS = {
  rows: { kind: 'number', default: 100000, help: 'rows of the shared table' },
  queries: { kind: 'number', default: 100, help: 'query vectors per round and table' },
  rounds: { kind: 'number', default: 7, help: 'rounds (each runs both tables)' },
  ranks: { kind: 'strings', default: ['1', '10', '100'], help: 'tenants by size rank (1: the largest)' },
  ef: { kind: 'number', default: 150, help: 'hnsw.ef_search on both tables' },
} satisfies OptionSpecs;

/** One round's per-query measurements of one table. */
interface RoundResult {
  wallMs: number[];
  cpuMs: number;
  ids: number[][];
}

/**
 * One round: the queries on both tables, interleaved (query q runs `sqlA` on `peerA` first when
 * q is even, `sqlB` on `peerB` first when odd): per table, each query's wall ms, the CPU ms of
 * its queries in all, and their answers.
 */
async function round(sqlA: string, sqlB: string, peerA: SqlPeer, peerB: SqlPeer, paramsA: (q: number) => unknown[], paramsB: (q: number) => unknown[], nq: number): Promise<[RoundResult, RoundResult]> {
  const out: [RoundResult, RoundResult] = [{ wallMs: [], cpuMs: 0, ids: [] }, { wallMs: [], cpuMs: 0, ids: [] }];
  const runs = [
    { peer: peerA, sql: sqlA, params: paramsA, o: out[0] },
    { peer: peerB, sql: sqlB, params: paramsB, o: out[1] },
  ];
  for (let q = 0; q < nq; q++) {
    for (const run of q % 2 === 0 ? runs : [runs[1]!, runs[0]!]) {
      const c0 = process.cpuUsage();
      const t = nowMs();
      const r = await run.peer.query(run.sql, run.params(q));
      const wall = nowMs() - t;
      const c = process.cpuUsage(c0);
      run.o.wallMs.push(wall);
      run.o.cpuMs += (c.user + c.system) / 1000;
      run.o.ids.push(r.rows.map((x) => Number(x[0])));
    }
  }
  return out;
}

/** Entry point: `npm run bench -- tenants ...`. */
export async function benchTenants(args: string[]): Promise<void> {
  const o = parseBenchArgs('tenants', 'WHERE tenant = $2 ORDER BY embedding <=> $1 LIMIT 10 vs the same query on the tenant\'s own table.', SPECS, args);
  const d = makeData(o.rows, o.queries);
  const qText = Array.from({ length: o.queries }, (_, q) => vectorText(d.queries, q, d.dim));
  const shared = await VecgresSqlPeer.create();
  await load(shared, d, d.rows);
  await shared.exec(`SET hnsw.ef_search = ${o.ef}`);
  console.log(`GloVe ${d.rows} x ${d.dim}, ${o.queries} queries x ${o.rounds} rounds, hnsw.ef_search = ${o.ef}`);
  const lines: string[][] = [['tenant', 'rows', 'recall@10', 'filtered p50 ms', 'own p50 ms', 'ratio', 'filtered CPU ms', 'own CPU ms', 'CPU ratio']];
  for (const rankText of o.ranks) {
    const rank = Number(rankText);
    const t = d.tenantsBySize[rank - 1]!;
    const rows: number[] = [];
    for (let r = 0; r < d.rows; r++) if (d.tenant[r] === t) rows.push(r);
    const own = await VecgresSqlPeer.create();
    await load(own, d, rows.length, (i) => rows[i]!);
    await own.exec(`SET hnsw.ef_search = ${o.ef}`);
    const filteredSql = 'SELECT id FROM items WHERE tenant = $2 ORDER BY embedding <=> $1 LIMIT 10';
    const ownSql = 'SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10';
    // Warm both plan caches and the filter's cached structures (row list, subgraph).
    for (let i = 0; i < 3; i++) {
      await shared.query(filteredSql, [qText[0], t]);
      await own.query(ownSql, [qText[0]]);
      await shared.settle?.();
    }
    const fw: number[] = [];
    const fc: number[] = [];
    const ow: number[] = [];
    const oc: number[] = [];
    let hits = 0;
    let want = 0;
    for (let r = 0; r < o.rounds; r++) {
      const [f, w] = await round(filteredSql, ownSql, shared, own, (q) => [qText[q], t], (q) => [qText[q]], o.queries);
      fw.push(median(f.wallMs));
      fc.push(f.cpuMs / o.queries);
      ow.push(median(w.wallMs));
      oc.push(w.cpuMs / o.queries);
      if (r === 0) {
        // Recall against exact filtered search (cosine: unit vectors, 1 - dot).
        for (let q = 0; q < o.queries; q++) {
          const dist = rows.map((row) => {
            let s = 0;
            for (let j = 0; j < d.dim; j++) s += d.queries[q * d.dim + j]! * d.base[row * d.dim + j]!;
            return 1 - s;
          });
          const order = rows.map((_, i) => i).sort((a, b) => dist[a]! - dist[b]! || rows[a]! - rows[b]!);
          const truth = new Set(order.slice(0, 10).map((i) => rows[i]!));
          for (const id of f.ids[q]!) if (truth.has(id)) hits++;
          want += truth.size;
        }
      }
    }
    await own.close();
    const [a, b, c, e] = [median(fw), median(ow), median(fc), median(oc)];
    lines.push([`#${rank}`, String(rows.length), (hits / Math.max(1, want)).toFixed(3), a.toFixed(3), b.toFixed(3), (a / b).toFixed(2), c.toFixed(3), e.toFixed(3), (c / e).toFixed(2)]);
    console.log(`  tenant #${rank} (${rows.length} rows): filtered ${a.toFixed(3)} ms, own ${b.toFixed(3)} ms (${(a / b).toFixed(2)}x), CPU ${c.toFixed(3)} / ${e.toFixed(3)} ms (${(c / e).toFixed(2)}x)`);
  }
  await shared.close();
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  console.log();
  for (const l of lines) console.log(l.map((s, i) => s.padEnd(widths[i]!)).join('  '));
}
