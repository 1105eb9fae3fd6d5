/**
 * The `tapegrad` command line (train, eval, graph) as a package: `npx tapegrad --help`. The
 * library exports are what the commands are made of, for scripts that want the same steps.
 *
 * @example
 * import { main } from '@tapegrad/cli';
 * process.exitCode = await main(['train', '--data', 'spiral', '--out', 'runs/spiral']);
 *
 * @packageDocumentation
 */
import { UsageError } from './args';
import { evaluate } from './eval';
import { exportModel } from './export';
import { graph } from './graph';
import { processIo, type Io } from './io';
import { train } from './train';

/** `tapegrad --help`. */
export const USAGE = `usage: tapegrad <command> [options]

commands:
  train   train an MLP on mnist | fashion-mnist | spiral | iris | breast-cancer
  eval    score a saved checkpoint on a data set
  graph   draw the autograd graph of a model (DOT, SVG, PNG)
  export  write a checkpoint's model as ONNX (dynamic batch)

'tapegrad <command> --help' lists a command's options.`;

const COMMANDS: Record<string, (argv: readonly string[], io: Io) => Promise<number>> = {
  train,
  eval: evaluate,
  graph,
  export: exportModel,
};

/**
 * The `tapegrad` command line: dispatches to a command and turns usage mistakes into a
 * message on stderr and exit code 2 (other failures: the error's message and exit code 1).
 *
 * @example
 * process.exitCode = await main(['train', '--data', 'spiral']);
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  // own properties only: 'constructor', 'toString' or '__proto__' are not commands
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    io.err(`tapegrad: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n(see 'tapegrad ${command} --help')`);
      return 2;
    }
    io.err(`tapegrad ${command}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

export { parseFlags, usage, UsageError, type FlagSpec, type Parsed } from './args';
export { processIo, type Io } from './io';
export { accuracyOf, evaluateAccuracy } from './accuracy';
export { epochBatches, randomBatch, replacementBatches } from './batches';
export { DATA_NAMES, loadProblem, SPLIT_SEED, type DataName, type Problem } from './data';
export { fit, type DataSplit, type EpochRecord, type FitOptions, type FitSampling, type Stepper } from './fit';
export {
  ACTIVATIONS,
  buildModel,
  loadCheckpoint,
  readCheckpointMeta,
  saveCheckpoint,
  type ModelSpec,
} from './model-spec';
export { displayPath, prepareOutDir, timestampDir, writeJson } from './output';
export { epochProgress, type Progress } from './progress';
export { makeOptimizer, OPTIMIZERS, RECIPES, type OptimizerName, type Recipe } from './recipes';
export { TRAIN_USAGE, train } from './train';
export { EVAL_USAGE, evaluate } from './eval';
export { GRAPH_USAGE, graph } from './graph';

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
