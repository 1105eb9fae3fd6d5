import { loadPackage, resolvePath } from '#nn-platform';
import { MissingPackageError } from '../errors';
import type { History } from './history';

/** Options of {@link Trainer.plot}. */
export interface PlotOptions {
  /** Title over the figure (default `'Training'`). */
  title?: string;
  /** Fix the loss axis to this range (the book's `trainer.plot(ylim)`). */
  ylim?: [number, number];
  /** Fix the metric axis to this range (e.g. [0, 1]). */
  metricYlim?: [number, number];
  /** Name of the metric panel (default `'accuracy'` for the default metric, else `'metric'`). */
  metricName?: string;
  /** Size of each panel in pixels (default 420 × 300; the PNG is drawn at twice that). */
  width?: number;
  height?: number;
}

/** The files {@link Trainer.plot} wrote. */
export interface PlotFiles {
  svg: string;
  png: string;
}

/**
 * The part of `@tapegrad/plot` that `Trainer.plot` calls, declared here so that `@tapegrad/nn`
 * needs neither the package nor its types to build (the package is an optional peer).
 */
interface PlotModule {
  trainingCurves(
    curves: {
      x: number[];
      loss: number[];
      valLoss?: (number | null)[];
      metric?: (number | null)[];
      valMetric?: (number | null)[];
    },
    options: Omit<PlotOptions, 'title'> & { title?: string; xLabel?: string },
  ): string;
  savePlot(svg: string, base: string): PlotFiles;
}

/**
 * Loads an optional package at call time. When it is not installed, throws a
 * {@link MissingPackageError} naming the package and the command that installs it; any other
 * failure (a broken install) is rethrown as it is.
 *
 * @internal
 * @example
 * const plot = requireOptional<PlotModule>('@tapegrad/plot', 'Trainer.plot draws');
 */
export function requireOptional<T>(name: string, who: string, load: (id: string) => unknown = loadPackage): T {
  try {
    return load(name) as T;
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown } | null;
    if (err?.code === 'MODULE_NOT_FOUND' && String(err.message).includes(`'${name}'`)) {
      throw new MissingPackageError(
        `${who} with the optional package ${name}, which is not installed: npm install ${name}`,
        name,
      );
    }
    throw e;
  }
}

/** How the last `fit` recorded: what the x axis of its plot means. */
export interface FitShape {
  itersPerEpoch: number;
  evalInterval: number;
}

/**
 * Draws `history` with `@tapegrad/plot` into `<base>.svg` and `<base>.png`: the loss (training,
 * and validation if any) and, when a metric was recorded, the metric beside it. With one record
 * per epoch the x axis is the epoch; otherwise, as the book's `Trainer.plot`, iterations in units
 * of `evalInterval`.
 *
 * @internal
 * @example
 * drawHistory(trainer.history, { itersPerEpoch: 10, evalInterval: 10 }, 'runs/loss', 'Training', {});
 */
export function drawHistory(
  history: History,
  shape: FitShape,
  file: string,
  metricName: string,
  options: PlotOptions,
): PlotFiles {
  const plot = requireOptional<PlotModule>('@tapegrad/plot', 'Trainer.plot draws');
  const perEpoch = shape.evalInterval >= shape.itersPerEpoch;
  const x = history.records
    .map((r) => (perEpoch ? r.epoch : ((r.epoch - 1) * shape.itersPerEpoch + r.iter) / shape.evalInterval))
    .toArray();
  const metric = history.column('accuracy');
  const svg = plot.trainingCurves(
    {
      x,
      loss: history.lossList,
      valLoss: history.column('valLoss'),
      ...(metric.some((m) => m !== null) ? { metric, valMetric: history.column('valAccuracy') } : {}),
    },
    {
      ...options,
      title: options.title ?? 'Training',
      metricName: options.metricName ?? metricName,
      xLabel: perEpoch ? 'epoch' : shape.evalInterval === 1 ? 'iteration' : `iterations (x${shape.evalInterval})`,
    },
  );
  return plot.savePlot(svg, resolvePath(file.replace(/\.(png|svg)$/i, '')));
}
