/**
 * The random-query generator (in the manner of SQLancer's and sqlsmith's): seeded SELECT
 * statements over a {@link Schema}, each with a deterministic result and the way to compare
 * it. A result is deterministic when
 *
 * - it has no ORDER BY and is compared as a multiset (`multiset`), or
 * - its ORDER BY ends with a unique key of the rows, so the list compares in order (`list`), or
 * - its ORDER BY keys are its first output columns (`keyed`): rows compare in order of the
 *   key values, and rows that tie on them compare as a multiset, except the tie group that
 *   LIMIT or OFFSET cuts, where only the key values must agree (which rows of a tie group
 *   PostgreSQL keeps depends on its sort, and vecgres may keep others: both are right).
 *
 * Nothing a query computes may depend on evaluation order or floating-point rounding that
 * the two engines could do differently: no data-dependent runtime errors (divisors are
 * non-zero constants, values are small, scalar subqueries return at most one row), floats
 * are small multiples of 1/4, vectors have small-integer components (their distances are
 * exact or one correctly rounded operation away from it), every LIMIT inside a subquery
 * comes after a total order, and window frames that depend on row order have one.
 */
import type { Rng } from './rng.js';
import { type Schema, type SqlT, type TableSpec, TEXTS, TIME_ZONES, VECTOR_TYPES, dateText, intArrayText, intervalText, jsonText, randomComponents, timestampText, timestamptzText, vectorLiteral } from './schema.js';

/** How the two engines' rows compare (see the module comment). */
export type Compare =
  | { kind: 'multiset' }
  | { kind: 'list' }
  | { kind: 'keyed'; keys: number[]; limited: boolean; offset: boolean };

/** The shape families a query is tallied under. */
export const FEATURE_CLASSES = [
  'single',
  'aggregate',
  'knn',
  'scalar-subquery',
  'where-subquery',
  'join',
  'from-subquery',
  'cte',
  'lateral',
  'window',
  'distinct',
  'setop',
  'outer-join',
  'semi-join',
  'grouping-sets',
] as const;
export type FeatureClass = (typeof FEATURE_CLASSES)[number];

/** The single-table shapes vecgres answered before its executor grew joins and subqueries. */
export const SINGLE_TABLE_CLASSES: readonly FeatureClass[] = ['single', 'aggregate', 'knn', 'scalar-subquery'];

export interface GeneratedQuery {
  readonly sql: string;
  /** Values of `$1`, `$2`, ... (a quarter of the queries pass some literals as parameters). */
  readonly params: unknown[];
  readonly cls: FeatureClass;
  readonly compare: Compare;
}

/**
 * Shapes on which vecgres is known to answer wrongly, each with a minimal repro. The generator
 * produces them only when `all` is set (VECGRES_RANDOM_ALL=1), so the test stays green while
 * the fix is under way; delete an entry as soon as its fix lands, and the test checks it again.
 */
export const KNOWN_WRONG_ANSWERS: readonly { readonly shape: string; readonly repro: string }[] = [];

export interface GeneratorOptions {
  /** Also generate the shapes in {@link KNOWN_WRONG_ANSWERS}. */
  readonly all: boolean;
}

interface Col {
  readonly name: string;
  readonly type: SqlT;
}

/** A relation visible in a FROM clause. */
interface Rel {
  /** The name that qualifies its columns (table name or alias). */
  readonly ref: string;
  /** Columns may be written unqualified (the single table of a query without aliases). */
  readonly bare: boolean;
  readonly cols: readonly Col[];
  /** Columns unique together over the relation's rows ([] = at most one row), or null. */
  readonly key: readonly string[] | null;
  /** The base table, for base-table relations. */
  readonly table?: TableSpec;
}

/** Where an expression is written. */
interface Scope {
  readonly rels: readonly Rel[];
  /** Relations of enclosing queries (correlated references). */
  readonly outer: readonly Rel[];
  /** Aggregates allowed (select list and HAVING of an aggregate query). */
  readonly agg: boolean;
  /** Subquery nesting depth. */
  readonly depth: number;
  /** Which subqueries may be written: none, uncorrelated scalar ones, or any. */
  readonly sub: 'none' | 'scalar' | 'any';
  /** Columns of `outer` may be named (a correlated subquery or a LATERAL one). */
  readonly correlated: boolean;
  /**
   * Only floats that are exact in binary (sums, differences and products of small integers
   * and quarters): set for the arguments of sum and avg, whose rounding would otherwise
   * depend on the order rows are added in, which neither engine fixes.
   */
  readonly exact?: boolean;
}

interface Output {
  readonly sql: string;
  readonly name: string;
  /** The type (for an opaque output, only a stand-in: it is never sorted on or reused). */
  readonly type: SqlT;
  /** A pgvector function's result shown as is (see #opaqueOutput); never a sort key. */
  readonly opaque?: true;
}

/**
 * Types with an ordering whose equal values print alike (so DISTINCT, GROUP BY, min / max and
 * set operations keep a determined text). Not interval ('1 mon' = '30 days') and not jsonb or
 * integer[]: those are written inside other expressions (casts to text, operators, functions).
 */
const ORDERABLE: readonly SqlT[] = ['int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'bool', 'timestamp', 'date', 'timestamptz'];
/** Non-zero numeric divisors and factors of several scales (division's result scale depends on them). */
const NUMERIC_FACTORS = ['3', '0.25', '-7', '1.5', '2.000', '0.3', '12'];
/** A bare literal: in ORDER BY or GROUP BY an integer one is a position, any other an error. */
const NESTED_CAST = /::[\w ]+(?:\(\d+\))?\)?::[\w ]+(?:\(\d+\))?$/;
const BARE_CONSTANT = /^(?:'(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false)$/;
/** A literal that PostgreSQL's ORDER BY / GROUP BY take for a constant, not a position. */
const BARE_NON_INTEGER_CONSTANT = /^(?:'(?:[^']|'')*'|-?\d+\.\d+|-?\d{10,}|true|false)$/;
const DISTANCE_OPS: Record<string, readonly string[]> = {
  vector: ['<->', '<#>', '<=>', '<+>'],
  halfvec: ['<->', '<#>', '<=>', '<+>'],
  sparsevec: ['<->', '<#>', '<=>', '<+>'],
  bit: ['<~>', '<%>'],
};
/** The distances that are integers for small-integer vectors. */
const EXACT_OPS = ['<#>', '<+>', '<~>'];
const EXACT_FUNCTIONS = ['inner_product', 'l1_distance', 'hamming_distance'];
const DISTANCE_FUNCTIONS: Record<string, readonly string[]> = {
  vector: ['l2_distance', 'inner_product', 'cosine_distance', 'l1_distance'],
  halfvec: ['l2_distance', 'inner_product', 'cosine_distance', 'l1_distance'],
  sparsevec: ['l2_distance', 'inner_product', 'cosine_distance'],
  bit: ['hamming_distance', 'jaccard_distance'],
};

/** Generates queries over one schema; every choice comes from `rng`. */
export class QueryGenerator {
  #aliasCount = 0;
  #params: unknown[] = [];
  /** The chance that a literal is passed as a parameter instead. */
  #paramP = 0;

  constructor(
    private readonly rng: Rng,
    private readonly schema: Schema,
    private readonly opts: GeneratorOptions,
  ) {}

  /** Whether a shape listed in {@link KNOWN_WRONG_ANSWERS} may be generated. */
  allowed(shape: string): boolean {
    return this.opts.all || !KNOWN_WRONG_ANSWERS.some((k) => k.shape === shape);
  }

  /** One query of a random class. */
  next(): GeneratedQuery {
    this.#aliasCount = 0;
    const cls = this.rng.weighted<FeatureClass>([
      [14, 'single'],
      [10, 'aggregate'],
      [14, 'knn'],
      [6, 'scalar-subquery'],
      [8, 'where-subquery'],
      [12, 'join'],
      [6, 'from-subquery'],
      [6, 'cte'],
      [5, 'lateral'],
      [7, 'window'],
      [6, 'distinct'],
      [6, 'setop'],
      [8, 'outer-join'],
      [8, 'semi-join'],
      [3, 'grouping-sets'],
    ]);
    this.#params = [];
    this.#paramP = this.rng.chance(0.25) ? 0.4 : 0;
    const q = this.#generate(cls);
    return { cls, params: this.#params, ...q };
  }

  /**
   * An expression of `type` over `table`'s columns (written unqualified, or qualified by the
   * table's name), `depth` levels deep, for the DML test's SET, VALUES and RETURNING lists.
   * `sub`: subqueries allowed (uncorrelated scalar ones, or any).
   */
  expression(table: TableSpec, type: SqlT, depth = 1, sub: 'none' | 'scalar' | 'any' = 'none'): string {
    return this.#expr(this.#tableScope(table, sub), type, depth);
  }

  /** A condition over `table`'s columns (see {@link expression}), for UPDATE and DELETE. */
  condition(table: TableSpec, depth = 1, sub: 'none' | 'scalar' | 'any' = 'none'): string {
    return this.#bool(this.#tableScope(table, sub), depth);
  }

  /** A literal (never NULL) of `type`. */
  literal(type: SqlT): string {
    return this.#literal(type);
  }

  #tableScope(table: TableSpec, sub: Scope['sub']): Scope {
    return { rels: [this.#baseRel(table, null, true)], outer: [], agg: false, depth: 0, sub, correlated: false };
  }

  #generate(cls: FeatureClass): { sql: string; compare: Compare } {
    switch (cls) {
      case 'single':
        return this.#select(this.#singleFrom(), 'none', this.rng.weighted([[8, 'rows'], [1, 'star']]));
      case 'aggregate':
        return this.#select(this.#singleFrom(), this.rng.chance(0.15) ? 'scalar' : 'none', 'agg');
      case 'knn':
        return this.#knn(this.#singleFrom(), 'none');
      case 'scalar-subquery':
        return this.rng.chance(0.5) ? this.#knn(this.#singleFrom(), 'scalar') : this.#select(this.#singleFrom(), 'scalar', this.rng.pick(['rows', 'agg'] as const));
      case 'where-subquery':
        return this.#select(this.#singleFrom(), 'any', this.rng.weighted([[4, 'rows'], [1, 'agg']]));
      case 'join':
        if (this.rng.chance(0.15)) return this.#knnJoin();
        return this.#select(this.#joinFrom(0), this.rng.chance(0.2) ? 'any' : 'none', this.rng.weighted([[6, 'rows'], [1, 'star'], [2, 'agg'], [1, 'distinct']]));
      case 'from-subquery':
        return this.#select(this.#joinFrom(0.7), 'none', this.rng.weighted([[4, 'rows'], [1, 'agg']]));
      case 'cte':
        return this.#cte();
      case 'lateral':
        return this.#lateral();
      case 'window':
        return this.#select(this.rng.chance(0.7) ? this.#singleFrom() : this.#joinFrom(0), 'none', 'window');
      case 'distinct':
        return this.#select(this.rng.chance(0.7) ? this.#singleFrom() : this.#joinFrom(0), 'none', this.rng.pick(['distinct', 'distinct-on'] as const));
      case 'setop':
        return this.#setop();
      case 'outer-join':
        return this.#outerJoin();
      case 'semi-join':
        return this.#semiJoin();
      case 'grouping-sets':
        return this.#groupingSets();
    }
  }

  // ---------------------------------------------------------------- FROM clauses

  #alias(prefix: string): string {
    return `${prefix}${this.#aliasCount++}`;
  }

  #baseRel(t: TableSpec, alias: string | null, bare: boolean): Rel {
    return { ref: alias ?? t.name, bare, cols: t.columns.map((c) => ({ name: c.name, type: c.type })), key: ['id'], table: t };
  }

  /** One table, unaliased (vecgres' single-table path). */
  #singleFrom(): From {
    const t = this.rng.pick(this.schema.tables);
    return { sql: t.name, rels: [this.#baseRel(t, null, true)], outer: [] };
  }

  /** A derived table: a projection, a grouping, a top-k or a UNION, with its key. */
  #derived(): { body: string; cols: Col[]; key: string[] | null } {
    const t = this.rng.pick(this.schema.tables);
    const rel = this.#baseRel(t, null, true);
    const sc: Scope = { rels: [rel], outer: [], agg: false, depth: 1, sub: 'none', correlated: false };
    const where = this.rng.chance(0.4) ? ` WHERE ${this.#bool(sc, 1)}` : '';
    const kind = this.rng.weighted<'project' | 'group' | 'topk' | 'union'>([[4, 'project'], [2, 'group'], [2, 'topk'], [1, 'union']]);
    // A tie-break key must be unique and never NULL: a NULL key (one NULL group, a set
    // operation's NULL row) sorts as the NULLs an outer join pads with, so two rows of a
    // FULL JOIN of the item with itself would tie on it (seed 9603 met one).
    if (kind === 'group') {
      const aggSc: Scope = { ...sc, agg: true };
      const a1 = this.#aggregate(aggSc);
      const a2 = this.#aggregate(aggSc);
      return { body: `SELECT k, count(*) AS cnt, ${a1.sql} AS a1, ${a2.sql} AS a2 FROM ${t.name}${where} GROUP BY k HAVING k IS NOT NULL`, cols: [{ name: 'k', type: 'int4' }, { name: 'cnt', type: 'int8' }, { name: 'a1', type: a1.type }, { name: 'a2', type: a2.type }], key: ['k'] };
    }
    if (kind === 'union') {
      const other = this.rng.pick(this.schema.tables);
      const op = this.rng.pick(['UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT']);
      const g = other.columns.some((c) => c.name === 'g') && t.columns.some((c) => c.name === 'g') ? 'g' : "'x'::text";
      return { body: `SELECT k, ${g} AS g FROM ${t.name}${where} ${op} SELECT k, ${g} AS g FROM ${other.name}`, cols: [{ name: 'k', type: 'int4' }, { name: 'g', type: 'text' }], key: null };
    }
    const cols: Col[] = [{ name: 'id', type: 'int4' }, ...this.rng.subset(t.columns.slice(1), 0.6).map((c) => ({ name: c.name, type: c.type }))];
    const extra = this.#typedExpr(sc, this.rng.pick(ORDERABLE), 1);
    const select = [...cols.map((c) => c.name), `${extra.sql} AS x`];
    cols.push({ name: 'x', type: extra.type });
    if (kind === 'topk') {
      const dist = this.#distance(sc, 0, true);
      if (dist !== null) {
        select.push(`${dist} AS dist`);
        cols.push({ name: 'dist', type: 'float8' });
        return { body: `SELECT ${select.join(', ')} FROM ${t.name}${where} ORDER BY ${dist}, id LIMIT ${this.rng.int(1, 8)}`, cols, key: ['id'] };
      }
    }
    return { body: `SELECT ${select.join(', ')} FROM ${t.name}${where}`, cols, key: ['id'] };
  }

  /**
   * Two or three relations joined by INNER / LEFT / RIGHT / FULL / CROSS joins, commas, ON or
   * USING; each a base table or, with probability `derivedP`, a subquery in FROM.
   */
  #joinFrom(derivedP: number, ctes: readonly Rel[] = []): From {
    const count = this.rng.weighted([[3, 2], [1, 3]]);
    const rels: Rel[] = [];
    let sql = '';
    for (let i = 0; i < count; i++) {
      let rel: Rel;
      let item: string;
      if (ctes.length > 0 && this.rng.chance(0.6)) {
        const c = this.rng.pick(ctes);
        const alias = this.#alias('c');
        rel = { ...c, ref: alias, bare: false };
        item = `${c.ref} AS ${alias}`;
      } else if (this.rng.chance(0.08)) {
        const alias = this.#alias('vals');
        const n = this.rng.int(1, 4);
        // The first row has no NULLs: a VALUES column of NULLs only would be text.
        const rows = Array.from({ length: n }, (_, j) => `(${j + 1}, ${j > 0 && this.rng.chance(0.2) ? 'NULL' : this.rng.int(0, 4)}, ${j > 0 && this.rng.chance(0.2) ? 'NULL' : `'${this.rng.pick(TEXTS)}'`})`);
        rel = { ref: alias, bare: false, cols: [{ name: 'id', type: 'int4' }, { name: 'k', type: 'int4' }, { name: 'g', type: 'text' }], key: ['id'] };
        item = `(VALUES ${rows.join(', ')}) AS ${alias}(id, k, g)`;
      } else if (this.rng.chance(0.06)) {
        const alias = this.#alias('gs');
        rel = { ref: alias, bare: false, cols: [{ name: 'id', type: 'int4' }], key: ['id'] };
        item = `generate_series(${this.rng.int(0, 2)}, ${this.rng.int(2, 8)}) AS ${alias}(id)`;
      } else if (this.rng.chance(derivedP)) {
        const d = this.#derived();
        const alias = this.#alias('sq');
        rel = { ref: alias, bare: false, cols: d.cols, key: d.key };
        item = `(${d.body}) AS ${alias}`;
      } else {
        const t = this.rng.pick(this.schema.tables);
        const aliased = rels.some((r) => r.ref === t.name) || this.rng.chance(0.7);
        const alias = aliased ? this.#alias('a') : null;
        rel = this.#baseRel(t, alias, false);
        item = alias === null ? t.name : this.rng.chance(0.5) ? `${t.name} AS ${alias}` : `${t.name} ${alias}`;
      }
      if (i === 0) {
        sql = item;
      } else {
        const shared = rel.cols.filter((c) => ORDERABLE.includes(c.type) && rels.some((r) => r.cols.some((o) => o.name === c.name && o.type === c.type)));
        // USING needs the name exactly once on the left (else 42702).
        const usable = shared.filter((c) => rels.filter((r) => r.cols.some((o) => o.name === c.name)).length === 1);
        const kind = this.rng.weighted<string>([[4, 'JOIN'], [3, 'LEFT JOIN'], [2, 'RIGHT JOIN'], [2, 'FULL JOIN'], [count === 2 ? 1 : 0, 'CROSS JOIN'], [i === 1 && count === 2 ? 2 : 0, ',']]);
        // NATURAL joins on every common name, which must each be unambiguous on the left.
        const common = rel.cols.filter((c) => rels.some((r) => r.cols.some((o) => o.name === c.name)));
        const natural = common.length > 0 && common.every((c) => rels.filter((r) => r.cols.some((o) => o.name === c.name && o.type === c.type)).length === 1 && rels.filter((r) => r.cols.some((o) => o.name === c.name)).length === 1);
        if (natural && kind !== ',' && kind !== 'CROSS JOIN' && this.rng.chance(0.1)) {
          sql += ` NATURAL ${kind} ${item}`;
        } else if (kind === ',' || kind === 'CROSS JOIN') {
          sql += kind === ',' ? `, ${item}` : ` CROSS JOIN ${item}`;
        } else if (usable.length > 0 && this.rng.chance(0.3)) {
          sql += ` ${kind} ${item} USING (${this.rng.pick(usable).name})`;
        } else {
          const sc: Scope = { rels: [...rels, rel], outer: [], agg: false, depth: 0, sub: 'none', correlated: false };
          const eqs: string[] = [];
          const c = shared.length > 0 ? this.rng.pick(shared) : null;
          if (c !== null) {
            const left = rels.filter((r) => r.cols.some((o) => o.name === c.name && o.type === c.type));
            eqs.push(`${this.#ref(this.rng.pick(left), c.name)} = ${this.#ref(rel, c.name)}`);
          }
          // PostgreSQL runs FULL JOIN only with merge- or hash-joinable conditions: equalities.
          const k = kind === 'FULL JOIN' && eqs.length === 0 ? 'LEFT JOIN' : kind;
          if (eqs.length === 0 || (k !== 'FULL JOIN' && this.rng.chance(0.35))) eqs.push(this.#bool(sc, 1));
          sql += ` ${k} ${item} ON ${eqs.join(' AND ')}`;
        }
      }
      rels.push(rel);
    }
    return { sql, rels, outer: [] };
  }

  // ---------------------------------------------------------------- SELECT

  /**
   * A SELECT over `from` in one of several modes, with ORDER BY / LIMIT chosen so the
   * result is deterministic.
   */
  #select(from: From, sub: Scope['sub'], mode: 'rows' | 'star' | 'agg' | 'window' | 'distinct' | 'distinct-on', prefix = ''): { sql: string; compare: Compare } {
    const sc: Scope = { rels: from.rels, outer: from.outer, agg: false, depth: 0, sub, correlated: false };
    const keyExprs = this.#keyExprs(from.rels);
    const where = from.where !== undefined ? (from.where === '' ? '' : ` WHERE ${from.where}`) : this.rng.chance(sub === 'any' ? 0.9 : 0.55) ? ` WHERE ${this.#bool(sc, 2, sub === 'any')}` : '';
    const head = `${prefix}SELECT`;
    const fromSql = ` FROM ${from.sql}`;
    if (mode === 'agg') return this.#aggSelect(from, sc, head, fromSql, where);
    if (mode === 'window' && keyExprs !== null) return this.#windowSelect(sc, keyExprs, head, fromSql, where);
    if ((mode === 'distinct' || mode === 'distinct-on') && keyExprs !== null) return this.#distinctSelect(sc, keyExprs, mode, head, fromSql, where);
    // Plain rows.
    const star = mode === 'star';
    const outputs: Output[] = star ? [] : [...(from.extra ?? []), ...this.#outputs(sc, this.rng.int(1, 4), undefined, true)];
    const list = star ? (this.rng.chance(0.5) || from.rels.length === 1 ? '*' : `${from.rels[0]!.ref}.*`) : this.#outputList(outputs);
    const r = this.rng.next();
    if (keyExprs !== null && r < 0.45) {
      const items = [...this.#orderItems(sc, this.rng.int(0, 2)), ...keyExprs.map((k) => `${k}${this.#direction()}`)];
      return { sql: `${head} ${list}${fromSql}${where} ORDER BY ${items.join(', ')}${this.#limit(true)}`, compare: { kind: 'list' } };
    }
    const orderable = outputs.findIndex((o) => o.opaque === true || (!ORDERABLE.includes(o.type) && o.type !== 'vector'));
    if (!star && r < 0.75 && orderable !== 0) {
      const m = this.rng.int(1, orderable < 0 ? outputs.length : orderable);
      const items = outputs.slice(0, m).map((o, i) => `${this.#orderRef(o, i, outputs)}${this.#direction()}`);
      const limit = this.#limit(false);
      return { sql: `${head} ${list}${fromSql}${where} ORDER BY ${items.join(', ')}${limit}`, compare: { kind: 'keyed', keys: range(m), limited: /LIMIT|FETCH/.test(limit), offset: limit.includes('OFFSET') } };
    }
    return { sql: `${head} ${list}${fromSql}${where}`, compare: { kind: 'multiset' } };
  }

  #aggSelect(from: From, sc: Scope, head: string, fromSql: string, where: string): { sql: string; compare: Compare } {
    const groups: Output[] = [];
    const g = this.rng.weighted([[1, 0], [3, 1], [2, 2]]);
    for (let i = 0; i < g; i++) {
      const type = this.rng.pick(this.#present(sc, ORDERABLE));
      const col = this.#column(sc, type);
      let e = col ?? this.#typedExpr(sc, type, 1).sql;
      if (BARE_CONSTANT.test(e)) e = this.#ref(sc.rels[0]!, 'id');
      if (!groups.some((x) => x.sql === e)) groups.push({ sql: e, name: `c${groups.length}`, type });
    }
    const aggSc: Scope = { ...sc, agg: true };
    const aggs: Output[] = [];
    for (let i = this.rng.int(1, 3); i > 0; i--) {
      const a = this.#aggregate(aggSc);
      aggs.push({ sql: a.sql, name: `c${groups.length + aggs.length}`, type: a.type });
    }
    // Now and then a column that is neither grouped nor aggregated: 42803 on both sides
    // (unless a primary key is grouped: KNOWN_WRONG_ANSWERS).
    const pkGrouped = from.rels.some((r) => r.table?.primaryKey === true && groups.some((g) => g.sql === `${r.ref}.id` || (r.bare && g.sql === 'id')));
    if (this.rng.chance(0.03) && (!pkGrouped || this.allowed('group-by-primary-key-dependency'))) aggs.push({ sql: this.#column(sc, 'int4') ?? 'id', name: 'bad', type: 'int4' });
    const outputs = [...groups, ...aggs];
    const groupBy = groups.length === 0 ? '' : ` GROUP BY ${groups.map((x, i) => (this.rng.chance(0.3) ? String(i + 1) : x.sql)).join(', ')}`;
    const having = this.rng.chance(0.3) ? ` HAVING ${this.#havingCond(aggSc, groups)}` : '';
    const list = this.#outputList(outputs);
    if (groups.length > 0 && this.rng.chance(0.6)) {
      const items = groups.map((o, i) => `${this.#orderRef(o, i, outputs)}${this.#direction()}`);
      const limit = this.#limit(false);
      // Group keys are unique per row, so the order is total.
      return { sql: `${head} ${list}${fromSql}${where}${groupBy}${having} ORDER BY ${items.join(', ')}${limit}`, compare: { kind: 'list' } };
    }
    return { sql: `${head} ${list}${fromSql}${where}${groupBy}${having}`, compare: { kind: 'multiset' } };
  }

  #havingCond(sc: Scope, groups: readonly Output[]): string {
    const a = this.#aggregate(sc);
    if (a.type === 'vector' || a.type === 'halfvec') return `${a.sql} IS NOT NULL`;
    const lit = this.#literal(a.type);
    const cond = `${a.sql} ${this.rng.pick(['<', '>', '<=', '>=', '<>', '='])} ${lit}`;
    return this.rng.chance(0.3) && groups.length > 0 ? `${cond} OR ${groups[0]!.sql} IS NULL` : cond;
  }

  #windowSelect(sc: Scope, keyExprs: readonly string[], head: string, fromSql: string, where: string): { sql: string; compare: Compare } {
    const outputs: Output[] = keyExprs.map((k, i) => ({ sql: k, name: `k${i}`, type: 'int4' }));
    outputs.push(...this.#outputs(sc, this.rng.int(0, 2)));
    for (let i = this.rng.int(1, 3); i > 0; i--) outputs.push({ ...this.#windowFn(sc, keyExprs), name: `w${i}` });
    const items = keyExprs.map((k) => `${k}${this.#direction()}`);
    return { sql: `${head} ${this.#outputList(outputs)}${fromSql}${where} ORDER BY ${items.join(', ')}${this.#limit(true)}`, compare: { kind: 'list' } };
  }

  /** A window function call whose value does not depend on how peers are ordered. */
  #windowFn(sc: Scope, keyExprs: readonly string[]): { sql: string; type: SqlT } {
    const partition = this.rng.chance(0.6) ? `PARTITION BY ${this.#column(sc, 'int4') ?? keyExprs[0]!}${this.rng.chance(0.3) ? `, ${this.#column(sc, 'text') ?? keyExprs[0]!}` : ''} ` : '';
    const byKey = (extra: string) => `ORDER BY ${extra}${keyExprs.map((k) => `${k}${this.#direction()}`).join(', ')}`;
    const pre = () => (this.rng.chance(0.5) ? `${this.#orderItems(sc, 1)[0]!}, ` : '');
    const kind = this.rng.int(0, 12);
    switch (kind) {
      case 10:
      case 11:
        return this.#offsetFrameAggregate(sc, partition);
      case 12: {
        // ROWS with offsets and EXCLUDE over a total order: row positions are determined.
        const fn = this.rng.pick(['first_value', 'last_value', 'nth_value', 'agg', 'agg']);
        const t = this.rng.pick(ORDERABLE);
        const arg = this.#column(sc, t) ?? keyExprs[0]!;
        const f = fn === 'agg' ? this.#aggregate({ ...sc, agg: true }, true) : { sql: `${fn}(${arg}${fn === 'nth_value' ? `, ${this.rng.int(1, 3)}` : ''})`, type: this.#column(sc, t) === null ? 'int4' as SqlT : t };
        return { sql: `${f.sql} OVER (${partition}${byKey(pre())} ${this.#frameClause('ROWS', this.rng.int(0, 3), this.rng.int(0, 3))})`, type: f.type };
      }
      case 0:
        return { sql: `row_number() OVER (${partition}${byKey(pre())})`, type: 'int8' };
      case 1: {
        const fn = this.rng.pick(['rank', 'dense_rank', 'percent_rank', 'cume_dist']);
        const by = this.#orderItems(sc, 1)[0]!;
        return { sql: `${fn}() OVER (${partition}ORDER BY ${by})`, type: fn === 'rank' || fn === 'dense_rank' ? 'int8' : 'float8' };
      }
      case 2:
        return { sql: `ntile(${this.rng.int(1, 4)}) OVER (${partition}${byKey(pre())})`, type: 'int4' };
      case 3:
      case 4: {
        const fn = this.rng.pick(['lag', 'lead', 'first_value', 'last_value']);
        const t = this.rng.pick(ORDERABLE);
        const a = this.#typedExpr(sc, t, 1).sql;
        // An untyped literal argument would leave the polymorphic result type unknown (42804).
        const arg = BARE_CONSTANT.test(a) ? `${a.startsWith('-') ? `(${a})` : a}::${t}` : a;
        const frame = fn === 'last_value' ? ' ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING' : '';
        const args = fn === 'lag' || fn === 'lead' ? (this.rng.chance(0.5) ? `${arg}, ${this.rng.int(1, 2)}` : arg) : arg;
        return { sql: `${fn}(${args}) OVER (${partition}${byKey(pre())}${frame})`, type: t };
      }
      default: {
        // PostgreSQL has no DISTINCT or ORDER BY inside window aggregates (0A000).
        const a = this.#aggregate({ ...sc, agg: true }, true);
        const order = this.rng.pick(['', 'peers', 'rows']);
        const over =
          order === ''
            ? partition.trim()
            : order === 'peers'
              ? `${partition}ORDER BY ${this.#orderItems(sc, 1)[0]!}`
              : `${partition}${byKey('')} ROWS BETWEEN ${this.rng.int(0, 2)} PRECEDING AND ${this.rng.pick(['CURRENT ROW', '1 FOLLOWING'])}`;
        return { sql: `${a.sql} OVER (${over})`, type: a.type };
      }
    }
  }

  #distinctSelect(sc: Scope, keyExprs: readonly string[], mode: 'distinct' | 'distinct-on', head: string, fromSql: string, where: string): { sql: string; compare: Compare } {
    if (mode === 'distinct') {
      const outputs = this.#outputs(sc, this.rng.int(1, 3), ORDERABLE);
      const list = this.#outputList(outputs);
      if (this.rng.chance(0.6)) {
        const items = outputs.map((o, i) => `${this.#orderRef(o, i, outputs)}${this.#direction()}`);
        // DISTINCT rows are unique, so ordering by all of them is total.
        return { sql: `${head} DISTINCT ${list}${fromSql}${where} ORDER BY ${items.join(', ')}${this.#limit(false)}`, compare: { kind: 'list' } };
      }
      return { sql: `${head} DISTINCT ${list}${fromSql}${where}`, compare: { kind: 'multiset' } };
    }
    const on = this.#outputs(sc, this.rng.int(1, 2), ORDERABLE).map((o) => (BARE_CONSTANT.test(o.sql) ? { ...o, sql: this.#ref(sc.rels[0]!, 'id') } : o));
    const rest = this.#outputs(sc, this.rng.int(1, 2));
    const outputs = [...on, ...rest.map((o, i) => ({ ...o, name: `r${i}` }))];
    const items = [...on.map((o) => `${o.sql}${this.#direction()}`), ...this.#orderItems(sc, this.rng.int(0, 1)), ...keyExprs.map((k) => `${k}${this.#direction()}`)];
    // One row per DISTINCT ON value, and the ORDER BY starts with those values: a total order.
    return { sql: `${head} DISTINCT ON (${on.map((o) => o.sql).join(', ')}) ${this.#outputList(outputs)}${fromSql}${where} ORDER BY ${items.join(', ')}${this.#limit(false)}`, compare: { kind: 'list' } };
  }

  /**
   * `SELECT dist, ... ORDER BY dist LIMIT k`: the shape vecgres runs as a top-k scan or an
   * index scan. `sub` = 'scalar' puts an uncorrelated scalar subquery in WHERE (issue 7's
   * first wrong answer).
   */
  #knn(from: From, sub: Scope['sub'] = 'none'): { sql: string; compare: Compare } {
    const sc: Scope = { rels: from.rels, outer: [], agg: false, depth: 0, sub, correlated: false };
    const dist = this.#distance(sc, 0, true) ?? this.#typedExpr(sc, 'float8', 1).sql;
    const outputs: Output[] = [{ sql: dist, name: 'c0', type: 'float8' }, ...this.#outputs(sc, this.rng.int(0, 3), undefined, true).map((o, i) => ({ ...o, name: `c${i + 1}` }))];
    const conds: string[] = [];
    if (from.where !== undefined) {
      if (from.where !== '') conds.push(`(${from.where})`);
    } else if (this.rng.chance(0.4)) conds.push(this.#bool({ ...sc, sub: 'none' }, 1));
    if (sub === 'scalar') conds.push(this.#knnSubqueryCond(from.rels[0]!));
    const where = conds.length === 0 ? '' : ` WHERE ${conds.join(' AND ')}`;
    const key = this.rng.weighted([[3, dist], [1, '1'], [1, 'c0']]);
    let dir = this.rng.chance(0.1) ? ' DESC' : '';
    // NULLS FIRST must sort rather than take the top-k path (issue 7).
    if (this.rng.chance(0.2)) dir += ' NULLS FIRST';
    else if (this.rng.chance(0.1)) dir += ' NULLS LAST';
    const offset = this.rng.chance(0.2) ? ` OFFSET ${this.rng.int(0, 4)}` : '';
    const list = this.#outputList(outputs);
    return {
      sql: `SELECT ${key === 'c0' && !list.startsWith(`${dist} AS c0`) ? list.replace(dist, `${dist} AS c0`) : list} FROM ${from.sql}${where} ORDER BY ${key}${dir} LIMIT ${this.rng.int(1, 8)}${offset}`,
      compare: { kind: 'keyed', keys: [0], limited: true, offset: offset !== '' },
    };
  }

  /** A WHERE condition with an uncorrelated scalar subquery, some of them k-NN queries themselves. */
  #knnSubqueryCond(outer: Rel): string {
    const ref = (c: string) => (outer.bare ? c : `${outer.ref}.${c}`);
    // Issue 7's form exactly: the same table's unique nearest row, excluded from its own k-NN.
    const own = outer.table;
    if (own !== undefined && own.columns.some((c) => c.name === 'v') && this.rng.chance(0.5)) {
      for (let attempt = 0; attempt < 4; attempt++) {
        const dist = `v <-> ${vectorLiteral('vector', randomComponents(this.rng, false))}`;
        if (this.#uniqueNearest(own, dist)) return `${ref('id')} <> (SELECT id FROM ${own.name} ORDER BY ${dist} LIMIT 1)`;
      }
    }
    const t = this.rng.pick(this.schema.tables);
    const inner = this.#baseRel(t, null, true);
    const sc: Scope = { rels: [inner], outer: [], agg: false, depth: 1, sub: 'none', correlated: false };
    const dist = this.#distance(sc, 0, true);
    if (dist !== null) {
      // The nearest row's id when it is unique (computed here from the data), else its distance.
      const unique = this.#uniqueNearest(t, dist);
      if (unique && t === outer.table) return `${ref('id')} <> (SELECT id FROM ${t.name} ORDER BY ${dist} LIMIT 1)`;
      if (this.rng.chance(0.5)) {
        const outerDist = this.#distance({ rels: [outer], outer: [], agg: false, depth: 0, sub: 'none', correlated: false }, 0, true);
        if (outerDist !== null) return `${outerDist} > (SELECT ${dist} FROM ${t.name} ORDER BY ${dist} LIMIT 1)`;
      }
      return `${ref('id')} <> (SELECT id FROM ${t.name} ORDER BY ${dist}, id LIMIT 1)`;
    }
    return `${ref('id')} ${this.rng.pick(['<>', '<', '>='])} (SELECT ${this.rng.pick(['max', 'min'])}(id) FROM ${t.name})`;
  }

  /**
   * True when `dist` is `v <-> '[...]'` on a vector column of `t` and exactly one row is
   * nearest, so `SELECT id ... ORDER BY dist LIMIT 1` has one right answer.
   */
  #uniqueNearest(t: TableSpec, dist: string): boolean {
    const m = /^(\w+) <-> '\[(-?\d+),(-?\d+),(-?\d+)\]'$/.exec(dist);
    if (m === null) return false;
    const col = t.columns.findIndex((c) => c.name === m[1] && c.type === 'vector');
    if (col < 0) return false;
    const q = [Number(m[2]), Number(m[3]), Number(m[4])];
    const ds: number[] = [];
    for (const row of t.rows) {
      const lit = row[col]!;
      if (lit === 'NULL') continue;
      const xs = lit.slice(2, -2).split(',').map(Number);
      ds.push(xs.reduce((s, x, i) => s + (x - q[i]!) ** 2, 0));
    }
    if (ds.length === 0) return false;
    const min = Math.min(...ds);
    return ds.filter((d) => d === min).length === 1;
  }

  /**
   * The cross-join k-NN of issue 7 (seed "The Cross-Join Trap"): one row of `b` gives the
   * query vector for a k-NN over `a`.
   */
  #knnJoin(): { sql: string; compare: Compare } {
    const t = this.rng.pick(this.schema.tables);
    const vcols = t.columns.filter((c) => VECTOR_TYPES.includes(c.type));
    const c = this.rng.pick(vcols);
    const a = this.#alias('a');
    const b = this.#alias('b');
    const dist = `${a}.${c.name} ${this.rng.pick(DISTANCE_OPS[c.type]!)} ${b}.${c.name}`;
    const from = this.rng.weighted([[2, `${t.name} ${a}, ${t.name} ${b} WHERE ${b}.id = ${this.rng.int(1, 6)}`], [1, `${t.name} ${a} JOIN ${t.name} ${b} ON ${b}.id = ${this.rng.int(1, 6)}`], [1, `${t.name} ${a} CROSS JOIN ${t.name} ${b} WHERE ${b}.id = ${this.rng.int(1, 6)}`]]);
    return {
      sql: `SELECT ${dist} AS dist, ${a}.id, ${a}.k FROM ${from} ORDER BY ${dist} LIMIT ${this.rng.int(1, 8)}`,
      compare: { kind: 'keyed', keys: [0], limited: true, offset: false },
    };
  }

  /**
   * The re-rank CTE of the seed articles: candidates by Hamming distance of binary-quantized
   * vectors (tie-broken by id, so the candidate set is determined), then re-ranked exactly.
   */
  #rerankCte(): { sql: string; compare: Compare } | null {
    const t = this.rng.pick(this.schema.tables);
    if (!t.columns.some((c) => c.name === 'v')) return null;
    const q = vectorLiteral('vector', randomComponents(this.rng, true));
    const op = this.rng.pick(DISTANCE_OPS['vector']!);
    return {
      sql: `WITH cand AS (SELECT id, v FROM ${t.name} ORDER BY binary_quantize(v) <~> binary_quantize(${q}::vector), id LIMIT ${this.rng.int(3, 15)}) SELECT v ${op} ${q} AS dist, id FROM cand ORDER BY v ${op} ${q} LIMIT ${this.rng.int(1, 6)}`,
      compare: { kind: 'keyed', keys: [0], limited: true, offset: false },
    };
  }

  #cte(): { sql: string; compare: Compare } {
    if (this.rng.chance(0.15)) {
      const r = this.#rerankCte();
      if (r !== null) return r;
    }
    const ctes: Rel[] = [];
    const defs: string[] = [];
    let recursive = false;
    for (let i = this.rng.int(1, 2); i > 0; i--) {
      const name = `w${ctes.length}`;
      if (this.rng.chance(0.15)) {
        recursive = true;
        const top = this.rng.int(2, 8);
        defs.push(`${name}(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM ${name} WHERE x < ${top})`);
        ctes.push({ ref: name, bare: false, cols: [{ name: 'x', type: 'int4' }], key: ['x'] });
        continue;
      }
      const d = this.#derived();
      const mat = this.rng.weighted([[3, ''], [1, 'MATERIALIZED '], [1, 'NOT MATERIALIZED ']]);
      defs.push(`${name} AS ${mat}(${d.body})`);
      ctes.push({ ref: name, bare: false, cols: d.cols, key: d.key });
    }
    const prefix = `WITH ${recursive ? 'RECURSIVE ' : ''}${defs.join(', ')} `;
    let from: From;
    if (this.rng.chance(0.4)) {
      const c = this.rng.pick(ctes);
      from = { sql: c.ref, rels: [{ ...c, bare: true }], outer: [] };
    } else {
      from = this.#joinFrom(0.1, ctes);
    }
    return this.#select(from, 'none', this.rng.weighted([[4, 'rows'], [1, 'agg']]), prefix);
  }

  #lateral(): { sql: string; compare: Compare } {
    const tables = this.schema.tables;
    const a = this.rng.pick(tables);
    const b = this.rng.pick(tables);
    const outer = this.#baseRel(a, this.#alias('a'), false);
    const srf = this.#lateralFunction(a, outer);
    if (srf !== null) return this.#select(srf, 'none', this.rng.weighted([[5, 'rows'], [1, 'agg'], [1, 'distinct']]));
    const inner = this.#baseRel(b, this.#alias('b'), false);
    const shared = VECTOR_TYPES.filter((t) => a.columns.some((c) => c.type === t) && b.columns.some((c) => c.type === t));
    const innerSc: Scope = { rels: [inner], outer: [outer], agg: false, depth: 1, sub: 'none', correlated: true };
    const corr = this.rng.chance(0.5) ? ` WHERE ${this.#ref(inner, 'k')} = ${this.#ref(outer, 'k')}` : '';
    let body: string;
    let cols: Col[];
    let key: string[];
    if (this.rng.chance(0.3)) {
      const agg = this.#aggregate({ ...innerSc, agg: true });
      body = `SELECT count(*) AS cnt, ${agg.sql} AS a1 FROM ${b.name} ${inner.ref}${corr}`;
      cols = [{ name: 'cnt', type: 'int8' }, { name: 'a1', type: agg.type }];
      key = [];
    } else {
      let dist: string;
      if (shared.length > 0) {
        const vt = this.rng.pick(shared);
        const ca = this.rng.pick(a.columns.filter((c) => c.type === vt)).name;
        const cb = this.rng.pick(b.columns.filter((c) => c.type === vt)).name;
        dist = `${this.#ref(inner, cb)} ${this.rng.pick(DISTANCE_OPS[vt]!)} ${this.#ref(outer, ca)}`;
      } else {
        dist = this.#distance(innerSc, 0, true) ?? `${this.#ref(inner, 'id')}::float8`;
      }
      const extra = this.#outputs(innerSc, this.rng.int(0, 2)).map((o, i) => ({ ...o, name: `x${i}` }));
      body = `SELECT ${this.#ref(inner, 'id')} AS id, ${dist} AS dist${extra.map((o) => `, ${o.sql} AS ${o.name}`).join('')} FROM ${b.name} ${inner.ref}${corr} ORDER BY ${dist}, ${this.#ref(inner, 'id')} LIMIT ${this.rng.int(1, 4)}`;
      cols = [{ name: 'id', type: 'int4' }, { name: 'dist', type: 'float8' }, ...extra.map((o) => ({ name: o.name, type: o.type }))];
      key = ['id'];
    }
    const l = this.#alias('l');
    const join = this.rng.weighted([[3, `CROSS JOIN LATERAL (${body}) AS ${l}`], [2, `LEFT JOIN LATERAL (${body}) AS ${l} ON true`], [1, `, LATERAL (${body}) AS ${l}`]]);
    const from: From = { sql: `${a.name} ${outer.ref} ${join}`.replace(' , ', ', '), rels: [outer, { ref: l, bare: false, cols, key }], outer: [] };
    return this.#select(from, 'none', this.rng.weighted([[5, 'rows'], [1, 'agg']]));
  }

  /**
   * Now and then (when `a` has an integer[] or jsonb column) a set-returning function over the
   * outer row instead of a subquery: `unnest(a.ia)` or `jsonb_array_elements_text(a.j -> 'tags')`,
   * with ORDINALITY (the outer key and the ordinal are then a key) or without.
   */
  #lateralFunction(a: TableSpec, outer: Rel): From | null {
    const arr = a.columns.some((c) => c.type === 'intarr');
    const json = a.columns.some((c) => c.type === 'jsonb');
    if ((!arr && !json) || !this.rng.chance(0.35)) return null;
    const useArr = arr && (!json || this.rng.chance(0.5));
    const fn = useArr ? `unnest(${outer.ref}.ia)` : `jsonb_array_elements_text(${outer.ref}.j -> 'tags')`;
    const ord = this.rng.chance(0.6);
    const l = this.#alias('u');
    const item = `${fn}${ord ? ' WITH ORDINALITY' : ''} AS ${l}(x${ord ? ', n' : ''})`;
    const cols: Col[] = [{ name: 'x', type: useArr ? 'int4' : 'text' }, ...(ord ? [{ name: 'n', type: 'int8' as SqlT }] : [])];
    const join = this.rng.weighted([[3, `CROSS JOIN LATERAL ${item}`], [2, `LEFT JOIN LATERAL ${item} ON true`], [2, `, ${item}`], [1, `JOIN ${item} ON ${l}.x IS NOT NULL`]]);
    return { sql: `${a.name} ${outer.ref} ${join}`.replace(' , ', ', '), rels: [outer, { ref: l, bare: false, cols, key: ord ? ['n'] : null }], outer: [] };
  }

  #setop(): { sql: string; compare: Compare } {
    const types: SqlT[] = [];
    for (let i = this.rng.int(1, 3); i > 0; i--) types.push(this.rng.weighted<SqlT>([[3, 'int4'], [2, 'text'], [1, 'int8'], [1, 'float8'], [1, 'bool'], [1, 'vector'], [0.5, 'timestamptz'], [0.5, 'date']]));
    const branch = (): string => {
      const t = this.rng.pick(this.schema.tables);
      const sc: Scope = { rels: [this.#baseRel(t, null, true)], outer: [], agg: false, depth: 1, sub: 'none', correlated: false };
      const cols = types.map((ty, i) => `${this.#typedExpr(sc, ty, 1).sql} AS c${i}`);
      const where = this.rng.chance(0.5) ? ` WHERE ${this.#bool(sc, 1)}` : '';
      return `SELECT ${cols.join(', ')} FROM ${t.name}${where}`;
    };
    const ops = ['UNION', 'UNION ALL', 'INTERSECT', 'INTERSECT ALL', 'EXCEPT', 'EXCEPT ALL'];
    let sql = branch();
    for (let i = this.rng.int(1, 2); i > 0; i--) {
      const next = branch();
      sql = this.rng.chance(0.3) ? `(${sql}) ${this.rng.pick(ops)} (${next})` : `${sql} ${this.rng.pick(ops)} ${next}`;
    }
    if (this.rng.chance(0.5)) {
      const items = types.map((_, i) => `${this.rng.chance(0.5) ? `c${i}` : String(i + 1)}${this.#direction()}`);
      const limit = this.#limit(false);
      // Rows equal on every column print alike, so ordering by all columns fixes the text.
      return { sql: `${sql} ORDER BY ${items.join(', ')}${limit}`, compare: { kind: 'keyed', keys: range(types.length), limited: /LIMIT|FETCH/.test(limit), offset: limit.includes('OFFSET') } };
    }
    return { sql, compare: { kind: 'multiset' } };
  }


  /** `start` and `end` of a frame (some pairs are PostgreSQL's 42P20), and now and then EXCLUDE. */
  #frameClause(mode: string, startN: string | number, endN: string | number): string {
    const start = this.rng.weighted([[2, 'UNBOUNDED PRECEDING'], [4, `${startN} PRECEDING`], [2, 'CURRENT ROW'], [1, `${startN} FOLLOWING`]]);
    const end = this.rng.weighted([[2, 'UNBOUNDED FOLLOWING'], [4, `${endN} FOLLOWING`], [2, 'CURRENT ROW'], [0.5, `${endN} PRECEDING`]]);
    const exclude = this.rng.weighted([[5, ''], [1, ' EXCLUDE CURRENT ROW'], [1, ' EXCLUDE GROUP'], [1, ' EXCLUDE TIES'], [0.5, ' EXCLUDE NO OTHERS']]);
    return this.rng.chance(0.1) ? `${mode} ${start.replace(/^(UNBOUNDED|\S+) FOLLOWING$/, 'CURRENT ROW')}${exclude}` : `${mode} BETWEEN ${start} AND ${end}${exclude}`;
  }

  /**
   * An aggregate over a RANGE frame with offsets (one ORDER BY column; the offset has that
   * column's type, an interval for timestamps and dates) or a GROUPS frame: its value depends
   * on which rows the frame holds, never on their order among peers.
   */
  #offsetFrameAggregate(sc: Scope, partition: string): { sql: string; type: SqlT } {
    const a = this.#aggregate({ ...sc, agg: true }, true);
    if (this.rng.chance(0.4)) {
      const items = this.#orderItems(sc, this.rng.int(1, 2));
      return { sql: `${a.sql} OVER (${partition}ORDER BY ${items.join(', ')} ${this.#frameClause('GROUPS', this.rng.int(0, 2), this.rng.int(0, 2))})`, type: a.type };
    }
    const type = this.rng.pick(this.#present(sc, ['int4', 'int8', 'float4', 'float8', 'numeric', 'timestamp', 'date', 'timestamptz']));
    const col = this.#column(sc, type) ?? this.#column(sc, 'int4') ?? 'id';
    const colType = this.#column(sc, type) === null ? 'int4' : type;
    const offset = (): string => {
      // Rarely a negative or NULL offset: 22013 / 22004 on both sides.
      if (this.rng.chance(0.04)) return this.rng.pick(['-1', 'NULL']);
      switch (colType) {
        case 'timestamp':
        case 'date':
        case 'timestamptz':
          return `interval '${this.rng.int(0, 3)} ${this.rng.pick(['days', 'hours'])}'`;
        case 'float4':
        case 'float8':
          return this.rng.pick(['0.5', '1', '2.25', "'1.5'::float8"]);
        case 'numeric':
          return this.rng.pick(['0.25', '1.5', '3']);
        default:
          return String(this.rng.int(0, 3));
      }
    };
    return { sql: `${a.sql} OVER (${partition}ORDER BY ${col}${this.#direction()} ${this.#frameClause('RANGE', offset(), offset())})`, type: a.type };
  }

  /** A base table under a fresh alias, for the outer-join and semi-join shapes. */
  #aliasedTable(prefix: string): { rel: Rel; item: string } {
    const t = this.rng.pick(this.schema.tables);
    const alias = this.#alias(prefix);
    return { rel: this.#baseRel(t, alias, false), item: `${t.name} ${alias}` };
  }

  /** A condition on `rel`'s columns only (a one-sided filter). */
  #sideFilter(rel: Rel): string {
    const sc: Scope = { rels: [rel], outer: [], agg: false, depth: 0, sub: 'none', correlated: false };
    return this.rng.weighted<() => string>([
      [4, () => this.#bool(sc, 1)],
      [2, () => `${this.#ref(rel, this.rng.pick(rel.cols.filter((c) => ORDERABLE.includes(c.type))).name)} IS ${this.rng.pick(['', 'NOT '])}NULL`],
      [1, () => `${this.#ref(rel, 'k')} ${this.rng.pick(['=', '<', '>=', '<>'])} ${this.rng.int(0, 4)}`],
    ])();
  }

  /** `left.c = right.c` on a column both have (k at least), and now and then a one-sided filter. */
  #joinCond(left: readonly Rel[], right: Rel, full: boolean): string {
    const shared = right.cols.filter((c) => ORDERABLE.includes(c.type) && left.some((r) => r.cols.some((o) => o.name === c.name && o.type === c.type)));
    const c = this.rng.pick(shared).name;
    const l = this.rng.pick(left.filter((r) => r.cols.some((o) => o.name === c)));
    // FULL JOIN needs a merge- or hash-joinable condition (PostgreSQL's 0A000 otherwise): rarely not one.
    const op = full && this.rng.chance(0.95) ? '=' : this.rng.weighted([[6, '='], [1, '<'], [1, 'IS NOT DISTINCT FROM'], [1, '<>']]);
    const conds = [`${l.ref}.${c} ${op} ${right.ref}.${c}`];
    if (this.rng.chance(0.5)) conds.push(this.#sideFilter(this.rng.chance(0.6) ? right : this.rng.pick(left)));
    return conds.join(' AND ');
  }

  /**
   * Outer joins as applications write them: LEFT / RIGHT / FULL joins on an equality, with a
   * one-sided filter in ON (unmatched rows stay, NULL-extended) or in WHERE (it removes them,
   * or keeps only them: the anti join `WHERE b.id IS NULL`), and a third table chained to the
   * nullable side or joined inside parentheses.
   */
  #outerJoin(): { sql: string; compare: Compare } {
    const a = this.#aliasedTable('o');
    const b = this.#aliasedTable('o');
    const kind = () => this.rng.weighted<string>([[4, 'LEFT JOIN'], [2, 'RIGHT JOIN'], [2, 'FULL JOIN'], [1, 'JOIN']]);
    const k1 = kind();
    const rels: Rel[] = [a.rel, b.rel];
    let sql: string;
    const third = this.rng.chance(0.45) ? this.#aliasedTable('o') : null;
    if (third === null) {
      sql = `${a.item} ${k1} ${b.item} ON ${this.#joinCond([a.rel], b.rel, k1 === 'FULL JOIN')}`;
    } else if (this.rng.chance(0.5)) {
      const k2 = kind();
      // Chained: the third table joins on a column of either, most often the nullable one.
      const left = this.rng.chance(0.7) ? [b.rel] : [a.rel, b.rel];
      sql = `${a.item} ${k1} ${b.item} ON ${this.#joinCond([a.rel], b.rel, k1 === 'FULL JOIN')} ${k2} ${third.item} ON ${this.#joinCond(left, third.rel, k2 === 'FULL JOIN')}`;
      rels.push(third.rel);
    } else {
      const k2 = kind();
      sql = `${a.item} ${k1} (${b.item} ${k2} ${third.item} ON ${this.#joinCond([b.rel], third.rel, k2 === 'FULL JOIN')}) ON ${this.#joinCond([a.rel], this.rng.pick([b.rel, third.rel]), k1 === 'FULL JOIN')}`;
      rels.push(third.rel);
    }
    const nullable = this.rng.pick(rels.slice(1));
    const where = this.rng.weighted<() => string>([
      [3, () => ''],
      [3, () => this.#sideFilter(nullable)],
      [2, () => `${nullable.ref}.id IS ${this.rng.pick(['', 'NOT '])}NULL`],
      [1, () => `(${this.#sideFilter(a.rel)} OR ${nullable.ref}.id IS NULL)`],
      [1, () => `coalesce(${nullable.ref}.k, ${this.rng.int(-1, 4)}) ${this.rng.pick(['=', '<>', '>'])} ${this.rng.int(0, 4)}`],
      [1, () => `${a.rel.ref}.k IS ${this.rng.pick(['', 'NOT '])}DISTINCT FROM ${nullable.ref}.k`],
      [2, () => this.#bool({ rels, outer: [], agg: false, depth: 0, sub: 'none', correlated: false }, 1)],
    ])();
    return this.#select({ sql, rels, outer: [], where }, 'none', this.rng.weighted([[6, 'rows'], [2, 'agg'], [1, 'distinct'], [1, 'window']]));
  }

  /**
   * Semi and anti joins: [NOT] EXISTS and [NOT] IN / ANY / ALL over nullable columns
   * (three-valued results), correlated or not, in WHERE and in the select list, and correlated
   * scalar subqueries in the select list; now and then a k-NN filtered by one.
   */
  #semiJoin(): { sql: string; compare: Compare } {
    const from = this.rng.chance(0.7) ? this.#singleFrom() : this.#joinFrom(0);
    const sc: Scope = { rels: from.rels, outer: [], agg: false, depth: 0, sub: 'any', correlated: false };
    const preds = [this.#semiPredicate(sc, 0)];
    if (this.rng.chance(0.3)) preds.push(this.rng.chance(0.5) ? this.#semiPredicate(sc, 0) : this.#bool({ ...sc, sub: 'none' }, 1));
    const where = this.rng.chance(0.85) ? preds.join(this.rng.pick([' AND ', ' AND ', ' OR '])) : '';
    if (from.rels.length === 1 && this.rng.chance(0.2)) return this.#knn({ ...from, where });
    const mode = this.rng.weighted<'rows' | 'agg' | 'distinct'>([[6, 'rows'], [1, 'agg'], [1, 'distinct']]);
    // Only a plain SELECT writes them (an unwritten parameter would be 08P01).
    const extra: Output[] = [];
    if (mode === 'rows') for (let i = this.rng.weighted([[3, 0], [2, 1], [1, 2]]); i > 0; i--) extra.push({ ...this.#selectListSubquery(sc), name: `sq${i}` });
    return this.#select({ ...from, where, extra }, 'none', mode);
  }

  /** A subquery in the select list: a semi-join predicate's value or a correlated scalar subquery. */
  #selectListSubquery(sc: Scope): Output & { name: string } {
    const outerRel = this.rng.pick(sc.rels);
    const inner = this.#aliasedTable('s');
    const shared = inner.rel.cols.filter((c) => ORDERABLE.includes(c.type) && outerRel.cols.some((o) => o.name === c.name && o.type === c.type));
    const c = shared.length > 0 ? this.rng.pick(shared) : { name: 'k', type: 'int4' as SqlT };
    const corr = `${inner.rel.ref}.${c.name} ${this.rng.weighted([[4, '='], [1, '<'], [1, '<>']])} ${outerRel.ref}.${c.name}`;
    const k = outerRel.cols.some((x) => x.name === 'k') ? 'k' : 'id';
    const col = this.rng.pick(inner.rel.cols.filter((x) => ORDERABLE.includes(x.type)));
    return this.rng.weighted<() => Output & { name: string }>([
      [3, () => ({ sql: `(${this.#semiPredicate(sc, 0)})`, name: '', type: 'bool' })],
      [2, () => ({ sql: `(SELECT count(*) FROM ${inner.item} WHERE ${corr})`, name: '', type: 'int8' })],
      // No max(boolean) in PostgreSQL.
      [col.type === 'bool' ? 0 : 2, () => ({ sql: `(SELECT ${this.rng.pick(['max', 'min'])}(${inner.rel.ref}.${col.name}) FROM ${inner.item} WHERE ${corr})`, name: '', type: col.type })],
      // At most one row: ids are unique in every table.
      [2, () => ({ sql: `(SELECT ${inner.rel.ref}.${col.name} FROM ${inner.item} WHERE ${inner.rel.ref}.id = ${outerRel.ref}.${k})`, name: '', type: col.type })],
      [1, () => ({ sql: `ARRAY(SELECT ${inner.rel.ref}.id FROM ${inner.item} WHERE ${corr} ORDER BY ${inner.rel.ref}.id${this.#direction()})`, name: '', type: 'text', opaque: true })],
      // LIMIT after a total order (the id breaks ties).
      [1, () => ({ sql: `(SELECT ${inner.rel.ref}.${col.name} FROM ${inner.item} WHERE ${corr} ORDER BY ${inner.rel.ref}.${col.name}${this.#direction()}, ${inner.rel.ref}.id LIMIT 1)`, name: '', type: col.type })],
      [0.5, () => ({ sql: `(SELECT count(*) FROM (SELECT 1 FROM ${inner.item} WHERE ${corr} LIMIT ${this.rng.int(0, 3)}) AS lim)`, name: '', type: 'int8' })],
      [0.5, () => ({ sql: `(SELECT array_agg(${inner.rel.ref}.id ORDER BY ${inner.rel.ref}.id) FROM ${inner.item} WHERE ${corr})::text`, name: '', type: 'text' })],
    ])();
  }

  /**
   * A semi- or anti-join predicate from the enclosing scope's rows to a subquery; `nest` > 0
   * inside another one.
   */
  #semiPredicate(sc: Scope, nest: number): string {
    const outerRel = this.rng.pick(sc.rels);
    const inner = this.#aliasedTable('s');
    const innerSc: Scope = { rels: [inner.rel], outer: [], agg: false, depth: 1, sub: 'none', correlated: false };
    const shared = inner.rel.cols.filter((c) => ORDERABLE.includes(c.type) && outerRel.cols.some((o) => o.name === c.name && o.type === c.type));
    const c = this.rng.pick(shared);
    const lhs = this.#ref(outerRel, c.name);
    const ic = `${inner.rel.ref}.${c.name}`;
    const d = this.rng.pick(shared).name;
    const corr = `${inner.rel.ref}.${d} ${this.rng.weighted([[5, '='], [1, '<'], [1, '<>'], [1, 'IS NOT DISTINCT FROM']])} ${outerRel.ref}.${d}`;
    // Every table has k; a VALUES list or generate_series in FROM may not.
    const k = outerRel.cols.some((x) => x.name === 'k') ? 'k' : 'id';
    const conds = (correlated: boolean): string => {
      const cs = [...(correlated ? [corr] : []), ...(this.rng.chance(0.4) ? [this.#bool(innerSc, 1)] : []), ...(this.rng.chance(0.2) ? [`${ic} IS NOT NULL`] : [])];
      if (nest === 0 && this.rng.chance(0.12)) cs.push(this.#semiPredicate({ ...innerSc, outer: [] }, nest + 1));
      return cs.length === 0 ? '' : ` WHERE ${cs.join(' AND ')}`;
    };
    const not = () => this.rng.pick(['', 'NOT ']);
    return this.rng.weighted<() => string>([
      [3, () => `${not()}EXISTS (SELECT ${this.rng.pick(['1', '*', ic, 'NULL'])} FROM ${inner.item}${conds(true)})`],
      [1, () => `${not()}EXISTS (SELECT 1 FROM ${inner.item}${conds(true)} ${this.rng.pick(['LIMIT 1', 'OFFSET 1', 'LIMIT 0'])})`],
      // An aggregate without GROUP BY always returns one row; with HAVING maybe none.
      [0.5, () => `${not()}EXISTS (SELECT count(*) FROM ${inner.item}${conds(true)}${this.rng.chance(0.5) ? ` HAVING count(*) > ${this.rng.int(0, 2)}` : ''})`],
      [4, () => `${lhs} ${not()}IN (SELECT ${this.rng.chance(0.15) ? 'DISTINCT ' : ''}${ic} FROM ${inner.item}${conds(this.rng.chance(0.3))})`],
      [1, () => `${lhs} ${not()}IN (${this.#literal(c.type)}, ${this.rng.chance(0.5) ? 'NULL' : this.#literal(c.type)})`],
      // Items of a related type: IN compares in the common type (date IN (timestamp, ...)).
      [1, () => `${lhs} ${not()}IN (${this.#literal(c.type)}, ${this.#literal(relatedType(this.rng, c.type))}${this.rng.chance(0.3) ? `, ${this.#literal(relatedType(this.rng, c.type))}` : ''})`],
      // A top-n subquery (total order: the id breaks ties).
      [1, () => `${lhs} ${not()}IN (SELECT ${ic} FROM ${inner.item}${conds(this.rng.chance(0.3))} ORDER BY ${ic}${this.#direction()}, ${inner.rel.ref}.id LIMIT ${this.rng.int(0, 4)})`],
      [2, () => `${lhs} ${this.rng.pick(['=', '<>', '<', '>='])} ${this.rng.pick(['ANY', 'ALL', 'SOME'])} (SELECT ${ic} FROM ${inner.item}${conds(this.rng.chance(0.3))})`],
      [1, () => `(${lhs} IN (SELECT ${ic} FROM ${inner.item}${conds(this.rng.chance(0.3))})) IS ${this.rng.pick(['NOT TRUE', 'NOT FALSE', 'UNKNOWN', 'TRUE'])}`],
      [1, () => `NOT (${lhs} IN (SELECT ${ic} FROM ${inner.item}${conds(false)}))`],
      [0.5, () => `(${this.#ref(outerRel, k)}, ${this.#ref(outerRel, 'id')}) ${not()}IN (SELECT ${inner.rel.ref}.k, ${inner.rel.ref}.id FROM ${inner.item}${conds(false)})`],
    ])();
  }

  /**
   * GROUP BY with ROLLUP, CUBE and GROUPING SETS, with grouping() now and then; ordered by the
   * grouping columns (rows tied on them compare as a multiset) or compared as a multiset.
   */
  #groupingSets(): { sql: string; compare: Compare } {
    const from = this.rng.chance(0.7) ? this.#singleFrom() : this.#joinFrom(0);
    const sc: Scope = { rels: from.rels, outer: [], agg: false, depth: 0, sub: 'none', correlated: false };
    const groups: string[] = [];
    for (let i = this.rng.int(2, 3), tries = 0; groups.length < i && tries < 8; tries++) {
      const col = this.#column(sc, this.rng.pick(this.#present(sc, ORDERABLE)));
      if (col !== null && !groups.includes(col)) groups.push(col);
    }
    if (groups.length < 2) groups.push(this.#ref(from.rels[0]!, 'id'));
    const [g1, g2] = [groups[0]!, groups[1]!];
    // Every spec names all of the grouping columns (grouping() takes only those).
    const g3 = groups[2] === undefined ? '' : `, ${groups[2]}`;
    const spec = this.rng.pick([
      `ROLLUP (${groups.join(', ')})`,
      `CUBE (${groups.join(', ')})`,
      `GROUPING SETS ((${groups.join(', ')}), (${g1}), ())`,
      `GROUPING SETS (${groups.join(', ')})`,
      `${g1}, ROLLUP (${g2}${g3})`,
      `GROUPING SETS ((${g1}), ROLLUP (${g2}${g3}))`,
      `ROLLUP ((${g1}, ${g2})${g3})`,
      `${g1}, CUBE (${g2})${g3}`,
      `DISTINCT ROLLUP (${groups.join(', ')}), ROLLUP (${g1})`,
      `CUBE ((${g1}, ${g2})${g3}), ()`,
    ]);
    const outputs = groups.map((g, i) => `${g} AS c${i}`);
    const grouping = this.rng.chance(0.5);
    if (grouping) outputs.push(`grouping(${groups.join(', ')}) AS gr`);
    const aggSc: Scope = { ...sc, agg: true };
    for (let i = this.rng.int(1, 2); i > 0; i--) outputs.push(`${this.#aggregate(aggSc).sql} AS a${i}`);
    const where = this.rng.chance(0.4) ? ` WHERE ${this.#bool(sc, 1)}` : '';
    const having = this.rng.chance(0.25) ? ` HAVING ${this.rng.pick([`count(*) > ${this.rng.int(0, 3)}`, `grouping(${g1}) = ${this.rng.int(0, 1)}`, `${g1} IS NOT NULL`])}` : '';
    const sql = `SELECT ${outputs.join(', ')} FROM ${from.sql}${where} GROUP BY ${spec}${having}`;
    if (this.rng.chance(0.5)) {
      const keys = range(groups.length + (grouping ? 1 : 0));
      const limit = this.#limit(true);
      return { sql: `${sql} ORDER BY ${keys.map((i) => `${i + 1}${this.#direction()}`).join(', ')}${limit}`, compare: { kind: 'keyed', keys, limited: /LIMIT|FETCH/.test(limit), offset: limit.includes('OFFSET') } };
    }
    return { sql, compare: { kind: 'multiset' } };
  }

  // ---------------------------------------------------------------- pieces

  #keyExprs(rels: readonly Rel[]): string[] | null {
    const out: string[] = [];
    for (const r of rels) {
      if (r.key === null) return null;
      // Always qualified: a bare `id` in ORDER BY names an output column called id first (SQL92
      // rule), and an unaliased `CASE ... ELSE id END` is called id (FigureColname), so a bare
      // tie-break key could sort by that expression and leave ties in plan order.
      for (const k of r.key) out.push(`${r.ref}.${k}`);
    }
    return out.length === 0 ? null : out;
  }

  #ref(rel: Rel, col: string): string {
    return rel.bare && !this.rng.chance(0.15) ? col : `${rel.ref}.${col}`;
  }

  #outputs(sc: Scope, n: number, types?: readonly SqlT[], opaque = false): Output[] {
    const out: Output[] = [];
    const numericOk = this.allowed('numeric-output-scale');
    for (let i = 0; i < n; i++) {
      if (opaque && this.rng.chance(0.15)) {
        const o = this.#opaqueOutput(sc);
        if (o !== null) {
          out.push({ sql: o, name: `c${i}`, type: 'text', opaque: true });
          continue;
        }
      }
      const type = this.rng.pick<SqlT>((types ?? [...ORDERABLE, ...ORDERABLE, 'vector', 'halfvec', 'sparsevec', 'bit']).filter((t) => numericOk || t !== 'numeric'));
      const e = this.rng.chance(0.5) ? (this.#column(sc, type) ?? this.#typedExpr(sc, type, 2).sql) : this.#typedExpr(sc, type, 2).sql;
      out.push({ sql: e, name: `c${i}`, type });
    }
    return out;
  }

  /**
   * A pgvector function or cast whose result is only shown: subvectors, concatenations,
   * products, normalizations, binary quantization, casts between the vector types and to and
   * from arrays. Null when the scope has no vector-family column.
   */
  #opaqueOutput(sc: Scope): string | null {
    const v = this.#column(sc, 'vector');
    const h = this.#column(sc, 'halfvec');
    const sp = this.#column(sc, 'sparsevec');
    const choices: [number, () => string][] = [];
    if (v !== null) {
      choices.push(
        [1, () => { const start = this.rng.int(1, 3); return `subvector(${v}, ${start}, ${this.rng.int(1, 4 - start)})`; }],
        [1, () => `l2_normalize(${v})`],
        [1, () => `binary_quantize(${v})`],
        [1, () => `(${v} || ${this.rng.chance(0.5) ? v : this.#literal('vector')})`],
        [1, () => `(${v} * ${this.rng.chance(0.5) ? v : this.#literal('vector')})`],
        [1, () => `${v}::real[]`],
        [1, () => `${v}::${this.rng.pick(['halfvec(3)', 'sparsevec(3)', 'vector(3)'])}`],
      );
    }
    if (h !== null) {
      choices.push(
        [1, () => `l2_normalize(${h})`],
        [1, () => `binary_quantize(${h})`],
        [1, () => `subvector(${h}, ${this.rng.int(1, 2)}, 2)`],
        [1, () => `(${h} || ${h})`],
        [1, () => `(${h} * ${this.#literal('halfvec')})`],
        [1, () => `${h}::${this.rng.pick(['vector', 'sparsevec', 'real[]'])}`],
      );
    }
    if (sp !== null) choices.push([1, () => `l2_normalize(${sp})`], [1, () => `${sp}::${this.rng.pick(['vector', 'halfvec'])}`]);
    const col = this.#column(sc, 'int4');
    // Never a NULL element (22004 on some rows only: which rows are evaluated is not fixed).
    const ints = col === null ? '1' : `coalesce(${col}, 0)`;
    choices.push([0.5, () => `ARRAY[${ints}, ${this.rng.int(-2, 3)}, ${this.rng.int(-2, 3)}]::${this.rng.pick(['vector', 'halfvec', 'sparsevec'])}`]);
    return this.rng.weighted(choices)();
  }

  #outputList(outputs: readonly Output[]): string {
    // An unnamed cast of a cast or of ARRAY[...]: vecgres names it otherwise (KNOWN_WRONG_ANSWERS).
    const named = (o: Output) => this.rng.chance(0.8) || ((NESTED_CAST.test(o.sql) || o.sql.startsWith('ARRAY[')) && !this.allowed('cast-column-name'));
    return outputs.map((o) => (named(o) ? `${o.sql} AS ${o.name}` : o.sql)).join(', ');
  }


  /**
   * How ORDER BY names output `o` (position `i` of `outputs`): the expression or its position.
   * A bare column name is looked up among the output names first (PostgreSQL's
   * findTargetlistEntrySQL92), so `ORDER BY f` sorts by `(SELECT s.f ...)`, which is named
   * f, rather than by `f AS c1`: when another output mentions the name, use the position.
   */
  #orderRef(o: Output, i: number, outputs: readonly { sql: string }[]): string {
    // A bare literal there would be a position (integers) or a constant (42601): use the position.
    if (BARE_CONSTANT.test(o.sql)) return String(i + 1);
    const ref = this.rng.weighted([[2, o.sql], [1, String(i + 1)]]);
    if (ref === o.sql && /^[a-z_]\w*$/.test(o.sql)) {
      const word = new RegExp(`\\b${o.sql}\\b`);
      if (outputs.some((p, j) => j !== i && word.test(p.sql))) return String(i + 1);
    }
    return ref;
  }

  #direction(): string {
    const dir = this.rng.weighted([[3, ''], [1, ' ASC'], [2, ' DESC']]);
    const nulls = this.rng.weighted([[4, ''], [1, ' NULLS FIRST'], [1, ' NULLS LAST']]);
    return dir + nulls;
  }

  #orderItems(sc: Scope, n: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const type = this.rng.pick(this.#present(sc, ORDERABLE));
      const typed = !this.rng.chance(0.3);
      const e = !typed ? (this.#distance(sc, 0, false) ?? this.#typedExpr(sc, 'int4', 1).sql) : this.#typedExpr(sc, type, 1).sql;
      // Text keys now and then in the C collation by name (the default here, so the same order).
      const collate = typed && type === 'text' && this.rng.chance(0.2) ? ' COLLATE "C"' : '';
      out.push(`${this.#sortKey(sc, e)}${collate}${this.#direction()}`);
    }
    return out;
  }

  /** The types of `types` that some column in scope has (int4 when none has: every table has id and k). */
  #present(sc: Scope, types: readonly SqlT[]): SqlT[] {
    const out = types.filter((t) => sc.rels.some((r) => r.cols.some((c) => c.type === t)));
    return out.length > 0 ? out : ['int4'];
  }

  /**
   * `e` as an ORDER BY or GROUP BY item. A bare integer literal there is an output position;
   * any other bare literal is PostgreSQL's 42601 "non-integer constant", which vecgres does
   * not raise (KNOWN_WRONG_ANSWERS): such an item becomes a column unless that shape is on.
   */
  #sortKey(sc: Scope, e: string): string {
    if (!BARE_NON_INTEGER_CONSTANT.test(e) || this.allowed('non-integer-constant-sort-key')) return e;
    return this.#column(sc, 'int4') ?? this.#ref(sc.rels[0]!, 'id');
  }

  #limit(optional: boolean): string {
    if (optional && this.rng.chance(0.5)) return '';
    // WITH TIES keeps the whole last tie group: the kept rows are then determined by SQL.
    if (this.rng.chance(0.1)) return `${this.rng.chance(0.4) ? ` OFFSET ${this.rng.int(0, 5)} ROWS` : ''} FETCH FIRST ${this.rng.int(1, 12)} ROWS ${this.rng.chance(0.3) ? 'WITH TIES' : 'ONLY'}`;
    const parts: string[] = [];
    if (this.rng.chance(0.8)) parts.push(` LIMIT ${this.rng.int(0, 12)}`);
    if (this.rng.chance(0.3)) parts.push(` OFFSET ${this.rng.int(0, 5)}`);
    return parts.join('');
  }

  /** A column of `type` from the scope (qualified as needed), or null. */
  #column(sc: Scope, type: SqlT): string | null {
    const cands: [Rel, string][] = [];
    // A float column of a subquery may hold an inexact distance: not where floats must be exact.
    const inexact = sc.exact === true && (type === 'float4' || type === 'float8');
    for (const r of sc.rels) for (const c of r.cols) if (c.type === type && (!inexact || r.table !== undefined)) cands.push([r, c.name]);
    if (cands.length === 0) return null;
    const [r, c] = this.rng.pick(cands);
    return this.#ref(r, c);
  }

  /** A column of an enclosing query (a correlated reference), always qualified, or null. */
  #outerColumn(sc: Scope, type: SqlT): string | null {
    const cands: [Rel, string][] = [];
    for (const r of sc.outer) for (const c of r.cols) if (c.type === type) cands.push([r, c.name]);
    if (cands.length === 0) return null;
    const [r, c] = this.rng.pick(cands);
    return `${r.ref}.${c}`;
  }

  /** `$n` (with `cast` when given) bound to `value`. */
  #param(value: unknown, cast?: string): string {
    this.#params.push(value);
    return `$${this.#params.length}${cast === undefined ? '' : `::${cast}`}`;
  }

  /** A literal of `type` as a parameter: untyped where the context types it, else cast. */
  #paramLiteral(type: SqlT): string {
    switch (type) {
      case 'int4':
        return this.#param(this.rng.int(-2, 8), this.rng.chance(0.5) ? 'int' : undefined);
      case 'int8':
        return this.#param(this.rng.chance(0.3) ? '3000000021' : this.rng.int(-2, 8), 'bigint');
      case 'float4':
        return this.#param(this.rng.int(-6, 6) / 2, 'real');
      case 'float8':
        return this.#param(this.rng.int(-12, 12) / 4, 'float8');
      case 'numeric':
        return this.#param((this.rng.int(-40, 40) / 4).toFixed(2), 'numeric');
      case 'text':
        return this.#param(this.rng.pick(TEXTS), 'text');
      case 'bool':
        return this.#param(this.rng.chance(0.5), 'boolean');
      case 'timestamp':
        return this.#param(timestampText(this.rng), 'timestamp');
      case 'date':
        return this.#param(dateText(this.rng), 'date');
      case 'timestamptz':
        return this.#param(timestamptzText(this.rng), 'timestamptz');
      case 'interval':
        return this.#param(intervalText(this.rng), 'interval');
      case 'jsonb':
        return this.#param(jsonText(this.rng), 'jsonb');
      case 'intarr':
        return this.#param(intArrayText(this.rng), 'int[]');
      case 'bit':
        return this.#param(vectorLiteral('bit', randomComponents(this.rng, false, 4)).slice(1, -1), 'bit(4)');
      default:
        return this.#param(vectorLiteral(type, randomComponents(this.rng, false)).slice(1, -1), type);
    }
  }

  #literal(type: SqlT): string {
    if (this.#paramP > 0 && this.rng.chance(this.#paramP)) return this.#paramLiteral(type);
    switch (type) {
      case 'int4':
        return String(this.rng.int(-2, 8));
      case 'int8':
        return this.rng.chance(0.3) ? '3000000021' : `${this.rng.int(-2, 8)}::bigint`;
      case 'float4':
        return `${this.rng.int(-6, 6) / 2}::real`;
      case 'float8':
        return this.rng.chance(0.5) ? `${this.rng.int(-12, 12) / 4}::float8` : `'${this.rng.int(-12, 12) / 2}'::double precision`;
      case 'numeric':
        return (this.rng.int(-40, 40) / 4).toFixed(this.rng.int(1, 2));
      case 'text':
        return `'${this.rng.pick(TEXTS)}'`;
      case 'bool':
        return this.rng.pick(['true', 'false']);
      case 'timestamp':
        return this.rng.chance(0.3) ? `TIMESTAMP '${timestampText(this.rng)}'` : `'${timestampText(this.rng)}'::timestamp`;
      case 'date':
        return this.rng.chance(0.3) ? `DATE '${dateText(this.rng)}'` : `'${dateText(this.rng)}'::date`;
      case 'timestamptz':
        return this.rng.chance(0.3) ? `TIMESTAMPTZ '${timestamptzText(this.rng)}'` : `'${timestamptzText(this.rng)}'::timestamptz`;
      case 'interval':
        return this.rng.chance(0.5) ? `interval '${intervalText(this.rng)}'` : `'${intervalText(this.rng)}'::interval`;
      case 'jsonb':
        return `'${jsonText(this.rng)}'::jsonb`;
      case 'intarr':
        return this.rng.chance(0.7) ? `'${intArrayText(this.rng)}'::int[]` : `ARRAY[${this.rng.int(-1, 5)}, ${this.rng.int(-1, 5)}]`;
      case 'bit':
        return `${vectorLiteral('bit', randomComponents(this.rng, false, 4))}::bit(4)`;
      default:
        return `${vectorLiteral(type, randomComponents(this.rng, false))}::${type}`;
    }
  }

  /** An expression of `type`, `d` levels deep at most. */
  #typedExpr(sc: Scope, type: SqlT, d: number): { sql: string; type: SqlT } {
    return { sql: this.#expr(sc, type, d), type };
  }

  #expr(sc: Scope, type: SqlT, d: number): string {
    const col = this.#column(sc, type);
    const outerCol = correlates(sc) ? this.#outerColumn(sc, type) : null;
    const choices: [number, () => string][] = [];
    if (col !== null) choices.push([7, () => col]);
    if (outerCol !== null) choices.push([1, () => outerCol]);
    choices.push([col === null ? 3 : 1, () => this.#literal(type)]);
    if (d > 0) for (const c of this.#composites(sc, type, d - 1)) choices.push(c);
    return this.rng.weighted(choices)();
  }

  #composites(sc: Scope, type: SqlT, d: number): [number, () => string][] {
    // `-2::text` is `-(2::text)`: parenthesize a negative operand of a cast.
    const e = (t: SqlT) => {
      const x = this.#expr(sc, t, d);
      return x.startsWith('-') ? `(${x})` : x;
    };
    const out: [number, () => string][] = [];
    const sub = sc.sub !== 'none' && sc.depth < 2;
    switch (type) {
      case 'int4':
        out.push(
          [2, () => `(${e('int4')} ${this.rng.pick(['+', '-'])} ${e('int4')})`],
          [1, () => `(${e('int4')} * ${this.rng.int(0, 3)})`],
          [1, () => `(${e('int4')} ${this.rng.pick(['/', '%'])} ${this.rng.int(1, 3)})`],
          [1, () => `abs(${e('int4')})`],
          [1, () => `coalesce(${e('int4')}, ${this.rng.int(-1, 3)})`],
          [1, () => `length(${e('text')})`],
          [1, () => `vector_dims(${e(this.rng.pick(['vector', 'halfvec'] as const))})`],
          [0.4, () => `CASE WHEN ${this.#bool(sc, d)} THEN ${e('int4')} ELSE ${e('int4')} END`],
          [0.4, () => `CASE ${e('int4')} WHEN ${this.rng.int(-1, 4)} THEN ${e('int4')} WHEN ${this.rng.int(-1, 4)} THEN ${this.rng.int(0, 9)}${this.rng.chance(0.5) ? ` ELSE ${e('int4')}` : ''} END`],
          [0.4, () => `nullif(${e('int4')}, ${this.rng.int(-1, 3)})`],
          [0.4, () => `${this.rng.pick(['greatest', 'least'])}(${e('int4')}, ${e('int4')}${this.rng.chance(0.3) ? `, ${this.rng.int(-1, 4)}` : ''})`],
          [0.4, () => `mod(${e('int4')}, ${this.rng.pick([-2, 1, 2, 3])})`],
          [0.3, () => `strpos(${e('text')}, '${this.rng.pick(['a', 'b', 'ab'])}')`],
          [0.3, () => `char_length(${e('text')})`],
          // NULL for an infinity (a unit that does not grow with time): no error on any row.
          [0.4, () => `date_part('${this.rng.pick(['day', 'month', 'hour', 'dow', 'isodow', 'doy', 'week'])}', ${e(this.rng.pick(['timestamp', 'date'] as const))})::int`],
          [0.2, () => `extract(${this.rng.pick(['day', 'month', 'minute', 'quarter'])} FROM ${e('timestamp')})::int`],
          // Application-shaped reads of jsonb and integer[] values (every "k" is an integer or null).
          [0.4, () => `(${e('jsonb')} ->> 'k')::int`],
          [0.2, () => `(${e('jsonb')} #>> '{n,x}')::int`],
          [0.2, () => `jsonb_array_length(${e('jsonb')} -> 'tags')`],
          [0.3, () => `cardinality(${e('intarr')})`],
          [0.2, () => `array_length(${e('intarr')}, 1)`],
          [0.3, () => `(${e('intarr')})[${this.rng.int(0, 3)}]`],
          [0.2, () => `array_position(${e('intarr')}, ${this.rng.int(-1, 5)})`],
          [0.2, () => `position('${this.rng.pick(['a', 'b', 'ab'])}' IN ${e('text')})`],
          // A finite date minus a date (an infinite one is an error: guarded, as applications do).
          [0.2, () => { const x = e('date'); return `CASE WHEN isfinite(${x}) THEN ${x} - DATE '${dateText(this.rng, false)}' END`; }],
          // Units that oscillate: NULL for an infinite interval, never an infinite number.
          [0.2, () => `extract(${this.rng.pick(['minute', 'month', 'second'])} FROM ${e('interval')})::int`],
          [0.2, () => `date_part('${this.rng.pick(['day', 'month', 'hour', 'dow'])}', ${e('timestamptz')})::int`],
        );
        if (sub) out.push([1, () => this.#scalarSubquery(sc, 'int4')]);
        break;
      case 'int8':
        out.push(
          [2, () => `(${e('int8')} + ${e('int4')})`],
          [1, () => `${e('int4')}::bigint`],
          [1, () => `abs(${e('int8')})`],
          [1, () => `coalesce(${e('int8')}, 0)`],
          // Mixed integer types: the common type is bigint.
          [0.3, () => `coalesce(${e('int4')}, ${e('int8')})`],
          [0.3, () => `CASE WHEN ${this.#bool(sc, d)} THEN ${e('int4')} ELSE ${e('int8')} END`],
        );
        if (sub) out.push([1, () => this.#scalarSubquery(sc, 'int8')]);
        break;
      case 'float8':
        out.push(
          [4, () => this.#distance(sc, d, false) ?? `${e('float4')}::float8`],
          [1, () => `(${e('float8')} ${this.rng.pick(['+', '-'])} ${e('float8')})`],
          [1, () => `(${e('float8')} * ${this.rng.pick(['2', '0.5', '3::float8'])})`],
          [1, () => `${e('float4')}::float8`],
          [1, () => `${e('int4')}::float8`],
          [1, () => `abs(${e('float8')})`],
          [0.3, () => `${this.rng.pick(['round', 'ceil', 'floor', 'trunc', 'sign'])}(${e('float8')})`],
          // Whole seconds (or +-Infinity): exact in float8, so sums of them are too.
          [0.3, () => `date_part('epoch', ${e('timestamp')})`],
          [0.2, () => `date_part('${this.rng.pick(['epoch', 'day', 'hour'])}', ${e('interval')})`],
          [0.2, () => `date_part('epoch', ${e('timestamptz')})`],
          // "m" has two decimals of a quarter: exact in binary.
          [0.2, () => `(${e('jsonb')} ->> 'm')::float8`],
          [0.2, () => `CASE WHEN ${this.#bool(sc, d)} THEN ${e('int4')} ELSE ${e('float8')} END`],
        );
        if (sc.exact !== true) out.push([1, () => `vector_norm(${e('vector')})`], [1, () => `l2_norm(${e(this.rng.pick(['halfvec', 'sparsevec'] as const))})`]);
        if (sub) out.push([1, () => this.#scalarSubquery(sc, 'float8')]);
        break;
      case 'float4':
        out.push([1, () => `(${e('float4')} + ${e('float4')})`], [1, () => `${e('int4')}::real`]);
        break;
      case 'numeric':
        out.push(
          [1, () => `${e('int4')}::numeric`],
          [1, () => `(${e('numeric')} + ${this.#literal('numeric')})`],
          [1, () => `${e('int8')}::numeric`],
          // Rounding and scales: every template gives one scale for equal values (so equal
          // results print alike), but scales differ between templates and with the operands.
          [1, () => `round(${e('numeric')}${this.rng.chance(0.7) ? `, ${this.rng.int(-1, 3)}` : ''})`],
          [0.5, () => `trunc(${e('numeric')}, ${this.rng.int(-1, 2)})`],
          [0.5, () => `${this.rng.pick(['ceil', 'floor', 'abs', 'sign'])}(${e('numeric')})`],
          [1, () => `(${e('numeric')} * ${this.rng.pick(NUMERIC_FACTORS)})`],
          [1, () => `(${e('numeric')} / ${this.rng.pick(NUMERIC_FACTORS)})`],
          [0.5, () => `(${e('numeric')} % ${this.rng.pick(NUMERIC_FACTORS)})`],
          [0.5, () => `(${e('numeric')} - ${e('numeric')})`],
          [0.3, () => `div(${e('numeric')}, ${this.rng.pick(NUMERIC_FACTORS)})`],
          [0.5, () => `${e('numeric')}::numeric(12,${this.rng.int(0, 3)})`],
          [0.3, () => `(${e('int4')} / ${this.rng.pick(['7', '3', '-4'])}::numeric)`],
          [0.3, () => `sqrt(abs(${e('numeric')}))`],
          [0.3, () => `nullif(${e('numeric')}, ${this.#literal('numeric')})`],
          [0.3, () => `(${e('jsonb')} ->> 'm')::numeric`],
          // float8 to numeric (15 significant digits); clamped, as an infinity has no numeric(p,s).
          [0.2, () => `least(greatest(${e('float8')}, -1e6::float8), 1e6::float8)::numeric`],
        );
        break;
      case 'timestamp':
        out.push(
          [2, () => `(${e('timestamp')} ${this.rng.pick(['+', '-'])} interval '${this.rng.int(1, 40)} ${this.rng.pick(['minutes', 'hours', 'days', 'months'])}')`],
          [1, () => `date_trunc('${this.rng.pick(['hour', 'day', 'week', 'month', 'year'])}', ${e('timestamp')})`],
          [1, () => `${e('date')}::timestamp`],
          [0.2, () => `(${e('date')} + time '${String(this.rng.int(0, 23)).padStart(2, '0')}:30')`],
          [0.5, () => `coalesce(${e('timestamp')}, ${this.#literal('timestamp')})`],
          [0.5, () => `${this.rng.pick(['greatest', 'least'])}(${e('timestamp')}, ${e('timestamp')})`],
          [0.4, () => `(${e('timestamptz')} AT TIME ZONE '${this.rng.pick(TIME_ZONES)}')`],
          [0.3, () => `${e('timestamptz')}::timestamp`],
        );
        break;
      case 'timestamptz':
        out.push(
          [2, () => `(${e('timestamptz')} ${this.rng.pick(['+', '-'])} interval '${intervalText(this.rng)}')`],
          [1, () => `${e('timestamp')}::timestamptz`],
          [0.5, () => `${e('date')}::timestamptz`],
          [1, () => `date_trunc('${this.rng.pick(['hour', 'day', 'week', 'month', 'year'])}', ${e('timestamptz')})`],
          [0.3, () => `date_trunc('day', ${e('timestamptz')}, '${this.rng.pick(TIME_ZONES)}')`],
          [0.5, () => `(${e('timestamp')} AT TIME ZONE '${this.rng.pick(TIME_ZONES)}')`],
          [0.5, () => `coalesce(${e('timestamptz')}, ${this.#literal('timestamptz')})`],
          [0.3, () => `${this.rng.pick(['greatest', 'least'])}(${e('timestamptz')}, ${e('timestamptz')})`],
        );
        break;
      case 'interval':
        // Differences from finite literals only: infinity minus infinity is an error on the
        // rows that hold it, and which rows an engine evaluates is not fixed by SQL.
        out.push(
          [2, () => `(${e('timestamp')} - TIMESTAMP '${dateText(this.rng, false)} 12:00:00')`],
          [1, () => `(${e('timestamptz')} - TIMESTAMPTZ '${dateText(this.rng, false)} 06:30:00+00')`],
          [1, () => `(${e('interval')} ${this.rng.pick(['+', '-'])} interval '${intervalText(this.rng)}')`],
          [1, () => `(${e('interval')} * ${this.rng.int(1, 3)})`],
          [0.5, () => `${this.rng.pick(['justify_hours', 'justify_days', 'justify_interval'])}(${e('interval')})`],
          [0.5, () => `age(${e('timestamp')}, TIMESTAMP '${dateText(this.rng, false)} 00:00:00')`],
          [0.3, () => `make_interval(days => ${this.rng.int(-3, 3)}, hours => ${this.rng.int(0, 30)})`],
        );
        break;
      case 'jsonb':
        out.push(
          [1, () => `jsonb_build_object('k', ${e('int4')}, 'g', ${e('text')}${this.rng.chance(0.4) ? `, 'tags', jsonb_build_array(${e('text')}, ${e('text')})` : ''})`],
          [0.5, () => `(${e('jsonb')} || '${jsonText(this.rng)}'::jsonb)`],
          [0.3, () => `jsonb_set(jsonb_build_object('k', ${e('int4')}), '{k}', to_jsonb(${e('int4')}))`],
          [0.3, () => `coalesce(${e('jsonb')}, '{}')`],
          [0.3, () => `(${e('jsonb')} -> ${this.rng.chance(0.5) ? "'n'" : this.rng.int(0, 1)})`],
        );
        break;
      case 'intarr':
        out.push(
          [1, () => `ARRAY[${e('int4')}, ${e('int4')}]`],
          // An untyped `$n` beside an array is read as an array (`int[] || unknown` resolves to
          // array || array), so a scalar parameter there must be cast.
          [0.5, () => `(${e('intarr')} || ${castBareParam(e('int4'), 'int')})`],
          [0.3, () => `(${e('intarr')} || ${e('intarr')})`],
          [0.3, () => `array_append(${e('intarr')}, ${this.rng.int(-1, 5)})`],
          [0.3, () => `array_remove(${e('intarr')}, ${this.rng.int(-1, 5)})`],
          [0.2, () => `(${e('intarr')})[${this.rng.int(1, 2)}:${this.rng.int(1, 3)}]`],
        );
        break;
      case 'date':
        out.push(
          [2, () => `(${e('date')} ${this.rng.pick(['+', '-'])} ${this.rng.int(0, 40)})`],
          [1, () => `${e('timestamp')}::date`],
          [0.5, () => `coalesce(${e('date')}, ${this.#literal('date')})`],
          [0.3, () => `${e('timestamptz')}::date`],
        );
        break;
      case 'text':
        out.push(
          [2, () => `(${e('text')} || ${e(this.rng.pick(['text', 'int4'] as const))})`],
          [1, () => `${this.rng.pick(['upper', 'lower'])}(${e('text')})`],
          [1, () => `${e(this.rng.pick(['int4', 'int8', 'float4', 'float8', 'bool', 'timestamp', 'date'] as const))}::text`],
          // NULL for an infinity.
          [0.3, () => `to_char(${e('timestamp')}, '${this.rng.pick(['YYYY-MM-DD HH24:MI', 'Dy DD Mon', 'IYYY-IW', 'HH12:MI AM', 'Q/YY'])}')`],
          [0.5, () => `${e(this.rng.pick(['vector', 'halfvec', 'sparsevec', 'bit'] as const))}::text`],
          [1, () => `coalesce(${e('text')}, 'z')`],
          [0.3, () => `CASE WHEN ${this.#bool(sc, d)} THEN ${e('text')} ELSE ${this.#literal('text')} END`],
          [0.3, () => `nullif(${e('text')}, ${this.#literal('text')})`],
          [0.3, () => `substr(${e('text')}, ${this.rng.int(-1, 3)}${this.rng.chance(0.6) ? `, ${this.rng.int(0, 3)}` : ''})`],
          [0.3, () => `${this.rng.pick(['left', 'right'])}(${e('text')}, ${this.rng.int(-2, 3)})`],
          [0.3, () => `replace(${e('text')}, '${this.rng.pick(['a', 'b', 'ab'])}', '${this.rng.pick(['', 'x', 'yy'])}')`],
          [0.3, () => `${this.rng.pick(['lpad', 'rpad'])}(${e('text')}, ${this.rng.int(0, 5)}${this.rng.chance(0.5) ? `, '${this.rng.pick(['x', 'yz', ''])}'` : ''})`],
          [0.3, () => `split_part(${e('text')}, '${this.rng.pick(['a', 'b'])}', ${this.rng.pick([-2, -1, 1, 2])})`],
          [0.3, () => `${this.rng.pick(['btrim', 'ltrim', 'rtrim'])}(${e('text')}, '${this.rng.pick(['a', 'ab', 'c'])}')`],
          [0.3, () => `concat(${e('text')}, ${e(this.rng.pick(['int4', 'text', 'bool'] as const))})`],
          [0.2, () => `concat_ws('${this.rng.pick(['-', ', '])}', ${e('text')}, ${e('int4')}, ${e('text')})`],
          [0.2, () => `${this.rng.pick(['md5', 'reverse', 'initcap'])}(${e('text')})`],
          [0.2, () => `regexp_replace(${e('text')}, '${this.rng.pick(['a', '[ab]', 'b+', '^.'])}', '${this.rng.pick(['', 'X', '<\\&>'])}'${this.rng.chance(0.5) ? ", 'g'" : ''})`],
          // jsonb and arrays as applications read them.
          [0.5, () => `(${e('jsonb')} ->> '${this.rng.pick(['g', 'g', 'k', 'f', 'm', 'tags', 'n'])}')`],
          [0.3, () => `${e('jsonb')}::text`],
          [0.2, () => `(${e('jsonb')} -> '${this.rng.pick(['g', 'tags', 'n', 'k'])}')::text`],
          [0.2, () => `jsonb_typeof(${e('jsonb')})`],
          [0.2, () => `(${e('jsonb')} -> 'tags' ->> ${this.rng.int(-1, 2)})`],
          [0.2, () => `(${e('jsonb')} #>> '{${this.rng.pick(['n,x', 'tags,0', 'g'])}}')`],
          [0.3, () => `${e('intarr')}::text`],
          [0.3, () => `array_to_string(${e('intarr')}, '${this.rng.pick([',', '-'])}'${this.rng.chance(0.5) ? ", '*'" : ''})`],
          [0.4, () => `${e('numeric')}::text`],
          [0.3, () => `${e('interval')}::text`],
          [0.3, () => `${e('timestamptz')}::text`],
          [0.2, () => `to_char(${e('timestamptz')}, '${this.rng.pick(['YYYY-MM-DD HH24:MI TZ', 'Dy DD Mon HH12 AM', 'IYYY-IW OF'])}')`],
          // Mixed types in CASE / COALESCE / NULLIF: the result has the common type (numeric
          // here; printed as text, so '2' and '2.00' from different branches stay apart).
          [0.3, () => `(CASE WHEN ${this.#bool(sc, d)} THEN ${e('int4')} ELSE ${e('numeric')} END)::text`],
          [0.3, () => `coalesce(${e('int4')}, ${e('numeric')}, 0.5)::text`],
          [0.2, () => `coalesce(nullif(${e('int4')}, ${this.rng.int(0, 3)}), ${e('int8')})::text`],
          [0.2, () => `(CASE ${e('text')} WHEN 'a' THEN ${e('float8')} WHEN 'b' THEN ${e('int4')} END)::text`],
          [0.2, () => `translate(${e('text')}, '${this.rng.pick(['ab', 'a_', ' '])}', '${this.rng.pick(['xy', 'X', ''])}')`],
          [0.2, () => `repeat(${e('text')}, ${this.rng.int(0, 3)})`],
          [0.2, () => `format('%s/%s', ${e('text')}, ${e('int4')})`],
          [0.2, () => `substring(${e('text')} FROM '${this.rng.pick(['a+', '[ab]b', '^.', 'b$'])}')`],
          [0.2, () => `jsonb_build_object('k', ${e('int4')}, 'g', ${e('text')})::text`],
          [0.2, () => `jsonb_build_array(${e('int4')}, ${e('text')}, ${e('bool')})::text`],
          [0.2, () => `to_jsonb(${e(this.rng.pick(['numeric', 'timestamptz', 'timestamp', 'date', 'text'] as const))})::text`],
        );
        break;
      case 'bool':
        out.push([4, () => this.#bool(sc, d)]);
        break;
      case 'vector':
        out.push(
          [2, () => `(${e('vector')} ${this.rng.pick(['+', '-', '*'])} ${this.#literal('vector')})`],
          [1, () => `${e(this.rng.pick(['halfvec', 'sparsevec'] as const))}::vector`],
          [0.3, () => `l2_normalize(${e('vector')})`],
        );
        if (sub) out.push([0.5, () => this.#scalarSubquery(sc, 'vector')]);
        break;
      case 'halfvec':
        out.push([1, () => `${e('vector')}::halfvec`], [1, () => `(${e('halfvec')} + ${this.#literal('halfvec')})`]);
        break;
      case 'sparsevec':
        out.push([1, () => `${e('vector')}::sparsevec`]);
        break;
      case 'bit':
        // Not binary_quantize(vector(3)): a bit(3) among bit(4) values makes <~> raise 22000 on
        // some rows, and which rows an engine evaluates first is not fixed by SQL.
        break;
    }
    return out;
  }

  /**
   * A distance between a vector-family column and a literal, another column or a correlated
   * column: an operator or a function call. Null when the scope has no vector-family column.
   * `operatorOnly`: `col <op> '[...]'` exactly (the form k-NN scans and indexes serve).
   */
  #distance(sc: Scope, d: number, operatorOnly: boolean): string | null {
    const cands: [Rel, string, SqlT][] = [];
    for (const r of sc.rels) for (const c of r.cols) if (VECTOR_TYPES.includes(c.type)) cands.push([r, c.name, c.type]);
    if (cands.length === 0) return null;
    let [rel, name, type] = this.rng.pick(cands);
    // Prefer an indexed column and its opclass's operator now and then (the index scan path).
    const indexed = rel.table?.indexes ?? [];
    let op = this.rng.pick(DISTANCE_OPS[type]!.filter((o) => sc.exact !== true || EXACT_OPS.includes(o)));
    if (indexed.length > 0 && sc.exact !== true && this.rng.chance(0.6)) {
      const ix = this.rng.pick(indexed);
      name = ix.column;
      type = rel.cols.find((c) => c.name === name)!.type;
      op = opclassOperator(ix.opclass);
    }
    const lhs = this.#ref(rel, name);
    const text = type === 'bit' ? vectorLiteral('bit', randomComponents(this.rng, false, 4)) : vectorLiteral(type, randomComponents(this.rng, false));
    // As applications write it, now and then: the query vector as an untyped parameter that
    // the operator types. Made only where it is written (an unused $n is 42P18).
    let usedLiteral = false;
    const lit = () => {
      usedLiteral = true;
      return this.#paramP > 0 && this.rng.chance(this.#paramP) ? this.#param(text.slice(1, -1)) : text;
    };
    if (operatorOnly) return `${lhs} ${op} ${lit()}`;
    const rhs = this.rng.weighted<() => string>([
      [5, lit],
      [1, () => this.#expr(sc, type, d)],
      [correlates(sc) ? 2 : 0, () => this.#outerColumn(sc, type) ?? lit()],
    ])();
    const fns = DISTANCE_FUNCTIONS[type]!.filter((f) => sc.exact !== true || EXACT_FUNCTIONS.includes(f));
    if (this.rng.chance(0.25) && fns.length > 0) return `${this.rng.pick(fns)}(${lhs}, ${rhs}${usedLiteral ? `::${type === 'bit' ? 'bit(4)' : type}` : ''})`;
    // Parenthesized: a distance is often an operand, and `*` or `-` bind tighter than `<->`.
    return `(${lhs} ${op} ${rhs})`;
  }

  /** An aggregate call and its result type. */
  #aggregate(sc: Scope, forWindow = false): { sql: string; type: SqlT } {
    // Arguments use this level's columns only: an aggregate over outer columns belongs to the
    // outer query in SQL, which is a different (and here unintended) query.
    const inner: Scope = { ...sc, agg: false, sub: 'none', outer: [], exact: true };
    const kind = this.rng.weighted<string>([[2, 'count*'], [2, 'count'], [3, 'sum'], [3, 'avg'], [3, 'minmax'], [1, 'vec'], [forWindow ? 0 : 0.4, 'distinct'], [0.4, 'filter'], [forWindow ? 0 : 0.3, 'ordered'], [forWindow ? 0 : 0.5, 'array'], [0.4, 'bool'], [forWindow ? 0 : 0.3, 'interval']]);
    switch (kind) {
      case 'array': {
        // Ordered by the aggregated value itself (equal values print alike), or DISTINCT.
        const t = this.rng.pick<SqlT>(['int4', 'text', 'numeric', 'timestamptz', 'date']);
        const e = this.#expr(inner, t, 1);
        // An untyped literal would make the polymorphic aggregate ambiguous (42725).
        const x = BARE_CONSTANT.test(e) ? `(${e})::${t}` : e;
        const dir = this.#direction();
        return this.rng.weighted<() => { sql: string; type: SqlT }>([
          [3, () => ({ sql: `array_agg(${x} ORDER BY ${x}${dir})::text`, type: 'text' })],
          [1, () => ({ sql: `array_agg(DISTINCT ${x} ORDER BY ${x}${dir})::text`, type: 'text' })],
          [1, () => ({ sql: `array_to_string(array_agg(${x} ORDER BY ${x}${dir}), ',', 'null')`, type: 'text' })],
          [1, () => ({ sql: `jsonb_agg(jsonb_build_object('x', ${x}) ORDER BY ${x}${dir})::text`, type: 'text' })],
          [1, () => ({ sql: `cardinality(array_agg(${x}))`, type: 'int4' })],
        ])();
      }
      case 'bool':
        return { sql: `${this.rng.pick(['bool_and', 'bool_or', 'every'])}(${this.#bool(inner, 1)})`, type: 'bool' };
      case 'interval':
        // Sums of intervals are exact (months, days and microseconds apart), so their text is
        // determined; min / max could pick either of two equal intervals that print apart. Not
        // as a window function: the ::text would come before OVER.
        return { sql: `${this.rng.pick(['sum', 'avg'])}(${this.#expr(inner, 'interval', 1)})::text`, type: 'text' };
      case 'distinct': {
        const t = this.rng.pick<SqlT>(['int4', 'int8', 'text']);
        const fn = t === 'text' ? 'count' : this.rng.pick(['count', 'sum']);
        return { sql: `${fn}(DISTINCT ${this.#expr(inner, t, 1)})`, type: fn === 'count' || t === 'int4' ? 'int8' : 'numeric' };
      }
      case 'filter': {
        const a = this.#aggregate({ ...sc, agg: true }, forWindow);
        if (a.sql.includes('FILTER') || a.sql.includes(' ORDER BY ')) return a;
        return { sql: `${a.sql} FILTER (WHERE ${this.#bool(inner, 1)})`, type: a.type };
      }
      case 'ordered': {
        // Ordered by the aggregated value itself: equal values are indistinguishable, so the result is determined.
        const g = this.#expr(inner, 'text', 1);
        const dir = this.#direction();
        // The JSON aggregates print through ::text, so their exact spelling is compared.
        switch (this.rng.pick(['string_agg', 'string_agg', 'jsonb_agg', 'json_agg', 'jsonb_object_agg', 'json_object_agg'])) {
          case 'jsonb_agg':
            return { sql: `jsonb_agg(${g} ORDER BY ${g}${dir})::text`, type: 'text' };
          case 'json_agg':
            return { sql: `json_agg(${g} ORDER BY ${g}${dir})::text`, type: 'text' };
          case 'jsonb_object_agg':
            // Keys may not be NULL: coalesce them (equal keys carry equal values, so the last one wins alike).
            return { sql: `jsonb_object_agg(coalesce(${g}, '-'), ${g} ORDER BY ${g}${dir})::text`, type: 'text' };
          case 'json_object_agg':
            return { sql: `json_object_agg(coalesce(${g}, '-'), ${g} ORDER BY ${g}${dir})::text`, type: 'text' };
          default:
            return { sql: `string_agg(${g}, ',' ORDER BY ${g}${dir})`, type: 'text' };
        }
      }
      case 'count*':
        return { sql: 'count(*)', type: 'int8' };
      case 'count':
        return { sql: `count(${this.#expr(inner, this.rng.pick([...ORDERABLE, 'vector']), 1)})`, type: 'int8' };
      case 'sum':
      case 'avg': {
        const t = this.rng.pick<SqlT>(['int4', 'int8', 'float4', 'float8', ...(this.allowed('numeric-output-scale') ? ['numeric' as const] : [])]);
        const arg = this.#expr(inner, t, 1);
        const result: SqlT =
          kind === 'avg' ? (t === 'float4' || t === 'float8' ? 'float8' : 'numeric') : t === 'int4' ? 'int8' : t === 'int8' ? 'numeric' : t;
        return { sql: `${kind}(${arg})`, type: result };
      }
      case 'minmax': {
        const t = this.rng.pick(ORDERABLE.filter((x) => x !== 'bool' && (x !== 'numeric' || this.allowed('numeric-output-scale'))));
        return { sql: `${this.rng.pick(['min', 'max'])}(${this.#expr(inner, t, 1)})`, type: t };
      }
      default: {
        const t = this.rng.pick<SqlT>(['vector', 'halfvec']);
        // pgvector's sum(halfvec) rounds to half precision after every row (its transition
        // function is halfvec_add), so its result depends on the order rows arrive in, which
        // SQL leaves open; avg(halfvec) accumulates in double precision and rounds once.
        const drawn = this.rng.pick(['sum', 'avg']); // drawn either way: the seeds' streams stay as they were
        const fn = t === 'halfvec' ? 'avg' : drawn;
        return { sql: `${fn}(${this.#expr(inner, t, 0)})`, type: t };
      }
    }
  }

  /** A boolean condition; `wantSub` favours subquery predicates. */
  #bool(sc: Scope, d: number, wantSub = false): string {
    const choices: [number, () => string][] = [
      [6, () => this.#comparison(sc, d)],
      [2, () => `${this.#expr(sc, this.rng.pick([...ORDERABLE, 'vector']), d)} IS ${this.rng.pick(['', 'NOT '])}NULL`],
      [1, () => this.#column(sc, 'bool') ?? 'true'],
      [1, () => `${this.#expr(sc, 'int4', d)} ${this.rng.pick(['', 'NOT '])}IN (${[1, 2, 3].map(() => this.rng.int(-1, 6)).join(', ')})`],
      [1, () => `${this.#expr(sc, 'int4', d)} BETWEEN ${this.rng.int(-2, 3)} AND ${this.rng.int(2, 8)}`],
      [1, () => `${this.#expr(sc, 'text', d)} ${this.rng.pick(['', 'NOT '])}${this.rng.pick(['LIKE', 'ILIKE'])} '${this.rng.pick(['a%', '%b', '%a%', '_', '_b%', '%', 'A%', 'a\\_'])}'`],
      [0.5, () => `${this.#expr(sc, 'text', d)} ${this.rng.pick(['~', '~*', '!~', '!~*'])} '${this.rng.pick(['^a', 'b$', '[ab]c', '^$', 'A', '^(a|b)+$'])}'`],
      // The primary-key lookup path.
      [1, () => {
        const withId = sc.rels.filter((r) => r.cols.some((c) => c.name === 'id'));
        const col = withId.length === 0 ? (this.#column(sc, 'int4') ?? '1') : this.#ref(this.rng.pick(withId), 'id');
        return this.rng.chance(0.7) ? `${col} = ${this.rng.int(1, 8)}` : `${col} IN (${this.rng.int(1, 8)}, ${this.rng.int(1, 8)})`;
      }],
    ];
    choices.push(
      [0.6, () => this.#jsonPredicate(sc, d)],
      [0.6, () => this.#arrayPredicate(sc, d)],
      [0.5, () => this.#patternPredicate(sc, d)],
      [0.5, () => this.#rowPredicate(sc, d)],
    );
    if (d > 0) {
      choices.push(
        [2, () => `(${this.#bool(sc, d - 1)} ${this.rng.pick(['AND', 'OR'])} ${this.#bool(sc, d - 1)})`],
        [1, () => `NOT (${this.#bool(sc, d - 1)})`],
      );
    }
    if (sc.sub === 'scalar' && sc.depth === 0) choices.push([3, () => `${this.#expr(sc, 'int4', 0)} ${this.rng.pick(['<', '>=', '<>'])} ${this.#scalarSubquery(sc, 'int4')}`]);
    if (sc.sub === 'any' && sc.depth < 2) choices.push([wantSub ? 12 : 2, () => this.#subqueryPredicate(sc)]);
    return this.rng.weighted(choices)();
  }

  /** A row comparison: keyset pagination's `(a, b) < (x, y)`, row equality, IN lists of rows. */
  #rowPredicate(sc: Scope, d: number): string {
    const row = `(${this.#expr(sc, 'int4', Math.min(d, 1))}, ${this.#expr(sc, 'text', Math.min(d, 1))})`;
    const lit = (): string => `(${this.rng.chance(0.1) ? 'NULL' : this.rng.int(-1, 6)}, ${this.rng.chance(0.1) ? 'NULL' : `'${this.rng.pick(TEXTS)}'`})`;
    return this.rng.weighted<() => string>([
      [4, () => `${row} ${this.rng.pick(['=', '<>', '<', '<=', '>', '>='])} ${lit()}`],
      [1, () => `${row} IS ${this.rng.pick(['', 'NOT '])}DISTINCT FROM ${lit()}`],
      [1, () => `${row} ${this.rng.pick(['', 'NOT '])}IN (${lit()}, ${lit()})`],
    ])();
  }

  /** A jsonb predicate as applications write them: containment, key existence, a key's value. */
  #jsonPredicate(sc: Scope, d: number): string {
    const j = this.#expr(sc, 'jsonb', Math.min(d, 1));
    return this.rng.weighted<() => string>([
      [2, () => `${j} @> '{"k": ${this.rng.int(0, 4)}}'`],
      [1, () => `${j} @> '{"tags": ["${this.rng.pick(['a', 'b', 'c'])}"]}'`],
      [1, () => `${j} <@ ${this.#literal('jsonb')}`],
      [2, () => `${j} ? '${this.rng.pick(['g', 'k', 'tags', 'a'])}'`],
      [1, () => `${j} ${this.rng.pick(['?|', '?&'])} ARRAY['${this.rng.pick(['g', 'k', 'f'])}', '${this.rng.pick(['tags', 'n', 'm'])}']`],
      [1, () => `(${j} ->> 'f')::boolean`],
      [1, () => `(${j} ->> 'g') ${this.rng.pick(['=', '<>', '<'])} '${this.rng.pick(TEXTS)}'`],
      [1, () => `(${j} -> 'k') ${this.rng.pick(['=', '<>'])} '${this.rng.int(0, 3)}'`],
      [1, () => `jsonb_typeof(${j}) = '${this.rng.pick(['object', 'array', 'null', 'string'])}'`],
      [0.5, () => `${j} = ${this.#literal('jsonb')}`],
    ])();
  }

  /** An integer[] predicate: ANY / ALL over an array, overlap, containment, equality. */
  #arrayPredicate(sc: Scope, d: number): string {
    const a = this.#expr(sc, 'intarr', Math.min(d, 1));
    const i = () => this.#expr(sc, 'int4', 0);
    return this.rng.weighted<() => string>([
      [2, () => `${i()} ${this.rng.pick(['=', '<>', '<', '>='])} ${this.rng.pick(['ANY', 'ALL', 'SOME'])} (${a})`],
      [1, () => `${i()} = ANY ('{${this.rng.int(0, 3)},NULL,${this.rng.int(2, 5)}}'::int[])`],
      [1, () => `${i()} <> ALL (ARRAY[${this.rng.int(0, 3)}, ${this.rng.int(2, 5)}])`],
      [1, () => `${a} && ${this.#literal('intarr')}`],
      [1, () => `${a} ${this.rng.pick(['@>', '<@'])} ${this.#literal('intarr')}`],
      [0.5, () => `${a} ${this.rng.pick(['=', '<>'])} ${this.#literal('intarr')}`],
      [0.5, () => `cardinality(${a}) ${this.rng.pick(['=', '>'])} ${this.rng.int(0, 2)}`],
    ])();
  }

  /** LIKE / ILIKE with escapes (the default backslash, another character, none), SIMILAR TO, starts_with. */
  #patternPredicate(sc: Scope, d: number): string {
    const t = this.#expr(sc, 'text', Math.min(d, 1));
    const not = () => this.rng.pick(['', 'NOT ']);
    return this.rng.weighted<() => string>([
      [2, () => `${t} ${not()}${this.rng.pick(['LIKE', 'ILIKE'])} '${this.rng.pick(['b#_', '%#_', 'a#%', '#a%', '_#_%', 'A%'])}' ESCAPE '#'`],
      [1, () => `${t} ${not()}LIKE '${this.rng.pick(['b\\_', '%\\_', 'a\\%%', '\\a%'])}'`],
      [1, () => `${t} ${not()}LIKE '${this.rng.pick(['b_', '%_%', 'a%'])}' ESCAPE ''`],
      [1, () => `${t} ${not()}SIMILAR TO '${this.rng.pick(['(a|b)%', '[ab]_?', 'a*b', '%( )%'])}'`],
      [1, () => `starts_with(${t}, '${this.rng.pick(['a', 'b', 'A', ''])}')`],
      [0.5, () => `${t} ^@ '${this.rng.pick(['a', 'b'])}'`],
    ])();
  }

  #comparison(sc: Scope, d: number): string {
    const cat = this.rng.weighted<string>([[4, 'int'], [2, 'float'], [2, 'text'], [1, 'numeric'], [1, 'bool'], [1, 'vector'], [3, 'distance'], [1.5, 'time']]);
    const op = () => this.rng.pick(['=', '<>', '<', '<=', '>', '>=']);
    switch (cat) {
      case 'int':
        return `${this.#expr(sc, this.rng.pick(['int4', 'int4', 'int8'] as const), d)} ${op()} ${this.#expr(sc, this.rng.pick(['int4', 'int8'] as const), d)}`;
      case 'float':
        return `${this.#expr(sc, this.rng.pick(['float4', 'float8'] as const), d)} ${op()} ${this.#expr(sc, this.rng.pick(['float8', 'int4', 'float4'] as const), d)}`;
      case 'text':
        // Now and then with an explicit collation (both engines' default is C).
        return `${this.#expr(sc, 'text', d)}${this.rng.chance(0.15) ? ` COLLATE "${this.rng.pick(['C', 'POSIX', 'default'])}"` : ''} ${op()} ${this.#expr(sc, 'text', d)}`;
      case 'time': {
        // Timestamps, timestamptz and dates, also against each other (the date is midnight,
        // a timestamp is read in the session's zone).
        if (this.rng.chance(0.15)) return `${this.#expr(sc, 'interval', d)} ${op()} interval '${intervalText(this.rng)}'`;
        const l = this.rng.pick<SqlT>(['timestamp', 'timestamp', 'date', 'timestamptz']);
        if (this.rng.chance(0.2)) return `${this.#expr(sc, l, d)} BETWEEN ${this.#literal(l)} AND ${this.#literal(this.rng.pick<SqlT>(['timestamp', 'date', 'timestamptz']))}`;
        return `${this.#expr(sc, l, d)} ${op()} ${this.#expr(sc, this.rng.pick<SqlT>(['timestamp', 'date', 'timestamptz']), d)}`;
      }
      case 'numeric':
        return `${this.#expr(sc, 'numeric', d)} ${op()} ${this.#expr(sc, this.rng.pick(['numeric', 'int4'] as const), d)}`;
      case 'bool':
        return `${this.#expr(sc, 'bool', 0)} ${this.rng.pick(['=', '<>'])} ${this.rng.pick(['true', 'false'])}`;
      case 'vector': {
        const t = this.rng.pick<SqlT>(['vector', 'halfvec', 'sparsevec', 'bit']);
        return `${this.#expr(sc, t, 0)} ${op()} ${this.#literal(t)}`;
      }
      default: {
        const dist = this.#distance(sc, d, false);
        if (dist === null) return `${this.#expr(sc, 'int4', d)} ${op()} ${this.rng.int(0, 5)}`;
        return `${dist} ${this.rng.pick(['<', '<=', '>', '>='])} ${this.rng.int(0, 12) / 2}`;
      }
    }
  }

  /** A subquery over some table, optionally correlated with the enclosing scope. */
  #subScope(sc: Scope): { from: string; scope: Scope; rel: Rel; corr: string | null } {
    const t = this.rng.pick(this.schema.tables);
    const clash = [...sc.rels, ...sc.outer].some((r) => r.ref === t.name);
    const alias = clash || this.rng.chance(0.2) ? this.#alias('s') : null;
    const rel = this.#baseRel(t, alias, false);
    const scope: Scope = { rels: [rel], outer: [...sc.rels, ...sc.outer], agg: false, depth: sc.depth + 1, sub: sc.sub, correlated: sc.sub === 'any' && this.allowed('correlated-subquery') };
    let corr: string | null = null;
    if (scope.correlated && this.rng.chance(0.6)) {
      const outerRel = this.rng.pick(sc.rels);
      const shared = rel.cols.filter((c) => ORDERABLE.includes(c.type) && outerRel.cols.some((o) => o.name === c.name && o.type === c.type));
      if (shared.length > 0) {
        const c = this.rng.pick(shared).name;
        corr = `${rel.ref}.${c} ${this.rng.weighted([[4, '='], [1, '<'], [1, '<>']])} ${outerRel.ref}.${c}`;
      }
      // Or the subquery's id equated with an outer integer column: EXISTS over a key.
      const ints = outerRel.cols.filter((o) => o.type === 'int4');
      if (ints.length > 0 && this.rng.chance(0.25)) corr = `${rel.ref}.id = ${outerRel.ref}.${this.rng.pick(ints).name}`;
    }
    return { from: alias === null ? t.name : `${t.name} ${alias}`, scope, rel, corr };
  }

  #subqueryPredicate(sc: Scope): string {
    const kind = this.rng.weighted<string>([[3, 'exists'], [3, 'in'], [2, 'any'], [1, 'all'], [2, 'scalar'], [4, 'in-key'], [2, 'exists-key']]);
    if (kind === 'scalar') return `${this.#expr(sc, 'int4', 0)} ${this.rng.pick(['=', '<', '>='])} ${this.#scalarSubquery(sc, 'int4')}`;
    if (kind === 'in-key' || kind === 'exists-key') {
      // A semi join over a table's key (unique when it is the primary key) or its DISTINCT
      // values: PostgreSQL runs it as an inner join, over a unique-ified subquery when needed.
      const t = this.rng.pick(this.schema.tables);
      const a = this.#alias('s');
      const outerCol = this.#column(sc, 'int4');
      const where = this.rng.chance(0.4) ? ` AND ${a}.k ${this.rng.pick(['<', '>=', '<>'])} ${this.rng.int(0, 6)}` : '';
      if (kind === 'exists-key' && outerCol !== null) return `${this.rng.pick(['', '', 'NOT '])}EXISTS (SELECT 1 FROM ${t.name} ${a} WHERE ${a}.${this.rng.pick(['id', 'id', 'k'])} = ${outerCol}${where})`;
      const col = this.rng.weighted([[3, 'id'], [1, 'k']]);
      const distinct = col === 'k' && this.rng.chance(0.5) ? 'DISTINCT ' : '';
      return `${outerCol ?? this.#expr(sc, 'int4', 0)} IN (SELECT ${distinct}${a}.${col} FROM ${t.name} ${a}${where === '' ? '' : ` WHERE true${where}`})`;
    }
    const s = this.#subScope(sc);
    const conds = [...(s.corr === null ? [] : [s.corr]), ...(this.rng.chance(0.4) ? [this.#bool({ ...s.scope, sub: 'none' }, 1)] : [])];
    const where = conds.length === 0 ? '' : ` WHERE ${conds.join(' AND ')}`;
    const t = this.rng.pick<SqlT>(['int4', 'int4', 'text', 'float8']) as SqlT;
    // Lazily: a literal made but not written would leave its parameter untyped (42P18).
    const inner = () => this.#column(s.scope, t) ?? this.#literal(t);
    switch (kind) {
      case 'exists':
        return `${this.rng.pick(['', 'NOT '])}EXISTS (SELECT ${this.rng.pick(['1', '*', this.#column(s.scope, t) ?? '1'])} FROM ${s.from}${where})`;
      case 'in': {
        const lhs = this.#expr(sc, t, 0);
        const not = this.rng.pick(['', 'NOT ']);
        // Now and then the subquery's key (unique when it is the primary key) or DISTINCT
        // values: a semi join over a unique inner side, which runs as an inner join.
        const col = t === 'int4' && this.rng.chance(0.3) ? `${s.rel.ref}.id` : inner();
        return `${lhs} ${not}IN (SELECT ${this.rng.chance(0.15) ? 'DISTINCT ' : ''}${col} FROM ${s.from}${where})`;
      }
      case 'any':
        return `${this.#expr(sc, t, 0)} ${this.rng.pick(['=', '<', '>='])} ANY (SELECT ${inner()} FROM ${s.from}${where})`;
      default:
        return `${this.#expr(sc, t, 0)} ${this.rng.pick(['<>', '<=', '>'])} ALL (SELECT ${inner()} FROM ${s.from}${where})`;
    }
  }

  /** A scalar subquery of `type` returning at most one row (aggregated, keyed or LIMIT 1 after a total order). */
  #scalarSubquery(sc: Scope, type: SqlT): string {
    const s = this.#subScope(sc);
    const where = s.corr === null ? '' : ` WHERE ${s.corr}`;
    const andWhere = (c: string) => (where === '' ? ` WHERE ${c}` : `${where} AND ${c}`);
    switch (type) {
      case 'int4': {
        const col = this.#column(s.scope, 'int4') ?? 'id';
        return this.rng.weighted<() => string>([
          [3, () => `(SELECT ${this.rng.pick(['max', 'min'])}(${col}) FROM ${s.from}${where})`],
          [1, () => `(SELECT ${col} FROM ${s.from}${andWhere(`${s.rel.ref}.id = ${this.rng.int(1, 8)}`)})`],
          [1, () => {
            const dist = this.#distance({ ...s.scope, sub: 'none' }, 0, true);
            return dist === null ? `(SELECT count(*)::int FROM ${s.from}${where})` : `(SELECT ${s.rel.ref}.id FROM ${s.from}${where} ORDER BY ${dist}, ${s.rel.ref}.id LIMIT 1)`;
          }],
        ])();
      }
      case 'int8':
        return `(SELECT count(*) FROM ${s.from}${where})`;
      case 'float8': {
        const dist = this.rng.chance(0.5) ? this.#distance({ ...s.scope, sub: 'none' }, 0, true) : null;
        if (dist !== null) return `(SELECT ${dist} FROM ${s.from}${where} ORDER BY ${dist} LIMIT 1)`;
        return `(SELECT ${this.rng.pick(['max', 'min', 'avg'])}(${this.#expr({ ...s.scope, sub: 'none', outer: [], exact: true }, 'float8', 0)}) FROM ${s.from}${where})`;
      }
      default: {
        const col = this.#column(s.scope, type);
        if (col === null) return this.#literal(type);
        return `(SELECT ${col} FROM ${s.from}${andWhere(`${s.rel.ref}.id = ${this.rng.int(1, 8)}`)})`;
      }
    }
  }
}

interface From {
  readonly sql: string;
  readonly rels: readonly Rel[];
  readonly outer: readonly Rel[];
  /** The WHERE condition to use ('' for none) instead of a random one. */
  readonly where?: string;
  /** Outputs to put first in a plain SELECT's list (subqueries in the select list). */
  readonly extra?: readonly Output[];
}

/** Whether expressions in `sc` may name columns of enclosing queries (never in the uncorrelated-scalar mode). */
function correlates(sc: Scope): boolean {
  return sc.outer.length > 0 && sc.sub !== 'scalar' && sc.correlated;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The operator an HNSW operator class orders by. */
function opclassOperator(opclass: string): string {
  const metric = /_(l2|ip|cosine|l1|hamming|jaccard)_ops$/.exec(opclass)?.[1];
  return { l2: '<->', ip: '<#>', cosine: '<=>', l1: '<+>', hamming: '<~>', jaccard: '<%>' }[metric ?? 'l2']!;
}

/** A type `type`'s values compare with through a common type (for IN lists), or `type` itself. */
function relatedType(rng: Rng, type: SqlT): SqlT {
  const related: Partial<Record<SqlT, readonly SqlT[]>> = {
    int4: ['int8', 'numeric', 'float8'],
    int8: ['int4', 'numeric'],
    numeric: ['int4', 'float8', 'int8'],
    float4: ['float8', 'int4', 'numeric'],
    float8: ['int4', 'numeric', 'float4'],
    date: ['timestamp', 'timestamptz'],
    timestamp: ['date', 'timestamptz'],
    timestamptz: ['date', 'timestamp'],
  };
  const options = related[type];
  return options === undefined ? type : rng.pick(options);
}


/** `sql` with `::cast` appended when it is a bare parameter (`$3`), else `sql` unchanged. */
function castBareParam(sql: string, cast: string): string {
  return /^\$\d+$/.test(sql) ? `${sql}::${cast}` : sql;
}
