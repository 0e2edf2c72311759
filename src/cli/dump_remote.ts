/**
 * `vecgres dump --host ... | --dbname <connection string>`: dumps a running `vecgres serve` over
 * the wire protocol, with node-postgres. The schema is read from the server's system catalogs
 * with the queries pg_dump makes (pg_class, pg_attribute, pg_attrdef with pg_get_expr,
 * pg_constraint, pg_index with pg_get_indexdef, pg_sequence, pg_depend for sequence ownership,
 * pg_namespace, and each sequence's `last_value, is_called`), each table's rows with `COPY s.t (...)
 * TO STDOUT` in text format; the script is written by the same writer as a dump of a data
 * directory (sql/dump/dump.ts), so both dumps of one database are the same text.
 *
 * Only a vecgres server is dumped: `version()` must name vecgres. A CHECK constraint is read
 * from pg_constraint.conbin, which holds the expression's SQL text in vecgres (PostgreSQL keeps
 * a node tree there). For PostgreSQL use pg_dump.
 *
 * Consistency: vecgres runs each statement in read committed, so the tables are read one by one
 * (each COPY one snapshot of its table); stop writers for a dump whose tables must agree with
 * each other, or dump the data directory.
 */
import { StringDecoder } from 'node:string_decoder';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { PgError, SQLSTATE } from '../common/errors.js';
import { writeDump, type DumpOptions, type DumpSummary } from '../sql/dump/dump.js';
import type { DumpColumn, DumpEnumType, DumpSchema, DumpSequence, DumpTable, DumpView } from '../sql/dump/dump_schema.js';
import { dumpName, foreignKeyConstraintSql, keyConstraintSql, qualifiedName, splitDumpName, type ConstraintSql } from '../sql/dump/schema_sql.js';
import { splitIdentifierString } from '../sql/analyze/regproc.js';
import { copyColumnListSql, copyHeaderSql, insertLiteral, insertPrefixSql, insertRowSql } from '../sql/dump/table_data.js';
import { loadParser } from '../sql/parser/parse.js';
import { COPY_TEXT_END, copyTextFieldParse } from '../types/copy_text.js';
import { TYPE_OID } from '../sql/analyze/types.js';
import { SEQUENCE_TYPE_NAME, type SequenceType } from '../storage/sequence.js';
import type { ColumnType, FkAction } from '../storage/table.js';

/** Where the server is: node-postgres' connection options (unset ones come from PG* variables). */
export interface RemoteTarget {
  host?: string;
  port?: number;
  user?: string;
  /** A database name, or a connection string (`postgresql://...` or `host=... dbname=...`). */
  dbname?: string;
  password?: string;
}

/** Thrown when the server is not vecgres (its dump would not be what the user asked for). */
export class NotVecgresServerError extends Error {
  constructor(version: string) {
    super(`the server is not vecgres (version(): ${version}); dump PostgreSQL with pg_dump`);
    this.name = 'NotVecgresServerError';
  }
}

/** pg_namespace.oid of `public`. */
const NS_PUBLIC = 2200;

/** The schemas whose relations are dumped: `public` and those CREATE SCHEMA made (not PostgreSQL's own). */
const USER_SCHEMA_SQL = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";

/** node-postgres' client options for `t`: a connection string as pg_dump's `--dbname` takes one. */
export function clientConfig(t: RemoteTarget): pg.ClientConfig {
  const conn = t.dbname !== undefined && (/^postgres(ql)?:\/\//.test(t.dbname) || t.dbname.includes('=')) ? t.dbname : undefined;
  return {
    ...(conn !== undefined ? { connectionString: conn.includes('=') && !conn.includes('://') ? keywordsToUri(conn) : conn } : {}),
    ...(conn === undefined && t.dbname !== undefined ? { database: t.dbname } : {}),
    ...(t.host !== undefined ? { host: t.host } : {}),
    ...(t.port !== undefined ? { port: t.port } : {}),
    ...(t.user !== undefined ? { user: t.user } : {}),
    ...(t.password !== undefined ? { password: t.password } : {}),
    application_name: 'vecgres dump',
  };
}

/** `host=h port=5 dbname=d user=u password=p` as a URI (libpq's keyword form; values without spaces or quotes). */
function keywordsToUri(conn: string): string {
  const kv = new Map<string, string>();
  for (const part of conn.trim().split(/\s+/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`invalid connection option "${part}"`);
    kv.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const e = encodeURIComponent;
  const auth = kv.has('user') ? `${e(kv.get('user')!)}${kv.has('password') ? `:${e(kv.get('password')!)}` : ''}@` : '';
  const params = [...kv].filter(([k]) => !['user', 'password', 'host', 'port', 'dbname'].includes(k)).map(([k, v]) => `${e(k)}=${e(v)}`);
  return `postgresql://${auth}${kv.get('host') ?? ''}${kv.has('port') ? `:${kv.get('port')}` : ''}/${e(kv.get('dbname') ?? '')}${params.length > 0 ? `?${params.join('&')}` : ''}`;
}

/**
 * Dumps the server `target` names to `out` (each chunk a whole number of lines), as the
 * directory dump of the same database would be written.
 * @throws NotVecgresServerError for another server; PgError 42P01 when `opts.tables` names a
 *   missing table (before any output); node-postgres' errors (connection, authentication).
 */
export async function dumpRemote(target: RemoteTarget, opts: DumpOptions, out: (chunk: string) => void): Promise<DumpSummary> {
  await loadParser(); // quoteIdent asks the parser which words are keywords
  const client = new pg.Client(clientConfig(target));
  await client.connect();
  try {
    const version = (await client.query<{ version: string }>('SELECT version()')).rows[0]!.version;
    if (!/\(vecgres /.test(version)) throw new NotVecgresServerError(version);
    const schema = await readSchema(client);
    // regclass values in the rows are printed as pg_dump prints them, under an empty
    // search_path (`public.items`, `app.items`), as the directory dump writes them.
    await client.query("SELECT pg_catalog.set_config('search_path', '', false)");
    const parts: (string | DumpTable)[] = [];
    const summary = writeDump(schema, opts, (chunk) => parts.push(chunk), (t) => {
      parts.push(t);
      return 0;
    });
    let rows = 0;
    for (const p of parts) {
      if (typeof p === 'string') out(p);
      else rows += await copyTable(client, p, opts.inserts === true, out);
    }
    return { ...summary, rows };
  } finally {
    await client.end();
  }
}

type Row = Record<string, unknown>;

/** An int2[] / int8 column as node-postgres gives it (array or `{1,2}` text). */
function intList(v: unknown): number[] {
  if (Array.isArray(v)) return v.map(Number);
  if (typeof v === 'string') return v.replace(/[{}]/g, '').split(',').filter((x) => x !== '').map(Number);
  return [];
}

const SEQUENCE_TYPE_BY_NAME = new Map(Object.entries(SEQUENCE_TYPE_NAME).map(([t, n]) => [n, t as SequenceType]));
// timetz is no column type yet: such a column is read as text, as the types vecgres lacks.
const COLUMN_TYPE_BY_OID = new Map(Object.entries(TYPE_OID).filter(([t]) => t !== 'timetz').map(([t, o]) => [o, t as ColumnType]));

/** The dump schema of the server's tables, sequences and views of `public` and the user schemas, from its system catalogs. */
async function readSchema(client: pg.Client): Promise<DumpSchema> {
  const q = async (sql: string): Promise<Row[]> => (await client.query(sql)).rows as Row[];
  const nsRows = await q(`SELECT n.nspname::text AS name, obj_description(n.oid, 'pg_namespace') AS comment FROM pg_namespace n
    WHERE ${USER_SCHEMA_SQL} AND n.nspname <> 'public' ORDER BY n.nspname`);
  const schemas = nsRows.map((r) => ({ name: String(r['name']), ...(r['comment'] !== null ? { comment: String(r['comment']) } : {}) }));
  const rels = await q(`SELECT c.oid::text AS oid, n.nspname::text AS ns, c.relname::text AS name, c.relkind::text AS kind FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMA_SQL} AND c.relkind IN ('r', 'S')`);
  const relName = new Map(rels.map((r) => [String(r['oid']), dumpName(String(r['ns']), String(r['name']))]));
  const cols = await q(`SELECT a.attrelid::text AS rel, a.attnum AS num, a.attname::text AS name, a.atttypid::text AS typid,
      format_type(a.atttypid, a.atttypmod) AS type, t.typnamespace::text AS typns, a.attnotnull AS notnull, a.attidentity::text AS identity, a.attgenerated::text AS generated,
      pg_get_expr(d.adbin, d.adrelid) AS dflt
    FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum`);
  // Who owns each sequence ('a': serial / OWNED BY, 'i': identity).
  const deps = await q(`SELECT d.objid::text AS seq, d.refobjid::text AS rel, a.attname::text AS col, d.deptype::text AS deptype
    FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')`);
  const owner = new Map(deps.map((d) => [relName.get(String(d['seq']))!, { table: relName.get(String(d['rel']))!, column: String(d['col']), identity: d['deptype'] === 'i' }]));

  const tables = new Map<string, DumpTable>();
  // Each table's columns by attnum: a dropped column keeps its number, so attnums (conkey,
  // confkey, pg_description.objsubid) are not positions.
  const byAttnum = new Map<DumpTable, Map<number, DumpColumn>>();
  for (const r of rels) if (r['kind'] === 'r') tables.set(String(r['oid']), { name: relName.get(String(r['oid']))!, columns: [], checks: [], constraints: [], indexes: [] });
  for (const c of cols) {
    const t = tables.get(String(c['rel']));
    if (t === undefined) continue;
    const identity = c['identity'] === 'a' || c['identity'] === 'd' ? (c['identity'] as 'a' | 'd') : null;
    const dflt = c['dflt'] === null ? null : String(c['dflt']);
    const serial = dflt === null ? null : serialSequence(dflt);
    let sequence = serial;
    if (identity !== null) for (const [seq, o] of owner) if (o.identity && o.table === t.name && o.column === c['name']) sequence = seq;
    const column: DumpColumn = {
      name: String(c['name']),
      typeSql: `${Number(c['typns']) === NS_PUBLIC ? 'public.' : ''}${String(c['type'])}`,
      defaultSql: serial === null ? dflt : null,
      notNull: c['notnull'] === true,
      type: COLUMN_TYPE_BY_OID.get(Number(c['typid'])) ?? 'text',
      sequence,
      identity,
      // A generated column (PostgreSQL 18's virtual ones too) is written as a stored one.
      ...(c['generated'] === 's' || c['generated'] === 'v' ? { generated: true } : {}),
    };
    t.columns.push(column);
    if (!byAttnum.has(t)) byAttnum.set(t, new Map());
    byAttnum.get(t)!.set(Number(c['num']), column);
  }
  const columnAt = (t: DumpTable, num: number): DumpColumn | undefined => byAttnum.get(t)?.get(num);

  const cons = await q(`SELECT conname::text AS name, conrelid::text AS rel, contype::text AS type, conkey, confrelid::text AS ref, confkey,
      confupdtype::text AS upd, confdeltype::text AS del, conindid::text AS idx, conbin AS expr
    FROM pg_constraint WHERE contype IN ('p', 'u', 'f', 'c', 'n') ORDER BY conname`);
  const constraintIndexes = new Set<string>();
  for (const c of cons) {
    const t = tables.get(String(c['rel']));
    if (t === undefined) continue;
    const colNames = (rel: DumpTable, nums: number[]) => nums.map((n) => columnAt(rel, n)!.name);
    const type = String(c['type']);
    if (type === 'n') {
      // A NOT NULL constraint: its name is written only when it is not the one a load would give.
      const column = columnAt(t, intList(c['conkey'])[0]!);
      if (column !== undefined && String(c['name']) !== `${splitDumpName(t.name).name}_${column.name}_not_null`) column.notNullName = String(c['name']);
    } else if (type === 'c') t.checks.push({ name: String(c['name']), expr: String(c['expr']) });
    else if (type === 'p' || type === 'u') {
      constraintIndexes.add(String(c['idx']));
      t.constraints.push(keyConstraintSql(t.name, String(c['name']), type === 'p', colNames(t, intList(c['conkey']))));
    } else {
      const ref = tables.get(String(c['ref']));
      if (ref === undefined) throw new PgError(SQLSTATE.undefined_table, `relation with OID ${String(c['ref'])} does not exist`);
      const fk: ConstraintSql = foreignKeyConstraintSql(
        t.name, String(c['name']), colNames(t, intList(c['conkey'])), ref.name, colNames(ref, intList(c['confkey'])), c['upd'] as FkAction, c['del'] as FkAction,
      );
      t.constraints.push(fk);
    }
  }

  const idx = await q(`SELECT i.indexrelid::text AS oid, n.nspname::text AS ns, c.relname::text AS name, i.indrelid::text AS rel, pg_get_indexdef(i.indexrelid) AS def
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace`);
  // The dumped indexes by oid, for their comments.
  const indexes = new Map<string, DumpTable['indexes'][number]>();
  for (const i of idx) {
    const t = tables.get(String(i['rel']));
    if (t === undefined || constraintIndexes.has(String(i['oid']))) continue;
    const entry = { name: dumpName(String(i['ns']), String(i['name'])), sql: `${String(i['def'])};\n` };
    t.indexes.push(entry);
    indexes.set(String(i['oid']), entry);
  }

  // COMMENT ON TABLE / COLUMN (objsubid 0 is the table's own) / INDEX.
  const comments = await q(`SELECT objoid::text AS rel, objsubid AS col, description FROM pg_description
    WHERE classoid = 'pg_class'::regclass`);
  for (const d of comments) {
    const index = indexes.get(String(d['rel']));
    if (index !== undefined) index.comment = String(d['description']);
    const t = tables.get(String(d['rel']));
    if (t === undefined) continue;
    const col = Number(d['col']);
    if (col === 0) t.comment = String(d['description']);
    else {
      const column = columnAt(t, col);
      if (column !== undefined) column.comment = String(d['description']);
    }
  }

  const seqs = await q(`SELECT n.nspname::text AS ns, c.relname::text AS name, format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start,
      s.seqincrement::text AS inc, s.seqmax::text AS max, s.seqmin::text AS min, s.seqcache::text AS cache, s.seqcycle AS cycle
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace`);
  const sequences: DumpSequence[] = [];
  for (const s of seqs) {
    const name = dumpName(String(s['ns']), String(s['name']));
    const state = (await q(`SELECT last_value::text AS last, is_called AS called FROM ${qualifiedName(name)}`))[0]!;
    const type = SEQUENCE_TYPE_BY_NAME.get(String(s['type']));
    if (type === undefined) throw new PgError(SQLSTATE.feature_not_supported, `sequence type ${String(s['type'])} is not supported`);
    const o = owner.get(name);
    sequences.push({
      def: {
        name, type, start: BigInt(String(s['start'])), increment: BigInt(String(s['inc'])), min: BigInt(String(s['min'])), max: BigInt(String(s['max'])),
        cache: BigInt(String(s['cache'])), cycle: s['cycle'] === true, ownedBy: o === undefined ? null : { table: o.table, column: o.column },
      },
      last: BigInt(String(state['last'])),
      called: state['called'] === true,
    });
  }
  // Views in oid order (creation order), each with its column names and definition.
  const views: DumpView[] = [];
  const viewRels = await q(`SELECT c.oid::text AS oid, n.nspname::text AS ns, c.relname::text AS name, pg_get_viewdef(c.oid) AS def FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMA_SQL} AND c.relkind = 'v' ORDER BY c.oid`);
  for (const v of viewRels) {
    const columns = cols.filter((c) => String(c['rel']) === String(v['oid'])).map((c) => String(c['name']));
    views.push({ name: dumpName(String(v['ns']), String(v['name'])), columns, query: String(v['def']).trim().replace(/;$/, '') });
  }
  const typeRows = await q(`SELECT t.typname::text AS name, e.enumlabel::text AS label, obj_description(t.oid, 'pg_type') AS comment
    FROM pg_type t LEFT JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE t.typtype = 'e' AND t.typnamespace = 'public'::regnamespace ORDER BY t.typname, e.enumsortorder`);
  const types = new Map<string, DumpEnumType>();
  for (const r of typeRows) {
    const name = String(r['name']);
    let ty = types.get(name);
    if (ty === undefined) {
      ty = { name, labels: [], ...(r['comment'] !== null ? { comment: String(r['comment']) } : {}) };
      types.set(name, ty);
    }
    if (r['label'] !== null) ty.labels.push(String(r['label']));
  }
  return { schemas, tables: [...tables.values()], sequences, views, types: [...types.values()] };
}

/**
 * The sequence (its dump name) of a `nextval('seq'::regclass)` default (a serial column's), or
 * null for another default. regclassout names a sequence of a schema the search path does not
 * show with its schema (`'app.s'::regclass`).
 */
function serialSequence(dflt: string): string | null {
  const m = /^nextval\('((?:[^']|'')+)'::regclass\)$/.exec(dflt);
  if (m === null) return null;
  const parts = splitIdentifierString(m[1]!.replace(/''/g, "'"), '.');
  if (parts === null) return null;
  return parts.length === 2 ? dumpName(parts[0]!, parts[1]!) : parts.length === 1 ? parts[0]! : null;
}

/**
 * Writes table `t`'s rows, read with `COPY s.t (...) TO STDOUT`: the COPY text lines as
 * they come (the directory dump writes the same encoding), or each line as an INSERT. Returns
 * the row count.
 */
async function copyTable(client: pg.Client, t: DumpTable, inserts: boolean, out: (chunk: string) => void): Promise<number> {
  // Generated columns are left out, as pg_dump leaves them (the load computes them).
  const copied = t.columns.filter((c) => c.generated !== true);
  const names = copied.map((c) => c.name);
  const list = copyColumnListSql(names);
  if (!inserts) out(copyHeaderSql(t.name, names));
  const prefix = insertPrefixSql(t.name, t.columns.some((c) => c.identity === 'a'));
  const stream = client.query(copyStreams.to(`COPY ${qualifiedName(t.name)} ${list} TO STDOUT`));
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let rows = 0;
  const emit = (text: string) => {
    const all = pending + text;
    const end = all.lastIndexOf('\n');
    if (end < 0) {
      pending = all;
      return;
    }
    pending = all.slice(end + 1);
    const lines = all.slice(0, end).split('\n');
    rows += lines.length;
    if (!inserts) {
      out(all.slice(0, end + 1));
      return;
    }
    out(lines.map((line) => {
      const fields = copied.length === 0 ? [] : line.split('\t');
      let k = 0;
      return insertRowSql(t.name, prefix, t.columns.map((c) => (c.generated === true ? 'DEFAULT' : insertLiteral(copyTextFieldParse(fields[k]!), copied[k++]!.type))));
    }).join('\n') + '\n');
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) emit(decoder.write(chunk));
  emit(decoder.end());
  if (pending !== '') throw new PgError(SQLSTATE.protocol_violation, `COPY data of table "${t.name}" ended inside a row`);
  if (!inserts) out(`${COPY_TEXT_END}\n`);
  return rows;
}
