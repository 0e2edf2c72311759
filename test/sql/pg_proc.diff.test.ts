/**
 * pg_proc against PostgreSQL + pgvector (PGlite): pgvector's 118 functions whole (every column,
 * with the reg* and pg_node_tree columns as text), PostgreSQL's rows for functions vecgres
 * implements, pg_get_function_result / pg_get_function_arguments /
 * pg_get_function_identity_arguments / pg_get_function_sqlbody / pg_function_is_visible (NULL
 * for an oid naming no function), function comments in pg_description and obj_description,
 * and regtype input of the pseudo-types pg_proc's columns name; pgvector's pg_operator rows
 * and pg_operator_is_visible. pg_proc lists PostgreSQL's
 * functions only for the names vecgres implements (regproc.ts), so pg_catalog-wide counts are
 * not compared.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { checkAll } = await openSqlPair();

/** Every column, those whose types vecgres shows otherwise printed as PostgreSQL prints them. */
const COLUMNS = `oid, proname, pronamespace, proowner, prolang, procost, prorows, provariadic, prosupport::text, prokind,
  prosecdef, proleakproof, proisstrict, proretset, provolatile, proparallel, pronargs, pronargdefaults, prorettype,
  proargtypes::text, proallargtypes::text, proargmodes::text, proargnames, pg_get_expr(proargdefaults, 0) AS argdefaults,
  protrftypes::text, prosrc, probin, proconfig, proacl::text`;

test("pgvector's functions in pg_proc, whole", async () => {
  await checkAll('pgvector functions', [
    `SELECT ${COLUMNS} FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY oid`,
    `SELECT prokind, count(*) FROM pg_proc WHERE pronamespace = 2200 GROUP BY 1 ORDER BY 1`,
    `SELECT p.oid, pg_get_function_result(p.oid), pg_get_function_arguments(p.oid), pg_get_function_identity_arguments(p.oid),
       pg_function_is_visible(p.oid), obj_description(p.oid, 'pg_proc') FROM pg_proc p WHERE p.pronamespace = 2200 ORDER BY 1`,
    `SELECT proname, count(*) FROM pg_proc WHERE pronamespace = 2200 GROUP BY 1 HAVING count(*) > 2 ORDER BY 1`,
  ]);
});

test("PostgreSQL's rows and the pg_get_function_* functions", async () => {
  const names = `'lower', 'lpad', 'jsonb_set', 'now', 'array_agg', 'make_interval', 'generate_series', 'sum', 'upper', 'concat',
    'format', 'has_table_privilege', 'jsonb_each', 'unnest', 'json_to_recordset', 'pg_get_serial_sequence', 'current_setting',
    'set_config', 'percentile_cont', 'row_number', 'string_agg', 'round'`;
  await checkAll('pg_catalog functions', [
    `SELECT ${COLUMNS} FROM pg_proc WHERE proname IN (${names}) ORDER BY oid`,
    `SELECT oid, pg_get_function_result(oid), pg_get_function_arguments(oid), pg_get_function_identity_arguments(oid),
       pg_get_function_sqlbody(oid), pg_function_is_visible(oid) FROM pg_proc WHERE proname IN (${names}) ORDER BY oid`,
    `SELECT p.proname, d.description FROM pg_proc p JOIN pg_description d ON d.objoid = p.oid AND d.classoid = 'pg_proc'::regclass
       WHERE p.proname IN ('upper', 'l2_distance', 'vector_dims') ORDER BY 1, 2`,
    `SELECT obj_description('lower(text)'::regprocedure, 'pg_proc'), obj_description('l2_distance(vector,vector)'::regprocedure, 'pg_proc') AS a`,
    `SELECT pg_get_function_result(1), pg_get_function_arguments(1) AS a, pg_get_function_identity_arguments(NULL) AS b,
       pg_function_is_visible(1) AS c, pg_get_function_sqlbody(1) AS d`,
    `SELECT proname, pronargs FROM pg_proc WHERE prorettype = 'trigger'::regtype AND proname IN (${names})`,
    `SELECT 'trigger'::regtype, 'pg_catalog.trigger'::regtype::oid, 'internal'::regtype::oid AS a, 'cstring'::regtype AS b,
       'void'::regtype AS c, 'anyelement'::regtype AS d, 'record'::regtype AS e, 'int2vector'::regtype::oid AS f, '"any"'::regtype::oid AS g,
       'index_am_handler'::regtype AS h, 'anycompatiblearray'::regtype::oid AS i`,
    `SELECT 'trigger[]'::regtype`,
    `SELECT 'public.trigger'::regtype`,
  ]);
});

test("pgvector's operators in pg_operator", async () => {
  await checkAll('pg_operator', [
    // oprrest and oprjoin print as PostgreSQL prints them (vecgres shows them as text).
    `SELECT oid, oprname, oprnamespace, oprowner, oprkind, oprcanmerge, oprcanhash, oprleft, oprright, oprresult, oprcom, oprnegate,
       oprcode, oprrest::text, oprjoin::text FROM pg_operator WHERE oprnamespace = 2200 ORDER BY oid`,
    `SELECT o.oprname, format_type(o.oprleft, NULL), format_type(o.oprright, NULL), format_type(o.oprresult, NULL),
       coalesce(obj_description(o.oid, 'pg_operator'), obj_description(o.oprcode, 'pg_proc')), pg_operator_is_visible(o.oid)
       FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE n.nspname = 'public' ORDER BY 1, 2, 3`,
    `SELECT oprcode, oprcode::oid = 'l2_distance(vector,vector)'::regprocedure FROM pg_operator WHERE oid = 16432`,
    `SELECT pg_operator_is_visible(1), pg_operator_is_visible(NULL) AS a`,
    `SELECT d.description FROM pg_description d WHERE d.classoid = 'pg_operator'::regclass AND d.objoid IN (SELECT oid FROM pg_operator WHERE oprnamespace = 2200) ORDER BY 1`,
  ]);
});
