import { checkOptions, describe, ShapeError, Tensor, ValueError } from '@tapegrad/core';
import { type ChartOptions, frame } from './charts';
import { renderVegaLite, type VegaLiteSpec } from './vega';

/** A matrix for {@link heatMap}: rows of numbers, or a 2-D tensor. */
export type Matrix = readonly (readonly number[])[] | Tensor;

/** Options of {@link heatMap}. */
export interface HeatMapOptions extends ChartOptions {
  /** One label per column (e.g. the input characters); column numbers by default. */
  xLabels?: readonly string[];
  /** One label per row (e.g. the output characters); row numbers by default. */
  yLabels?: readonly string[];
  /** Colour scale range; the data's own by default ([0, 1] suits attention weights). */
  domain?: [number, number];
  /** A vega colour scheme (default `greys`: dark = large, as the book's attention maps). */
  scheme?: string;
  /** Title of the colour legend (default `value`). */
  legendTitle?: string;
}

const OPTIONS = [
  'title',
  'xLabel',
  'yLabel',
  'width',
  'height',
  'xLabels',
  'yLabels',
  'domain',
  'scheme',
  'legendTitle',
];

function rowsOf(matrix: Matrix): number[][] {
  if (matrix instanceof Tensor) {
    if (matrix.ndim !== 2) {
      throw new ShapeError(`heatMap: matrix must be 2-D, got a tensor of shape [${matrix.shape.join(',')}]`);
    }
    const [n, m] = matrix.shape;
    return Array.from({ length: n }, (_, i) => Array.from(matrix.data.subarray(i * m, (i + 1) * m)));
  }
  if (!Array.isArray(matrix) || matrix.length === 0 || !matrix.every((r) => Array.isArray(r))) {
    throw new ValueError(`heatMap: matrix must be a 2-D tensor or a non-empty array of rows, got ${describe(matrix)}`);
  }
  const width = matrix[0].length;
  matrix.forEach((r, i) => {
    if (r.length !== width || r.length === 0) {
      throw new ShapeError(`heatMap: every row needs ${width} > 0 values; row ${i} has ${r.length}`);
    }
    if (!r.every((v) => typeof v === 'number')) throw new ValueError(`heatMap: row ${i} holds a non-number`);
  });
  return matrix.map((r) => [...r]);
}

function labels(name: string, given: readonly string[] | undefined, n: number): string[] {
  if (given === undefined) return Array.from({ length: n }, (_, i) => String(i));
  if (!Array.isArray(given) || given.length !== n || !given.every((s) => typeof s === 'string')) {
    throw new ValueError(
      `heatMap: ${name} must be ${n} strings (one per ${name === 'xLabels' ? 'column' : 'row'}), got ${describe(given)}`,
    );
  }
  return [...given];
}

/**
 * The vega-lite spec behind {@link heatMap}, for composing several maps into one figure
 * (`renderVegaLite({ concat: [a, b], columns: 2 })`).
 *
 * @example
 * const spec = heatMapSpec([[0.9, 0.1], [0.2, 0.8]], { xLabels: ['a', 'b'], yLabels: ['x', 'y'] });
 * renderVegaLite({ hconcat: [spec, spec] });
 */
export function heatMapSpec(matrix: Matrix, opts: HeatMapOptions = {}): VegaLiteSpec {
  const o = checkOptions('heatMap', opts, OPTIONS) as HeatMapOptions;
  const rows = rowsOf(matrix);
  const xLabels = labels('xLabels', o.xLabels, rows[0].length);
  const yLabels = labels('yLabels', o.yLabels, rows.length);
  const values = rows.flatMap((r, i) => r.map((v, j) => ({ x: j, y: i, v })));
  // Labels may repeat (two '9's in 1994), so the axes are the positions, labelled by lookup.
  const axis = (names: string[], title: string | undefined): object => ({
    title: title ?? null,
    labelExpr: `${JSON.stringify(names)}[datum.value]`,
    labelAngle: 0,
    labelFontSize: 12,
    ticks: false,
  });
  return {
    ...frame({ width: 18 * xLabels.length, height: 18 * yLabels.length, ...o }),
    data: { values },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'x', type: 'ordinal', axis: { ...axis(xLabels, o.xLabel), orient: 'top' } },
      y: { field: 'y', type: 'ordinal', axis: axis(yLabels, o.yLabel) },
      color: {
        field: 'v',
        type: 'quantitative',
        title: o.legendTitle ?? 'value',
        scale: { scheme: o.scheme ?? 'greys', ...(o.domain ? { domain: o.domain, clamp: true } : {}) },
      },
    },
  };
}

/**
 * A heat map of a matrix: one cell per entry, darker for larger values, with the rows and columns
 * labelled — the book's attention-weight figure (input characters across, output characters down).
 *
 * @example
 * const svg = heatMap(weights, { xLabels: [...'September 27, 1994'], yLabels: [...'1994-09-27'], domain: [0, 1] });
 * savePlot(svg, 'runs/attention/example-0');
 */
export function heatMap(matrix: Matrix, opts: HeatMapOptions = {}): string {
  return renderVegaLite(heatMapSpec(matrix, opts));
}
