/**
 * The data-directory archive keeps every entry whatever the sizes of the files: an archive whose
 * entries end exactly on nanotar's 10,240-byte padding used to lose its last entry (an empty
 * WAL segment), so loadDataDir refused a dump with "file wal/... is missing".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packArchive, unpackArchive, type ArchiveFile } from '../../src/storage/data_dir_archive.js';

function files(baseBytes: number): ArchiveFile[] {
  const base = new Uint8Array(baseBytes);
  for (let i = 0; i < baseBytes; i++) base[i] = (i * 31 + 7) & 0xff;
  return [
    { path: 'vecgres.control', data: new Uint8Array([1, 2, 3, 4, 5]) },
    { path: 'base/t16384', data: base },
    { path: 'wal/0000000000000000.wal', data: new Uint8Array(0) },
  ];
}

/** The archive cut right after its last entry, as a writer that adds no zero blocks leaves it. */
function withoutTrailingZeros(tar: Uint8Array): Uint8Array {
  let end = tar.length;
  while (end > 0 && tar[end - 1] === 0) end--;
  return tar.slice(0, Math.ceil(end / 512) * 512);
}

test('every entry survives a pack/unpack round trip for file sizes across the 10,240-byte padding', () => {
  let tight = 0;
  for (let n = 0; n <= 2 * 10240; n += 97) {
    const want = files(n);
    const tar = packArchive(want, 0);
    assert.ok(tar.length % 512 === 0 && tar.subarray(tar.length - 1024).every((b) => b === 0), `size ${n}: two zero blocks end the archive`);
    const cut = withoutTrailingZeros(tar);
    if (cut.length % 10240 === 0) tight++;
    for (const t of [tar, cut]) {
      const got = unpackArchive(t);
      assert.deepEqual(got.map((f) => f.path), want.map((f) => f.path), `size ${n}`);
      for (let i = 0; i < want.length; i++) assert.deepEqual(got[i]!.data, want[i]!.data, `size ${n}: ${want[i]!.path}`);
    }
  }
  // The sweep reaches the case that lost the last entry: entries filling a 10,240-byte multiple.
  assert.ok(tight > 0, 'some archive ended exactly on a 10,240-byte boundary');
});
