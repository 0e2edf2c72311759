/**
 * The range table and name resolution of one query level (PostgreSQL's parse_relation.c and
 * the namespace half of parse_clause.c).
 *
 * Every FROM item becomes a range-table entry (RTE): a table, a catalog view, a subquery, a
 * VALUES list, a function (unnest, generate_series) or a reference to a CTE. A column
 * reference resolves to a `var` naming the RTE by its index in the range table (`rti`), the
 * column, and how many query levels out it lives (`levelsUp`, > 0 for a correlated
 * reference), as PostgreSQL's Var. Joins get no RTE of their own: a join's columns (the
 * merged USING columns, then the rest) are expressions over its inputs' vars (PostgreSQL's
 * joinaliasvars, flattened at once), so the planner sees only base relations.
 */
import type { TimeZone } from '../../types/timezone.js';
import { CATALOG_OIDS, PG_CATALOG_RELATIONS, SYSTEM_VIEWS } from './system_views.js';
import { catalogLookups, enumTypeOf } from '../exec/catalog_describe.js';
import type { EnumSqlType } from '../../types/enum_value.js';
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { Table } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { Prng } from '../../common/prng.js';
import type { CatalogLookups, Expr, ExprScope } from './expr.js';
import { mapOperands, typmodOf, wholeRowJson } from './expr.js';
import { type SqlType, NAMESPACE_NAMES } from './types.js';
import { currentSchemas, existingRelationKey, hasRowType, schemaKind } from './namespace.js';
import { qualifiedNameList } from './regproc.js';
import { missingColumnHint } from './fuzzy_match.js';
import type { SelectQuery } from './query.js';
import type { WindowClause } from './window.js';

interface RteBase {
  /** The name the entry is referred to by (alias, else the table / function / CTE name). */
  alias: string;
  /** True when an alias was written (EXPLAIN then prints `t alias`). */
  aliased: boolean;
  colNames: string[];
  colTypes: SqlType[];
  colTypmods: number[];
  /** LATERAL (or a function in FROM): may refer to FROM items to its left. */
  lateral: boolean;
}

export type RangeTblEntry =
  | (RteBase & { kind: 'relation'; table: Table })
  | (RteBase & { kind: 'virtual'; name: string })
  /** `view`: the view this subquery expands (sql/exec/views.ts), whose name the entry keeps. */
  | (RteBase & { kind: 'subquery'; query: SelectQuery; view?: string })
  /** The set operation (UNION / INTERSECT / EXCEPT) a set-operation query level reads. */
  | (RteBase & { kind: 'setop'; tree: SetOpTree })
  | (RteBase & { kind: 'values'; rows: Expr[][] })
  /** unnest, generate_series, or one of the json set-returning functions (types/json_srf.ts). */
  | (RteBase & { kind: 'function'; fname: string; args: Expr[]; /** A function returning one value: `args` is its call, read as one row. */ scalar?: boolean; /** Its one column is of type name (current_schema()): Target.shownTypeOid. */ nameResult?: true; /** json[b]_to_record[set]'s declared columns. */ recordColumns?: { name: string; type: SqlType; typmod: number }[]; /** WITH ORDINALITY: a last bigint column numbering the rows from 1. */ ordinality?: boolean })
  /** A WITH item, defined `levelsUp` query levels out (0: this query's WITH). */
  | (RteBase & { kind: 'cte'; cte: CteDef; levelsUp: number });


/**
 * The system columns of a table other than tableoid: PostgreSQL has them (row versions' ctid,
 * xmin, xmax, cmin, cmax), vecgres keeps no such values to show, so reading one is 0A000
 * rather than "does not exist".
 */
const UNSUPPORTED_SYSTEM_COLUMNS: ReadonlySet<string> = new Set(['ctid', 'xmin', 'cmin', 'xmax', 'cmax']);

function unsupportedSystemColumn(name: string, location: number): PgError {
  return new PgError(SQLSTATE.feature_not_supported, `system column "${name}" is not supported`, pos(location));
}

/**
 * A set-operation tree (PostgreSQL's SetOperationStmt): leaves are SELECT levels whose output
 * columns are already coerced to the tree's column types; `colTypes` of an operation is the
 * common type of its inputs' columns.
 */
export type SetOpTree =
  | { k: 'leaf'; query: SelectQuery }
  | { k: 'op'; op: 'union' | 'intersect' | 'except'; all: boolean; left: SetOpTree; right: SetOpTree; colTypes: SqlType[]; colTypmods: number[] };

/** The leaf queries of a set-operation tree, left to right. */
export function setOpLeaves(t: SetOpTree): SelectQuery[] {
  return t.k === 'leaf' ? [t.query] : [...setOpLeaves(t.left), ...setOpLeaves(t.right)];
}

/** A WITH item of some query level; CteScan nodes referring to one share its rows. */
export interface CteDef {
  name: string;
  /** Statement-wide number (the planner keys the CTE's plan by it). */
  id: number;
  query: SelectQuery;
  /** MATERIALIZED / NOT MATERIALIZED as written ('default' when neither). */
  materialized: 'default' | 'always' | 'never';
  /** WITH RECURSIVE item: `query` is the non-recursive term, `recursive` the term reading the work table. */
  recursive: { term: SelectQuery; unionAll: boolean } | null;
  colNames: string[];
  colTypes: SqlType[];
  colTypmods: number[];
  /** References from FROM items (a CTE referenced once and not MATERIALIZED is inlined). */
  refCount: number;
}

export type JoinType = 'inner' | 'left' | 'right' | 'full';

/** The join tree: base relations by range-table index, joined pairwise. */
export type FromNode =
  | { k: 'rte'; rti: number }
  | { k: 'join'; type: JoinType; left: FromNode; right: FromNode; quals: Expr | null };

/** One FROM item visible to column references (PostgreSQL's ParseNamespaceItem). */
export interface NsItem {
  /** The name qualified references use, or null (a join without alias). */
  refname: string | null;
  /** The range-table entry, or -1 for a join. */
  rti: number;
  relVisible: boolean;
  colsVisible: boolean;
  /** Visible only to LATERAL items while the FROM clause is being analyzed. */
  lateralOnly: boolean;
  /**
   * False while not even LATERAL items may see it (PostgreSQL's p_lateral_ok: UPDATE's target
   * during its FROM clause, DELETE's during USING).
   */
  lateralOk?: boolean;
  colNames: string[];
  /** Column `i` as an expression at this level. */
  colExprs: Expr[];
  /** On the nullable side of an outer join: its rows may be NULL-extended. */
  nullable?: true;
}

/** Adds `n` to the levelsUp of every var in `e` (a join column seen from a subquery). */
export function shiftLevels(e: Expr, n: number): Expr {
  if (n === 0) return e;
  if (e.k === 'var') return { ...e, levelsUp: e.levelsUp + n };
  return mapOperands(e, (x) => shiftLevels(x, n));
}

function pos(loc: number): { position?: number } {
  return loc >= 0 ? { position: loc + 1 } : {};
}

/**
 * The analysis state of one query level (PostgreSQL's ParseState): its range table, the
 * FROM items in scope, its WITH items, the enclosing level, and the expression-analysis flags
 * of {@link ExprScope}.
 */
export class ParseState implements ExprScope {
  readonly rtable: RangeTblEntry[] = [];
  namespace: NsItem[] = [];
  readonly ctes: CteDef[] = [];
  /** Set while a LATERAL item is analyzed: lateral-only items become visible. */
  lateralActive = false;
  allowAggregates = false;
  sawAggregate = false;
  aggregateClause?: string;
  insideAggregate?: boolean;
  allowSetReturning?: boolean;
  sawSetReturning?: boolean;
  /**
   * Set while a set operation's leaf SELECT below this level is analyzed: its untyped literal
   * outputs stay unknown until the operation resolves its column types.
   */
  setOpLeaf = false;
  /** Window functions: allowed here, inside one's arguments, the clause refusing them. */
  allowWindows = false;
  insideWindow = false;
  windowClause?: string;
  /** The level's windows (a window expression's winref indexes it), its raw WINDOW clause, named windows analyzed. */
  readonly windows: WindowClause[] = [];
  rawWindows: PgNodeLike[] = [];
  readonly namedWindows = new Map<string, WindowClause>();
  /**
   * Told of each `*` / `rel.*` of this level and the levels below as it is expanded: where it
   * is and the qualified column references it stands for (CREATE VIEW stores them written
   * out). Set on the top level only; {@link starSinkOf} finds it.
   */
  starSink: ((location: number, columns: string[]) => void) | null = null;

  constructor(
    readonly env: SqlEnv,
    readonly parent: ParseState | null,
    readonly paramTypes: SqlType[],
    readonly paramNodes: Extract<Expr, { k: 'param' }>[][],
    readonly analyzeSubquery: (pstate: ParseState, select: PgNodeLike) => SelectQuery,
    readonly cteCounter: { n: number },
  ) {}

  /** ExprScope.clock: the transaction's start, noted as read (or 0A000 in a stored expression). */
  readonly clock = (): bigint => {
    const c = this.env.analysisClock;
    if (c.storedIn !== null) throw new PgError(SQLSTATE.feature_not_supported, `'now', 'today', 'tomorrow' and 'yesterday' in ${c.storedIn} are not supported`);
    c.read = true;
    return this.env.timestamps.transactionUs;
  };

  /** The session's time zone when analyzed (ExprScope.zone). */
  get zone(): TimeZone {
    return this.env.settings.timeZone();
  }

  /** The {@link starSink} of this level or the nearest enclosing one that has one. */
  starSinkOf(): ((location: number, columns: string[]) => void) | null {
    for (let p: ParseState | null = this; p !== null; p = p.parent) if (p.starSink !== null) return p.starSink;
    return null;
  }

  /** Adds an entry; returns its index. */
  addRte(rte: RangeTblEntry): number {
    this.rtable.push(rte);
    return this.rtable.length - 1;
  }

  /** The namespace item of a base entry, all columns visible. */
  itemFor(rti: number): NsItem {
    const rte = this.rtable[rti]!;
    return {
      refname: rte.alias,
      rti,
      relVisible: true,
      colsVisible: true,
      lateralOnly: false,
      colNames: rte.colNames,
      colExprs: rte.colNames.map((name, col) => ({
        k: 'var', type: rte.colTypes[col]!, typmod: rte.colTypmods[col]!, rti, col, levelsUp: 0, name,
      })),
    };
  }

  private visible(it: NsItem): boolean {
    return !it.lateralOnly || (this.lateralActive && it.lateralOk !== false);
  }

  /** True when a qualified reference `name.col` here would find the FROM item named `name`. */
  private refnameVisible(name: string): boolean {
    for (let p: ParseState | null = this; p !== null; p = p.parent) {
      if (p.namespace.some((it) => it.relVisible && it.refname === name && p!.visible(it))) return true;
    }
    return false;
  }

  /**
   * PostgreSQL's check_lateral_ref_ok: a LATERAL item referencing an entry it may never see
   * (UPDATE's target from its FROM clause) is an error, not a miss.
   * @throws PgError 42P10.
   */
  private checkLateralRef(it: NsItem, location: number): void {
    if (!it.lateralOnly || it.lateralOk !== false || !this.lateralActive) return;
    const text = `There is an entry for table "${it.refname}", but it cannot be referenced from this part of the query.`;
    throw new PgError(SQLSTATE.invalid_column_reference, `invalid reference to FROM-clause entry for table "${it.refname}"`, { hint: text, ...pos(location) });
  }

  /** PostgreSQL's colNameToVar / qualified lookup, level by level outwards. */
  resolveColumn(parts: string[], location: number): Expr {
    const name = parts[parts.length - 1]!;
    if (parts.length === 3) return this.resolveSchemaColumn(parts[0]!, parts[1]!, name, location);
    if (parts.length === 2) {
      const rel = parts[0]!;
      let hidden: NsItem | null = null;
      for (let p: ParseState | null = this, up = 0; p !== null; p = p.parent, up++) {
        const found = p.namespace.filter((it) => it.relVisible && it.refname === rel);
        for (const it of found) p.checkLateralRef(it, location);
        const usable = found.filter((it) => p!.visible(it));
        if (usable.length > 1) throw new PgError('42P09', `table reference "${rel}" is ambiguous`, pos(location));
        if (usable.length === 1) {
          const it = usable[0]!;
          const i = it.colNames.indexOf(name);
          if (i < 0) {
            const sys = name === 'tableoid' ? p.tableoidOf(it, location) : null;
            if (sys !== null) return sys;
            if (UNSUPPORTED_SYSTEM_COLUMNS.has(name) && p.tableoidOf(it, location, true) !== null) throw unsupportedSystemColumn(name, location);
            throw new PgError(SQLSTATE.undefined_column, `column ${rel}.${name} does not exist`, { ...this.columnHint(rel, name), ...pos(location) });
          }
          return withLoc(shiftLevels(it.colExprs[i]!, up), location);
        }
        if (hidden === null && found.length > 0) hidden = found[0]!;
      }
      // PostgreSQL's errorMissingRTE: an entry of that name (or of that table) somewhere in scope.
      let rte: RangeTblEntry | undefined;
      // The namespace item of that entry, when it has one (PostgreSQL's rte_visible_if_lateral).
      let rteItem: NsItem | undefined;
      for (let p: ParseState | null = this; p !== null && rte === undefined; p = p.parent) {
        rte = p.rtable.find((r) => r.alias === rel) ?? p.rtable.find((r) => r.kind === 'relation' && r.table.name === rel);
        if (rte !== undefined) rteItem = p.namespace.find((it) => it.rti === p!.rtable.indexOf(rte!));
      }
      const lateralItem = rteItem ?? hidden ?? undefined;
      // The alias hint only when the alias itself could be referenced here (PostgreSQL's
      // badAlias: refnameNamespaceItem finds it).
      if (rte !== undefined && rte.aliased && rte.alias !== rel && this.refnameVisible(rte.alias)) {
        throw new PgError(SQLSTATE.undefined_table, `invalid reference to FROM-clause entry for table "${rel}"`, {
          hint: `Perhaps you meant to reference the table alias "${rte.alias}".`,
          ...pos(location),
        });
      }
      if (rte !== undefined || hidden !== null) {
        throw new PgError(SQLSTATE.undefined_table, `invalid reference to FROM-clause entry for table "${rel}"`, {
          detail: `There is an entry for table "${rte?.alias ?? rel}", but it cannot be referenced from this part of the query.`,
          ...(lateralItem?.lateralOnly === true && lateralItem.lateralOk !== false ? { hint: 'To reference that table, you must mark this subquery with LATERAL.' } : {}),
          ...pos(location),
        });
      }
      throw new PgError(SQLSTATE.undefined_table, `missing FROM-clause entry for table "${rel}"`, pos(location));
    }
    for (let p: ParseState | null = this, up = 0; p !== null; p = p.parent, up++) {
      let hit: Expr | null = null;
      for (const it of p.namespace) {
        if (it.colsVisible && it.colNames.includes(name)) p.checkLateralRef(it, location);
        if (!it.colsVisible || !p.visible(it)) continue;
        const i = it.colNames.indexOf(name);
        if (i < 0) continue;
        if (hit !== null || it.colNames.indexOf(name, i + 1) >= 0) {
          throw new PgError(SQLSTATE.ambiguous_column, `column reference "${name}" is ambiguous`, pos(location));
        }
        hit = it.colExprs[i]!;
      }
      if (hit !== null) return withLoc(shiftLevels(hit, up), location);
      if (name === 'tableoid') {
        // The system column, of every relation in scope at this level (ambiguous with two).
        const owners = p.namespace.filter((it) => it.colsVisible && p!.visible(it) && p!.tableoidOf(it, location, true) !== null);
        if (owners.length > 1) throw new PgError(SQLSTATE.ambiguous_column, `column reference "${name}" is ambiguous`, pos(location));
        if (owners.length === 1) return p.tableoidOf(owners[0]!, location)!;
      }
      if (UNSUPPORTED_SYSTEM_COLUMNS.has(name) && p.namespace.some((it) => it.colsVisible && p!.visible(it) && p!.tableoidOf(it, location, true) !== null)) {
        throw unsupportedSystemColumn(name, location);
      }
    }
    for (let p: ParseState | null = this; p !== null; p = p.parent) {
      const hidden = p.namespace.find((it) => it.colsVisible && !p!.visible(it) && it.colNames.includes(name) && it.refname !== null);
      if (hidden !== undefined) {
        throw new PgError(SQLSTATE.undefined_column, `column "${name}" does not exist`, {
          detail: `There is a column named "${name}" in table "${hidden.refname}", but it cannot be referenced from this part of the query.`,
          ...(hidden.lateralOnly && hidden.lateralOk !== false ? { hint: 'To reference that column, you must mark this subquery with LATERAL.' } : {}),
          ...pos(location),
        });
      }
    }
    // A bare relation name is PostgreSQL's whole-row reference (the row as a record value):
    // read as JSON by the json functions that take it (wholeRowAs), refused elsewhere.
    let up = 0;
    for (let p: ParseState | null = this; p !== null; p = p.parent, up++) {
      const it = p.namespace.find((x) => x.relVisible && p!.visible(x) && x.refname === name);
      if (it === undefined) continue;
      const as = this.wholeRowAs;
      if (as === undefined) throw new PgError(SQLSTATE.feature_not_supported, 'whole-row references are not supported', pos(location));
      if (it.rti < 0) throw pgErr.featureNotSupported('whole-row references to a join');
      const exprs = it.colExprs.map((e) => shiftLevels(e, up));
      let presence: Expr | undefined;
      if (it.nullable === true) {
        // A NULL-extended row is NULL as a whole, a row of NULLs is not: a NOT NULL column
        // tells them apart (NULL only when the row was made up); without one, refused.
        const rte = p.rtable[it.rti];
        const i = rte?.kind === 'relation' ? exprs.findIndex((e) => e.k === 'var' && rte.table.def.columns[e.col]?.notNull === true) : -1;
        if (i < 0) throw pgErr.featureNotSupported('whole-row references to the nullable side of an outer join without a NOT NULL column');
        presence = exprs[i]!;
      }
      // The record's type as PostgreSQL names it in errors: a table's row type, else record.
      const rte = p.rtable[it.rti];
      const rowType = rte?.kind === 'relation' ? p.env.catalog.splitKey(rte.table.name).name : 'record';
      return wholeRowJson(as, it.colNames, exprs, undefined, presence, rowType);
    }
    throw new PgError(SQLSTATE.undefined_column, `column "${name}" does not exist`, { ...this.columnHint(null, name), ...pos(location) });
  }

  /**
   * System column `tableoid` of namespace item `it`: the oid of the table or system catalog it
   * scans, a constant (null for an item of another kind: a view, a subquery, a join, a
   * function, which have no system columns). `probe`: only say whether it has one.
   * @throws PgError 0A000 on the nullable side of an outer join (the column would be NULL in a
   *   NULL-extended row).
   */
  tableoidOf(it: NsItem, location: number, probe = false): Expr | null {
    const rte = it.rti < 0 ? undefined : this.rtable[it.rti];
    const oid = rte?.kind === 'relation' ? this.env.stats.relOid(rte.table.name) : rte?.kind === 'virtual' ? CATALOG_OIDS[rte.name] : undefined;
    if (oid === undefined) return null;
    if (probe) return { k: 'const', type: 'oid', value: oid };
    if (it.nullable === true) throw pgErr.featureNotSupported('tableoid of the nullable side of an outer join');
    return { k: 'const', type: 'oid', value: oid, loc: location };
  }

  /** errorMissingColumn's fuzzy hint over the range tables of this level and the enclosing ones. */
  private columnHint(qualifier: string | null, name: string): { hint?: string } {
    const levels: RangeTblEntry[][] = [];
    for (let p: ParseState | null = this; p !== null; p = p.parent) levels.push(p.rtable);
    const hint = missingColumnHint(levels, qualifier, name);
    return hint === undefined ? {} : { hint };
  }

  /** True when an unqualified `name` names an input column here (GROUP BY name resolution). */
  hasInputColumn(name: string): boolean {
    return this.namespace.some((it) => it.colsVisible && this.visible(it) && it.colNames.includes(name));
  }

  subquery(select: PgNodeLike, _location: number): { query: unknown; types: SqlType[]; typmods: number[] } {
    const q = this.analyzeSubquery(this, select.SelectStmt ?? select);
    return { query: q, types: q.targets.map((t) => t.expr.type), typmods: q.targets.map((t) => typmodOf(t.expr)) };
  }

  /** The session's seeded random stream (gen_random_uuid). */
  random(): Prng {
    return this.env.random;
  }

  relationSize(name: string, what: 'relation' | 'table' | 'indexes' | 'total' = 'relation'): number {
    const env = this.env;
    const indexBytes = (n: string): number => env.indexes.get(n)?.sizeBytes() ?? 0;
    const t = env.catalog.getTable(name);
    if (t !== undefined) {
      let bytes = 0;
      if (what !== 'indexes') bytes += t.sizeBytes();
      if (what === 'indexes' || what === 'total') for (const d of env.catalog.indexesOf(name)) bytes += indexBytes(d.name);
      return bytes;
    }
    // An index: its own size (it has no indexes: pg_indexes_size is 0).
    if (env.catalog.getIndex(name) !== undefined) return what === 'indexes' ? 0 : indexBytes(name);
    // A sequence: one 8 kB page, as PostgreSQL's.
    if (env.catalog.allSequences().some((q) => q.def.name === name)) return what === 'indexes' ? 0 : 8192;
    throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
  }

  regclassOid(name: string, strict = false): number {
    return regclassOidOf(this.env, name, strict);
  }

  currentSchemas(includeImplicit: boolean): string[] {
    return currentSchemas(this.env, includeImplicit);
  }

  /**
   * `schema.table.column` (PostgreSQL's refnameNamespaceItem with a schema): the column of the
   * FROM item that is table `schema.table` itself, without an alias (scanNameSpaceForRelid),
   * at this level or an outer one.
   * @throws PgError 42P01 `missing FROM-clause entry for table "t"` or `invalid reference to
   *   FROM-clause entry` when no such item is in scope (also for a table that does not exist,
   *   or one only aliased); 42703 for a column it lacks; 42P09 when two items are the table.
   */
  resolveSchemaColumn(schema: string, rel: string, name: string, location: number): Expr {
    for (let p: ParseState | null = this, up = 0; p !== null; p = p.parent, up++) {
      const found = p.itemsOfTable(schema, rel);
      for (const it of found) p.checkLateralRef(it, location);
      const usable = found.filter((it) => p!.visible(it));
      if (usable.length > 1) throw new PgError('42P09', `table reference ${rel} is ambiguous`, pos(location));
      if (usable.length === 1) {
        const it = usable[0]!;
        const i = it.colNames.indexOf(name);
        if (i < 0) throw new PgError(SQLSTATE.undefined_column, `column ${rel}.${name} does not exist`, pos(location));
        return withLoc(shiftLevels(it.colExprs[i]!, up), location);
      }
    }
    // No such item: PostgreSQL's errorMissingRTE, which the lookup of `rel.name` raises (an
    // alias hint, an entry out of scope); an entry `rel` of another table cannot be meant.
    let named = false;
    for (let p: ParseState | null = this; p !== null && !named; p = p.parent) named = p.namespace.some((it) => it.refname === rel);
    if (!named) this.resolveColumn([rel, name], location);
    throw new PgError(SQLSTATE.undefined_table, `invalid reference to FROM-clause entry for table "${rel}"`, {
      detail: `There is an entry for table "${rel}", but it cannot be referenced from this part of the query.`,
      ...pos(location),
    });
  }

  /**
   * The FROM items of this level that are table `schema.rel` itself, without an alias (what a
   * `schema.rel.column` or `schema.rel.*` reference may name: scanNameSpaceForRelid).
   */
  itemsOfTable(schema: string, rel: string): NsItem[] {
    const key = existingRelationKey(this.env, schema, rel);
    if (key === null) return [];
    return this.namespace.filter((it) => {
      const r = it.rti >= 0 ? this.rtable[it.rti] : undefined;
      return it.relVisible && r !== undefined && r.kind === 'relation' && !r.aliased && r.table.name === key;
    });
  }

  hasRowType(schema: string | undefined, name: string): boolean {
    return hasRowType(this.env, schema, name);
  }

  enumType(name: string): EnumSqlType | null {
    return enumTypeOf(this.env, name);
  }

  catalogLookups(): CatalogLookups {
    return catalogLookups(this.env);
  }

  /**
   * Set while a json function's direct argument is analyzed (to_json, row_to_json, json_agg,
   * ...): a whole-row reference there reads as the row's JSON object (wholeRowJson).
   */
  wholeRowAs?: 'json' | 'jsonb';

  catalogVectorElement(e: Expr): 'int2' | 'oid' | null {
    if (e.k !== 'var') return null;
    let level: ParseState | null = this;
    for (let i = 0; i < e.levelsUp && level !== null; i++) level = level.parent;
    return catalogVectorColumn(level?.rtable[e.rti], e.col);
  }

  relationVisible(oid: number): boolean | null {
    const env = this.env;
    if (Object.values(CATALOG_OIDS).includes(oid)) return true;
    for (const t of env.catalog.tableNames()) if (env.stats.relOid(t) === oid) return true;
    for (const d of env.catalog.allIndexes()) if (env.stats.relOid(d.name) === oid) return true;
    for (const q of env.catalog.allSequences()) if (env.stats.relOid(q.def.name) === oid) return true;
    return null;
  }

  /** The CTE `name` visible here (this level's WITH, then enclosing levels') and its level. */
  findCte(name: string): { cte: CteDef; levelsUp: number } | null {
    let up = 0;
    for (let p: ParseState | null = this; p !== null; p = p.parent, up++) {
      const c = p.ctes.find((x) => x.name === name);
      if (c !== undefined) return { cte: c, levelsUp: up };
    }
    return null;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PgNodeLike = any;

/**
 * The element type of column `col` of `rte` when it is a system catalog column of type
 * int2vector (`int2`) or oidvector (`oid`), directly or as a subquery's bare reference to one
 * (`(SELECT indkey FROM pg_index) i`); null otherwise.
 */
function catalogVectorColumn(rte: RangeTblEntry | undefined, col: number): 'int2' | 'oid' | null {
  if (rte?.kind === 'subquery') {
    const t = rte.query.targets[col]?.expr;
    return t?.k === 'var' && t.levelsUp === 0 ? catalogVectorColumn(rte.query.rtable[t.rti], t.col) : null;
  }
  if (rte?.kind !== 'virtual') return null;
  const t = SYSTEM_VIEWS[rte.name]?.[col]?.pgType;
  return t === 'int2vector' ? 'int2' : t === 'oidvector' ? 'oid' : null;
}

function withLoc(e: Expr, location: number): Expr {
  if (e.k === 'var' && location >= 0) return { ...e, loc: location };
  return e;
}

export { typmodOf } from './expr.js';

/**
 * regclassin over a database's catalog: an optionally schema-qualified relation name
 * (`items`, `public.items`, `"Mixed"`, `pg_class`) to the relation's oid; digits are the oid.
 * @param strict RangeVarGetRelid's lookup without missing_ok, as the functions taking a relation
 *   name as text do (has_table_privilege, pg_get_serial_sequence): a missing schema is 3F000.
 *   regclassin (casts, parameters) looks up with missing_ok since PostgreSQL 16, so a missing
 *   schema is only a relation that does not exist.
 * @throws PgError 42P01 `relation "x" does not exist`; 3F000 when `strict` and the schema does
 *   not exist; 0A000 for a pg_catalog relation vecgres has no oid for (a system view such as
 *   pg_locks or pg_stat_activity).
 */
export function regclassOidOf(env: SqlEnv, name: string, strict = false): number {
  // regclassin reads a number as the oid itself, without looking it up.
  if (/^\s*\d+\s*$/.test(name)) return Number(name);
  // An optionally qualified name: dots outside double quotes, unquoted parts folded to lower case.
  const parts = qualifiedNameList(name);
  if (parts.length > 3) throw new PgError(SQLSTATE.syntax_error, `improper qualified name (too many dotted names): ${parts.join('.')}`);
  if (parts.length === 3 && parts[0] !== 'postgres') throw new PgError(SQLSTATE.feature_not_supported, `cross-database references are not implemented: ${parts.join('.')}`);
  const rel = parts[parts.length - 1]!;
  const schema = parts.length > 1 ? parts[parts.length - 2]! : null;
  if (strict && schema !== null && !Object.values(NAMESPACE_NAMES).includes(schema) && schemaKind(env, schema) === 'missing') throw new PgError(SQLSTATE.invalid_schema_name, `schema "${schema}" does not exist`);
  if ((schema === null || schema === 'pg_catalog') && CATALOG_OIDS[rel] !== undefined) return CATALOG_OIDS[rel]!;
  // A pg_catalog relation without a fixed oid here (pg_locks, pg_stat_activity, ...): it
  // exists in PostgreSQL, so "does not exist" would be a different answer.
  if ((schema === null || schema === 'pg_catalog') && (PG_CATALOG_RELATIONS.has(rel) || SYSTEM_VIEWS[rel] !== undefined)) {
    throw pgErr.featureNotSupported(`regclass of pg_catalog.${rel}`);
  }
  const key = existingRelationKey(env, schema ?? undefined, rel);
  if (key !== null && (env.catalog.getTable(key) !== undefined || env.catalog.getIndex(key) !== undefined || env.catalog.getSequence(key) !== undefined || env.catalog.getView(key) !== undefined)) {
    return env.stats.relOid(key);
  }
  throw new PgError(SQLSTATE.undefined_table, `relation "${schema === null ? rel : `${schema}.${rel}`}" does not exist`);
}
