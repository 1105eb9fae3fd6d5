import { renderVegaLite, type VegaLiteSpec } from './vega';

/** One line of a {@link lineChart}: y values, with x defaulting to 0, 1, 2, … */
export interface Series {
  name: string;
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
}

/** Titles and size shared by the charts. */
export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions extends ChartOptions {
  /** Fix the y axis to this range (e.g. [0, 1] for accuracy). */
  yDomain?: [number, number];
  /** Draw a dot on every data point too. */
  points?: boolean;
  /** Where the legend goes (default top-right). */
  legend?: 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left';
  /** Label the x axis with whole numbers only (epochs). */
  integerX?: boolean;
}

/**
 * The title and the common size of a chart, as vega-lite wants them.
 *
 * @example
 * frame({ title: 'loss' }); // { width: 480, height: 320, title: 'loss' }
 * frame({ width: 400, height: 400 });
 */
export function frame(opts: ChartOptions): VegaLiteSpec {
  return {
    width: opts.width ?? 480,
    height: opts.height ?? 320,
    ...(opts.title ? { title: opts.title } : {}),
  };
}

/**
 * The vega-lite spec behind {@link lineChart}, for composing charts (e.g. side by side with
 * `hconcat`) before rendering.
 *
 * @example
 * const spec = lineChartSpec([{ name: 'loss', y: [3, 2, 1] }], { xLabel: 'epoch' });
 * renderVegaLite({ hconcat: [spec, spec] });
 */
export function lineChartSpec(series: readonly Series[], opts: LineChartOptions = {}): VegaLiteSpec {
  const values: { x: number; y: number; series: string }[] = [];
  for (const s of series) {
    for (let i = 0; i < s.y.length; i++) {
      const y = s.y[i];
      if (Number.isFinite(y)) values.push({ x: s.x ? s.x[i] : i, y, series: s.name });
    }
  }
  return {
    ...frame(opts),
    data: { values },
    mark: { type: 'line', point: opts.points ?? false, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: opts.xLabel ?? 'x',
        ...(opts.integerX ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: opts.yLabel ?? 'y',
        scale: opts.yDomain ? { domain: opts.yDomain, clamp: true } : { zero: false },
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        sort: series.map((s) => s.name),
        legend: series.length > 1 ? { orient: opts.legend ?? 'top-right', labelLimit: 0, symbolSize: 60 } : null,
      },
    },
  };
}

/**
 * A line chart of one or more series, with a legend when there is more than one.
 *
 * @example
 * const svg = lineChart([{ name: 'train', y: trainAcc }, { name: 'test', y: testAcc }],
 *   { xLabel: 'epoch', yLabel: 'accuracy', yDomain: [0, 1] });
 */
export function lineChart(series: readonly Series[], opts: LineChartOptions = {}): string {
  return renderVegaLite(lineChartSpec(series, opts));
}

/** Book-style marker shapes per class (o, x, ^, …). */
export const CLASS_SHAPES = ['circle', 'cross', 'triangle-up', 'square', 'diamond', 'triangle-down'];

/** Points as `[x, y]` pairs from nested arrays or a flat row-major `[N, 2]` array. */
export type Points = readonly (readonly number[])[] | ArrayLike<number>;

/**
 * Rows of a {@link Points} value as `{ x, y }` records.
 *
 * @example
 * toXY([[1, 2], [3, 4]]); // [{ x: 1, y: 2 }, { x: 3, y: 4 }]
 * toXY(new Float32Array([1, 2, 3, 4])); // the same
 */
export function toXY(points: Points): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  const first = (points as ArrayLike<unknown>)[0];
  if (Array.isArray(first)) {
    for (const p of points as readonly (readonly number[])[]) out.push({ x: p[0], y: p[1] });
  } else {
    const flat = points as ArrayLike<number>;
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ x: flat[i], y: flat[i + 1] });
  }
  return out;
}

/**
 * The point layer of {@link scatter} and the decision-boundary plot: colour and shape by class.
 *
 * @example
 * const layer = pointLayer([[0, 0], [1, 1]], [0, 1]);
 * renderVegaLite({ ...frame({}), ...layer });
 */
export function pointLayer(points: Points, labels: ArrayLike<number> | null): VegaLiteSpec {
  const values = toXY(points).map((p, i) => ({ ...p, label: labels ? String(labels[i]) : '0' }));
  return {
    data: { values },
    mark: { type: 'point', filled: true, size: 40, opacity: 0.9 },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', scale: { zero: false } },
      color: { field: 'label', type: 'nominal', title: 'class', scale: { scheme: 'category10' } },
      shape: { field: 'label', type: 'nominal', title: 'class', scale: { range: CLASS_SHAPES } },
    },
  };
}

/**
 * A scatter plot of 2-D points, coloured and shaped by class label.
 *
 * @example
 * const { x, labels } = spiral();
 * savePlot(scatter(x.data, labels.data, { title: 'spiral' }), 'runs/spiral-data');
 */
export function scatter(points: Points, labels: ArrayLike<number> | null = null, opts: ChartOptions = {}): string {
  const layer = pointLayer(points, labels);
  const enc = layer.encoding as Record<string, Record<string, unknown>>;
  enc.x.title = opts.xLabel ?? 'x';
  enc.y.title = opts.yLabel ?? 'y';
  if (!labels) {
    delete enc.color;
    delete enc.shape;
  }
  return renderVegaLite({ ...frame(opts), ...layer });
}
