// Build: AssemblyScript kernels -> dist/wasm/*.wasm, then TypeScript -> dist/.
// Both compilers are npm packages, so a clean clone builds with `npm ci && npm run build`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

mkdirSync(join(root, 'dist', 'wasm'), { recursive: true });
for (const file of readdirSync(join(root, 'assembly'))) {
  if (!file.endsWith('.ts') || file.startsWith('_')) continue;
  const name = file.slice(0, -3);
  run(bin('asc'), [
    `assembly/${file}`,
    '--outFile', `dist/wasm/${name}.wasm`,
    '--textFile', `dist/wasm/${name}.wat`,
    '-O3', '--noAssert',
    '--enable', 'simd',
    '--enable', 'threads',
    '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536',
    '--runtime', 'stub',
  ]);
}
run(process.execPath, [bin('tsc'), '-p', 'tsconfig.json']);
if (!existsSync(join(root, 'dist', 'src'))) throw new Error('tsc produced no dist/src');
