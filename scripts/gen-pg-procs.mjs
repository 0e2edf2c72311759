// Generates src/sql/analyze/pg_procs.ts: the pg_proc rows (oid, schema, name, argument types)
// of the functions vecgres implements, as PostgreSQL 18 + pgvector 0.8.7 (PGlite) numbers
// them, for regproc / regprocedure input and output. Run after a build:
//   node scripts/gen-pg-procs.mjs
// A name is kept when vecgres implements a function of that name (some call of it, with NULL
// arguments untyped or of an overload's types, is not 0A000), with every overload PostgreSQL has, so that regprocin's
// "more than one function named" decisions are PostgreSQL's; pgvector's functions are all kept.
// The script checks that the output texts pg_procs.ts derives (regprocout, regprocedureout)
// are the ones PostgreSQL prints, and fails otherwise.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';

const root = join(import.meta.dirname, '..');
const { Vecgres } = await import(join(root, 'dist', 'src', 'index.js'));

const pg = await PGlite.create({ extensions: { vector } });
await pg.exec('CREATE EXTENSION vector');
const { rows } = await pg.query(`
  SELECT p.oid::int8 AS oid, n.nspname AS nsp, p.proname AS name, array_to_string(p.proargtypes::oid[], ',') AS args,
         p.oid::regproc::text AS rp, p.oid::regprocedure::text AS rpd,
         ARRAY(SELECT CASE WHEN t.typtype = 'p' THEN NULL ELSE format_type(t.oid, NULL) END
               FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a(o, i) JOIN pg_type t ON t.oid = a.o ORDER BY i) AS argtypes
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname IN ('pg_catalog', 'public') ORDER BY p.oid`);
// The rest of each row, for pg_proc and the pg_get_function_* functions: pg_node_tree columns
// as pg_get_expr prints them (vecgres keeps expressions as SQL text), reg* columns as text.
const details = new Map((await pg.query(`
  SELECT p.oid::int8 AS oid, p.prolang::int8 AS lang, p.procost::float8 AS cost, p.prorows::float8 AS rows,
         p.provariadic::int8 AS variadic, p.prosupport::text AS support, p.prokind AS kind, p.prosecdef AS secdef,
         p.proleakproof AS leakproof, p.proisstrict AS strict, p.proretset AS retset, p.provolatile AS volatile,
         p.proparallel AS parallel, p.pronargdefaults AS nargdefaults, p.prorettype::int8 AS rettype,
         p.proallargtypes::int8[] AS allargtypes, p.proargmodes::text[] AS argmodes, p.proargnames AS argnames,
         pg_get_expr(p.proargdefaults, 0) AS argdefaults, p.prosrc AS src, p.probin AS bin,
         CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) END AS sqlbody, p.proconfig AS config, p.proacl::text[] AS acl,
         pg_get_function_result(p.oid) AS result, pg_get_function_arguments(p.oid) AS arguments,
         pg_get_function_identity_arguments(p.oid) AS identity, obj_description(p.oid, 'pg_proc') AS comment
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname IN ('pg_catalog', 'public')`)).rows.map((r) => [Number(r.oid), r]));
await pg.close();

const db = await Vecgres.create();
await db.exec('CREATE EXTENSION vector');
const implemented = new Map();
for (const r of rows) {
  if (r.nsp === 'public' || implemented.has(r.name)) continue;
  // Calls with 0 to 3 NULL arguments, plain, as window functions and in FROM: one that succeeds or
  // fails other than as unsupported (0A000) shows vecgres has the name.
  const f = `"${r.name.replace(/"/g, '""')}"`;
  let ok = false;
  // Also each overload with its argument types (NULL::integer, ...; an untyped NULL for a
  // pseudo-type), which reaches functions that refuse only some argument types.
  const typed = rows.filter((o) => o.nsp === 'pg_catalog' && o.name === r.name).map((o) => o.argtypes.map((t) => (t === null ? 'NULL' : `NULL::${t}`)).join(', '));
  for (const args of ['', 'NULL', 'NULL, NULL', 'NULL, NULL, NULL']) {
    for (const sql of [`SELECT ${f}(${args})`, `SELECT ${f}(${args}) OVER ()`, `SELECT * FROM ${f}(${args})`]) {
      try {
        await db.query(sql);
        ok = true;
      } catch (e) {
        if (e.code !== '0A000') ok = true;
      }
    }
  }
  // A typed call counts only when it runs: its casts may name a type vecgres lacks (42704).
  for (const args of typed) {
    if (ok) break;
    try {
      await db.query(`SELECT ${f}(${args})`);
      ok = true;
    } catch {
      // Not this overload.
    }
  }
  implemented.set(r.name, ok);
}
await db.close();

const kept = rows.filter((r) => r.nsp === 'public' || implemented.get(r.name) === true);
const lines = [];
for (const r of kept) lines.push(`${r.oid} ${r.nsp === 'public' ? 'p' : 'c'} ${r.name} ${r.args} ${r.rpd}`);

// regprocout, as pg_procs' reader derives it, must be what PostgreSQL prints: the name as
// regprocedureout quotes it, qualified when another function has the same name.
const counts = new Map();
for (const r of kept) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
for (const r of kept) {
  const quoted = r.rpd.slice(0, r.rpd.length - r.rpd.replace(/^("(?:[^"]|"")*"|[^(]*)/, '').length);
  const rp = counts.get(r.name) === 1 ? quoted : `${r.nsp}.${quoted}`;
  if (rp !== r.rp) throw new Error(`regprocout of ${r.oid}: ${rp}, PostgreSQL ${r.rp}`);
}

// pg_proc's other columns, in its order after proname, pronamespace and proowner (prolang ..
// proacl), then the texts of pg_get_function_result, pg_get_function_arguments,
// pg_get_function_identity_arguments and the function's comment, keyed by oid.
const detailRows = {};
for (const r of kept) {
  const d = details.get(Number(r.oid));
  detailRows[r.oid] = [
    d.lang, d.cost, d.rows, d.variadic, d.support, d.kind, d.secdef, d.leakproof, d.strict, d.retset, d.volatile, d.parallel,
    d.nargdefaults, d.rettype, d.allargtypes?.map(Number) ?? null, d.argmodes, d.argnames, d.argdefaults, d.src, d.bin,
    d.sqlbody, d.config, d.acl, d.result, d.arguments, d.identity, d.comment,
  ];
}

const text = `/**
 * pg_proc rows of PostgreSQL 18 + pgvector 0.8.7 (pgvector's oids as a fresh PGlite assigns
 * them at CREATE EXTENSION) for the function names vecgres implements, every overload of each,
 * and all of pgvector's: generated by scripts/gen-pg-procs.mjs from PGlite's catalog
 * (${kept.length} of ${rows.length} rows). regproc / regprocedure read and print functions with it.
 *
 * One row a line, fields separated by one space: oid, schema (c pg_catalog, p public), name,
 * argument type oids (comma-separated; empty for none) and the text regprocedureout prints
 * (which may hold spaces, as in sum(double precision)); regprocout prints its name part,
 * qualified with the schema when another row has the same name.
 */
export const PG_PROC_ROWS = \`
${lines.join('\n')}
\`;

/**
 * The rest of each row of {@link PG_PROC_ROWS}, by oid, as JSON: pg_proc's columns prolang,
 * procost, prorows, provariadic, prosupport (its regproc text), prokind, prosecdef, proleakproof,
 * proisstrict, proretset, provolatile, proparallel, pronargdefaults, prorettype, proallargtypes,
 * proargmodes, proargnames, proargdefaults (as pg_get_expr prints it), prosrc, probin,
 * prosqlbody (as pg_get_function_sqlbody prints it), proconfig, proacl; then what
 * pg_get_function_result, pg_get_function_arguments and pg_get_function_identity_arguments
 * print, and the function's comment (pg_description).
 */
export const PG_PROC_DETAILS = ${JSON.stringify(JSON.stringify(detailRows))};
`;
writeFileSync(join(root, 'src', 'sql', 'analyze', 'pg_procs.ts'), text);
console.log(`${kept.length} of ${rows.length} functions`);
