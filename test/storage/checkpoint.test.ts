import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs, SimulatedCrash } from '../../src/storage/fs_faulty.js';
import type { Fd, StorageBackend } from '../../src/storage/fs.js';
import {
  CheckpointReader,
  CheckpointStore,
  CheckpointWriter,
  CHECKPOINT_CHUNK_BYTES,
  CHECKPOINT_HEADER_BYTES,
  CKPT_OFF_HEADER_CRC,
  CKPT_OFF_KIND,
  CKPT_OFF_LENGTH,
  CKPT_OFF_LSN,
  CKPT_OFF_MAGIC,
  CKPT_OFF_PAYLOAD_CRC,
  CKPT_OFF_VERSION,
  CONTROL_FILE_NAME,
  readCheckpointFile,
  readControl,
  writeCheckpointFile,
} from '../../src/storage/checkpoint.js';
import { crc32c } from '../../src/storage/crc32c.js';
import { PgError } from '../../src/common/errors.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const KIND_TABLE = 10;

function overwrite(fs: MemoryFs, path: string, bytes: Uint8Array): void {
  const fd = fs.open(path, 'write');
  fs.truncate(fd, 0);
  fs.write(fd, bytes, 0, bytes.length, 0);
  fs.close(fd);
}

function isXX001(message: string) {
  return (e: unknown) => e instanceof PgError && e.code === 'XX001' && e.message === message;
}

test('file header layout: sizes and offsets as drawn in checkpoint.ts', () => {
  assert.equal(CHECKPOINT_HEADER_BYTES, 48);
  assert.deepEqual(
    [CKPT_OFF_MAGIC, CKPT_OFF_VERSION, CKPT_OFF_KIND, CKPT_OFF_LSN, CKPT_OFF_LENGTH, CKPT_OFF_PAYLOAD_CRC, CKPT_OFF_HEADER_CRC],
    [0, 8, 12, 16, 24, 32, 40],
  );
  const fs = new MemoryFs();
  writeCheckpointFile(fs, 'f', { lsn: 0x1_0000_0008, kind: 7 }, enc('hello '), enc('world'));
  const b = fs.readAll('f');
  const dv = new DataView(b.buffer);
  assert.equal(b.length, 48 + 11);
  assert.equal(dec(b.subarray(0, 8)), 'VECGCKPT');
  assert.equal(dv.getUint32(8, true), 1);
  assert.equal(dv.getUint32(12, true), 7);
  assert.deepEqual([dv.getUint32(16, true), dv.getUint32(20, true)], [8, 1]);
  assert.equal(dv.getUint32(24, true), 11);
  assert.equal(dv.getUint32(32, true), crc32c(enc('hello world')));
  assert.equal(dv.getUint32(40, true), crc32c(b, 0, 40));
  assert.equal(dec(b.subarray(48)), 'hello world');
  assert.deepEqual(fs.list('.'), ['f'], 'no temporary file left behind');
  const r = readCheckpointFile(fs, 'f', 7);
  assert.deepEqual([r.lsn, r.kind, dec(r.payload)], [0x1_0000_0008, 7, 'hello world']);
});

/** Records the largest single write, to prove payloads move in chunks. */
class WriteSpy extends MemoryFs {
  maxWrite = 0;
  override write(fd: Fd, buf: Uint8Array, off: number, len: number, position: number): void {
    this.maxWrite = Math.max(this.maxWrite, len);
    super.write(fd, buf, off, len, position);
  }
}

test('large payloads stream through chunk-sized writes and read back into a target array', () => {
  const fs = new WriteSpy();
  const n = 1_500_000; // 6 MB of float32
  const vec = new Float32Array(n);
  for (let i = 0; i < n; i++) vec[i] = Math.fround(Math.sin(i) * 100);
  const w = CheckpointWriter.create(fs, 'seg', { lsn: 64, kind: KIND_TABLE });
  const head = new Uint8Array([1, 2, 3]);
  w.write(head);
  w.writeF32(vec, 0, n);
  assert.equal(w.length, 3 + n * 4);
  w.commit();
  assert.ok(fs.maxWrite <= CHECKPOINT_CHUNK_BYTES, `largest write ${fs.maxWrite} bytes`);
  const r = CheckpointReader.open(fs, 'seg', KIND_TABLE);
  assert.deepEqual([...r.readBytes(3)], [1, 2, 3]);
  const back = new Float32Array(n + 2);
  r.readF32Into(back, 1, n);
  assert.equal(r.remaining, 0);
  r.finish();
  assert.deepEqual(back.subarray(1, n + 1), vec);
});

test('every kind of damage is XX001 naming the file; payload damage is caught by finish()', () => {
  const fs = new MemoryFs();
  fs.mkdir('base');
  const path = 'base/t.1';
  writeCheckpointFile(fs, path, { lsn: 8, kind: KIND_TABLE }, new Uint8Array(3000).fill(5));
  const good = fs.readAll(path);
  const bad = (mutate: (b: Uint8Array, dv: DataView) => Uint8Array | void, reason: string, kind: number | undefined = KIND_TABLE) => {
    const b = good.slice();
    const out = mutate(b, new DataView(b.buffer)) ?? b;
    overwrite(fs, path, out);
    assert.throws(() => readCheckpointFile(fs, path, kind), isXX001(`invalid checkpoint file "${path}": ${reason}`), reason);
  };
  const fixHeader = (b: Uint8Array, dv: DataView) => dv.setUint32(40, crc32c(b, 0, 40), true);
  bad((b) => { b[0] = 0x58; }, 'bad magic number');
  bad((b) => { b[17]! ^= 1; }, 'incorrect header checksum');
  bad((b, dv) => { dv.setUint32(8, 9, true); fixHeader(b, dv); }, 'unsupported format version 9 (expected 1)');
  bad(() => undefined, `file kind ${KIND_TABLE} (expected 3)`, 3);
  bad((b) => b.subarray(0, 2000), 'file size 2000 does not match header (48 + 3000)');
  bad((b) => b.subarray(0, 20), 'file is too short for a header (20 bytes)');
  bad((b) => { b[2500]! ^= 0x40; }, 'incorrect payload checksum');
  overwrite(fs, path, new Uint8Array(0));
  assert.throws(() => readCheckpointFile(fs, path), isXX001(`invalid checkpoint file "${path}": file is too short for a header (0 bytes)`));
  assert.throws(() => CheckpointReader.open(fs, 'base/missing.1'), (e: unknown) =>
    e instanceof PgError && e.code === '58P01' && e.message === 'could not open file "base/missing.1": No such file or directory');
});

test('reading past the payload is XX001, not garbage', () => {
  const fs = new MemoryFs();
  writeCheckpointFile(fs, 'f', { lsn: 0, kind: 1 }, enc('abc'));
  const r = CheckpointReader.open(fs, 'f');
  assert.throws(() => r.readBytes(4), isXX001('invalid checkpoint file "f": payload ends after 3 bytes, 4 needed'));
  r.close();
});

test('replacing a file is atomic: a crash at any step leaves the old or the new contents', () => {
  let sawOld = 0;
  let sawNew = 0;
  for (let crashAt = 1; crashAt < 30; crashAt++) {
    const mem = new MemoryFs();
    writeCheckpointFile(mem, 'f', { lsn: 0, kind: 1 }, enc('old contents'));
    mem.fsyncDir('.');
    const fs = new FaultyFs(mem, { seed: crashAt, crashAtOp: crashAt, crash: { tornTail: 1 } });
    let finished = false;
    try {
      writeCheckpointFile(fs, 'f', { lsn: 8, kind: 1 }, enc('new contents, longer than the old'));
      finished = true;
      fs.crashNow();
    } catch (e) {
      assert.ok(e instanceof SimulatedCrash, String(e));
    }
    fs.reboot();
    const text = dec(readCheckpointFile(mem, 'f').payload);
    if (finished) assert.equal(text, 'new contents, longer than the old', `crash at op ${crashAt} after commit`);
    if (text === 'old contents') sawOld++;
    else if (text === 'new contents, longer than the old') sawNew++;
    else assert.fail(`crash at op ${crashAt}: mixed contents ${text}`);
    if (finished) break;
  }
  assert.ok(sawOld > 0 && sawNew > 0);
});

test('a full disk or a denied rename fails the write cleanly and keeps the old file', () => {
  const mem = new MemoryFs();
  const fs = new FaultyFs(mem);
  fs.mkdir('base');
  writeCheckpointFile(fs, 'base/t.1', { lsn: 0, kind: 1 }, enc('old'));
  fs.spaceLeftBytes = 100;
  assert.throws(
    () => writeCheckpointFile(fs, 'base/t.1', { lsn: 8, kind: 1 }, new Uint8Array(500)),
    (e: unknown) => e instanceof PgError && e.code === '53100' && e.message === 'could not write to file "base/t.1.tmp": No space left on device',
  );
  fs.spaceLeftBytes = Infinity;
  assert.deepEqual(fs.list('base'), ['t.1'], 'temporary file removed');
  fs.failNext('rename', 'EACCES');
  assert.throws(
    () => writeCheckpointFile(fs, 'base/t.1', { lsn: 8, kind: 1 }, enc('new')),
    (e: unknown) => e instanceof PgError && e.code === '42501' && e.message === 'could not rename file "base/t.1.tmp" to "base/t.1": Permission denied',
  );
  assert.deepEqual(fs.list('base'), ['t.1']);
  fs.readOnly = true;
  assert.throws(() => writeCheckpointFile(fs, 'base/t.1', { lsn: 8, kind: 1 }, enc('new')), (e: unknown) =>
    e instanceof PgError && e.code === '42501' && e.message === 'could not create file "base/t.1.tmp": Read-only file system');
  assert.equal(dec(readCheckpointFile(fs, 'base/t.1').payload), 'old');
});

function writeGeneration(store: CheckpointStore, redo: number, tables: Record<string, string>): void {
  const b = store.begin(redo);
  for (const [name, text] of Object.entries(tables)) {
    const w = b.file(name, KIND_TABLE);
    w.write(enc(text));
    w.commit();
  }
  b.commit({ tables: Object.keys(tables) });
}

function readGeneration(fs: StorageBackend, dataDir: string): { redo: number; tables: Record<string, string> } | null {
  const store = new CheckpointStore(fs, dataDir);
  const c = store.open();
  if (c === null) return null;
  const tables: Record<string, string> = {};
  for (const name of (c.meta as { tables: string[] }).tables) {
    const r = store.read(name, KIND_TABLE);
    const text = dec(r.readBytes(r.length).slice());
    r.finish();
    tables[name] = text;
  }
  return { redo: c.redoLsn, tables };
}

test('checkpoint store: generations switch through the control file and old files go away', () => {
  const fs = new MemoryFs();
  const store = new CheckpointStore(fs, 'db');
  assert.equal(store.open(), null);
  writeGeneration(store, 64, { t1: 'one', t2: 'two' });
  assert.deepEqual(fs.list('db/base'), ['t1.1', 't2.1']);
  writeGeneration(store, 128, { t1: 'uno' });
  assert.deepEqual(fs.list('db/base'), ['t1.2']);
  assert.deepEqual(readGeneration(fs, 'db'), { redo: 128, tables: { t1: 'uno' } });
  assert.equal(readControl(fs, 'db')?.checkpointId, 2);
  // Leftovers of an interrupted checkpoint are swept at open.
  const stray = fs.open('db/base/t9.3.tmp', 'create');
  fs.close(stray);
  writeCheckpointFile(fs, 'db/base/t9.3', { lsn: 0, kind: KIND_TABLE }, enc('orphan'));
  assert.deepEqual(readGeneration(fs, 'db'), { redo: 128, tables: { t1: 'uno' } });
  assert.deepEqual(fs.list('db/base'), ['t1.2']);
});

test('a damaged control file or table file is an error naming it, never an empty database', () => {
  const fs = new MemoryFs();
  const store = new CheckpointStore(fs, 'db');
  store.open();
  writeGeneration(store, 64, { t1: 'one' });
  const t1 = fs.readAll('db/base/t1.1');
  t1[t1.length - 1]! ^= 1;
  overwrite(fs, 'db/base/t1.1', t1);
  assert.throws(() => readGeneration(fs, 'db'), isXX001('invalid checkpoint file "db/base/t1.1": incorrect payload checksum'));
  const ctl = fs.readAll(`db/${CONTROL_FILE_NAME}`);
  overwrite(fs, `db/${CONTROL_FILE_NAME}`, ctl.subarray(0, ctl.length - 1));
  assert.throws(() => readGeneration(fs, 'db'), (e: unknown) =>
    e instanceof PgError && e.code === 'XX001' && e.message.startsWith(`invalid checkpoint file "db/${CONTROL_FILE_NAME}": file size`));
});

test('a crash at any step of a checkpoint leaves the previous or the new one, complete', () => {
  const outcomes = new Set<number>();
  for (let crashAt = 1; crashAt < 60; crashAt++) {
    const mem = new MemoryFs();
    const first = new CheckpointStore(mem, 'db');
    first.open();
    writeGeneration(first, 64, { a: 'a1', b: 'b1' });
    const fs = new FaultyFs(mem, { seed: crashAt, crashAtOp: crashAt, crash: { tornTail: 1, scribble: 0.3 } });
    let finished = false;
    try {
      const store = new CheckpointStore(fs, 'db');
      store.open();
      writeGeneration(store, 256, { a: 'a2', c: 'c2' });
      finished = true;
    } catch (e) {
      assert.ok(e instanceof SimulatedCrash, `crash at ${crashAt}: ${String(e)}`);
    }
    fs.reboot();
    const got = readGeneration(mem, 'db');
    if (got?.redo === 64) assert.deepEqual(got.tables, { a: 'a1', b: 'b1' }, `crash at op ${crashAt}`);
    else assert.deepEqual(got, { redo: 256, tables: { a: 'a2', c: 'c2' } }, `crash at op ${crashAt}`);
    outcomes.add(got!.redo);
    if (finished) break;
  }
  assert.deepEqual([...outcomes].sort((x, y) => x - y), [64, 256]);
});

/**
 * An incremental checkpoint: `write` holds new files (name -> text), `keep` the names of
 * relations whose file of the latest checkpoint is named again. The metadata maps each
 * relation to its full file name.
 */
function writeIncremental(store: CheckpointStore, redo: number, write: Record<string, string>, keep: string[]): void {
  const prev = (store.latest?.meta ?? { files: {} }) as { files: Record<string, string> };
  const b = store.begin(redo);
  const files: Record<string, string> = {};
  try {
    for (const name of keep) {
      b.keep(prev.files[name]!);
      files[name] = prev.files[name]!;
    }
    for (const [name, text] of Object.entries(write)) {
      const w = b.file(name, KIND_TABLE);
      w.write(enc(text));
      w.commit();
      files[name] = b.fileName(name);
    }
    b.commit({ files });
  } catch (e) {
    b.abort();
    throw e;
  }
}

function readIncremental(fs: StorageBackend, dataDir: string): Record<string, string> | null {
  const store = new CheckpointStore(fs, dataDir);
  const c = store.open();
  if (c === null) return null;
  const out: Record<string, string> = {};
  for (const [name, file] of Object.entries((c.meta as { files: Record<string, string> }).files)) {
    const r = store.readFile(file, KIND_TABLE);
    out[name] = dec(r.readBytes(r.length).slice());
    r.finish();
  }
  return out;
}

test('kept files: a later checkpoint names an older file, which the sweep of old generations leaves alone', () => {
  const fs = new MemoryFs();
  const store = new CheckpointStore(fs, 'db');
  store.open();
  writeIncremental(store, 64, { a: 'a1', b: 'b1' }, []);
  writeIncremental(store, 128, { a: 'a2' }, ['b']);
  assert.deepEqual(fs.list('db/base').sort(), ['a.2', 'b.1']);
  writeIncremental(store, 192, { c: 'c3' }, ['a', 'b']);
  assert.deepEqual(fs.list('db/base').sort(), ['a.2', 'b.1', 'c.3']);
  assert.deepEqual(readIncremental(fs, 'db'), { a: 'a2', b: 'b1', c: 'c3' });
  // A file the control file does not list is refused by name, never read.
  const reader = new CheckpointStore(fs, 'db');
  reader.readLatest();
  assert.throws(() => reader.readFile('a.1'), isXX001('invalid checkpoint file "db/vecgres.control": metadata names file "a.1" that the checkpoint does not list'));
  // A failed checkpoint (the disk fails an fsync) removes its own files, never a kept one.
  const faulty = new FaultyFs(fs, { seed: 1 });
  const again = new CheckpointStore(faulty, 'db');
  again.open();
  faulty.failNext('fsync', 'EIO');
  assert.throws(() => writeIncremental(again, 256, { d: 'd4' }, ['a', 'b', 'c']), (e: unknown) => e instanceof PgError && e.code === '58030');
  assert.deepEqual(fs.list('db/base').sort(), ['a.2', 'b.1', 'c.3']);
  assert.deepEqual(readIncremental(fs, 'db'), { a: 'a2', b: 'b1', c: 'c3' });
});

test('a crash or failed fsync at any step of incremental checkpoints leaves one generation, complete, kept files included', () => {
  const states: Record<string, string>[] = [
    { a: 'a1', b: 'b1' },
    { a: 'a2', b: 'b1' },
    { a: 'a2', b: 'b1', c: 'c3' },
    { a: 'a4', b: 'b1', c: 'c3' },
  ];
  const seen = new Set<string>();
  for (const fault of ['crash', 'fsync'] as const) {
    for (let at = 1; at < 120; at++) {
      const mem = new MemoryFs();
      const fs = new FaultyFs(mem, fault === 'crash' ? { seed: at, crashAtOp: at, crash: { tornTail: 1, scribble: 0.3 } } : { seed: at, fsyncEio: 0.15 });
      let done = false;
      let reached = -1;
      try {
        const store = new CheckpointStore(fs, 'db');
        store.open();
        writeIncremental(store, 64, { a: 'a1', b: 'b1' }, []);
        reached = 0;
        writeIncremental(store, 128, { a: 'a2' }, ['b']);
        reached = 1;
        writeIncremental(store, 192, { c: 'c3' }, ['a', 'b']);
        reached = 2;
        writeIncremental(store, 256, { a: 'a4' }, ['b', 'c']);
        reached = 3;
        done = true;
      } catch (e) {
        assert.ok(e instanceof SimulatedCrash || (e instanceof PgError && e.code === '58030'), `${fault} at ${at}: ${String(e)}`);
      }
      fs.powerCut();
      const got = readIncremental(mem, 'db');
      if (got === null) {
        assert.equal(reached, -1, `${fault} at ${at}: a finished checkpoint was lost`);
        continue;
      }
      const sorted = (o: Record<string, string>) => JSON.stringify(Object.entries(o).sort());
      const i = states.findIndex((s) => sorted(s) === sorted(got));
      assert.ok(i >= reached && i <= reached + 1, `${fault} at ${at}: recovered ${JSON.stringify(got)} after checkpoint ${reached}`);
      seen.add(`${fault}:${i}`);
      if (done && fault === 'crash') break;
    }
  }
  for (let i = 0; i < states.length; i++) assert.ok(seen.has(`crash:${i}`), `crash trials reached generation ${i}: ${[...seen].join(' ')}`);
});

test('payloads stream from and into shared WebAssembly memory (index arenas) without copies', () => {
  const fs = new MemoryFs();
  const mem = new WebAssembly.Memory({ initial: 2, maximum: 4, shared: true });
  const graph = new Int32Array(mem.buffer, 64, 1000).map((_, i) => i * 7 - 3000);
  const w = CheckpointWriter.create(fs, 'hnsw', { lsn: 8, kind: 20 });
  w.write(new Uint8Array(graph.buffer, graph.byteOffset, graph.byteLength));
  w.commit();
  const target = new Int32Array(mem.buffer, 65536, 1000);
  const r = CheckpointReader.open(fs, 'hnsw', 20);
  r.readInto(new Uint8Array(target.buffer, target.byteOffset, target.byteLength));
  r.finish();
  assert.deepEqual([...target], [...graph]);
});
