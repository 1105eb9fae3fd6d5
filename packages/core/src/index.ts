/**
 * tapegrad core: N-d tensors on typed arrays, NumPy broadcasting, and a dynamic tape with a
 * backward rule for every op.
 *
 * @example
 * import { tensor } from '@tapegrad/core';
 * const x = tensor([3, 4], { requiresGrad: true }); x.mul(x).sum().backward(); // x.grad = [6, 8]
 *
 * @packageDocumentation
 */
import { sealBuiltinOps } from './autograd/op';

export { Tensor, type GradHook, type HookHandle, type NestedArray } from './tensor';
export { INT32_MAX, INT32_MIN } from './int32';
export * from './creation';
export { INSPECT, type TensorJSON, formatTensor, gradFnName, tensorToJSON } from './format';
export * from './ops';
export { type DType, type TypedArray, promoteTypes, isFloat } from './dtype';
export { type Shape, broadcastShapes, sizeOf } from './shape';
export { Rng, manualSeed, getDefaultRng } from './random';
export {
  describe,
  checkInteger,
  checkIntTuple,
  checkNumber,
  checkBoolean,
  checkString,
  checkOneOf,
  checkFunction,
  checkTensor,
  checkShapeArg,
  checkAxis,
  checkOptions,
  checkDType,
  checkAllocation,
  allocateChecked,
  MAX_ELEMENTS,
  type IntegerRange,
  type NumberRange,
  type TensorRequirements,
} from './check';
export {
  DTypeError,
  GraphError,
  IndexError,
  ShapeError,
  TapegradError,
  ValueError,
  AnomalyError,
  fmtShape,
} from './errors';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/grad-mode';
export { defineOp, runOp, Node, type Op, type OpSpec, type Grads } from './autograd/op';
export { backward, topoOrder, runBackward, type BackwardOptions } from './autograd/backward';
export { incrementVersion } from './autograd/version';
export { markIntermediate, worthRecycling } from './autograd/intermediates';
export {
  kernels,
  ready,
  setBackend,
  jsBackend,
  makeWasmBackend,
  makeNativeBackend,
  nativeUnavailableReason,
  wasmUnavailableReason,
  threadCount,
  type KernelBackend,
  type GemmArgs,
  type BinaryKernel,
  type UnaryKernel,
  type ScalarKernel,
  type WindowGeometry,
  type AvgWindows,
  type AdamArgs,
} from './kernels';
export { v8Settings, arrayBufferSweeping, type ArrayBufferSweeping } from './platform/v8-settings';
export {
  grad,
  valueAndGrad,
  vjp,
  jvp,
  hvp,
  jacobian,
  hessian,
  type Argnums,
  type GradOptions,
  type TransformOptions,
  type GradsOf,
  type TensorFn,
} from './transforms/functional';
export {
  toDot,
  toMermaid,
  collectGraph,
  type GraphExportOptions,
  type GraphTensor,
  type GraphOp,
} from './transforms/graph-export';
export { detectAnomaly, setDetectAnomaly, isAnomalyEnabled, userCallSite } from './autograd/anomaly';
export { bufferPoolStats, clearBufferPool, type BufferPoolStats } from './buffer-pool';

// Last: every op module above has loaded, so the ops defined so far are core's own.
sealBuiltinOps();
