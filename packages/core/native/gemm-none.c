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

long tg_packed_b_floats(int k, int n) {
  (void)k, (void)n;
  return 0;
}

int tg_pack_b(const float *b, int tb, int k, int n, float *dst) {
  (void)b, (void)tb, (void)k, (void)n, (void)dst;
  return -1;
}

int tg_gemm_packed(const float *a, long lda, const float *pb, float *c, long ldc, int m, int n, int k, int acc) {
  (void)a, (void)lda, (void)pb, (void)c, (void)ldc, (void)m, (void)n, (void)k, (void)acc;
  return -1;
}

void tg_gemm_shutdown(void) {}

void tg_parallel(tg_range_fn fn, void *ctx, int64_t total, int threads) {
  (void)threads;
  fn(ctx, 0, total);
}
