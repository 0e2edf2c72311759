/**
 * PostgreSQL's pg_get_indexdef for a vecgres index definition: the `CREATE INDEX` text that
 * `pg_indexes.indexdef` shows and `vecgres dump` writes, e.g.
 * `CREATE INDEX items_embedding_idx ON public.items USING hnsw (embedding vector_cosine_ops) WITH (m='16', ef_construction='64') WHERE (category = 'a'::text)`.
 *
 * As ruleutils prints it: identifiers quoted only when they must be, an operator class left out
 * when it is the column type's default, DESC / NULLS FIRST / NULLS LAST only where they differ
 * from the default order, expression keys in parentheses, options as `name='value'`.
 */
import type { IndexDef } from '../../storage/catalog.js';
import type { Table } from '../../storage/table.js';
import { identNeedsQuotes } from '../parser/parse.js';
import { defaultBtreeOpclass } from './ordered_index.js';

/** `name` as quote_identifier prints it. */
export function quoteIdent(name: string): string {
  return identNeedsQuotes(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

/** The key list of `def` (`embedding vector_cosine_ops`, `a DESC NULLS LAST`, `(lower(t))`). */
export function indexKeysSql(def: IndexDef, table: Table | undefined): string {
  return def.keys
    .map((k) => {
      const col = k.expr === null ? quoteIdent(table?.def.columns[k.column]?.name ?? '?') : `(${k.expr})`;
      const dflt = k.expr === null && table !== undefined && k.opclass === defaultBtreeOpclass(table.def.columns[k.column]!.type);
      return (
        (def.primaryKey || dflt || k.opclass === '' ? col : `${col} ${k.opclass}`) +
        (k.descending ? ' DESC' : '') +
        (k.nullsFirst !== k.descending ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : '')
      );
    })
    .join(', ');
}

/** pg_get_indexdef(index): the whole CREATE [UNIQUE] INDEX statement, without a semicolon. */
export function pgGetIndexdef(def: IndexDef, table: Table | undefined): string {
  return (
    `CREATE ${def.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(def.name)} ON public.${quoteIdent(def.table)} USING ${def.method} (${indexKeysSql(def, table)})` +
    (def.options.length > 0 ? ` WITH (${def.options.map(([k, v]) => `${k}='${v.replace(/'/g, "''")}'`).join(', ')})` : '') +
    (def.predicate === null ? '' : ` WHERE ${def.predicate}`)
  );
}
