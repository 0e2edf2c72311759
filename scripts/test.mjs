// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner.
// Pass file or folder filters as arguments: `npm test -- sql hnsw`.
import { spawnSync } from 'node:child_process';
import { root, testFiles } from './test-files.mjs';

const selected = testFiles(process.argv.slice(2));
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...selected], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
