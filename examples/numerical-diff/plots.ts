import { renderVegaLite } from '@tapegrad/plot';

/**
 * The book's Figure 4-7: f(x) = 0.01x² + 0.1x with its tangent at x = `at`.
 *
 * @example
 * savePlot(tangentPlot(function1, 5, 0.2), 'runs/nd/tangent');
 * // the curve and its tangent at x = 5
 */
export function tangentPlot(f: (x: number) => number, at: number, slope: number): string {
  const values: { x: number; y: number; series: string }[] = [];
  const b = f(at) - slope * at;
  for (let i = 0; i < 200; i++) {
    const x = i * 0.1;
    values.push({ x, y: f(x), series: 'f(x) = 0.01x² + 0.1x' });
    values.push({ x, y: slope * x + b, series: `tangent at x = ${at}` });
  }
  return renderVegaLite({
    width: 480,
    height: 320,
    title: `Numerical differentiation: slope ${slope.toFixed(4)} at x = ${at}`,
    data: { values },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'x' },
      y: { field: 'y', type: 'quantitative', title: 'f(x)' },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'top-left', labelLimit: 0 } },
      strokeDash: { field: 'series', type: 'nominal', legend: null },
    },
  });
}

/** A vector at a grid point. */
export interface Arrow {
  x: number;
  y: number;
  u: number;
  v: number;
}

/**
 * The book's Figure 4-9: arrows of −∇f on a grid (a quiver plot as rules plus arrowheads).
 *
 * @example
 * savePlot(quiverPlot([{ x: 1, y: 1, u: -2, v: -2 }], 0.25, '−∇f'), 'runs/nd/field');
 * // one arrow pointing to the origin
 */
export function quiverPlot(arrows: readonly Arrow[], spacing: number, title: string): string {
  const maxMag = Math.max(...arrows.map((a) => Math.hypot(a.u, a.v)));
  const k = (0.9 * spacing) / maxMag;
  const values = arrows.map((a) => ({
    x: a.x,
    y: a.y,
    x2: a.x + a.u * k,
    y2: a.y + a.v * k,
    angle: (Math.atan2(a.u, a.v) * 180) / Math.PI,
  }));
  const xs = { field: 'x', type: 'quantitative', title: 'x0', scale: { domain: [-2.25, 2.5], nice: false } };
  const ys = { field: 'y', type: 'quantitative', title: 'x1', scale: { domain: [-2.25, 2.5], nice: false } };
  return renderVegaLite({
    width: 420,
    height: 420,
    title,
    data: { values },
    layer: [
      {
        mark: { type: 'rule', color: '#666666' },
        encoding: { x: xs, y: ys, x2: { field: 'x2' }, y2: { field: 'y2' } },
      },
      {
        mark: { type: 'point', shape: 'triangle', filled: true, size: 18, color: '#666666', opacity: 1 },
        encoding: {
          x: { ...xs, field: 'x2' },
          y: { ...ys, field: 'y2' },
          angle: { field: 'angle', type: 'quantitative', scale: null },
        },
      },
    ],
  });
}

/**
 * The book's Figure 4-10: gradient-descent steps on x0² + x1² over its contour circles.
 *
 * @example
 * savePlot(trajectoryPlot(gradientDescent(function2, [-3, 4], 0.1, 20).history, 'GD'), 'runs/nd/gd');
 * // the steps over the contour circles
 */
export function trajectoryPlot(history: readonly [number, number][], title: string): string {
  const circles: { x: number; y: number; r: number; i: number }[] = [];
  for (const r of [1, 2, 3, 4, 5]) {
    for (let i = 0; i <= 120; i++) {
      const t = (2 * Math.PI * i) / 120;
      circles.push({ x: r * Math.cos(t), y: r * Math.sin(t), r, i });
    }
  }
  const steps = history.map(([x, y], i) => ({ x, y, i }));
  const scaleX = { domain: [-3.5, 3.5], nice: false, clamp: false };
  const scaleY = { domain: [-4.5, 4.5], nice: false, clamp: false };
  return renderVegaLite({
    width: 350,
    height: 450,
    title,
    layer: [
      {
        data: { values: circles },
        mark: { type: 'line', color: '#cccccc', clip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'X0', scale: scaleX },
          y: { field: 'y', type: 'quantitative', title: 'X1', scale: scaleY },
          detail: { field: 'r', type: 'nominal' },
          order: { field: 'i', type: 'quantitative' },
        },
      },
      {
        data: { values: [{ x: 0 }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#0000ff' },
        encoding: { x: { field: 'x', type: 'quantitative', scale: scaleX } },
      },
      {
        data: { values: [{ y: 0 }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#0000ff' },
        encoding: { y: { field: 'y', type: 'quantitative', scale: scaleY } },
      },
      {
        data: { values: steps },
        mark: { type: 'line', point: { filled: true, size: 40 }, color: '#1f77b4' },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: scaleX },
          y: { field: 'y', type: 'quantitative', scale: scaleY },
          order: { field: 'i', type: 'quantitative' },
        },
      },
    ],
  });
}
