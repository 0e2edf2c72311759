/**
 * Plain views: CREATE [OR REPLACE] VIEW, DROP VIEW, ALTER VIEW ... RENAME, and what other DDL
 * must respect of them.
 *
 * A view is stored as the text of its SELECT (storage/view.ts), with each `*` written out as
 * the qualified columns it meant at CREATE VIEW (PostgreSQL expands them once, so a column
 * added later does not appear), and its column names and types. Wherever the view is named in
 * FROM the analyzer parses and analyzes that text again as a subquery level of its own
 * (analyze/query.ts `viewRte`), as PostgreSQL's rewriter puts the view's query in the range
 * table; the planner then plans it as the same subquery written out.
 *
 * PostgreSQL binds a view to its tables and columns by oid, so renames do not change what it
 * reads; text binds by name. vecgres keeps the two equal by checking, around every change to a
 * table or view that views read, that each dependent view still analyzes to the same binding
 * ({@link viewBinding}: the relations and columns its query resolves to, the types it
 * computes): DROP COLUMN of a column a view reads is PostgreSQL's 2BP01 (CASCADE drops the
 * view), ALTER COLUMN TYPE its 0A000, and a rename of a table or column a view reads is
 * refused (0A000) where PostgreSQL would follow it.
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { parseSql, scanTokens, type PgNode, type RawStatement } from '../parser/parse.js';
import { walkRaw } from '../parser/walk.js';
import { analyzeViewQuery, type SelectQuery } from '../analyze/query.js';
import { typmodOf } from '../analyze/range.js';
import { type SqlType, typeName } from '../analyze/types.js';
import type { SqlEnv } from '../env.js';
import { Table, type ColumnType } from '../../storage/table.js';
import type { ViewColumn, ViewDef } from '../../storage/view.js';
import { lockNotAvailable } from '../../storage/catalog.js';
import { alterViewTx, createViewTx, dropViewTx } from './ddl_txn.js';
import { ensureXid } from './txn.js';
import { cascadeNotice, missingSchema, notice, referencedRelation, type Notices } from './ddl.js';
import { changeOwner } from './alter_table.js';

/** What a view's query resolves to: the relations it names directly and its binding's fingerprint. */
interface ViewBinding {
  /** Tables and views the query reads itself (not through another view). */
  reads: Set<string>;
  /** The analyzed query with every name resolved; equal strings read the same things the same way. */
  fingerprint: string;
}

/**
 * The binding of view `view` as the catalog stands now, or null when its query no longer
 * analyzes (a table or column it reads is gone or renamed).
 */
function viewBinding(env: SqlEnv, view: ViewDef): ViewBinding | null {
  let query: SelectQuery;
  try {
    query = analyzeViewQuery(env, parseSql(view.query)[0]!.stmt.SelectStmt, () => undefined);
  } catch (e) {
    if (e instanceof PgError) return null;
    throw e;
  }
  return bindingOf(query);
}

/** The binding of an analyzed view query (see {@link ViewBinding}). */
function bindingOf(query: SelectQuery): ViewBinding {
  const reads = new Set<string>();
  // A WITH item met again (its references share it; a recursive one's term reaches it) is
  // written as its first meeting's number. Other shared objects are written out each time:
  // whether an analysis shares them says nothing about what the query reads.
  const met = new Map<object, number>();
  const fingerprint = JSON.stringify(query, (key, v: unknown) => {
    // Where a name was written in the text is no part of what it means, nor is a sublink's
    // raw tree (`src`: the text as written, `*` and all).
    if (key === 'loc' || key === 'locs' || key === 'location' || key === 'src') return undefined;
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v !== 'object' || v === null) return v;
    if ('refCount' in v && 'materialized' in v) {
      const seen = met.get(v);
      if (seen !== undefined) return { met: seen };
      met.set(v, met.size);
    }
    if (v instanceof Table) {
      reads.add(v.name);
      return { table: v.name };
    }
    const o = v as Record<string, unknown>;
    // A table entry by its table and name, not its column list (columns it does not read may
    // come and go); a var by the column's name, not its position (a dropped column before it
    // moves it).
    if (o['kind'] === 'relation' && o['table'] instanceof Table) {
      reads.add(o['table'].name);
      return { relation: o['table'].name, alias: o['alias'] };
    }
    // Another view is checked on its own: here only that it is read.
    if (o['kind'] === 'subquery' && typeof o['view'] === 'string') {
      reads.add(o['view']);
      return { view: o['view'], alias: o['alias'] };
    }
    // A sequence read as a relation (`SELECT last_value FROM s`).
    if (o['kind'] === 'virtual' && typeof o['name'] === 'string') reads.add(o['name']);
    if (o['k'] === 'var') return { var: o['name'], rti: o['rti'], up: o['levelsUp'], type: o['type'], typmod: o['typmod'] };
    return v;
  });
  return { reads, fingerprint };
}

/**
 * Every view's binding (null: broken), in creation order: also the views other transactions
 * created and have not committed, which {@link heldByOthers} turns into a lock conflict.
 */
function allBindings(env: SqlEnv): Map<ViewDef, ViewBinding | null> {
  const out = new Map<ViewDef, ViewBinding | null>();
  for (const v of env.catalog.allViews()) out.set(v, viewBinding(env, v));
  return out;
}

/**
 * 55P03 when one of the views `deps` is another transaction's uncommitted view (PostgreSQL's
 * DDL would wait for the lock its CREATE VIEW holds on what the view reads), or one another
 * transaction changes (getView throws it).
 */
function heldByOthers(env: SqlEnv, deps: readonly ViewDef[]): void {
  for (const v of deps) if (env.catalog.getView(v.name) !== v) throw lockNotAvailable(v.name);
}

/** The views that read relation `name`, directly or through other views, in creation order. */
function dependentViews(bindings: Map<ViewDef, ViewBinding | null>, name: string): ViewDef[] {
  const reached = new Set<string>([name]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [v, b] of bindings) {
      if (reached.has(v.name) || b === null) continue;
      if ([...b.reads].some((r) => reached.has(r))) {
        reached.add(v.name);
        grew = true;
      }
    }
  }
  return [...bindings.keys()].filter((v) => v.name !== name && reached.has(v.name));
}

/** `relkind name` as PostgreSQL's dependency messages name a relation. */
function described(env: SqlEnv, name: string): string {
  if (env.catalog.getView(name) !== undefined) return `view ${name}`;
  return env.catalog.getSequence(name) !== undefined ? `sequence ${name}` : `table ${name}`;
}

/** The DETAIL lines of a dependency error: each view and what it reads directly among `among`. */
function dependencyLines(env: SqlEnv, bindings: Map<ViewDef, ViewBinding | null>, views: readonly ViewDef[], root: string): string[] {
  const names = new Set([root, ...views.map((v) => v.name)]);
  const lines: string[] = [];
  for (const v of views) {
    for (const r of bindings.get(v)?.reads ?? []) if (names.has(r) && r !== v.name) lines.push(`view ${v.name} depends on ${described(env, r)}`);
  }
  return lines;
}

/** PostgreSQL's NOTICE for views a CASCADE drops along. */
function viewsCascadeNotice(views: readonly ViewDef[]): PgError {
  return cascadeNotice(views.map((v) => `view ${v.name}`));
}

/**
 * Before relation `name` (a table, view or sequence) is dropped: the views that read it are dropped
 * too with CASCADE (a NOTICE naming them), else it is refused. `dropping`: relations the same
 * statement drops (a view among them is no obstacle). Returns the names of the views dropped.
 * @throws PgError 2BP01 `cannot drop <kind> <name> because other objects depend on it`.
 */
export function dropDependentViews(env: SqlEnv, name: string, kind: 'table' | 'view' | 'sequence', dropping: ReadonlySet<string>, cascade: boolean, notices: Notices): string[] {
  if (env.catalog.allViews().length === 0) return [];
  const bindings = allBindings(env);
  const deps = dependentViews(bindings, name);
  heldByOthers(env, deps);
  // Views the statement names are dropped when it reaches them.
  const gone = deps.filter((v) => !dropping.has(v.name));
  if (gone.length === 0) return [];
  if (!cascade) {
    throw new PgError('2BP01', `cannot drop ${kind} ${name} because other objects depend on it`, {
      detail: dependencyLines(env, bindings, deps, name).join('\n'),
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
  }
  notices.push(viewsCascadeNotice(gone));
  for (const v of gone) dropViewTx(env, env.txn, v.name);
  return gone.map((v) => v.name);
}

/** What a change to a table is, for the error a dependent view makes it raise. */
export type TableChange =
  | { kind: 'dropColumn'; column: string; cascade: boolean }
  | { kind: 'alterType'; column: string }
  | { kind: 'renameTable' }
  | { kind: 'setSchema' }
  | { kind: 'renameColumn'; column: string }
  | { kind: 'other' };

/**
 * Runs `change` (DDL of relation `name`) and then checks that every view reading `name`
 * still reads the same columns the same way; when one does not, the statement fails (its
 * changes are undone with it) with PostgreSQL's error for the change, or, for DROP COLUMN ...
 * CASCADE, the views that read the column are dropped with a NOTICE. Returns the names of
 * the views dropped.
 * @throws PgError 2BP01 for DROP COLUMN of a column a view reads; 0A000 for ALTER COLUMN TYPE of
 *   one (`cannot alter type of a column used by a view or rule`), for renaming a table or column
 *   a view reads or moving the table to another schema (PostgreSQL's views follow renames,
 *   vecgres' are bound by name), and for any
 *   other change that would change what a view reads.
 */
export function guardDependentViews(env: SqlEnv, name: string, what: TableChange, notices: Notices, change: () => void): string[] {
  if (env.catalog.allViews().length === 0) {
    change();
    return [];
  }
  const before = allBindings(env);
  const deps = dependentViews(before, name);
  heldByOthers(env, deps);
  change();
  if (deps.length === 0) return [];
  const broken = deps.filter((v) => {
    const now = viewBinding(env, v);
    return now === null || now.fingerprint !== before.get(v)!.fingerprint;
  });
  if (broken.length === 0) return [];
  const first = broken[0]!;
  switch (what.kind) {
    case 'dropColumn':
      if (what.cascade) {
        notices.push(viewsCascadeNotice(broken));
        for (const v of broken) dropViewTx(env, env.txn, v.name);
        return broken.map((v) => v.name);
      }
      throw new PgError('2BP01', `cannot drop column ${what.column} of table ${name} because other objects depend on it`, {
        // A view that reads the table names the column; one that reads it through another view, that view.
        detail: broken
          .flatMap((v) => {
            const reads = before.get(v)!.reads;
            if (reads.has(name)) return [`view ${v.name} depends on column ${what.column} of table ${name}`];
            return broken.filter((u) => reads.has(u.name)).map((u) => `view ${v.name} depends on view ${u.name}`);
          })
          .join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    case 'alterType':
      throw new PgError(SQLSTATE.feature_not_supported, 'cannot alter type of a column used by a view or rule', {
        detail: `rule _RETURN on view ${first.name} depends on column "${what.column}"`,
      });
    case 'renameTable':
      throw new PgError(SQLSTATE.feature_not_supported, `renaming relation "${name}", which view "${first.name}" reads, is not supported`, {
        detail: 'A view reads its tables by name in vecgres. Drop the view, rename, and create it again.',
      });
    case 'setSchema':
      throw new PgError(SQLSTATE.feature_not_supported, `moving relation "${name}", which view "${first.name}" reads, to another schema is not supported`, {
        detail: 'A view reads its tables by name in vecgres. Drop the view, move the table, and create it again.',
      });
    case 'renameColumn':
      throw new PgError(SQLSTATE.feature_not_supported, `renaming column "${what.column}" of relation "${name}", which view "${first.name}" reads, is not supported`, {
        detail: 'A view reads its columns by name in vecgres. Drop the view, rename, and create it again.',
      });
    case 'other':
      throw new PgError(SQLSTATE.feature_not_supported, `ALTER TABLE changing what view "${first.name}" reads is not supported`);
  }
}

/** The 42809 of a statement meant for another kind of relation (`"v" is not a table`). */
export function wrongObjectType(name: string, kind: 'a table' | 'a view', hint?: string): PgError {
  return new PgError(SQLSTATE.wrong_object_type, `"${name}" is not ${kind}`, hint === undefined ? {} : { hint });
}

/**
 * The system views vecgres answers that PostgreSQL refuses to write through, by schema-qualified
 * name: the view its error names and why (PostgreSQL's view_query_is_auto_updatable; checked
 * against PGlite). A system view not listed here is a table in PostgreSQL.
 */
const SYSTEM_VIEW_WRITES: Record<string, readonly [view: string, detail: string]> = (() => {
  const notOne = 'Views that do not select from a single table or view are not automatically updatable.';
  const out: Record<string, readonly [string, string]> = {};
  for (const n of ['pg_stats', 'pg_locks', 'pg_stat_activity', 'pg_cursors', 'pg_prepared_statements', 'pg_sequences', 'pg_views', 'pg_tables', 'pg_stat_user_indexes', 'pg_roles', 'pg_stat_progress_create_index']) {
    out[`pg_catalog.${n}`] = [n === 'pg_stat_user_indexes' ? 'pg_stat_all_indexes' : n, notOne];
  }
  // pg_stat_user_tables is a simple view of pg_stat_all_tables, which is not updatable.
  out['pg_catalog.pg_stat_user_tables'] = ['pg_stat_all_tables', 'Views containing GROUP BY are not automatically updatable.'];
  // pg_statio_all_tables joins pg_class to its indexes and TOAST table; pg_statio_user_tables is a simple view of it.
  out['pg_catalog.pg_statio_all_tables'] = ['pg_statio_all_tables', notOne];
  out['pg_catalog.pg_statio_user_tables'] = ['pg_statio_all_tables', notOne];
  for (const n of ['schemata', 'tables', 'columns', 'table_constraints', 'key_column_usage', 'constraint_column_usage', 'constraint_table_usage', 'referential_constraints', 'sequences', 'views']) {
    out[`information_schema.${n}`] = [n, notOne];
  }
  out['information_schema.check_constraints'] = ['check_constraints', 'Views containing UNION, INTERSECT, or EXCEPT are not automatically updatable.'];
  return out;
})();

/** PostgreSQL's message and hint for a write a view refuses, by the statement's verb. */
const VIEW_WRITE_TEXT: Record<'INSERT into' | 'UPDATE of' | 'DELETE from', readonly [message: string, hint: string]> = {
  'INSERT into': ['cannot insert into view', 'To enable inserting into the view, provide an INSTEAD OF INSERT trigger or an unconditional ON INSERT DO INSTEAD rule.'],
  'UPDATE of': ['cannot update view', 'To enable updating the view, provide an INSTEAD OF UPDATE trigger or an unconditional ON UPDATE DO INSTEAD rule.'],
  'DELETE from': ['cannot delete from view', 'To enable deleting from the view, provide an INSTEAD OF DELETE trigger or an unconditional ON DELETE DO INSTEAD rule.'],
};

/**
 * INSERT / UPDATE / DELETE naming range variable `rv`, before its table is looked up: a system
 * view is PostgreSQL's 55000 (it is not automatically updatable there either); a user's view
 * is 0A000, since PostgreSQL writes through a simple view to its table and vecgres does not
 * yet (never a "does not exist").
 * @throws PgError 55000 for a system view; 0A000 for a view.
 */
export function refuseViewWrite(env: SqlEnv, rv: PgNode, verb: 'INSERT into' | 'UPDATE of' | 'DELETE from'): void {
  const name: string = rv.relname;
  const schema: string | undefined = rv.schemaname;
  const system = SYSTEM_VIEW_WRITES[`${schema ?? 'pg_catalog'}.${name}`];
  // pg_catalog comes first on the search path; information_schema only when written.
  if (system !== undefined) {
    const [message, hint] = VIEW_WRITE_TEXT[verb];
    throw new PgError(SQLSTATE.object_not_in_prerequisite_state, `${message} "${system[0]}"`, { detail: system[1], hint });
  }
  if ((schema === undefined || schema === 'public') && env.catalog.getView(name) !== undefined) throw pgErr.featureNotSupported(`${verb} a view`);
}

/** Where the SELECT of CREATE VIEW `raw` starts in its source: after the statement's AS. */
function queryStart(raw: RawStatement): number {
  const src = raw.source!;
  const text = src.sql.slice(src.start, src.end);
  let depth = 0;
  for (const t of scanTokens(text)) {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.keyword && t.text.toUpperCase() === 'RECURSIVE') throw pgErr.featureNotSupported('CREATE RECURSIVE VIEW');
    else if (depth === 0 && t.keyword && t.text.toUpperCase() === 'AS') return src.start + t.end;
  }
  throw pgErr.featureNotSupported('CREATE VIEW without AS');
}

/**
 * The SELECT's text with each `*` the analysis expanded replaced by its columns (`stars`:
 * location of the `*` or `rel.*` in the source, the qualified references it stands for).
 */
function writeOutStars(sql: string, from: number, to: number, stars: ReadonlyMap<number, string[]>): string {
  let out = '';
  let at = from;
  const tokens = scanTokens(sql.slice(from, to));
  for (const loc of [...stars.keys()].sort((a, b) => a - b)) {
    const star = tokens.find((t) => t.start + from >= loc && t.text === '*')!;
    out += sql.slice(at, loc) + stars.get(loc)!.join(', ');
    at = from + star.end;
  }
  return withoutComments(out + sql.slice(at, to));
}

/**
 * `text` with its comments replaced by a space: the stored text is written after other text
 * (`CREATE VIEW v AS` in a dump, a closing `;` in pg_get_viewdef), where a trailing `--`
 * comment would swallow it. Between two other tokens there is only white space and comments.
 */
function withoutComments(text: string): string {
  let out = '';
  let end = -1;
  for (const t of scanTokens(text)) {
    if (t.comment) continue;
    if (end >= 0) {
      const gap = text.slice(end, t.start);
      out += /^\s*$/.test(gap) ? gap : ' ';
    }
    out += text.slice(t.start, t.end);
    end = t.end;
  }
  return out;
}

/** 42P02 for a parameter in a view's query (it has none to take). */
function rejectParams(query: PgNode): void {
  walkRaw(query, (tag, n) => {
    if (tag === 'ParamRef') throw new PgError('42P02', `there is no parameter $${n.number}`, typeof n.location === 'number' ? { position: n.location + 1 } : {});
  });
}

/** The number of `*` / `rel.*` column references in `query`. */
function starCount(query: PgNode): number {
  let n = 0;
  walkRaw(query, (tag, x) => {
    if (tag === 'ColumnRef' && (x.fields as PgNode[]).some((f) => f.A_Star !== undefined)) n++;
  });
  return n;
}

/** The type's name as PostgreSQL's view errors print it (format_type). */
function columnTypeName(c: ViewColumn): string {
  return typeName(c.type as SqlType) ?? c.type;
}

/**
 * CREATE [OR REPLACE] VIEW `s` (statement `raw`, whose source text holds its query).
 * @throws PgError 0A000 for options, CHECK OPTION, TEMPORARY and `*` outside a select list;
 *   3F000 for an unknown schema; 42P07 when the name is taken by another relation; 42809 when
 *   OR REPLACE names a table; 42P16 when OR REPLACE drops, renames or retypes a column;
 *   42601 for more column names than columns; 42701 for a duplicate column name; 42P02 for
 *   a parameter; the query's own analysis errors.
 */
export function createView(env: SqlEnv, raw: RawStatement, s: PgNode, notices: Notices): void {
  const rv = s.view;
  if (rv.relpersistence === 't') throw pgErr.featureNotSupported('CREATE TEMPORARY VIEW');
  if ((s.options ?? []).length > 0) throw pgErr.featureNotSupported('CREATE VIEW ... WITH (options)');
  if (s.withCheckOption !== undefined && s.withCheckOption !== 'NO_CHECK_OPTION') throw pgErr.featureNotSupported('CREATE VIEW ... WITH CHECK OPTION');
  if (raw.source === undefined) throw pgErr.featureNotSupported('CREATE VIEW in this context');
  const parts: string[] = rv.schemaname === undefined ? [rv.relname] : [rv.schemaname, rv.relname];
  const { kind: schema, key } = referencedRelation(env, parts);
  if (schema === 'missing') throw missingSchema(parts);
  if (schema === 'system') throw new PgError('42501', `permission denied for schema ${rv.schemaname}`);
  // A view's stored query is analyzed again where it is used, so its names would resolve
  // through the search path of that moment; PostgreSQL binds them when the view is created.
  if (key !== rv.relname) throw pgErr.featureNotSupported('views in a schema other than public');
  const name: string = rv.relname;
  const select = s.query.SelectStmt;
  rejectParams(s.query);
  const stars = new Map<number, string[]>();
  const query = analyzeViewQuery(env, select, (loc, cols) => stars.set(loc, cols));
  if (stars.size !== starCount(s.query)) throw pgErr.featureNotSupported('* outside a select list in CREATE VIEW');
  const aliases = ((s.aliases ?? []) as PgNode[]).map((a) => a.String.sval as string);
  if (aliases.length > query.targets.length) throw new PgError(SQLSTATE.syntax_error, 'CREATE VIEW specifies more column names than columns');
  const columns: ViewColumn[] = query.targets.map((t, i) => ({ name: aliases[i] ?? t.name, type: t.expr.type as ColumnType, typmod: typmodOf(t.expr) }));
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new PgError(SQLSTATE.duplicate_column, `column "${c.name}" specified more than once`);
    seen.add(c.name);
  }
  const src = raw.source;
  const def: ViewDef = { name, query: writeOutStars(src.sql, queryStart(raw), src.end, stars), columns };
  // The stored text must read what the query as written reads (a `*` over columns of the same
  // name that no reference can tell apart cannot be written out).
  if (viewBinding(env, def)?.fingerprint !== bindingOf(query).fingerprint) throw pgErr.featureNotSupported(stars.size > 0 ? 'this * in CREATE VIEW' : 'CREATE VIEW of this query');
  const old = s.replace === true ? env.catalog.getView(name) : undefined;
  ensureXid(env);
  if (old === undefined) {
    if (s.replace === true && env.catalog.relationExists(name)) throw wrongObjectType(name, 'a view');
    createViewTx(env, env.txn, def);
    return;
  }
  // PostgreSQL's checkViewColumns: the new query may only add columns at the end.
  if (columns.length < old.columns.length) throw new PgError('42P16', 'cannot drop columns from view');
  old.columns.forEach((c, i) => {
    const n = columns[i]!;
    if (n.name !== c.name) {
      throw new PgError('42P16', `cannot change name of view column "${c.name}" to "${n.name}"`, { hint: 'Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.' });
    }
    if (n.type !== c.type || n.typmod !== c.typmod) throw new PgError('42P16', `cannot change data type of view column "${c.name}" from ${columnTypeName(c)} to ${columnTypeName(n)}`);
  });
  guardDependentViews(env, name, { kind: 'other' }, notices, () => alterViewTx(env, env.txn, name, def));
}

/**
 * DROP VIEW `s`: each view named, with the views that read it under CASCADE.
 * @throws PgError 42P01 for an unknown view (a NOTICE with IF EXISTS); 42809 for a table;
 *   2BP01 when another view reads it and CASCADE is not given.
 */
export function dropViews(env: SqlEnv, s: PgNode, notices: Notices): void {
  const objects = (s.objects ?? []) as PgNode[];
  const dropping = new Set<string>(objects.map((o) => o.List.items[o.List.items.length - 1].String.sval as string));
  for (const obj of objects) {
    const parts: string[] = obj.List.items.map((x: PgNode) => x.String.sval as string);
    const { kind: schema, key } = referencedRelation(env, parts);
    if (schema === 'missing') {
      if (s.missing_ok !== true) throw missingSchema(parts);
      notices.push(notice(SQLSTATE.successful_completion, `schema "${parts[parts.length - 2]}" does not exist, skipping`));
      continue;
    }
    const name = key ?? parts[parts.length - 1]!;
    const v = key === null ? undefined : env.catalog.getView(name);
    if (v === undefined) {
      if (key !== null && env.catalog.getTable(name) !== undefined) throw wrongObjectType(name, 'a view', 'Use DROP TABLE to remove a table.');
      if (s.missing_ok === true) {
        notices.push(notice(SQLSTATE.successful_completion, `view "${name}" does not exist, skipping`));
        continue;
      }
      throw new PgError(SQLSTATE.undefined_table, `view "${name}" does not exist`);
    }
    ensureXid(env);
    dropDependentViews(env, name, 'view', dropping, s.behavior === 'DROP_CASCADE', notices);
    dropViewTx(env, env.txn, name);
  }
}

/**
 * RenameStmt `s` when it names a view or is ALTER VIEW: the view's name or one of its column
 * names changes (its query is unchanged: the column list names its output). False when it is
 * a rename of something else, left to the caller.
 * @throws PgError 42809 for ALTER VIEW of a table; 42P01 for an unknown relation (a NOTICE with
 *   IF EXISTS); 42P07 for a taken name; 42703 / 42701 for the column; 0A000 when another view
 *   reads it (it reads it by name).
 */
export function renameViewStatement(env: SqlEnv, s: PgNode, notices: Notices): boolean {
  const alterView = s.renameType === 'OBJECT_VIEW' || (s.renameType === 'OBJECT_COLUMN' && s.relationType === 'OBJECT_VIEW');
  const ofRelation = alterView || s.renameType === 'OBJECT_TABLE' || (s.renameType === 'OBJECT_COLUMN' && s.relationType === 'OBJECT_TABLE');
  if (!ofRelation) return false;
  const name: string = s.relation.relname;
  if (!isView(env, s.relation)) {
    if (!alterView) return false;
    if (s.missing_ok === true && !env.catalog.relationExists(name)) {
      notices.push(notice(SQLSTATE.successful_completion, `relation "${name}" does not exist, skipping`));
      return true;
    }
    if (env.catalog.getTable(name) !== undefined) throw wrongObjectType(name, 'a view');
    throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
  }
  const v = env.catalog.getView(name)!;
  const to: string = s.newname;
  ensureXid(env);
  if (s.renameType === 'OBJECT_COLUMN') {
    const from: string = s.subname;
    const i = v.columns.findIndex((c) => c.name === from);
    if (i < 0) throw new PgError(SQLSTATE.undefined_column, `column "${from}" does not exist`);
    if (v.columns.some((c) => c.name === to)) throw new PgError(SQLSTATE.duplicate_column, `column "${to}" of relation "${name}" already exists`);
    const def: ViewDef = { ...v, columns: v.columns.map((c, k) => (k === i ? { ...c, name: to } : c)) };
    guardDependentViews(env, name, { kind: 'renameColumn', column: from }, notices, () => alterViewTx(env, env.txn, name, def));
    return true;
  }
  if (env.catalog.relationExists(to)) throw new PgError(SQLSTATE.duplicate_table, `relation "${to}" already exists`);
  guardDependentViews(env, name, { kind: 'renameTable' }, notices, () => alterViewTx(env, env.txn, name, { ...v, name: to }));
  return true;
}

/**
 * AlterTableStmt `s` when it is ALTER VIEW or names a view: `OWNER TO` (vecgres has one user:
 * checked, nothing changes, as pg_dump's `ALTER VIEW ... OWNER TO postgres` needs); other
 * subcommands are 0A000. False when it is ALTER TABLE of something else, left to the caller.
 * @throws PgError 42809 for ALTER VIEW of a table; 42P01 for an unknown relation (a NOTICE with
 *   IF EXISTS); 42704 for an unknown role; 0A000 for other subcommands.
 */
export function alterViewStatement(env: SqlEnv, s: PgNode, notices: Notices): boolean {
  const name: string = s.relation.relname;
  if (!isView(env, s.relation)) {
    if (s.objtype !== 'OBJECT_VIEW') return false;
    if (s.missing_ok === true && !env.catalog.relationExists(name)) {
      notices.push(notice(SQLSTATE.successful_completion, `relation "${name}" does not exist, skipping`));
      return true;
    }
    if (env.catalog.getTable(name) !== undefined) throw wrongObjectType(name, 'a view');
    throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
  }
  for (const c of (s.cmds ?? []) as PgNode[]) {
    const cmd = c.AlterTableCmd;
    if (cmd.subtype !== 'AT_ChangeOwner') throw pgErr.featureNotSupported(`ALTER ${s.objtype === 'OBJECT_VIEW' ? 'VIEW' : 'TABLE'} of a view other than RENAME and OWNER TO`);
    changeOwner(cmd);
  }
  return true;
}

/** What RenameStmt `s` of a table does, for {@link guardDependentViews}. */
export function renameChange(s: PgNode): TableChange {
  if (s.renameType === 'OBJECT_COLUMN') return { kind: 'renameColumn', column: s.subname };
  return s.renameType === 'OBJECT_TABLE' ? { kind: 'renameTable' } : { kind: 'other' };
}

/** True when range variable `rv` (a statement's target) names a view. */
export function isView(env: SqlEnv, rv: PgNode): boolean {
  if (rv === undefined || (rv.schemaname !== undefined && rv.schemaname !== 'public')) return false;
  return env.catalog.getView(rv.relname as string) !== undefined;
}

/** What ALTER TABLE `s` does, for {@link guardDependentViews}. */
export function alterTableChange(s: PgNode): TableChange {
  for (const c of (s.cmds ?? []) as PgNode[]) {
    const cmd = c.AlterTableCmd;
    if (cmd.subtype === 'AT_DropColumn') return { kind: 'dropColumn', column: cmd.name, cascade: cmd.behavior === 'DROP_CASCADE' };
    if (cmd.subtype === 'AT_AlterColumnType') return { kind: 'alterType', column: cmd.name };
  }
  return { kind: 'other' };
}

/**
 * What pg_get_viewdef, pg_views.definition and information_schema.views.view_definition show:
 * the stored SELECT (its `*` written out) in PostgreSQL's frame, a leading space and a closing
 * semicolon. PostgreSQL prints its analyzed tree (ruleutils: one column per line, casts and
 * parentheses made explicit); vecgres keeps the query as written.
 */
export function viewDefinitionText(v: ViewDef): string {
  return ` ${v.query};`;
}
