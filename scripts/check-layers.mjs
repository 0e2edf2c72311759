// Fails when a module imports a layer above its own in ARCHITECTURE.md's order (dependencies point one way),
// or when one index method imports another or the SQL layer.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
// Lower number = lower layer. A module may import only its own layer or lower ones.
// `index.ts` is the public embedded API; `worker/` runs it on a worker thread; the server and the CLI are its clients.
const LAYERS = ['common', 'kernels', 'types', 'storage', 'protocol', 'access', 'sql', 'engine', 'index.ts', 'worker', 'server', 'cli'];
const rank = (rel) => {
  const top = rel.split(sep)[0];
  const i = LAYERS.indexOf(top);
  if (i < 0) throw new Error(`src/${rel}: not in a known layer folder`);
  return i;
};
const INDEX_METHODS = ['hnsw', 'ivfflat', 'diskann', 'btree', 'gin'];
const problems = [];
(function walk(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) { walk(path); continue; }
    if (!entry.endsWith('.ts')) continue;
    const rel = relative(src, path);
    const text = readFileSync(path, 'utf8');
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2];
      // Imports name the emitted .js file; the layer is that of the .ts source.
      const target = relative(src, resolve(dirname(path), spec)).replace(/\.js$/, '.ts');
      if (target.startsWith('..')) { problems.push(`src/${rel} imports ${spec}, outside src/`); continue; }
      if (rank(target) > rank(rel)) problems.push(`src/${rel} (layer ${rel.split(sep)[0]}) imports ${target} (a higher layer)`);
      const [a, b] = [rel.split(sep), target.split(sep)];
      if (a[0] === 'access' && b[0] === 'access' && INDEX_METHODS.includes(a[1]) && INDEX_METHODS.includes(b[1]) && a[1] !== b[1])
        problems.push(`src/${rel}: index method ${a[1]} imports index method ${b[1]}`);
      if (a[0] === 'sql' && b[0] === 'access' && INDEX_METHODS.includes(b[1]))
        problems.push(`src/${rel}: the SQL layer imports a concrete index (${target}); use access/am.ts`);
    }
  }
})(src);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('layers ok');
