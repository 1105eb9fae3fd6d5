import { displayPath } from './output';
import { DATA_NAMES, loadProblem, type DataName } from './data';
import { loadCheckpoint } from './model-spec';
import { evaluateAccuracy } from './accuracy';
import { parseFlags, usage, UsageError, type FlagSpec } from './args';
import type { Io } from './io';

const CMD = 'tapegrad eval';

const FLAGS: Record<string, FlagSpec> = {
  checkpoint: {
    type: 'file',
    help: "a model.safetensors written by 'tapegrad train' or 'npm start'",
    required: true,
  },
  data: { type: DATA_NAMES, help: 'data set (default: the one the checkpoint was trained on)' },
  split: { type: ['test', 'train'], help: 'which split to score', default: 'test' },
  limit: { type: 'int', help: "use only the first N rows (default: the training run's --limit)" },
};

/** `tapegrad eval --help`. */
export const EVAL_USAGE = usage(
  CMD,
  'Rebuilds the model stored in a checkpoint, loads its weights and prints its accuracy on a data\n' +
    'set, next to the accuracy the training run recorded (the same data split gives the same number).',
  FLAGS,
);

/**
 * Runs `tapegrad eval`; returns the process exit code.
 *
 * @example
 * await evaluate(['--checkpoint', 'runs/spiral/model.safetensors'], processIo); // 0
 * // prints the accuracy and whether it reproduces the training run's
 */
export async function evaluate(argv: readonly string[], io: Io): Promise<number> {
  const flags = parseFlags(CMD, argv, FLAGS);
  if (flags.help) {
    io.out(EVAL_USAGE);
    return 0;
  }
  const file = flags.checkpoint as string;
  const { model, spec, meta } = loadCheckpoint(file);
  const data = (flags.data as DataName | undefined) ?? (meta.data as DataName | undefined);
  if (data === undefined || !DATA_NAMES.includes(data)) {
    throw new UsageError(`${CMD}: the checkpoint does not say its data set; pass --data ${DATA_NAMES.join('|')}`);
  }
  const limit = (flags.limit as number | undefined) ?? (meta.limit ? Number(meta.limit) : undefined);
  const problem = loadProblem(data, limit);
  if (problem.inputSize !== spec.layers[0] || problem.numClasses !== spec.layers[spec.layers.length - 1]) {
    throw new UsageError(
      `${CMD}: the checkpoint's model ${spec.layers.join('-')} does not fit ${data} ` +
        `(${problem.inputSize} inputs, ${problem.numClasses} classes)`,
    );
  }
  model.eval();
  const split = flags.split === 'train' ? problem.train : problem.test;
  const accuracy = evaluateAccuracy((x) => model.forward(x), split.x, split.labels);
  const recorded = meta[flags.split === 'train' ? 'trainAccuracy' : 'testAccuracy'];
  const which = flags.split === 'train' || problem.testKind === 'train' ? 'train' : 'test';
  io.out(
    `${displayPath(file)}: ${spec.layers.join('-')} ${spec.activation} | ${data} ${which} ` +
      `(${split.x.shape[0]} rows) accuracy ${accuracy.toFixed(4)}`,
  );
  if (recorded !== undefined && meta.data === data) {
    const same = Math.abs(Number(recorded) - accuracy) < 1e-12;
    io.out(`training run recorded ${Number(recorded).toFixed(4)}: ${same ? 'reproduced' : 'DIFFERENT'}`);
  }
  return 0;
}
