/**
 * tapegrad plot: vega-lite specs rendered to SVG (vega, in a child process) and to PNG (resvg
 * with a subset of DejaVu Sans shipped in the package, so text renders on a fresh machine); Graphviz DOT laid out as
 * SVG by a WASM build of Graphviz.
 *
 * @example
 * import { lineChart, savePlot } from '@tapegrad/plot';
 * savePlot(lineChart([{ name: 'loss', y: losses }], { xLabel: 'iteration' }), 'runs/x/loss');
 *
 * @packageDocumentation
 */
export const VERSION = '0.1.0';
export {
  lineChart,
  lineChartSpec,
  scatter,
  CLASS_SHAPES,
  type Series,
  type ChartOptions,
  type LineChartOptions,
  type Points,
} from './charts';
export { heatMap, heatMapSpec, type HeatMapOptions, type Matrix } from './heat-map';
export { decisionBoundary, type Classifier, type DecisionBoundaryOptions } from './decision-boundary';
export { renderVegaLite, FONT_FAMILY, type VegaLiteSpec } from './vega';
export { rasterize, svgToPng } from './png';
export { savePlot } from './save';
export { dotToSvg } from './graphviz';
export { imageGrid, type ImageGridOptions, type GridColormap } from './image-grid';
export {
  plotHistory,
  trainingCurves,
  type HistoryLike,
  type TrainingCurves,
  type TrainingCurvesOptions,
} from './history';
