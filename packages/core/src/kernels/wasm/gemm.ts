import { type Accelerated, type Float32GemmArgs, float32Gemm } from '../dispatch';
import { Threads } from '../threads';
import { thresholds } from '../thresholds';
import { align64, Arena, WasmCall } from './arena';
import type { SgemmArgs, WasmExports } from './module';
import { GemmPool, SHARED_MAX_PAGES } from './pool';

/** A pool made on first need (the first product large enough to split): its size, and how. */
export interface LazyPool {
  readonly threads: number;
  make(): GemmPool | null;
}

/**
 * The WASM float32 gemm: on the calling thread in the module's own memory, or — with a `pool`,
 * above thresholds.wasm.threaded, when splitting has been faster lately (Threads) — split across
 * the pool on its shared memory. Operands that do not fit the shared memory run on one thread;
 * ones that do not fit the module's memory either are declined (the JS kernel runs).
 *
 * @example
 * layer('wasm', jsBackend, { gemm: wasmGemm(ex, call, null) });
 */
export function wasmGemm(
  ex: WasmExports,
  call: WasmCall,
  lazyPool: GemmPool | LazyPool | null,
  adaptive = true,
): Accelerated<'gemm'> {
  const threads = new Threads(adaptive);
  let pool: GemmPool | null = null;
  let shared: WasmCall | null = null;
  let made = false;
  // The pool (and its shared-memory module) is made by the first product large enough to split.
  const ready = (): boolean => {
    if (!made) {
      made = true;
      pool = lazyPool instanceof GemmPool ? lazyPool : (lazyPool?.make() ?? null);
      const mem = pool?.exports;
      shared = mem ? new WasmCall(new Arena(mem.memory, mem.heapBase(), SHARED_MAX_PAGES * 65536)) : null;
    }
    return pool !== null && pool.ready();
  };

  function single(g: Float32GemmArgs): boolean {
    const { m, n, k } = g;
    const c = call.begin();
    const pa = c.input(g.a, m * k, g.aOff);
    const pb = c.input(g.b, k * n, g.bOff);
    const pc = c.output(g.c, m * n, g.cOff);
    const ps = c.scratch(ex.gemmScratchBytes(m, n, k));
    if (!c.start()) return false;
    ex.sgemm(pa, pb, pc, m, n, k, +g.transA, +g.transB, ps);
    return c.finish();
  }

  // Split across the pool in its shared memory, with an arena that keeps out of memory a late
  // worker may still write (GemmPool.reservedEnd); rows a late worker still owns were computed
  // into `spare` and are taken from there.
  function split(g: Float32GemmArgs, warm: boolean): boolean {
    const { m, n, k } = g;
    const c = shared!.begin(pool!.reservedEnd());
    const pa = c.input(g.a, m * k, g.aOff);
    const pb = c.input(g.b, k * n, g.bOff);
    const pc = c.output(g.c, m * n, g.cOff);
    const stride = align64(pool!.exports.gemmScratchBytes(m, n, k));
    const ps = c.scratch(stride * pool!.threads);
    const spare = c.scratch(4 * m * n);
    const job: SgemmArgs = [pa, pb, pc, m, n, k, +g.transA, +g.transB, ps];
    if (!c.start()) return false;
    const patched = pool!.sgemm(job, stride, spare, warm);
    c.finish();
    for (let r = 0; r < patched.length; r += 2) {
      const from = patched[r] * n;
      c.arena.take(spare + 4 * from, patched[r + 1] * n - from, g.c, g.cOff + from);
    }
    return true;
  }

  const gemm = (g: Float32GemmArgs, splitIt: boolean, warm: boolean): boolean =>
    (splitIt && split(g, warm)) || single(g);

  return {
    gate: (g) => float32Gemm(g, thresholds.wasm.gemm),
    // Until the workers have started (the first large gemm starts them) products run here and
    // are not timed: the pool would run them alone, and those times would count against it. A
    // product too large for the shared memory runs on one thread (timed as a split: every call
    // of its size does the same, so the choice between the two modes stays moot).
    run: (g) => {
      const macs = g.m * g.n * g.k;
      const canSplit = lazyPool !== null && g.m >= 8 && macs >= thresholds.wasm.threaded && ready();
      return threads.run(macs, thresholds.wasm.threaded, canSplit, gemm, g as Float32GemmArgs);
    },
  };
}
