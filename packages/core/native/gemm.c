/*
 * Native float32 GEMM: the packed, register-blocked kernel of assembly/gemm.ts written with GCC
 * vector extensions and compiled for AVX-512 and for AVX2+FMA, chosen at run time by what the
 * CPU has. WASM SIMD stops at 128-bit vectors: 16 flops a cycle on two multiply and two add
 * pipes; AVX2 FMA does 32 and AVX-512 64 (see the README's Performance section).
 * Operands are read in place (the JS typed arrays' own memory): nothing is copied but the
 * packed panels, which live in per-thread scratch.
 */
#include "gemm.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <immintrin.h>

#define KC 256
#define MC 120
#define NC 4096
#define MC_PAD (MC + 16)
/* B slivers up to which gemm_short reads a row-major A in place instead of packing it. */
#define IN_PLACE_SLIVERS 8
#define NC_PAD(nr) (NC + (nr))

/*
 * dst[q·ldd + r] = src[r·lds + q] for an 8×8 block: the transposing packers' inner step (8 loads,
 * 24 shuffles, 8 stores where the scalar loop does 64 strided moves; the MNIST-MLP product
 * X·W1ᵀ, whose operands both pack transposed, went from 146–167 to 117–120 µs).
 */
__attribute__((target("avx2"))) static inline void transpose8x8(const float *src, long lds, float *dst, long ldd) {
  __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + lds), r2 = _mm256_loadu_ps(src + 2 * lds),
         r3 = _mm256_loadu_ps(src + 3 * lds), r4 = _mm256_loadu_ps(src + 4 * lds), r5 = _mm256_loadu_ps(src + 5 * lds),
         r6 = _mm256_loadu_ps(src + 6 * lds), r7 = _mm256_loadu_ps(src + 7 * lds);
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
         t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
         t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE), u2 = _mm256_shuffle_ps(t1, t3, 0x44),
         u3 = _mm256_shuffle_ps(t1, t3, 0xEE), u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
         u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(dst, _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_storeu_ps(dst + ldd, _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_storeu_ps(dst + 2 * ldd, _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_storeu_ps(dst + 3 * ldd, _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_storeu_ps(dst + 4 * ldd, _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_storeu_ps(dst + 5 * ldd, _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_storeu_ps(dst + 6 * ldd, _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_storeu_ps(dst + 7 * ldd, _mm256_permute2f128_ps(u3, u7, 0x31));
}

/*
 * dst[q·ldd + r] = src[r·lds + q] for a 16×16 block in zmm registers (64 shuffles, 16 loads and
 * 16 stores, where four 8×8 blocks take 96, 32 and 32): the AVX-512 packer of a transposed B,
 * x·Wᵀ's W, whose 100×4320 floats a Linear(4320, 100) forward transposes each call.
 */
__attribute__((target("avx512f"))) static inline void transpose16x16(const float *src, long lds, float *dst, long ldd) {
  __m512 r[16], u[16], v[8];
  for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(src + i * lds);
  /* Pairs of rows interleaved, then pairs of pairs: u[4b + j], lane L, is column 4L + j of rows 4b..4b+3. */
  for (int i = 0; i < 16; i += 2) {
    u[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    u[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int b = 0; b < 16; b += 4) {
    __m512d t0 = _mm512_castps_pd(u[b]), t1 = _mm512_castps_pd(u[b + 1]), t2 = _mm512_castps_pd(u[b + 2]),
            t3 = _mm512_castps_pd(u[b + 3]);
    r[b] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
    r[b + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
    r[b + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
    r[b + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
  }
  /* Column 4L + j gathers lane L of r[j], r[4 + j], r[8 + j], r[12 + j]. */
  for (int j = 0; j < 4; j++) {
    v[0] = _mm512_shuffle_f32x4(r[j], r[4 + j], 0x44);
    v[1] = _mm512_shuffle_f32x4(r[j], r[4 + j], 0xEE);
    v[2] = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0x44);
    v[3] = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0xEE);
    _mm512_storeu_ps(dst + (0 + j) * ldd, _mm512_shuffle_f32x4(v[0], v[2], 0x88));
    _mm512_storeu_ps(dst + (4 + j) * ldd, _mm512_shuffle_f32x4(v[0], v[2], 0xDD));
    _mm512_storeu_ps(dst + (8 + j) * ldd, _mm512_shuffle_f32x4(v[1], v[3], 0x88));
    _mm512_storeu_ps(dst + (12 + j) * ldd, _mm512_shuffle_f32x4(v[1], v[3], 0xDD));
  }
}

#define SUFFIX avx512
#define TARGET "avx512f,avx512vl,fma,prfchw"
#define VL 16
#define MR 8
#define NV 2
#include "gemm_kernel.inc"

#define SUFFIX avx2
#define TARGET "avx2,fma"
#define VL 8
#define MR 6
#define NV 2
#include "gemm_kernel.inc"

typedef void (*block_fn)(const float *, const float *, float *, int, int, int, int, int, int, int, int, int, float *);
typedef void (*pack_all_fn)(const float *, int, int, int, float *);
typedef void (*packed_fn)(const float *, long, const float *, float *, long, int, int, int, int, float *);

static block_fn chosen;
static pack_all_fn chosen_pack_b;
static packed_fn chosen_packed;
static const char *isa = "";
static int mr_of_isa = 1, nr_of_isa = 1;

static int cpu_has(const char *name) {
  __builtin_cpu_init();
  if (!strcmp(name, "avx512"))
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
  if (!strcmp(name, "avx2")) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return 0;
}

int tg_gemm_use(const char *name) {
  if (!cpu_has(name)) return -1;
  if (!strcmp(name, "avx512")) {
    chosen = gemm_block_avx512;
    chosen_pack_b = pack_b_all_avx512;
    chosen_packed = gemm_packed_avx512;
    isa = "avx512";
    mr_of_isa = 8;
    nr_of_isa = 32;
  } else {
    chosen = gemm_block_avx2;
    chosen_pack_b = pack_b_all_avx2;
    chosen_packed = gemm_packed_avx2;
    isa = "avx2";
    mr_of_isa = 6;
    nr_of_isa = 16;
  }
  return 0;
}

static void choose(void) {
  if (!chosen && tg_gemm_use("avx512") != 0) tg_gemm_use("avx2");
}

const char *tg_gemm_isa(void) {
  choose();
  return isa;
}

/* Scratch floats one thread needs: packed A block, packed B panel, one C tile. */
static long scratch_floats(void) { return (long)KC * MC_PAD + (long)KC * NC_PAD(32) + 16 * 32 + 16; }

static _Thread_local float *scratch;

static float *thread_scratch(void) {
  if (!scratch) {
    void *p = NULL;
    if (posix_memalign(&p, 64, scratch_floats() * sizeof(float)) != 0) return NULL;
    scratch = p;
  }
  return scratch;
}

/*
 * The pool: threads−1 persistent pthreads. A job is cut into chunks of whole micro-tile rows
 * (or columns, when C is wide and short); the caller and the workers claim chunks from an atomic
 * counter until none are left, so a worker that is still waking costs nothing but the chunk the
 * caller then takes itself. Idle workers spin SPIN_NS for the next job, then sleep on a condition variable.
 */
#define MAX_THREADS 64
#define SPIN_NS 500000L
/*
 * Chunks a thread. One: every chunk packs all of B (row chunks) or all of A (column chunks) again,
 * and on two threads one chunk each was 10–15% faster than two on every shape measured (1024³:
 * 340–360 against 300–335 GFLOP/s, both cores free). A worker that has not woken by the time
 * the caller is done with its own chunk does not hold it up: the caller claims that chunk too.
 */
#ifndef CHUNKS_PER_THREAD
#define CHUNKS_PER_THREAD 1
#endif

struct job {
  const float *a, *b;
  float *c;
  int m, n, k, ta, tb;
  int by_cols;   /* chunks are column ranges (else row ranges) */
  int chunks, units, unit;  /* `units` tiles of `unit` rows or columns, dealt out over `chunks` */
  tg_range_fn fn;  /* a tg_parallel job instead of a product: fn(ctx, lo, hi) over [0, total) */
  void *ctx;
  int64_t total;
};

static struct job job;
static atomic_long seq;          /* job number; workers wait for it to change (−1: exit) */
static _Atomic unsigned long long claim; /* (job number mod 2^31) << 32 | next unclaimed chunk */
static atomic_int done_chunks;   /* chunks of the current job finished */
static atomic_int job_chunks;    /* the current job's chunk count */
static pthread_t workers[MAX_THREADS];
static int started;              /* workers running */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_int sleepers;
static atomic_flag pool_busy = ATOMIC_FLAG_INIT; /* a split product is running */

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

/*
 * Claims and computes chunks of job `tag` until none are left. A claim is a compare-exchange of
 * the (job number, next chunk) word, so a worker still looping on a finished job can never take a
 * chunk of the next one, and every chunk counted in done_chunks belongs to the caller's job.
 */
static void run_chunks(long tag) {
  float *s = thread_scratch();
  if (!s) return; /* a worker without scratch leaves its chunks to the caller */
  for (;;) {
    unsigned long long v = atomic_load(&claim);
    if ((long)(v >> 32) != (tag & 0x7fffffff)) return;
    int j = (int)(v & 0xffffffffu);
    if (j >= atomic_load(&job_chunks)) return;
    if (!atomic_compare_exchange_weak(&claim, &v, v + 1)) continue;
    /* Claimed: the caller cannot start another job before this chunk is done, so `job` is ours. */
    const struct job *jb = &job;
    if (jb->fn) {
      jb->fn(jb->ctx, jb->total * j / jb->chunks, jb->total * (j + 1) / jb->chunks);
      atomic_fetch_add(&done_chunks, 1);
      continue;
    }
    int lo = (int)((long)j * jb->units / jb->chunks) * jb->unit;
    int hi = (int)((long)(j + 1) * jb->units / jb->chunks) * jb->unit;
    int lim = jb->by_cols ? jb->n : jb->m;
    if (hi > lim) hi = lim;
    if (jb->by_cols) chosen(jb->a, jb->b, jb->c, jb->m, jb->n, jb->k, jb->ta, jb->tb, 0, jb->m, lo, hi, s);
    else chosen(jb->a, jb->b, jb->c, jb->m, jb->n, jb->k, jb->ta, jb->tb, lo, hi, 0, jb->n, s);
    atomic_fetch_add(&done_chunks, 1);
  }
}

static void *worker_main(void *arg) {
  (void)arg;
  long seen = 0;
  for (;;) {
    long cur = atomic_load(&seq);
    if (cur == seen) {
      long until = now_ns() + SPIN_NS;
      for (int i = 1; (cur = atomic_load(&seq)) == seen; i++) {
        __builtin_ia32_pause();
        if ((i & 255) == 0 && now_ns() > until) {
          pthread_mutex_lock(&lock);
          atomic_fetch_add(&sleepers, 1);
          while ((cur = atomic_load(&seq)) == seen) pthread_cond_wait(&wake, &lock);
          atomic_fetch_sub(&sleepers, 1);
          pthread_mutex_unlock(&lock);
          break;
        }
      }
    }
    seen = cur;
    if (seen < 0) return NULL;
    run_chunks(seen);
  }
}

/*
 * Starts workers up to threads−1; the threads a job may use: `threads`, or fewer where a worker
 * could not be started. Never more, though an earlier call may have started more workers: a
 * convolution allocates scratch for `threads` ranges (four ranges in two slots overran them).
 */
static int start_pool(int threads) {
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  while (started < threads - 1) {
    if (pthread_create(&workers[started], NULL, worker_main, NULL) != 0) break;
    started++;
  }
  return started + 1 < threads ? started + 1 : threads;
}

static void run_job(struct job j);

long tg_packed_b_floats(int k, int n) {
  choose();
  return (long)k * ((n + nr_of_isa - 1) / nr_of_isa * nr_of_isa);
}

int tg_pack_b(const float *b, int tb, int k, int n, float *dst) {
  choose();
  if (!chosen) return -1;
  chosen_pack_b(b, tb, k, n, dst);
  return 0;
}

int tg_gemm_packed(const float *a, long lda, const float *pb, float *c, long ldc, int m, int n, int k, int acc) {
  float *s = thread_scratch();
  if (!chosen || !s) return -1;
  chosen_packed(a, lda, pb, c, ldc, m, n, k, acc, s);
  return 0;
}

int tg_sgemm(const float *a, const float *b, float *c, int m, int n, int k, int ta, int tb, int threads) {
  choose();
  if (!chosen) return -1;
  if (k == 0) {
    memset(c, 0, (size_t)m * n * sizeof(float));
    return 0;
  }
  float *s = thread_scratch();
  if (!s) return -1;
  if (threads < 2 || (m < 2 * mr_of_isa && n < 2 * nr_of_isa)) {
    chosen(a, b, c, m, n, k, ta, tb, 0, m, 0, n, s);
    return 0;
  }
  /*
   * One split product at a time: the pool and its job are process-wide, and the addon may be
   * called from several JS threads (worker_threads) at once. A caller that finds the pool busy
   * computes on its own thread.
   */
  if (atomic_flag_test_and_set_explicit(&pool_busy, memory_order_acquire)) {
    chosen(a, b, c, m, n, k, ta, tb, 0, m, 0, n, s);
    return 0;
  }
  int t = start_pool(threads);
  if (t < 2) {
    chosen(a, b, c, m, n, k, ta, tb, 0, m, 0, n, s);
    atomic_flag_clear_explicit(&pool_busy, memory_order_release);
    return 0;
  }
  /*
   * Each thread packs the operand that is not split all over again: all of op(B) (k×n) when the
   * rows are split, all of op(A) (m×k) when the columns are. So columns when C is wider than
   * tall and has a column tile a thread (a Linear layer's gradients, 100×4320×100: each thread
   * packed all 1.7 MB of B, and two threads gained little), rows otherwise.
   */
  int by_cols = n > m && (n + nr_of_isa - 1) / nr_of_isa >= t;
  int unit = by_cols ? nr_of_isa : mr_of_isa;
  int units = ((by_cols ? n : m) + unit - 1) / unit;
  int chunks = CHUNKS_PER_THREAD * t < units ? CHUNKS_PER_THREAD * t : units;
  run_job((struct job){a, b, c, m, n, k, ta, tb, by_cols, chunks, units, unit, NULL, NULL, 0});
  return 0;
}

/* Publishes `j` to the pool (which the caller holds: pool_busy), works on it, waits, releases. */
static void run_job(struct job j) {
  job = j;
  atomic_store(&done_chunks, 0);
  atomic_store(&job_chunks, j.chunks);
  long my = atomic_load(&seq) % 0x7fffffff + 1;
  atomic_store(&claim, (unsigned long long)my << 32);
  atomic_store(&seq, my);
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
  }
  run_chunks(my);
  while (atomic_load(&done_chunks) < j.chunks) __builtin_ia32_pause();
  atomic_flag_clear_explicit(&pool_busy, memory_order_release);
}

void tg_parallel(tg_range_fn fn, void *ctx, int64_t total, int threads) {
  if (threads < 2 || total < 2 || atomic_flag_test_and_set_explicit(&pool_busy, memory_order_acquire)) {
    fn(ctx, 0, total);
    return;
  }
  int t = start_pool(threads);
  if (t < 2 || !thread_scratch()) {
    atomic_flag_clear_explicit(&pool_busy, memory_order_release);
    fn(ctx, 0, total);
    return;
  }
  int chunks = t < total ? t : (int)total;
  run_job((struct job){NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, chunks, 0, 0, fn, ctx, total});
}

void tg_gemm_shutdown(void) {
  while (atomic_flag_test_and_set_explicit(&pool_busy, memory_order_acquire)) __builtin_ia32_pause();
  if (!started) {
    atomic_flag_clear_explicit(&pool_busy, memory_order_release);
    return;
  }
  atomic_store(&seq, -1);
  pthread_mutex_lock(&lock);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < started; i++) pthread_join(workers[i], NULL);
  started = 0;
  atomic_store(&seq, 0);
  atomic_flag_clear_explicit(&pool_busy, memory_order_release);
}
