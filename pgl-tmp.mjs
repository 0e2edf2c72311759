import { startPglite } from '/work/main/dist/test/support/pglite.js';
import { vector } from '@electric-sql/pglite-pgvector';
const pg = await startPglite({ extensions: { vector } }, 'CREATE EXTENSION vector');
console.log((await pg.query("select count(*) from pg_settings where name like 'hnsw.%'")).rows);
try { await pg.exec("LOAD 'vector'"); } catch (e) { console.log('LOAD failed', e.message); }
console.log((await pg.query("select count(*) from pg_settings where name like 'hnsw.%'")).rows);
