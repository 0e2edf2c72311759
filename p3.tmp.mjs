import { Vecgres } from '/work/wt-srv11/dist/src/index.js';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
const db = await Vecgres.create();
const pl = await PGlite.create({ extensions: { vector } });
const Q = process.argv.slice(2);
for (const q of Q) {
  for (const [n, d] of [['vecgres', db], ['pglite', pl]]) {
    try { const r = await d.query(q, [], { rowMode: "array" }); console.log(n, q, JSON.stringify(r.rows, (k, v) => typeof v === "bigint" ? String(v) : v), r.notices ? JSON.stringify(r.notices?.map?.(x=>x.message)) : ''); } catch (e) { console.log(n, q, 'ERR', e.code, e.message); }
  }
}
