/**
 * Seeded random-query differential test (in the manner of SQLancer / sqlsmith) of DISTINCT,
 * DISTINCT ON, set operations, window functions with frames, and aggregates with DISTINCT /
 * ORDER BY / FILTER, against PostgreSQL 18 + pgvector (PGlite). Queries are generated over two
 * small tables of small integers with NULLs so that groups, peers and duplicates are common;
 * results are compared as multisets of rows (the queries' row order is not part of the
 * check), or by SQLSTATE and message for errors. Functions whose value depends on the order
 * of rows among ORDER BY peers always get the unique id as the last window sort key; sums are
 * over integers, so no float rounding depends on the order of rows.
 *
 * Budget: 300 queries (VECGRES_RANDOM_QUERIES asks for more); VECGRES_SEED replays a run.
 */
import { test } from 'node:test';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, reportMismatches, type SqlOutcome } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { ours, theirs, both } = await openSqlPair();
const BUDGET = Number(process.env['VECGRES_RANDOM_QUERIES'] ?? 300);

const rng = new Prng(SEED);
for (const t of ['ra', 'rb']) {
  await both(`CREATE TABLE ${t} (id integer PRIMARY KEY, g integer, v integer, s text)`);
  const rows: string[] = [];
  for (let i = 1; i <= 24; i++) {
    const g = rng.int(6) === 0 ? 'NULL' : String(rng.int(3));
    const v = rng.int(6) === 0 ? 'NULL' : String(rng.int(5));
    const s = rng.int(6) === 0 ? 'NULL' : `'${'xyz'[rng.int(3)]}'`;
    rows.push(`(${i}, ${g}, ${v}, ${s})`);
  }
  await both(`INSERT INTO ${t} VALUES ${rows.join(', ')}`);
}

const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
const col = (): string => pick(['g', 'v', 's']);
const where = (): string => pick(['', '', ` where v > ${rng.int(4)}`, ' where g is not null', ` where id % ${2 + rng.int(3)} = 0`, ' where s <> \'y\'']);

function frame(): string {
  const mode = pick(['rows', 'groups', 'range']);
  const bound = (start: boolean): string =>
    pick(start ? ['unbounded preceding', 'current row', `${rng.int(3)} preceding`, `${rng.int(2)} following`] : ['unbounded following', 'current row', `${rng.int(3)} following`, `${rng.int(2)} preceding`]);
  const excl = pick(['', '', ' exclude current row', ' exclude group', ' exclude ties']);
  return ` ${mode} between ${bound(true)} and ${bound(false)}${excl}`;
}

function windowCall(): string {
  const part = pick(['', 'partition by g ', 'partition by s ', 'partition by g, s ']);
  const kind = rng.int(4);
  if (kind === 0) return `${pick(['rank()', 'dense_rank()', 'percent_rank()', 'cume_dist()'])} over (${part}order by ${pick(['v', 'v desc', 's nulls first', 'v, s'])})`;
  if (kind === 1) {
    const f = pick(['row_number()', `ntile(${1 + rng.int(5)})`, `lag(v${pick(['', ', 2', ', 1, -1'])})`, `lead(s${pick(['', ', 2', ", 1, 'none'"])})`]);
    return `${f} over (${part}order by ${pick(['v', 's', 'g desc'])}, id)`;
  }
  const agg = pick(['count(*)', 'count(v)', 'sum(v)', 'min(s)', 'max(v)', 'avg(v)', 'bool_or(v > 2)', 'count(*) filter (where v > 1)', 'sum(v) filter (where s <> \'x\')']);
  if (kind === 2) {
    // RANGE with an offset: one integer ORDER BY column; aggregates do not depend on peer order.
    return `${agg} over (${part}order by ${pick(['v', 'g', 'v desc'])} range between ${rng.int(3)} preceding and ${rng.int(3)} following)`;
  }
  const f = pick([agg, agg, 'first_value(v)', 'last_value(s)', `nth_value(v, ${1 + rng.int(3)})`]);
  return `${f} over (${part}order by ${pick(['v', 's', 'g'])}, id${frame()})`;
}

function aggCall(): string {
  const filter = rng.int(3) === 0 ? ` filter (where ${pick(['v > 1', 'g = 1', 's is null', 'id % 2 = 0'])})` : '';
  return pick([
    `count(${pick(['*', 'v', 'distinct v', 'distinct s', 'distinct g'])})${filter}`,
    `sum(${pick(['v', 'distinct v', 'id'])})${filter}`,
    `min(s)${filter}`, `max(distinct v)${filter}`,
    `string_agg(${pick(['s', 'distinct s'])}, ',' order by s)${filter}`,
    `array_agg(${pick(['v order by v, id', 'distinct v', 'id order by id desc'])})${filter}`,
    `bool_and(v < 4)${filter}`, `every(g is not null)${filter}`,
  ]);
}

function query(): string {
  const t = pick(['ra', 'rb']);
  switch (rng.int(8)) {
    case 5: {
      // Window functions over grouped rows, DISTINCT over window output.
      const grp = pick(['g', 's']);
      return pick([
        `select ${grp}, count(*) as c, rank() over (order by count(*) desc) as r, sum(sum(v)) over (order by ${grp} nulls first) as rs from ${t}${where()} group by ${grp}`,
        `select distinct ${grp}, count(*) over (partition by ${grp}) as c from ${t}${where()}`,
        `select distinct on (${grp}) ${grp}, sum(v) over (partition by ${grp}) as sv, id from ${t}${where()} order by ${grp}, id`,
      ]);
    }
    case 6: {
      // Set operations with ORDER BY / LIMIT, parenthesised, mixed numeric types.
      const a = pick(['v', 'g', 'v::bigint', 'v + 0.5', 'id']);
      const b = pick(['v', 'g', 'id::bigint', '1.5']);
      const op = pick(['union', 'union all', 'intersect', 'except']);
      return `(select ${a} as c from ra${where()} order by 1 nulls first limit ${3 + rng.int(8)}) ${op} (select ${b} from rb${where()}) order by 1 limit ${5 + rng.int(10)}`;
    }
    case 7:
      // DISTINCT with ORDER BY and LIMIT over expressions.
      return `select distinct ${pick(['v % 3 as m', 'coalesce(s, \'-\') as m', 'g + v as m'])} from ${t}${where()} order by m ${pick(['', 'desc'])} limit ${1 + rng.int(4)}`;
    case 0:
      return `select distinct ${pick(['g', 'v', 's', 'g, v', 's, g', 'v % 2, s'])} from ${t}${where()}`;
    case 1: {
      const on = pick(['g', 'v', 's', 'g, s']);
      return `select distinct on (${on}) ${on}, id from ${t}${where()} order by ${on}, id ${pick(['', 'desc'])}`;
    }
    case 2: {
      const c = rng.int(2) === 0 ? col() : `${col()}, ${col()}`;
      const op = pick(['union', 'union all', 'intersect', 'intersect all', 'except', 'except all']);
      const third = rng.int(3) === 0 ? ` ${pick(['union', 'intersect', 'except all'])} select ${c} from ra` : '';
      return `select ${c} from ra${where()} ${op} select ${c} from rb${where()}${third}`;
    }
    case 3:
      return `select id, ${windowCall()} as w1, ${windowCall()} as w2 from ${t}${where()}`;
    default: {
      const grp = pick(['', ' group by g', ' group by s', ' group by g, s']);
      const keys = grp === '' ? '' : grp.replace(' group by ', '') + ', ';
      return `select ${keys}${aggCall()} as a1, ${aggCall()} as a2 from ${t}${where()}${grp}`;
    }
  }
}

/** Rows as a sorted list of JSON texts (a multiset), so row order does not matter. */
function canonical(o: SqlOutcome): unknown {
  if (!o.ok) return { code: o.code, message: o.message };
  return { rows: (o.rows as unknown[]).map((r) => JSON.stringify(r)).sort(), fields: o.fields };
}

test(`random DISTINCT / set operation / window / aggregate-clause queries (${BUDGET})`, async () => {
  const mismatches: string[] = [];
  for (let i = 0; i < BUDGET; i++) {
    const q = query();
    const want = canonical(await theirs(q));
    const got = canonical(await ours(q));
    if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(`${q}\n  pgvector: ${JSON.stringify(want).slice(0, 600)}\n  vecgres:  ${JSON.stringify(got).slice(0, 600)}`);
  }
  reportMismatches('random select clauses', mismatches, BUDGET, SEED);
});
