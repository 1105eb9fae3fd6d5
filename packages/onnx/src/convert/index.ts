import type { OpMapping } from './context';
import { gelu, logSigmoid, softplus } from './activations';
import * as elementwise from './elementwise';
import { linear, matmul } from './linear';
import { logSoftmax, max, min, softmax, sum, sumTo } from './reduce';
import { gruCell, lstmCell, lstmSequence } from './recurrent';
import { cumsum, embedding, maskedFill, triangle } from './sequence';
import { broadcastTo, concat, gather, repeat, reshape, slice, transpose } from './shape';

/**
 * Every tape op the exporter maps, by the op's `name`. An op missing here makes `exportOnnx`
 * throw an UnsupportedOpError naming it. To add an op: write its {@link OpMapping} next to its
 * kind (or in a new file), add it here, and add a case to the ONNX Runtime op tests.
 */
export const CONVERTERS: Readonly<Record<string, OpMapping>> = Object.freeze({
  ...elementwise,
  linear,
  matmul,
  sum,
  max,
  min,
  sumTo,
  softmax,
  logSoftmax,
  reshape,
  transpose,
  broadcastTo,
  concat,
  slice,
  gather,
  repeat,
  gelu,
  softplus,
  logSigmoid,
  embedding,
  cumsum,
  triangle,
  maskedFill,
  lstmCell,
  lstmSequence,
  gruCell,
});

export type { ConvertContext, OpMapping, ConstantOptions, ShapeOptions } from './context';
export { attrsOf } from './context';
