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

function head(x: TypedArray, n: number): TypedArray {
  return x.length === n ? x : x.subarray(0, n);
}

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
    const split = big && (!adaptive || !thresholds.adaptive || choice.split(macs));
    const t0 = big ? performance.now() : 0;
    if (split) {
      const warm = !adaptive || !thresholds.adaptive || choice.keepWarm(macs);
      splitGemm(pool, a, aOff, b, bOff, c, cOff, m, n, k, transA, transB, warm);
    } else singleGemm(a, aOff, b, bOff, c, cOff, m, n, k, transA, transB);
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
    const f = arena.f32;
    f.set(a.subarray(aOff, aOff + m * k), pa >> 2);
    f.set(b.subarray(bOff, bOff + k * n), pb >> 2);
    ex.sgemm(pa, pb, pc, m, n, k, transA ? 1 : 0, transB ? 1 : 0, ps);
    c.set(f.subarray(pc >> 2, (pc >> 2) + m * n), cOff);
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
    const f = mem.f32;
    f.set(a.subarray(aOff, aOff + m * k), pa >> 2);
    f.set(b.subarray(bOff, bOff + k * n), pb >> 2);
    const patched = pool.sgemm(pa, pb, pc, m, n, k, transA ? 1 : 0, transB ? 1 : 0, ps, scratch, spare, warm);
    c.set(f.subarray(pc >> 2, (pc >> 2) + m * n), cOff);
    // Rows a late worker still owns were computed into `spare`.
    for (let r = 0; r < patched.length; r += 2) {
      const from = patched[r] * n;
      const to = patched[r + 1] * n;
      c.set(f.subarray((spare >> 2) + from, (spare >> 2) + to), cOff + from);
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
    const f = arena.f32;
    f.set(head(a, n), pa >> 2);
    f.set(head(b, n), pb >> 2);
    ex.binaryF32(op, pa, pb, po, n);
    out.set(f.subarray(po >> 2, (po >> 2) + n));
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
    const f = arena.f32;
    f.set(head(a, n), pa >> 2);
    ex.binaryScalarF32(SCALAR[kind], pa, s, po, n);
    out.set(f.subarray(po >> 2, (po >> 2) + n));
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
    const f = arena.f32;
    f.set(head(a, n), pa >> 2);
    ex.unaryF32(op, pa, po, n);
    out.set(f.subarray(po >> 2, (po >> 2) + n));
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
    const f = arena.f32;
    f.set(head(x, n), px >> 2);
    f.set(y, py >> 2);
    ex.axpbyF32(alpha, px, beta, py, n);
    y.set(f.subarray(py >> 2, (py >> 2) + n));
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
    const f = arena.f32;
    f.set(head(gy, n), pg >> 2);
    f.set(head(y, n), py >> 2);
    ex.sigmoidGradF32(pg, py, po, n);
    out.set(f.subarray(po >> 2, (po >> 2) + n));
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
    const f = arena.f32;
    f.set(head(y, n), py >> 2);
    f.set(head(b, cols), pb >> 2);
    ex.addRowsF32(py, pb, rows, cols);
    y.set(f.subarray(py >> 2, (py >> 2) + n));
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
    const f = arena.f32;
    f.set(head(x, n), px >> 2);
    ex.sumAxisF32(px, outer, len, inner, po);
    out.set(f.subarray(po >> 2, (po >> 2) + outer * inner));
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
    const f = arena.f32;
    f.set(head(x, n), px >> 2);
    ex.softmaxRowsF32(px, rows, cols, po, ps);
    out.set(f.subarray(po >> 2, (po >> 2) + n));
    return ps;
  }

  function softmaxRows(x: TypedArray, rows: number, cols: number, out: TypedArray, sums: TypedArray): void {
    if (!wasmSoftmax(x, out, rows * cols)) {
      reduce.softmaxRows(x, rows, cols, out, sums);
      return;
    }
    const ps = softmaxRowsWasm(x as Float32Array, rows, cols, out as Float32Array);
    sums.set(arena.f32.subarray(ps >> 2, (ps >> 2) + rows));
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
