// Measures what each test file costs: runs the matching compiled test files one at a time
// (`node --test <file>`, so the runner's own start-up is included) under GNU time and prints
// a tab-separated line per file: user + system CPU seconds, wall seconds, peak RSS (MB), exit
// status; then the totals. CPU seconds, unlike wall time, hardly change with the machine's load,
// so compare those. Linux only (needs /usr/bin/time).
//   node scripts/test-cost.mjs [filters...] [--out file.tsv] [--dist other/dist]
// --dist measures another build of the tests (a copy of dist/ made before a change, in a folder
// two levels below the checkout so that its test files find node_modules and test/fixtures).
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { root, testFiles } from './test-files.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : null;
};
const out = option('--out');
const dist = resolve(option('--dist') ?? join(root, 'dist'));
const files = testFiles(args, dist);
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const header = 'file\tcpu_s\tuser_s\tsys_s\twall_s\trss_mb\tstatus';
console.log(header);
if (out) writeFileSync(out, header + '\n');
const timeFile = join(tmpdir(), `vecgres-test-cost-${process.pid}.txt`);
let cpu = 0;
let wall = 0;
let failed = 0;
for (const file of files) {
  const r = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%U %S %e %M', process.execPath, '--test', file], {
    cwd: dirname(dist),
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  // On failure GNU time writes "Command exited with non-zero status N" before the numbers.
  const [user, sys, elapsed, rssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  cpu += user + sys;
  wall += elapsed;
  if (r.status !== 0) failed++;
  const line = [relative(join(dist, 'test'), file), (user + sys).toFixed(2), user.toFixed(2), sys.toFixed(2), elapsed.toFixed(2), (rssKb / 1024).toFixed(0), r.status].join('\t');
  console.log(line);
  if (out) appendFileSync(out, line + '\n');
}
rmSync(timeFile, { force: true });
const total = `total\t${cpu.toFixed(1)}\t\t\t${wall.toFixed(1)}\t\t${failed} failed`;
console.log(total);
if (out) appendFileSync(out, total + '\n');
process.exit(failed === 0 ? 0 : 1);
