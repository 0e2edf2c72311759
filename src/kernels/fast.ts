/**
 * The fast distance kernels over float32 vectors stored in the arena, addressed by byte
 * pointer. The implementation is picked once, here, at start-up: the 128-bit WebAssembly SIMD
 * build (dist/wasm/kernels.wasm, compiled from assembly/kernels.ts by `npm run build`) or,
 * when VECGRES_KERNELS=js or the module cannot load, plain TypeScript over the same memory.
 *
 * Results are float32 sums in SIMD lane order, so they may differ from the reference kernels
 * (index order) in the last bits: use these for ranking inside indexes and scans, and the
 * reference kernels for values returned to SQL.
 */
import { readFileSync } from 'node:fs';
import { arena } from './arena.js';

/** (aPtr, bPtr, dim) => float32 result; pointers are byte offsets, 4-byte aligned. */
export type PtrKernel = (aPtr: number, bPtr: number, dim: number) => number;

export interface FastKernels {
  readonly name: 'wasm-simd' | 'js';
  /** Squared L2 distance. */
  readonly l2sq: PtrKernel;
  /** Inner product. */
  readonly dot: PtrKernel;
  /** L1 distance. */
  readonly l1: PtrKernel;
}

function jsKernels(): FastKernels {
  return {
    name: 'js',
    l2sq(a, b, dim) {
      const m = arena.f32();
      let s = 0;
      const ia = a >> 2;
      const ib = b >> 2;
      for (let i = 0; i < dim; i++) {
        const d = m[ia + i]! - m[ib + i]!;
        s += d * d;
      }
      return Math.fround(s);
    },
    dot(a, b, dim) {
      const m = arena.f32();
      let s = 0;
      const ia = a >> 2;
      const ib = b >> 2;
      for (let i = 0; i < dim; i++) s += m[ia + i]! * m[ib + i]!;
      return Math.fround(s);
    },
    l1(a, b, dim) {
      const m = arena.f32();
      let s = 0;
      const ia = a >> 2;
      const ib = b >> 2;
      for (let i = 0; i < dim; i++) s += Math.abs(m[ia + i]! - m[ib + i]!);
      return Math.fround(s);
    },
  };
}

function wasmKernels(): FastKernels | null {
  try {
    const url = new URL('../../wasm/kernels.wasm', import.meta.url);
    const module = new WebAssembly.Module(readFileSync(url));
    const instance = new WebAssembly.Instance(module, { env: { memory: arena.memory, abort: () => {} } });
    const e = instance.exports as unknown as { l2sq: PtrKernel; dot: PtrKernel; l1: PtrKernel };
    return { name: 'wasm-simd', l2sq: e.l2sq, dot: e.dot, l1: e.l1 };
  } catch {
    return null;
  }
}

/** The kernels every hot path uses; chosen once per process. */
export const fast: FastKernels = (process.env['VECGRES_KERNELS'] === 'js' ? null : wasmKernels()) ?? jsKernels();

/** The plain-TypeScript pointer kernels, for tests that compare implementations. */
export const jsFast: FastKernels = jsKernels();
