/**
 * A convolution's products over im2col's columns (KernelBackend.convForward and convWeightGrad):
 * the whole batch unfolded, then the forward as one gemm per image and group plus a bias pass,
 * the weight gradient as sums of products in the arrays' own arithmetic (float64 for float64).
 * `convByGemm` runs the same on a backend's own im2col and gemm where those beat these loops
 * (WASM).
 */
import type { TypedArray } from '../../dtype';
import type { ConvForwardArgs, ConvWeightGradArgs, GemmArgs, KernelBackend, WindowGeometry } from '../backend';
import { type Accelerations, allFloat32 } from '../dispatch';
import { gemm as jsGemm } from './gemm';
import { addBias as jsAddBias, im2col as jsIm2col } from './window';

/** The sizes of one image and group's product: out channels, taps (rows of columns), positions. */
function sizesOf(g: WindowGeometry, groups: number, channels: number) {
  return { m: channels / groups, kk: (g.c / groups) * g.kh * g.kw, len: g.oh * g.ow };
}

/** x's columns (n × c·kh·kw × oh·ow) by `im2col`, in an array like x's. */
function unfold(im2col: KernelBackend['im2col'], g: WindowGeometry, x: TypedArray): TypedArray {
  const cols = new (x.constructor as new (n: number) => TypedArray)(g.n * g.c * g.kh * g.kw * g.oh * g.ow);
  im2col(g, x, cols);
  return cols;
}

/** convForward on a backend's im2col, gemm (one product per image and group) and addBias. */
function forwardBy(be: Pick<KernelBackend, 'im2col' | 'gemm' | 'addBias'>, a: ConvForwardArgs): void {
  const { g, groups, channels, w, bias, out } = a;
  const { m, kk: k, len: n } = sizesOf(g, groups, channels);
  const cols = unfold(be.im2col, g, a.x);
  const p: GemmArgs = { a: w, aOff: 0, b: cols, bOff: 0, c: out, cOff: 0, m, n, k, transA: false, transB: false };
  for (let i = 0; i < g.n; i++) {
    for (let j = 0; j < groups; j++) {
      p.aOff = j * m * k;
      p.bOff = (i * groups + j) * k * n;
      p.cOff = (i * groups + j) * m * n;
      be.gemm(p);
    }
  }
  if (bias !== null) be.addBias(out, bias, g.n, channels, n);
}

/**
 * The reference forward: x unfolded, a gemm per image and group, then the bias.
 *
 * @example
 * convForward({ g, groups: 1, channels: 4, x, w, bias: null, out });
 */
export const convForward: KernelBackend['convForward'] = (a) =>
  forwardBy({ im2col: jsIm2col, gemm: jsGemm, addBias: jsAddBias }, a);

/** gb[o] = Σ gy[i, o, l] over images and positions (in double, as sumAxis), when gb is given. */
function biasGrad(a: ConvWeightGradArgs): void {
  const { g, channels, gy, gb } = a;
  if (gb === null) return;
  const len = g.oh * g.ow;
  for (let o = 0; o < channels; o++) {
    let s = 0;
    for (let i = 0; i < g.n; i++) for (let l = 0, r = (i * channels + o) * len; l < len; l++) s += gy[r + l];
    gb[o] = s;
  }
}

/**
 * The reference weight gradient: x unfolded, each entry of gw (and gb) one sum over images and
 * positions.
 *
 * @example
 * convWeightGrad({ g, groups: 1, channels: 4, x, gy, gw });
 */
export const convWeightGrad: KernelBackend['convWeightGrad'] = (a) => {
  const { g, groups, channels, gy, gw } = a;
  const { m, kk, len } = sizesOf(g, groups, channels);
  const cols = unfold(jsIm2col, g, a.x);
  for (let k = 0; k < groups; k++) {
    for (let o = 0; o < m; o++) {
      for (let q = 0; q < kk; q++) {
        let s = 0;
        for (let i = 0; i < g.n; i++) {
          const gr = ((i * groups + k) * m + o) * len;
          const cr = ((i * groups + k) * kk + q) * len;
          for (let l = 0; l < len; l++) s += gy[gr + l] * cols[cr + l];
        }
        gw[(k * m + o) * kk + q] = s;
      }
    }
  }
  biasGrad(a);
};

/** gw as a sum of gemms (gy[i, k] · cols[i, k]ᵀ) on a backend's own im2col and gemm. */
function weightGradBy(be: Pick<KernelBackend, 'im2col' | 'gemm'>, a: ConvWeightGradArgs): void {
  const { g, groups, channels, gy, gw } = a;
  const { m, kk, len } = sizesOf(g, groups, channels);
  const cols = unfold(be.im2col, g, a.x);
  const part = new (gw.constructor as new (n: number) => TypedArray)(m * kk);
  const p: GemmArgs = {
    a: gy,
    aOff: 0,
    b: cols,
    bOff: 0,
    c: part,
    cOff: 0,
    m,
    n: kk,
    k: len,
    transA: false,
    transB: true,
  };
  gw.fill(0, 0, groups * m * kk);
  for (let i = 0; i < g.n; i++) {
    for (let k = 0; k < groups; k++) {
      p.aOff = (i * groups + k) * m * len;
      p.bOff = (i * groups + k) * kk * len;
      be.gemm(p);
      for (let j = 0; j < m * kk; j++) gw[k * m * kk + j] += part[j];
    }
  }
  biasGrad(a);
}

/**
 * Float32 convForward and convWeightGrad on `be`'s own im2col, gemm and bias: for a backend whose
 * gemm beats the JS loops but has no convolution kernels of its own.
 *
 * @example
 * const wasm = layer('wasm', core, convByGemm(core));
 */
export function convByGemm(be: KernelBackend): Accelerations {
  return {
    convForward: {
      gate: (a) => allFloat32(a.x, a.w, a.out) && (a.bias === null || a.bias instanceof Float32Array),
      run: (a) => (forwardBy(be, a), true),
    },
    convWeightGrad: {
      gate: (a) => allFloat32(a.x, a.gy, a.gw) && (a.gb === null || a.gb instanceof Float32Array),
      run: (a) => (weightGradBy(be, a), true),
    },
  };
}
