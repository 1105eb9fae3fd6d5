/*
 * Native float32 elementwise kernels for large tensors: the JS reference's loops in C, in place
 * on the typed arrays' memory. The WASM kernels copy their operands in and out, which for a 7 MB
 * activation costs more than the arithmetic (a SimpleConvNet step spent ~15 ms copying); these
 * take over above thresholds.native.elementwise. GCC vectorises every loop at -O3.
 */
#include "elementwise.h"

#include <math.h>

void tg_binary(int op, const float *restrict a, const float *restrict b, float *out, int64_t n) {
  if (op == 0)
    for (int64_t i = 0; i < n; i++) out[i] = a[i] + b[i];
  else if (op == 1)
    for (int64_t i = 0; i < n; i++) out[i] = a[i] - b[i];
  else
    for (int64_t i = 0; i < n; i++) out[i] = a[i] * b[i];
}

void tg_unary(int op, const float *restrict x, float *out, int64_t n) {
  if (op == 0)
    /* NaN stays NaN, as the JS relu (x <= 0 is false for NaN) */
    for (int64_t i = 0; i < n; i++) out[i] = x[i] <= 0 ? 0.0f : x[i];
  else
    for (int64_t i = 0; i < n; i++) out[i] = x[i] > 0 ? 1.0f : 0.0f;
}

void tg_relu_grad(const float *restrict gy, const float *restrict x, float *out, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = x[i] > 0 ? gy[i] : 0.0f;
}

/* s: lr-step size, b1, b2, eps, rootBc2, l2, shrink — the JS kernel's arithmetic, in its order. */
void tg_adam(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, int64_t n, const double *s) {
  const double step = s[0], b1 = s[1], b2 = s[2], eps = s[3], root = s[4], l2 = s[5], shrink = s[6];
  for (int64_t i = 0; i < n; i++) {
    const double wi = (double)w[i] * shrink;
    const double gi = (double)g[i] + l2 * (double)w[i];
    const double mi = b1 * (double)m[i] + (1 - b1) * gi;
    const double vi = b2 * (double)v[i] + (1 - b2) * gi * gi;
    m[i] = (float)mi;
    v[i] = (float)vi;
    w[i] = (float)(wi - (step * mi) / (sqrt(vi) / root + eps));
  }
}
