/**
 * The recall / QPS chart of ann-benchmarks (Aumüller, Bernhardsson & Faithfull, "ANN-Benchmarks:
 * A Benchmarking Tool for Approximate Nearest Neighbor Algorithms", 2018): recall@k on a linear
 * x axis, queries per second on a logarithmic y axis, one curve per system through the points of
 * its parameter sweep (ef_search, probes), so up and to the right is better. A pure function
 * from measured points to an SVG document (SVG 1.1, no scripts, no external fonts or styles), so
 * a browser, GitHub's README view or an image viewer shows it as is.
 *
 * Unlike ann-benchmarks, which draws only each system's Pareto frontier, every measured point is
 * drawn, in sweep order: a point where more work bought less speed and no recall is noise worth
 * seeing on a shared machine. Each marker carries a `<title>` (its parameter, recall and QPS),
 * shown on hover.
 */

/** One measured setting of a system. */
export interface ChartPoint {
  /** recall@k, 0..1. */
  recall: number;
  /** Queries per second, > 0. */
  qps: number;
  /** The setting that produced it, e.g. `ef_search 40`. */
  label: string;
}

/** One curve: a system's sweep, in sweep order. */
export interface ChartSeries {
  name: string;
  points: ChartPoint[];
}

export interface ChartInput {
  /** First line: what was measured (data set, rows, queries, k, metric). */
  title: string;
  /** Further lines under the title: machine, settings, load, notes. */
  subtitle: string[];
  series: ChartSeries[];
  /** Label of the x axis; default `Recall@10`. */
  xLabel?: string;
  /** Smallest recall shown; default 0.5, lowered in steps of 0.1 to include every point. */
  recallMin?: number;
}

/** Pixel layout (SVG user units); the width grows to fit long legend or title text. */
const WIDTH_MIN = 960;
/** Rough advance of a character at 12 px (Helvetica averages about 0.55 em), for the width. */
const CHAR_WIDTH = 6.5;
const PLOT_WIDTH = 600;
const PLOT_HEIGHT = 420;
const LEFT = 80;
const TITLE_LINE = 18;
const BOTTOM = 60;

/** Distinct colors (Okabe & Ito's palette, readable by color-blind viewers) and marker shapes. */
const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'down', 'cross', 'plus', 'star'] as const;

/** Text as XML character data / attribute value. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A number with thousands separators and at most `digits` decimals (locale-independent). */
export function formatNumber(x: number, digits = 0): string {
  const [int, frac] = x.toFixed(digits).split('.');
  const sign = int!.startsWith('-') ? '-' : '';
  const grouped = int!.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + grouped + (frac !== undefined && Number(frac) !== 0 ? '.' + frac.replace(/0+$/, '') : '');
}

/** Coordinates to 2 decimals: enough for a screen, and stable text. */
function c(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function markerPath(shape: (typeof MARKERS)[number], x: number, y: number): string {
  const r = 4.5;
  switch (shape) {
    case 'circle':
      return `M${c(x - r)},${c(y)}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
    case 'square':
      return `M${c(x - r)},${c(y - r)}h${2 * r}v${2 * r}h${-2 * r}Z`;
    case 'triangle':
      return `M${c(x)},${c(y - r)}L${c(x + r)},${c(y + r)}L${c(x - r)},${c(y + r)}Z`;
    case 'down':
      return `M${c(x)},${c(y + r)}L${c(x + r)},${c(y - r)}L${c(x - r)},${c(y - r)}Z`;
    case 'diamond':
      return `M${c(x)},${c(y - r)}L${c(x + r)},${c(y)}L${c(x)},${c(y + r)}L${c(x - r)},${c(y)}Z`;
    case 'cross':
      return `M${c(x - r)},${c(y - r)}L${c(x + r)},${c(y + r)}M${c(x - r)},${c(y + r)}L${c(x + r)},${c(y - r)}`;
    case 'plus':
      return `M${c(x - r)},${c(y)}h${2 * r}M${c(x)},${c(y - r)}v${2 * r}`;
    case 'star':
      return `M${c(x - r)},${c(y)}h${2 * r}M${c(x)},${c(y - r)}v${2 * r}M${c(x - r * 0.7)},${c(y - r * 0.7)}L${c(x + r * 0.7)},${c(y + r * 0.7)}M${c(x - r * 0.7)},${c(y + r * 0.7)}L${c(x + r * 0.7)},${c(y - r * 0.7)}`;
  }
}

/**
 * The chart as an SVG document.
 *
 * Axes: x is recall from `recallMin` (default 0.5, lowered by 0.1 until every point fits) to 1,
 * ticked every 0.05 (labelled every 0.1); y is QPS on a log scale from the power of ten at or
 * below the smallest QPS to the one at or above the largest (at least one decade), with a
 * labelled tick and grid line at every power of ten and light grid lines at 2..9 times it.
 * Series past the eighth reuse colors with other markers.
 *
 * @throws Error when a point's recall is outside 0..1 or its QPS is not a positive finite number
 *   (a log scale has no place for it), naming the series and point
 */
export function recallQpsSvg(input: ChartInput): string {
  const points = input.series.flatMap((s) => s.points.map((p) => ({ s, p })));
  for (const { s, p } of points) {
    if (!(p.recall >= 0 && p.recall <= 1)) throw new Error(`chart: ${s.name} ${p.label}: recall ${p.recall} is outside 0..1`);
    if (!(p.qps > 0 && Number.isFinite(p.qps))) throw new Error(`chart: ${s.name} ${p.label}: QPS ${p.qps} cannot be drawn on a log scale`);
  }
  let recallMin = input.recallMin ?? 0.5;
  for (const { p } of points) while (p.recall < recallMin - 1e-12) recallMin = Math.round((recallMin - 0.1) * 10) / 10;
  recallMin = Math.max(0, recallMin);
  const qpsValues = points.map(({ p }) => p.qps);
  let decadeLo = qpsValues.length > 0 ? Math.floor(Math.log10(Math.min(...qpsValues)) + 1e-9) : 0;
  let decadeHi = qpsValues.length > 0 ? Math.ceil(Math.log10(Math.max(...qpsValues)) - 1e-9) : 1;
  if (decadeHi <= decadeLo) decadeHi = decadeLo + 1;
  if (decadeLo > decadeHi - 1) decadeLo = decadeHi - 1;

  const titleLines = [input.title, ...input.subtitle];
  const top = 20 + titleLines.length * TITLE_LINE + 14;
  const height = top + PLOT_HEIGHT + BOTTOM;
  const x = (recall: number): number => LEFT + ((recall - recallMin) / (1 - recallMin)) * PLOT_WIDTH;
  const y = (qps: number): number => top + PLOT_HEIGHT - ((Math.log10(qps) - decadeLo) / (decadeHi - decadeLo)) * PLOT_HEIGHT;

  const legendRight = LEFT + PLOT_WIDTH + 24 + 36 + Math.max(0, ...input.series.map((s) => s.name.length)) * CHAR_WIDTH + 16;
  const titleRight = LEFT + Math.max(input.title.length * CHAR_WIDTH * 1.25, ...input.subtitle.map((l) => l.length * CHAR_WIDTH * 0.92)) + 16;
  const WIDTH = Math.ceil(Math.max(WIDTH_MIN, legendRight, titleRight));
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<title>${escapeXml(input.title)}</title>`);
  out.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
  titleLines.forEach((line, i) => {
    const attrs = i === 0 ? 'font-size="15" font-weight="bold"' : 'font-size="11" fill="#444444"';
    out.push(`<text class="title" x="${LEFT}" y="${20 + (i + 1) * TITLE_LINE - 4}" ${attrs}>${escapeXml(line)}</text>`);
  });

  // Grid and ticks. x: every 0.05, labelled every 0.1.
  out.push('<g class="x-axis">');
  for (let i = Math.ceil(recallMin * 20 - 1e-9); i <= 20; i++) {
    const r = i / 20;
    const px = c(x(r));
    const labelled = i % 2 === 0;
    out.push(`<line x1="${px}" y1="${top}" x2="${px}" y2="${top + PLOT_HEIGHT}" stroke="${labelled ? '#dddddd' : '#eeeeee'}"/>`);
    out.push(`<line x1="${px}" y1="${top + PLOT_HEIGHT}" x2="${px}" y2="${top + PLOT_HEIGHT + 5}" stroke="#000000"/>`);
    if (labelled) out.push(`<text class="x-tick" data-value="${r}" x="${px}" y="${top + PLOT_HEIGHT + 18}" text-anchor="middle">${r.toFixed(1)}</text>`);
  }
  out.push(`<text x="${c(LEFT + PLOT_WIDTH / 2)}" y="${top + PLOT_HEIGHT + 42}" text-anchor="middle" font-size="13">${escapeXml(input.xLabel ?? 'Recall@10')}</text>`);
  out.push('</g>');
  out.push('<g class="y-axis">');
  for (let d = decadeLo; d <= decadeHi; d++) {
    const v = 10 ** d;
    const py = c(y(v));
    out.push(`<line x1="${LEFT}" y1="${py}" x2="${LEFT + PLOT_WIDTH}" y2="${py}" stroke="#cccccc"/>`);
    out.push(`<line x1="${LEFT - 5}" y1="${py}" x2="${LEFT}" y2="${py}" stroke="#000000"/>`);
    out.push(`<text class="y-tick" data-value="${v}" x="${LEFT - 8}" y="${py}" dy="4" text-anchor="end">${formatNumber(v)}</text>`);
    if (d < decadeHi) {
      for (let m = 2; m <= 9; m++) {
        const pm = c(y(m * v));
        out.push(`<line class="y-minor" x1="${LEFT}" y1="${pm}" x2="${LEFT + PLOT_WIDTH}" y2="${pm}" stroke="#f0f0f0"/>`);
        out.push(`<line x1="${LEFT - 3}" y1="${pm}" x2="${LEFT}" y2="${pm}" stroke="#000000"/>`);
      }
    }
  }
  const yMid = top + PLOT_HEIGHT / 2;
  out.push(`<text x="22" y="${c(yMid)}" transform="rotate(-90 22 ${c(yMid)})" text-anchor="middle" font-size="13">Queries per second (1/s), log scale</text>`);
  out.push('</g>');
  out.push(`<rect x="${LEFT}" y="${top}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" fill="none" stroke="#000000"/>`);

  // Curves, then markers above them.
  input.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const shape = MARKERS[i % MARKERS.length]!;
    const line = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${c(x(p.recall))},${c(y(p.qps))}`).join('');
    out.push(`<g class="series-group" data-name="${escapeXml(s.name)}">`);
    out.push(`<path class="series" data-name="${escapeXml(s.name)}" d="${line}" fill="none" stroke="${color}" stroke-width="1.8"/>`);
    for (const p of s.points) {
      const fill = shape === 'cross' || shape === 'plus' || shape === 'star' ? 'none' : color;
      out.push(
        `<path class="marker" data-recall="${p.recall}" data-qps="${p.qps}" d="${markerPath(shape, x(p.recall), y(p.qps))}" fill="${fill}" stroke="${color}" stroke-width="1.5">` +
          `<title>${escapeXml(`${s.name}, ${p.label}: recall ${p.recall.toFixed(4)}, ${formatNumber(p.qps)} QPS`)}</title></path>`,
      );
    }
    out.push('</g>');
  });

  // Legend, right of the plot.
  const lx = LEFT + PLOT_WIDTH + 24;
  out.push('<g class="legend">');
  input.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const shape = MARKERS[i % MARKERS.length]!;
    const ly = top + 10 + i * 22;
    const fill = shape === 'cross' || shape === 'plus' || shape === 'star' ? 'none' : color;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="${color}" stroke-width="1.8"/>`);
    out.push(`<path d="${markerPath(shape, lx + 14, ly)}" fill="${fill}" stroke="${color}" stroke-width="1.5"/>`);
    out.push(`<text class="legend-entry" x="${lx + 36}" y="${ly}" dy="4">${escapeXml(s.name)}</text>`);
  });
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n') + '\n';
}
