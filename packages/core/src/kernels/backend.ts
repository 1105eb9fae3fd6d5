/**
 * The kernel interface: every loop over tensor data that ops run goes through one of these
 * functions, on typed arrays, shapes and offsets — no Tensors, no autograd. The JS backend
 * (kernels/js) implements all of it and is the reference; accelerated backends (WASM SIMD,
 * native) replace some kernels for some dtypes and sizes (kernels/dispatch.ts).
 *
 * Conventions: kernels write into a destination they are given (which may alias an input where
 * said), never allocate per element, and never throw for valid sizes. Reductions use the
 * (outer, len, inner) layout: element (o, l, i) at `(o·len + l)·inner + i`, result (o, i) at
 * `o·inner + i`.
 */
import type { TypedArray } from '../dtype';
import type {
  GruCellArgs,
  GruCellGradArgs,
  LstmCellArgs,
  LstmCellGradArgs,
  LstmSequenceArgs,
  LstmSequenceGradArgs,
} from './recurrent';

/** Names of the binary elementwise kernels. */
export type BinaryKernel =
  'add' | 'sub' | 'mul' | 'div' | 'pow' | 'eq' | 'gt' | 'lt' | 'ge' | 'le' | 'maximum' | 'minimum';

/** Names of the unary elementwise kernels. */
export type UnaryKernel =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'abs'
  | 'sign'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'step'
  | 'square'
  | 'reciprocal'
  | 'sin'
  | 'cos'
  | 'erf'
  | 'gelu'
  | 'geluTanh'
  | 'logSigmoid';

/** Names of the array-and-scalar kernels (`rsub`: s − a, `rdiv`: s / a). */
export type ScalarKernel = 'add' | 'mul' | 'pow' | 'rsub' | 'rdiv';

/**
 * One matrix product C = op(A)·op(B), op transposing when its flag is set: A is m×k (stored k×m
 * when `transA`) from `aOff`, B is k×n (stored n×k when `transB`) from `bOff`, C is m×n,
 * contiguous from `cOff`, and overwritten.
 */
export interface GemmArgs {
  a: TypedArray;
  aOff: number;
  b: TypedArray;
  bOff: number;
  c: TypedArray;
  cOff: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

/**
 * The geometry of a 2-D sliding window over `n` images of `c` planes of h×w (a 1-D window is
 * one with h = kh = 1): kernel kh×kw, stride sh×sw, dilation dh×dw, `pt`/`pl` zero rows and
 * columns before the image (those after it only show in oh×ow, the number of window positions).
 * Window position (i, j) covers rows `i·sh − pt + a·dh` (a < kh) and columns `j·sw − pl + b·dw`.
 */
export interface WindowGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  pt: number;
  pl: number;
  dh: number;
  dw: number;
  oh: number;
  ow: number;
}

/**
 * Per-axis averaging windows over `planes` planes of h×w (average pooling, adaptive or not):
 * output row i averages rows [rowStart[i], rowEnd[i]) and column j columns [colStart[j],
 * colEnd[j]), divided by rowDiv[i]·colDiv[j] (which counts padding when the pooling does).
 */
export interface AvgWindows {
  planes: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  rowStart: Int32Array;
  rowEnd: Int32Array;
  rowDiv: Int32Array;
  colStart: Int32Array;
  colEnd: Int32Array;
  colDiv: Int32Array;
}

/**
 * One Adam step over `w` (in place), its gradient `g` and moments `m`, `v` (in place), every
 * element in double arithmetic: g' = g + l2·w, m = b1·m + (1 − b1)·g', v = b2·v + (1 − b2)·g'²,
 * w = w·shrink − stepSize·m / (√v / rootBc2 + eps).
 */
export interface AdamArgs {
  w: TypedArray;
  g: TypedArray;
  m: TypedArray;
  v: TypedArray;
  stepSize: number;
  b1: number;
  b2: number;
  eps: number;
  rootBc2: number;
  l2: number;
  shrink: number;
}

/**
 * A 2-D convolution (cross-correlation) of x, `g.n` images of `g.c` planes in geometry `g`, with
 * w (`channels` × g.c/groups·kh·kw, PyTorch's weight layout) in `groups` groups, as products
 * over im2col's columns: for each image i and group k, out[i, k] (channels/groups × oh·ow) =
 * w[k] · cols[i, k] + bias[k·channels/groups + o] on row o (when bias is given); `out` (n ×
 * channels × oh·ow) is overwritten. Kernels may unfold one image at a time.
 */
export interface ConvForwardArgs {
  g: WindowGeometry;
  groups: number;
  channels: number;
  x: TypedArray;
  w: TypedArray;
  bias: TypedArray | null;
  out: TypedArray;
}

/**
 * A convolution's weight gradient: gw[k] = Σᵢ gy[i, k] · cols[i, k]ᵀ, sizes as
 * {@link ConvForwardArgs} (gy as its out, gw as its w), and when `gb` is given the bias
 * gradient gb[o] = Σ gy[:, o, :] too; `gw` and `gb` are overwritten.
 */
export interface ConvWeightGradArgs {
  g: WindowGeometry;
  groups: number;
  channels: number;
  x: TypedArray;
  gy: TypedArray;
  gw: TypedArray;
  gb: TypedArray | null;
}

/** Everything a backend provides (see the module comment); the JS backend is the reference. */
export interface KernelBackend {
  /** What runs: `js`, `wasm+2threads`, `native-avx512+2threads/wasm` … */
  readonly name: string;
  /**
   * `out[i] = a[i] (kind) b[i]`; comparisons give 1 or 0; maximum and minimum propagate NaN (as
   * PyTorch's). `out` may alias an input.
   */
  binary(kind: BinaryKernel, a: TypedArray, b: TypedArray, out: TypedArray): void;
  /** `out[i] = a[i] (kind) s` for a scalar `s`. */
  binaryScalar(kind: ScalarKernel, a: TypedArray, s: number, out: TypedArray): void;
  /** `out[i] = kind(a[i])`; `out` may alias `a`. */
  unary(kind: UnaryKernel, a: TypedArray, out: TypedArray): void;
  /** Leaky ReLU: `a[i]` where positive, else `slope·a[i]`. */
  leakyRelu(a: TypedArray, slope: number, out: TypedArray): void;
  /** PyTorch's softplus: `log(1 + exp(β·a[i]))/β`, or `a[i]` itself where `β·a[i] > threshold`. */
  softplus(a: TypedArray, beta: number, threshold: number, out: TypedArray): void;
  /** `out[i] = min(max(a[i], lo), hi)`. */
  clip(a: TypedArray, lo: number, hi: number, out: TypedArray): void;
  /** `out[i] = cond[i] !== 0 ? a[i] : b[i]`. */
  where(cond: TypedArray, a: TypedArray, b: TypedArray, out: TypedArray): void;
  /** Copies `src` into `out`, converting as typed arrays do, except that int32 truncates. */
  cast(src: TypedArray, out: TypedArray): void;
  /** `y = β·y + α·x` in place (BLAS axpby): an optimiser's update. */
  axpby(alpha: number, x: TypedArray, beta: number, y: TypedArray): void;
  /** `y[r, :] += b` for each of `rows` rows of `cols`: a bias row. */
  addRows(y: TypedArray, b: TypedArray, rows: number, cols: number): void;
  /** `out = gy·y·(1 − y)`: sigmoid's backward from its output `y`. */
  sigmoidGrad(gy: TypedArray, y: TypedArray, out: TypedArray): void;
  /** `out = x > 0 ? gy : 0`: relu's backward from its input `x`. */
  reluGrad(gy: TypedArray, x: TypedArray, out: TypedArray): void;
  /** One Adam step (see {@link AdamArgs}). */
  adamStep(args: AdamArgs): void;
  /**
   * Gathers a strided view of `src` (element idx at `offset + Σ idx[k]·strides[k]`) of `shape`
   * into the contiguous `dst`: broadcastTo, transpose and slice.
   */
  stridedCopy(
    src: TypedArray,
    offset: number,
    strides: readonly number[],
    shape: readonly number[],
    dst: TypedArray,
  ): void;
  /** The adjoint of stridedCopy: writes contiguous `src` into the (non-overlapping) view of `dst`. */
  stridedScatter(
    src: TypedArray,
    dst: TypedArray,
    offset: number,
    strides: readonly number[],
    shape: readonly number[],
  ): void;
  /** Copies `count` blocks of `block` elements between strided positions (concat and its adjoint). */
  copyBlocks(
    src: TypedArray,
    srcOff: number,
    srcStride: number,
    dst: TypedArray,
    dstOff: number,
    dstStride: number,
    count: number,
    block: number,
  ): void;
  /** Sum along the axis; `out` (outer·inner) must be zero-filled. */
  sumAxis(x: TypedArray, outer: number, len: number, inner: number, out: TypedArray): void;
  /** Max (`sign` 1) or min (−1) along the axis; NaN propagates, as NumPy. */
  extremumAxis(x: TypedArray, outer: number, len: number, inner: number, sign: 1 | -1, out: TypedArray): void;
  /** Index of the first max (`sign` 1) or min (−1) along the axis. */
  argExtremumAxis(x: TypedArray, outer: number, len: number, inner: number, sign: 1 | -1, out: Int32Array): void;
  /**
   * Running sum along the axis (from the last element backwards when `reverse`: the adjoint);
   * `out` may not alias `x`.
   */
  cumsumAxis(x: TypedArray, outer: number, len: number, inner: number, reverse: boolean, out: TypedArray): void;
  /**
   * Keeps the upper (`upper`: j − i ≥ `diagonal`) or lower (j − i ≤ `diagonal`) triangle of each of
   * `batch` rows×cols matrices of `x`, zeroing the rest (triu / tril).
   */
  triangle(
    x: TypedArray,
    batch: number,
    rows: number,
    cols: number,
    diagonal: number,
    upper: boolean,
    out: TypedArray,
  ): void;
  /** Softmax along the axis, max-shifted. */
  softmaxAxis(x: TypedArray, outer: number, len: number, inner: number, out: TypedArray): void;
  /**
   * Row-wise softmax of a rows×cols matrix (softmaxAxis's arithmetic), also writing each row's
   * Σ exp(x − shift) to `sums` (the fused softmax-cross-entropy needs log Σ exp).
   */
  softmaxRows(x: TypedArray, rows: number, cols: number, out: TypedArray, sums: TypedArray): void;
  /** log Σ exp along the axis, max-shifted. */
  logSumExpAxis(x: TypedArray, outer: number, len: number, inner: number, out: TypedArray): void;
  /** `np.repeat` along the axis: each slice written `repeats` times in a row. */
  repeatAxis(x: TypedArray, outer: number, len: number, inner: number, repeats: number, out: TypedArray): void;
  /** out (o, j, i) = x (o, idx[j], i). */
  gatherAxis(x: TypedArray, outer: number, len: number, inner: number, idx: Int32Array, out: TypedArray): void;
  /** The adjoint of gatherAxis: out (o, idx[j], i) += g (o, j, i); `out` zero-filled. */
  scatterAddAxis(g: TypedArray, outer: number, len: number, inner: number, idx: Int32Array, out: TypedArray): void;
  /** C = op(A)·op(B) (see {@link GemmArgs}); 0·NaN and 0·∞ give NaN, as IEEE. */
  gemm(args: GemmArgs): void;
  /**
   * Unfolds `x` (n×c×h×w) into `cols` (n × c·kh·kw × oh·ow, PyTorch's `unfold`): row
   * (ch·kh + a)·kw + b of image m holds, for each window position, the pixel under kernel tap
   * (a, b) of channel ch, or 0 in the padding.
   */
  im2col(g: WindowGeometry, x: TypedArray, cols: TypedArray): void;
  /** The adjoint of im2col (PyTorch's `fold`): adds each entry of `cols` to its pixel of `x`, which must be zero-filled. */
  col2im(g: WindowGeometry, cols: TypedArray, x: TypedArray): void;
  /**
   * Max over each window of `x` (n·c planes; padding never wins) into `out` (n·c × oh·ow), and
   * the winner's index in `x` into `idx`: the first maximum in row-major window order, the last
   * NaN if there is one (PyTorch's rule: val > max || isnan(val)).
   */
  maxPool2d(g: WindowGeometry, x: TypedArray, out: TypedArray, idx: Int32Array): void;
  /**
   * The adjoint of maxPool2d: `dx` (x's size) gets `gy` added at the winners' indices `idx` (as
   * maxPool2d wrote them: each in its own window's plane) and zero elsewhere. Every element of
   * `dx` is written (it need not be zeroed first); a gradient lands as `0 + gy`, so −0 becomes 0.
   */
  maxPool2dBackward(g: WindowGeometry, gy: TypedArray, idx: Int32Array, dx: TypedArray): void;
  /** A convolution's forward: products over x's columns and the bias (see {@link ConvForwardArgs}). */
  convForward(args: ConvForwardArgs): void;
  /** A convolution's weight gradient from x and gy (see {@link ConvWeightGradArgs}). */
  convWeightGrad(args: ConvWeightGradArgs): void;
  /** `y[o, ch, i] += b[ch]` over `outer`×`channels`×`inner`: a per-channel bias (convolution). */
  addBias(y: TypedArray, b: TypedArray, outer: number, channels: number, inner: number): void;
  /** Averages over the windows of {@link AvgWindows}: `out` is planes × oh·ow. */
  avgPool2d(win: AvgWindows, x: TypedArray, out: TypedArray): void;
  /** The adjoint of avgPool2d: adds gy[i, j]/divisor to each pixel of its window in `gx`, which must be zero-filled. */
  avgPool2dBackward(win: AvgWindows, gy: TypedArray, gx: TypedArray): void;
  /** One LSTM step's gates and state update over a batch (see {@link LstmCellArgs}). */
  lstmCell(args: LstmCellArgs): void;
  /** The adjoint of lstmCell (see {@link LstmCellGradArgs}). */
  lstmCellBackward(args: LstmCellGradArgs): void;
  /** An LSTM layer over a whole sequence (see {@link LstmSequenceArgs}). */
  lstmSequence(args: LstmSequenceArgs): void;
  /** The adjoint of lstmSequence (see {@link LstmSequenceGradArgs}). */
  lstmSequenceBackward(args: LstmSequenceGradArgs): void;
  /** One GRU step's gates and update over a batch (see {@link GruCellArgs}). */
  gruCell(args: GruCellArgs): void;
  /** The adjoint of gruCell (see {@link GruCellGradArgs}). */
  gruCellBackward(args: GruCellGradArgs): void;
}

/** The name of a kernel (every member of KernelBackend but `name`). */
export type KernelName = Exclude<keyof KernelBackend, 'name'>;
