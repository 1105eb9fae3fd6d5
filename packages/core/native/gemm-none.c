/* Native gemm on CPUs other than x86-64: none; the JS side then uses the WASM kernels. */
#include "gemm.h"

const char *tg_gemm_isa(void) { return ""; }

int tg_gemm_use(const char *name) {
  (void)name;
  return -1;
}

int tg_sgemm(const float *a, const float *b, float *c, int m, int n, int k, int ta, int tb, int threads) {
  (void)a, (void)b, (void)c, (void)m, (void)n, (void)k, (void)ta, (void)tb, (void)threads;
  return -1;
}

void tg_gemm_shutdown(void) {}

void tg_parallel(tg_range_fn fn, void *ctx, int64_t total, int threads) {
  (void)threads;
  fn(ctx, 0, total);
}
