/**
 * The random DML differential run: seeded INSERT (VALUES, SELECT, ON CONFLICT DO NOTHING /
 * DO UPDATE), UPDATE and DELETE statements, with and without RETURNING, now and then inside a
 * transaction that commits or rolls back or as a data-modifying CTE, over the random-query
 * test's schemas, on vecgres and on PostgreSQL + pgvector (PGlite). After every statement the
 * two must agree on the statement's outcome (RETURNING rows as a multiset, the affected-row
 * count, or the error's SQLSTATE) and on the whole table it wrote; now and then a k-NN query
 * over an HNSW-indexed column checks that the index followed the writes.
 *
 * Determinism: statements never change `id` (a unique key that an UPDATE renumbers can collide
 * with itself halfway, in an order the plan chooses), UPDATE ... FROM joins an item unique on
 * its join key (a GROUP BY subquery, a VALUES list of distinct ids: a target row with two
 * matches would take either), RETURNING names only columns of the written table and of such an
 * item, values
 * that a repeated UPDATE could grow without bound are cut (`left`, array slices, `round`), and
 * indexed vector columns keep the schema's rule: never NULL, never a zero vector under cosine
 * or Jaccard.
 */
import type { Vecgres } from '../../../src/index.js';
import type { Oracle } from '../pglite.js';
import { Rng } from './rng.js';
import { type ColumnSpec, type Schema, type SchemaCapabilities, type TableSpec, VECTOR_TYPES, generateSchema, randomComponents, randomValue, vectorLiteral } from './schema.js';
import { QueryGenerator } from './generate.js';
import { type ClassTally, type EngineUnderTest, createSchema, schemaSql, subSeed } from './run.js';
import { valueText } from './compare.js';

/** The statement families a DML run tallies. */
export const DML_KINDS = ['insert', 'insert-select', 'upsert', 'update', 'delete', 'cte', 'transaction'] as const;
export type DmlKind = (typeof DML_KINDS)[number];

/** One side's outcome of a statement. */
type DmlOutcome =
  | { kind: 'ok'; fields: string[]; rows: string[]; affected: number }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'crash'; error: string };

/** One statement (or a transaction of several) and the table it writes. */
export interface GeneratedDml {
  readonly kind: DmlKind;
  readonly statements: string[];
  readonly table: TableSpec;
}

/** Generates DML statements over one schema; every choice comes from `rng`. */
export class DmlGenerator {
  readonly #gen: QueryGenerator;

  constructor(
    private readonly rng: Rng,
    private readonly schema: Schema,
  ) {
    this.#gen = new QueryGenerator(rng, schema, { all: false });
  }

  next(): GeneratedDml {
    const kind = this.rng.weighted<DmlKind>([[4, 'insert'], [2, 'insert-select'], [3, 'upsert'], [5, 'update'], [3, 'delete'], [1, 'cte'], [1, 'transaction']]);
    if (kind === 'transaction') {
      const first = this.#statement(this.#pickKind());
      const second = this.#statement(this.#pickKind(), first.table);
      const end = this.rng.pick(['COMMIT', 'ROLLBACK', 'ROLLBACK']);
      // A savepoint rolled back in the middle now and then.
      const middle = this.rng.chance(0.3) ? ['SAVEPOINT s1', second.sql, 'ROLLBACK TO SAVEPOINT s1'] : [second.sql];
      return { kind, statements: ['BEGIN', first.sql, ...middle, end], table: first.table };
    }
    const s = this.#statement(kind);
    return { kind, statements: [s.sql], table: s.table };
  }

  #pickKind(): DmlKind {
    return this.rng.weighted<DmlKind>([[2, 'insert'], [2, 'upsert'], [3, 'update'], [2, 'delete']]);
  }

  #statement(kind: DmlKind, table?: TableSpec): { sql: string; table: TableSpec } {
    const t = table ?? this.rng.pick(this.schema.tables);
    switch (kind) {
      case 'insert':
        return { sql: `INSERT INTO ${t.name} ${this.#valuesRows(t, this.rng.int(1, 4))}${this.#returning(t)}`, table: t };
      case 'insert-select':
        return { sql: this.#insertSelect(t), table: t };
      case 'upsert':
        return { sql: this.#upsert(t), table: t };
      case 'update':
        return { sql: this.#update(t), table: t };
      case 'delete':
        return { sql: this.#delete(t), table: t };
      default:
        return { sql: this.#cte(t), table: t };
    }
  }

  #indexOf(t: TableSpec, c: ColumnSpec) {
    return t.indexes.find((i) => i.column === c.name);
  }

  /** A value for column `c` of a new row (a literal; an indexed column's obeys the schema's rule). */
  #value(t: TableSpec, c: ColumnSpec): string {
    if (c.name === 'id') return String(this.rng.int(1, 60));
    const ix = this.#indexOf(t, c);
    if (ix === undefined && this.rng.chance(0.25)) return this.#gen.literal(c.type);
    return randomValue(this.rng, c, ix, 0.2);
  }

  /** `(cols) VALUES (...), ...`: id and every indexed column always, the others now and then. */
  #valuesRows(t: TableSpec, n: number): string {
    const cols = t.columns.filter((c) => c.generated !== true && (c.name === 'id' || this.#indexOf(t, c) !== undefined || this.rng.chance(0.7)));
    const rows = Array.from({ length: n }, () => `(${cols.map((c) => (c.name !== 'id' && this.#indexOf(t, c) === undefined && this.rng.chance(0.1) ? 'DEFAULT' : this.#value(t, c))).join(', ')})`);
    return `(${cols.map((c) => c.name).join(', ')}) VALUES ${rows.join(', ')}`;
  }

  /**
   * A RETURNING clause (or none) over `t`, its columns qualified by `alias` when given; `star`
   * replaces `*` (`t.*` where other FROM items would add columns of an arbitrary joined row).
   */
  #returning(t: TableSpec, alias?: string, star = '*'): string {
    const q = (c: string) => (alias === undefined ? c : `${alias}.${c}`);
    return this.rng.weighted<() => string>([
      [3, () => ''],
      [2, () => ` RETURNING ${star}`],
      [2, () => ` RETURNING ${q('id')}, ${q('k')}`],
      [2, () => ` RETURNING ${q('id')}, ${this.#gen.expression(t, this.rng.pick(['int4', 'text', 'bool', 'numeric', 'timestamptz'] as const), 1)} AS r`],
      [1, () => ` RETURNING ${q('id')} * 10 AS ten, ${this.#gen.expression(t, 'text', 1)}`],
    ])();
  }

  #insertSelect(t: TableSpec): string {
    const src = this.rng.pick(this.schema.tables);
    const shared = t.columns.filter((c) => c.name !== 'id' && c.generated !== true && this.#indexOf(t, c) === undefined && src.columns.some((o) => o.name === c.name && o.type === c.type) && this.rng.chance(0.8));
    const indexed = t.columns.filter((c) => this.#indexOf(t, c) !== undefined);
    const cols = ['id', ...shared.map((c) => c.name), ...indexed.map((c) => c.name)];
    const exprs = [`id + ${this.rng.pick([0, 20, 40, 100])}`, ...shared.map((c) => c.name), ...indexed.map((c) => randomValue(this.rng, c, this.#indexOf(t, c), 0))];
    const conditions = this.rng.chance(0.6) ? [this.#gen.condition(src, 1)] : [];
    // Ids are unique only under a primary key (inserts may repeat them elsewhere).
    const limit = src.primaryKey && this.rng.chance(0.4) ? ` ORDER BY id LIMIT ${this.rng.int(0, 5)}` : '';
    const conflict = t.primaryKey && this.rng.chance(0.5) ? ' ON CONFLICT DO NOTHING' : '';
    // DO NOTHING keeps the first of two source rows with one id, and which is first is the
    // order of a scan (heap order after updates), not something SQL defines: skip such ids.
    if (conflict !== '' && !src.primaryKey) conditions.push(`id IN (SELECT id FROM ${src.name} GROUP BY id HAVING count(*) = 1)`);
    const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
    return `INSERT INTO ${t.name} (${cols.join(', ')}) SELECT ${exprs.join(', ')} FROM ${src.name}${where}${limit}${conflict}${this.#returning(t)}`;
  }

  /** An assignment of column `c` that a repeated UPDATE cannot grow without bound. */
  #assignment(t: TableSpec, c: ColumnSpec, excluded: boolean): string {
    const ix = this.#indexOf(t, c);
    if (ix !== undefined) return `${c.name} = ${randomValue(this.rng, c, ix, 0)}`;
    if (excluded && this.rng.chance(0.5)) return `${c.name} = EXCLUDED.${c.name}`;
    if (this.rng.chance(0.2)) return `${c.name} = ${this.rng.chance(0.5) ? 'NULL' : 'DEFAULT'}`;
    const e = this.#gen.expression(t, c.type, 1, this.rng.chance(0.15) ? 'scalar' : 'none');
    switch (c.type) {
      case 'text':
        return `${c.name} = left(${e}, 6)`;
      case 'intarr':
        return `${c.name} = (${e})[1:4]`;
      case 'numeric':
        return `${c.name} = round(${e}, 2)`;
      case 'int4':
      case 'int8':
        return `${c.name} = (${e}) % 1000`;
      case 'float4':
      case 'float8':
        // Quarters stay exact (the columns' rule).
        return `${c.name} = round(${e} * 4) / 4`;
      case 'vector':
      case 'halfvec':
      case 'sparsevec':
        return `${c.name} = ${vectorLiteral(c.type, randomComponents(this.rng, false))}`;
      default:
        return `${c.name} = ${e}`;
    }
  }

  #setList(t: TableSpec, excluded: boolean, skip?: string): string {
    const cols = this.rng.subset(t.columns.slice(1), 0.3).filter((c) => c.name !== skip && c.generated !== true);
    if (cols.length === 0) cols.push(t.columns.find((c) => c.name !== 'id' && c.name !== skip && c.generated !== true)!);
    return cols.map((c) => this.#assignment(t, c, excluded)).join(', ');
  }

  #upsert(t: TableSpec): string {
    const target = t.primaryKey || this.rng.chance(0.1) ? this.rng.weighted([[4, ' (id)'], [1, '']]) : '';
    const rows = this.#valuesRows(t, this.rng.int(1, 3));
    const alias = this.rng.chance(0.4) ? 'x' : null;
    const into = alias === null ? t.name : `${t.name} AS ${alias}`;
    if (target === '' || this.rng.chance(0.3)) return `INSERT INTO ${into} ${rows} ON CONFLICT${target} DO NOTHING${this.#returning(t, alias ?? undefined)}`;
    const where = this.rng.chance(0.3) ? ` WHERE ${alias ?? t.name}.k ${this.rng.pick(['<', '>=', '<>'])} ${this.rng.int(0, 4)}` : '';
    return `INSERT INTO ${into} ${rows} ON CONFLICT${target} DO UPDATE SET ${this.#setList(t, true)}${where}${this.#returning(t, alias ?? undefined)}`;
  }

  #update(t: TableSpec): string {
    if (this.rng.chance(0.3)) return this.#updateFrom(t);
    const alias = this.rng.chance(0.2) ? 'x' : undefined;
    const where = this.rng.chance(0.85) ? ` WHERE ${this.#gen.condition(t, 1, this.rng.chance(0.3) ? 'any' : 'none')}` : '';
    return `UPDATE ${t.name}${alias === undefined ? '' : ` AS ${alias}`} SET ${this.#setList(t, false)}${where}${this.#returning(t, alias)}`;
  }

  /**
   * UPDATE ... FROM an item with one row per join key, so every target row takes one value:
   * the bulk-update VALUES list of ORMs (distinct ids) or a GROUP BY subquery over a table of
   * the schema (the target itself too). The FROM item's columns are named apart from the
   * tables' (`vid`, `jn`...) so the generated expressions' bare names stay unambiguous.
   */
  #updateFrom(t: TableSpec): string {
    const alias = this.rng.chance(0.4) ? 'x' : undefined;
    const name = alias ?? t.name;
    const target = alias === undefined ? t.name : `${t.name} AS ${alias}`;
    const more = this.rng.chance(0.4) ? `, ${this.#setList(t, false, 'k')}` : '';
    const where = this.rng.chance(0.4) ? ` AND ${this.#gen.condition(t, 1)}` : '';
    if (this.rng.chance(0.5)) {
      const ids = [...new Set(Array.from({ length: this.rng.int(1, 4) }, () => this.rng.int(1, 30)))];
      const rows = ids.map((id) => `(${id}, ${this.rng.chance(0.2) ? 'NULL::int' : this.rng.int(-2, 6)})`);
      const ret = this.rng.chance(0.3) ? ` RETURNING ${name}.id, ${name}.k, v.vk` : this.#returning(t, name);
      return `UPDATE ${target} SET k = v.vk${more} FROM (VALUES ${rows.join(', ')}) AS v(vid, vk) WHERE ${name}.id = v.vid${where}${ret}`;
    }
    const src = this.rng.pick(this.schema.tables);
    const filter = this.rng.chance(0.4) ? ` WHERE id ${this.rng.pick(['<', '>'])} ${this.rng.int(1, 12)}` : '';
    const ret = this.rng.chance(0.3) ? ` RETURNING ${name}.id, o.jn, o.jlo` : this.#returning(t, name);
    return `UPDATE ${target} SET k = (o.jn % 5)::int${more} FROM (SELECT k AS jk, count(*) AS jn, min(id) AS jlo FROM ${src.name}${filter} GROUP BY k) AS o WHERE ${name}.k = o.jk${where}${ret}`;
  }

  #delete(t: TableSpec): string {
    if (this.rng.chance(0.2)) {
      const other = this.rng.pick(this.schema.tables.filter((x) => x !== t).concat([t]));
      const o = other === t ? 'o2' : other.name;
      return `DELETE FROM ${t.name} USING ${other.name}${other === t ? ' o2' : ''} WHERE ${t.name}.k = ${o}.k AND ${o}.id ${this.rng.pick(['<', '=', '>'])} ${this.rng.int(1, 12)}${this.#returning(t, t.name, `${t.name}.*`)}`;
    }
    const alias = this.rng.chance(0.2) ? 'x' : undefined;
    const where = this.rng.chance(0.95) ? ` WHERE ${this.#gen.condition(t, 1, this.rng.chance(0.3) ? 'any' : 'none')}` : '';
    return `DELETE FROM ${t.name}${alias === undefined ? '' : ` x`}${where}${this.#returning(t, alias)}`;
  }

  #cte(t: TableSpec): string {
    const body = this.rng.chance(0.5) ? `DELETE FROM ${t.name} WHERE ${this.#gen.condition(t, 1)} RETURNING id, k` : `UPDATE ${t.name} SET ${this.#setList(t, false)} WHERE ${this.#gen.condition(t, 1)} RETURNING id, k`;
    return `WITH w AS (${body}) SELECT count(*), sum(k) FROM w`;
  }
}

function fieldsText(fields: readonly { name: string; dataTypeID: number }[]): string[] {
  return fields.map((f) => `${f.name}:${f.dataTypeID}`);
}

function rowsText(rows: readonly unknown[][]): string[] {
  return rows.map((r) => r.map(valueText).join(' | ')).sort();
}

async function ours(db: Vecgres, sql: string): Promise<DmlOutcome> {
  try {
    const r = await db.query(sql, [], { rowMode: 'array' });
    return { kind: 'ok', fields: fieldsText(r.fields), rows: rowsText(r.rows as unknown as unknown[][]), affected: r.affectedRows ?? 0 };
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown; stack?: unknown };
    if (typeof err?.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) return { kind: 'error', code: err.code, message: String(err.message) };
    return { kind: 'crash', error: String(err?.stack ?? e) };
  }
}

async function theirs(oracle: Oracle, sql: string): Promise<DmlOutcome> {
  const r = await oracle.tryQuery(sql, [], { rowMode: 'array' });
  if (!r.ok) return { kind: 'error', code: r.code, message: r.message };
  return { kind: 'ok', fields: fieldsText(r.fields), rows: rowsText(r.rows), affected: r.affectedRows ?? 0 };
}

function outcomeDifference(want: DmlOutcome, got: DmlOutcome, compareAffected: boolean): string | null {
  if (got.kind === 'crash') return `vecgres threw a JavaScript error: ${got.error.split('\n').slice(0, 4).join(' / ')}`;
  if (want.kind === 'crash') return `oracle failed without SQLSTATE: ${want.error}`;
  if (want.kind === 'error' || got.kind === 'error') {
    if (want.kind === 'error' && got.kind === 'error') return want.code === got.code ? null : `SQLSTATE ${got.code} (${got.message}), PostgreSQL ${want.code} (${want.message})`;
    if (want.kind === 'error') return `vecgres succeeded; PostgreSQL failed with ${want.code} (${want.message})`;
    return `vecgres failed with ${got.kind === 'error' ? `${got.code} (${got.message})` : '?'}; PostgreSQL succeeded`;
  }
  if (want.fields.join() !== got.fields.join()) return `columns ${JSON.stringify(got.fields)}, PostgreSQL ${JSON.stringify(want.fields)}`;
  if (compareAffected && want.affected !== got.affected) return `${got.affected} rows affected, PostgreSQL ${want.affected}`;
  if (want.rows.join('\n') !== got.rows.join('\n')) {
    const show = (rows: string[]) => rows.slice(0, 8).map((r) => `[${r}]`).join(' ') + (rows.length > 8 ? ` ... (${rows.length})` : '');
    return `rows differ (as multisets)\n    vecgres:    ${show(got.rows)}\n    PostgreSQL: ${show(want.rows)}`;
  }
  return null;
}

/** Per statement kind, what the random-query test counts per feature class. */
export type DmlTally = ClassTally;

export interface DmlReport {
  readonly tallies: Record<DmlKind, DmlTally>;
  readonly unsupportedMessages: Map<string, number>;
  readonly oracleErrorMessages: Map<string, number>;
  readonly mismatches: string[];
  /** k-NN checks over indexed columns after writes. */
  readonly knnChecks: number;
}

export interface DmlRunOptions {
  readonly seed: number;
  /** Number of generated statements (a transaction counts once). */
  readonly statements: number;
  /** Statements per schema (a new schema after each batch). */
  readonly perSchema: number;
}

/**
 * Runs the DML differential test on `db` (vecgres) against `oracle` and stops at the first
 * mismatch (later statements would only repeat it). A statement vecgres refuses with 0A000 is
 * counted, never compared, and undone on the oracle's side too (see the loop), so the tables
 * stay comparable.
 */
export async function runRandomDml(db: Vecgres, oracle: Oracle, caps: SchemaCapabilities, opts: DmlRunOptions): Promise<DmlReport> {
  const tallies = Object.fromEntries(DML_KINDS.map((k) => [k, { generated: 0, compared: 0, unsupported: 0, mismatched: 0, oracleErrors: 0 }])) as Record<DmlKind, DmlTally>;
  const unsupportedMessages = new Map<string, number>();
  const oracleErrorMessages = new Map<string, number>();
  const mismatches: string[] = [];
  let knnChecks = 0;
  const engine: EngineUnderTest = {
    exec: async (sql) => {
      await db.exec(sql);
    },
    outcome: async () => {
      throw new Error('not used');
    },
  };
  await oracle.exec('SET enable_indexscan = off');
  // The index scans must visit every row of these small tables.
  await db.exec('SET hnsw.ef_search = 400');
  for (let start = 0, schemaNo = 0; start < opts.statements; start += opts.perSchema, schemaNo++) {
    const schema = generateSchema(new Rng(subSeed(opts.seed, schemaNo, 0)), caps);
    await oracle.exec(`SET TimeZone = '${schema.timeZone}'`);
    await db.exec(`SET TimeZone = '${schema.timeZone}'`);
    await createSchema(engine, oracle, schema, []);
    const end = Math.min(opts.statements, start + opts.perSchema);
    for (let i = start; i < end; i++) {
      const rng = new Rng(subSeed(opts.seed, schemaNo, i + 1));
      const g = new DmlGenerator(rng, schema).next();
      const tally = tallies[g.kind];
      tally.generated++;
      const where = `[seed ${opts.seed}, schema ${schemaNo}, statement ${i}, ${g.kind}]`;
      let refused = false;
      const single = g.statements.length === 1;
      for (const sql of g.statements) {
        const control = /^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT)/.test(sql);
        // A single statement runs inside a transaction on the oracle, committed only when
        // vecgres did not refuse it, so a refusal leaves both sides' tables alike.
        if (single) await oracle.exec('BEGIN');
        const want = await theirs(oracle, sql);
        const got = await ours(db, sql);
        if (single) await oracle.exec(got.kind === 'error' && got.code === '0A000' ? 'ROLLBACK' : 'COMMIT');
        if (want.kind === 'error') oracleErrorMessages.set(`${want.code} ${want.message}`, (oracleErrorMessages.get(`${want.code} ${want.message}`) ?? 0) + 1);
        if (got.kind === 'error' && got.code === '0A000') {
          refused = true;
          unsupportedMessages.set(got.message, (unsupportedMessages.get(got.message) ?? 0) + 1);
          break;
        }
        const diff = outcomeDifference(want, got, !control);
        if (diff !== null) {
          tally.mismatched++;
          mismatches.push(`${where} ${g.statements.join('; ')}\n  at: ${sql}\n  ${diff}`);
          break;
        }
      }
      // A transaction cut short (a refusal, a mismatch, an error) is rolled back on both sides;
      // one that ended already makes this a no-op with a warning.
      if (!single) {
        await oracle.exec('ROLLBACK');
        await db.exec('ROLLBACK');
      }
      if (mismatches.length > 0) break;
      if (refused) {
        tally.unsupported++;
        continue;
      }
      tally.compared++;
      const table = await tableDifference(db, oracle, g.table);
      if (table !== null) {
        tally.mismatched++;
        mismatches.push(`${where} ${g.statements.join('; ')}\n  table ${g.table.name} afterwards: ${table}`);
        break;
      }
      if (rng.chance(0.25)) {
        const knn = await knnDifference(db, oracle, g.table, rng);
        if (knn !== null) {
          knnChecks++;
          if (knn.diff !== null) {
            tally.mismatched++;
            mismatches.push(`${where} ${g.statements.join('; ')}\n  then: ${knn.sql}\n  ${knn.diff}`);
            break;
          }
        }
      }
    }
    if (mismatches.length > 0) {
      mismatches.push(`-- schema ${schemaNo} of seed ${opts.seed}:\n${schemaSql(schema)}`);
      break;
    }
  }
  return { tallies, unsupportedMessages, oracleErrorMessages, mismatches, knnChecks };
}

async function tableDifference(db: Vecgres, oracle: Oracle, t: TableSpec): Promise<string | null> {
  const sql = `SELECT * FROM ${t.name}`;
  return outcomeDifference(await theirs(oracle, sql), await ours(db, sql), false);
}

/**
 * `SELECT dist, id FROM t ORDER BY col <op> q LIMIT k` over an indexed column (vecgres with
 * sequential scans off, so its HNSW index answers), compared by distance: rows tied on the
 * distance may come in any order, and the last tie group may be cut anywhere.
 */
async function knnDifference(db: Vecgres, oracle: Oracle, t: TableSpec, rng: Rng): Promise<{ sql: string; diff: string | null } | null> {
  if (t.indexes.length === 0) return null;
  const ix = rng.pick(t.indexes);
  const col = t.columns.find((c) => c.name === ix.column)!;
  if (!VECTOR_TYPES.includes(col.type)) return null;
  const metric = /_(l2|ip|cosine|l1|hamming|jaccard)_ops$/.exec(ix.opclass)?.[1] ?? 'l2';
  const op = { l2: '<->', ip: '<#>', cosine: '<=>', l1: '<+>', hamming: '<~>', jaccard: '<%>' }[metric]!;
  const q = vectorLiteral(col.type, randomComponents(rng, true, col.type === 'bit' ? 4 : 3));
  const k = rng.int(1, 8);
  const sql = `SELECT ${col.name} ${op} ${q} AS dist FROM ${t.name} ORDER BY ${col.name} ${op} ${q} LIMIT ${k}`;
  await db.exec('SET enable_seqscan = off');
  const got = await ours(db, sql);
  await db.exec('RESET enable_seqscan');
  const want = await theirs(oracle, sql);
  // Only distances are selected, so the multiset of the k smallest is determined up to
  // rounding: rows whose distances are equal in exact arithmetic can differ in the last bits
  // of a double (2/sqrt(8) and 6/sqrt(72) for cosine), the index orders them by the distance
  // of the normalized vectors (equal there), and the last tie group may be cut at either.
  if (want.kind === 'ok' && got.kind === 'ok' && sameWithinRounding(want.rows, got.rows)) return { sql, diff: null };
  return { sql, diff: outcomeDifference(want, got, false) };
}

/**
 * Whether two lists of one-number rows agree once sorted, each pair within 8 ulps. Lists with
 * anything but finite numbers (NULL, NaN) are left to the exact comparison.
 */
function sameWithinRounding(want: readonly string[], got: readonly string[]): boolean {
  if (want.length !== got.length) return false;
  const numbers = (rows: readonly string[]) => rows.map((r) => (/^-?[0-9.e+-]+$/.test(r) ? Number(r) : NaN)).sort((x, y) => x - y);
  const a = numbers(want);
  const b = numbers(got);
  return a.every((x, i) => {
    const y = b[i]!;
    return Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= 8 * Number.EPSILON * Math.max(Math.abs(x), Math.abs(y));
  });
}
