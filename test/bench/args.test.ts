/**
 * The benchmarks' argument parser (bench/support/args.ts): kebab-case flags from camelCase keys
 * (the option names the benches had), defaults, lists, flags, and errors that name the option;
 * `--help` text lists every declared option with its default.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flagName, formatHelp, parseOptions, type OptionSpecs } from '../../bench/support/args.js';

const SPECS = {
  rows: { kind: 'number', default: 340479, help: 'base rows' },
  pgliteRows: { kind: 'number', default: 50000, help: 'rows for PGlite' },
  ef: { kind: 'numbers', default: [10, 20, 40], help: 'ef_search values' },
  peers: { kind: 'strings', default: ['vecgres', 'hnswlib'], help: 'systems' },
  type: { kind: 'string', default: 'vector', help: 'indexed type', choices: ['vector', 'halfvec'] },
  svg: { kind: 'string', default: null, help: 'chart path' },
  json: { kind: 'flag', default: false, help: 'print JSON' },
} satisfies OptionSpecs;

test('defaults when no option is given; the lists are copies', () => {
  const a = parseOptions(SPECS, []);
  assert.deepEqual(a, { rows: 340479, pgliteRows: 50000, ef: [10, 20, 40], peers: ['vecgres', 'hnswlib'], type: 'vector', svg: null, json: false });
  a.ef.push(80);
  assert.deepEqual(parseOptions(SPECS, []).ef, [10, 20, 40]);
});

test('kebab-case flags, lists, flags, --name=value', () => {
  const a = parseOptions(SPECS, ['--pglite-rows', '2000', '--ef', '10,400', '--peers=pglite', '--json', '--type', 'halfvec', '--svg', 'x.svg', '--rows', 'Infinity']);
  assert.deepEqual(a, { rows: Infinity, pgliteRows: 2000, ef: [10, 400], peers: ['pglite'], type: 'halfvec', svg: 'x.svg', json: true });
  assert.equal(flagName('efConstruction'), 'ef-construction');
});

test('errors name the option', () => {
  assert.throws(() => parseOptions(SPECS, ['--rowz', '5']), /--rowz/);
  assert.throws(() => parseOptions(SPECS, ['--rows']), /--rows/);
  assert.throws(() => parseOptions(SPECS, ['--rows', 'many']), /--rows: a number, not "many"/);
  assert.throws(() => parseOptions(SPECS, ['--ef', '10,x']), /--ef: a number, not "x"/);
  assert.throws(() => parseOptions(SPECS, ['--type', 'bit']), /--type must be one of vector, halfvec/);
  assert.throws(() => parseOptions(SPECS, ['stray']), /stray/);
});

test('--help lists every option with its shape and default', () => {
  const help = formatHelp('hnsw', 'HNSW against its peers.', SPECS);
  assert.match(help, /^usage: npm run bench -- hnsw \[options\]/);
  for (const line of ['--rows N', '--pglite-rows N', '--ef N,N,...', '--peers A,B,...', '--type vector|halfvec', '--svg TEXT', '--json', '--help']) assert.ok(help.includes(line), line);
  assert.match(help, /rows for PGlite \(default 50000\)/);
  assert.match(help, /ef_search values \(default 10,20,40\)/);
  assert.doesNotMatch(help, /chart path \(default/);
});
