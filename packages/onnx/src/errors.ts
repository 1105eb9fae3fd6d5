import { TapegradError } from '@tapegrad/core';

/**
 * Base of the errors {@link exportOnnx} throws on purpose: the model cannot be exported as asked.
 *
 * @example
 * try { exportOnnx(model, x); } catch (e) { if (e instanceof OnnxExportError) console.error(e.message); }
 */
export class OnnxExportError extends TapegradError {}

/**
 * The traced graph holds an op that has no ONNX mapping. The op is named; it is never dropped.
 *
 * @example
 * exportOnnx({ forward: (x) => softmaxCrossEntropy(x, labels) }, x);
 * // UnsupportedOpError: exportOnnx: op 'softmaxCrossEntropy' (node 1 of 1) has no ONNX mapping; …
 */
export class UnsupportedOpError extends OnnxExportError {
  constructor(
    message: string,
    /** The tape op's name (`node.op.name`). */
    readonly op: string,
  ) {
    super(message);
  }
}

/**
 * A dynamic axis the model cannot support: the recorded graph, a constant or a shape changes with
 * it in a way the ONNX graph cannot express (or the axis does not exist).
 *
 * @example
 * exportOnnx(model, x, { dynamicAxes: { input: { 1: 'features' } } });
 * // DynamicAxisError: exportOnnx: dynamic axis 'features' (axis 1 of input 'input') …
 */
export class DynamicAxisError extends OnnxExportError {}
