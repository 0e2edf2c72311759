/**
 * A k-NN `ORDER BY <vector column> <op> <query> LIMIT k` over joins, planned as PostgreSQL
 * plans it with pathkeys: a nested loop keeps its outer side's order. For
 *
 *   SELECT ... FROM chunks c JOIN documents d ON d.id = c.doc_id [WHERE d.category = $2]
 *   ORDER BY c.embedding <=> $1 LIMIT 10
 *
 * PostgreSQL + pgvector runs Limit -> Nested Loop (outer: the HNSW index scan of c, in
 * distance order; inner: an Index Scan using documents_pkey) and stops after 10 rows. Here
 * the ordered vector index scan of the ORDER BY's table is the outermost input and every
 * other FROM item is joined to it by an order-preserving join (a primary-key lookup per row, a
 * hash join that hashes the other item, or a nested loop over it), so no Sort is needed and
 * the Limit above stops the scan early.
 *
 * When the joins or conditions may drop rows, the scan continues past its first search (the
 * IndexScan's `continueScan`, an iterative scan in relaxed order) and a Sort puts the first
 * LIMIT + OFFSET rows that pass in order: the query returns k rows whenever k rows pass, where
 * pgvector's default stops after hnsw.ef_search candidates and returns too few.
 *
 * The plan is chosen against the exact plan (the join tree planned as usual, then a Sort of
 * every joined row) by estimated cost: the scan must read about LIMIT / (the fraction of its
 * rows the joins and conditions keep) rows. Only plain tables joined by inner joins, or by
 * LEFT JOINs whose nullable side is one table and whose other side holds the ordered table,
 * and conditions without subqueries (planning both candidates then has no side effects).
 */
import type { FromNode } from '../analyze/query.js';
import { someNode } from '../analyze/query.js';
import type { PlanNode } from './plan.js';
import { CPU_OPERATOR_COST, CPU_TUPLE_COST, DISABLE_COST, planBase, qualSelectivity } from './cost.js';
import { conjuncts, makeSort, relsOf, type PlannerInfo } from './planner.js';
import { makeJoin, planJoinTree } from './join.js';
import { knnKey, knnScan, planBaseRel, type QualInfo, type RelPlan } from './scan.js';

/** One FROM table in join order: how it joins the tables before it, and its ON conditions (LEFT). */
interface Step {
  rti: number;
  type: 'inner' | 'left';
  on: QualInfo[];
}

/**
 * Distance computations per further row of a continued HNSW scan: a resumed search expands
 * the nearest discarded candidate's layer-0 neighbours, most of them already visited (about
 * 2.5 per row returned on 20,000 GloVe 100-d rows, m = 16; rounded up).
 */
const CONTINUE_DISTANCES_PER_ROW = 4;

function subset(a: Set<number>, b: Set<number>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** The fraction of rows `quals` keep (1 for an equality between two tables: a key join). */
function keeps(quals: QualInfo[]): number {
  let f = 1;
  for (const x of quals) {
    const e = x.expr;
    if (e.k === 'op2' && e.op === '=' && relsOf(e.l).size > 0 && relsOf(e.r).size > 0) continue;
    f *= qualSelectivity(e);
  }
  return f;
}

/**
 * The ordered nested-loop plan of a k-NN ORDER BY ... LIMIT over joins, when it is cheaper
 * than sorting the whole join; null otherwise (or for another shape). `quals` are the WHERE
 * conjuncts, `need` LIMIT + OFFSET. The returned plan emits rows in the ORDER BY's order.
 */
export function tryKnnOuterJoin(info: PlannerInfo, quals: QualInfo[], needed: Map<number, Set<number>>, need: number): PlanNode | null {
  const q = info.q;
  if (need === Infinity || q.orderBy.length !== 1) return null;
  const key = q.orderBy[0]!;
  if (key.desc) return null;

  // The FROM tables in a join order that inner joins and LEFT JOINs allow: a LEFT JOIN's
  // nullable table after every table of its other side. Inner ON conditions join the WHERE
  // conjuncts; a LEFT JOIN's stay with it.
  const steps: Step[] = [];
  const pooled: QualInfo[] = [...quals];
  let ok = true;
  const walk = (n: FromNode): void => {
    if (!ok) return;
    if (n.k === 'rte') {
      steps.push({ rti: n.rti, type: 'inner', on: [] });
    } else if (n.type === 'inner') {
      walk(n.left);
      walk(n.right);
      for (const c of conjuncts(n.quals)) pooled.push({ expr: c, rels: relsOf(c) });
    } else if (n.type === 'left' && n.right.k === 'rte') {
      walk(n.left);
      steps.push({ rti: n.right.rti, type: 'left', on: conjuncts(n.quals).map((c) => ({ expr: c, rels: relsOf(c) })) });
    } else {
      ok = false;
    }
  };
  for (const n of q.from) walk(n);
  if (!ok || steps.length < 2) return null;
  const hasSublink = (x: QualInfo): boolean => someNode(x.expr, (y) => y.k === 'sublink');
  if (steps.some((s) => q.rtable[s.rti]!.kind !== 'relation')) return null;
  if (pooled.some(hasSublink) || steps.some((s) => s.on.some(hasSublink)) || someNode(key.expr, (y) => y.k === 'sublink')) return null;

  // The ordered table: one not on the nullable side of a LEFT JOIN (it moves to the front).
  let first = -1;
  let k: ReturnType<typeof knnKey> = null;
  for (let i = 0; i < steps.length && k === null; i++) {
    if (steps[i]!.type !== 'inner') continue;
    k = knnKey(key.expr, steps[i]!.rti, (x) => relsOf(x).size === 0);
    first = i;
  }
  // A column (not binary_quantize of one: only the exact scan serves that).
  if (k === null || k.col === null || k.signBits === true) return null;
  const order = [steps[first]!, ...steps.filter((_, i) => i !== first)];
  const rti = order[0]!.rti;

  // Each condition where it is first evaluable: on one table's scan, as a join condition of
  // the step that brings its last table, or (a WHERE condition on a LEFT JOIN's nullable
  // table) as a filter above that join.
  const scanQ = new Map<number, QualInfo[]>(order.map((s) => [s.rti, []]));
  const joinQ: QualInfo[][] = order.map(() => []);
  const filterQ: QualInfo[][] = order.map(() => []);
  const prefix: Set<number>[] = [];
  for (const s of order) prefix.push(new Set([...(prefix[prefix.length - 1] ?? []), s.rti]));
  for (const x of pooled) {
    if (x.rels.size === 0 || (x.rels.size === 1 && x.rels.has(rti))) {
      scanQ.get(rti)!.push(x);
      continue;
    }
    const i = prefix.findIndex((p) => subset(x.rels, p));
    if (i <= 0) return null;
    const s = order[i]!;
    if (x.rels.size === 1 && s.type === 'inner') scanQ.get(s.rti)!.push(x);
    else if (s.type === 'left') filterQ[i]!.push(x);
    else joinQ[i]!.push(x);
  }
  for (let i = 1; i < order.length; i++) {
    const s = order[i]!;
    for (const x of s.on) {
      if (x.rels.size === 1 && x.rels.has(s.rti)) scanQ.get(s.rti)!.push(x);
      else joinQ[i]!.push(x);
    }
  }

  // The fraction of the scan's rows that reach the Limit, and whether rows can be lost.
  let keep = keeps(scanQ.get(rti)!);
  let mayDrop = scanQ.get(rti)!.length > 0;
  for (let i = 1; i < order.length; i++) {
    const s = order[i]!;
    if (s.type === 'inner') {
      // An inner join drops an outer row without a match (a key join is assumed to find one).
      mayDrop = true;
      keep *= keeps(scanQ.get(s.rti)!) * keeps(joinQ[i]!);
    } else if (filterQ[i]!.length > 0) {
      mayDrop = true;
      keep *= keeps(filterQ[i]!);
    }
  }
  const rte = q.rtable[rti]!;
  if (rte.kind !== 'relation') return null;
  const tableRows = Math.max(1, info.global.relRows(rte.table));
  const needOuter = Math.min(tableRows, need / Math.max(keep, 1e-12));

  // Without lost rows the scan reads exactly `need` rows (an exact top-k scan may serve);
  // with them only an index scan that continues can.
  const scan = knnScan(info, rti, key, k, scanQ.get(rti)!, needed, mayDrop ? needOuter : need, undefined, [], !mayDrop);
  if (scan === null) return null;
  const outer = scan.plan;
  if (mayDrop) {
    if (outer.node !== 'IndexScan') return null;
    // Filtered search returns its own k rows (its LIMIT estimate), not a stream the joins above
    // read until they have enough: the continued scan applies the scan's own qual instead (the
    // qual is complete: a filtered plan keeps every conjunct).
    outer.filtered = null;
    outer.continueScan = true;
    const col = k.col.col;
    const dim = Math.max(16, rte.table.def.columns[col]!.type === 'vector' ? rte.table.vectorColumnDim(col) : 16);
    const extra = Math.max(0, needOuter - need) * CONTINUE_DISTANCES_PER_ROW * (dim / 4) * CPU_OPERATOR_COST;
    outer.rows = Math.max(1, Math.round(needOuter));
    outer.totalCost = outer.startupCost + extra + needOuter * CPU_TUPLE_COST;
  }
  let cur: RelPlan = { plan: outer, rels: new Set([rti]), lateral: [], base: null };
  for (let i = 1; i < order.length; i++) {
    const s = order[i]!;
    const R = planBaseRel(info, s.rti, scanQ.get(s.rti)!, needed);
    cur = makeJoin(info, cur, R, s.type, joinQ[i]!, filterQ[i]!, true);
  }
  let ordered = cur.plan;

  // The exact alternative: the join tree as planned without an order, sorted.
  const exact = makeSort(info, planJoinTree(info, q.from, quals, needed), q.orderBy);
  // It reads the ordered table with a sequential scan: disabled by enable_seqscan = off, as
  // PostgreSQL adds disable_cost to such a path.
  const seqOff = info.global.env.settings.get('enable_seqscan') !== true;
  const exactCost = exact.startupCost + need * CPU_TUPLE_COST + (seqOff ? DISABLE_COST : 0);
  if (ordered.totalCost > exactCost) return null;
  if (mayDrop) {
    // A continued scan returns rows in relaxed order (a resumed search can find a row closer
    // than one already returned): the first LIMIT + OFFSET rows that pass are sorted, so the
    // query's rows come out in order (pgvector's advice for relaxed_order, a sort over the
    // limited scan).
    const input = ordered;
    const lim: PlanNode = {
      ...planBase(need, input.startupCost, input.totalCost, input.layout, input.width),
      node: 'Limit', input, limit: { k: 'const', type: 'int8', value: BigInt(need) }, offset: null,
    };
    ordered = makeSort(info, lim, q.orderBy);
  }
  return ordered;
}
