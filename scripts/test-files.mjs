// The compiled test files (dist/test/**/*.test.js) that test.mjs and test-cost.mjs run, sorted,
// filtered by path substrings relative to dist/test (none: every file).
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Absolute paths of the test files whose path under `<dist>/test` contains one of `filters`
 * (`dist` defaults to this checkout's dist/ folder).
 */
export function testFiles(filters, dist = join(root, 'dist')) {
  const testRoot = join(dist, 'test');
  const files = [];
  (function walk(dir) {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.test.js')) files.push(path);
    }
  })(testRoot);
  return files.filter((f) => filters.length === 0 || filters.some((w) => relative(testRoot, f).includes(w))).sort();
}
