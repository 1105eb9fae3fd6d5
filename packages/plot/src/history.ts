import { lineChart, lineChartSpec, type Series } from './charts';
import { renderVegaLite, type VegaLiteSpec } from './vega';

/** What {@link plotHistory} reads: `@tapegrad/nn`'s History has it. */
export interface HistoryLike {
  readonly lossList: number[];
}

/**
 * The book's `trainer.plot()`: the recorded average losses against iterations, where each point
 * stands for `evalInterval` iterations.
 *
 * @example
 * savePlot(plotHistory(trainer.fit(x, t, { evalInterval: 10 }), 10), 'runs/spiral/loss');
 */
export function plotHistory(history: HistoryLike, evalInterval: number, title = 'Training loss'): string {
  return lineChart([{ name: 'train', y: history.lossList }], {
    title,
    xLabel: `iterations (x${evalInterval})`,
    yLabel: 'loss',
  });
}

/**
 * The curves of a training run, one entry per record: plain numbers, so any training loop (and
 * `@tapegrad/nn`'s `Trainer.plot`) can hand them over. `null` (or NaN) marks a record without
 * that value, e.g. validation scores that exist only at epoch ends.
 */
export interface TrainingCurves {
  /** Position of each record on the x axis (record index, iteration or epoch). */
  x: ArrayLike<number>;
  /** Mean training loss of each record. */
  loss: ArrayLike<number>;
  /** Validation loss, where there is one. */
  valLoss?: ArrayLike<number | null>;
  /** Training metric (accuracy), where there is one. */
  metric?: ArrayLike<number | null>;
  /** Validation metric, where there is one. */
  valMetric?: ArrayLike<number | null>;
}

/** Options of {@link trainingCurves}. */
export interface TrainingCurvesOptions {
  /** Title over the whole figure. */
  title?: string;
  /** x-axis title (default `'iteration'`). */
  xLabel?: string;
  /** Name of the metric, for its panel and axis (default `'accuracy'`). */
  metricName?: string;
  /** Fix the loss axis to this range (the book's `trainer.plot(ylim)`). */
  ylim?: [number, number];
  /** Fix the metric axis to this range (e.g. [0, 1]). */
  metricYlim?: [number, number];
  /** Size of each panel (default 420 × 300). */
  width?: number;
  height?: number;
}

function numbers(values: ArrayLike<number | null> | undefined): number[] | null {
  if (!values) return null;
  const out = Array.from({ length: values.length }, (_, i) => values[i] ?? NaN);
  return out.some(Number.isFinite) ? out : null;
}

/**
 * Adds a dot on every validation value to a {@link lineChartSpec}: validation is often scored
 * only at epoch ends, sparser than the training records (a single epoch gives a single point,
 * which a line alone would not show).
 */
function withValidationDots(spec: VegaLiteSpec, series: readonly Series[]): VegaLiteSpec {
  const val = series.find((s) => s.name === 'validation');
  if (!val) return spec;
  const { width, height, title, ...line } = spec;
  const values: { x: number; y: number; series: string }[] = [];
  for (let i = 0; i < val.y.length; i++) {
    if (Number.isFinite(val.y[i])) values.push({ x: val.x ? val.x[i] : i, y: val.y[i], series: val.name });
  }
  const enc = line.encoding as Record<string, Record<string, unknown>>;
  const dots = {
    data: { values },
    mark: { type: 'point', filled: true, size: 30 },
    encoding: {
      x: { field: 'x', type: 'quantitative' },
      y: { field: 'y', type: 'quantitative' },
      color: { ...enc.color, legend: null },
    },
  };
  return { width, height, ...(title === undefined ? {} : { title }), layer: [line, dots] };
}

/**
 * A training run's figure: the loss curve (training, and validation where there is any) and,
 * when a metric was recorded, a second panel with the metric beside it. This is what
 * `Trainer.plot()` in `@tapegrad/nn` draws.
 *
 * @example
 * const svg = trainingCurves({ x: [1, 2, 3], loss: [1.1, 0.7, 0.5], metric: [0.4, 0.7, 0.8] },
 *   { xLabel: 'epoch', title: 'spiral' });
 * savePlot(svg, 'runs/spiral/training');
 */
export function trainingCurves(curves: TrainingCurves, opts: TrainingCurvesOptions = {}): string {
  const x = Array.from(curves.x);
  const size = { width: opts.width ?? 420, height: opts.height ?? 300 };
  const xLabel = opts.xLabel ?? 'iteration';
  const panel = (train: ArrayLike<number | null> | undefined, val: ArrayLike<number | null> | undefined) => {
    const series: Series[] = [];
    const t = numbers(train);
    const v = numbers(val);
    if (t) series.push({ name: 'train', x, y: t });
    if (v) series.push({ name: 'validation', x, y: v });
    return series;
  };
  const lossSeries = panel(curves.loss, curves.valLoss);
  if (lossSeries.length === 0) throw new Error('trainingCurves: the loss has no finite value to draw');
  const lossSpec = withValidationDots(
    lineChartSpec(lossSeries, { ...size, xLabel, yLabel: 'loss', yDomain: opts.ylim }),
    lossSeries,
  );
  const metricSeries = panel(curves.metric, curves.valMetric);
  if (metricSeries.length === 0) {
    return renderVegaLite({ ...lossSpec, ...(opts.title ? { title: opts.title } : {}) });
  }
  const metricName = opts.metricName ?? 'accuracy';
  const metricSpec = withValidationDots(
    lineChartSpec(metricSeries, {
      ...size,
      xLabel,
      yLabel: metricName,
      yDomain: opts.metricYlim,
      legend: 'bottom-right',
    }),
    metricSeries,
  );
  return renderVegaLite({
    ...(opts.title ? { title: { text: opts.title, anchor: 'middle' } } : {}),
    hconcat: [
      { ...lossSpec, title: 'loss' },
      { ...metricSpec, title: metricName },
    ],
    resolve: { scale: { color: 'independent' } },
  });
}
