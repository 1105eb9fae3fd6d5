import * as path from 'node:path';
import { Rng } from '@tapegrad/core';
import { displayPath, prepareOutDir, writeJson } from './output';
import { DATA_NAMES, loadProblem, type DataName } from './data';
import { fit } from './fit';
import { ACTIVATIONS, buildModel, saveCheckpoint, type ModelSpec } from './model-spec';
import { lineChart, savePlot } from '@tapegrad/plot';
import { evaluateAccuracy } from './accuracy';
import { parseFlags, usage, UsageError, type FlagSpec } from './args';
import type { Io } from './io';
import { makeOptimizer, OPTIMIZERS, RECIPES, type OptimizerName } from './recipes';

const CMD = 'tapegrad train';

const FLAGS: Record<string, FlagSpec> = {
  data: { type: DATA_NAMES, help: 'data set', default: 'mnist' },
  layers: { type: 'ints', help: 'layer sizes, input to classes, e.g. 784,100,10 (default per data set)' },
  activation: { type: ACTIVATIONS, help: 'hidden activation (default per data set)' },
  optimizer: { type: OPTIMIZERS, help: 'optimiser; momentum is SGD with 0.9 (default per data set)' },
  lr: { type: 'float', help: 'learning rate (default per data set)' },
  epochs: { type: 'int', help: 'passes over the training set (default per data set)' },
  'batch-size': { type: 'int', help: 'rows per mini-batch (default per data set)' },
  seed: { type: 'int', min: 0, help: 'seed of initialisation and shuffling', default: 1 },
  limit: { type: 'int', help: 'use only the first N rows of each split (quick runs)' },
  out: { type: 'string', help: 'output folder (default runs/train-<data>-<timestamp>)' },
  'no-plots': { type: 'switch', help: 'skip the loss / accuracy PNG and SVG' },
  quiet: { type: 'switch', help: 'print only the final lines' },
};

const DEFAULTS = Object.entries(RECIPES)
  .map(
    ([name, r]) =>
      `  ${name.padEnd(14)} --layers ${r.layers.join(',')} --activation ${r.activation} --optimizer ${r.optimizer} ` +
      `--lr ${r.lr} --epochs ${r.epochs} --batch-size ${r.batchSize}`,
  )
  .join('\n');

/** `tapegrad train --help`. */
export const TRAIN_USAGE =
  usage(
    CMD,
    'Trains an MLP classifier with softmax cross-entropy and writes model.safetensors (weights and\n' +
      'architecture), metrics.json and loss/accuracy plots into the output folder.',
    FLAGS,
  ) +
  `\n\ndefaults per data set:\n${DEFAULTS}\n\n` +
  'MNIST and Fashion-MNIST use their official test sets; iris and breast-cancer a stratified 80/20\n' +
  'split (seed 42) standardised on the training part; spiral is judged on its training set, as the book.\n\n' +
  'example:\n  npx tapegrad train --data spiral --out runs/spiral\n  npx tapegrad eval --checkpoint runs/spiral/model.safetensors --data spiral';

/**
 * Runs `tapegrad train`; returns the process exit code.
 *
 * @example
 * await train(['--data', 'spiral', '--out', 'runs/spiral'], processIo); // 0
 * // runs/spiral/model.safetensors, metrics.json, loss.png, accuracy.png
 */
export async function train(argv: readonly string[], io: Io): Promise<number> {
  const flags = parseFlags(CMD, argv, FLAGS);
  if (flags.help) {
    io.out(TRAIN_USAGE);
    return 0;
  }
  const data = flags.data as DataName;
  const recipe = RECIPES[data];
  const spec: ModelSpec = {
    layers: (flags.layers as number[] | undefined) ?? recipe.layers,
    activation: (flags.activation as ModelSpec['activation'] | undefined) ?? recipe.activation,
  };
  const optimizerName = (flags.optimizer as OptimizerName | undefined) ?? recipe.optimizer;
  const lr = (flags.lr as number | undefined) ?? recipe.lr;
  const epochs = (flags.epochs as number | undefined) ?? recipe.epochs;
  const batchSize = (flags.batchSize as number | undefined) ?? recipe.batchSize;
  const seed = flags.seed as number;
  const problem = loadProblem(data, flags.limit as number | undefined);
  const [first, last] = [spec.layers[0], spec.layers[spec.layers.length - 1]];
  if (first !== problem.inputSize || last !== problem.numClasses) {
    throw new UsageError(
      `${CMD}: --layers ${spec.layers.join(',')} does not fit ${data}: it needs ${problem.inputSize} inputs and ` +
        `${problem.numClasses} outputs, e.g. --layers ${problem.inputSize},${spec.layers.slice(1, -1).join(',') || 16},${problem.numClasses}`,
    );
  }
  const outDir = prepareOutDir(CMD, flags.out as string | undefined, `train-${data}`);
  const quiet = flags.quiet === true;
  const say = quiet ? () => {} : io.out;
  say(
    `training ${spec.layers.join('-')} ${spec.activation} on ${data} (${problem.train.x.shape[0]} rows) with ` +
      `${optimizerName} lr ${lr}, batch ${batchSize}, ${epochs} epochs, seed ${seed}`,
  );
  const rng = new Rng(seed);
  const model = buildModel(spec, rng);
  const optimizer = makeOptimizer(optimizerName, model.parameters(), lr);
  const every = Math.max(1, Math.round(epochs / 10));
  const history = fit(model, optimizer, problem.train, {
    epochs,
    batchSize,
    rng,
    quiet: quiet || epochs > 20,
    log: say,
    afterEpoch: (r) => {
      if (r.epoch % every === 0 || r.epoch === epochs)
        say(`epoch ${r.epoch}/${epochs}: loss ${r.loss.toFixed(4)} | running train acc ${r.trainAccuracy.toFixed(4)}`);
    },
  });
  model.eval();
  const forward = (x: Parameters<typeof model.forward>[0]) => model.forward(x);
  const trainAccuracy = evaluateAccuracy(forward, problem.train.x, problem.train.labels);
  const testAccuracy = evaluateAccuracy(forward, problem.test.x, problem.test.labels);
  const seconds = history[history.length - 1].seconds;
  const checkpoint = path.join(outDir, 'model.safetensors');
  const files: string[] = [];
  const config = { data, ...spec, optimizer: optimizerName, lr, epochs, batchSize, seed, limit: flags.limit ?? null };
  saveCheckpoint(model, spec, checkpoint, {
    data,
    limit: String(flags.limit ?? ''),
    trainAccuracy: String(trainAccuracy),
    testAccuracy: String(testAccuracy),
    config: JSON.stringify(config),
  });
  files.push(checkpoint);
  if (flags.noPlots !== true) {
    const x = history.map((r) => r.epoch);
    files.push(
      savePlot(
        lineChart([{ name: 'loss', x, y: history.map((r) => r.loss) }], {
          title: `${data}: training loss`,
          xLabel: 'epoch',
          yLabel: 'loss',
        }),
        path.join(outDir, 'loss'),
      ).png,
    );
    files.push(
      savePlot(
        lineChart([{ name: 'train (running)', x, y: history.map((r) => r.trainAccuracy) }], {
          title: `${data}: training accuracy`,
          xLabel: 'epoch',
          yLabel: 'accuracy',
        }),
        path.join(outDir, 'accuracy'),
      ).png,
    );
  }
  files.push(writeJson(outDir, 'metrics.json', { ...config, trainAccuracy, testAccuracy, seconds, history }));
  const testName = { test: 'test', holdout: 'held-out 20%', train: 'training set (spiral has no test set)' }[
    problem.testKind
  ];
  io.out(
    `train accuracy ${trainAccuracy.toFixed(4)} | ${testName} accuracy ${testAccuracy.toFixed(4)} | ${seconds.toFixed(1)} s`,
  );
  io.out(`wrote ${files.map((f) => displayPath(f)).join(', ')}`);
  return 0;
}
