/**
 * PostgreSQL's pg_get_indexdef for a vecgres index definition: the `CREATE INDEX` text that
 * `pg_indexes.indexdef` shows and `vecgres dump` writes, e.g.
 * `CREATE INDEX items_embedding_idx ON public.items USING hnsw (embedding vector_cosine_ops) WITH (m='16', ef_construction='64') WHERE (category = 'a'::text)`.
 *
 * As ruleutils prints it: identifiers quoted only when they must be, an operator class left out
 * when it is the column type's default for the index method (pg_opclass.opcdefault: B-tree's,
 * and an access method's own, e.g. ivfflat's vector_l2_ops for vector; HNSW has none), DESC / NULLS FIRST / NULLS LAST only where they differ
 * from the default order, expression keys in parentheses, options as `name='value'`.
 */
import { isOrderedAm, type IndexAm, type OrderedIndexAm } from '../../access/am.js';
import type { IndexDef } from '../../storage/catalog.js';
import type { Table } from '../../storage/table.js';
import { quoteIdent } from '../parser/parse.js';
import { defaultBtreeOpclass } from './ordered_index.js';
import type { SqlType } from '../analyze/types.js';

/**
 * A reloption's value as flatten_reloptions prints it: bare when it is an identifier that
 * needs no quoting (`fastupdate=off`), else a quoted literal (`m='16'`).
 */
function reloptionValue(v: string): string {
  return quoteIdent(v) === v ? v : `'${v.replace(/'/g, "''")}'`;
}

/** The index methods by name (`hnsw`, `ivfflat`, `btree`), asked for their default operator classes. */
export type IndexMethods = ReadonlyMap<string, IndexAm | OrderedIndexAm>;

/**
 * True when `opclass` is what `method` uses for a `type` key without an operator class
 * (GetDefaultOpClass): B-tree's for its types, GIN's flagged ones, a vector method's `defaultOpclass` for vector
 * and halfvec keys. `type` null: an expression key (its type is not kept), where only a vector
 * method's default is recognized, by the kind the operator class takes (a vector opclass
 * accepts only its own type: vector and halfvec are not binary coercible).
 */
function isDefaultOpclass(methods: IndexMethods, method: string, type: SqlType | null, opclass: string): boolean {
  if (type !== null && opclass === defaultBtreeOpclass(type)) return true;
  const am = methods.get(method);
  if (am === undefined) return false;
  // A method's own operator classes (GIN) each take one type family: the default is its flag.
  if (isOrderedAm(am) && am.keyOpclasses !== undefined) return am.keyOpclasses.some((o) => o.name === opclass && o.isDefault);
  // A B-tree expression key always takes its type's default operator class (ordered_index.ts).
  if (isOrderedAm(am)) return type === null;
  const kinds = type === null ? (['vector', 'halfvec'] as const) : type === 'vector' || type === 'halfvec' ? [type] : [];
  return kinds.some((kind) => am.defaultOpclass(kind)?.name === opclass);
}

/**
 * ruleutils' looks_like_function on an expression's text: a function call (`lower(title)`,
 * `coalesce(a, b)`) whose closing parenthesis ends the text. Such a key is printed bare, any
 * other expression inside parentheses.
 */
export function looksLikeFunction(text: string): boolean {
  const m = /^(?:"[^"]+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\.(?:"[^"]+"|[A-Za-z_][A-Za-z0-9_$]*))?\(/.exec(text);
  if (m === null || !text.endsWith(')')) return false;
  // The call's own parenthesis must close at the end (not `f(a) + g(b)`).
  let depth = 0;
  let quote: string | null = null;
  for (let i = m[0].length - 1; i < text.length; i++) {
    const ch = text[i]!;
    if (quote !== null) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i === text.length - 1;
  }
  return false;
}

/**
 * One key as pg_get_indexdef prints it in the key list: a column's name, a function-call
 * expression as it is, any other expression in parentheses. `attrsOnly`: as
 * pg_get_indexdef_columns prints it for a unique violation's DETAIL, the expression as it is.
 */
export function indexKeyColumnSql(k: IndexDef['keys'][number], table: Table | undefined, attrsOnly = false): string {
  if (k.expr === null) return quoteIdent(table?.def.columns[k.column]?.name ?? '?');
  return attrsOnly || looksLikeFunction(k.expr) ? k.expr : `(${k.expr})`;
}

/** The key list of `def` (`embedding vector_cosine_ops`, `a DESC NULLS LAST`, `lower(t)`, `(a + b)`). */
export function indexKeysSql(def: IndexDef, table: Table | undefined, methods: IndexMethods): string {
  return def.keys
    .map((k) => {
      const col = indexKeyColumnSql(k, table);
      const type = k.expr !== null ? null : table === undefined ? undefined : table.def.columns[k.column]!.type;
      const dflt = type !== undefined && isDefaultOpclass(methods, def.method, type, k.opclass);
      return (
        (def.primaryKey || dflt || k.opclass === '' ? col : `${col} ${k.opclass}`) +
        (k.descending ? ' DESC' : '') +
        (k.nullsFirst !== k.descending ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : '')
      );
    })
    .join(', ');
}

/**
 * pg_get_indexdef(index): the whole CREATE [UNIQUE] INDEX statement, without a semicolon.
 * `splitKey` reads the schema and name of a relation key (storage/schema_def.ts; the
 * catalog's, where schemas other than public may exist).
 */
export function pgGetIndexdef(
  def: IndexDef, table: Table | undefined, methods: IndexMethods,
  splitKey: (key: string) => { schema: string; name: string } = (name) => ({ schema: 'public', name }),
): string {
  const t = splitKey(def.table);
  return (
    `CREATE ${def.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(splitKey(def.name).name)} ON ${quoteIdent(t.schema)}.${quoteIdent(t.name)} USING ${def.method} (${indexKeysSql(def, table, methods)})` +
    (def.options.length > 0 ? ` WITH (${def.options.map(([k, v]) => `${k}=${reloptionValue(v)}`).join(', ')})` : '') +
    (def.predicate === null ? '' : ` WHERE ${def.predicate}`)
  );
}
