/**
 * Differential tests of the expressions and functions applications write: CASE (both forms),
 * COALESCE, NULLIF, GREATEST / LEAST, LIKE / ILIKE / SIMILAR TO (with ESCAPE), regular expressions, the
 * string and math functions, bool_and / bool_or / every, and the session functions, against
 * PostgreSQL 18 + pgvector (PGlite): values as text, types, column names, and errors by
 * SQLSTATE, message and position. Also a seeded property test of LIKE, SIMILAR TO and of the regular
 * expression translation over random strings and patterns.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Rng } from '../support/random_query/rng.js';

const { check, both, db, oracle, ours, theirs } = await openSqlPair();

await both(`CREATE TABLE fs (id int PRIMARY KEY, a text, b varchar(10), c char(4), n int, f float8, m numeric, g bigint)`);
await both(`INSERT INTO fs VALUES (1, 'Hello World', 'abc', 'ab', 5, 2.5, 1.50, 10), (2, 'foo_bar%baz', 'XYZ', 'x', -3, -0.5, -2.25, -7),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL), (4, 'ÀÉîöü ß', 'Straße', 'ü', 0, 0, 0, 0), (5, 'a.b\\c', 'a_c', 'a%', 2, 1e300, 12345.678, 3)`);

async function run(label: string, qs: readonly string[]): Promise<void> {
  const mismatches: string[] = [];
  for (const q of qs) await check(q, mismatches);
  reportMismatches(label, mismatches, qs.length, SEED);
}

test('CASE, COALESCE, NULLIF, GREATEST, LEAST and IS DISTINCT FROM', async () => {
  await run('conditional expressions', [
    `SELECT id, CASE WHEN n > 0 THEN 'pos' WHEN n < 0 THEN 'neg' ELSE 'zero' END FROM fs ORDER BY id`,
    `SELECT id, CASE n WHEN 5 THEN 'five' WHEN -3 THEN 'minus three' END FROM fs ORDER BY id`,
    `SELECT id, CASE WHEN n > 0 THEN 1 ELSE 2.5 END, CASE WHEN n > 0 THEN n END, CASE b WHEN 'abc' THEN 1 WHEN 'XYZ' THEN 2 ELSE 0 END FROM fs ORDER BY id`,
    `SELECT id, CASE c WHEN 'ab' THEN 'two' WHEN 'x  ' THEN 'padded' END, CASE g WHEN 10 THEN 'ten' END, CASE m WHEN 1.5 THEN 'm' END FROM fs ORDER BY id`,
    `SELECT CASE WHEN true THEN 1 ELSE 'a'::text END`,
    `SELECT CASE WHEN 1 THEN 1 END`,
    `SELECT CASE 1 WHEN 'a' THEN 1 END`,
    `SELECT CASE 'a' WHEN 'a' THEN 'x' END, CASE WHEN false THEN 1 END, CASE WHEN null THEN 1 ELSE 2 END`,
    `SELECT CASE WHEN n > 0 THEN 1 ELSE 0 END AS s, count(*) FROM fs GROUP BY 1 ORDER BY 1`,
    `SELECT id FROM fs WHERE CASE WHEN n IS NULL THEN true ELSE n > 2 END ORDER BY CASE WHEN id > 2 THEN -id ELSE id END`,
    `SELECT CASE WHEN n > 0 THEN 1 ELSE 1 / n END FROM fs WHERE id = 1`,
    `SELECT (CASE WHEN true THEN 1 END)::text, CASE WHEN true THEN 1 END, CASE WHEN true THEN 'a' ELSE NULL END::varchar`,
    `SELECT id, coalesce(a, b, 'none'), coalesce(n, f), coalesce(m, 0), coalesce(n, 1.5), coalesce(c, 'zz') FROM fs ORDER BY id`,
    `SELECT coalesce(1, 'a'::text)`,
    `SELECT coalesce(NULL, NULL), coalesce('a', NULL)`,
    `SELECT id, nullif(n, 5), nullif(a, 'Hello World'), nullif(n, 5.0), nullif(1, 2::int8), nullif(g, 10) FROM fs ORDER BY id`,
    `SELECT nullif('a', 'a'), nullif(NULL, 1), nullif(1, 1.5) + 0.25, nullif(2.5::float8, 2)`,
    `SELECT nullif(1, 'a'::text)`,
    `SELECT greatest(1, 2, 3), least(1, 2.5, 3), greatest('a', 'b'), greatest(NULL, 1), least(NULL::int, NULL)`,
    `SELECT greatest(1, 'a'::text)`,
    `SELECT id, greatest(n, f), least(a, b), greatest(m, n, g) FROM fs ORDER BY id`,
    `SELECT 1 IS DISTINCT FROM 1, 1 IS DISTINCT FROM NULL, NULL IS DISTINCT FROM NULL, 1 IS NOT DISTINCT FROM 1.0, NULL IS NOT DISTINCT FROM NULL, '[1,2]'::vector IS DISTINCT FROM '[1,2]'`,
    `SELECT x IS DISTINCT FROM y, x IS NOT DISTINCT FROM y FROM (VALUES (1, NULL), (NULL, NULL), (2, 2), (2, 3)) t(x, y)`,
    `SELECT 1 IS DISTINCT FROM 'a'::text`,
    `SELECT 'a'::char(3) IS DISTINCT FROM 'a', 'a'::varchar IS DISTINCT FROM 'a'::text, '[1,2]'::vector IS DISTINCT FROM '[1,2]'::halfvec`,
    `SELECT id FROM fs WHERE n IS DISTINCT FROM 5 ORDER BY id`,
  ]);
});

test('LIKE, ILIKE and regular expressions', async () => {
  await run('pattern matching', [
    `SELECT id, a LIKE '%o%', a NOT LIKE 'H%', a ILIKE 'hello%', a NOT ILIKE '%BAZ', a LIKE 'foo\\_bar\\%baz', a LIKE 'foo!_bar%' ESCAPE '!', b LIKE 'a_c' FROM fs ORDER BY id`,
    `SELECT id FROM fs WHERE a LIKE '%a%' OR b ILIKE 's%' ORDER BY id`,
    `SELECT 'abc' LIKE 'a\\'`,
    `SELECT 'abc' LIKE 'abc' ESCAPE 'xy'`,
    `SELECT 1 LIKE 'a'`,
    `SELECT 'a%c' LIKE 'a%c' ESCAPE '', 'a%c' LIKE 'a\\%c', 'AbC' ILIKE 'a_c', '' LIKE '%', '' LIKE '_', 'abc' LIKE '%%c', 'abc' LIKE '_%_%_', 'ab' LIKE '_%_%_'`,
    `SELECT 'x'::char(3) LIKE 'x', 'x'::char(3) LIKE 'x  ', 'x'::varchar(3) ~ 'x', 'x'::char(3) ~ 'x$', 'x'::char(3) ~ 'x  $', 'x'::char(3) ILIKE 'X%'`,
    `SELECT 'a' LIKE 'a'::char(3), 'a' ~ 'a'::char(3), 'a' ~~ 'a', 'a' !~~ 'b', 'A' ~~* 'a', 'A' !~~* 'b', 'ÀB' ILIKE 'àb'`,
    `SELECT id, a ~ 'o W', a ~* '^hello', a !~ 'z', a !~* 'BAZ$', a ~ '[[:upper:]]', a ~ '\\mWorld' FROM fs ORDER BY id`,
    `SELECT 'a' ~ '('`,
    `SELECT 'a' ~ '[a'`,
    `SELECT 'a' ~ '*'`,
    // A constant pattern against a column is compiled while the query is planned
    // (patternsel), so an invalid one fails on an empty table too.
    `SELECT id FROM fs WHERE a ~ '(' AND id < 0`,
    `SELECT id FROM fs WHERE upper(a) !~* '[a' AND false`,
    `SELECT id FROM fs WHERE a SIMILAR TO '(' AND id < 0`,
    `SELECT regexp_replace(a, '(', 'x') FROM fs WHERE id < 0`,
    `SELECT 'a.b' ~ 'a\\.b', 'a-b' ~ '[a\\-]', 'a b' ~ '\\s', 'ab' ~ '\\yab\\y', 'xab' ~ '\\mab', 'tab' ~ '[[:alpha:]]+', 'x9' ~ '^[[:alnum:]]+$', 'a' ~ '***=a', 'A' ~ '(?i)a'`,
    `SELECT 'foo' ~ 'f(o)\\1', 'abc' ~ 'a.c', E'a\\nc' ~ 'a.c', E'a\\nc' ~ '^c', 'x{' ~ 'x\\{', 'a+b' ~ 'a\\+b', '$5' ~ '^\\$\\d'`,
    `SELECT regexp_replace('a.b.c', '\\.', '-', 'g'), regexp_replace('AbC', '[a-z]', '_', 'g'), regexp_replace(E'l1\\nl2', '^l', 'L', 'gn'), regexp_replace('abc', 'B', 'x', 'i')`,
    `SELECT regexp_replace('Hello World', 'o', '0'), regexp_replace('Hello World', 'o', '0', 'g'), regexp_replace('abc', '(b)', '[\\1]'), regexp_replace('ABC', 'b', 'x', 'gi'), regexp_replace('abc', 'b', '\\&\\&')`,
    `SELECT regexp_replace('abc', 'b', 'x', 'z')`,
    `SELECT regexp_match('foobarbequebaz', 'ba.'), regexp_match('foobarbequebaz', '(bar)(beque)'), regexp_match('abc', 'z'), regexp_match('abc', '(a)|(z)')`,
    `SELECT regexp_match('abc', 'a', 'g')`,
    `SELECT substring('foobar' from 'o(.)b'), substring('foobar' from 'zz'), substring('foobar' from 'o.b')`,
    `SELECT 'aa' ~ '^a{1,2}$', 'aaa' ~ '^a{1,2}$', 'abab' ~ '^(ab){2}$', 'a' ~ 'a{2,}', 'a{' ~ 'a{', 'a{x}' ~ 'a{x}', 'x' ~ '^x{0}x$'`,
    `SELECT 'a' ~ 'a{1'`,
    `SELECT 'a' ~ 'a{3,1}'`,
    `SELECT 'a' ~ 'a{256}'`,
    `SELECT E'\\t' ~ '^\\11$', 'a9' ~ '^\\19$', E'\\001' ~ '\\0001', 'aa' ~ '^(a)\\1$', 'x' ~ '\\101', 'A' ~ '^\\101$', 'A1' ~ '^\\1011$'`,
    `SELECT 'a' ~ '\\1'`,
    `SELECT 'a' ~ '\\8'`,
    `SELECT id, a SIMILAR TO '%o%', a NOT SIMILAR TO 'H%', b SIMILAR TO '(abc|XYZ)', b SIMILAR TO '[a-z]+', a SIMILAR TO 'foo#_bar#%baz' ESCAPE '#', b SIMILAR TO 'a_c' ESCAPE '' FROM fs ORDER BY id`,
    `SELECT id FROM fs WHERE a SIMILAR TO '%(World|baz)' ORDER BY id`,
    `SELECT 'abc' SIMILAR TO 'a%', 'abc' SIMILAR TO 'b%', 'aab' SIMILAR TO 'a{2}b', 'ab' SIMILAR TO 'a|b', 'a.c' SIMILAR TO 'a.c', 'abc' SIMILAR TO 'a.c', 'a^b$' SIMILAR TO 'a^b$', 'a]' SIMILAR TO '[]a]+', 'b' SIMILAR TO '[^]a]'`,
    `SELECT similar_to_escape('a%b_c(d)'), similar_to_escape('a#%', '#'), similar_to_escape('a\\%', ''), similar_to_escape('%\\"x\\"%')`,
    `SELECT NULL SIMILAR TO 'a', 'a' SIMILAR TO NULL, 'a' SIMILAR TO 'a' ESCAPE NULL`,
    `SELECT 'abc' SIMILAR TO 'a%' ESCAPE 'ab'`,
    `SELECT 'abc' SIMILAR TO '\\"a\\"b\\"c'`,
    `EXPLAIN (COSTS OFF) SELECT id FROM fs WHERE a SIMILAR TO 'H%' ESCAPE '#'`,
  ]);
});

test('string functions', async () => {
  await run('string functions', [
    `SELECT id, lower(a), upper(a), length(a), char_length(b), lower(c), length(c), octet_length(a), upper('ß straße'), lower('ẞ') FROM fs ORDER BY id`,
    `SELECT id, substr(a, 2, 3), substring(a from 3), substring(a from 2 for 4), substr(a, -1, 3), left(a, 3), right(a, 3), left(a, -2), right(a, -2) FROM fs ORDER BY id`,
    `SELECT substr('abc', 1, -1)`,
    `SELECT length(1)`,
    `SELECT id, position('o' in a), strpos(a, 'bar'), replace(a, 'o', '0'), split_part(a, ' ', 2), split_part(a, '_', -1) FROM fs ORDER BY id`,
    `SELECT split_part('a,b', ',', 0)`,
    `SELECT split_part('', ',', 1), split_part('abc', '', 1), split_part('abc', '', 2), split_part('a,b,c', ',', -3), split_part('a,b', ',', 5)`,
    `SELECT trim('  x  '), trim(both 'x' from 'xxaxx'), trim(leading 'x' from 'xxaxx'), trim(trailing 'x' from 'xxaxx'), btrim('xyx', 'x'), ltrim('  a'), rtrim('a  '), ltrim('aab', 'a')`,
    `SELECT lpad('hi', 5), lpad('hi', 5, 'xy'), lpad('hello', 3), rpad('hi', 5, 'xy'), rpad('hi', -1), lpad('hi', 5, ''), lpad('ü', 3, 'é')`,
    `SELECT id, concat(a, '-', n, '-', f, '-', true, '-', m), concat_ws(', ', a, b, n), a || '!' || n FROM fs ORDER BY id`,
    `SELECT concat_ws(NULL, 'a'), concat(NULL), concat_ws(',', NULL), concat(ARRAY[1, 2], '{}'::jsonb)`,
    `SELECT format('Hello %s, %I, %L, %%', 'World', 'my table', 'it''s'), format('%2$s %1$s', 'a', 'b'), format('[%5s|%-5s]', 'ab', 'cd'), format('%L', NULL), format('%s', NULL)`,
    `SELECT format('%I %I %I', 'abc', 'Abc', 'select'), format('%L', 'a\\b'), format('%*s|', 4, 'x'), format('%-*s|', 4, 'x'), format('%s %s %1$s', 1, 2)`,
    `SELECT format('%x', 1)`,
    `SELECT format('%s %s', 1)`,
    `SELECT format('%I', NULL)`,
    `SELECT format('%0$s', 1)`,
    `SELECT format('abc%')`,
    `SELECT md5('abc'), md5(''), md5(a), repeat('ab', 3), repeat('x', -1), reverse('abc'), initcap('hello wORLD foo_bar') FROM fs WHERE id = 1`,
    `SELECT quote_ident('a b'), quote_ident('ok'), quote_literal('it''s'), quote_literal(E'a\\\\b')`,
  ]);
});

test('math functions', async () => {
  await run('math functions', [
    `SELECT abs(-5), abs(-5.5), abs(-2.5::float8), abs('-3'), abs(-9223372036854775807::int8), abs(-3::smallint)`,
    `SELECT abs(-2147483648)`,
    `SELECT -2147483648, -2147483649, 2147483648`,
    `SELECT round(2.5), round(2.5::float8), round(3.5::float8), round(1.2345, 2), round(-2.5), ceil(1.2), ceil(-1.2::float8), floor(-1.5), trunc(1.99), trunc(-1.99::float8), trunc(1.2345, 2), round(5)`,
    `SELECT round(2.5::float8, 1)`,
    `SELECT mod(7, 3), mod(-7, 3), mod(7.5, 2), mod(7::int8, 2), mod(7, 2.0), mod(-7::smallint, 2::smallint)`,
    `SELECT mod(1, 0)`,
    `SELECT power(2, 10), power(2.0::float8, 0.5), pow(-8, 3), sqrt(2), sqrt(16), sqrt(2.0), sqrt(0.0), sqrt(1e10::numeric), sqrt(0.0001), sqrt(123456789.123), exp(1), ln(10), log(1000), log10(100), sign(-3), sign(2.5), cbrt(27), pi(), degrees(pi()), radians(180)`,
    `SELECT sqrt(-1)`,
    `SELECT sqrt(-1.0)`,
    `SELECT ln(0)`,
    `SELECT ln(-1)`,
    `SELECT 2 ^ 10 AS a, pg_typeof(2 ^ 10) AS b, 2::float4 ^ 2 AS c, 10::bigint ^ 2 AS d, '2' ^ '3' AS e, 2 ^ 3 ^ 2 AS f, -2 ^ 2 AS g, 2 * 3 ^ 2 AS h, 2 ^ NULL AS i`,
    `SELECT 0 ^ -1`,
    `SELECT (-8) ^ 0.5::float8`,
    `SELECT 'a'::text ^ 2`,
    `SELECT power(0, -1)`,
    `SELECT power(-8, 0.5::float8)`,
    `SELECT exp(1000)`,
    `SELECT exp(-1000)`,
    `SELECT power(10, 400)`,
    `SELECT id, abs(n), abs(f), abs(m), round(f), round(m, 1), ceil(m), floor(f), mod(n, 2), sqrt(abs(f)), power(n, 2), sign(m) FROM fs ORDER BY id`,
    `SELECT 'NaN'::numeric, sqrt('NaN'::numeric), sqrt('Infinity'::numeric), abs('-Infinity'::float8), sqrt('Infinity'::float8)`,
  ]);
});

test('boolean aggregates and session functions', async () => {
  await run('aggregates and settings', [
    `SELECT id, bool_and(n > 0), bool_or(n > 0), every(n > -5) FROM fs GROUP BY id ORDER BY id`,
    `SELECT bool_and(n > 0), bool_or(n > 0), every(n > -5), bool_and(NULL::bool) FROM fs`,
    `SELECT current_setting('TimeZone'), current_setting('nosuch', true), current_setting('work_mem'), current_setting('DateStyle')`,
    `SELECT current_setting('nosuch')`,
    `SELECT set_config('work_mem', '8MB', false), current_setting('work_mem')`,
    `SELECT set_config('work_mem', '4MB', false)`,
    `SELECT current_database()::text, current_user::text, current_schema()::text, session_user::text, current_schema::text, user::text`,
  ]);
  // version() names vecgres; it only has to look like PostgreSQL's.
  const r = await db.query(`SELECT version()`);
  const v = (r.rows[0] as { version: string }).version;
  const pg = (await oracle.query(`SELECT version()`)).rows[0].version as string;
  if (!v.startsWith('PostgreSQL 18') || !pg.startsWith('PostgreSQL 18')) throw new Error(`version(): ${v} / ${pg}`);
});

test('random() draws a new double in [0, 1) per row from the session stream', async () => {
  const r = await db.query(`SELECT count(DISTINCT random()) AS c, min(random()) >= 0 AS lo, max(random()) < 1 AS hi FROM generate_series(1, 1000)`);
  const row = r.rows[0] as { c: number | bigint; lo: boolean; hi: boolean };
  if (Number(row.c) !== 1000 || !row.lo || !row.hi) throw new Error(`random(): ${JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  const f = await db.query(`SELECT random() + 0.5::float8 AS x`);
  if (typeof (f.rows[0] as { x: unknown }).x !== 'number') throw new Error('random() is not double precision');
});

test('a PostgreSQL function vecgres lacks is 0A000, an unknown name 42883', async () => {
  for (const q of [`SELECT trim_array(ARRAY[1,2,3], 1)`, `SELECT array_reverse(ARRAY[1,2])`, `SELECT xmlcomment('abc')`]) {
    const want = await theirs(q);
    const got = await ours(q);
    if (!want.ok) throw new Error(`${q} fails on PostgreSQL: ${want.message}`);
    if (got.ok || got.code !== '0A000' || !/^function \w+\(\) is not supported$/.test(got.message)) throw new Error(`${q}: ${JSON.stringify(got)}`);
  }
  await run('unknown functions', [`SELECT nosuchfn(1)`, `SELECT length(1)`, `SELECT lower(1)`, `SELECT sqrt('a'::text)`]);
});

/** `check`, except that an invalid pattern need only be 2201B on both sides: the texts of regerror are not copied. */
async function checkPattern(q: string, mismatches: string[]): Promise<void> {
  const want = await theirs(q);
  const got = await ours(q);
  const bothInvalid = !want.ok && !got.ok && want.code === '2201B' && got.code === '2201B';
  if (!bothInvalid && JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(`${q}\n  pgvector: ${JSON.stringify(want)}\n  vecgres:  ${JSON.stringify(got)}`);
}

/** A random string over a small alphabet that makes LIKE and regex edge cases likely. */
function randomString(rng: Rng, alphabet: string, maxLen: number): string {
  let s = '';
  for (let i = rng.int(0, maxLen); i > 0; i--) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
}

test(`LIKE and regular expressions agree on random strings (seed ${SEED})`, async () => {
  const rng = new Rng(SEED);
  const n = Number(process.env['VECGRES_LIKE_CASES'] ?? 150);
  const mismatches: string[] = [];
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  for (let i = 0; i < n; i++) {
    const s = randomString(rng, 'abAB_%\\. ', 6);
    const likeP = randomString(rng, 'abA_%\\', 5);
    const reP = randomString(rng, 'abA.*+?|()^$[]{}1,', 5);
    await check(`SELECT ${lit(s)} LIKE ${lit(likeP)}, ${lit(s)} ILIKE ${lit(likeP)}, ${lit(s)} LIKE ${lit(likeP)} ESCAPE 'a'`, mismatches);
    const similarP = randomString(rng, 'ab_%|()*+[]^{}1,\\', 5);
    await checkPattern(`SELECT ${lit(s)} SIMILAR TO ${lit(similarP)}, ${lit(s)} SIMILAR TO ${lit(similarP)} ESCAPE 'b'`, mismatches);
    await checkPattern(`SELECT ${lit(s)} ~ ${lit(reP)}, ${lit(s)} ~* ${lit(reP)}, ${lit(s)} ~ ${lit(`\\1${reP}`)}`, mismatches);
  }
  reportMismatches('random LIKE / SIMILAR TO / regex', mismatches, n * 3, SEED);
});

test('named and defaulted arguments: make_interval, make_date, make_timestamptz, jsonb_set', async () => {
  await run('named arguments', [
    `SELECT make_interval(days => 1) AS a`,
    `SELECT make_interval(1, 2, 3, 4, 5, 6, 7.5) AS a`,
    `SELECT make_interval(days => 1, hours => 2) AS a`,
    `SELECT make_interval(2) AS a`,
    `SELECT make_interval() AS a`,
    `SELECT make_interval(dayz => 1)`,
    `SELECT make_interval(days => 1, days => 2)`,
    `SELECT make_interval(1, years => 2)`,
    `SELECT make_interval(secs => 1.5) AS a, make_interval(secs => 0.0000005) AS b, make_interval(secs => 0.0000015) AS c, make_interval(secs => -0.0000005) AS d, make_interval(secs => -2.0000025) AS e`,
    `SELECT make_interval(years => 178956971)`,
    `SELECT make_interval(secs => 'infinity')`,
    `SELECT make_interval(secs => 'nan')`,
    `SELECT make_interval(secs => 1e300)`,
    `SELECT make_interval(secs => 1e305)`,
    `SELECT make_interval(days => '3') AS a`,
    `SELECT make_interval(days => 1.5)`,
    `SELECT make_interval(1.5)`,
    `SELECT make_interval(weeks => 2147483647)`,
    `SELECT make_date(year => 2024, month => 2, day => 29) AS a`,
    `SELECT make_date(2024, day => 29, month => 2) AS a`,
    `SELECT make_date(2024, 2)`,
    `SELECT make_date(1, 2, 3, 4)`,
    `SELECT make_interval(days => NULL) AS a`,
    `SELECT make_interval(hours => 2147483647, mins => 2147483647, secs => 1) AS a`,
    `SELECT jsonb_set('{"a":1}', '{b}', '2', create_if_missing => false) AS a, jsonb_set(jsonb_in => '{"a":1}', path => '{b}', replacement => '2') AS b`,
    `SELECT make_timestamptz(2024, 1, 2, 3, 4, 5.5, timezone => 'UTC') AS a`,
    `SELECT make_timestamptz(2024, 1, 2, 3, 4, 5.5)::text AS a, make_timestamptz(year => 2024, month => 1, mday => 2, hour => 3, min => 4, sec => 5)::text AS b`,
    `SELECT make_timestamptz(2024, 1, 2, 3, 4)`,
    `SELECT jsonb_set('{"a": 1}', '{a}', '2') AS a, jsonb_insert('{"a": [1]}', '{a, 0}', '0') AS b, make_time(1, 2, 3.5) AS c, make_timestamp(2024, 1, 2, 3, 4, 5) AS d`,
    `SELECT make_interval(days => 1, 2)`,
    `SELECT make_interval(mins => -2147483648, hours => -2147483648, secs => -0.5) AS a`,
    `SELECT id, make_interval(days => n) AS i FROM fs ORDER BY id`,
    // Functions without parameter names in PostgreSQL: a named argument matches no candidate.
    `SELECT abs(x => 1)`,
    `SELECT lower(a => 'x')`,
    `SELECT abs(1, x => 2)`,
    `SELECT no_such_function(a => 1)`,
    `SELECT l2_distance(a => '[1]'::vector, b => '[2]'::vector)`,
  ]);
});

test(`make_interval over random parts agrees with PostgreSQL (seed ${SEED})`, async () => {
  const rng = new Rng(SEED ^ 0x3a7e);
  const n = Number(process.env['VECGRES_INTERVAL_CASES'] ?? 100);
  const part = (): string => String(rng.pick([0, 1, -1, 7, 30, 12, 1000, -2147483648, 2147483647, 178956970, rng.int(-100000, 100000)]));
  const secs = (): string => rng.pick(['0', '1.5', '-0.0000005', '0.0000025', '59.999999', '-3600.0000015', '1e12', String(rng.int(-99999, 99999) / 1000)]);
  const qs: string[] = [];
  for (let i = 0; i < n; i++) {
    const names = ['years', 'months', 'weeks', 'days', 'hours', 'mins', 'secs'].filter(() => rng.chance(0.5));
    const args = names.map((k) => `${k} => ${k === 'secs' ? secs() : part()}`);
    qs.push(`SELECT make_interval(${args.join(', ')}) AS i`);
  }
  await run('random make_interval', qs);
});

test('SQL forms vecgres lacks are 0A000 named in words, never by a parser node', async () => {
  for (const [q, what] of [
    [`SELECT jsonb_path_exists('{"a": 1}', '$.a ? (@ > $x)', vars => '{"x": 0}')`, 'named argument notation (name => value) of function jsonb_path_exists'],
    [`SELECT xmlelement(name a)`, 'XML'],
    [`SELECT json_object('a': 1)`, 'JSON_OBJECT'],
    [`SELECT '1' IS JSON`, 'IS JSON'],
    [`SELECT json_value('1', '$')`, 'SQL/JSON query function (JSON_VALUE, JSON_QUERY, JSON_EXISTS)'],
  ] as const) {
    const want = await theirs(q);
    if (!want.ok) throw new Error(`${q} fails on PostgreSQL: ${want.message}`);
    const got = await ours(q);
    if (got.ok || got.code !== '0A000' || got.message !== `${what} is not supported`) throw new Error(`${q}: ${JSON.stringify(got)}`);
  }
});
