/**
 * SQL tagged templates, as PGlite's `@electric-sql/pglite/template` module and its
 * `db.sql\`...\`` method: each interpolated value becomes a `$n` parameter, so values are
 * never spliced into the SQL text. `sql\`...\`` nests a fragment (its values become parameters
 * of the outer query, numbered on), `identifier\`...\`` inserts a quoted identifier and
 * `raw\`...\`` inserts text as it is.
 *
 * ```ts
 * query`SELECT * FROM ${identifier`docs`} WHERE id = ${id} ${sql`AND lang = ${lang}`}`
 * // { query: 'SELECT * FROM "docs" WHERE id = $1 AND lang = $2', params: [id, lang] }
 * ```
 */

/** Text inserted into a template as it is (identifier and raw). */
export interface TemplatePart {
  readonly _templateType: 'part';
  readonly str: string;
}

/** A template fragment whose values stay parameters (sql). */
export interface TemplateContainer {
  readonly _templateType: 'container';
  readonly strings: readonly string[];
  readonly values: readonly unknown[];
}

/** A query and its parameters, ready for `query(text, params)`. */
export interface TemplatedQuery {
  query: string;
  params: unknown[];
}

function isPart(v: unknown): v is TemplatePart {
  return typeof v === 'object' && v !== null && (v as { _templateType?: unknown })._templateType === 'part';
}

function isContainer(v: unknown): v is TemplateContainer {
  return typeof v === 'object' && v !== null && (v as { _templateType?: unknown })._templateType === 'container';
}

/**
 * A nestable fragment: parts are inlined, nested fragments flattened into it, other values
 * kept as parameters (strings.length === values.length + 1).
 */
export function sql(strings: TemplateStringsArray | readonly string[], ...values: unknown[]): TemplateContainer {
  const out: string[] = [strings[0]!];
  const vals: unknown[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const next = strings[i + 1]!;
    if (isPart(v)) {
      out[out.length - 1] += v.str + next;
    } else if (isContainer(v)) {
      out[out.length - 1] += v.strings[0]!;
      for (let k = 1; k < v.strings.length; k++) out.push(v.strings[k]!);
      out[out.length - 1] += next;
      vals.push(...v.values);
    } else {
      out.push(next);
      vals.push(v);
    }
  }
  return { _templateType: 'container', strings: out, values: vals };
}

/** The template's text with its values inserted as written (String.raw). */
function rawText(strings: TemplateStringsArray | readonly string[], values: unknown[]): string {
  let s = strings[0]!;
  for (let i = 0; i < values.length; i++) s += String(values[i]) + strings[i + 1]!;
  return s;
}

/** A double-quoted identifier (embedded quotes doubled, as quote_ident). */
export function identifier(strings: TemplateStringsArray | readonly string[], ...values: unknown[]): TemplatePart {
  return { _templateType: 'part', str: `"${rawText(strings, values).replace(/"/g, '""')}"` };
}

/** Text inserted into the query unchanged (no parameters): only for trusted text. */
export function raw(strings: TemplateStringsArray | readonly string[], ...values: unknown[]): TemplatePart {
  return { _templateType: 'part', str: rawText(strings, values) };
}

/** The query text with `$1..$n` for the template's values, and the values. */
export function query(strings: TemplateStringsArray | readonly string[], ...values: unknown[]): TemplatedQuery {
  const c = sql(strings, ...values);
  let text = c.strings[0]!;
  for (let i = 0; i < c.values.length; i++) text += `$${i + 1}` + c.strings[i + 1]!;
  return { query: text, params: [...c.values] };
}
