/**
 * Tenants against their own tables (`npm run bench -- tenants`): the multi-tenant target of the
 * filtered-search benchmark measured alone, so the ratio holds on a loaded machine.
 * `SELECT id FROM items WHERE tenant = $2 ORDER BY embedding <=> $1 LIMIT 10` on the GloVe rows of
 * bench/filtered.ts (1,000 tenants of Zipf(1) sizes, HNSW cosine m = 16, ef_construction = 64)
 * against `SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10` on a table holding only that
 * tenant's rows (with its own HNSW index), both in this process, through the embedded API.
 *
 * Rounds alternate the two (which one goes first alternates too); each round runs the same
 * --queries query vectors on each and records wall time and this process's CPU time
 * (process.cpuUsage: user + system) per query. The table prints, per tenant, the medians over
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

/** One round's run of `sql` over the queries: median wall ms and mean CPU ms per query. */
async function round(peer: SqlPeer, sql: string, params: (q: number) => unknown[], nq: number): Promise<{ wallMs: number; cpuMs: number; ids: number[][] }> {
  const ms: number[] = [];
  const ids: number[][] = [];
  const c0 = process.cpuUsage();
  for (let q = 0; q < nq; q++) {
    const t = nowMs();
    const r = await peer.query(sql, params(q));
    ms.push(nowMs() - t);
    ids.push(r.rows.map((x) => Number(x[0])));
  }
  const c = process.cpuUsage(c0);
  return { wallMs: median(ms), cpuMs: (c.user + c.system) / 1000 / nq, ids };
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
      const runF = async (): Promise<void> => {
        const x = await round(shared, filteredSql, (q) => [qText[q], t], o.queries);
        fw.push(x.wallMs);
        fc.push(x.cpuMs);
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
            for (const id of x.ids[q]!) if (truth.has(id)) hits++;
            want += truth.size;
          }
        }
      };
      const runO = async (): Promise<void> => {
        const x = await round(own, ownSql, (q) => [qText[q]], o.queries);
        ow.push(x.wallMs);
        oc.push(x.cpuMs);
      };
      if (r % 2 === 0) {
        await runF();
        await runO();
      } else {
        await runO();
        await runF();
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
