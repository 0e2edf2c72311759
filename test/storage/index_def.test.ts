import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeValue, encodeValue, type CodecValue } from '../../src/storage/codec.js';
import { indexDefFromValue, indexDefToValue } from '../../src/storage/redo.js';
import type { IndexDef } from '../../src/storage/catalog.js';
import { PgError } from '../../src/common/errors.js';

function roundTrip(v: CodecValue): CodecValue {
  return decodeValue(encodeValue(v));
}

test('an index definition with several keys, an expression and a predicate survives the log encoding', () => {
  const def: IndexDef = {
    name: 'items_expr_idx',
    table: 'items',
    keys: [
      { column: -1, expr: '(subvector(embedding, 1, 3))::vector(3)', opclass: 'vector_cosine_ops', descending: false, nullsFirst: false },
      { column: 2, expr: null, opclass: 'int4_ops', descending: true, nullsFirst: true },
    ],
    predicate: "(category = 'Science'::text)",
    unique: true,
    method: 'hnsw',
    options: [['m', '8']],
    primaryKey: false,
  };
  assert.deepEqual(indexDefFromValue(roundTrip(indexDefToValue(def))), def);
});

test('single-column index records written before keys existed still read', () => {
  const old = { name: 'items_embedding_idx', table: 'items', column: 1, method: 'hnsw', opclass: 'vector_l2_ops', options: [['m', '16']], primaryKey: false };
  const def = indexDefFromValue(roundTrip(old));
  assert.deepEqual(def, {
    name: 'items_embedding_idx', table: 'items',
    keys: [{ column: 1, expr: null, opclass: 'vector_l2_ops', descending: false, nullsFirst: false }],
    predicate: null, unique: false, method: 'hnsw', options: [['m', '16']], primaryKey: false,
  });
  const pk = indexDefFromValue(roundTrip({ name: 't_pkey', table: 't', column: 0, method: 'btree', opclass: '', options: [], primaryKey: true }));
  assert.equal(pk.unique, true, 'a primary key index is unique');
});

test('a malformed index definition is XX001, never a TypeError', () => {
  const bad = [
    { name: 'i', table: 't', keys: [], method: 'hnsw', options: [], primaryKey: false },
    { name: 'i', table: 't', keys: [{ column: -1, expr: null, opclass: 'x' }], method: 'hnsw', options: [], primaryKey: false },
    { name: 'i', table: 't', keys: [{ column: 0, expr: 7, opclass: 'x' }], method: 'hnsw', options: [], primaryKey: false },
    { name: 'i', table: 't', keys: [null], method: 'hnsw', options: [], primaryKey: false },
    { name: 'i', table: 't', keys: [{ column: 0, expr: null, opclass: 'x' }], predicate: 3, method: 'hnsw', options: [], primaryKey: false },
  ];
  for (const v of bad) {
    assert.throws(() => indexDefFromValue(roundTrip(v as never)), (e: unknown) => e instanceof PgError && e.code === 'XX001', JSON.stringify(v));
  }
});
