/**
 * Data-modifying statements in WITH (`WITH d AS (DELETE ... RETURNING *) SELECT ... FROM d`),
 * PostgreSQL's "Data-Modifying Statements in WITH": each INSERT / UPDATE / DELETE in the WITH
 * list runs once and to completion before the main statement (SELECT, INSERT, UPDATE or
 * DELETE), which reads its RETURNING rows as a CTE.
 *
 * PostgreSQL runs the main query and the CTEs under one snapshot, so the main query never sees
 * what the CTEs changed in their tables. vecgres runs the CTEs first, so it accepts only
 * statements where that order cannot be observed: no other part of the statement (the main
 * query, another CTE) reads or writes a table a data-modifying CTE changes; anything else is
 * 0A000 (so two CTEs never update the same row: PostgreSQL's "only one takes effect" case). The functions here work on the raw parse tree; the statement layer runs the pieces.
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { parseSql, quoteIdent, type PgNode } from '../parser/parse.js';
import { formatType } from '../analyze/types.js';

const DML_TAGS = ['InsertStmt', 'UpdateStmt', 'DeleteStmt'] as const;

/** The tag of a CTE's statement when it is INSERT / UPDATE / DELETE, else null. */
export function dmlTagOf(ctequery: PgNode): string | null {
  for (const t of DML_TAGS) if (ctequery?.[t] !== undefined) return t;
  return null;
}

/** The CommonTableExpr nodes of a statement's own WITH list that modify data (empty when none). */
export function modifyingCtes(stmt: PgNode): PgNode[] {
  const ctes = (stmt?.withClause?.ctes ?? []) as PgNode[];
  return ctes.map((c) => c.CommonTableExpr).filter((c) => dmlTagOf(c.ctequery) !== null);
}

/**
 * Every relation a raw tree mentions (FROM items, DML targets; CTE references included), by
 * catalog key (`keyOf`: storage/schema_def.ts) and, written without a schema, by name too (it
 * may be a CTE's), with the location of its first mention (-1 when the parser gave none).
 */
function relationNames(node: unknown, keyOf: (rv: PgNode) => string, out: Map<string, number>, skip: ReadonlySet<unknown> = new Set()): Map<string, number> {
  if (node === null || typeof node !== 'object' || skip.has(node)) return out;
  if (Array.isArray(node)) {
    for (const x of node) relationNames(x, keyOf, out, skip);
    return out;
  }
  const n = node as PgNode;
  if (typeof n.relname === 'string') {
    const at = typeof n.location === 'number' ? n.location : -1;
    for (const k of n.schemaname === undefined ? [n.relname, keyOf(n)] : [keyOf(n)]) if (!out.has(k)) out.set(k, at);
  }
  for (const k of Object.keys(n)) relationNames(n[k], keyOf, out, skip);
  return out;
}

/**
 * Checks a statement with data-modifying CTEs before anything runs: the WITH is not RECURSIVE,
 * a CTE without RETURNING is not read, and no table a CTE changes (its target, or a table referencing it by a foreign key) is read or written anywhere
 * else in the statement (the order vecgres runs the pieces in would show). `referencing` names
 * the tables with a foreign key to a table; `keyOf` gives a range variable's catalog key.
 * @throws PgError 0A000 for what vecgres does not run, and PostgreSQL's 0A000 "WITH query ...
 * does not have a RETURNING clause" (parse_relation.c addRangeTableEntryForCTE).
 */
export function checkModifyingWith(stmt: PgNode, mods: readonly PgNode[], referencing: (table: string) => readonly string[], keyOf: (rv: PgNode) => string): void {
  if (stmt.withClause.recursive === true) throw pgErr.featureNotSupported('data-modifying statements in WITH RECURSIVE');
  const ctes = (stmt.withClause.ctes as PgNode[]).map((c) => c.CommonTableExpr);
  const cteNames = new Set(ctes.map((c) => c.ctename as string));
  const modNodes = new Set<unknown>(mods.map((c) => c.ctequery));
  // What the rest of the statement (main query and the other CTEs) reads.
  const rest = relationNames(stmt, keyOf, new Map(), modNodes);
  // The tables each CTE changes: its target, and through foreign-key actions the tables
  // referencing it (a cascade changes them within the CTE's run).
  const changed = new Map<string, string>();
  for (const c of mods) {
    const q = c.ctequery[dmlTagOf(c.ctequery)!];
    if (q.withClause !== undefined) throw pgErr.featureNotSupported('WITH inside a data-modifying statement in WITH');
    if ((q.returningClause?.exprs ?? q.returningList) === undefined && rest.has(c.ctename)) {
      const at = rest.get(c.ctename)!;
      throw new PgError(SQLSTATE.feature_not_supported, `WITH query "${c.ctename}" does not have a RETURNING clause`, at >= 0 ? { position: at + 1 } : {});
    }
    const todo: string[] = [keyOf(q.relation)];
    const mine = new Set<string>();
    while (todo.length > 0) {
      const t = todo.pop()!;
      if (mine.has(t)) continue;
      mine.add(t);
      todo.push(...referencing(t));
    }
    for (const t of mine) {
      if (changed.has(t)) throw pgErr.featureNotSupported(`two data-modifying statements in WITH that change the same table ("${t}")`);
      changed.set(t, c.ctename);
    }
  }
  for (const c of mods) {
    const own = relationNames(c.ctequery, keyOf, new Map());
    for (const name of own.keys()) {
      if (cteNames.has(name)) throw pgErr.featureNotSupported(`a data-modifying statement in WITH that reads another WITH query ("${name}")`);
      const w = changed.get(name);
      if (w !== undefined && w !== c.ctename) throw pgErr.featureNotSupported(`reading table "${name}" that a data-modifying WITH query ("${w}") changes`);
    }
  }
  for (const [table, cte] of changed) {
    if (rest.has(table) && !cteNames.has(table)) throw pgErr.featureNotSupported(`reading table "${table}" that a data-modifying WITH query ("${cte}") changes`);
  }
}

/** A column of a CTE's RETURNING rows: its name and SQL type text (`vector(3)`, `integer`). */
export interface ReturnedColumn {
  name: string;
  dataTypeID: number;
  typmod?: number;
}

/**
 * The raw SELECT that stands in for a data-modifying CTE once it ran: a VALUES list of
 * parameters `$first`, `$first+1`, ... (row by row, each cast to its column's type) aliased
 * with the RETURNING column names; no rows gives one row of NULLs filtered by WHERE false, so
 * the column types stay.
 */
export function returnedRowsQuery(cols: readonly ReturnedColumn[], rowCount: number, first: number): PgNode {
  const types = cols.map((c) => formatType(c.dataTypeID, c.typmod === undefined || c.typmod < 0 ? null : c.typmod));
  const names = cols.map((c) => quoteIdent(c.name)).join(', ');
  const empty = rowCount === 0;
  const cells = types.map((t) => (empty ? `NULL::${t}` : `$1::${t}`)).join(', ');
  const sql = `SELECT * FROM (VALUES (${cells})) AS returned (${names})${empty ? ' WHERE false' : ''}`;
  const sel = structuredClone(parseSql(sql)[0]!.stmt.SelectStmt);
  if (empty) return { SelectStmt: sel };
  const values = sel.fromClause[0].RangeSubselect.subquery.SelectStmt;
  const template = values.valuesLists[0].List.items as PgNode[];
  const lists: PgNode[] = new Array(rowCount);
  let n = first;
  for (let r = 0; r < rowCount; r++) {
    const items = template.map((cast) => ({ TypeCast: { ...cast.TypeCast, arg: { ParamRef: { number: n++, location: -1 } } } }));
    lists[r] = { List: { items } };
  }
  values.valuesLists = lists;
  return { SelectStmt: sel };
}
