/**
 * Child process of object_oids_durable.test.ts: opens the data directory argv[2] on the real
 * file system, runs the statements of the JSON array argv[3], prints the oids of its objects
 * as one JSON line and waits to be killed (SIGKILL: no close, no checkpoint).
 */
import { Vecgres } from '../../src/index.js';
import { oids } from '../support/object_oids.js';

const [dir, script] = process.argv.slice(2);
const db = await Vecgres.create(dir!);
await db.exec('CREATE EXTENSION vector');
for (const sql of JSON.parse(script!) as string[]) await db.exec(sql);
process.stdout.write(`${JSON.stringify(await oids(db))}\n`);
setInterval(() => undefined, 1000);
