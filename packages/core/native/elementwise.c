/*
 * Native float32 elementwise kernels for large tensors: the JS reference's loops in C, in place
 * on the typed arrays' memory. The WASM kernels copy their operands in and out, which for a 7 MB
 * activation costs more than the arithmetic (a SimpleConvNet step spent ~15 ms copying); these
 * take over above thresholds.native.elementwise. GCC vectorises every loop at -O3; large calls
 * are split into one contiguous range per thread of the gemm's pool (tg_parallel).
 */
#include "elementwise.h"

#include <math.h>
#include <stddef.h>

#include "gemm.h"

/* Elements from which a kernel is split across threads: below, the hand-off costs more. */
#define SPLIT_MIN (1 << 16)

struct ew_job {
  int op;
  const float *a, *b;
  float *out;
  float *m, *v;
  const double *s;
};

static void binary_range(void *ctx, int64_t lo, int64_t hi) {
  const struct ew_job *j = ctx;
  const float *restrict a = j->a, *restrict b = j->b;
  float *out = j->out;
  if (j->op == 0)
    for (int64_t i = lo; i < hi; i++) out[i] = a[i] + b[i];
  else if (j->op == 1)
    for (int64_t i = lo; i < hi; i++) out[i] = a[i] - b[i];
  else
    for (int64_t i = lo; i < hi; i++) out[i] = a[i] * b[i];
}

static void unary_range(void *ctx, int64_t lo, int64_t hi) {
  const struct ew_job *j = ctx;
  const float *restrict x = j->a;
  float *out = j->out;
  if (j->op == 0)
    /* NaN stays NaN, as the JS relu (x <= 0 is false for NaN) */
    for (int64_t i = lo; i < hi; i++) out[i] = x[i] <= 0 ? 0.0f : x[i];
  else
    for (int64_t i = lo; i < hi; i++) out[i] = x[i] > 0 ? 1.0f : 0.0f;
}

static void relu_grad_range(void *ctx, int64_t lo, int64_t hi) {
  const struct ew_job *j = ctx;
  const float *restrict gy = j->a, *restrict x = j->b;
  float *out = j->out;
  /*
   * gy is loaded unconditionally: `x > 0 ? gy[i] : 0` reads gy only on one branch, which GCC will
   * not turn into a vector select, and the branch on real data is a coin toss (8.7 ms for a
   * SimpleConvNet step's 1.73M elements; 0.5 as a select).
   */
  for (int64_t i = lo; i < hi; i++) {
    const float g = gy[i];
    out[i] = x[i] > 0 ? g : 0.0f;
  }
}

/* s: step size, b1, b2, eps, rootBc2, l2, shrink — the JS kernel's arithmetic, in its order. */
static void adam_range(void *ctx, int64_t lo, int64_t hi) {
  const struct ew_job *j = ctx;
  float *restrict w = j->out, *restrict m = j->m, *restrict v = j->v;
  const float *restrict g = j->a;
  const double step = j->s[0], b1 = j->s[1], b2 = j->s[2], eps = j->s[3], root = j->s[4], l2 = j->s[5], shrink = j->s[6];
  for (int64_t i = lo; i < hi; i++) {
    const double wi = (double)w[i] * shrink;
    const double gi = (double)g[i] + l2 * (double)w[i];
    const double mi = b1 * (double)m[i] + (1 - b1) * gi;
    const double vi = b2 * (double)v[i] + (1 - b2) * gi * gi;
    m[i] = (float)mi;
    v[i] = (float)vi;
    w[i] = (float)(wi - (step * mi) / (sqrt(vi) / root + eps));
  }
}

static void run(tg_range_fn fn, struct ew_job *j, int64_t n, int threads) {
  tg_parallel(fn, j, n, n >= SPLIT_MIN ? threads : 1);
}

void tg_binary(int op, const float *a, const float *b, float *out, int64_t n, int threads) {
  struct ew_job j = {op, a, b, out, NULL, NULL, NULL};
  run(binary_range, &j, n, threads);
}

void tg_unary(int op, const float *x, float *out, int64_t n, int threads) {
  struct ew_job j = {op, x, NULL, out, NULL, NULL, NULL};
  run(unary_range, &j, n, threads);
}

void tg_relu_grad(const float *gy, const float *x, float *out, int64_t n, int threads) {
  struct ew_job j = {0, gy, x, out, NULL, NULL, NULL};
  run(relu_grad_range, &j, n, threads);
}

void tg_adam(float *w, const float *g, float *m, float *v, int64_t n, const double *s, int threads) {
  struct ew_job j = {0, g, NULL, w, m, v, s};
  run(adam_range, &j, n, threads);
}
