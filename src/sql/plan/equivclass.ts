/**
 * Equivalence classes over a level's equalities with constants (PostgreSQL's equivclass.c:
 * process_equivalence and generate_base_implied_equalities_const), for the forms whose plan
 * text vecgres can give exactly as PostgreSQL does.
 *
 * `WHERE x = y AND y = 1` puts x, y and 1 in one class; PostgreSQL then filters every member
 * by the constant (`x = 1`, `y = 1`) and drops `x = y`, which those imply. So a join of two
 * tables on `a.x = b.x` with `a.x = 5` filters both scans by `x = 5` (and the join has no
 * join clause left). A class holding two different constants (`x = 1 AND x = 2`) can hold no
 * row: the level's whole FROM is empty, planned as a `Result` with `One-Time Filter: false`.
 *
 * Narrowed on purpose: members are columns of tables and non-NULL constants, every `=` of
 * one type whose equality is a B-tree's (so it is transitive), sources are the conjuncts of
 * the level's WHERE and of the ON conditions of its top-level inner joins, and a column of a
 * table that an outer join may null-extend takes no part (PostgreSQL would first reduce the
 * outer join). Classes without a constant keep their clauses as written.
 */
// `=` on the types below does not read the session's time zone.
import { UTC_ZONE as EQUALITY_ZONE } from '../../types/timezone.js';
import type { Expr } from '../analyze/expr.js';
import type { FromNode, RangeTblEntry, SelectQuery } from '../analyze/query.js';
import type { SqlType } from '../analyze/types.js';

/** Types whose `=` is a B-tree equality (pg_amop) and whose constants compare by JavaScript value. */
const CLASS_TYPES: ReadonlySet<SqlType> = new Set<SqlType>(['int2', 'int4', 'int8', 'float4', 'float8', 'text', 'bool']);

type Eq = Extract<Expr, { k: 'op2' }>;
type Member = Extract<Expr, { k: 'var' }> | Extract<Expr, { k: 'const' }>;

interface EqClass {
  members: Member[];
  keys: string[];
  sources: Eq[];
}

/** The rewritten conjuncts: `quals` in their order without the absorbed equalities, then the derived ones. */
export interface Equivalences {
  quals: Expr[];
  /** True when a class holds two unequal constants: no row of the level's FROM can pass. */
  alwaysFalse: boolean;
}

/** The range-table entries an outer join of `from` may null-extend. */
export function nullableRels(from: readonly FromNode[]): Set<number> {
  const out = new Set<number>();
  const all = (n: FromNode): void => {
    if (n.k === 'rte') out.add(n.rti);
    else {
      all(n.left);
      all(n.right);
    }
  };
  const walk = (n: FromNode): void => {
    if (n.k === 'rte') return;
    if (n.type === 'left' || n.type === 'full') all(n.right);
    if (n.type === 'right' || n.type === 'full') all(n.left);
    walk(n.left);
    walk(n.right);
  };
  for (const n of from) walk(n);
  return out;
}

function memberKey(e: Expr, rtable: readonly RangeTblEntry[], nullable: ReadonlySet<number>): string | null {
  if (!CLASS_TYPES.has(e.type)) return null;
  if (e.k === 'var') {
    if (e.levelsUp !== 0 || e.col < 0 || nullable.has(e.rti) || rtable[e.rti]?.kind !== 'relation') return null;
    return `v${e.rti}.${e.col}`;
  }
  if (e.k === 'const') {
    const v = e.value;
    if (v === null) return null;
    if (typeof v === 'number') return `n${Object.is(v, -0) ? '-0' : String(v)}:${e.type}`;
    if (typeof v === 'bigint' || typeof v === 'boolean') return `${typeof v}${String(v)}:${e.type}`;
    if (typeof v === 'string') return `s${v}:${e.type}`;
  }
  return null;
}

/** The classes of `conjuncts`, in order: a clause joins the classes of its two sides, merging them as process_equivalence does. */
function buildClasses(conjuncts: readonly Expr[], rtable: readonly RangeTblEntry[], nullable: ReadonlySet<number>): EqClass[] {
  const classes: EqClass[] = [];
  const classOf = (key: string): EqClass | undefined => classes.find((c) => c.keys.includes(key));
  for (const c of conjuncts) {
    if (c.k !== 'op2' || c.op !== '=' || c.type !== 'bool' || c.l.type !== c.r.type) continue;
    const lk = memberKey(c.l, rtable, nullable);
    const rk = memberKey(c.r, rtable, nullable);
    if (lk === null || rk === null || lk === rk || (c.l.k === 'const' && c.r.k === 'const')) continue;
    const a = classOf(lk);
    const b = classOf(rk);
    if (a !== undefined && b !== undefined && a !== b) {
      a.members.push(...b.members);
      a.keys.push(...b.keys);
      a.sources.push(...b.sources, c);
      classes.splice(classes.indexOf(b), 1);
    } else if (a !== undefined || b !== undefined) {
      const ec = (a ?? b)!;
      if (a === undefined) {
        ec.members.push(c.l as Member);
        ec.keys.push(lk);
      } else if (b === undefined) {
        ec.members.push(c.r as Member);
        ec.keys.push(rk);
      }
      ec.sources.push(c);
    } else {
      classes.push({ members: [c.l as Member, c.r as Member], keys: [lk, rk], sources: [c] });
    }
  }
  return classes;
}

/**
 * `conjuncts` rewritten by the classes that hold a constant (module comment); null when no
 * class holds a constant and more than one clause, so nothing changes.
 */
export function deriveEquivalences(conjuncts: readonly Expr[], rtable: readonly RangeTblEntry[], nullable: ReadonlySet<number>): Equivalences | null {
  const classes = buildClasses(conjuncts, rtable, nullable);
  // generate_base_implied_equalities_const: a single `x = const` stays as written.
  const rewritten = classes.filter((c) => c.members.some((m) => m.k === 'const') && !(c.members.length === 2 && c.sources.length === 1));
  if (rewritten.length === 0) return null;
  const absorbed = new Set<Expr>(rewritten.flatMap((c) => c.sources));
  const quals: Expr[] = conjuncts.filter((c) => !absorbed.has(c));
  let alwaysFalse = false;
  for (const ec of rewritten) {
    const k = ec.members.findIndex((m) => m.k === 'const');
    const constant = ec.members[k] as Extract<Expr, { k: 'const' }>;
    const fn = ec.sources[0]!.fn;
    for (const m of ec.members) {
      if (m === constant) continue;
      if (m.k === 'const') {
        // Two constants of one class: `c1 = c2` folds to a constant, false (or NULL) when they differ.
        if (fn(m.value, constant.value, EQUALITY_ZONE) !== true) alwaysFalse = true;
        continue;
      }
      quals.push({ k: 'op2', type: 'bool', op: '=', fn, l: m, r: constant });
    }
  }
  return { quals, alwaysFalse };
}

/**
 * `q` with its WHERE rewritten by {@link deriveEquivalences}, or null when nothing changes. The
 * ON conditions of its top-level inner joins are sources too (as deconstruct_jointree sees
 * them, before the WHERE's); when they are, they move into the WHERE, which for inner joins
 * filters the same rows.
 */
export function applyEquivalences(q: SelectQuery): { q: SelectQuery; alwaysFalse: boolean } | null {
  if (q.where === null && !q.from.some((n) => n.k === 'join' && n.type === 'inner')) return null;
  const onQuals: Expr[] = [];
  const strip = (n: FromNode): FromNode => {
    if (n.k === 'rte' || n.type !== 'inner') return n;
    const left = strip(n.left);
    const right = strip(n.right);
    onQuals.push(...conjunctsOf(n.quals));
    return { ...n, left, right, quals: null };
  };
  const from = q.from.map(strip);
  const eq = deriveEquivalences([...onQuals, ...conjunctsOf(q.where)], q.rtable, nullableRels(q.from));
  if (eq === null) return null;
  const where: Expr | null = eq.quals.length === 0 ? null : eq.quals.length === 1 ? eq.quals[0]! : { k: 'and', type: 'bool', args: eq.quals };
  return { q: { ...q, from, where }, alwaysFalse: eq.alwaysFalse };
}

function conjunctsOf(e: Expr | null): Expr[] {
  if (e === null) return [];
  return e.k === 'and' ? e.args : [e];
}

/**
 * A class of three or more columns of several tables and no constant (`a.x = b.x AND b.x =
 * c.x`): PostgreSQL joins any two of its tables on it (a.x = c.x too), and
 * generate_join_implied_equalities picks the clause of each join: the first member (in the
 * class's order) the outer side computes, equal to the first the inner side computes.
 */
export interface JoinClass {
  members: Extract<Expr, { k: 'var' }>[];
  /** The written clauses the class replaces where the join planner applies it. */
  sources: Expr[];
}

/** The {@link JoinClass}es of `q`'s WHERE (after {@link applyEquivalences}). */
export function joinClasses(q: SelectQuery): JoinClass[] {
  const out: JoinClass[] = [];
  for (const c of buildClasses(conjunctsOf(q.where), q.rtable, nullableRels(q.from))) {
    if (c.members.length < 3 || c.members.some((m) => m.k !== 'var')) continue;
    const members = c.members as Extract<Expr, { k: 'var' }>[];
    if (new Set(members.map((m) => m.rti)).size < 2) continue;
    out.push({ members, sources: c.sources });
  }
  return out;
}

/** `l = r` with the operator of `like`, a clause of the class. */
export function classClause(like: Expr, l: Expr, r: Expr): Expr {
  const src = like as Eq;
  return { k: 'op2', type: 'bool', op: '=', fn: src.fn, l, r };
}
