/**
 * vecgres' embedded API as PGlite's, at the type level: code written against PGlite's
 * `PGliteInterface` accepts a Vecgres (and a session) for the members both have. The build
 * compiles this file, so a change that breaks the assignability fails the build; the test
 * then runs the same calls through the PGlite-typed view.
 *
 * What differs: `onNotice` (see PgliteQueryOptions), `describeQuery` (PGlite adds per-type
 * `serializer` / `parser` functions to each parameter and field), and members vecgres lacks:
 * `execProtocol*`, `runExclusive`, `dumpDataDir`, `refreshArrayTypes`, `waitReady` / `ready` /
 * `debug`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PGliteInterface } from '@electric-sql/pglite';
import { Vecgres, type VecgresSession } from '../../src/index.js';

/**
 * PGlite's query options without `onNotice`: PGlite types the notice as its NoticeMessage
 * (with the protocol message's `length`, `internalPosition`, ...), vecgres as its PgError, so a
 * PGlite-typed `onNotice` callback is the one member that does not carry over as a type.
 */
type PgliteQueryOptions = Omit<NonNullable<Parameters<PGliteInterface['query']>[2]>, 'onNotice'>;
type PgliteResults<T> = Awaited<ReturnType<PGliteInterface['query']>> & { rows: T[] };

/** The members vecgres has of PGlite's interface, with PGlite's types (less onNotice). */
type SharedSession = Pick<PGliteInterface, 'sql' | 'listen' | 'unlisten' | 'onNotification' | 'offNotification'> & {
  query<T>(query: string, params?: any[], options?: PgliteQueryOptions): Promise<PgliteResults<T>>;
  exec(query: string, options?: PgliteQueryOptions): Promise<PgliteResults<{ [key: string]: any }>[]>;
  transaction<T>(callback: (tx: Pick<Parameters<Parameters<PGliteInterface['transaction']>[0]>[0], 'sql' | 'rollback' | 'listen' | 'closed'> & { query<R>(query: string, params?: any[], options?: PgliteQueryOptions): Promise<PgliteResults<R>> }) => Promise<T>): Promise<T>;
};
type Shared = SharedSession & Pick<PGliteInterface, 'close' | 'closed'>;

/** Code written for PGlite: uses only its types. */
async function pgliteCode(pg: SharedSession): Promise<unknown[]> {
  const got: string[] = [];
  const stop = await pg.listen('typed', (p) => got.push(p));
  await pg.query<{ n: number }>('SELECT $1::int AS n', [1], { rowMode: 'object', parsers: { 23: (v) => Number(v) * 10 }, serializers: { 23: (v) => String(v) } });
  const r = await pg.sql<{ n: number }>`SELECT ${2}::int AS n`;
  const e = await pg.exec("NOTIFY typed, 'x'");
  const t = await pg.transaction(async (tx) => (await tx.query<{ n: number }>('SELECT 3 AS n')).rows[0]!.n);
  await new Promise((res) => setTimeout(res, 0));
  await stop();
  return [r.rows, e.length, t, got];
}

test('a Vecgres and a session are what PGlite-typed code expects, and behave so', async () => {
  const db = await Vecgres.create();
  const asPglite: Shared = db;
  const s: VecgresSession = await db.connect();
  const sessionAsPglite: SharedSession = s;
  assert.deepEqual(await pgliteCode(asPglite), [[{ n: 2 }], 1, 3, ['x']]);
  assert.deepEqual(await pgliteCode(sessionAsPglite), [[{ n: 2 }], 1, 3, ['x']]);
  await s.release();
  await asPglite.close();
  assert.equal(asPglite.closed, true);
});
