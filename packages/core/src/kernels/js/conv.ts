/**
 * A convolution's products over im2col's columns (KernelBackend.convForward and convWeightGrad):
 * the forward as one gemm per image and group plus a bias pass, the weight gradient as sums of
 * products in the arrays' own arithmetic (float64 for float64). `convByGemm` gives a backend whose
 * gemm is faster than these loops (WASM) the forward and weight gradient on its own gemm.
 */
import type { ConvForwardArgs, ConvWeightGradArgs, GemmArgs, KernelBackend } from '../backend';
import { type Accelerations, allFloat32 } from '../dispatch';
import { gemm as jsGemm } from './gemm';
import { addBias as jsAddBias } from './window';

/** convForward on `gemm` (one product per image and group) and `addBias`. */
function forwardBy(gemm: KernelBackend['gemm'], addBias: KernelBackend['addBias'], a: ConvForwardArgs): void {
  const { w, cols, bias, out, batch, groups, channels: m, taps: k, positions: n } = a;
  const g: GemmArgs = { a: w, aOff: 0, b: cols, bOff: 0, c: out, cOff: 0, m, n, k, transA: false, transB: false };
  for (let i = 0; i < batch; i++) {
    for (let j = 0; j < groups; j++) {
      g.aOff = j * m * k;
      g.bOff = (i * groups + j) * k * n;
      g.cOff = (i * groups + j) * m * n;
      gemm(g);
    }
  }
  if (bias !== null) addBias(out, bias, batch, groups * m, n);
}

/**
 * The reference forward: a gemm per image and group, then the bias.
 *
 * @example
 * convForward({ w, cols, bias: null, out, batch: 2, groups: 1, channels: 4, taps: 9, positions: 64 });
 */
export const convForward: KernelBackend['convForward'] = (a) => forwardBy(jsGemm, jsAddBias, a);

/**
 * The reference weight gradient: each entry of gw one sum over images and positions.
 *
 * @example
 * convWeightGrad({ gy, cols, gw, batch: 2, groups: 1, channels: 4, taps: 9, positions: 64 });
 */
export const convWeightGrad: KernelBackend['convWeightGrad'] = (a) => {
  const { gy, cols, gw, batch, groups, channels: m, taps: kk, positions: len } = a;
  for (let g = 0; g < groups; g++) {
    for (let o = 0; o < m; o++) {
      for (let q = 0; q < kk; q++) {
        let s = 0;
        for (let i = 0; i < batch; i++) {
          const gr = ((i * groups + g) * m + o) * len;
          const cr = ((i * groups + g) * kk + q) * len;
          for (let l = 0; l < len; l++) s += gy[gr + l] * cols[cr + l];
        }
        gw[(g * m + o) * kk + q] = s;
      }
    }
  }
};

/**
 * Float32 convForward and convWeightGrad on `be`'s own gemm (and bias): for a backend whose
 * gemm beats the JS loops but has no convolution kernels of its own.
 *
 * @example
 * const wasm = layer('wasm', core, convByGemm(core));
 */
export function convByGemm(be: KernelBackend): Accelerations {
  const f32 = (...xs: (ArrayLike<number> | null)[]): boolean =>
    xs.every((x) => x === null || x instanceof Float32Array);
  return {
    convForward: {
      gate: (a) => f32(a.w, a.cols, a.bias, a.out),
      run: (a) => (forwardBy(be.gemm, be.addBias, a), true),
    },
    convWeightGrad: {
      gate: (a) => allFloat32(a.gy, a.cols, a.gw),
      run: (a) => {
        const { gy, cols, gw, batch, groups, channels: m, taps: kk, positions: len } = a;
        const part = new Float32Array(m * kk);
        const g: GemmArgs = {
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
        for (let i = 0; i < batch; i++) {
          for (let j = 0; j < groups; j++) {
            g.aOff = (i * groups + j) * m * len;
            g.bOff = (i * groups + j) * kk * len;
            be.gemm(g);
            for (let p = 0; p < m * kk; p++) gw[j * m * kk + p] += part[p];
          }
        }
        return true;
      },
    },
  };
}
