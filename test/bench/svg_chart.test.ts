/**
 * The benchmarks' recall / QPS chart (bench/support/svg_chart.ts): the output is well-formed XML
 * (parsed by a strict parser), has one curve per series through that series' points, y ticks at
 * exactly the powers of ten spanning the data, evenly spaced (a log scale), markers where the
 * axes' scales put them, the legend's names, and escaped text. Plus seeded random series: every
 * marker lies inside the plot and on the curve of its series.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { formatNumber, recallQpsSvg, type ChartInput, type ChartSeries } from '../../bench/support/svg_chart.js';
import { findAll, parseXml, type XmlElement } from '../support/xml.js';
import { SEED } from '../support/seed.js';

const byClass = (root: XmlElement, cls: string): XmlElement[] => findAll(root, (e) => e.attrs.get('class') === cls);

/** The (x, y) pairs of an M/L path. */
function pathPoints(d: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)) out.push([Number(m[1]), Number(m[2])]);
  return out;
}

/** The y coordinate of the labelled tick with value v. */
function tickY(root: XmlElement, v: number): number {
  const t = byClass(root, 'y-tick').find((e) => Number(e.attrs.get('data-value')) === v);
  assert.ok(t !== undefined, `a y tick at ${v}`);
  return Number(t.attrs.get('y'));
}

function tickX(root: XmlElement, v: number): number {
  const t = byClass(root, 'x-tick').find((e) => Math.abs(Number(e.attrs.get('data-value')) - v) < 1e-9);
  assert.ok(t !== undefined, `an x tick at ${v}`);
  return Number(t.attrs.get('x'));
}

const SAMPLE: ChartInput = {
  title: 'GloVe 100-d, 100,000 rows, 1,000 queries, k = 10, cosine',
  subtitle: ['machine line', 'm = 16, ef_construction = 64; lists = 100'],
  series: [
    { name: 'vecgres HNSW', points: [{ recall: 0.62, qps: 22809, label: 'ef_search 10' }, { recall: 0.81, qps: 9267, label: 'ef_search 40' }, { recall: 0.97, qps: 1094, label: 'ef_search 400' }] },
    { name: 'hnswlib-node', points: [{ recall: 0.58, qps: 20062, label: 'ef 10' }, { recall: 0.95, qps: 971, label: 'ef 400' }] },
    { name: 'PGlite <wasm> & "pgvector"', points: [{ recall: 0.9, qps: 120, label: 'ef_search 40' }] },
  ],
};

test('well-formed SVG with one curve per series through its points, and the legend', () => {
  const svg = recallQpsSvg(SAMPLE);
  const root = parseXml(svg);
  assert.equal(root.name, 'svg');
  assert.equal(root.attrs.get('xmlns'), 'http://www.w3.org/2000/svg');
  const curves = byClass(root, 'series');
  assert.equal(curves.length, SAMPLE.series.length);
  for (let i = 0; i < SAMPLE.series.length; i++) {
    assert.equal(curves[i]!.name, 'path');
    assert.equal(curves[i]!.attrs.get('data-name'), SAMPLE.series[i]!.name, 'names round-trip through escaping');
    assert.equal(pathPoints(curves[i]!.attrs.get('d')!).length, SAMPLE.series[i]!.points.length);
  }
  assert.deepEqual(byClass(root, 'legend-entry').map((e) => e.text), SAMPLE.series.map((s) => s.name));
  assert.equal(byClass(root, 'marker').length, 6);
  const titles = byClass(root, 'title').map((e) => e.text);
  assert.deepEqual(titles, [SAMPLE.title, ...SAMPLE.subtitle]);
  assert.ok(!svg.includes('NaN') && !svg.includes('undefined') && !svg.includes('Infinity'));
});

test('y ticks at the powers of ten spanning the data, evenly spaced; markers where the scales put them', () => {
  const root = parseXml(recallQpsSvg(SAMPLE));
  const values = byClass(root, 'y-tick').map((e) => Number(e.attrs.get('data-value')));
  // QPS from 120 to 22,809: decades 100 .. 100,000.
  assert.deepEqual(values, [100, 1000, 10000, 100000]);
  assert.deepEqual(byClass(root, 'y-tick').map((e) => e.text), ['100', '1,000', '10,000', '100,000']);
  const ys = values.map((v) => tickY(root, v));
  const step = ys[0]! - ys[1]!;
  assert.ok(step > 0, 'larger QPS is higher up');
  for (let i = 1; i < ys.length; i++) assert.ok(Math.abs(ys[i - 1]! - ys[i]! - step) < 0.02, `decade ${i} spans ${ys[i - 1]! - ys[i]!}, not ${step}`);
  // 8 light grid lines (2..9 x) in each of the 3 decades.
  assert.equal(byClass(root, 'y-minor').length, 24);
  // x: 0.5 .. 1 labelled every 0.1.
  assert.deepEqual(byClass(root, 'x-tick').map((e) => e.text), ['0.5', '0.6', '0.7', '0.8', '0.9', '1.0']);
  // The PGlite point (0.9, 120): x at the 0.9 tick, y a log10(1.2) fraction of a decade above 100.
  const [[px, py]] = pathPoints(byClass(root, 'series')[2]!.attrs.get('d')!) as [[number, number]];
  assert.ok(Math.abs(px - tickX(root, 0.9)) < 0.02, `x ${px}`);
  assert.ok(Math.abs(py - (tickY(root, 100) - Math.log10(1.2) * step)) < 0.02, `y ${py}`);
});

test('the recall axis widens to hold every point; a decade at least when QPS is flat', () => {
  const root = parseXml(recallQpsSvg({ title: 't', subtitle: [], series: [{ name: 'ivf', points: [{ recall: 0.31, qps: 500, label: 'probes 1' }, { recall: 0.99, qps: 500, label: 'probes 32' }] }] }));
  assert.equal(byClass(root, 'x-tick')[0]!.text, '0.3');
  assert.deepEqual(byClass(root, 'y-tick').map((e) => Number(e.attrs.get('data-value'))), [100, 1000]);
  const exact = parseXml(recallQpsSvg({ title: 't', subtitle: [], series: [{ name: 'x', points: [{ recall: 1, qps: 1000, label: 'a' }] }] }));
  const ticks = byClass(exact, 'y-tick').map((e) => Number(e.attrs.get('data-value')));
  assert.equal(ticks.length, 2);
  assert.ok(ticks.includes(1000), `ticks ${ticks} hold 1,000`);
});

test('points a log scale cannot show are refused with the series and setting named', () => {
  assert.throws(() => recallQpsSvg({ title: 't', subtitle: [], series: [{ name: 'pg', points: [{ recall: 0.9, qps: 0, label: 'ef 40' }] }] }), /pg ef 40: QPS 0/);
  assert.throws(() => recallQpsSvg({ title: 't', subtitle: [], series: [{ name: 'pg', points: [{ recall: 1.2, qps: 5, label: 'ef 40' }] }] }), /recall 1.2/);
  assert.throws(() => recallQpsSvg({ title: 't', subtitle: [], series: [{ name: 'pg', points: [{ recall: NaN, qps: 5, label: 'ef 40' }] }] }), /recall NaN/);
});

test(`random series: every marker inside the plot and on its curve (seed ${SEED})`, () => {
  const prng = new Prng(SEED);
  for (let trial = 0; trial < 50; trial++) {
    const series: ChartSeries[] = [];
    const ns = 1 + prng.int(9);
    for (let s = 0; s < ns; s++) {
      const points = Array.from({ length: prng.int(8) }, (_, j) => ({ recall: prng.next(), qps: 10 ** (prng.next() * 7 - 1), label: `p ${j}` }));
      series.push({ name: `s${s}`, points });
    }
    const root = parseXml(recallQpsSvg({ title: 'random', subtitle: ['a', 'b'], series }));
    const frame = findAll(root, (e) => e.name === 'rect' && e.attrs.get('fill') === 'none')[0]!;
    const [fx, fy, fw, fh] = ['x', 'y', 'width', 'height'].map((a) => Number(frame.attrs.get(a)));
    const curves = byClass(root, 'series');
    assert.equal(curves.length, ns, `seed ${SEED} trial ${trial}`);
    const groups = byClass(root, 'series-group');
    for (let s = 0; s < ns; s++) {
      const pts = pathPoints(curves[s]!.attrs.get('d')!);
      assert.equal(pts.length, series[s]!.points.length, `seed ${SEED} trial ${trial}`);
      const markers = groups[s]!.children.filter((e) => e.attrs.get('class') === 'marker');
      assert.equal(markers.length, pts.length);
      for (const [x, y] of pts) assert.ok(x >= fx! - 0.01 && x <= fx! + fw! + 0.01 && y >= fy! - 0.01 && y <= fy! + fh! + 0.01, `seed ${SEED} trial ${trial}: (${x}, ${y}) outside the plot`);
      // Higher QPS never sits lower on the chart (the log scale is monotone).
      const order = series[s]!.points.map((p, j) => ({ q: p.qps, y: pts[j]![1] })).sort((a, b) => a.q - b.q);
      for (let j = 1; j < order.length; j++) assert.ok(order[j]!.y <= order[j - 1]!.y + 0.011, `seed ${SEED} trial ${trial}`);
    }
  }
});

test('formatNumber groups thousands and trims zero decimals', () => {
  assert.equal(formatNumber(1234567), '1,234,567');
  assert.equal(formatNumber(100), '100');
  assert.equal(formatNumber(0.5, 2), '0.5');
  assert.equal(formatNumber(-12345.678, 1), '-12,345.7');
});

test('the test parser refuses what is not well-formed XML', () => {
  for (const bad of ['<a><b></a>', '<a>x & y</a>', '<a x=1/>', '<a x="1" x="2"/>', '<a/><b/>', '<a>', '<a>1 < 2</a>', '<a>&nbsp;</a>']) {
    assert.throws(() => parseXml(bad), /xml:/, bad);
  }
  assert.equal(parseXml('<?xml version="1.0"?>\n<a k="&lt;&amp;&#x41;">t&gt;<!-- c --><b/></a>\n').attrs.get('k'), '<&A');
});
