import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { NodeFs } from '../../src/storage/fs_node.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { joinPath, type StorageBackend } from '../../src/storage/fs.js';
import { readWal, segmentName, Wal, type WalOptions } from '../../src/storage/wal.js';
import {
  checkRecord,
  formatLsn,
  isWalStop,
  sealRecord,
  walRecordSpan,
  WAL_HEADER_BYTES,
  WAL_OFF_CRC,
  WAL_OFF_FLAGS,
  WAL_OFF_LSN,
  WAL_OFF_RESERVED,
  WAL_OFF_TOTAL_LEN,
  WAL_OFF_TYPE,
  WAL_OFF_XID,
  type WalRecord,
} from '../../src/storage/wal_record.js';
import { crc32c, crc32cFinish, crc32cUpdate, CRC32C_INIT } from '../../src/storage/crc32c.js';
import { PgError } from '../../src/common/errors.js';
import { Prng } from '../../src/common/prng.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

interface Got { lsn: number; type: number; xid: number; flags: number; text: string }

function reopen(fs: StorageBackend, dir: string, opts: WalOptions = {}) {
  const got: Got[] = [];
  const res = Wal.open(fs, dir, {
    ...opts,
    onRecord: (r: WalRecord) => got.push({ lsn: r.lsn, type: r.type, xid: r.xid, flags: r.flags, text: dec(r.payload) }),
  });
  return { ...res, got };
}

test('record header layout: sizes and offsets as drawn in wal_record.ts', () => {
  assert.equal(WAL_HEADER_BYTES, 24);
  assert.deepEqual(
    [WAL_OFF_TOTAL_LEN, WAL_OFF_CRC, WAL_OFF_LSN, WAL_OFF_TYPE, WAL_OFF_FLAGS, WAL_OFF_RESERVED, WAL_OFF_XID],
    [0, 4, 8, 16, 17, 18, 20],
  );
  assert.equal(walRecordSpan(0), 24);
  assert.equal(walRecordSpan(1), 32);
  assert.equal(walRecordSpan(8), 32);
  assert.equal(walRecordSpan(9), 40);
  const buf = new Uint8Array(64).fill(0xee);
  buf.set(enc('abcde'), 24);
  const dv = new DataView(buf.buffer);
  const lsn = 0x1_0000_0010;
  const span = sealRecord(buf, dv, 0, 5, lsn, 7, 3, 0xfffffffe);
  assert.equal(span, 32);
  assert.equal(dv.getUint32(0, true), 29, 'total length = header + payload, no padding');
  assert.equal(dv.getUint32(8, true), 0x10);
  assert.equal(dv.getUint32(12, true), 1, 'lsn high word');
  assert.deepEqual([buf[16], buf[17], buf[18], buf[19]], [7, 3, 0, 0]);
  assert.equal(dv.getUint32(20, true), 0xfffffffe);
  assert.deepEqual([...buf.subarray(29, 32)], [0, 0, 0], 'padding is zeroed');
  assert.equal(buf[32], 0xee, 'nothing written past the span');
  const crc = crc32cFinish(crc32cUpdate(crc32cUpdate(CRC32C_INIT, buf, 0, 4), buf, 8, 21));
  assert.equal(dv.getUint32(4, true), crc, 'CRC covers [0,4) and [8,total)');
  assert.notEqual(crc, crc32c(buf, 8, 21));
  const r = checkRecord(buf, dv, 0, 32, lsn);
  assert.ok(!isWalStop(r));
  assert.equal(r.endLsn, lsn + 32);
  assert.equal(dec(r.payload), 'abcde');
  assert.equal(formatLsn(lsn), '1/10');
  assert.equal(formatLsn(0x16b3d48), '0/16B3D48');
});

test('checkRecord names each kind of damage the way PostgreSQL words it', () => {
  const buf = new Uint8Array(64);
  const dv = new DataView(buf.buffer);
  sealRecord(buf, dv, 0, 8, 0x40, 1, 0, 0);
  const at = (b: Uint8Array, avail: number, lsn = 0x40) => checkRecord(b, new DataView(b.buffer), 0, avail, lsn);
  assert.deepEqual(at(buf, 10), { lsn: 0x40, kind: 'torn', message: 'invalid record length at 0/40: expected at least 24, got 10' });
  assert.deepEqual(at(buf, 20 + 8), { lsn: 0x40, kind: 'torn', message: 'record at 0/40 is incomplete: expected 32 bytes, found 28' });
  assert.deepEqual(at(new Uint8Array(64), 64), { lsn: 0x40, kind: 'corrupt', message: 'invalid record length at 0/40: expected at least 24, got 0' });
  const flipped = buf.slice();
  flipped[30]! ^= 4;
  assert.deepEqual(at(flipped, 32), { lsn: 0x40, kind: 'corrupt', message: 'incorrect record checksum at 0/40' });
  assert.deepEqual(at(buf, 32, 0x48), { lsn: 0x48, kind: 'corrupt', message: 'record with incorrect lsn 0/40 at 0/48' });
});

test('append, flush, reopen: records come back in order with their fields', () => {
  const fs = new MemoryFs();
  const { wal, records, endLsn, stop } = Wal.open(fs, 'wal');
  assert.deepEqual([records, endLsn, stop], [0, 0, null]);
  const lsns: number[] = [];
  for (let i = 0; i < 100; i++) lsns.push(wal.append(1 + (i % 5), i, enc(`row ${i}`), 0, undefined, i & 255));
  assert.equal(wal.flushedLsn, 0);
  wal.flush();
  assert.equal(wal.flushedLsn, wal.insertLsn);
  wal.close();
  for (let i = 1; i < lsns.length; i++) assert.ok(lsns[i]! > lsns[i - 1]! && lsns[i]! % 8 === 0);
  const r = reopen(fs, 'wal');
  assert.equal(r.records, 100);
  assert.equal(r.stop, null);
  assert.deepEqual(r.got[42], { lsn: lsns[42], type: 3, xid: 42, flags: 42, text: 'row 42' });
  assert.equal(r.endLsn, wal.insertLsn);
  // Appending after reopen continues at the end.
  assert.equal(r.wal.append(1, 0, enc('next')), r.endLsn);
  r.wal.close();
  assert.equal(reopen(fs, 'wal').records, 101);
});

test('segments roll over, are named by start LSN, and are contiguous; big records get their own', () => {
  const fs = new MemoryFs();
  const opts = { segmentBytes: 256 };
  const { wal } = Wal.open(fs, 'wal', opts);
  for (let i = 0; i < 30; i++) wal.append(1, i, enc(`payload number ${i}`));
  const big = wal.append(2, 0, new Uint8Array(1000).fill(7));
  wal.append(1, 0, enc('after big'));
  wal.close();
  const names = fs.list('wal');
  assert.ok(names.length > 5, `${names.length} segments`);
  const starts = names.map((n) => parseInt(n.slice(0, 16), 16));
  for (let i = 0; i + 1 < starts.length; i++) {
    assert.equal(starts[i]! + fs.sizeOf(joinPath('wal', names[i]!)), starts[i + 1], `segment ${names[i]} ends where the next starts`);
    if (starts[i] !== big) assert.ok(fs.sizeOf(joinPath('wal', names[i]!)) <= 256);
  }
  assert.ok(names.includes(segmentName(big)), 'the big record starts a segment');
  assert.equal(segmentName(0x1000000), '0000000001000000.wal');
  const r = reopen(fs, 'wal', opts);
  assert.equal(r.records, 32);
  assert.equal(r.got[30]!.text.length, 1000);
  assert.equal(r.got[31]!.text, 'after big');
});

test('replay starts at the redo LSN, and old segments can be removed', () => {
  const fs = new MemoryFs();
  const opts = { segmentBytes: 200 };
  const { wal } = Wal.open(fs, 'wal', opts);
  const lsns: number[] = [];
  for (let i = 0; i < 40; i++) lsns.push(wal.append(1, i, enc(`r${i}`)));
  wal.flush();
  const redo = lsns[25]!;
  const before = fs.list('wal').length;
  const removed = wal.removeSegmentsBefore(redo);
  assert.ok(removed > 0 && fs.list('wal').length === before - removed);
  wal.close();
  const r = reopen(fs, 'wal', { ...opts, redoLsn: redo });
  assert.deepEqual(r.got.map((g) => g.xid), Array.from({ length: 15 }, (_, i) => 25 + i));
  r.wal.close();
  // A redo point before the oldest remaining segment is an error, not a silent empty replay.
  assert.throws(() => Wal.open(fs, 'wal', { ...opts, redoLsn: 0 }), (e: unknown) =>
    e instanceof PgError && e.code === 'XX001' && /could not find the write-ahead log segment containing 0\/0/.test(e.message));
});

test('a torn tail ends replay with a report; the log is cut there and stays appendable', () => {
  let stops = 0;
  let extra = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const fs = new MemoryFs();
    const { wal } = Wal.open(fs, 'wal', { segmentBytes: 512 });
    for (let i = 0; i < 20; i++) wal.append(1, i, enc(`durable ${i}`));
    wal.flush();
    for (let i = 20; i < 40; i++) wal.append(1, i, enc(`volatile ${i}`));
    (wal as unknown as { writeOut(): void }).writeOut(); // written, never fsynced
    fs.crash({ prng: new Prng(seed), tornTail: 1, scribble: 0.5 });
    const r = reopen(fs, 'wal', { segmentBytes: 512 });
    assert.ok(r.records >= 20, `seed ${seed}: flushed records survive`);
    r.got.forEach((g, i) => assert.equal(g.xid, i, `seed ${seed}: records form a prefix`));
    if (r.stop !== null) assert.equal(r.stop.lsn, r.endLsn, `seed ${seed}`);
    if (r.stop !== null) stops++;
    if (r.records > 20) extra++;
    r.wal.append(9, 99, enc('after recovery'));
    r.wal.close();
    const again = reopen(fs, 'wal', { segmentBytes: 512 });
    assert.equal(again.stop, null, `seed ${seed}: the cut left a clean log`);
    assert.equal(again.records, r.records + 1);
    assert.equal(again.got[again.got.length - 1]!.text, 'after recovery');
  }
  assert.ok(stops > 5 && extra > 5, `torn stops ${stops}, unflushed records kept ${extra} (of 30)`);
});

test('corruption inside an earlier segment stops replay there and drops the later segments', () => {
  const fs = new MemoryFs();
  const { wal } = Wal.open(fs, 'wal', { segmentBytes: 128 });
  const lsns: number[] = [];
  for (let i = 0; i < 20; i++) lsns.push(wal.append(1, i, enc(`rec ${i}`)));
  wal.close();
  const victim = lsns[5]!;
  const names = fs.list('wal');
  const seg = names.filter((n) => parseInt(n, 16) <= victim).pop()!;
  const bytes = fs.readAll(joinPath('wal', seg));
  bytes[victim - parseInt(seg, 16) + WAL_HEADER_BYTES + 1]! ^= 0x10;
  const fd = fs.open(joinPath('wal', seg), 'write');
  fs.write(fd, bytes, 0, bytes.length, 0);
  fs.close(fd);
  const r = reopen(fs, 'wal', { segmentBytes: 128 });
  assert.equal(r.records, 5);
  assert.deepEqual(r.stop, { lsn: victim, kind: 'corrupt', message: `incorrect record checksum at ${formatLsn(victim)}` });
  assert.equal(fs.list('wal').at(-1), seg, 'later segments were removed');
  r.wal.close();
});

test('group commit: sessions committing together share one fsync', async () => {
  const fs = new MemoryFs();
  const { wal } = Wal.open(fs, 'wal');
  const sessions = Array.from({ length: 10 }, async (_, i) => {
    const lsn = wal.append(1, i, enc(`commit ${i}`));
    await wal.flushAsync(lsn + 1);
    return lsn;
  });
  const before = wal.fsyncs;
  await Promise.all(sessions);
  assert.equal(wal.fsyncs - before, 1);
  assert.equal(wal.flushedLsn, wal.insertLsn);
  // Already durable: no fsync at all.
  await wal.flushAsync(wal.flushedLsn);
  assert.equal(wal.fsyncs - before, 1);
  // Two waves: the second arrives after the first fsync began and gets the next one.
  const a = wal.append(1, 0, enc('a'));
  const pa = wal.flushAsync(a + 1);
  await new Promise((r) => setImmediate(r));
  const b = wal.append(1, 0, enc('b'));
  await Promise.all([pa, wal.flushAsync(b + 1)]);
  assert.equal(wal.fsyncs - before, 3);
  wal.close();
});

test('group commit with the real file system', async () => {
  const root = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-wal-'));
  try {
    const fs = new NodeFs();
    const dir = joinPath(root, 'wal');
    const { wal } = Wal.open(fs, dir, { segmentBytes: 1024 });
    await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      const lsn = wal.append(1, i, enc(`durable row ${i}`.repeat(3)));
      await wal.flushAsync(lsn + 1);
    }));
    assert.ok(wal.fsyncs < 50, `${wal.fsyncs} fsyncs for 50 commits`);
    wal.close();
    const r = reopen(fs, dir, { segmentBytes: 1024 });
    assert.equal(r.records, 50);
    assert.ok(nodeFs.readdirSync(dir).length > 1);
    r.wal.close();
  } finally {
    nodeFs.rmSync(root, { recursive: true, force: true });
  }
});

test('a failed fsync fails the commit and every later use, with PostgreSQL wording', async () => {
  const mem = new MemoryFs();
  const fs = new FaultyFs(mem);
  const { wal } = Wal.open(fs, 'wal');
  wal.append(1, 1, enc('one'));
  wal.flush();
  const lsn = wal.append(1, 2, enc('two'));
  fs.failNext('fsync', 'EIO');
  const msg = `could not fsync file "wal/${segmentName(0)}": Input/output error`;
  await assert.rejects(wal.flushAsync(lsn + 1), (e: unknown) => e instanceof PgError && e.code === '58030' && e.message === msg);
  assert.throws(() => wal.append(1, 3, enc('three')), (e: unknown) => e instanceof PgError && e.message === msg);
  assert.throws(() => wal.flush(), (e: unknown) => e instanceof PgError && e.code === '58030');
  assert.equal(wal.failed?.code, '58030');
  wal.close();
  // Recovery: what reached the disk is all or nothing per record.
  fs.reboot();
  const r = reopen(fs, 'wal');
  assert.deepEqual(r.got.map((g) => g.text), ['one']);
  r.wal.close();
});

test('a full disk while writing the log is 53100 and nothing half-written survives recovery', () => {
  const mem = new MemoryFs();
  const fs = new FaultyFs(mem);
  const { wal } = Wal.open(fs, 'wal');
  wal.append(1, 1, enc('kept'));
  wal.flush();
  fs.spaceLeftBytes = 10;
  wal.append(1, 2, enc('does not fit in ten bytes'));
  assert.throws(() => wal.flush(), (e: unknown) =>
    e instanceof PgError && e.code === '53100' && e.message === `could not write to file "wal/${segmentName(0)}": No space left on device`);
  wal.close();
  fs.spaceLeftBytes = Infinity;
  const r = reopen(fs, 'wal'); // without a crash: the partial bytes are still in the file
  assert.deepEqual(r.got.map((g) => g.text), ['kept']);
  assert.equal(r.stop?.kind, 'torn');
  r.wal.append(1, 3, enc('after'));
  r.wal.close();
  assert.deepEqual(reopen(fs, 'wal').got.map((g) => g.text), ['kept', 'after']);
});

test('readWal iterates without opening the log for writing', () => {
  const fs = new MemoryFs();
  const { wal } = Wal.open(fs, 'wal', { segmentBytes: 100 });
  for (let i = 0; i < 10; i++) wal.append(1, i, enc(`x${i}`));
  wal.close();
  const it = readWal(fs, 'wal', 0);
  let n = 0;
  let step = it.next();
  while (!step.done) {
    n++;
    step = it.next();
  }
  assert.equal(n, 10);
  assert.equal(step.value, null);
});

test('closing while a group commit is in flight answers its waiters and closes once', async () => {
  const fs = new MemoryFs();
  const { wal } = Wal.open(fs, 'wal');
  const lsn = wal.append(1, 1, enc('x'));
  const p = wal.flushAsync(lsn + 1);
  wal.close();
  await p;
  assert.equal(reopen(fs, 'wal').records, 1);
});

test('records replayed after a restart that was not a power loss are made durable before the log is used', () => {
  // An fsync fails (EIO): the records reached the OS but not the disk. A restart that keeps
  // the OS's view replays them; a power cut after that must not take them back, or a state
  // sessions already saw would vanish (PostgreSQL fsyncs the data directory at the start of
  // crash recovery for this: SyncDataDirectory).
  const fs = new FaultyFs(new MemoryFs(), { seed: 5 });
  const payload = new TextEncoder().encode('row');
  const count = (): number => {
    const { wal, records } = Wal.open(fs, 'wal');
    wal.close();
    return records;
  };
  {
    const { wal } = Wal.open(fs, 'wal');
    for (let i = 0; i < 3; i++) wal.append(1, 1, payload);
    wal.flush();
    fs.setPlan({ seed: 5, fsyncEio: 1 });
    for (let i = 0; i < 4; i++) wal.append(1, 1, payload);
    assert.throws(() => wal.flush(), { code: '58030' });
    fs.setPlan({ seed: 5 });
  }
  assert.equal(count(), 7); // the restart reads what the OS holds
  fs.powerCut();
  assert.equal(count(), 7);
});
