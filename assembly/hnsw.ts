// HNSW graph search and insertion over the shared linear memory (Malkov & Yashunin, 2018,
// "Efficient and robust approximate nearest neighbor search using Hierarchical Navigable Small
// World graphs": Algorithm 1 INSERT, Algorithm 2 SEARCH-LAYER, Algorithm 4
// SELECT-NEIGHBORS-HEURISTIC), following hnswlib's choices (greedy descent through the upper
// layers, M neighbours chosen for a new node on every layer, lists shrunk by the heuristic when
// they overflow: M on upper layers, M0 = 2M on layer 0) plus pgvector's keepPrunedConnections
// (see selectHeuristic for the measurements behind these choices).
//
// Everything lives in memory that src/index/hnsw/graph.ts allocates; this module keeps no state
// of its own (no data segments, no allocation), so any number of graphs share one instance.
// The plain TypeScript twin in src/index/hnsw/reference.ts implements the same functions over
// the same layout; the tests compare the two. Keep the offsets below in sync with graph.ts.

import { hsum, popcnt16, sumU16x8 } from './_simd';

// Graph header, i32 words at `g` (byte offsets).
const G_DIM: usize = 0; // vector dimensions rounded up to a multiple of 4 (padding is zero)
const G_METRIC: usize = 4; // float32: 0 = squared L2, 1 = negative inner product, 2 = L1;
// binary16: 3, 4, 5 the same; bits: 6 = Hamming, 7 = Jaccard; sparse: 8, 9, 10 (layout.ts)
const G_REC: usize = 8; // bytes per level-0 record
const G_L0: usize = 12; // pointer to the chunk table: u32 pointers to chunks of level-0 records
const G_HDR: usize = 16; // byte offset of the node header inside a record (= vector bytes)
const G_M: usize = 20;
const G_M0: usize = 24;
const G_UPPER: usize = 28; // pointer to the upper-level pool
const G_EFC: usize = 36;
const G_ENTRY: usize = 40; // entry point node, -1 when empty
const G_MAXLEVEL: usize = 44;
const G_CHUNK_SHIFT: usize = 48; // log2 of the records per chunk
// Parallel builds (src/access/hnsw/parallel.ts): a pointer to one i32 lock word per node, 0
// outside a parallel build (then no lock is taken and insertion is exactly the serial one), and
// the lock word of the entry point and max level.
const G_LOCKS: usize = 52;
const G_ELOCK: usize = 56;
// The neighbour-selection rule of INSERT (layout.ts PRUNE_* bits; 0, the default, fills both
// the new node's list and shrunk lists with pruned candidates, see selectHeuristic).
const G_PRUNE: usize = 60;
const PRUNE_NO_FILL_SHRUNK: i32 = 1;
const PRUNE_NO_FILL_NEW: i32 = 2;
const PRUNE_NEW_M0: i32 = 4;
// A build's layer-0 neighbour-distance cache (layout.ts): pointer (0 = none) and nodes covered.
const G_CACHE: usize = 64;
const G_CACHE_CAP: usize = 68;

// Node header, relative to record + G_HDR.
const N_LEVEL: usize = 4;
const N_UPPER: usize = 8; // word index of the node's first upper list in the pool
// Flags: bit 0 deleted, bit 1 unlinked, bits 2-31 the duplicate ring's next node + 1 (layout.ts
// RING_SHIFT: byte-identical vectors, linked so that a search reaching one reaches them all).
const N_FLAGS: usize = 12;
const RING_SHIFT: u32 = 2;
const N_COUNT: usize = 16; // level-0 neighbour count, followed by M0 neighbour ids

// Per-search scratch, i32 words at `s`.
const S_VISITED: usize = 0; // u16 epoch tag per node (half the cache footprint of u32, as hnswlib)
const S_VCAP: usize = 4; // nodes the visited array covers; ids beyond count as visited
const S_EPOCH: usize = 8;
const S_CAND: usize = 12; // min-heap of (dist f32, node i32), capacity VCAP
const S_RES: usize = 16; // max-heap of (dist, node), capacity >= ef + 1
const S_DISC: usize = 20; // min-heap of discarded candidates (iterative scans), capacity VCAP
const S_DISCSIZE: usize = 24;
const S_OUT: usize = 28; // results of the last search, ascending (dist, node)
const S_DCOUNT: usize = 36; // distance computations (wraps at 2^31; read as a delta)
const S_SEL: usize = 40; // (dist, node) scratch for shrinking a neighbour list, M0 + 1 entries
const S_ENTRY: usize = 44; // entry points (dist, node) for searchLayer
const S_TUPLES: usize = 48; // nodes visited by the searches sharing this scratch
const S_GDIST: usize = 52; // f32: distance of the node `greedy` returned
const S_FILTER: usize = 56; // bitset over node ids (bit n of u32 word n >>> 5), 0 = no filter
const S_FILTERN: usize = 60; // nodes the filter bitset covers
const S_NM: usize = 64; // M0 + 2 i32 words: non-matching neighbours of the node being expanded
const S_WIDE: usize = 68; // M0 slots of dimP float32: binary16 nodes widened for node-to-node distances (0 unless halfvec)
const S_RING: usize = 72; // the node whose duplicate ring the last INSERT joined, -1 if none
const S_TOUCH: usize = 32; // sink for the cache-warming loads, so they are not optimized away
// Bytes between the warming loads of a neighbour's vector: one per 64-byte cache line.
const TOUCH_STRIDE: usize = 64;

// ---- distances (vectors are zero-padded to a multiple of 4 floats, 16-byte aligned) ----
//
// Four accumulators over 16 floats a step: an f32x4.add has a latency of 3-4 cycles, so with
// one or two dependent chains a 1,536-d distance waits on its adds (384 of them); four chains
// keep both of a core's vector adders busy (measured in cache, 1,536-d: 101 ns with two, 91 ns
// with four; eight gain nothing more). dimP is a multiple of 4, so the tail is 0, 4, 8 or 12
// floats, added into the first accumulators. Sums are float32, in lane order per accumulator.

@inline function l2sq(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 16 <= dim; i += 16) {
    const o = <usize>(i << 2);
    const d0 = f32x4.sub(v128.load(a + o), v128.load(b + o));
    const d1 = f32x4.sub(v128.load(a + o, 16), v128.load(b + o, 16));
    const d2 = f32x4.sub(v128.load(a + o, 32), v128.load(b + o, 32));
    const d3 = f32x4.sub(v128.load(a + o, 48), v128.load(b + o, 48));
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
    s1 = f32x4.add(s1, f32x4.mul(d1, d1));
    s2 = f32x4.add(s2, f32x4.mul(d2, d2));
    s3 = f32x4.add(s3, f32x4.mul(d3, d3));
  }
  if (i < dim) {
    const o = <usize>(i << 2);
    const d0 = f32x4.sub(v128.load(a + o), v128.load(b + o));
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
    if (i + 4 < dim) {
      const d1 = f32x4.sub(v128.load(a + o, 16), v128.load(b + o, 16));
      s1 = f32x4.add(s1, f32x4.mul(d1, d1));
      if (i + 8 < dim) {
        const d2 = f32x4.sub(v128.load(a + o, 32), v128.load(b + o, 32));
        s2 = f32x4.add(s2, f32x4.mul(d2, d2));
      }
    }
  }
  return hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
}

@inline function negDot(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 16 <= dim; i += 16) {
    const o = <usize>(i << 2);
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(a + o, 32), v128.load(b + o, 32)));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(a + o, 48), v128.load(b + o, 48)));
  }
  if (i < dim) {
    const o = <usize>(i << 2);
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    if (i + 4 < dim) {
      s1 = f32x4.add(s1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
      if (i + 8 < dim) s2 = f32x4.add(s2, f32x4.mul(v128.load(a + o, 32), v128.load(b + o, 32)));
    }
  }
  return -hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
}

// Two accumulators over 8 floats a step (L1 is rare in builds), the tail of 4 into the first:
// on widened halves (dimP a multiple of 8) the order of qHalfL1.
@inline function l1(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 8 <= dim; i += 8) {
    const o = <usize>(i << 2);
    s0 = f32x4.add(s0, f32x4.abs(f32x4.sub(v128.load(a + o), v128.load(b + o))));
    s1 = f32x4.add(s1, f32x4.abs(f32x4.sub(v128.load(a + o, 16), v128.load(b + o, 16))));
  }
  if (i < dim) {
    const o = <usize>(i << 2);
    s0 = f32x4.add(s0, f32x4.abs(f32x4.sub(v128.load(a + o), v128.load(b + o))));
  }
  return hsum(f32x4.add(s0, s1));
}

// ---- halfvec: a node's vector is binary16 (pgvector's halfvec storage), padded to a multiple
// of 8 elements (16 bytes); float32 arithmetic, as pgvector's HalfvecL2SquaredDistance & co.
// The query of a search (and the node being inserted) is float32, widened once, so the search
// loop converts only the node's side of each distance (the q* kernels). Node-to-node distances
// of INSERT never convert both sides per distance: the neighbour selection widens each
// candidate once into the scratch's float32 slots and compares widened nodes with the float32
// kernels, whose accumulation order on a dimP that is a multiple of 8 is the q* kernels'; a
// shrinking list's owner is widened once and meets its neighbours through the q* kernels. The
// halfNode* kernels (both sides converted, same order) serve vacuum's single distances.
// Widening is exact, so every path gives the same float32 result for the same two nodes. ----

// binary16 -> float32 of four halves held sign-extended in i32 lanes (i32x4.extend_*_i16x8_s):
// shifted left by 13, a half's magnitude bits sit in float32 position and its sign in bit 31,
// with three copies of the sign in bits 28-30 that the mask clears; the multiply by 2^112
// rebiases the exponent (15 -> 127) and normalizes subnormal halves, exactly, and keeps the
// sign (F. Giesen's half_to_float with a magic multiply, sign folded into the multiply). Four
// operations where the unsigned form needs seven. An index holds finite halves only (halfvec
// refuses infinities and NaN), so there is no fix-up for exponent 31 (_simd.ts has one).
@inline function halfToF32x4s(h: v128): v128 {
  return f32x4.mul(v128.and(i32x4.shl(h, 13), i32x4.splat(0x8fffffff)), f32x4.splat(5.192296858534828e33)); // 2^112
}

@inline function halfLo(x: v128): v128 {
  return halfToF32x4s(i32x4.extend_low_i16x8_s(x));
}

@inline function halfHi(x: v128): v128 {
  return halfToF32x4s(i32x4.extend_high_i16x8_s(x));
}

/** Widens `dim` binary16 elements at `h` (a multiple of 8) to float32 at `dst`. */
@inline function widenHalves(h: usize, dst: usize, dim: i32): void {
  for (let i: i32 = 0; i < dim; i += 8) {
    const x = v128.load(h + <usize>(i << 1));
    const o = dst + <usize>(i << 2);
    v128.store(o, halfLo(x));
    v128.store(o, halfHi(x), 16);
  }
}

/**
 * Widens `n` binary16 values at `src` (n a multiple of 8, finite) to float32 at `dst`, as the
 * distance kernels do (the tests check it against the scalar conversion for every half).
 */
export function widenHalf(src: usize, dst: usize, n: i32): void {
  widenHalves(src, dst, n);
}

// Float32 query at `q` against binary16 node at `b`: four accumulators over 16 elements a step,
// the tail (dimP is a multiple of 8) one step of 8 into the first two.
@inline function qHalfL2sq(q: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 16 <= dim; i += 16) {
    const y = v128.load(b + <usize>(i << 1));
    const z = v128.load(b + <usize>(i << 1), 16);
    const qo = q + <usize>(i << 2);
    const d0 = f32x4.sub(v128.load(qo), halfLo(y));
    const d1 = f32x4.sub(v128.load(qo, 16), halfHi(y));
    const d2 = f32x4.sub(v128.load(qo, 32), halfLo(z));
    const d3 = f32x4.sub(v128.load(qo, 48), halfHi(z));
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
    s1 = f32x4.add(s1, f32x4.mul(d1, d1));
    s2 = f32x4.add(s2, f32x4.mul(d2, d2));
    s3 = f32x4.add(s3, f32x4.mul(d3, d3));
  }
  if (i < dim) {
    const y = v128.load(b + <usize>(i << 1));
    const qo = q + <usize>(i << 2);
    const d0 = f32x4.sub(v128.load(qo), halfLo(y));
    const d1 = f32x4.sub(v128.load(qo, 16), halfHi(y));
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
    s1 = f32x4.add(s1, f32x4.mul(d1, d1));
  }
  return hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
}

@inline function qHalfNegDot(q: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 16 <= dim; i += 16) {
    const y = v128.load(b + <usize>(i << 1));
    const z = v128.load(b + <usize>(i << 1), 16);
    const qo = q + <usize>(i << 2);
    s0 = f32x4.add(s0, f32x4.mul(v128.load(qo), halfLo(y)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(qo, 16), halfHi(y)));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(qo, 32), halfLo(z)));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(qo, 48), halfHi(z)));
  }
  if (i < dim) {
    const y = v128.load(b + <usize>(i << 1));
    const qo = q + <usize>(i << 2);
    s0 = f32x4.add(s0, f32x4.mul(v128.load(qo), halfLo(y)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(qo, 16), halfHi(y)));
  }
  return -hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
}

@inline function qHalfL1(q: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  for (let i: i32 = 0; i < dim; i += 8) {
    const y = v128.load(b + <usize>(i << 1));
    const qo = q + <usize>(i << 2);
    s0 = f32x4.add(s0, f32x4.abs(f32x4.sub(v128.load(qo), halfLo(y))));
    s1 = f32x4.add(s1, f32x4.abs(f32x4.sub(v128.load(qo, 16), halfHi(y))));
  }
  return hsum(f32x4.add(s0, s1));
}

// Both sides binary16, both converted (the same accumulators and order as the q* kernels, so
// the same result as widening either side first).
@inline function halfNodeL2sq(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 16 <= dim; i += 16) {
    const o = <usize>(i << 1);
    const x = v128.load(a + o);
    const y = v128.load(b + o);
    const x2 = v128.load(a + o, 16);
    const y2 = v128.load(b + o, 16);
    const d0 = f32x4.sub(halfLo(x), halfLo(y));
    const d1 = f32x4.sub(halfHi(x), halfHi(y));
    const d2 = f32x4.sub(halfLo(x2), halfLo(y2));
    const d3 = f32x4.sub(halfHi(x2), halfHi(y2));
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
    s1 = f32x4.add(s1, f32x4.mul(d1, d1));
    s2 = f32x4.add(s2, f32x4.mul(d2, d2));
    s3 = f32x4.add(s3, f32x4.mul(d3, d3));
  }
  if (i < dim) {
    const o = <usize>(i << 1);
    const x = v128.load(a + o);
    const y = v128.load(b + o);
    const d0 = f32x4.sub(halfLo(x), halfLo(y));
    const d1 = f32x4.sub(halfHi(x), halfHi(y));
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
    s1 = f32x4.add(s1, f32x4.mul(d1, d1));
  }
  return hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
}

@inline function halfNodeNegDot(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 16 <= dim; i += 16) {
    const o = <usize>(i << 1);
    const x = v128.load(a + o);
    const y = v128.load(b + o);
    const x2 = v128.load(a + o, 16);
    const y2 = v128.load(b + o, 16);
    s0 = f32x4.add(s0, f32x4.mul(halfLo(x), halfLo(y)));
    s1 = f32x4.add(s1, f32x4.mul(halfHi(x), halfHi(y)));
    s2 = f32x4.add(s2, f32x4.mul(halfLo(x2), halfLo(y2)));
    s3 = f32x4.add(s3, f32x4.mul(halfHi(x2), halfHi(y2)));
  }
  if (i < dim) {
    const o = <usize>(i << 1);
    const x = v128.load(a + o);
    const y = v128.load(b + o);
    s0 = f32x4.add(s0, f32x4.mul(halfLo(x), halfLo(y)));
    s1 = f32x4.add(s1, f32x4.mul(halfHi(x), halfHi(y)));
  }
  return -hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
}

@inline function halfNodeL1(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  for (let i: i32 = 0; i < dim; i += 8) {
    const o = <usize>(i << 1);
    const x = v128.load(a + o);
    const y = v128.load(b + o);
    s0 = f32x4.add(s0, f32x4.abs(f32x4.sub(halfLo(x), halfLo(y))));
    s1 = f32x4.add(s1, f32x4.abs(f32x4.sub(halfHi(x), halfHi(y))));
  }
  return hsum(f32x4.add(s0, s1));
}

// ---- bit: packed bits padded with zero bytes to a multiple of 16 (`dim` is in bytes here);
// counts are exact (pgvector's bitutils.c) ----

@inline function hamming(a: usize, b: usize, bytes: i32): f32 {
  // u16 lanes hold 16 per block: enough for 4,095 blocks (65,520 bytes, more than the index's
  // dimension limit allows).
  let acc = i16x8.splat(0);
  for (let i: i32 = 0; i < bytes; i += 16) acc = i16x8.add(acc, popcnt16(v128.xor(v128.load(a + <usize>i), v128.load(b + <usize>i))));
  return <f32>sumU16x8(acc);
}

// 1 - |a AND b| / |a OR b|; 1 for an empty intersection, as pgvector's jaccard_distance.
@inline function jaccard(a: usize, b: usize, bytes: i32): f32 {
  let and = i16x8.splat(0);
  let or = i16x8.splat(0);
  for (let i: i32 = 0; i < bytes; i += 16) {
    const x = v128.load(a + <usize>i);
    const y = v128.load(b + <usize>i);
    and = i16x8.add(and, popcnt16(v128.and(x, y)));
    or = i16x8.add(or, popcnt16(v128.or(x, y)));
  }
  const ab = sumU16x8(and);
  if (ab == 0) return 1;
  return <f32>(1.0 - <f64>ab / <f64>sumU16x8(or));
}

// ---- sparsevec (metrics 8 = squared L2, 9 = negative inner product, 10 = L1): a key is a
// descriptor [pointer, nnz] (u32 words) whose pointer holds nnz strictly increasing u32 indices
// then nnz f32 values (layout.ts); `dim` is unused. One merge over the two index lists, float32
// sums in merged index order, as pgvector's sparsevec.c ----

@inline function sparseDist(metric: i32, a: usize, b: usize): f32 {
  const ai = <usize>load<u32>(a);
  const na = load<i32>(a, 4);
  const bi = <usize>load<u32>(b);
  const nb = load<i32>(b, 4);
  const av = ai + (<usize>na << 2);
  const bv = bi + (<usize>nb << 2);
  let s: f32 = 0;
  let i: i32 = 0;
  let j: i32 = 0;
  if (metric == 9) {
    while (i < na && j < nb) {
      const x = load<u32>(ai + (<usize>i << 2));
      const y = load<u32>(bi + (<usize>j << 2));
      if (x == y) {
        s += load<f32>(av + (<usize>i << 2)) * load<f32>(bv + (<usize>j << 2));
        i++;
        j++;
      } else if (x < y) i++;
      else j++;
    }
    return -s;
  }
  const l1 = metric == 10;
  while (i < na && j < nb) {
    const x = load<u32>(ai + (<usize>i << 2));
    const y = load<u32>(bi + (<usize>j << 2));
    let d: f32;
    if (x == y) {
      d = load<f32>(av + (<usize>i << 2)) - load<f32>(bv + (<usize>j << 2));
      i++;
      j++;
    } else if (x < y) {
      d = load<f32>(av + (<usize>i << 2));
      i++;
    } else {
      d = load<f32>(bv + (<usize>j << 2));
      j++;
    }
    s += l1 ? Mathf.abs(d) : d * d;
  }
  for (; i < na; i++) {
    const d = load<f32>(av + (<usize>i << 2));
    s += l1 ? Mathf.abs(d) : d * d;
  }
  for (; j < nb; j++) {
    const d = load<f32>(bv + (<usize>j << 2));
    s += l1 ? Mathf.abs(d) : d * d;
  }
  return s;
}

// A query (at `q`, in the graph's query format: float32 for halfvec graphs, else the node's
// format) against a node's vector.
@inline function qdist(metric: i32, q: usize, b: usize, dim: i32): f32 {
  if (metric == 4) return qHalfNegDot(q, b, dim);
  if (metric == 3) return qHalfL2sq(q, b, dim);
  if (metric == 5) return qHalfL1(q, b, dim);
  return dist(metric, q, b, dim);
}

// Two nodes' vectors (both in the graph's node format).
@inline function dist(metric: i32, a: usize, b: usize, dim: i32): f32 {
  if (metric == 1) return negDot(a, b, dim);
  if (metric == 0) return l2sq(a, b, dim);
  if (metric == 2) return l1(a, b, dim);
  if (metric == 4) return halfNodeNegDot(a, b, dim);
  if (metric == 3) return halfNodeL2sq(a, b, dim);
  if (metric == 5) return halfNodeL1(a, b, dim);
  if (metric == 6) return hamming(a, b, dim);
  if (metric >= 8) return sparseDist(metric, a, b);
  return jaccard(a, b, dim);
}

/** True for the binary16 metrics, whose node-to-node distances go through a widened copy. */
@inline function isHalf(metric: i32): bool {
  return <u32>(metric - 3) <= 2;
}

/** Distance between the query at `q` (query format) and node `n`, for callers in JavaScript. */
export function distanceTo(g: usize, q: usize, n: i32): f32 {
  return qdist(load<i32>(g + G_METRIC), q, vec(g, n), load<i32>(g + G_DIM));
}

/** Distance between nodes `m` and `n` (vacuum's repairs). */
export function nodeDistance(g: usize, m: i32, n: i32): f32 {
  return dist(load<i32>(g + G_METRIC), vec(g, m), vec(g, n), load<i32>(g + G_DIM));
}

// ---- locks of a parallel build ----
// A spin lock per node guards its neighbour lists (all layers), as hnswlib's link_list_locks_:
// held while a list is read into private scratch or rewritten, never across two nodes, so no
// lock order is needed. Critical sections are short (a list of at most M0 ids, or the
// shrink of one list), so a waiter spins; after SPINS tries it sleeps in short timed waits so a
// descheduled holder on an oversubscribed machine gets the core back (unlock needs no notify).
const SPINS: i32 = 256;
const LOCK_NAP_NS: i64 = 20000;

function lockWord(p: usize): void {
  let tries = 0;
  while (atomic.cmpxchg<i32>(p, 0, 1) != 0) {
    if (++tries >= SPINS) {
      atomic.wait<i32>(p, 1, LOCK_NAP_NS);
      tries = 0;
    }
  }
}

@inline function unlockWord(p: usize): void {
  atomic.store<i32>(p, 0);
}

@inline function lockNode(locks: usize, n: i32): void {
  if (locks != 0) lockWord(locks + (<usize>n << 2));
}

@inline function unlockNode(locks: usize, n: i32): void {
  if (locks != 0) unlockWord(locks + (<usize>n << 2));
}

// ---- layout ----

/** Record of node `n`: chunk n >>> shift of the chunk table, slot n & mask in it. */
@inline function recAt(chunks: usize, shift: u32, rec: usize, n: i32): usize {
  const k = <u32>n;
  return <usize>load<u32>(chunks + (<usize>(k >> shift) << 2)) + <usize>(k & ((<u32>1 << shift) - 1)) * rec;
}

@inline function vec(g: usize, n: i32): usize {
  return recAt(<usize>load<u32>(g + G_L0), load<u32>(g + G_CHUNK_SHIFT), <usize>load<u32>(g + G_REC), n);
}

@inline function hdr(g: usize, n: i32): usize {
  return vec(g, n) + <usize>load<i32>(g + G_HDR);
}

/** Pointer to the count word of node `n`'s neighbour list on `level`; ids follow it. */
@inline function list(g: usize, n: i32, level: i32): usize {
  const h = hdr(g, n);
  if (level == 0) return h + N_COUNT;
  const m1 = load<i32>(g + G_M) + 1;
  return <usize>load<i32>(g + G_UPPER) + (<usize>(load<i32>(h + N_UPPER) + (level - 1) * m1) << 2);
}

/** The next node of the duplicate ring of the node whose header is at `h`, -1 when none. */
@inline function ringNext(h: usize): i32 {
  return <i32>(load<u32>(h + N_FLAGS) >> RING_SHIFT) - 1;
}

/** Sets the ring's next node (-1: none) in the flags word at header `h`, keeping the flag bits. */
@inline function setRingNext(h: usize, next: i32): void {
  const mask: u32 = (<u32>1 << RING_SHIFT) - 1;
  store<u32>(h + N_FLAGS, (load<u32>(h + N_FLAGS) & mask) | (<u32>(next + 1) << RING_SHIFT));
}

/**
 * True when nodes `a` and `b` store byte-identical vectors (for sparsevec, identical keys):
 * then every distance to them is equal, which is what the duplicate ring relies on.
 */
function sameVector(g: usize, a: i32, b: i32): bool {
  const va = vec(g, a);
  const vb = vec(g, b);
  if (load<i32>(g + G_METRIC) >= 8) {
    const nnz = load<u32>(va + 4);
    if (nnz != load<u32>(vb + 4)) return false;
    return memory.compare(<usize>load<u32>(va), <usize>load<u32>(vb), <usize>nnz << 3) == 0;
  }
  return memory.compare(va, vb, <usize>load<i32>(g + G_HDR)) == 0;
}

/** sameVector for callers in JavaScript (vacuum's repairs). */
export function sameNodes(g: usize, a: i32, b: i32): bool {
  return sameVector(g, a, b);
}

// ---- binary heaps of (f32 dist, i32 node), 8 bytes per entry ----

@inline function hd(h: usize, i: i32): f32 {
  return load<f32>(h + (<usize>i << 3));
}
@inline function hn(h: usize, i: i32): i32 {
  return load<i32>(h + (<usize>i << 3), 4);
}
@inline function hset(h: usize, i: i32, d: f32, n: i32): void {
  store<f32>(h + (<usize>i << 3), d);
  store<i32>(h + (<usize>i << 3), n, 4);
}

/** Min-heap push; `size` is the size before the push. */
function minPush(h: usize, size: i32, d: f32, n: i32): void {
  let i = size;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pd = hd(h, p);
    if (pd <= d) break;
    hset(h, i, pd, hn(h, p));
    i = p;
  }
  hset(h, i, d, n);
}

/** Min-heap pop of the root; `size` is the size before the pop. */
function minPop(h: usize, size: i32): void {
  const last = size - 1;
  const d = hd(h, last);
  const n = hn(h, last);
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= last) break;
    if (c + 1 < last && hd(h, c + 1) < hd(h, c)) c++;
    const cd = hd(h, c);
    if (cd >= d) break;
    hset(h, i, cd, hn(h, c));
    i = c;
  }
  hset(h, i, d, n);
}

function maxPush(h: usize, size: i32, d: f32, n: i32): void {
  let i = size;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pd = hd(h, p);
    if (pd >= d) break;
    hset(h, i, pd, hn(h, p));
    i = p;
  }
  hset(h, i, d, n);
}

function maxPop(h: usize, size: i32): void {
  const last = size - 1;
  const d = hd(h, last);
  const n = hn(h, last);
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= last) break;
    if (c + 1 < last && hd(h, c + 1) > hd(h, c)) c++;
    const cd = hd(h, c);
    if (cd <= d) break;
    hset(h, i, cd, hn(h, c));
    i = c;
  }
  hset(h, i, d, n);
}

// ---- search ----

/** Starts a new visited generation; clears the tags when the 16-bit epoch wraps. */
function newEpoch(s: usize): u32 {
  let e = (load<u32>(s + S_EPOCH) + 1) & 0xffff;
  if (e == 0) {
    memory.fill(<usize>load<i32>(s + S_VISITED), 0, <usize>load<i32>(s + S_VCAP) << 1);
    e = 1;
  }
  store<u32>(s + S_EPOCH, e);
  return e;
}

/**
 * Greedy descent on one upper layer (SEARCH-LAYER with ef = 1): moves from `cur` (at distance
 * `curD` from the query) to a closer neighbour until none is closer. Returns the node reached
 * and stores its distance at S_GDIST.
 */
export function greedy(g: usize, s: usize, q: usize, level: i32, cur: i32, curD: f32): i32 {
  const metric = load<i32>(g + G_METRIC);
  const dim = load<i32>(g + G_DIM);
  let dcount = load<i32>(s + S_DCOUNT);
  const locks = <usize>load<u32>(g + G_LOCKS);
  let changed = true;
  while (changed) {
    changed = false;
    const at = cur;
    lockNode(locks, at);
    const l = list(g, cur, level);
    const c = load<i32>(l);
    dcount += c;
    for (let j = 0; j < c; j++) {
      const n = load<i32>(l + 4 + (<usize>j << 2));
      const d = qdist(metric, q, vec(g, n), dim);
      if (d < curD) {
        curD = d;
        cur = n;
        changed = true;
      }
    }
    unlockNode(locks, at);
  }
  store<i32>(s + S_DCOUNT, dcount);
  store<f32>(s + S_GDIST, curD);
  return cur;
}

/** True when node `n` passes the filter bitset `f` covering `fn` nodes. */
@inline function passes(f: usize, fn: i32, n: i32): bool {
  return n < fn && (load<u32>(f + (<usize>(<u32>n >> 5) << 2)) & (<u32>1 << (<u32>n & 31))) != 0;
}

/**
 * SEARCH-LAYER (Algorithm 2) on `level` from the `nEntries` (dist, node) pairs at S_ENTRY,
 * keeping the `ef` nearest. Writes them in ascending distance to S_OUT and returns how many.
 * mode bit 0: keep the candidates that fell out of the result set in the discarded heap (the
 * iterative scans of pgvector 0.8 resume from them). mode bit 1: continue the previous visited
 * generation instead of starting a new one (resumed scans must not revisit nodes). mode bit 2
 * (layer 0): deleted nodes (tombstones until vacuum) are candidates, so the search walks
 * through them, but never results, as hnswlib's searchBaseLayerST with deletions: ef live
 * nodes are found however many rows were deleted or updated since the last vacuum.
 *
 * With a filter bitset at S_FILTER (layer 0 only), the search is ACORN-1's (Patel et al.,
 * "ACORN: Performant and Predicate-Agnostic Search Over Vector Embeddings and Structured
 * Data", SIGMOD 2024, section 5.1): only passing nodes get a distance, enter the candidate
 * and result heaps and the discarded heap; a node's neighbourhood is its passing neighbours
 * plus the passing neighbours of its non-passing ones (two hops), truncated at M0 (the size of
 * an unfiltered layer-0 list, so an expansion costs what an unfiltered one does). The graph is
 * the ordinary HNSW graph (ACORN-1 builds no denser one), so a non-passing entry point is
 * expanded too (it is a candidate, never a result). A non-passing neighbour is marked visited
 * only once its own list was read, so one the truncation skipped can be looked through later.
 */
export function searchLayer(g: usize, s: usize, q: usize, nEntries: i32, ef: i32, level: i32, mode: i32): i32 {
  const metric = load<i32>(g + G_METRIC);
  const dim = load<i32>(g + G_DIM);
  // Layout fields in locals: stores to the heaps keep the compiler from hoisting these loads.
  const chunks = <usize>load<u32>(g + G_L0);
  const shift = load<u32>(g + G_CHUNK_SHIFT);
  const rec = <usize>load<u32>(g + G_REC);
  // Byte offset from a record to its neighbour list (count word), or the upper pool's base.
  const listOff: usize = level == 0 ? <usize>load<i32>(g + G_HDR) + N_COUNT : 0;
  const upper = <usize>load<i32>(g + G_UPPER);
  const upperSkip = (level - 1) * (load<i32>(g + G_M) + 1);
  const visited = <usize>load<i32>(s + S_VISITED);
  const vcap = load<i32>(s + S_VCAP);
  const cand = <usize>load<i32>(s + S_CAND);
  const res = <usize>load<i32>(s + S_RES);
  const disc = <usize>load<i32>(s + S_DISC);
  const entries = <usize>load<i32>(s + S_ENTRY);
  const keep = (mode & 1) != 0;
  const skipDeleted = (mode & 4) != 0 && level == 0;
  const flagsOff: usize = <usize>load<i32>(g + G_HDR) + N_FLAGS;
  const epoch: u32 = (mode & 2) != 0 ? load<u32>(s + S_EPOCH) : newEpoch(s);
  let discSize = load<i32>(s + S_DISCSIZE);
  let dcount = load<i32>(s + S_DCOUNT);
  let tuples = load<i32>(s + S_TUPLES);
  const batch = <usize>load<i32>(s + S_SEL);
  const vbytes = <usize>load<i32>(g + G_HDR); // the vector's bytes, whatever its element type
  let touch: u32 = 0;
  let nc = 0;
  let nr = 0;
  const filter: usize = level == 0 ? <usize>load<u32>(s + S_FILTER) : 0;
  const filterN = load<i32>(s + S_FILTERN);
  const nm = <usize>load<i32>(s + S_NM);
  const m0 = load<i32>(g + G_M0);
  // A parallel build's lock words (0 otherwise); builds run no filter, so the second hop of a
  // filtered search below reads lists unlocked.
  const locks = <usize>load<u32>(g + G_LOCKS);
  for (let i = 0; i < nEntries; i++) {
    const d = hd(entries, i);
    const n = hn(entries, i);
    if (n < vcap) store<u16>(visited + (<usize>n << 1), epoch);
    minPush(cand, nc++, d, n);
    if (filter != 0 && !passes(filter, filterN, n)) continue;
    if (skipDeleted && (load<i32>(recAt(chunks, shift, rec, n) + flagsOff) & 1) != 0) continue;
    maxPush(res, nr++, d, n);
    if (nr > ef) {
      if (keep) minPush(disc, discSize++, hd(res, 0), hn(res, 0));
      maxPop(res, nr--);
    }
  }
  // Only read once nr > 0 (nr < ef is tested first while the result heap is empty).
  let worst = hd(res, 0);
  while (nc > 0) {
    const cd = hd(cand, 0);
    const c = hn(cand, 0);
    if (cd > worst && nr >= ef) break;
    minPop(cand, nc--);
    let l: usize;
    lockNode(locks, c);
    const rc = recAt(chunks, shift, rec, c);
    if (level == 0) l = rc + listOff;
    else l = upper + (<usize>(load<i32>(rc + <usize>load<i32>(g + G_HDR) + N_UPPER) + upperSkip) << 2);
    const cnt = load<i32>(l);
    // On layer 0 the next copy in the node's duplicate ring (layout.ts RING_SHIFT) is one more
    // neighbour, after the list.
    const ring = level == 0 ? ringNext(rc + listOff - N_COUNT) : -1;
    const cntR = ring >= 0 ? cnt + 1 : cnt;
    // Two passes over the list: first pick the unvisited neighbours and touch their vectors so
    // the cache misses overlap (WebAssembly has no prefetch instruction; hnswlib prefetches
    // here), then compute the distances.
    let nb = 0;
    let nnm = 0;
    for (let j = 0; j < cntR; j++) {
      const n = j < cnt ? load<i32>(l + 4 + (<usize>j << 2)) : ring;
      if (n >= vcap) continue;
      const vp = visited + (<usize>n << 1);
      if (<u32>load<u16>(vp) == epoch) continue;
      if (filter != 0 && !passes(filter, filterN, n)) {
        store<i32>(nm + (<usize>nnm << 2), n);
        nnm++;
        continue;
      }
      store<u16>(vp, epoch);
      store<i32>(batch + (<usize>nb << 2), n);
      nb++;
      const p = recAt(chunks, shift, rec, n);
      for (let o: usize = 0; o < vbytes; o += TOUCH_STRIDE) touch += load<u8>(p + o);
    }
    unlockNode(locks, c);
    // ACORN-1's second hop (filtered searches, layer 0 only): look through the non-passing
    // neighbours until M0 passing nodes are gathered.
    for (let i = 0; i < nnm && nb < m0; i++) {
      const x = load<i32>(nm + (<usize>i << 2));
      const xp = visited + (<usize>x << 1);
      if (<u32>load<u16>(xp) == epoch) continue;
      store<u16>(xp, epoch);
      const lx = recAt(chunks, shift, rec, x) + listOff;
      const cx = load<i32>(lx);
      const rx = ringNext(lx - N_COUNT);
      const cxR = rx >= 0 ? cx + 1 : cx;
      for (let j = 0; j < cxR; j++) {
        const n = j < cx ? load<i32>(lx + 4 + (<usize>j << 2)) : rx;
        // The bitset (rows / 8 bytes) before the visited tags (2 bytes a node): most entries
        // fail it, and it is the likelier of the two to be in cache.
        if (n >= vcap || !passes(filter, filterN, n)) continue;
        const vp = visited + (<usize>n << 1);
        if (<u32>load<u16>(vp) == epoch) continue;
        store<u16>(vp, epoch);
        store<i32>(batch + (<usize>nb << 2), n);
        nb++;
        const p = recAt(chunks, shift, rec, n);
        for (let o: usize = 0; o < vbytes; o += TOUCH_STRIDE) touch += load<u8>(p + o);
      }
    }
    for (let j = 0; j < nb; j++) {
      const n = load<i32>(batch + (<usize>j << 2));
      tuples++;
      dcount++;
      const rn = recAt(chunks, shift, rec, n);
      const d = qdist(metric, q, rn, dim);
      if (nr < ef || d < worst) {
        minPush(cand, nc++, d, n);
        if (skipDeleted && (load<i32>(rn + flagsOff) & 1) != 0) continue;
        maxPush(res, nr++, d, n);
        if (nr > ef) {
          if (keep) minPush(disc, discSize++, hd(res, 0), hn(res, 0));
          maxPop(res, nr--);
        }
        worst = hd(res, 0);
      } else if (keep) {
        minPush(disc, discSize++, d, n);
      }
    }
  }
  store<i32>(s + S_DISCSIZE, discSize);
  store<i32>(s + S_DCOUNT, dcount);
  store<i32>(s + S_TUPLES, tuples);
  store<u32>(s + S_TOUCH, touch);
  const out = <usize>load<i32>(s + S_OUT);
  const total = nr;
  while (nr > 0) {
    hset(out, nr - 1, hd(res, 0), hn(res, 0));
    maxPop(res, nr--);
  }
  return total;
}

/**
 * A whole index search: greedy descent from the entry point to layer 1, then SEARCH-LAYER on
 * layer 0 with `ef`. Results go to S_OUT in ascending distance; returns their number.
 */
export function search(g: usize, s: usize, q: usize, ef: i32, mode: i32): i32 {
  // The max level before the entry point, both atomically: INSERT stores the entry point first
  // (atomically too), so a search on a pool worker that sees a raised max level also sees the
  // node that raised it; one that sees the old max level starts at most from a higher node
  // (src/access/hnsw/search_ahead.ts).
  const top = atomic.load<i32>(g + G_MAXLEVEL);
  let ep = atomic.load<i32>(g + G_ENTRY);
  if (ep < 0) return 0;
  let d = qdist(load<i32>(g + G_METRIC), q, vec(g, ep), load<i32>(g + G_DIM));
  store<i32>(s + S_DCOUNT, load<i32>(s + S_DCOUNT) + 1);
  for (let l = top; l > 0; l--) {
    ep = greedy(g, s, q, l, ep, d);
    d = load<f32>(s + S_GDIST);
  }
  const entries = <usize>load<i32>(s + S_ENTRY);
  hset(entries, 0, d, ep);
  return searchLayer(g, s, q, 1, ef, 0, mode);
}

/**
 * Resumes an iterative scan (pgvector 0.8 ResumeScanItems): the `ef` nearest discarded
 * candidates become the entry points of another SEARCH-LAYER on layer 0 in the same visited
 * generation (`mode` bit 2 as searchLayer's). Returns the number of results at S_OUT (0 when nothing is left).
 */
export function resume(g: usize, s: usize, q: usize, ef: i32, mode: i32): i32 {
  const disc = <usize>load<i32>(s + S_DISC);
  const entries = <usize>load<i32>(s + S_ENTRY);
  let discSize = load<i32>(s + S_DISCSIZE);
  let n = 0;
  while (n < ef && discSize > 0) {
    hset(entries, n++, hd(disc, 0), hn(disc, 0));
    minPop(disc, discSize--);
  }
  store<i32>(s + S_DISCSIZE, discSize);
  if (n == 0) return 0;
  return searchLayer(g, s, q, n, ef, 0, 3 | (mode & 4));
}

// ---- insertion ----

/**
 * Removes from the `n` (dist, node) candidates at `h`, sorted by distance, every one that stores
 * the same vector as an earlier candidate (node ids under `mask`; see shrinkCached's flag
 * bits), and returns how many are left. Copies share every distance, so the neighbour
 * selection would keep or prune them all alike, and lists full of copies shut out everything
 * else; the copy kept stands for the others, which the duplicate ring (layout.ts RING_SHIFT)
 * reaches. Only candidates at an equal distance are compared, so distinct float vectors pay
 * one comparison of distances each.
 */
function dropCopies(g: usize, h: usize, n: i32, mask: i32): i32 {
  let w = 0;
  let run = 0; // first kept candidate at the current distance
  for (let i = 0; i < n; i++) {
    const d = hd(h, i);
    const e = hn(h, i);
    if (w > 0 && hd(h, w - 1) == d) {
      let copy = false;
      for (let j = run; j < w && !copy; j++) copy = sameVector(g, hn(h, j) & mask, e & mask);
      if (copy) continue;
    } else {
      run = w;
    }
    if (w != i) hset(h, w, d, e);
    w++;
  }
  return w;
}

/**
 * SELECT-NEIGHBORS-HEURISTIC (Algorithm 4, without extendCandidates): walks `n` candidates
 * (dist, node) in ascending distance and keeps one only if it is closer to the base than to
 * every node kept so far, up to `mMax`; with `fill` (keepPrunedConnections) then fills up with
 * the pruned ones, nearest first.
 * Writes the kept ids after the count word at `dst` and stores the count.
 */
function selectHeuristic(g: usize, s: usize, cands: usize, n: i32, mMax: i32, dst: usize, fill: bool): void {
  const metric = load<i32>(g + G_METRIC);
  const dim = load<i32>(g + G_DIM);
  let dcount = load<i32>(s + S_DCOUNT);
  // binary16 graphs: each candidate is widened once, into the slot its node takes in the wide
  // buffer (float32 slot j holds kept node j) if it is kept, so every comparison is a float32
  // distance between two widened nodes, with the q* kernels' accumulation order (the same
  // float32 result as converting inside the loop, at the cost of a float32 distance).
  const half = isHalf(metric);
  const wide = <usize>load<i32>(s + S_WIDE);
  const slotBytes = <usize>dim << 2;
  let kept = 0;
  for (let i = 0; i < n && kept < mMax; i++) {
    const e = hn(cands, i);
    const de = hd(cands, i);
    const ve = vec(g, e);
    let good = true;
    if (half) {
      const we = wide + <usize>kept * slotBytes;
      widenHalves(ve, we, dim);
      for (let j = 0; j < kept; j++) {
        dcount++;
        if (dist(metric - 3, wide + <usize>j * slotBytes, we, dim) < de) {
          good = false;
          break;
        }
      }
    } else {
      for (let j = 0; j < kept; j++) {
        dcount++;
        if (dist(metric, ve, vec(g, load<i32>(dst + 4 + (<usize>j << 2))), dim) < de) {
          good = false;
          break;
        }
      }
    }
    if (good) {
      store<i32>(dst + 4 + (<usize>kept << 2), e);
      kept++;
    }
  }
  // keepPrunedConnections (Algorithm 4's option, which pgvector sets): fill the list up with
  // the pruned candidates, nearest first; INSERT asks for it on the new node's list and on
  // shrunk lists (G_PRUNE 0). Measured by bench/prune.ts (m 16, ef_construction 64, cosine;
  // recall@10 against exact search at equal distance computations per query, which the
  // machine's load does not disturb):
  // - without any fill (hnswlib's rule) recall@10 is 1.6 points lower at ~780 distances per
  //   query on 10,000 synthetic 1,536-d rows (0.924 against 0.940), 0.9 lower on GloVe 100k at
  //   ~950 (0.849 against 0.858);
  // - filling only the new node's list gives the same curve as filling both on those rows
  //   (within 0.002), but a sparser graph: less recall at a given ef_search, and on uniform
  //   random data a filtered scan at 1% selectivity that returned fewer than k rows. Filling
  //   both keeps every list full, so every later reverse link shrinks it again; the build's
  //   neighbour-distance cache (shrinkCached) makes those shrinks cheap;
  // - pgvector's M0 choices for the new node on layer 0 (8,898 distances per insert against
  //   3,167) gave 1 point less recall at ~780 distances per query than M choices.
  for (let i = 0; fill && i < n && kept < mMax; i++) {
    const e = hn(cands, i);
    let dup = false;
    for (let j = 0; j < kept; j++) {
      if (load<i32>(dst + 4 + (<usize>j << 2)) == e) {
        dup = true;
        break;
      }
    }
    if (!dup) {
      store<i32>(dst + 4 + (<usize>kept << 2), e);
      kept++;
    }
  }
  store<i32>(dst, kept);
  store<i32>(s + S_DCOUNT, dcount);
}

// ---- the build's neighbour-distance cache (layout.ts G_CACHE) ----
//
// With keepPrunedConnections on shrunk lists, a list that once filled up stays full, so every
// later reverse link to its node shrinks it again: recomputing the node's distances to its M0
// neighbours and re-running the heuristic over all of them cost two thirds of a 1,536-d
// build's distance computations (3,167 per insert, 966 without the fill). pgvector keeps each
// neighbour's distance and "closer" flag beside its list and reuses both (hnswutils.c,
// HnswUpdateConnection / SelectNeighbors); the cache does the same for a build's layer 0, so
// a shrink computes only the distances whose outcome can have changed. The lists come out
// exactly as the plain path's (the tests build both ways and compare every list): the cached
// distances are the same kernels' results (each node-to-node kernel is symmetric in its
// arguments and a halfvec query's widening is exact), the candidates are sorted the same way,
// and a flag is recomputed whenever the nodes kept before it may have changed.

// Bits on a candidate's node id in S_SEL during a cached shrink (ids stay below 2^29: a graph's
// records of at least 64 bytes fill a 4 GiB memory with 2^26).
const SEL_OLD: i32 = 0x40000000; // closer before this shrink (known from the cache)
const SEL_NEW: i32 = 0x20000000; // closer now
const SEL_ID: i32 = 0x1fffffff;

/** Node `n`'s cache record, or 0 when the graph has no cache or it does not cover `n`. */
@inline function cacheAt(g: usize, n: i32): usize {
  const c = <usize>load<u32>(g + G_CACHE);
  if (c == 0 || n >= load<i32>(g + G_CACHE_CAP)) return 0;
  return c + <usize>n * <usize>((4 + 5 * load<i32>(g + G_M0) + 3) & ~3);
}

/** True when no node kept before candidate `i` of `sel` (SEL_NEW; with `addedOnly`, only those
 * not kept before this shrink) is nearer to node `e` than `de`. */
function closerThanKept(g: usize, s: usize, sel: usize, i: i32, e: i32, de: f32, node: i32, addedOnly: bool): bool {
  const metric = load<i32>(g + G_METRIC);
  const dim = load<i32>(g + G_DIM);
  const ve = vec(g, e);
  // A binary16 `e` is widened once (into the scratch's first wide slot, on its first
  // comparison) and meets the kept nodes through the q* kernels: the same float32 results as
  // converting both sides, at the cost of one conversion a distance.
  const half = isHalf(metric);
  const wide = <usize>load<i32>(s + S_WIDE);
  let widened = false;
  let dcount = load<i32>(s + S_DCOUNT);
  let good = true;
  for (let j = 0; j < i; j++) {
    const w = hn(sel, j);
    if ((w & SEL_NEW) == 0) continue;
    if (addedOnly && (w & SEL_OLD) != 0 && (w & SEL_ID) != node) continue;
    dcount++;
    let dj: f32;
    if (half) {
      if (!widened) {
        widenHalves(ve, wide, dim);
        widened = true;
      }
      dj = qdist(metric, wide, vec(g, w & SEL_ID), dim);
    } else {
      dj = dist(metric, ve, vec(g, w & SEL_ID), dim);
    }
    if (dj < de) {
      good = false;
      break;
    }
  }
  store<i32>(s + S_DCOUNT, dcount);
  return good;
}

/** Caches the distances of a new node's layer-0 list (`kept` entries at `own`), from `out`. */
function cacheOwnList(g: usize, node: i32, own: usize, out: usize, n: i32, kept: i32): void {
  const ce = cacheAt(g, node);
  if (ce == 0) return;
  for (let j = 0; j < kept; j++) {
    const e = load<i32>(own + 4 + (<usize>j << 2));
    let de: f32 = 0;
    for (let k = 0; k < n; k++) {
      if (hn(out, k) == e) {
        de = hd(out, k);
        break;
      }
    }
    store<f32>(ce + 4 + (<usize>j << 2), de);
  }
  store<i32>(ce, 1);
}

/**
 * connectLocked's shrink of `nb`'s full layer-0 list `l` (c entries) to take `node` at
 * distance `d`, through `nb`'s cache record `ce`: the same list as the plain path's
 * (SELECT-NEIGHBORS-HEURISTIC over the c + 1 candidates in ascending distance, then the fill),
 * from cached distances and, when the record holds them, cached closer flags: a candidate
 * closer before stays closer unless a newly kept node beats it; one not closer before stays
 * so unless some node kept before it lost its place (then it is checked again); the new node
 * is checked against all kept nodes (pgvector's SelectNeighbors reuses its flags the same way).
 */
function shrinkCached(g: usize, s: usize, nb: i32, node: i32, d: f32, mMax: i32, l: usize, c: i32, ce: usize): void {
  const sel = <usize>load<i32>(s + S_SEL);
  let state = load<i32>(ce);
  if (state == 0) {
    // Nothing cached yet: the distances once, as the plain path computes them.
    const metric = load<i32>(g + G_METRIC);
    const dim = load<i32>(g + G_DIM);
    const vnb = vec(g, nb);
    const half = isHalf(metric);
    const wide = <usize>load<i32>(s + S_WIDE);
    if (half) widenHalves(vnb, wide, dim);
    for (let j = 0; j < c; j++) {
      const e = load<i32>(l + 4 + (<usize>j << 2));
      store<f32>(ce + 4 + (<usize>j << 2), half ? qdist(metric, wide, vec(g, e), dim) : dist(metric, vnb, vec(g, e), dim));
    }
    store<i32>(s + S_DCOUNT, load<i32>(s + S_DCOUNT) + c);
    state = 1;
  }
  const flags = ce + 4 + (<usize>load<i32>(g + G_M0) << 2);
  // Insertion sort into ascending order, as the plain path (equal distances keep list order).
  let n = 0;
  for (let j = 0; j <= c; j++) {
    let v: i32;
    let de: f32;
    if (j < c) {
      v = load<i32>(l + 4 + (<usize>j << 2));
      de = load<f32>(ce + 4 + (<usize>j << 2));
      if (state == 2 && load<u8>(flags + <usize>j) != 0) v |= SEL_OLD;
    } else {
      v = node;
      de = d;
    }
    let k = n++;
    while (k > 0 && hd(sel, k - 1) > de) {
      hset(sel, k, hd(sel, k - 1), hn(sel, k - 1));
      k--;
    }
    hset(sel, k, de, v);
  }
  const all = n;
  n = dropCopies(g, sel, n, SEL_ID);
  // The heuristic's walk: with no flags cached (state 1) every candidate is checked against
  // all kept ones, as the plain path does; after copies were dropped too (one may have been
  // closer before).
  let removed = state != 2 || n != all;
  let kept = 0;
  for (let i = 0; i < n && kept < mMax; i++) {
    const v = hn(sel, i);
    const e = v & SEL_ID;
    const de = hd(sel, i);
    let closer = false;
    if (e == node) {
      closer = closerThanKept(g, s, sel, i, e, de, node, false);
    } else if ((v & SEL_OLD) != 0) {
      // Only nodes kept now but not before can beat it (those kept before did not).
      closer = closerThanKept(g, s, sel, i, e, de, node, true);
      if (!closer) removed = true;
    } else if (removed) {
      closer = closerThanKept(g, s, sel, i, e, de, node, false);
    }
    if (closer) {
      hset(sel, i, de, v | SEL_NEW);
      kept++;
    }
  }
  // The kept candidates, then (keepPrunedConnections) the others nearest first, with their
  // distances and flags: the plain path's order.
  const fill = (load<i32>(g + G_PRUNE) & PRUNE_NO_FILL_SHRUNK) == 0;
  let w = 0;
  for (let pass = 0; pass < 2; pass++) {
    if (pass == 1 && !fill) break;
    for (let i = 0; i < n && w < mMax; i++) {
      const v = hn(sel, i);
      const isKept = (v & SEL_NEW) != 0;
      if (isKept != (pass == 0)) continue;
      store<i32>(l + 4 + (<usize>w << 2), v & SEL_ID);
      store<f32>(ce + 4 + (<usize>w << 2), hd(sel, i));
      store<u8>(flags + <usize>w, isKept ? 1 : 0);
      w++;
    }
  }
  store<i32>(l, w);
  store<i32>(ce, 2);
}

/** Adds `node` (at distance `d`) to `nb`'s list on `level`, shrinking it by the heuristic when full. */
function connect(g: usize, s: usize, nb: i32, node: i32, d: f32, level: i32, mMax: i32): void {
  const locks = <usize>load<u32>(g + G_LOCKS);
  lockNode(locks, nb);
  connectLocked(g, s, nb, node, d, level, mMax);
  unlockNode(locks, nb);
}

function connectLocked(g: usize, s: usize, nb: i32, node: i32, d: f32, level: i32, mMax: i32): void {
  const l = list(g, nb, level);
  const c = load<i32>(l);
  // In a parallel build `nb` may have linked to `node` itself already (it reached the node
  // through an upper layer while the node was being inserted): nothing to add then. A serial
  // build never gets here with a link present.
  if (load<u32>(g + G_LOCKS) != 0) {
    for (let j = 0; j < c; j++) if (load<i32>(l + 4 + (<usize>j << 2)) == node) return;
  }
  const ce = level == 0 ? cacheAt(g, nb) : 0;
  if (c < mMax) {
    store<i32>(l + 4 + (<usize>c << 2), node);
    store<i32>(l, c + 1);
    // The new entry's distance is known, its closer flag is not.
    if (ce != 0 && load<i32>(ce) != 0) {
      store<f32>(ce + 4 + (<usize>c << 2), d);
      store<i32>(ce, 1);
    }
    return;
  }
  if (ce != 0) {
    shrinkCached(g, s, nb, node, d, mMax, l, c, ce);
    return;
  }
  const metric = load<i32>(g + G_METRIC);
  const dim = load<i32>(g + G_DIM);
  const sel = <usize>load<i32>(s + S_SEL);
  const vnb = vec(g, nb);
  // A binary16 `nb` is widened once for its c distances.
  const half = isHalf(metric);
  const wide = <usize>load<i32>(s + S_WIDE);
  if (half) widenHalves(vnb, wide, dim);
  // Insertion sort into ascending order: the lists are short (M0 + 1 at most).
  let n = 0;
  for (let j = 0; j <= c; j++) {
    let e: i32;
    let de: f32;
    if (j < c) {
      e = load<i32>(l + 4 + (<usize>j << 2));
      de = half ? qdist(metric, wide, vec(g, e), dim) : dist(metric, vnb, vec(g, e), dim);
    } else {
      e = node;
      de = d;
    }
    let k = n++;
    while (k > 0 && hd(sel, k - 1) > de) {
      hset(sel, k, hd(sel, k - 1), hn(sel, k - 1));
      k--;
    }
    hset(sel, k, de, e);
  }
  store<i32>(s + S_DCOUNT, load<i32>(s + S_DCOUNT) + c);
  n = dropCopies(g, sel, n, -1);
  selectHeuristic(g, s, sel, n, mMax, l, (load<i32>(g + G_PRUNE) & PRUNE_NO_FILL_SHRUNK) == 0);
}

/**
 * Joins node `node` to the duplicate ring of the first of the `n` layer-0 candidates at S_OUT
 * that stores the same vector (layout.ts RING_SHIFT), right after it, and records that node at
 * S_RING. Only candidates at exactly the node's distance from itself are compared byte by
 * byte, so a graph without copies pays one distance per insert. In a parallel build the
 * ring's links are changed under the found node's lock (the new node is written only by its
 * inserter).
 */
function joinRing(g: usize, s: usize, node: i32, q: usize, n: i32, locks: usize): void {
  const out = <usize>load<i32>(s + S_OUT);
  const self = qdist(load<i32>(g + G_METRIC), q, vec(g, node), load<i32>(g + G_DIM));
  store<i32>(s + S_DCOUNT, load<i32>(s + S_DCOUNT) + 1);
  for (let k = 0; k < n; k++) {
    const x = hn(out, k);
    if (hd(out, k) != self || x == node || !sameVector(g, x, node)) continue;
    lockNode(locks, x);
    const hx = hdr(g, x);
    const next = ringNext(hx);
    setRingNext(hdr(g, node), next >= 0 ? next : x);
    setRingNext(hx, node);
    unlockNode(locks, x);
    store<i32>(s + S_RING, x);
    return;
  }
}

/**
 * INSERT (Algorithm 1) of node `node`, whose vector, level and upper lists are already in
 * place: greedy descent to the node's top layer, then on each layer from there to 0 a
 * SEARCH-LAYER with ef_construction, the heuristic choice of M neighbours, and the reverse
 * links. Updates the entry point when the node's level is the highest so far. `q` holds the
 * node's vector in query format (for a halfvec graph, its float32 widening).
 */
export function insert(g: usize, s: usize, node: i32, q: usize): void {
  const metric = load<i32>(g + G_METRIC);
  const dim = load<i32>(g + G_DIM);
  const level = load<i32>(hdr(g, node) + N_LEVEL);
  const locks = <usize>load<u32>(g + G_LOCKS);
  store<i32>(s + S_RING, -1);
  // A parallel build: a node that raises the max level holds the entry lock for its whole
  // insertion (hnswlib's `global` lock), so two such nodes never build their new top layers
  // apart from each other; the others take it only to read the entry point.
  if (locks != 0) lockWord(g + G_ELOCK);
  let ep = load<i32>(g + G_ENTRY);
  const top = load<i32>(g + G_MAXLEVEL);
  if (ep < 0) {
    atomic.store<i32>(g + G_ENTRY, node);
    atomic.store<i32>(g + G_MAXLEVEL, level);
    if (locks != 0) unlockWord(g + G_ELOCK);
    return;
  }
  if (locks != 0 && level <= top) unlockWord(g + G_ELOCK);
  const m = load<i32>(g + G_M);
  const m0 = load<i32>(g + G_M0);
  const efc = load<i32>(g + G_EFC);
  let d = qdist(metric, q, vec(g, ep), dim);
  store<i32>(s + S_DCOUNT, load<i32>(s + S_DCOUNT) + 1);
  for (let l = top; l > level; l--) {
    ep = greedy(g, s, q, l, ep, d);
    d = load<f32>(s + S_GDIST);
  }
  const entries = <usize>load<i32>(s + S_ENTRY);
  const out = <usize>load<i32>(s + S_OUT);
  hset(entries, 0, d, ep);
  let nEntries = 1;
  for (let l = level < top ? level : top; l >= 0; l--) {
    let n = searchLayer(g, s, q, nEntries, efc, l, 0);
    // In a parallel build the search may reach the node itself (linked by another participant
    // meanwhile): drop it from the candidates so it never becomes its own neighbour.
    if (locks != 0) {
      let w = 0;
      for (let k = 0; k < n; k++) {
        if (hn(out, k) == node) continue;
        if (w != k) hset(out, w, hd(out, k), hn(out, k));
        w++;
      }
      n = w;
    }
    n = dropCopies(g, out, n, -1);
    if (l == 0) joinRing(g, s, node, q, n, locks);
    const own = list(g, node, l);
    // In a parallel build other participants may already read or extend this node's list, so
    // the choice is made in private scratch (S_NM: M0 + 2 words, unused by unfiltered
    // searches), copied in under the node's lock, and the reverse links follow the private copy.
    let chosen = own;
    const mMax = l == 0 ? m0 : m;
    const ownMax = l == 0 && (load<i32>(g + G_PRUNE) & PRUNE_NEW_M0) != 0 ? m0 : m;
    let kept: i32;
    if (locks == 0) {
      selectHeuristic(g, s, out, n, ownMax, own, (load<i32>(g + G_PRUNE) & PRUNE_NO_FILL_NEW) == 0);
      kept = load<i32>(own);
      if (l == 0) cacheOwnList(g, node, own, out, n, kept);
    } else {
      chosen = <usize>load<i32>(s + S_NM);
      selectHeuristic(g, s, out, n, ownMax, chosen, (load<i32>(g + G_PRUNE) & PRUNE_NO_FILL_NEW) == 0);
      kept = load<i32>(chosen);
      lockNode(locks, node);
      // Another participant that reached this node through an upper layer may have linked to
      // it already: keep those links after the chosen ones, as far as the list holds them.
      let k = kept;
      const c0 = load<i32>(own);
      for (let j = 0; j < c0 && k < mMax; j++) {
        const e = load<i32>(own + 4 + (<usize>j << 2));
        let dup = false;
        for (let i = 0; i < kept; i++) {
          if (load<i32>(chosen + 4 + (<usize>i << 2)) == e) {
            dup = true;
            break;
          }
        }
        if (!dup) {
          store<i32>(chosen + 4 + (<usize>k << 2), e);
          k++;
        }
      }
      memory.copy(own + 4, chosen + 4, <usize>k << 2);
      store<i32>(own, k);
      // Links other participants added are of unknown distance: nothing cached then.
      if (l == 0) {
        if (k == kept) cacheOwnList(g, node, own, out, n, kept);
        else {
          const ce = cacheAt(g, node);
          if (ce != 0) store<i32>(ce, 0);
        }
      }
      unlockNode(locks, node);
    }
    for (let j = 0; j < kept; j++) {
      const nb = load<i32>(chosen + 4 + (<usize>j << 2));
      // The candidate's distance to the new node is its distance in `out`; find it there.
      let dnb: f32 = 0;
      for (let k = 0; k < n; k++) {
        if (hn(out, k) == nb) {
          dnb = hd(out, k);
          break;
        }
      }
      connect(g, s, nb, node, dnb, l, mMax);
    }
    // (n is 0 only when a parallel search found nothing but the node: keep the entries.)
    if (n > 0) {
      memory.copy(entries, out, <usize>n << 3);
      nEntries = n;
    }
  }
  if (level > top) {
    // Entry point first, then max level (see search).
    atomic.store<i32>(g + G_ENTRY, node);
    atomic.store<i32>(g + G_MAXLEVEL, level);
    if (locks != 0) unlockWord(g + G_ELOCK);
  }
}
