import type { TypedArray } from '../../dtype';
import type { BinaryKernel, UnaryKernel } from '../elementwise';
import * as elementwise from '../elementwise';
import * as matmul from '../matmul';
import * as reduce from '../reduce';
import * as strided from '../strided';
import type { KernelBackend } from '../index';
import { Arena, type WasmExports, useFma } from './module';
import { ThreadChoice } from './adaptive';
import type { GemmPool } from './pool';

/**
 * Size thresholds below which the JS kernel is faster than copy-in + WASM + copy-out, measured
 * with bench/gemm.ts and bench/elementwise.ts on a 2-core Zen 4 (Node 20).
 */
export const thresholds = {
  /** m·n·k of a float32 gemm (WASM is ~3× faster at 8³ already, slower at 4³). */
  gemm: 512,
  /** Elements of a cheap elementwise op (add, mul, div, relu ...): break-even is ~100. */
  cheap: 128,
  /** Elements of exp, sigmoid or tanh: break-even is ~16. */
  transcendental: 32,
  /**
   * m·n·k from which a gemm may be split across the thread pool (TAPEGRAD_THREADS ≥ 2, the
   * default on a multi-core machine): on an idle machine two threads break even at 64³ and reach
   * ~1.4× at 96³–128³ and on the MNIST-MLP products (100×784×100), 1.5× at 256³, 1.9× at 1024³.
   * Above it, ThreadChoice picks whichever of one thread and the pool has been faster lately.
   */
  threaded: 1 << 19,
  /** Choose between one thread and the pool by measured time (false: always split; for tests). */
  adaptive: true as boolean,
};

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
const EXPENSIVE = new Set<string>(['exp', 'sigmoid', 'tanh']);
const SCALAR = { add: 0, mul: 1, pow: 2, rsub: 3, rdiv: 4 } as const;

/**
 * Builds the WASM SIMD backend over an instantiated module: float32 gemm and elementwise kernels
 * run in WASM above their size thresholds; everything else (float64, int32, small sizes, the
 * reductions and strided copies) runs the JS kernels. With a `pool` (see GemmPool), large
 * gemms may also be split across its threads, on its shared-memory module: when splitting has
 * been faster lately (ThreadChoice), or always with `adaptive: false`.
 *
 * @example
 * const r = loadWasm(); if (r.exports) setBackend(createWasmBackend(r.exports));
 */
export function createWasmBackend(
  ex: WasmExports,
  pool: GemmPool | null = null,
  options: { adaptive?: boolean; fma?: boolean } = {},
): KernelBackend {
  const adaptive = options.adaptive ?? true;
  // Everything runs on `ex` (its own, non-shared memory: copies into it are the cheapest); only
  // gemms split across the pool use the pool's shared memory, with an arena of their own that
  // keeps out of memory a late worker may still write (see GemmPool.sgemm).
  const arena = new Arena(ex);
  const reset = (): void => arena.reset();
  const shared = pool ? new Arena(pool.exports) : null;
  // Split or not, by what each has cost lately, copies included (see ThreadChoice).
  const choice = new ThreadChoice();

  function gemm(
    a: TypedArray,
    aOff: number,
    b: TypedArray,
    bOff: number,
    c: TypedArray,
    cOff: number,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
  ): void {
    if (
      !(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array) ||
      m * n * k < thresholds.gemm
    ) {
      matmul.gemm(a, aOff, b, bOff, c, cOff, m, n, k, transA, transB);
      return;
    }
    const macs = m * n * k;
    // Until the workers have started (the first large gemm starts them) products run here on
    // the fast path and are not timed: the pool would run them alone on its own module, and
    // those times would count against splitting.
    const big = pool !== null && macs >= thresholds.threaded && m >= 8 && pool.ready();
    const always = !adaptive || !thresholds.adaptive;
    const split = big && (always || choice.split(macs));
    const t0 = big ? performance.now() : 0;
    if (split) splitGemm(pool, a, aOff, b, bOff, c, cOff, m, n, k, transA, transB, always || choice.keepWarm(macs));
    else singleGemm(a, aOff, b, bOff, c, cOff, m, n, k, transA, transB);
    if (big) choice.record(macs, split, performance.now() - t0);
  }

  function singleGemm(
    a: Float32Array,
    aOff: number,
    b: Float32Array,
    bOff: number,
    c: Float32Array,
    cOff: number,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
  ): void {
    reset();
    const pa = arena.alloc(m * k);
    const pb = arena.alloc(k * n);
    const pc = arena.alloc(m * n);
    const ps = arena.allocBytes(ex.gemmScratchBytes(m, n, k));
    arena.commit();
    arena.put(pa, a.subarray(aOff, aOff + m * k), m * k);
    arena.put(pb, b.subarray(bOff, bOff + k * n), k * n);
    ex.sgemm(pa, pb, pc, m, n, k, transA ? 1 : 0, transB ? 1 : 0, ps);
    arena.take(pc, m * n, c, cOff);
  }

  function splitGemm(
    pool: GemmPool,
    a: Float32Array,
    aOff: number,
    b: Float32Array,
    bOff: number,
    c: Float32Array,
    cOff: number,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    warm: boolean,
  ): void {
    const mem = shared!;
    mem.reset(pool.reservedEnd());
    const pa = mem.alloc(m * k);
    const pb = mem.alloc(k * n);
    const pc = mem.alloc(m * n);
    const scratch = (pool.exports.gemmScratchBytes(m, n, k) + 63) & ~63;
    const ps = mem.allocBytes(scratch * pool.threads);
    const spare = mem.alloc(m * n);
    mem.commit();
    mem.put(pa, a.subarray(aOff, aOff + m * k), m * k);
    mem.put(pb, b.subarray(bOff, bOff + k * n), k * n);
    const patched = pool.sgemm(pa, pb, pc, m, n, k, transA ? 1 : 0, transB ? 1 : 0, ps, scratch, spare, warm);
    mem.take(pc, m * n, c, cOff);
    // Rows a late worker still owns were computed into `spare`.
    for (let r = 0; r < patched.length; r += 2) {
      const from = patched[r] * n;
      mem.take(spare + 4 * from, patched[r + 1] * n - from, c, cOff + from);
    }
  }

  function binary(kind: BinaryKernel, a: TypedArray, b: TypedArray, out: TypedArray): void {
    const op = BINARY[kind];
    const n = out.length;
    if (
      op === undefined ||
      !(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array) ||
      n < (EXPENSIVE.has(kind) ? thresholds.transcendental : thresholds.cheap)
    ) {
      elementwise.binary(kind, a, b, out);
      return;
    }
    reset();
    const pa = arena.alloc(n);
    const pb = arena.alloc(n);
    const po = arena.alloc(n);
    arena.commit();
    arena.put(pa, a, n);
    arena.put(pb, b, n);
    ex.binaryF32(op, pa, pb, po, n);
    arena.take(po, n, out);
  }

  function binaryScalar(kind: keyof typeof SCALAR, a: TypedArray, s: number, out: TypedArray): void {
    const n = out.length;
    if (
      (kind === 'pow' && s !== 2) ||
      !(a instanceof Float32Array && out instanceof Float32Array) ||
      n < (EXPENSIVE.has(kind) ? thresholds.transcendental : thresholds.cheap)
    ) {
      elementwise.binaryScalar(kind, a, s, out);
      return;
    }
    reset();
    const pa = arena.alloc(n);
    const po = arena.alloc(n);
    arena.commit();
    arena.put(pa, a, n);
    ex.binaryScalarF32(SCALAR[kind], pa, s, po, n);
    arena.take(po, n, out);
  }

  function unary(kind: UnaryKernel, a: TypedArray, out: TypedArray): void {
    const op = UNARY[kind];
    const n = out.length;
    if (
      op === undefined ||
      !(a instanceof Float32Array && out instanceof Float32Array) ||
      n < (EXPENSIVE.has(kind) ? thresholds.transcendental : thresholds.cheap)
    ) {
      elementwise.unary(kind, a, out);
      return;
    }
    reset();
    const pa = arena.alloc(n);
    const po = arena.alloc(n);
    arena.commit();
    arena.put(pa, a, n);
    ex.unaryF32(op, pa, po, n);
    arena.take(po, n, out);
  }

  function axpby(alpha: number, x: TypedArray, beta: number, y: TypedArray): void {
    const n = y.length;
    if (!(x instanceof Float32Array && y instanceof Float32Array) || n < thresholds.cheap) {
      elementwise.axpby(alpha, x, beta, y);
      return;
    }
    reset();
    const px = arena.alloc(n);
    const py = arena.alloc(n);
    arena.commit();
    arena.put(px, x, n);
    arena.put(py, y, n);
    ex.axpbyF32(alpha, px, beta, py, n);
    arena.take(py, n, y);
  }

  function sigmoidGrad(gy: TypedArray, y: TypedArray, out: TypedArray): void {
    const n = out.length;
    if (
      !(gy instanceof Float32Array && y instanceof Float32Array && out instanceof Float32Array) ||
      n < thresholds.cheap
    ) {
      elementwise.sigmoidGrad(gy, y, out);
      return;
    }
    reset();
    const pg = arena.alloc(n);
    const py = arena.alloc(n);
    const po = arena.alloc(n);
    arena.commit();
    arena.put(pg, gy, n);
    arena.put(py, y, n);
    ex.sigmoidGradF32(pg, py, po, n);
    arena.take(po, n, out);
  }

  function addRows(y: TypedArray, b: TypedArray, rows: number, cols: number): void {
    const n = rows * cols;
    if (!(y instanceof Float32Array && b instanceof Float32Array) || n < thresholds.cheap) {
      elementwise.addRows(y, b, rows, cols);
      return;
    }
    reset();
    const py = arena.alloc(n);
    const pb = arena.alloc(cols);
    arena.commit();
    arena.put(py, y, n);
    arena.put(pb, b, cols);
    ex.addRowsF32(py, pb, rows, cols);
    arena.take(py, n, y);
  }

  // Sums over an axis with at least 4 contiguous elements behind it (a bias gradient's column
  // sums); row sums (inner = 1) stay in JS, which accumulates them in float64.
  function sumAxis(x: TypedArray, outer: number, len: number, inner: number, out: TypedArray): void {
    const n = outer * len * inner;
    if (!(x instanceof Float32Array && out instanceof Float32Array) || inner < 4 || n < thresholds.cheap) {
      reduce.sumAxis(x, outer, len, inner, out);
      return;
    }
    reset();
    const px = arena.alloc(n);
    const po = arena.alloc(outer * inner);
    arena.commit();
    arena.put(px, x, n);
    ex.sumAxisF32(px, outer, len, inner, po);
    arena.take(po, outer * inner, out);
  }

  // Row-wise softmax (the last axis: logits) of float32 with enough exponentials to pay for the
  // copies; softmaxAxis and softmaxRows share the rule, so the softmax op and the fused
  // softmax-cross-entropy compute bit-identical probabilities.
  const wasmSoftmax = (x: TypedArray, out: TypedArray, n: number): boolean =>
    x instanceof Float32Array && out instanceof Float32Array && n >= thresholds.transcendental;

  function softmaxRowsWasm(x: Float32Array, rows: number, cols: number, out: Float32Array): number {
    const n = rows * cols;
    reset();
    const px = arena.alloc(n);
    const po = arena.alloc(n);
    const ps = arena.alloc(rows);
    arena.commit();
    arena.put(px, x, n);
    ex.softmaxRowsF32(px, rows, cols, po, ps);
    arena.take(po, n, out);
    return ps;
  }

  function softmaxRows(x: TypedArray, rows: number, cols: number, out: TypedArray, sums: TypedArray): void {
    if (!wasmSoftmax(x, out, rows * cols)) {
      reduce.softmaxRows(x, rows, cols, out, sums);
      return;
    }
    const ps = softmaxRowsWasm(x as Float32Array, rows, cols, out as Float32Array);
    arena.take(ps, rows, sums);
  }

  function softmaxAxis(x: TypedArray, outer: number, len: number, inner: number, out: TypedArray): void {
    if (inner !== 1 || !wasmSoftmax(x, out, outer * len)) {
      reduce.softmaxAxis(x, outer, len, inner, out);
      return;
    }
    softmaxRowsWasm(x as Float32Array, outer, len, out as Float32Array);
  }

  return {
    name: `wasm${(options.fma ?? useFma()) ? '-fma' : ''}${pool ? `+${pool.threads}threads` : ''}`,
    ...elementwise,
    ...strided,
    ...reduce,
    binary,
    binaryScalar,
    unary,
    axpby,
    addRows,
    sumAxis,
    softmaxAxis,
    softmaxRows,
    sigmoidGrad,
    gemm,
  };
}
