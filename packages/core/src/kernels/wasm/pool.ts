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

// The job control block: Int32 slots in shared memory, below the memory's initial size (so the
// view stays valid however the memory grows).
//  SEQ      job number; workers wait on it (-1 = exit)
//  CLAIM    (job number mod 2^23)·256 + next unclaimed chunk; a chunk is taken by compare-exchange
//           of this word, so a late worker can never take a chunk of a finished job
//  FINISHED chunks of the current job computed; the caller waits for it to reach CHUNKS
//  CHUNKS, ROWS  the job's chunk count and rows per chunk (a multiple of the micro-kernel's 4)
//  ARGS..   the sgemmRows arguments (a, b, c, m, n, k, transA, transB, scratch, scratch stride)
//  READY    workers started
//  BY_WORKERS  chunks computed by workers so far (for tests and benchmarks)
//  DONE..   one flag per chunk (job number once computed), for recovery from a dead worker
const SEQ = 0;
const CLAIM = 1;
const FINISHED = 2;
const CHUNKS = 3;
const ROWS = 4;
const ARGS = 5;
const READY = 15;
const BY_WORKERS = 16;
const DONE = 17;
const MAX_CHUNKS = 32;
const SLOTS = DONE + MAX_CHUNKS;
// Chunks: about this many per thread, so a thread that is late (descheduled, still waking) costs
// little: the others take its chunks. Each chunk packs its own B panel, so not many more.
const CHUNKS_PER_THREAD = 2;
// A job not finished after this long is presumed stuck on a dead worker: the caller computes
// the chunks not yet done (same values into the same rows, so a late worker is harmless) and
// stops using the pool.
const STALL_MS = 2000;
// How long an idle worker spins before it sleeps, and how long the caller spins before it sleeps
// while it waits: on a virtual machine a sleeping thread takes 0.1–0.3 ms to wake, as long as an
// MLP-sized gemm, and training issues gemms every few hundred microseconds.
const SPIN_MS = 2;
const CALLER_SPIN_MS = 0.5;

// Runs in each worker: instantiate the same module over the same shared memory, then serve jobs.
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { module, memory, ctl, spinMs, id } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('abort'); } } }).exports;
const s = new Int32Array(memory.buffer, ctl, ${SLOTS});
let seen = 0;
Atomics.add(s, ${READY}, 1);
for (;;) {
  let cur = Atomics.load(s, ${SEQ});
  if (cur === seen) {
    const until = performance.now() + spinMs;
    for (let i = 1; (cur = Atomics.load(s, ${SEQ})) === seen; i++) {
      if ((i & 1023) === 0 && performance.now() > until) Atomics.wait(s, ${SEQ}, seen);
    }
  }
  seen = cur;
  if (seen < 0) break;
  const tag = (seen & 0x7fffff) * 256;
  for (;;) {
    const v = Atomics.load(s, ${CLAIM});
    const j = v - tag;
    if (j < 0 || j >= 256 || j >= s[${CHUNKS}]) break;
    if (Atomics.compareExchange(s, ${CLAIM}, v, v + 1) !== v) continue;
    const m = s[${ARGS} + 3];
    const i0 = j * s[${ROWS}];
    const i1 = Math.min(m, i0 + s[${ROWS}]);
    ex.sgemmRows(s[${ARGS}], s[${ARGS} + 1], s[${ARGS} + 2], m, s[${ARGS} + 4], s[${ARGS} + 5], s[${ARGS} + 6], s[${ARGS} + 7],
      s[${ARGS} + 8] + s[${ARGS} + 9] * (id + 1), i0, i1);
    Atomics.store(s, ${DONE} + j, seen);
    Atomics.add(s, ${BY_WORKERS}, 1);
    if (Atomics.add(s, ${FINISHED}, 1) + 1 === s[${CHUNKS}]) Atomics.notify(s, ${FINISHED});
  }
}
`;

/**
 * A persistent pool of `worker_threads` sharing one WASM memory with the main thread. A gemm is
 * cut into chunks of rows of C (about two per thread); the caller and the workers take chunks
 * from a shared counter until none are left, so a thread that is late — descheduled on a busy
 * machine, or still waking — only costs the chunks it takes, never a fixed share. Workers start
 * with the first large gemm, in the background; until they report ready the caller does it all.
 *
 * @example
 * const pool = GemmPool.create(2); if (pool) pool.sgemm(pa, pb, pc, m, n, k, 0, 0, scratch, stride);
 */
export class GemmPool {
  private readonly workers: Worker[] = [];
  private readonly ctl: Int32Array;
  private dead = false;
  private seq = 0;

  private constructor(
    /** Exports of the shared-memory module instance on the main thread. */
    readonly exports: WasmExports,
    readonly threads: number,
    private readonly module: object,
    private readonly memory: SharedMemory,
    ctlBase: number,
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
      const workerData = { module: this.module, memory: this.memory, ctl: this.ctl.byteOffset, spinMs: SPIN_MS, id: w };
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
      worker.on('error', () => (this.dead = true));
      worker.unref();
      this.workers.push(worker);
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
      // The control block sits at the heap base, below the memory's initial size, so views of
      // the initial buffer stay valid however the memory grows; the arena starts past them.
      const ctlBase = ex.heapBase();
      const ctlBytes = SLOTS * 4;
      const heapBase = (ctlBase + ctlBytes + 63) & ~63;
      const shared: WasmExports = { ...ex, memory, heapBase: () => heapBase };
      return new GemmPool(shared, threads, module, memory, ctlBase);
    } catch {
      return null;
    }
  }

  /**
   * C = op(A)·op(B) for operands already in the shared memory (byte addresses as for `sgemm`);
   * `scratch` holds one gemmScratchBytes(m, n, k) region per thread (the caller's first),
   * `scratchStride` bytes apart.
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
    const ex = this.exports;
    if (this.workers.length === 0) this.start();
    if (this.dead || Atomics.load(this.ctl, READY) < this.threads - 1) {
      ex.sgemmRows(a, b, c, m, n, k, transA, transB, scratch, 0, m);
      return;
    }
    const { chunks, rows } = GemmPool.plan(m, this.threads);
    const s = this.ctl;
    const seq = (this.seq = (this.seq + 1) & 0x3fffffff);
    const tag = (seq & 0x7fffff) * 256;
    s[ARGS] = a;
    s[ARGS + 1] = b;
    s[ARGS + 2] = c;
    s[ARGS + 3] = m;
    s[ARGS + 4] = n;
    s[ARGS + 5] = k;
    s[ARGS + 6] = transA;
    s[ARGS + 7] = transB;
    s[ARGS + 8] = scratch;
    s[ARGS + 9] = scratchStride;
    s[CHUNKS] = chunks;
    s[ROWS] = rows;
    Atomics.store(s, FINISHED, 0);
    Atomics.store(s, CLAIM, tag);
    Atomics.store(s, SEQ, seq);
    Atomics.notify(s, SEQ);
    // Take chunks like a worker does (the caller's own scratch is the first region).
    for (;;) {
      const v = Atomics.load(s, CLAIM);
      const j = v - tag;
      if (j >= chunks) break;
      if (Atomics.compareExchange(s, CLAIM, v, v + 1) !== v) continue;
      ex.sgemmRows(a, b, c, m, n, k, transA, transB, scratch, j * rows, Math.min(m, (j + 1) * rows));
      s[DONE + j] = seq;
      Atomics.add(s, FINISHED, 1);
    }
    // Wait for the chunks workers took: spin, then sleep in 1 ms slices.
    const t0 = performance.now();
    for (let i = 1; ; i++) {
      const f = Atomics.load(s, FINISHED);
      if (f === chunks) return;
      if ((i & 255) !== 0) continue;
      const waited = performance.now() - t0;
      if (waited < CALLER_SPIN_MS) continue;
      Atomics.wait(s, FINISHED, f, 1);
      if (waited > STALL_MS) break;
    }
    this.dead = true;
    for (let j = 0; j < chunks; j++) {
      if (Atomics.load(s, DONE + j) !== seq) {
        ex.sgemmRows(a, b, c, m, n, k, transA, transB, scratch, j * rows, Math.min(m, (j + 1) * rows));
      }
    }
  }

  /** How a gemm of m rows is cut: `chunks` chunks of `rows` rows (a multiple of 4). */
  static plan(m: number, threads: number): { chunks: number; rows: number } {
    const want = Math.min(MAX_CHUNKS, threads * CHUNKS_PER_THREAD);
    const rows = Math.max(4, Math.ceil(m / want / 4) * 4);
    return { chunks: Math.ceil(m / rows), rows };
  }

  /** How many chunks the workers (not the caller) have computed so far. */
  workerChunks(): number {
    return Atomics.load(this.ctl, BY_WORKERS);
  }

  /** True once every worker has started (starting them if needed). */
  ready(): boolean {
    this.start();
    return !this.dead && Atomics.load(this.ctl, READY) >= this.threads - 1;
  }

  /** Stops the workers (the pool is unusable afterwards). */
  close(): Promise<number[]> {
    this.dead = true;
    Atomics.store(this.ctl, SEQ, -1);
    Atomics.notify(this.ctl, SEQ);
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}
