/**
 * IVFFlat deltas (access/ivfflat/lists.ts change marks, persist.ts saveIvfflatDelta /
 * applyIvfflatDelta): after seeded random inserts, deletes, updates and vacuums, an index read
 * back as its base save plus the deltas written since holds the same lists as the live one,
 * byte for byte (each list's vectors and row ids), with the same rowId map and counts.
 * VECGRES_IVF_DELTA_TRIALS runs more seeds; a failing seed is printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { ivfflatAm } from '../../src/access/ivfflat/index.js';
import type { IvfflatIndex } from '../../src/access/ivfflat/ivfflat-index.js';
import type { VectorKey } from '../../src/access/am.js';
import { MemorySink, MemorySource } from '../../src/storage/stream.js';

const TRIALS = Number(process.env.VECGRES_IVF_DELTA_TRIALS ?? 6);
const BASE_SEED = Number(process.env.VECGRES_IVF_DELTA_SEED ?? 700);

const SHAPES = [
  { opclass: 'vector_cosine_ops', dim: 9, bits: false },
  { opclass: 'bit_hamming_ops', dim: 70, bits: true },
];

function keyOf(bits: boolean, dim: number, p: Prng): VectorKey {
  if (bits) return Uint8Array.from({ length: Math.ceil(dim / 8) }, () => p.int(256));
  return Float32Array.from({ length: dim }, () => p.next() * 2 - 1);
}

function lists(ix: IvfflatIndex): { bytes: Buffer; scalars: number[]; rows: number[] } {
  const l = ix.lists;
  const parts: Buffer[] = [];
  const scalars: number[] = [l.total, ix.deletedCount];
  for (let k = 0; k < l.lists; k++) {
    const n = l.count[k]!;
    scalars.push(n);
    if (n === 0) continue;
    const e = l.entriesOf(k);
    parts.push(Buffer.from(e.vectors), Buffer.from(e.rowIds.buffer));
  }
  const rows: number[] = [];
  for (let r = 0; r < ix.rowList.length; r++) if (ix.rowList[r] !== 0) rows.push(r, ix.rowList[r]!);
  return { bytes: Buffer.concat(parts), scalars, rows };
}

for (const shape of SHAPES) {
  test(`ivfflat ${shape.opclass}: base + deltas restore the live lists byte for byte (${TRIALS} seeds)`, () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const seed = BASE_SEED + trial;
      const p = new Prng(seed);
      const opclass = ivfflatAm.opclasses.find((o) => o.name === shape.opclass)!;
      let rows = 40 + p.int(100);
      const keys = Array.from({ length: rows }, () => keyOf(shape.bits, shape.dim, p));
      const options = ivfflatAm.parseOptions(new Map([['lists', String(2 + p.int(6))]]), shape.dim);
      const live = ivfflatAm.build({
        dim: shape.dim,
        opclass,
        options,
        rowCount: rows,
        seed,
        forEachRow(fn) {
          for (let i = 0; i < keys.length; i++) fn(i, keys[i]!);
        },
      }) as IvfflatIndex;
      const alive = new Set<number>(Array.from({ length: rows }, (_, i) => i));
      const opened: IvfflatIndex[] = [];
      const save = (): Uint8Array => {
        const s = new MemorySink();
        live.save(s);
        live.markSaved();
        return s.bytes();
      };
      try {
        let base = save();
        let deltas: Uint8Array[] = [];
        for (let round = 0; round < 8; round++) {
          const where = `${shape.opclass} seed ${seed} round ${round}`;
          for (let op = 1 + p.int(30); op > 0; op--) {
            const r = p.next();
            const ids = [...alive];
            if (r < 0.45 || ids.length < 5) {
              live.insert(rows, keyOf(shape.bits, shape.dim, p));
              alive.add(rows++);
            } else if (r < 0.9) {
              const id = ids[p.int(ids.length)]!;
              live.delete(id);
              alive.delete(id);
              if (r < 0.7) {
                live.insert(rows, keyOf(shape.bits, shape.dim, p));
                alive.add(rows++);
              }
            } else live.vacuum();
          }
          if (p.next() < 0.15) {
            base = save();
            deltas = [];
          } else {
            const s = new MemorySink();
            const estimate = live.deltaBytes();
            live.saveDelta(s);
            assert.ok(s.bytes().length <= estimate, `${where}: delta within its estimate`);
            live.markSaved();
            deltas.push(s.bytes());
          }
          const back = ivfflatAm.load!({ dim: shape.dim, opclass, options, seed: 1, source: new MemorySource(base) }) as IvfflatIndex;
          opened.push(back);
          for (const d of deltas) back.applyDelta(new MemorySource(d));
          const a = lists(live);
          const b = lists(back);
          assert.deepEqual(b.scalars, a.scalars, `${where}: counts`);
          assert.ok(b.bytes.equals(a.bytes), `${where}: list bytes differ`);
          assert.deepEqual(b.rows, a.rows, `${where}: rowId map`);
        }
      } finally {
        live.dispose();
        for (const o of opened) o.dispose();
      }
    }
  });
}
