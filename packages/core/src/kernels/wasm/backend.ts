import type { TypedArray } from '../../dtype';
import type { BinaryKernel, KernelBackend, ScalarKernel, UnaryKernel } from '../backend';
import { type Accelerations, allFloat32, layer } from '../dispatch';
import { convByGemm, jsBackend } from '../js';
import { lstmSequenceLoops } from '../js/recurrent-sequence';
import { thresholds } from '../thresholds';
import { Arena, WasmCall } from './arena';
import { type LazyPool, wasmGemm } from './gemm';
import { useFma, WASM32_MAX_BYTES, type WasmExports } from './module';
import type { GemmPool } from './pool';

// Op codes; they must match packages/core/assembly/elementwise.ts.
const BINARY: Partial<Record<BinaryKernel, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
  eq: 6,
  gt: 7,
  lt: 8,
  ge: 9,
  le: 10,
};
const UNARY: Partial<Record<UnaryKernel, number>> = {
  neg: 0,
  exp: 1,
  sqrt: 2,
  abs: 3,
  sigmoid: 4,
  tanh: 5,
  relu: 6,
  step: 7,
  square: 8,
  reciprocal: 9,
  sign: 10,
};
const SCALAR: Record<ScalarKernel, number> = { add: 0, mul: 1, pow: 2, rsub: 3, rdiv: 4 };
const EXPENSIVE = new Set<string>(['exp', 'sigmoid', 'tanh']);

/** The fewest elements for which an elementwise kernel of `kind` pays for its copies. */
function minElements(kind: string): number {
  return EXPENSIVE.has(kind) ? thresholds.wasm.transcendental : thresholds.wasm.cheap;
}

/**
 * The WASM SIMD backend over an instantiated module: the float32 gemm and elementwise kernels,
 * column sums and row-wise softmax run in WASM above their thresholds (thresholds.wasm); all
 * else — float64, int32, small sizes, the other reductions, strided copies — runs the JS
 * kernels. With a `pool` (see GemmPool; or a LazyPool, made by the first product large enough to
 * split), large gemms may also be split across its threads.
 *
 * @example
 * const r = loadWasm(); if (r.exports) setBackend(createWasmBackend(r.exports));
 */
export function createWasmBackend(
  ex: WasmExports,
  pool: GemmPool | LazyPool | null = null,
  options: { adaptive?: boolean; fma?: boolean } = {},
): KernelBackend {
  // Everything runs on `ex` (its own, non-shared memory: copies into it are the cheapest); only
  // gemms split across the pool use the pool's shared memory.
  const call = new WasmCall(new Arena(ex.memory, ex.heapBase(), WASM32_MAX_BYTES));

  const elementwise = (a: TypedArray, b: TypedArray, out: TypedArray, kind = ''): boolean =>
    allFloat32(a, b, out) && out.length >= minElements(kind);
  // Row-wise softmax (the last axis: logits) of float32 with enough exponentials to pay for the
  // copies; softmaxAxis and softmaxRows share it, so the softmax op and the fused
  // softmax-cross-entropy compute bit-identical probabilities.
  const softmax = (x: TypedArray, rows: number, cols: number, out: TypedArray, sums: TypedArray | null): boolean => {
    const c = call.begin();
    const px = c.input(x as Float32Array, rows * cols);
    const po = c.output(out, rows * cols);
    const ps = sums ? c.output(sums, rows) : c.scratch(4 * rows);
    if (!c.start()) return false;
    ex.softmaxRowsF32(px, rows, cols, po, ps);
    return c.finish();
  };

  const accelerated: Accelerations = {
    gemm: wasmGemm(ex, call, pool, options.adaptive ?? true),
    binary: {
      gate: (kind, a, b, out) => BINARY[kind] !== undefined && elementwise(a, b, out, kind),
      run: (kind, a, b, out) => {
        const c = call.begin();
        const pa = c.input(a as Float32Array, out.length);
        const pb = c.input(b as Float32Array, out.length);
        const po = c.output(out);
        if (!c.start()) return false;
        ex.binaryF32(BINARY[kind]!, pa, pb, po, out.length);
        return c.finish();
      },
    },
    binaryScalar: {
      gate: (kind, a, s, out) => (kind !== 'pow' || s === 2) && elementwise(a, a, out, kind),
      run: (kind, a, s, out) => {
        const c = call.begin();
        const pa = c.input(a as Float32Array, out.length);
        const po = c.output(out);
        if (!c.start()) return false;
        ex.binaryScalarF32(SCALAR[kind], pa, s, po, out.length);
        return c.finish();
      },
    },
    unary: {
      gate: (kind, a, out) => UNARY[kind] !== undefined && elementwise(a, a, out, kind),
      run: (kind, a, out) => {
        const c = call.begin();
        const pa = c.input(a as Float32Array, out.length);
        const po = c.output(out);
        if (!c.start()) return false;
        ex.unaryF32(UNARY[kind]!, pa, po, out.length);
        return c.finish();
      },
    },
    axpby: {
      gate: (_alpha, x, _beta, y) => elementwise(x, y, y),
      run: (alpha, x, beta, y) => {
        const c = call.begin();
        const px = c.input(x as Float32Array, y.length);
        const py = c.inout(y as Float32Array);
        if (!c.start()) return false;
        ex.axpbyF32(alpha, px, beta, py, y.length);
        return c.finish();
      },
    },
    sigmoidGrad: {
      gate: (gy, y, out) => elementwise(gy, y, out),
      run: (gy, y, out) => {
        const c = call.begin();
        const pg = c.input(gy as Float32Array, out.length);
        const py = c.input(y as Float32Array, out.length);
        const po = c.output(out);
        if (!c.start()) return false;
        ex.sigmoidGradF32(pg, py, po, out.length);
        return c.finish();
      },
    },
    addRows: {
      gate: (y, b, rows, cols) => allFloat32(y, b) && rows * cols >= thresholds.wasm.cheap,
      run: (y, b, rows, cols) => {
        const c = call.begin();
        const py = c.inout(y as Float32Array, rows * cols);
        const pb = c.input(b as Float32Array, cols);
        if (!c.start()) return false;
        ex.addRowsF32(py, pb, rows, cols);
        return c.finish();
      },
    },
    // Sums over an axis with at least 4 contiguous elements behind it (a bias gradient's column
    // sums); row sums (inner = 1) stay in JS, which accumulates them in float64.
    sumAxis: {
      gate: (x, outer, len, inner, out) =>
        allFloat32(x, out) && inner >= 4 && outer * len * inner >= thresholds.wasm.cheap,
      run: (x, outer, len, inner, out) => {
        const c = call.begin();
        const px = c.input(x as Float32Array, outer * len * inner);
        const po = c.output(out, outer * inner);
        if (!c.start()) return false;
        ex.sumAxisF32(px, outer, len, inner, po);
        return c.finish();
      },
    },
    softmaxRows: {
      gate: (x, rows, cols, out) => allFloat32(x, out) && rows * cols >= thresholds.wasm.transcendental,
      run: (x, rows, cols, out, sums) => softmax(x, rows, cols, out, sums),
    },
    softmaxAxis: {
      gate: (x, outer, len, inner, out) =>
        inner === 1 && allFloat32(x, out) && outer * len >= thresholds.wasm.transcendental,
      run: (x, outer, len, _inner, out) => softmax(x, outer, len, out, null),
    },
  };
  const name = `wasm${(options.fma ?? useFma()) ? '-fma' : ''}${pool ? `+${pool.threads}threads` : ''}`;
  // The sequence kernels loop over this backend's own products and cells, and the convolution's
  // over its own im2col and gemm, not the JS ones.
  const be = layer(name, jsBackend, accelerated);
  return layer(name, Object.freeze({ ...be, ...lstmSequenceLoops(be) }), convByGemm(be));
}
