/*
 * Native float32 optimiser step (KernelBackend.adam): Adam's update of a parameter and its two
 * moments, in place in the JS typed arrays, one pass. The loop is plain C that GCC vectorises
 * for AVX-512 or AVX2 (chosen with the gemm's instruction set); sqrt and division are exact
 * IEEE float32 operations, so it differs from the float64 JS reference only by rounding.
 */
#include "optim.h"

#include <math.h>
#include <string.h>

#define ADAM_BODY                                                                                  \
  {                                                                                                \
    for (long i = 0; i < a->n; i++) {                                                              \
      float wi = a->w[i], gi = a->g[i] + a->l2 * wi;                                               \
      float mi = a->beta1 * a->m[i] + (1.0f - a->beta1) * gi;                                      \
      float vi = a->beta2 * a->v[i] + (1.0f - a->beta2) * gi * gi;                                 \
      a->m[i] = mi;                                                                                \
      a->v[i] = vi;                                                                                \
      a->w[i] = wi * a->shrink - a->step_size * mi / (sqrtf(vi) / a->root_bc2 + a->eps);          \
    }                                                                                              \
  }

static void adam_portable(const tg_adam_args *a) ADAM_BODY

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx512f,avx512vl,fma"))) static void adam_avx512(const tg_adam_args *a) ADAM_BODY
__attribute__((target("avx2,fma"))) static void adam_avx2(const tg_adam_args *a) ADAM_BODY
#endif

static void (*adam)(const tg_adam_args *) = adam_portable;

void tg_optim_use(const char *isa) {
  adam = adam_portable;
#if defined(__x86_64__) || defined(__i386__)
  if (!strcmp(isa, "avx512")) adam = adam_avx512;
  else if (!strcmp(isa, "avx2")) adam = adam_avx2;
#endif
}

void tg_adam(const tg_adam_args *a) { adam(a); }
