import * as fs from 'fs';
import { Worker } from 'worker_threads';
import { type WasmExports, useFma, wasmPath } from './module';

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
//  FINISHED chunks computed by workers, ever (only a wake-up signal for the caller)
//  CHUNKS, SLIVERS  the job's chunk count and its 4-row slivers (the micro-kernel's height);
//           chunk j is slivers [⌊j·S/C⌋, ⌊(j+1)·S/C⌋), so chunks differ by at most one sliver
//  ARGS..   the sgemmRows arguments (a, b, c, m, n, k, transA, transB, scratch, scratch stride)
//  READY    workers started
//  BY_WORKERS  chunks computed by workers so far (for tests and benchmarks)
//  SPIN     µs an idle worker spins after this job before it sleeps (see sgemm's `spin`)
//  DONE..   per chunk: the job number once computed
//  BUSY..   per worker: the job number while it computes a chunk of it, else 0
const SEQ = 0;
const CLAIM = 1;
const FINISHED = 2;
const CHUNKS = 3;
const SLIVERS = 4;
const ARGS = 5;
const READY = 15;
const BY_WORKERS = 16;
const SPIN = 17;
const DONE = 18;
const MAX_CHUNKS = 32;
/** The chunk index a finished job's CLAIM word shows (≥ MAX_CHUNKS). */
const CLOSED = 255;
const BUSY = DONE + MAX_CHUNKS;
const MAX_WORKERS = 63;
const SLOTS = BUSY + MAX_WORKERS;
// Chunks: about this many per thread, so a thread that is late (descheduled, still waking) costs
// little: the others take its chunks. Each chunk packs its own B panel, so not many more.
const CHUNKS_PER_THREAD = 2;
// ...but no second chunk per thread below this many rows: each chunk packs all of B again, which
// costs about 10 rows' worth of its own work (MNIST-MLP X·W1, 100 rows: two chunks of 48 and 52
// take 20 µs less than four of 24–28; Xᵀ·dH, 784 rows, still gains from four).
const MIN_CHUNK_ROWS = 48;
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

// Runs in each worker: instantiate the same module over the same shared memory, then serve jobs.
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { module, memory, ctl, id, delayMs } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('abort'); } } }).exports;
const s = new Int32Array(memory.buffer, ctl, ${SLOTS});
let seen = 0;
Atomics.add(s, ${READY}, 1);
for (;;) {
  let cur = Atomics.load(s, ${SEQ});
  if (cur === seen) {
    const until = performance.now() + Atomics.load(s, ${SPIN}) / 1000;
    for (let i = 1; (cur = Atomics.load(s, ${SEQ})) === seen; i++) {
      if ((i & 1023) === 0 && performance.now() > until) Atomics.wait(s, ${SEQ}, seen);
    }
  }
  seen = cur;
  if (seen < 0) break;
  const tag = (seen & 0x7fffff) * 256;
  for (;;) {
    // Busy before claiming, so the caller never sees a claimed chunk with nobody busy on it.
    Atomics.store(s, ${BUSY} + id, seen);
    const v = Atomics.load(s, ${CLAIM});
    const j = v - tag;
    if (j < 0 || j >= ${MAX_CHUNKS} || j >= s[${CHUNKS}]) break;
    // Read the job before claiming: once claimed, the caller may give up on this chunk and
    // start the next job, rewriting these slots.
    const a = s[${ARGS}], b = s[${ARGS} + 1], c = s[${ARGS} + 2], m = s[${ARGS} + 3], n = s[${ARGS} + 4];
    const k = s[${ARGS} + 5], ta = s[${ARGS} + 6], tb = s[${ARGS} + 7];
    const scratch = s[${ARGS} + 8] + s[${ARGS} + 9] * (id + 1), sl = s[${SLIVERS}], chunks = s[${CHUNKS}];
    if (Atomics.compareExchange(s, ${CLAIM}, v, v + 1) !== v) continue;
    if (delayMs > 0) for (const t = performance.now() + delayMs; performance.now() < t; );
    const i0 = Math.min(m, 4 * Math.floor((j * sl) / chunks)), i1 = Math.min(m, 4 * Math.floor(((j + 1) * sl) / chunks));
    ex.sgemmRows(a, b, c, m, n, k, ta, tb, scratch, i0, i1);
    Atomics.store(s, ${DONE} + j, seen);
    Atomics.add(s, ${BY_WORKERS}, 1);
    Atomics.add(s, ${FINISHED}, 1);
    Atomics.notify(s, ${FINISHED});
  }
  Atomics.store(s, ${BUSY} + id, 0);
}
`;

/** Options of {@link GemmPool.create}. */
export interface PoolOptions {
  /** The shared-memory module (default dist/wasm/kernels-mt.wasm, or its -fma build; see useFma). */
  file?: string;
  /**
   * How many chunk-durations the caller waits for a worker's chunk before computing it itself
   * (default 2; 0 makes every late chunk a recomputation — tests use it to exercise that path).
   */
  patience?: number;
  /** Test hook: workers idle this long after claiming a chunk, so they are always late. */
  workerDelayMs?: number;
}

/** Row ranges [i0, i1, …] the caller computed into the spare buffer instead of C (see sgemm). */
const NONE: readonly number[] = Object.freeze([]);

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
    private readonly memory: SharedMemory,
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
  static create(threads: number, options: PoolOptions = {}): GemmPool | null {
    const { file = wasmPath('kernels-mt', useFma()), patience = PATIENCE, workerDelayMs = 0 } = options;
    try {
      const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
      if (wasm === undefined || !fs.existsSync(file) || threads < 2) return null;
      threads = Math.min(threads, MAX_WORKERS + 1);
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
      return new GemmPool(shared, threads, module, memory, ctlBase, patience, workerDelayMs);
    } catch {
      return null;
    }
  }

  /**
   * C = op(A)·op(B) for operands already in the shared memory (byte addresses as for `sgemm`);
   * `scratch` holds one gemmScratchBytes(m, n, k) region per thread (the caller's first),
   * `scratchStride` bytes apart, and `spare` m·n floats. Returns row ranges `[i0, i1, …]` that
   * were computed into `spare` instead of `c` (a late worker still owns those rows of `c`); the
   * caller takes them from there. Memory below `scratch + threads·scratchStride` must then stay
   * untouched until {@link GemmPool.reservedEnd} says it is free. `spin`: whether the workers
   * should spin for the next job (SPIN_MS) before they sleep — yes while products are being
   * split; no after one that only explored splitting, so idle workers do not take CPU from the
   * caller (or from another process) while the products run on one thread.
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
    spare: number,
    spin = true,
  ): readonly number[] {
    const ex = this.exports;
    if (this.workers.length === 0) this.start();
    if (this.dead || Atomics.load(this.ctl, READY) < this.threads - 1) {
      ex.sgemmRows(a, b, c, m, n, k, transA, transB, scratch, 0, m);
      return NONE;
    }
    const { chunks, slivers } = GemmPool.plan(m, this.threads);
    const s = this.ctl;
    const seq = (this.seq = (this.seq % 0x3fffffff) + 1);
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
    s[SLIVERS] = slivers;
    Atomics.store(s, SPIN, spin ? Math.round(SPIN_MS * 1000) : 0);
    Atomics.store(s, CLAIM, tag);
    Atomics.store(s, SEQ, seq);
    Atomics.notify(s, SEQ);
    // Take chunks like a worker does (the caller's scratch is the first region).
    const t0 = performance.now();
    let own = 0;
    for (;;) {
      const v = Atomics.load(s, CLAIM);
      const j = v - tag;
      if (j >= chunks) break;
      if (Atomics.compareExchange(s, CLAIM, v, v + 1) !== v) continue;
      const [i0, i1] = GemmPool.chunkRows(j, chunks, slivers, m);
      ex.sgemmRows(a, b, c, m, n, k, transA, transB, scratch, i0, i1);
      s[DONE + j] = seq;
      own++;
    }
    // Wait for the workers' chunks, at most PATIENCE times a chunk's expected duration (the
    // caller's own, or at a conservative 10 GFLOP/s when the workers took every chunk).
    const chunkMs = own > 0 ? (performance.now() - t0) / own : (((4 * slivers) / chunks) * n * k) / 5e6;
    const deadline = performance.now() + this.patience * chunkMs + (this.patience > 0 ? 0.05 : 0);
    let left = chunks;
    for (let i = 1; ; i++) {
      const f = Atomics.load(s, FINISHED);
      left = 0;
      for (let j = 0; j < chunks; j++) if (Atomics.load(s, DONE + j) !== seq) left++;
      if (left === 0 || (((i & 63) === 0 || this.patience === 0) && performance.now() >= deadline)) break;
      if (chunkMs > 1 && (i & 63) === 0) Atomics.wait(s, FINISHED, f, 0.2);
    }
    // Close the job before the next one rewrites CHUNKS and ARGS: a worker reading CLAIM from
    // now on sees chunk index CLOSED, past any job's last chunk.
    Atomics.store(s, CLAIM, tag + CLOSED);
    if (left === 0) return NONE;
    // Abandon: compute the missing chunks into `spare`, and fence the job's memory off.
    const patched: number[] = [];
    for (let j = 0; j < chunks; j++) {
      if (Atomics.load(s, DONE + j) === seq) continue;
      const [i0, i1] = GemmPool.chunkRows(j, chunks, slivers, m);
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
    for (let w = 0; w < this.threads - 1; w++) if (Atomics.load(this.ctl, BUSY + w) === this.abandoned) busy = true;
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

  /**
   * How a gemm of m rows is cut: its ⌈m/4⌉ slivers of 4 rows (the micro-kernel's height) into
   * `chunks` chunks as equal as whole slivers allow (784 rows in 4: 196 each; 100 rows in 2: 48
   * and 52). One chunk per thread at least, two when each still gets MIN_CHUNK_ROWS rows.
   */
  static plan(m: number, threads: number): { chunks: number; slivers: number } {
    const slivers = Math.ceil(m / 4);
    const want = Math.max(threads, Math.min(threads * CHUNKS_PER_THREAD, Math.floor(m / MIN_CHUNK_ROWS)));
    return { chunks: Math.max(1, Math.min(MAX_CHUNKS, want, slivers)), slivers };
  }

  /** Rows [i0, i1) of chunk j (the workers compute the same in WORKER_SOURCE). */
  static chunkRows(j: number, chunks: number, slivers: number, m: number): [number, number] {
    return [
      Math.min(m, 4 * Math.floor((j * slivers) / chunks)),
      Math.min(m, 4 * Math.floor(((j + 1) * slivers) / chunks)),
    ];
  }

  /** How many chunks the workers (not the caller) have computed so far. */
  workerChunks(): number {
    return Atomics.load(this.ctl, BY_WORKERS);
  }

  /** How many chunks the caller recomputed because a worker was late. */
  recomputedChunks(): number {
    return this.recomputed;
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
