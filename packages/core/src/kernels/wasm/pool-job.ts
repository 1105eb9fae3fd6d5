/**
 * A GemmPool job (pool.ts), as both sides see it: the layout of the control block, how a gemm is
 * cut into chunks, and the script each worker runs.
 *
 * The control block is a run of Int32 slots in shared memory, below the memory's initial size
 * (so a view of it stays valid however the memory grows):
 *  SEQ      job number; workers wait on it (−1 = exit)
 *  CLAIM    (job number mod 2²³)·256 + next unclaimed chunk; a chunk is taken by compare-exchange
 *           of this word, so a late worker can never take a chunk of a finished job
 *  FINISHED chunks computed by workers, ever (only a wake-up signal for the caller)
 *  CHUNKS, SLIVERS  the job's chunk count and its 4-row slivers (the micro-kernel's height);
 *           chunk j is slivers [⌊j·S/C⌋, ⌊(j+1)·S/C⌋), so chunks differ by at most one sliver
 *  ARGS..   the sgemmRows arguments (a, b, c, m, n, k, transA, transB, scratch, scratch stride)
 *  READY    workers started
 *  BY_WORKERS  chunks computed by workers so far (for tests and benchmarks)
 *  SPIN     µs an idle worker spins after this job before it sleeps (see GemmPool.sgemm)
 *  DONE..   per chunk: the job number once computed
 *  BUSY..   per worker: the job number while it computes a chunk of it, else 0
 */
export const MAX_CHUNKS = 32;
export const MAX_WORKERS = 63;
export const SLOT = {
  SEQ: 0,
  CLAIM: 1,
  FINISHED: 2,
  CHUNKS: 3,
  SLIVERS: 4,
  ARGS: 5,
  READY: 15,
  BY_WORKERS: 16,
  SPIN: 17,
  DONE: 18,
  BUSY: 18 + MAX_CHUNKS,
} as const;
/** Int32 slots in the control block. */
export const SLOTS = SLOT.BUSY + MAX_WORKERS;
/** The chunk index a finished job's CLAIM word shows (≥ MAX_CHUNKS). */
export const CLOSED = 255;

// Chunks: about this many per thread, so a thread that is late (descheduled, still waking) costs
// little: the others take its chunks. Each chunk packs its own B panel, so not many more.
const CHUNKS_PER_THREAD = 2;
// ...but no second chunk per thread below this many rows: each chunk packs all of B again, which
// costs about 10 rows' worth of its own work (MNIST-MLP X·W1, 100 rows: two chunks of 48 and 52
// take 20 µs less than four of 24–28; Xᵀ·dH, 784 rows, still gains from four).
const MIN_CHUNK_ROWS = 48;

/**
 * How a gemm of m rows is cut: its ⌈m/4⌉ slivers of 4 rows (the micro-kernel's height) into
 * `chunks` chunks as equal as whole slivers allow (784 rows in 4: 196 each; 100 rows in 2: 48
 * and 52). One chunk per thread at least, two when each still gets MIN_CHUNK_ROWS rows.
 *
 * @example
 * planChunks(100, 2); // { chunks: 2, slivers: 25 }
 */
export function planChunks(m: number, threads: number): { chunks: number; slivers: number } {
  const slivers = Math.ceil(m / 4);
  const want = Math.max(threads, Math.min(threads * CHUNKS_PER_THREAD, Math.floor(m / MIN_CHUNK_ROWS)));
  return { chunks: Math.max(1, Math.min(MAX_CHUNKS, want, slivers)), slivers };
}

/**
 * Rows [i0, i1) of chunk j (WORKER_BODY computes the same).
 *
 * @example
 * chunkRows(1, 2, 25, 100); // [48, 100]
 */
export function chunkRows(j: number, chunks: number, slivers: number, m: number): [number, number] {
  return [
    Math.min(m, 4 * Math.floor((j * slivers) / chunks)),
    Math.min(m, 4 * Math.floor(((j + 1) * slivers) / chunks)),
  ];
}

/**
 * What each worker runs (workerData: module, memory, ctl, id, delayMs): instantiate the same
 * module over the same shared memory, then take chunks of jobs until told to exit.
 */
export const WORKER_BODY = `
const { module, memory, ctl, id, delayMs } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('abort'); } } }).exports;
const s = new Int32Array(memory.buffer, ctl, ${SLOTS});
let seen = 0;
Atomics.add(s, ${SLOT.READY}, 1);
for (;;) {
  let cur = Atomics.load(s, ${SLOT.SEQ});
  if (cur === seen) {
    const until = performance.now() + Atomics.load(s, ${SLOT.SPIN}) / 1000;
    for (let i = 1; (cur = Atomics.load(s, ${SLOT.SEQ})) === seen; i++) {
      if ((i & 1023) === 0 && performance.now() > until) Atomics.wait(s, ${SLOT.SEQ}, seen);
    }
  }
  seen = cur;
  if (seen < 0) break;
  const tag = (seen & 0x7fffff) * 256;
  for (;;) {
    // Busy before claiming, so the caller never sees a claimed chunk with nobody busy on it.
    Atomics.store(s, ${SLOT.BUSY} + id, seen);
    const v = Atomics.load(s, ${SLOT.CLAIM});
    const j = v - tag;
    if (j < 0 || j >= ${MAX_CHUNKS} || j >= s[${SLOT.CHUNKS}]) break;
    // Read the job before claiming: once claimed, the caller may give up on this chunk and
    // start the next job, rewriting these slots.
    const A = ${SLOT.ARGS};
    const a = s[A], b = s[A + 1], c = s[A + 2], m = s[A + 3], n = s[A + 4], k = s[A + 5], ta = s[A + 6], tb = s[A + 7];
    const scratch = s[A + 8] + s[A + 9] * (id + 1), sl = s[${SLOT.SLIVERS}], chunks = s[${SLOT.CHUNKS}];
    if (Atomics.compareExchange(s, ${SLOT.CLAIM}, v, v + 1) !== v) continue;
    if (delayMs > 0) for (const t = performance.now() + delayMs; performance.now() < t; );
    const i0 = Math.min(m, 4 * Math.floor((j * sl) / chunks)), i1 = Math.min(m, 4 * Math.floor(((j + 1) * sl) / chunks));
    ex.sgemmRows(a, b, c, m, n, k, ta, tb, scratch, i0, i1);
    Atomics.store(s, ${SLOT.DONE} + j, seen);
    Atomics.add(s, ${SLOT.BY_WORKERS}, 1);
    Atomics.add(s, ${SLOT.FINISHED}, 1);
    Atomics.notify(s, ${SLOT.FINISHED});
  }
  Atomics.store(s, ${SLOT.BUSY} + id, 0);
}
`;
