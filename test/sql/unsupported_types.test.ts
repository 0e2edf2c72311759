/**
 * PostgreSQL types vecgres does not have yet are refused honestly: 0A000 "type X is not
 * supported" (PostgreSQL has them, so 42704 "does not exist" would be false), while a name
 * PostgreSQL does not have either keeps PostgreSQL's 42704. Checked against PGlite: the
 * oracle accepts every type refused here and rejects the unknown name the same way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { ours, theirs, same } = await openSqlPair();

test('money and other built-ins are 0A000, unknown names 42704', async () => {
  for (const [sql, name] of [
    ["SELECT '1.5'::money", 'money'],
    ["SELECT 'abc'::\"char\"", '"char"'],
    // Names from PostgreSQL's pg_type (pg_type_names.ts): base, catalog row and pseudo-types.
    ["SELECT '5'::xid", 'xid'],
    ["SELECT '5'::pg_catalog.xid8", 'xid8'],
    ['SELECT NULL::pg_class', 'pg_class'],
    ["SELECT '1.2.3.4'::inet", 'inet'],
    ["SELECT '[1,2)'::int4range", 'int4range'],
  ] as const) {
    assert.equal((await theirs(sql)).ok, true, `PostgreSQL accepts ${sql}`);
    const r = await ours(sql);
    assert.equal(r.ok, false, sql);
    assert.deepEqual(r.ok ? null : [r.code, r.message], ['0A000', `type ${name} is not supported`], sql);
  }
  await same("SELECT 'x'::nosuchtype");
  // Qualified with another schema, a pg_catalog type's name names nothing.
  await same("SELECT 'x'::public.xid");
  await same("SELECT 'abc'::char, 'abc'::character(2), 'abc'::char varying(2)");
});
