/**
 * Protocol codec throughput: `npm run bench -- protocol [--rows N]`.
 *
 * Encodes k-NN-shaped result rows (id, a 100-d vector as text or in pgvector's binary layout,
 * a distance) into DataRow messages, and decodes Bind / Execute / Sync pipelines the way
 * node-postgres writes them, fed in 64 KiB chunks. Prints rows/s, MB/s and messages/s; no
 * peers (the codec is our own; the server benchmark compares whole servers).
 */
import { serialize } from 'pg-protocol';
import { BackendWriter } from '../src/protocol/backend.js';
import { FrontendDecoder } from '../src/protocol/frontend.js';
import { Prng } from '../src/common/prng.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';

const SPECS = {
  rows: { kind: 'number', default: 200_000, help: 'DataRows encoded / decoded per timing' },
} satisfies OptionSpecs;

function time(label: string, units: number, unitName: string, bytes: () => number, f: () => void): void {
  f(); // warm up
  const t0 = process.hrtime.bigint();
  f();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label.padEnd(44)} ${(units / s / 1e6).toFixed(2).padStart(8)} M ${unitName}/s ${(bytes() / s / 1e6).toFixed(0).padStart(6)} MB/s`);
}

export function benchProtocol(args: string[]): void {
  const { rows } = parseBenchArgs('protocol', 'Wire codec throughput: DataRow encoding, frontend message decoding.', SPECS, args);
  const dim = 100;
  const r = new Prng(1);
  const vectors = Array.from({ length: 1000 }, () => Float32Array.from({ length: dim }, () => r.next() * 2 - 1));
  const texts = vectors.map((v) => '[' + Array.from(v, (x) => String(x)).join(',') + ']');
  const w = new BackendWriter(1 << 20);

  let bytes = 0;
  time(`DataRow text (id, vector(${dim}), distance)`, rows, 'rows', () => bytes, () => {
    bytes = 0;
    for (let i = 0; i < rows; i++) {
      w.beginDataRow(3).text(String(i)).text(texts[i % 1000]!).text(String(0.25 + i * 1e-7)).endDataRow();
      if (w.length > 1 << 20) { bytes += w.length; w.reset(); }
    }
    bytes += w.length;
    w.reset();
  });
  console.log(`  (${(bytes / rows).toFixed(0)} bytes per row)`);
  time(`DataRow binary (int4, vector(${dim}) in place, float8)`, rows, 'rows', () => rows * (7 + 8 + 8 + 4 + 4 * dim + 12), () => {
    for (let i = 0; i < rows; i++) {
      const v = vectors[i % 1000]!;
      w.beginDataRow(3).beginField().int32(i).endField();
      w.beginField().int16(dim).int16(0);
      for (let k = 0; k < dim; k++) w.float32(v[k]!);
      w.endField().beginField().float64(0.25).endField().endDataRow();
      if (w.length > 1 << 20) w.reset();
    }
    w.reset();
  });

  // Frontend: a pipeline of Bind(vector param) + Execute + Sync, as pg sends a prepared k-NN query.
  const one = Buffer.concat([
    serialize.bind({ statement: 'knn', values: [texts[0]!, '10'] }),
    serialize.execute({ rows: 0 }),
    serialize.sync(),
  ]);
  const copies = Math.max(1, Math.floor(rows / 10));
  const stream = Buffer.concat(Array.from({ length: copies }, () => one));
  const d = new FrontendDecoder({ phase: 'ready' });
  let decoded = 0;
  time('decode Bind+Execute+Sync pipelines (64 KiB chunks)', copies * 3, 'msgs', () => stream.length, () => {
    decoded = 0;
    for (let i = 0; i < stream.length; i += 65536) {
      d.push(stream.subarray(i, i + 65536));
      while (d.next()) decoded++;
    }
  });
  if (decoded !== copies * 3) throw new Error(`decoded ${decoded} of ${copies * 3} messages`);
}
