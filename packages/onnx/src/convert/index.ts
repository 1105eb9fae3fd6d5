import type { OpMapping } from './context';
import { gelu, logSigmoid, softplus } from './activations';
import * as elementwise from './elementwise';
import { linear, matmul } from './linear';
import { logSoftmax, max, min, softmax, sum, sumTo } from './reduce';
import { gruCell, lstmCell, lstmSequence } from './recurrent';
import { cumsum, embedding, maskedFill, triangle } from './sequence';
import { broadcastTo, concat, gather, pad, repeat, reshape, slice, transpose } from './shape';
import { conv1d, conv2d, convTranspose2d } from './conv';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from './pool';
import { batchNorm } from './norm';

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
  pad,
  conv1d,
  conv2d,
  convTranspose2d,
  maxPool2d,
  avgPool2d,
  adaptiveAvgPool2d,
  batchNorm,
});

export type { ConvertContext, OpMapping, ConstantOptions, ShapeOptions } from './context';
export { attrsOf } from './context';
