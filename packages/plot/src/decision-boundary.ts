import { noGrad, tensor, type Tensor } from '@tapegrad/core';
import { frame, pointLayer, toXY, type ChartOptions, type Points } from './charts';
import { renderVegaLite } from './vega';

/** Anything that maps a batch `[N, 2]` to class scores `[N, C]` (or `[N, 1]` for binary). */
export type Classifier = ((x: Tensor) => Tensor) | { forward(x: Tensor): Tensor };

/** Options of {@link decisionBoundary}. */
export interface DecisionBoundaryOptions extends ChartOptions {
  /** Grid cells per axis (default 200). */
  resolution?: number;
  /** Margin added around the data's bounding box (default 0.1, as the book's figure). */
  margin?: number;
  /** For a one-column output: class 1 where the score exceeds this (default 0, for logits). */
  threshold?: number;
}

function predictClasses(model: Classifier, grid: Float32Array, threshold: number): Int32Array {
  const y = noGrad(() => {
    const input = tensor(grid, { shape: [grid.length / 2, 2] });
    return typeof model === 'function' ? model(input) : model.forward(input);
  });
  const n = grid.length / 2;
  const c = y.size / n;
  const out = new Int32Array(n);
  const d = y.data;
  for (let i = 0; i < n; i++) {
    if (c === 1) {
      out[i] = d[i] > threshold ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let j = 1; j < c; j++) if (d[i * c + j] > d[i * c + best]) best = j;
    out[i] = best;
  }
  return out;
}

/**
 * The book's decision-boundary figure: the model's predicted class over a grid covering the data
 * (drawn as merged row runs, so the SVG stays small), with the data points on top.
 *
 * @example
 * const { x, labels } = spiral();
 * savePlot(decisionBoundary(model, x.data, labels.data, { title: 'spiral' }), 'runs/boundary');
 */
export function decisionBoundary(
  model: Classifier,
  points: Points,
  labels: ArrayLike<number>,
  opts: DecisionBoundaryOptions = {},
): string {
  const xy = toXY(points);
  const res = opts.resolution ?? 200;
  const margin = opts.margin ?? 0.1;
  const xs = xy.map((p) => p.x);
  const ys = xy.map((p) => p.y);
  const x0 = Math.min(...xs) - margin;
  const x1 = Math.max(...xs) + margin;
  const y0 = Math.min(...ys) - margin;
  const y1 = Math.max(...ys) + margin;
  const dx = (x1 - x0) / res;
  const dy = (y1 - y0) / res;
  const grid = new Float32Array(res * res * 2);
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      grid[(r * res + c) * 2] = x0 + (c + 0.5) * dx;
      grid[(r * res + c) * 2 + 1] = y0 + (r + 0.5) * dy;
    }
  }
  const cls = predictClasses(model, grid, opts.threshold ?? 0);
  const cells: { x: number; x2: number; y: number; y2: number; label: string }[] = [];
  for (let r = 0; r < res; r++) {
    let start = 0;
    for (let c = 1; c <= res; c++) {
      if (c === res || cls[r * res + c] !== cls[r * res + start]) {
        const label = String(cls[r * res + start]);
        cells.push({ x: x0 + start * dx, x2: x0 + c * dx, y: y0 + r * dy, y2: y0 + (r + 1) * dy, label });
        start = c;
      }
    }
  }
  const domain = { x: [x0, x1], y: [y0, y1] };
  const pts = pointLayer(points, labels);
  const enc = pts.encoding as Record<string, Record<string, unknown>>;
  enc.x = { ...enc.x, scale: { domain: domain.x, nice: false }, title: opts.xLabel ?? 'x₀' };
  enc.y = { ...enc.y, scale: { domain: domain.y, nice: false }, title: opts.yLabel ?? 'x₁' };
  return renderVegaLite({
    ...frame({ width: 400, height: 400, ...opts }),
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect', opacity: 0.25, strokeWidth: 0 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: { domain: domain.x, nice: false } },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', scale: { domain: domain.y, nice: false } },
          y2: { field: 'y2' },
          color: { field: 'label', type: 'nominal', legend: null, scale: { scheme: 'category10' } },
        },
      },
      pts,
    ],
  });
}
