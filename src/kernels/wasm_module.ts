/**
 * Loading the WebAssembly modules (`dist/wasm/*.wasm`, built from `assembly/`): each is compiled
 * once per process and instantiated once per memory, because an instance imports exactly one
 * memory and the kernels read vectors in place in the memory that holds them. The distance
 * kernels (fast.ts) and the HNSW search (access/hnsw/kernel.ts) load theirs through here.
 */
import { readFileSync } from 'node:fs';
import type { Arena } from './arena.js';

/**
 * The module at `url`, compiled, or null when `VECGRES_KERNELS=js` asks for the TypeScript
 * kernels or the file cannot be read or compiled (the callers then use their TypeScript twins).
 */
export function compileWasm(url: URL): WebAssembly.Module | null {
  if (process.env['VECGRES_KERNELS'] === 'js') return null;
  try {
    return new WebAssembly.Module(readFileSync(url));
  } catch {
    return null;
  }
}

/** The exports of a new instance of `module` over `arena`'s memory, or null when it cannot be made. */
export function instantiateOn(module: WebAssembly.Module | null, arena: Arena): WebAssembly.Exports | null {
  if (module === null) return null;
  try {
    return new WebAssembly.Instance(module, { env: { memory: arena.memory, abort: () => {} } }).exports;
  } catch {
    return null;
  }
}
