/* Native float32 GEMM for @tapegrad/core: see gemm.c. */
#ifndef TAPEGRAD_GEMM_H
#define TAPEGRAD_GEMM_H

#include <stdint.h>

/* The instruction set gemm.c chose for this CPU: "avx512", "avx2" or "" (none: do not use). */
const char *tg_gemm_isa(void);

/*
 * Uses the kernel of `isa` ("avx512" or "avx2") from now on, if this CPU has it: 0, else −1 and
 * nothing changes. For tests, which check each kernel the CPU can run.
 */
int tg_gemm_use(const char *isa);

/*
 * C (m×n, contiguous, row-major) = op(A)·op(B); A is m×k (k×m when ta), B k×n (n×k when tb).
 * Uses up to `threads` threads (the caller's and threads−1 pool threads) when the product is
 * large enough. Returns 0, or −1 when memory for the packed panels could not be had.
 */
int tg_sgemm(const float *a, const float *b, float *c, int m, int n, int k, int ta, int tb, int threads);

/*
 * A B used in many products (an RNN's weights at every step) packed once: tg_pack_b writes op(B)
 * (k×n; n×k when tb, row-major) into dst, which holds tg_packed_b_floats(k, n) floats, and
 * tg_gemm_packed computes C (m×n, row stride ldc) = (or += when acc) A (m×k, row stride lda)·B
 * on the calling thread. Both return 0, or −1 without the instruction set or scratch memory.
 */
long tg_packed_b_floats(int k, int n);
int tg_pack_b(const float *b, int tb, int k, int n, float *dst);
int tg_gemm_packed(const float *a, long lda, const float *pb, float *c, long ldc, int m, int n, int k, int acc);

/* A range job: fn(ctx, lo, hi) does items [lo, hi) of a job over [0, total). */
typedef void (*tg_range_fn)(void *ctx, int64_t lo, int64_t hi);

/*
 * Runs fn over [0, total) cut into one contiguous range per thread, on up to `threads` threads
 * of the gemm's pool (the caller's included); on one thread when threads < 2, the pool is busy
 * (another JS thread's product) or has no threads. For the memory-bound window and elementwise
 * kernels (window.c, elementwise.c).
 */
void tg_parallel(tg_range_fn fn, void *ctx, int64_t total, int threads);

/* Stops the pool threads (for tests); the next threaded call starts them again. */
void tg_gemm_shutdown(void);

#endif
