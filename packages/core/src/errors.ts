/**
 * Base class of every error tapegrad throws on purpose. Catch it to tell tapegrad's own
 * validation errors from bugs.
 *
 * @example
 * try { matmul(a, b); } catch (e) { if (e instanceof TapegradError) console.error(e.message); }
 */
export class TapegradError extends Error {
  constructor(message: string) {
    // In anomaly mode every tapegrad error also says which line of user code called in
    // (an AnomalyError names it itself).
    const site =
      errorContext.callSite === null || (new.target as unknown) === AnomalyError ? null : errorContext.callSite();
    super(site === null ? message : `${message}\n    (called at ${site})`);
    this.name = new.target.name;
  }
}

/** @internal Anomaly mode sets `callSite` so that errors name the user's line; null when off. */
export const errorContext: { callSite: (() => string | null) | null } = { callSite: null };

/**
 * Shapes that do not fit an operation: broadcasting, inner dimensions, axes, reshapes.
 *
 * @example
 * matmul(zeros([2, 3]), zeros([4, 5])); // ShapeError: matmul: inner dimensions differ: a is [2,3], b is [4,5]
 */
export class ShapeError extends TapegradError {}

/**
 * A dtype an operation cannot take (float ops on int32, non-int32 indices, ...).
 *
 * @example
 * gather(x, tensor([0, 1]), 0); // DTypeError: gather: indices must be int32, got float32
 */
export class DTypeError extends TapegradError {}

/**
 * An argument value out of its valid range (a negative size, an unknown option, ...).
 *
 * @example
 * leakyRelu(x, Number.NaN); // ValueError
 */
export class ValueError extends TapegradError {}

/**
 * Misuse of the autograd graph: non-scalar `backward()` without a gradient, a second backward
 * through released buffers, a backward rule that returns the wrong shape.
 *
 * @example
 * y.backward(); y.backward(); // GraphError: backward through a released graph
 */
export class GraphError extends TapegradError {}

/** Formats a shape the way every tapegrad message shows it: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * An index outside the axis it indexes (gather/take, one-hot labels).
 *
 * @example
 * gather(tensor([1, 2]), [5]); // IndexError: gather: index 5 is out of range for axis 0 of extent 2
 */
export class IndexError extends TapegradError {}

/**
 * A NaN or ±Infinity caught by anomaly mode (`detectAnomaly`), in an op's output or in the
 * gradients its backward rule returned. Names the op, the user's line that created the node, and
 * the input shapes.
 *
 * @example
 * detectAnomaly(() => log(zeros([2]))); // AnomalyError: log produced -Infinity …
 */
export class AnomalyError extends TapegradError {
  constructor(
    message: string,
    /** The op whose output or gradient was not finite. */
    readonly op: string,
    /** `'forward'` (its output) or `'backward'` (its rule's gradients). */
    readonly phase: 'forward' | 'backward',
    /** `file:line:column` of the user code that created the node, when known. */
    readonly callSite: string | null,
    /** The shapes of the op's inputs. */
    readonly inputShapes: readonly (readonly number[])[],
  ) {
    super(message);
  }
}
