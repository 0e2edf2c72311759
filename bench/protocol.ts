/**
 * Protocol codec throughput: `npm run bench -- protocol [--rows N]`.
 *
 * Encodes k-NN-shaped result rows (id, a 100-d vector as text or in pgvector's binary layout,
 * a distance) into DataRow messages, and decodes Bind / Execute / Sync pipelines the way
 * node-postgres writes them, fed in 64 KiB chunks. Prints rows/s, MB/s and messages/s; no
 * peers (the codec is our own; the server benchmark compares whole servers).
 *
 * Then vector_out, the text a client gets for a vector by default: ns per element for
 * GloVe-shaped 100-d and 1,536-d vectors, and the same statement (`SELECT v::text` over 2,000
 * stored 1,536-d vectors) through vecgres' and PGlite + pgvector's embedded APIs side by side.
 */
import { serialize } from 'pg-protocol';
import { BackendWriter } from '../src/protocol/backend.js';
import { FrontendDecoder } from '../src/protocol/frontend.js';
import { Prng } from '../src/common/prng.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';
import { formatVector } from '../src/types/vector.js';
import { Vecgres } from '../src/index.js';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { median } from './support/stats.js';

const SPECS = {
  rows: { kind: 'number', default: 200_000, help: 'DataRows encoded / decoded per timing' },
} satisfies OptionSpecs;

function time(label: string, units: number, unitName: string, bytes: () => number, f: () => void): void {
  f(); // warm up
  const t0 = process.hrtime.bigint();
  f();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label.padEnd(44)} ${(units / s / 1e6).toFixed(2).padStart(8)} M ${unitName}/s ${(bytes() / s / 1e6).toFixed(0).padStart(6)} MB/s`);
}

export async function benchProtocol(args: string[]): Promise<void> {
  const { rows } = parseBenchArgs('protocol', 'Wire codec throughput: DataRow encoding, frontend message decoding.', SPECS, args);
  const dim = 100;
  const r = new Prng(1);
  const vectors = Array.from({ length: 1000 }, () => Float32Array.from({ length: dim }, () => r.next() * 2 - 1));
  const texts = vectors.map((v) => '[' + Array.from(v, (x) => String(x)).join(',') + ']');
  const w = new BackendWriter(1 << 20);

  let bytes = 0;
  time(`DataRow text (id, vector(${dim}), distance)`, rows, 'rows', () => bytes, () => {
    bytes = 0;
    for (let i = 0; i < rows; i++) {
      w.beginDataRow(3).text(String(i)).text(texts[i % 1000]!).text(String(0.25 + i * 1e-7)).endDataRow();
      if (w.length > 1 << 20) { bytes += w.length; w.reset(); }
    }
    bytes += w.length;
    w.reset();
  });
  console.log(`  (${(bytes / rows).toFixed(0)} bytes per row)`);
  time(`DataRow binary (int4, vector(${dim}) in place, float8)`, rows, 'rows', () => rows * (7 + 8 + 8 + 4 + 4 * dim + 12), () => {
    for (let i = 0; i < rows; i++) {
      const v = vectors[i % 1000]!;
      w.beginDataRow(3).beginField().int32(i).endField();
      w.beginField().int16(dim).int16(0);
      for (let k = 0; k < dim; k++) w.float32(v[k]!);
      w.endField().beginField().float64(0.25).endField().endDataRow();
      if (w.length > 1 << 20) w.reset();
    }
    w.reset();
  });

  // Frontend: a pipeline of Bind(vector param) + Execute + Sync, as pg sends a prepared k-NN query.
  const one = Buffer.concat([
    serialize.bind({ statement: 'knn', values: [texts[0]!, '10'] }),
    serialize.execute({ rows: 0 }),
    serialize.sync(),
  ]);
  const copies = Math.max(1, Math.floor(rows / 10));
  const stream = Buffer.concat(Array.from({ length: copies }, () => one));
  const d = new FrontendDecoder({ phase: 'ready' });
  let decoded = 0;
  time('decode Bind+Execute+Sync pipelines (64 KiB chunks)', copies * 3, 'msgs', () => stream.length, () => {
    decoded = 0;
    for (let i = 0; i < stream.length; i += 65536) {
      d.push(stream.subarray(i, i + 65536));
      while (d.next()) decoded++;
    }
  });
  if (decoded !== copies * 3) throw new Error(`decoded ${decoded} of ${copies * 3} messages`);
  await benchVectorOut();
}

/** vector_out throughput, and `SELECT v::text` of stored vectors in vecgres and PGlite + pgvector. */
async function benchVectorOut(): Promise<void> {
  const r = new Prng(2);
  // Embedding-like elements: roughly normal, |x| mostly below 1, printed with up to 9 digits.
  const gauss = (): number => (r.next() + r.next() + r.next() + r.next() - 2) * 0.8;
  for (const dim of [100, 1536]) {
    const vs = Array.from({ length: 200 }, () => Float32Array.from({ length: dim }, gauss));
    let chars = 0;
    const runs: number[] = [];
    for (let rep = 0; rep < 7; rep++) {
      const t0 = process.hrtime.bigint();
      for (let k = 0; k < 10; k++) for (const v of vs) chars += formatVector(v).length;
      runs.push(Number(process.hrtime.bigint() - t0) / (10 * vs.length * dim));
    }
    console.log(`vector_out, ${String(dim).padStart(4)}-d`.padEnd(44) + ` ${median(runs).toFixed(0).padStart(8)} ns/element (median of 7; ${(chars / (70 * vs.length)).toFixed(0)} chars a vector)`);
  }
  const rows = 2000;
  const dim = 1536;
  const lits = Array.from({ length: rows }, () => formatVector(Float32Array.from({ length: dim }, gauss)));
  const db = await Vecgres.create();
  const pg = await PGlite.create({ extensions: { vector } });
  try {
    await pg.exec('CREATE EXTENSION vector');
    for (const c of [db, pg] as const) {
      await c.query(`CREATE TABLE t (id int, v vector(${dim}))`);
      for (let i = 0; i < rows; i += 100) {
        const vals = lits.slice(i, i + 100).map((l, k) => `(${i + k}, '${l}')`).join(',');
        await c.query(`INSERT INTO t VALUES ${vals}`);
      }
    }
    const sql = 'SELECT v::text FROM t';
    const ms: Record<string, number[]> = { vecgres: [], pglite: [] };
    let same = true;
    for (let rep = 0; rep < 5; rep++) {
      for (const [name, c] of [['vecgres', db], ['pglite', pg]] as const) {
        const t0 = process.hrtime.bigint();
        const res = await c.query<{ v: string }>(sql);
        ms[name]!.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (rep === 0 && name === 'vecgres') same = res.rows.every((row, i) => row.v === lits[i]);
      }
    }
    const mv = median(ms['vecgres']!);
    const mp = median(ms['pglite']!);
    console.log(`'${sql}', ${rows} rows of vector(${dim}), median of 5: vecgres ${mv.toFixed(1)} ms, PGlite + pgvector ${mp.toFixed(1)} ms (${(mp / mv).toFixed(2)}x); text ${same ? 'equals' : 'DIFFERS FROM'} the inserted literals`);
  } finally {
    await db.close();
    await pg.close();
  }
}
