import { platform } from '../../platform';
import type { PlatformWorker } from '../../platform/types';
import { align64 } from './arena';
import {
  compileModule,
  kernelModule,
  type SgemmArgs,
  useFma,
  wasmApi,
  type WasmExports,
  type WasmMemory,
} from './module';
import { CLOSED, MAX_WORKERS, SLOT, SLOTS, WORKER_BODY, chunkRows, planChunks } from './pool-job';

/** The shared memory's maximum, in 64 KiB pages (2 GiB; as `--maximumMemory` in build:wasm). */
export const SHARED_MAX_PAGES = 32768;
// When the caller has run out of chunks it waits for the workers' chunks at most this many times
// a chunk's expected duration; then it computes them itself (into a spare buffer: the late worker
// is still accumulating into its rows) and leaves the late worker's memory alone until it is done.
const PATIENCE = 2;
// A worker still busy with an abandoned chunk after this long is presumed dead: the pool stops
// using workers.
const STALL_MS = 2000;
// How long an idle worker spins before it sleeps: on a virtual machine a sleeping thread takes
// 0.1–0.3 ms to wake, as long as an MLP-sized gemm, and training issues gemms ~0.3–0.5 ms apart.
// Spinning longer keeps the second core busy, which slows the main thread's own work (MNIST MLP
// step: 1.19 ms with 2 ms of spinning, 1.14 with 0.5 ms, 1.27–1.35 on one thread); a worker that
// has gone to sleep only takes fewer chunks.
const SPIN_MS = 0.5;

/** Options of {@link GemmPool.create}. */
export interface PoolOptions {
  /** The shared-memory module (default `kernels-mt`, or its -fma build; see useFma). */
  module?: string;
  /**
   * How many chunk-durations the caller waits for a worker's chunk before computing it itself
   * (default 2; 0 makes every late chunk a recomputation — tests use it to exercise that path).
   */
  patience?: number;
  /** Test hook: workers idle this long after claiming a chunk, so they are always late. */
  workerDelayMs?: number;
}

let mayWait = true;

// Waits up to 0.2 ms for a worker to finish a chunk; a browser's main thread may not block
// (Atomics.wait throws there), so it keeps polling instead.
function pause(s: Int32Array, finished: number): void {
  if (!mayWait) return;
  try {
    Atomics.wait(s, SLOT.FINISHED, finished, 0.2);
  } catch {
    mayWait = false;
  }
}

/** Row ranges [i0, i1, …] the caller computed into the spare buffer instead of C (see sgemm). */
const NONE: readonly number[] = Object.freeze([]);

/**
 * A persistent pool of workers (`worker_threads`, or Web Workers in a browser) sharing one WASM memory with the main thread. A gemm is
 * cut into chunks of rows of C (about two per thread); the caller and the workers take chunks
 * from a shared counter until none are left, so a thread that is late — descheduled on a busy
 * machine, or still waking — only costs the chunks it takes, never a fixed share. Workers start
 * with the first large gemm, in the background; until they report ready the caller does it all.
 *
 * @example
 * const pool = GemmPool.create(2); if (pool) pool.sgemm([pa, pb, pc, m, n, k, 0, 0, ps], stride, spare);
 */
export class GemmPool {
  private readonly workers: PlatformWorker[] = [];
  private readonly ctl: Int32Array;
  private dead = false;
  private seq = 0;
  /** An abandoned job a worker may still be writing into: its number, memory end, and when. */
  private abandoned = 0;
  private recomputed = 0;
  private abandonedEnd = 0;
  private abandonedAt = 0;

  private constructor(
    /** Exports of the shared-memory module instance on the main thread. */
    readonly exports: WasmExports,
    readonly threads: number,
    private readonly module: object,
    private readonly memory: WasmMemory,
    ctlBase: number,
    private readonly patience: number,
    private readonly workerDelayMs: number,
  ) {
    this.ctl = new Int32Array(memory.buffer, ctlBase, SLOTS);
  }

  /**
   * Spawns the workers (once); the first large gemm calls it, so a process that never runs one
   * never starts a thread.
   */
  start(): void {
    if (this.workers.length > 0) return;
    for (let w = 0; w < this.threads - 1; w++) {
      const workerData = {
        module: this.module,
        memory: this.memory,
        ctl: this.ctl.byteOffset,
        id: w,
        delayMs: this.workerDelayMs,
      };
      this.workers.push(platform.startWorker(WORKER_BODY, workerData, () => (this.dead = true)));
    }
  }

  /**
   * Instantiates `kernels-mt.wasm` over a fresh shared memory for `threads - 1` workers (spawned
   * by the first large gemm, see `start`); null when the module is missing or shared memory is
   * unavailable.
   *
   * @example
   * GemmPool.create(2)?.threads; // 2
   */
  static create(threads: number, options: PoolOptions = {}): GemmPool | null {
    const { module: name = kernelModule('kernels-mt', useFma()), patience = PATIENCE, workerDelayMs = 0 } = options;
    const wasm = wasmApi();
    if (wasm === undefined || threads < 2) return null;
    const { module } = compileModule(name);
    if (module === null) return null;
    try {
      threads = Math.min(threads, MAX_WORKERS + 1);
      const memory = new wasm.Memory({ initial: 32, maximum: SHARED_MAX_PAGES, shared: true });
      const inst = new wasm.Instance(module, { env: { memory, abort: () => undefined } });
      const ex = inst.exports as WasmExports;
      // The control block sits at the heap base, below the memory's initial size, so views of
      // the initial buffer stay valid however the memory grows; the arena starts past them.
      const ctlBase = ex.heapBase();
      const heapBase = align64(ctlBase + SLOTS * 4);
      const shared: WasmExports = { ...ex, memory, heapBase: () => heapBase };
      return new GemmPool(shared, threads, module, memory, ctlBase, patience, workerDelayMs);
    } catch {
      return null;
    }
  }

  /**
   * C = op(A)·op(B) for operands already in the shared memory (`job` as for the module's
   * `sgemm`); its scratch holds one gemmScratchBytes(m, n, k) region per thread (the caller's
   * first), `scratchStride` bytes apart, and `spare` m·n floats. Returns row ranges
   * `[i0, i1, …]` that were computed into `spare` instead of C (a late worker still owns those
   * rows of C); the caller takes them from there. Memory below scratch + threads·scratchStride
   * must then stay untouched until {@link GemmPool.reservedEnd} says it is free. `spin`: whether
   * the workers should spin for the next job (SPIN_MS) before they sleep — yes while products
   * are being split; no after one that only explored splitting, so idle workers do not take CPU
   * from the caller (or from another process) while the products run on one thread.
   */
  sgemm(job: SgemmArgs, scratchStride: number, spare: number, spin = true): readonly number[] {
    const ex = this.exports;
    const [a, b, , m, n, k, transA, transB, scratch] = job;
    if (this.workers.length === 0) this.start();
    if (this.dead || Atomics.load(this.ctl, SLOT.READY) < this.threads - 1) {
      ex.sgemmRows(...job, 0, m);
      return NONE;
    }
    const { chunks, slivers } = planChunks(m, this.threads);
    const s = this.ctl;
    const seq = (this.seq = (this.seq % 0x3fffffff) + 1);
    const tag = (seq & 0x7fffff) * 256;
    s.set(job, SLOT.ARGS);
    s[SLOT.ARGS + 9] = scratchStride;
    s[SLOT.CHUNKS] = chunks;
    s[SLOT.SLIVERS] = slivers;
    Atomics.store(s, SLOT.SPIN, spin ? Math.round(SPIN_MS * 1000) : 0);
    Atomics.store(s, SLOT.CLAIM, tag);
    Atomics.store(s, SLOT.SEQ, seq);
    Atomics.notify(s, SLOT.SEQ);
    // Take chunks like a worker does (the caller's scratch is the first region).
    const t0 = performance.now();
    let own = 0;
    for (;;) {
      const v = Atomics.load(s, SLOT.CLAIM);
      const j = v - tag;
      if (j >= chunks) break;
      if (Atomics.compareExchange(s, SLOT.CLAIM, v, v + 1) !== v) continue;
      ex.sgemmRows(...job, ...chunkRows(j, chunks, slivers, m));
      s[SLOT.DONE + j] = seq;
      own++;
    }
    // Wait for the workers' chunks, at most PATIENCE times a chunk's expected duration (the
    // caller's own, or at a conservative 10 GFLOP/s when the workers took every chunk).
    const chunkMs = own > 0 ? (performance.now() - t0) / own : (((4 * slivers) / chunks) * n * k) / 5e6;
    const deadline = performance.now() + this.patience * chunkMs + (this.patience > 0 ? 0.05 : 0);
    let left = chunks;
    for (let i = 1; ; i++) {
      const f = Atomics.load(s, SLOT.FINISHED);
      left = 0;
      for (let j = 0; j < chunks; j++) if (Atomics.load(s, SLOT.DONE + j) !== seq) left++;
      if (left === 0 || (((i & 63) === 0 || this.patience === 0) && performance.now() >= deadline)) break;
      if (chunkMs > 1 && (i & 63) === 0) pause(s, f);
    }
    // Close the job before the next one rewrites CHUNKS and ARGS: a worker reading CLAIM from now
    // on sees chunk index CLOSED, past any job's last chunk.
    Atomics.store(s, SLOT.CLAIM, tag + CLOSED);
    if (left === 0) return NONE;
    // Abandon: compute the missing chunks into `spare`, and fence the job's memory off.
    const patched: number[] = [];
    for (let j = 0; j < chunks; j++) {
      if (Atomics.load(s, SLOT.DONE + j) === seq) continue;
      const [i0, i1] = chunkRows(j, chunks, slivers, m);
      ex.sgemmRows(a, b, spare, m, n, k, transA, transB, scratch, i0, i1);
      patched.push(i0, i1);
      this.recomputed++;
    }
    this.abandoned = seq;
    this.abandonedEnd = Math.max(this.abandonedEnd, scratch + this.threads * scratchStride);
    this.abandonedAt = performance.now();
    return patched;
  }

  /**
   * The end of memory a late worker may still be using (0 when none): allocators must start
   * above it. Frees it once no worker is busy with the abandoned job; a worker stuck for
   * STALL_MS is presumed dead and the pool stops using workers.
   */
  reservedEnd(): number {
    if (this.abandoned === 0) return 0;
    let busy = false;
    for (let w = 0; w < this.threads - 1; w++)
      if (Atomics.load(this.ctl, SLOT.BUSY + w) === this.abandoned) busy = true;
    if (!busy) {
      this.abandoned = 0;
      this.abandonedEnd = 0;
      return 0;
    }
    if (performance.now() - this.abandonedAt > STALL_MS) this.dead = true;
    return this.abandonedEnd;
  }

  /** False once the pool is closed or a worker is presumed dead. */
  usable(): boolean {
    return !this.dead;
  }

  /** How many chunks the workers (not the caller) have computed so far. */
  workerChunks(): number {
    return Atomics.load(this.ctl, SLOT.BY_WORKERS);
  }

  /** How many chunks the caller recomputed because a worker was late. */
  recomputedChunks(): number {
    return this.recomputed;
  }

  /** True once every worker has started (starting them if needed). */
  ready(): boolean {
    this.start();
    return !this.dead && Atomics.load(this.ctl, SLOT.READY) >= this.threads - 1;
  }

  /** Stops the workers (the pool is unusable afterwards). */
  close(): Promise<number[]> {
    this.dead = true;
    Atomics.store(this.ctl, SLOT.SEQ, -1);
    Atomics.notify(this.ctl, SLOT.SEQ);
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}
