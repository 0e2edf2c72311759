/**
 * Sequences against PGlite (PostgreSQL 18 + pgvector): CREATE / ALTER / DROP SEQUENCE with
 * every option and their errors, nextval / currval / setval / lastval, `SELECT * FROM seq`
 * (last_value, log_cnt, is_called), serial and identity columns backed by sequences,
 * pg_get_serial_sequence, nextval surviving ROLLBACK while CREATE SEQUENCE does not, and the
 * statements pg_dump writes for sequences. Each statement runs on both and its rows or error
 * (SQLSTATE, message, position, detail, hint) must be the same; expected values come from
 * PGlite at test time.
 *
 * The random walk over nextval / setval / ALTER runs a fixed budget; VECGRES_SEQ_STEPS=<n>
 * runs more, VECGRES_SEED=<s> replays a run.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Rng } from '../support/random_query/rng.js';

const { check, both } = await openSqlPair();

const RELATIONS = ['t', 'u', 'w'];
const SEQUENCES = ['s', 's2', 'r', 'small', 'down', 'cyc', 'big', 'Mixed', 'ticket_seq', 'w_id_seq'];

async function reset(): Promise<void> {
  await both(`DROP TABLE IF EXISTS ${RELATIONS.join(', ')} CASCADE`);
  await both(`DROP SEQUENCE IF EXISTS ${SEQUENCES.map((s) => `"${s}"`).join(', ')} CASCADE`);
}

async function runScript(stmts: readonly string[], mismatches: string[], label: string): Promise<void> {
  await reset();
  const before = mismatches.length;
  for (const sql of stmts) await check(sql, mismatches);
  await check('ROLLBACK', mismatches);
  for (let i = before; i < mismatches.length; i++) mismatches[i] = `[${label}] ${mismatches[i]}`;
}

const SCRIPTS: [string, string[]][] = [
  ['basics', [
    'CREATE SEQUENCE s',
    'SELECT * FROM s',
    "SELECT currval('s')",
    'SELECT lastval()',
    "SELECT nextval('s')",
    "SELECT nextval('s'), currval('s'), lastval()",
    'SELECT * FROM s',
    "SELECT nextval('public.s'), nextval('s'::regclass), nextval('S')",
    'SELECT last_value, is_called FROM s',
    "SELECT setval('s', 42)",
    "SELECT currval('s'), lastval(), nextval('s')",
    "SELECT setval('s', 7, false), currval('s')",
    "SELECT nextval('s'), nextval('s')",
    'SELECT * FROM s',
    "SELECT setval('s', 0)",
    "SELECT setval('s', NULL)",
    "SELECT setval('s', 5, NULL)",
    "SELECT nextval(NULL::text)",
    "SELECT nextval('nosuch')",
    "SELECT currval('nosuch')",
    "SELECT nextval('public.nosuch')",
    'CREATE SEQUENCE s',
    'CREATE SEQUENCE IF NOT EXISTS s',
    "SELECT nextval('s')",
    'CREATE SEQUENCE "Mixed" START 3',
    "SELECT nextval('\"Mixed\"'), nextval('Mixed')",
    'SELECT * FROM "Mixed"',
    'SELECT s.last_value, m.is_called FROM s, "Mixed" m',
  ]],
  ['options', [
    'CREATE SEQUENCE s AS smallint INCREMENT BY 1000 START WITH 30000',
    "SELECT nextval('s'), nextval('s'), nextval('s')",
    "SELECT nextval('s')",
    'CREATE SEQUENCE down INCREMENT -3',
    "SELECT nextval('down'), nextval('down'), nextval('down')",
    'SELECT * FROM down',
    'CREATE SEQUENCE cyc MINVALUE 1 MAXVALUE 3 CYCLE',
    "SELECT nextval('cyc'), nextval('cyc'), nextval('cyc'), nextval('cyc'), nextval('cyc')",
    'SELECT * FROM cyc',
    'CREATE SEQUENCE r INCREMENT 2 MINVALUE 10 MAXVALUE 15 NO CYCLE',
    "SELECT nextval('r'), nextval('r'), nextval('r')",
    "SELECT nextval('r')",
    'SELECT * FROM r',
    'CREATE SEQUENCE big START 9223372036854775806',
    "SELECT nextval('big'), nextval('big')",
    "SELECT nextval('big')",
    'CREATE SEQUENCE small AS integer MAXVALUE 2147483647 CACHE 1',
    'CREATE SEQUENCE s2 INCREMENT 0',
    'CREATE SEQUENCE s2 AS smallint MAXVALUE 40000',
    'CREATE SEQUENCE s2 AS smallint MINVALUE -40000',
    'CREATE SEQUENCE s2 MINVALUE 5 MAXVALUE 5',
    'CREATE SEQUENCE s2 START 0',
    'CREATE SEQUENCE s2 MAXVALUE 10 START 11',
    'CREATE SEQUENCE s2 CACHE 0',
    'CREATE SEQUENCE s2 AS text',
    'CREATE SEQUENCE s2 AS numeric',
    'CREATE SEQUENCE s2 START 1 START 2',
    'CREATE SEQUENCE s2 INCREMENT -1 MINVALUE -5 MAXVALUE -1',
    "SELECT nextval('s2'), nextval('s2')",
    'SELECT * FROM s2',
    'CREATE SEQUENCE nosuch.s3',
    "SELECT schemaname::text, sequencename::text, sequenceowner::text, data_type::text, start_value, min_value, max_value, increment_by, cycle, cache_size, last_value FROM pg_sequences ORDER BY 2",
  ]],
  ['alter', [
    'CREATE SEQUENCE s START 5',
    "SELECT nextval('s'), nextval('s')",
    'ALTER SEQUENCE s RESTART',
    'SELECT * FROM s',
    "SELECT nextval('s')",
    'ALTER SEQUENCE s RESTART WITH 100 INCREMENT BY 10',
    "SELECT nextval('s'), nextval('s')",
    'ALTER SEQUENCE s MAXVALUE 50',
    'ALTER SEQUENCE s MAXVALUE 200',
    "SELECT nextval('s')",
    'ALTER SEQUENCE s START 300',
    'ALTER SEQUENCE s MINVALUE 150',
    'ALTER SEQUENCE s NO MAXVALUE CYCLE',
    'ALTER SEQUENCE s AS smallint',
    "SELECT nextval('s')",
    'ALTER SEQUENCE s RESTART WITH 0',
    'ALTER SEQUENCE nosuch RESTART',
    'ALTER SEQUENCE IF EXISTS nosuch RESTART',
    'ALTER SEQUENCE s RENAME TO s2',
    "SELECT nextval('s')",
    "SELECT nextval('s2')",
    'SELECT * FROM s2',
    'CREATE TABLE t (id int)',
    'ALTER SEQUENCE s2 RENAME TO t',
    'ALTER SEQUENCE t RESTART',
    'ALTER SEQUENCE s2 OWNED BY t.id',
    'ALTER SEQUENCE s2 OWNED BY t.nosuch',
    'ALTER SEQUENCE s2 OWNED BY nosuch.id',
    'ALTER SEQUENCE s2 OWNED BY t',
    "SELECT pg_get_serial_sequence('t', 'id')",
    'DROP TABLE t',
    "SELECT nextval('s2')",
  ]],
  ['drop', [
    'CREATE SEQUENCE s',
    'DROP SEQUENCE s',
    "SELECT nextval('s')",
    'DROP SEQUENCE s',
    'DROP SEQUENCE IF EXISTS s',
    'CREATE SEQUENCE s',
    'CREATE SEQUENCE s2',
    'DROP SEQUENCE s, nosuch',
    "SELECT nextval('s')",
    'DROP SEQUENCE s, s2',
    'CREATE TABLE t (id int)',
    'DROP SEQUENCE t',
    'CREATE SEQUENCE s',
    "CREATE TABLE u (id int DEFAULT nextval('s'), v text)",
    'DROP SEQUENCE s',
    "INSERT INTO u (v) VALUES ('a'), ('b') RETURNING *",
    'DROP SEQUENCE s CASCADE',
    "INSERT INTO u (v) VALUES ('c') RETURNING *",
    "SELECT nextval('s')",
    "CREATE TABLE w (id int DEFAULT nextval('nosuch'), v text)",
    "CREATE TABLE w (id int DEFAULT nextval('s2'::regclass), v text)",
    'CREATE SEQUENCE s2 START 40',
    "CREATE TABLE w (id int DEFAULT nextval('s2'::regclass), b bigint DEFAULT nextval('public.s2'), v text)",
    "INSERT INTO w (v) VALUES ('a') RETURNING *",
    'ALTER SEQUENCE s2 RENAME TO r',
    "INSERT INTO w (v) VALUES ('b') RETURNING *",
    "ALTER TABLE w ALTER COLUMN v SET DEFAULT nextval('r')",
    "INSERT INTO w (id) VALUES (1) RETURNING *",
    'DROP SEQUENCE r',
    "ALTER TABLE w ALTER COLUMN id SET DEFAULT nextval('nosuch'::regclass)",
  ]],
  ['serial and identity', [
    'CREATE TABLE t (id serial PRIMARY KEY, v text)',
    "INSERT INTO t (v) VALUES ('a'), ('b') RETURNING id",
    "SELECT currval('t_id_seq'), lastval()",
    'SELECT * FROM t_id_seq',
    "SELECT pg_get_serial_sequence('t', 'id'), pg_get_serial_sequence('t', 'v'), pg_get_serial_sequence('public.t', 'id')",
    "SELECT pg_get_serial_sequence('t', 'nosuch')",
    "SELECT pg_get_serial_sequence('nosuch', 'id')",
    "SELECT setval('t_id_seq', 10)",
    "INSERT INTO t (v) VALUES ('c') RETURNING id",
    "SELECT nextval('t_id_seq')",
    'DROP SEQUENCE t_id_seq',
    'CREATE TABLE u (k bigint GENERATED ALWAYS AS IDENTITY, v text)',
    "INSERT INTO u (v) VALUES ('x') RETURNING k",
    "SELECT pg_get_serial_sequence('u', 'k'), currval('u_k_seq')",
    'SELECT * FROM u_k_seq',
    // pg_sequence and the ownership rows of pg_depend (psql's \\d sequence and pg_dump read them).
    "CREATE SEQUENCE o AS smallint INCREMENT -2 MINVALUE -50 MAXVALUE 7 START 3 CACHE 4 CYCLE OWNED BY u.v",
    `SELECT c.relname::text, format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, q.seqmax, q.seqmin, q.seqcache, q.seqcycle
       FROM pg_sequence q JOIN pg_class c ON c.oid = q.seqrelid ORDER BY 1`,
    `SELECT s.relname::text, t.relname::text, a.attname::text, d.deptype::text, d.objsubid, d.classid = 'pg_class'::regclass, d.refclassid = 'pg_class'::regclass
       FROM pg_depend d JOIN pg_class s ON s.oid = d.objid JOIN pg_class t ON t.oid = d.refobjid
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid WHERE s.relkind = 'S' ORDER BY 1`,
    'DROP SEQUENCE o',
    'DROP SEQUENCE u_k_seq',
    'DROP TABLE t',
    "SELECT nextval('t_id_seq')",
    'CREATE TABLE t (id bigserial, v text)',
    "SELECT nextval('t_id_seq')",
    'ALTER TABLE t RENAME TO w',
    "SELECT pg_get_serial_sequence('w', 'id')",
    "INSERT INTO w (v) VALUES ('y') RETURNING id",
    'DROP TABLE w',
    "SELECT nextval('t_id_seq')",
  ]],
  ['transactions', [
    'CREATE SEQUENCE s',
    'BEGIN',
    "SELECT nextval('s')",
    'ROLLBACK',
    "SELECT nextval('s')",
    'BEGIN',
    'CREATE SEQUENCE s2',
    "SELECT nextval('s2')",
    'ROLLBACK',
    "SELECT nextval('s2')",
    "SELECT currval('s2')",
    'BEGIN',
    'DROP SEQUENCE s',
    'ROLLBACK',
    "SELECT nextval('s')",
    'BEGIN',
    'ALTER SEQUENCE s RESTART WITH 50',
    "SELECT nextval('s')",
    'ROLLBACK',
    "SELECT nextval('s')",
    'BEGIN',
    "SELECT setval('s', 500)",
    'ROLLBACK',
    "SELECT nextval('s')",
    'BEGIN',
    'SAVEPOINT a',
    'CREATE SEQUENCE s2 START 9',
    "SELECT nextval('s2')",
    'ROLLBACK TO SAVEPOINT a',
    "SELECT nextval('s2')",
    'ROLLBACK',
  ]],
  ['pg_dump statements', [
    'CREATE TABLE t (id integer NOT NULL, v text)',
    'CREATE SEQUENCE public.w_id_seq\n    AS integer\n    START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1',
    'ALTER TABLE public.w_id_seq OWNER TO postgres',
    'ALTER SEQUENCE public.w_id_seq OWNED BY public.t.id',
    "ALTER TABLE ONLY public.t ALTER COLUMN id SET DEFAULT nextval('public.w_id_seq'::regclass)",
    "INSERT INTO t (v) VALUES ('a') RETURNING *",
    "SELECT pg_catalog.setval('public.w_id_seq', 40, true)",
    "INSERT INTO t (v) VALUES ('b') RETURNING *",
    "SELECT pg_get_serial_sequence('t', 'id')",
    'CREATE SEQUENCE public.ticket_seq\n    START WITH 100\n    INCREMENT BY 5\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1',
    "SELECT pg_catalog.setval('public.ticket_seq', 105, true)",
    "SELECT nextval('ticket_seq')",
    'DROP TABLE t',
    "SELECT nextval('w_id_seq')",
  ]],
  // A rename is a catalog change: rolling it back does not take back nextval calls made since
  // (an ALTER of the sequence's options does).
  ['rename rolled back', [
    'CREATE SEQUENCE s',
    "SELECT nextval('s')",
    'BEGIN',
    'ALTER SEQUENCE s RENAME TO r',
    "SELECT nextval('r'), nextval('r')",
    'ROLLBACK',
    "SELECT nextval('s')",
    'BEGIN',
    'ALTER SEQUENCE s RENAME TO r',
    'SAVEPOINT p',
    "SELECT nextval('r')",
    'ROLLBACK TO SAVEPOINT p',
    "SELECT nextval('r')",
    'COMMIT',
    'SELECT last_value, is_called FROM r',
  ]],
  // TRUNCATE ... RESTART IDENTITY restarts the sequences the truncated tables own (serial,
  // identity, OWNED BY; those of tables CASCADE reaches too), and a ROLLBACK gives their values
  // back; a sequence a default merely uses keeps counting.
  ['truncate restart identity', [
    'CREATE SEQUENCE s',
    "CREATE TABLE t (id serial, b bigint GENERATED BY DEFAULT AS IDENTITY (START 5 INCREMENT 2), c int DEFAULT nextval('s'))",
    'CREATE TABLE u (x int PRIMARY KEY, y serial)',
    'CREATE TABLE w (id serial, x int REFERENCES u)',
    'CREATE SEQUENCE r OWNED BY u.x',
    "SELECT nextval('r')",
    'INSERT INTO u (x) VALUES (1), (2)',
    'INSERT INTO w (x) VALUES (1), (2)',
    'INSERT INTO t DEFAULT VALUES',
    'INSERT INTO t DEFAULT VALUES',
    'TRUNCATE t RESTART IDENTITY',
    'INSERT INTO t DEFAULT VALUES RETURNING *',
    'TRUNCATE t CONTINUE IDENTITY',
    'INSERT INTO t DEFAULT VALUES RETURNING *',
    'TRUNCATE u RESTART IDENTITY',
    'BEGIN',
    'TRUNCATE u RESTART IDENTITY CASCADE',
    "SELECT nextval('w_id_seq'), nextval('u_y_seq'), nextval('r')",
    'ROLLBACK',
    "SELECT nextval('w_id_seq'), nextval('u_y_seq'), nextval('r')",
    'BEGIN',
    'SAVEPOINT p',
    'TRUNCATE TABLE u RESTART IDENTITY CASCADE',
    'ROLLBACK TO SAVEPOINT p',
    "SELECT nextval('w_id_seq'), nextval('u_y_seq')",
    'TRUNCATE u, w RESTART IDENTITY',
    'COMMIT',
    "SELECT currval('w_id_seq')",
    'SELECT last_value, log_cnt, is_called FROM w_id_seq',
    "SELECT nextval('w_id_seq'), nextval('u_y_seq'), nextval('r'), nextval('s')",
  ]],
];

test('sequences: statements as PostgreSQL', async () => {
  const mismatches: string[] = [];
  let total = 0;
  for (const [label, stmts] of SCRIPTS) {
    total += stmts.length;
    await runScript(stmts, mismatches, label);
  }
  reportMismatches('sequence statements', mismatches, total, SEED);
});

test('sequences: random walks of nextval, setval and ALTER SEQUENCE', async () => {
  const steps = Number(process.env['VECGRES_SEQ_STEPS'] ?? 150);
  const rng = new Rng(SEED);
  const mismatches: string[] = [];
  await reset();
  const options = (): string => {
    const parts: string[] = [];
    if (rng.int(0, 2) === 0) parts.push(`AS ${rng.pick(['smallint', 'integer', 'bigint'])}`);
    if (rng.int(0, 1) === 0) parts.push(`INCREMENT ${rng.pick([1, 2, -1, -7, 100, 3])}`);
    if (rng.int(0, 2) === 0) parts.push(rng.int(0, 1) === 0 ? 'NO MINVALUE' : `MINVALUE ${rng.int(0, 39) - 20}`);
    if (rng.int(0, 2) === 0) parts.push(rng.int(0, 1) === 0 ? 'NO MAXVALUE' : `MAXVALUE ${rng.int(0, 59) - 10}`);
    if (rng.int(0, 2) === 0) parts.push(`START ${rng.int(0, 59) - 20}`);
    if (rng.int(0, 3) === 0) parts.push(rng.int(0, 1) === 0 ? 'CYCLE' : 'NO CYCLE');
    return parts.join(' ');
  };
  await check(`CREATE SEQUENCE s ${options()}`, mismatches);
  for (let i = 0; i < steps; i++) {
    const r = rng.int(0, 9);
    let sql: string;
    if (r < 4) sql = "SELECT nextval('s')";
    else if (r === 4) sql = `SELECT setval('s', ${rng.int(0, 59) - 20}${rng.int(0, 1) === 0 ? `, ${rng.pick(['true', 'false'])}` : ''})`;
    else if (r === 5) sql = `ALTER SEQUENCE s ${options() || 'RESTART'}`;
    else if (r === 6) sql = `ALTER SEQUENCE s RESTART${rng.int(0, 1) === 0 ? ` WITH ${rng.int(0, 59) - 20}` : ''}`;
    else if (r === 7) sql = "SELECT currval('s'), lastval()";
    else if (r === 8) sql = 'SELECT last_value, is_called FROM s';
    else sql = `DROP SEQUENCE s; CREATE SEQUENCE s ${options()}`;
    if (sql.includes(';')) {
      for (const part of sql.split('; ')) await check(part, mismatches);
    } else await check(sql, mismatches);
  }
  reportMismatches('sequence random walk', mismatches, steps, SEED);
});
