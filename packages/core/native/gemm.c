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

#define KC 256
#define MC 120
#define NC 4096
#define MC_PAD (MC + 16)
#define NC_PAD(nr) (NC + (nr))

#define SUFFIX avx512
#define TARGET "avx512f,avx512vl,fma"
#define VL 16
#define MR 8
#define NV 2
#include "gemm_kernel.inc"
#undef SUFFIX
#undef TARGET
#undef VL
#undef MR
#undef NV

#define SUFFIX avx2
#define TARGET "avx2,fma"
#define VL 8
#define MR 6
#define NV 2
#include "gemm_kernel.inc"
#undef SUFFIX
#undef TARGET
#undef VL
#undef MR
#undef NV

typedef void (*block_fn)(const float *, const float *, float *, int, int, int, int, int, int, int, int, int, float *);

static block_fn chosen;
static const char *isa = "";
static int mr_of_isa = 1, nr_of_isa = 1;

static void choose(void) {
  if (chosen) return;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma")) {
    chosen = gemm_block_avx512;
    isa = "avx512";
    mr_of_isa = 8;
    nr_of_isa = 32;
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    chosen = gemm_block_avx2;
    isa = "avx2";
    mr_of_isa = 6;
    nr_of_isa = 16;
  }
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
 * counter until none are left, so a worker that is descheduled or still waking costs only the
 * chunks it took. Idle workers spin SPIN_NS for the next job, then sleep on a condition variable.
 */
#define MAX_THREADS 64
#define SPIN_NS 500000L
/* Chunks a thread, so a late worker holds up only a small part (1024³: 1.9× on two threads). */
#define CHUNKS_PER_THREAD 2

struct job {
  const float *a, *b;
  float *c;
  int m, n, k, ta, tb;
  int by_cols;   /* chunks are column ranges (else row ranges) */
  int chunks, units, unit;  /* `units` tiles of `unit` rows or columns, dealt out over `chunks` */
};

static struct job job;
static atomic_long seq;          /* job number; workers wait for it to change (−1: exit) */
static _Atomic unsigned long long claim; /* (job number mod 2^31) << 32 | next unclaimed chunk */
static atomic_int done_chunks;   /* chunks of the current job finished */
static atomic_int failed;        /* a worker could not get its scratch */
static pthread_t workers[MAX_THREADS];
static int started;              /* workers running */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_int sleepers;

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
  for (;;) {
    unsigned long long v = atomic_load(&claim);
    if ((long)(v >> 32) != (tag & 0x7fffffff)) return;
    int j = (int)(v & 0xffffffffu);
    struct job jb = job;  /* read before claiming: once the last chunk is done the caller moves on */
    if (j >= jb.chunks) return;
    if (!atomic_compare_exchange_weak(&claim, &v, v + 1)) continue;
    int lo = (int)((long)j * jb.units / jb.chunks) * jb.unit;
    int hi = (int)((long)(j + 1) * jb.units / jb.chunks) * jb.unit;
    int lim = jb.by_cols ? jb.n : jb.m;
    if (hi > lim) hi = lim;
    if (!s) atomic_store(&failed, 1);
    else if (jb.by_cols) chosen(jb.a, jb.b, jb.c, jb.m, jb.n, jb.k, jb.ta, jb.tb, 0, jb.m, lo, hi, s);
    else chosen(jb.a, jb.b, jb.c, jb.m, jb.n, jb.k, jb.ta, jb.tb, lo, hi, 0, jb.n, s);
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

static int start_pool(int threads) {
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  while (started < threads - 1) {
    if (pthread_create(&workers[started], NULL, worker_main, NULL) != 0) break;
    started++;
  }
  return started + 1;
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
  int t = start_pool(threads);
  if (t < 2) {
    chosen(a, b, c, m, n, k, ta, tb, 0, m, 0, n, s);
    return 0;
  }
  /* Rows when there are enough of them for two chunks a thread, else columns (C wide and short). */
  int by_cols = m < 2 * t * mr_of_isa && n > m;
  int unit = by_cols ? nr_of_isa : mr_of_isa;
  int units = ((by_cols ? n : m) + unit - 1) / unit;
  int chunks = CHUNKS_PER_THREAD * t < units ? CHUNKS_PER_THREAD * t : units;
  job = (struct job){a, b, c, m, n, k, ta, tb, by_cols, chunks, units, unit};
  atomic_store(&done_chunks, 0);
  atomic_store(&failed, 0);
  long my = atomic_load(&seq) % 0x7fffffff + 1;
  atomic_store(&claim, (unsigned long long)my << 32);
  atomic_store(&seq, my);
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
  }
  run_chunks(my);
  while (atomic_load(&done_chunks) < chunks) __builtin_ia32_pause();
  return atomic_load(&failed) ? -1 : 0;
}

void tg_gemm_shutdown(void) {
  if (!started) return;
  atomic_store(&seq, -1);
  pthread_mutex_lock(&lock);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < started; i++) pthread_join(workers[i], NULL);
  started = 0;
  atomic_store(&seq, 0);
}
