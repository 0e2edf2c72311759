/** Writing a benchmark's recall / QPS chart (bench/support/svg_chart.ts) to a file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { recallQpsSvg, type ChartInput } from './svg_chart.js';

/** Renders `input` and writes it to `path` (its folder created), then says where on stderr. */
export function writeChart(path: string, input: ChartInput): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, recallQpsSvg(input));
  process.stderr.write(`chart written to ${path}\n`);
}
