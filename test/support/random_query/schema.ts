/**
 * Random schemas and data for the random-query differential test: a few small tables (5-40
 * rows) whose columns come from one pool, so that a column name has the same type in every
 * table (joins USING it and set operations over it type-check). Values are chosen so that
 * every computation the generator writes is exact in both engines: integers, floats that are
 * small multiples of 1/4, and vectors with small-integer components (their distances are
 * sums of small integers, square roots of them, or quotients the two engines round alike).
 */
import type { Rng } from './rng.js';

/** The SQL types the generator knows. */
export type SqlT =
  | 'int4'
  | 'int8'
  | 'float4'
  | 'float8'
  | 'numeric'
  | 'text'
  | 'bool'
  | 'timestamp'
  | 'date'
  | 'timestamptz'
  /** Never a column; written inside other expressions only (see generate.ts). */
  | 'interval'
  | 'jsonb'
  /** integer[] */
  | 'intarr'
  | 'vector'
  | 'halfvec'
  | 'sparsevec'
  | 'bit';

/** The vector-family types (compared with pgvector's distance operators). */
export const VECTOR_TYPES: readonly SqlT[] = ['vector', 'halfvec', 'sparsevec', 'bit'];

export interface ColumnSpec {
  readonly name: string;
  readonly type: SqlT;
  /** The type as written in CREATE TABLE. */
  readonly ddl: string;
  /** A stored generated column (its DDL holds the expression): rows give it DEFAULT, writes leave it out. */
  readonly generated?: boolean;
}

/** The stored generated column some tables get; it reads `id` and `k`, which every table has. */
const GENERATED_COLUMN: ColumnSpec = { name: 'kg', type: 'int8', ddl: 'bigint GENERATED ALWAYS AS (id * 10 + k) STORED', generated: true };

export interface IndexSpec {
  readonly name: string;
  readonly column: string;
  readonly opclass: string;
}

export interface TableSpec {
  readonly name: string;
  readonly columns: ColumnSpec[];
  /** `id` is unique in every table; it is declared PRIMARY KEY only when this is set. */
  readonly primaryKey: boolean;
  /** Rows as SQL literals, in column order. */
  readonly rows: string[][];
  /** HNSW indexes (only on vector-family columns). */
  indexes: IndexSpec[];
  /** True when the indexes are created before the rows are inserted (index insert path). */
  readonly indexFirst: boolean;
}

export interface Schema {
  readonly tables: TableSpec[];
  /** The session's TimeZone on both sides (timestamptz input, output, casts, date_trunc). */
  readonly timeZone: string;
}

/** What vecgres supports in DDL, found by probing it (so the schema never needs 0A000 on setup). */
export interface SchemaCapabilities {
  /** `numeric` columns in CREATE TABLE. */
  readonly numericColumns: boolean;
}

/** The column pool: name, type and DDL type. `id` and `k` are in every table. */
const POOL: readonly ColumnSpec[] = [
  { name: 'id', type: 'int4', ddl: 'integer' },
  { name: 'k', type: 'int4', ddl: 'integer' },
  { name: 'n', type: 'int8', ddl: 'bigint' },
  { name: 'g', type: 'text', ddl: 'text' },
  { name: 'f', type: 'bool', ddl: 'boolean' },
  { name: 'r', type: 'float4', ddl: 'real' },
  { name: 'd', type: 'float8', ddl: 'double precision' },
  { name: 'm', type: 'numeric', ddl: 'numeric' },
  { name: 'ts', type: 'timestamp', ddl: 'timestamp' },
  { name: 'dt', type: 'date', ddl: 'date' },
  { name: 'tz', type: 'timestamptz', ddl: 'timestamptz' },
  { name: 'j', type: 'jsonb', ddl: 'jsonb' },
  { name: 'ia', type: 'intarr', ddl: 'integer[]' },
  { name: 'v', type: 'vector', ddl: 'vector(3)' },
  { name: 'h', type: 'halfvec', ddl: 'halfvec(3)' },
  { name: 's', type: 'sparsevec', ddl: 'sparsevec(3)' },
  { name: 'bt', type: 'bit', ddl: 'bit(4)' },
];

/** pgvector's HNSW operator classes per column type. */
export const HNSW_OPCLASSES: Partial<Record<SqlT, readonly string[]>> = {
  vector: ['vector_l2_ops', 'vector_ip_ops', 'vector_cosine_ops', 'vector_l1_ops'],
  halfvec: ['halfvec_l2_ops', 'halfvec_ip_ops', 'halfvec_cosine_ops', 'halfvec_l1_ops'],
  sparsevec: ['sparsevec_l2_ops', 'sparsevec_ip_ops', 'sparsevec_cosine_ops', 'sparsevec_l1_ops'],
  bit: ['bit_hamming_ops', 'bit_jaccard_ops'],
};

/**
 * Text values: few and short, with capitals and punctuation whose order differs between the C
 * collation (both engines' default, also written as COLLATE "C") and linguistic ones, and a
 * fullwidth letter and an emoji, which UTF-16 units order one way and UTF-8 bytes the other.
 */
export const TEXTS = ['a', 'b', 'c', 'ab', 'ba', '', 'B', 'Ab', 'a b', 'b_', 'Ａ', '😀b'];

/**
 * A timestamp literal's text: a day around 2024-01-01 (across a month and a year boundary)
 * at a whole quarter hour, or now and then an infinity.
 */
export function timestampText(rng: Rng): string {
  if (rng.chance(0.04)) return rng.pick(['infinity', '-infinity']);
  return `${dateText(rng, false)} ${String(rng.int(0, 23)).padStart(2, '0')}:${String(15 * rng.int(0, 3)).padStart(2, '0')}:00`;
}

/** A date literal's text (see {@link timestampText}). */
export function dateText(rng: Rng, infinities = true): string {
  if (infinities && rng.chance(0.04)) return rng.pick(['infinity', '-infinity']);
  const d = new Date(Date.UTC(2024, 0, 1 + rng.int(-40, 40)));
  return d.toISOString().slice(0, 10);
}

/**
 * A timestamptz literal's text: a {@link timestampText} with no zone (the session's), `+00`,
 * a whole or half-hour offset or a zone name, or now and then an infinity.
 */
export function timestamptzText(rng: Rng): string {
  const t = timestampText(rng);
  if (t.endsWith('infinity')) return t;
  return t + rng.pick(['', '', '+00', '+05:30', '-08', ' Europe/Berlin', ' America/New_York']);
}

/**
 * The session time zones a schema runs under: none has a daylight-saving change inside the
 * data's range (late November to mid February), but their offsets differ in sign and by half
 * hours, which moves day boundaries (date_trunc, casts to date).
 */
export const TIME_ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];

/**
 * A jsonb value's text. Keys keep one type wherever they occur, so casts of `->>` never fail:
 * "k" an integer or null, "g" a string of {@link TEXTS}, "f" a boolean, "m" a number with two
 * decimals, "tags" an array of strings, "n" an object with an integer "x". Now and then an
 * array, a scalar or JSON null instead of an object (`->` on them is NULL, not an error).
 */
export function jsonText(rng: Rng): string {
  if (rng.chance(0.15)) return rng.pick(['[1, "a", null]', '[]', '3', '"a"', 'null', '{}', 'true', '[{"k": 1}]']);
  const parts: string[] = [];
  if (rng.chance(0.7)) parts.push(`"k": ${rng.chance(0.15) ? 'null' : rng.int(0, 4)}`);
  if (rng.chance(0.6)) parts.push(`"g": ${JSON.stringify(rng.pick(TEXTS))}`);
  if (rng.chance(0.3)) parts.push(`"f": ${rng.chance(0.5)}`);
  if (rng.chance(0.3)) parts.push(`"m": ${(rng.int(-40, 40) / 4).toFixed(2)}`);
  if (rng.chance(0.4)) parts.push(`"tags": [${Array.from({ length: rng.int(0, 3) }, () => JSON.stringify(rng.pick(['a', 'b', 'c', 'ab']))).join(', ')}]`);
  if (rng.chance(0.2)) parts.push(`"n": {"x": ${rng.int(0, 3)}}`);
  return `{${rng.shuffled(parts).join(', ')}}`;
}

/** An integer[] literal's text: up to 4 elements in [-1, 5], now and then a NULL element. */
export function intArrayText(rng: Rng): string {
  return `{${Array.from({ length: rng.int(0, 4) }, () => (rng.chance(0.1) ? 'NULL' : String(rng.int(-1, 5)))).join(',')}}`;
}

/**
 * An interval literal's text, finite and in canonical form (hours below 24, no unit written
 * twice), so that equal intervals print alike wherever they come from a literal.
 */
export function intervalText(rng: Rng): string {
  return rng.pick(['1 day', '2 days', '-1 days', '03:00:00', '1 day 02:00:00', '00:15:00', '1 mon', '1 mon -2 days', '-12:00:00', '7 days', '00:00:00']);
}

/** Small-integer components in [-2, 3]: 3 of them, or 4 for bit(4) (a component > 0 is a set bit). */
export function randomComponents(rng: Rng, nonZero: boolean, dims = 3): number[] {
  for (;;) {
    const xs = Array.from({ length: dims }, () => rng.int(-2, 3));
    if (!nonZero || xs.some((x) => (dims === 4 ? x > 0 : x !== 0))) return xs;
  }
}

/** `xs` as a literal of `type` (without a cast). */
export function vectorLiteral(type: SqlT, xs: readonly number[]): string {
  switch (type) {
    case 'vector':
    case 'halfvec':
      return `'[${xs.join(',')}]'`;
    case 'sparsevec': {
      const parts = xs.flatMap((x, i) => (x === 0 ? [] : [`${i + 1}:${x}`]));
      return `'{${parts.join(',')}}/${xs.length}'`;
    }
    case 'bit':
      return `'${xs.map((x) => (x > 0 ? '1' : '0')).join('')}'`;
    default:
      throw new Error(`not a vector type: ${type}`);
  }
}

/**
 * A random value of `col` as a SQL literal: never NULL in an indexed column, never a zero
 * vector in a cosine or Jaccard one; `nullP` is the chance of NULL elsewhere.
 */
export function randomValue(rng: Rng, col: ColumnSpec, indexed: IndexSpec | undefined, nullP: number): string {
  // Indexed columns hold no NULLs (an HNSW scan skips NULL vectors, a sort does not, and the
  // two engines may choose differently on a table this small); cosine ones no zero vectors.
  if (indexed === undefined && rng.chance(nullP)) return 'NULL';
  switch (col.type) {
    case 'int4':
      return String(col.name === 'k' ? rng.int(0, 4) : rng.int(-3, 12));
    case 'int8':
      return rng.chance(0.2) ? String(rng.int(1, 9) * 1_000_000_007) : String(rng.int(-3, 12));
    case 'text':
      return `'${rng.pick(TEXTS)}'`;
    case 'bool':
      return rng.chance(0.5) ? 'true' : 'false';
    case 'float4':
      return String(rng.int(-8, 8) / 2);
    case 'float8':
      return String(rng.int(-32, 32) / 4);
    case 'numeric':
      return (rng.int(-400, 400) / 4).toFixed(2);
    case 'timestamp':
      return `'${timestampText(rng)}'`;
    case 'date':
      return `'${dateText(rng)}'`;
    case 'timestamptz':
      return `'${timestamptzText(rng)}'`;
    case 'jsonb':
      return `'${jsonText(rng)}'`;
    case 'intarr':
      return `'${intArrayText(rng)}'`;
    default:
      return vectorLiteral(col.type, randomComponents(rng, indexed !== undefined && /cosine|jaccard/.test(indexed.opclass), col.type === 'bit' ? 4 : 3));
  }
}

/** Generates `tableCount` tables t0, t1, ...; t0 always has a vector column. */
export function generateSchema(rng: Rng, caps: SchemaCapabilities, tableCount = 3): Schema {
  const tables: TableSpec[] = [];
  for (let t = 0; t < tableCount; t++) {
    const name = `t${t}`;
    const optional = POOL.slice(2).filter((c) => caps.numericColumns || c.type !== 'numeric');
    let columns = [POOL[0]!, POOL[1]!, ...rng.subset(optional, 0.55)];
    if (t === 0 && !columns.some((c) => c.type === 'vector')) columns.push(POOL.find((c) => c.type === 'vector')!);
    if (!columns.some((c) => VECTOR_TYPES.includes(c.type))) {
      const name = rng.pick(['v', 'h', 's', 'bt']);
      columns.push(POOL.find((c) => c.name === name)!);
    }
    if (rng.chance(0.3)) columns.push(GENERATED_COLUMN);
    // Shuffle all but id so that SELECT * and positional references vary.
    columns = [columns[0]!, ...rng.shuffled(columns.slice(1))];
    const indexes: IndexSpec[] = [];
    for (const c of columns) {
      const ops = HNSW_OPCLASSES[c.type];
      if (ops !== undefined && rng.chance(c.type === 'vector' ? 0.35 : 0.15)) indexes.push({ name: `${name}_${c.name}_idx`, column: c.name, opclass: rng.pick(ops) });
    }
    const count = rng.int(5, 40);
    // Some tables are NULL-heavy (outer joins, NOT IN and aggregates over mostly NULLs).
    const nullP = rng.pick([0.15, 0.15, 0.5]);
    const ids = rng.shuffled(Array.from({ length: count }, (_, i) => i + 1));
    const rows: string[][] = [];
    for (const id of ids) {
      // Now and then a row repeats an earlier one except for its id (duplicates everywhere).
      if (rows.length > 0 && rng.chance(0.15)) {
        const prev = rng.pick(rows);
        rows.push([String(id), ...prev.slice(1)]);
        continue;
      }
      rows.push(columns.map((c) => (c.name === 'id' ? String(id) : c.generated === true ? 'DEFAULT' : randomValue(rng, c, indexes.find((i) => i.column === c.name), nullP))));
    }
    tables.push({ name, columns, primaryKey: rng.chance(0.5), rows, indexes, indexFirst: rng.chance(0.3) });
  }
  return { tables, timeZone: rng.pick(TIME_ZONES) };
}

/** CREATE TABLE for `t`. */
export function createTableSql(t: TableSpec): string {
  const cols = t.columns.map((c) => `${c.name} ${c.ddl}${c.name === 'id' && t.primaryKey ? ' PRIMARY KEY' : ''}`);
  return `CREATE TABLE ${t.name} (${cols.join(', ')})`;
}

/** CREATE INDEX for `i` on `t`. */
export function createIndexSql(t: TableSpec, i: IndexSpec): string {
  return `CREATE INDEX ${i.name} ON ${t.name} USING hnsw (${i.column} ${i.opclass})`;
}

/** The INSERT statements for `t`'s rows (a few multi-row statements). */
export function insertSql(t: TableSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.rows.length; i += 16) {
    out.push(`INSERT INTO ${t.name} (${t.columns.map((c) => c.name).join(', ')}) VALUES ${t.rows.slice(i, i + 16).map((r) => `(${r.join(', ')})`).join(', ')}`);
  }
  return out;
}
