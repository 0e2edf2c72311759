/**
 * A view's definition (PostgreSQL's pg_class row of relkind 'v' and its `_RETURN` rule), as
 * the catalog, the log and checkpoints keep it: the SELECT as SQL text, which the SQL layer
 * analyzes again wherever the view is used (sql/exec/views.ts), and the columns it had when
 * it was created, which every later analysis must reproduce.
 */
import type { CodecValue } from './codec.js';
import type { ColumnType } from './table.js';

/** One output column of a view: its name (the column list's, else the query's) and type. */
export interface ViewColumn {
  name: string;
  type: ColumnType;
  typmod: number;
}

export interface ViewDef {
  name: string;
  /**
   * The defining SELECT as SQL text, with every `*` written out as the columns it meant when
   * the view was created (PostgreSQL expands them once, at CREATE VIEW).
   */
  query: string;
  columns: ViewColumn[];
}

/** A view definition as a codec value: `{name, query, columns: [{name, type, typmod}...]}`. */
export function viewDefToValue(def: ViewDef): CodecValue {
  return { name: def.name, query: def.query, columns: def.columns.map((c) => ({ name: c.name, type: c.type, typmod: c.typmod })) };
}

/**
 * Reads {@link viewDefToValue}'s shape.
 * @throws Error for a malformed value (callers report it as data corruption).
 */
export function viewDefFromValue(v: CodecValue): ViewDef {
  const o = v as Record<string, CodecValue> | null;
  if (o === null || typeof o !== 'object' || typeof o['name'] !== 'string' || typeof o['query'] !== 'string' || !Array.isArray(o['columns'])) throw new Error('bad view definition');
  const columns = (o['columns'] as CodecValue[]).map((c) => {
    const x = c as Record<string, CodecValue>;
    if (typeof x['name'] !== 'string' || typeof x['type'] !== 'string' || typeof x['typmod'] !== 'number') throw new Error('bad view column');
    return { name: x['name'], type: x['type'] as ColumnType, typmod: x['typmod'] };
  });
  return { name: o['name'], query: o['query'], columns };
}
