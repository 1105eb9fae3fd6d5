import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { WasmExports } from './module';

// The slice of the WebAssembly JS API used here (not declared by the ES2022 lib).
interface SharedMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (desc: { initial: number; maximum: number; shared: boolean }) => SharedMemory;
}

// Per-worker control block of Int32 slots in shared memory: [0] job sequence number (the
// worker waits on it; -1 = exit), [1] sequence number of the last finished job, [2..12] the
// sgemmRows arguments, [13] 1 once the worker is up (a message would need the event loop).
const SLOTS = 16;
const SEQ = 0;
const DONE = 1;
const ARGS = 2;
const READY = 13;
// A worker silent this long is presumed dead; its slice is then computed on the main thread.
const STALL_MS = 2000;

// Runs in each worker: instantiate the same module over the same shared memory, then serve jobs.
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { module, memory, ctl } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('abort'); } } }).exports;
const s = new Int32Array(memory.buffer, ctl, ${SLOTS});
let seen = 0;
Atomics.store(s, ${READY}, 1);
for (;;) {
  Atomics.wait(s, ${SEQ}, seen);
  seen = Atomics.load(s, ${SEQ});
  if (seen < 0) break;
  ex.sgemmRows(s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12]);
  Atomics.store(s, ${DONE}, seen);
  Atomics.notify(s, ${DONE});
}
`;

/**
 * A persistent pool of `worker_threads` sharing one WASM memory with the main thread. The main
 * thread splits a gemm by rows of C: workers take the first slices and the caller runs the last
 * one itself, then waits on Atomics for the workers. Workers start in the background; until a
 * worker has reported ready, its share runs on the main thread, so no call ever blocks on startup.
 *
 * @example
 * const pool = GemmPool.create(2); if (pool) pool.sgemm(pa, pb, pc, m, n, k, 0, 0, scratch);
 */
export class GemmPool {
  private readonly workers: Worker[] = [];
  private readonly dead: boolean[] = [];
  private readonly ctl: Int32Array[] = [];
  private seq = 0;

  private constructor(
    /** Exports of the shared-memory module instance on the main thread. */
    readonly exports: WasmExports,
    readonly threads: number,
    module: object,
    memory: SharedMemory,
    ctlBase: number,
  ) {
    for (let w = 0; w < threads - 1; w++) {
      const ctl = ctlBase + w * SLOTS * 4;
      this.ctl.push(new Int32Array(memory.buffer, ctl, SLOTS));
      this.dead.push(false);
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctl } });
      worker.on('error', () => (this.dead[w] = true));
      worker.unref();
      this.workers.push(worker);
    }
  }

  /**
   * Instantiates `kernels-mt.wasm` over a fresh shared memory and starts `threads - 1` workers;
   * null when the module is missing or shared memory is unavailable.
   *
   * @example
   * GemmPool.create(2)?.threads; // 2
   */
  static create(
    threads: number,
    file = path.resolve(__dirname, '../../../dist/wasm/kernels-mt.wasm'),
  ): GemmPool | null {
    try {
      const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
      if (wasm === undefined || !fs.existsSync(file) || threads < 2) return null;
      const module = new wasm.Module(fs.readFileSync(file));
      const memory = new wasm.Memory({ initial: 32, maximum: 32768, shared: true });
      const inst = new wasm.Instance(module, { env: { memory, abort: () => undefined } });
      const ex = inst.exports as WasmExports;
      // The control blocks sit at the heap base, below the memory's initial size, so views of
      // the initial buffer stay valid however the memory grows; the arena starts past them.
      const ctlBase = ex.heapBase();
      const ctlBytes = (threads - 1) * SLOTS * 4;
      const heapBase = (ctlBase + ctlBytes + 63) & ~63;
      const shared: WasmExports = { ...ex, memory, heapBase: () => heapBase };
      return new GemmPool(shared, threads, module, memory, ctlBase);
    } catch {
      return null;
    }
  }

  /**
   * C = op(A)·op(B) for operands already in the shared memory (byte addresses as for `sgemm`);
   * `scratch` holds one gemmScratchBytes(m, n, k) region per thread, `scratchStride` bytes apart.
   */
  sgemm(
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    scratch: number,
    scratchStride: number,
  ): void {
    const t = this.threads;
    // Row slices in multiples of 4 (the micro-kernel height) so no slice ends mid-tile.
    const per = Math.ceil(m / t / 4) * 4;
    const seq = ++this.seq;
    const busy: number[] = [];
    const slices: number[] = [];
    for (let w = 0; w < t - 1; w++) {
      const i0 = w * per;
      const i1 = Math.min(m, i0 + per);
      if (i0 >= i1) break;
      const s = scratch + (w + 1) * scratchStride;
      const ctl = this.ctl[w];
      if (this.dead[w] || Atomics.load(ctl, READY) !== 1) {
        this.exports.sgemmRows(a, b, c, m, n, k, transA, transB, s, i0, i1);
        continue;
      }
      ctl[ARGS] = a;
      ctl[ARGS + 1] = b;
      ctl[ARGS + 2] = c;
      ctl[ARGS + 3] = m;
      ctl[ARGS + 4] = n;
      ctl[ARGS + 5] = k;
      ctl[ARGS + 6] = transA;
      ctl[ARGS + 7] = transB;
      ctl[ARGS + 8] = s;
      ctl[ARGS + 9] = i0;
      ctl[ARGS + 10] = i1;
      Atomics.store(ctl, SEQ, seq);
      Atomics.notify(ctl, SEQ);
      busy.push(w);
      slices.push(i0, i1);
    }
    const own = (t - 1) * per;
    if (own < m) this.exports.sgemmRows(a, b, c, m, n, k, transA, transB, scratch, own, m);
    busy.forEach((w, j) => {
      const ctl = this.ctl[w];
      let spins = 0;
      while (Atomics.load(ctl, DONE) !== seq) {
        if (++spins < 2000) continue;
        // Sleep in 1 ms slices; a worker that never answers has its slice recomputed here
        // (same values into the same rows, so a late worker is harmless) and is retired.
        Atomics.wait(ctl, DONE, Atomics.load(ctl, DONE), 1);
        if (spins > 2000 + STALL_MS) {
          this.dead[w] = true;
          this.exports.sgemmRows(a, b, c, m, n, k, transA, transB, scratch, slices[2 * j], slices[2 * j + 1]);
          break;
        }
      }
    });
  }

  /** True once every worker has started (until then their shares run on the main thread). */
  ready(): boolean {
    return this.ctl.every((ctl, w) => !this.dead[w] && Atomics.load(ctl, READY) === 1);
  }

  /** Stops the workers (the pool is unusable afterwards). */
  close(): Promise<number[]> {
    for (const ctl of this.ctl) {
      Atomics.store(ctl, SEQ, -1);
      Atomics.notify(ctl, SEQ);
    }
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}
