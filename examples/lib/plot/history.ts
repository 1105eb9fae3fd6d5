import { lineChart } from './charts';

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
