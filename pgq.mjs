import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
const db = await PGlite.create({ extensions: { vector } });
await db.exec('CREATE EXTENSION vector');
for (const s of process.argv.slice(2)) {
  try { const r = await db.query(s); console.log(s, '=>', JSON.stringify(r.rows).slice(0, 400)); }
  catch (e) { console.log(s, '=> ERR', e.code, e.message); }
}
