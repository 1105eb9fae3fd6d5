import { TapegradError } from '@tapegrad/core';

/**
 * Mismatches between a state dict (or a checkpoint) and a module's parameters, all listed in
 * one message: missing names, unexpected names, shape and dtype mismatches.
 *
 * @example
 * try { model.loadStateDict(sd); } catch (e) { if (e instanceof StateDictError) console.log(e.missing); }
 * // e.message: "Net.loadStateDict: 1 missing (fc.bias); 1 mismatched (fc.weight: expected [3,2] float32, got [2,2] float32)"
 */
export class StateDictError extends TapegradError {
  constructor(
    message: string,
    /** Names the module has but the state dict lacks. */
    readonly missing: readonly string[],
    /** Names the state dict has but the module lacks. */
    readonly unexpected: readonly string[],
    /** `name: expected …, got …` for shape or dtype mismatches. */
    readonly mismatched: readonly string[],
  ) {
    super(message);
  }
}

/** What is wrong with a checkpoint file. */
export type CheckpointProblem = 'io' | 'truncated' | 'header' | 'offsets' | 'dtype' | 'metadata' | 'checksum';

/**
 * A checkpoint file that is not valid safetensors, is truncated, or whose header disagrees
 * with its size. `problem` says which.
 *
 * @example
 * try { load(model, 'model.safetensors'); } catch (e) { if (e instanceof CheckpointError) e.problem; }
 * // e.g. 'truncated'
 */
export class CheckpointError extends TapegradError {
  constructor(
    message: string,
    readonly problem: CheckpointProblem,
  ) {
    super(message);
  }
}

/**
 * An optional package that a feature needs is not installed (e.g. `Trainer.plot` draws with
 * `@tapegrad/plot`, which `@tapegrad/nn` does not pull in). The message says what to install.
 *
 * @example
 * try { trainer.plot(); } catch (e) { if (e instanceof MissingPackageError) console.log(e.packageName); }
 * // e.message: "Trainer.plot draws with the optional package @tapegrad/plot, which is not installed: npm install @tapegrad/plot"
 */
export class MissingPackageError extends TapegradError {
  constructor(
    message: string,
    /** The package to install. */
    readonly packageName: string,
  ) {
    super(message);
  }
}
