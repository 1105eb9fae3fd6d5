/*
 * Native float32 convolution products over im2col's columns (KernelBackend.convForward and
 * convWeightGrad): out[i, g] = W[g]·cols[i, g] + b and gW[g] = Σᵢ gy[i, g]·cols[i, g]ᵀ. A
 * convolution's products are short in one dimension (k = C·kh·kw = 25 for figure E's first
 * layer, or m·n = 30×25 for its weight gradient), where the gemm spends its time packing panels
 * and on 100 calls an image each; these read the operands in place with register tiles instead,
 * add the bias in the same pass, and split the batch (forward) or the output channels (weight
 * gradient) over the pool. Compiled for AVX-512 and AVX2 on x86-64 (chosen with the gemm's
 * instruction set) and portably everywhere.
 */
#include "conv.h"

#include "gemm.h"

#include <stdlib.h>
#include <string.h>

#define SUFFIX portable
#define ATTR
#define VL 4
#define FR 3
#define FV 3
#define GR 3
#define GQ 4
#include "conv_kernel.inc"

#if defined(__x86_64__) || defined(__i386__)
#define SUFFIX avx512
#define ATTR __attribute__((target("avx512f,avx512vl,fma")))
#define VL 16
#define FR 6
#define FV 4
#define GR 5
#define GQ 5
#include "conv_kernel.inc"

#define SUFFIX avx2
#define ATTR __attribute__((target("avx2,fma")))
#define VL 8
#define FR 3
#define FV 3
#define GR 3
#define GQ 4
#include "conv_kernel.inc"
#endif

typedef void (*fwd_fn)(const float *, const float *, const float *, float *, int, int, int);
typedef void (*wgrad_fn)(const float *, const float *, int, int, int, int, float *, float *);

static fwd_fn fwd = conv_fwd_portable;
static wgrad_fn wgrad = conv_wgrad_rows_portable;
static int lanes = 4, grad_rows = 3;

void tg_conv_use(const char *isa) {
  fwd = conv_fwd_portable, wgrad = conv_wgrad_rows_portable, lanes = 4, grad_rows = 3;
#if defined(__x86_64__) || defined(__i386__)
  if (!strcmp(isa, "avx512")) fwd = conv_fwd_avx512, wgrad = conv_wgrad_rows_avx512, lanes = 16, grad_rows = 5;
  else if (!strcmp(isa, "avx2")) fwd = conv_fwd_avx2, wgrad = conv_wgrad_rows_avx2, lanes = 8, grad_rows = 3;
#endif
}

struct conv_job {
  const tg_conv *a;
  float *lanes, *tail;
};

/* Images × groups [lo, hi) of the forward. */
static void fwd_items(void *ctx, int64_t lo, int64_t hi) {
  const tg_conv *a = ((const struct conv_job *)ctx)->a;
  const long m = a->channels, k = a->taps, n = a->positions;
  for (int64_t it = lo; it < hi; it++) {
    const long g = it % a->groups;
    fwd(a->w + g * m * k, a->cols + it * k * n, a->bias ? a->bias + g * m : NULL, a->out + it * m * n, (int)m, (int)n,
        (int)k);
  }
}

void tg_conv_forward(const tg_conv *a, int threads) {
  struct conv_job jb = {a, NULL, NULL};
  const int64_t items = (int64_t)a->batch * a->groups;
  const int64_t work = items * a->channels * a->positions;
  tg_parallel(fwd_items, &jb, items, work >= (1 << 16) ? threads : 1);
}

/* Tiles of grad_rows output channels [lo, hi) (over all groups) of the weight gradient, every image. */
static void wgrad_tiles(void *ctx, int64_t lo, int64_t hi) {
  const struct conv_job *jb = ctx;
  const tg_conv *a = jb->a;
  const long m = a->channels, kk = a->taps, len = a->positions, tiles = (m + grad_rows - 1) / grad_rows;
  for (long i = 0; i < a->batch; i++)
    for (int64_t t = lo; t < hi; t++) {
      const long g = t / tiles, o0 = (t % tiles) * grad_rows;
      const int rows = (int)(m - o0 < grad_rows ? m - o0 : grad_rows);
      const long item = i * a->groups + g;
      wgrad(a->gy + item * m * len, a->cols + item * kk * len, (int)o0, rows, (int)kk, (int)len,
            jb->lanes + g * m * kk * lanes, jb->tail + g * m * kk);
    }
}

int tg_conv_weight_grad(const tg_conv *a, int threads) {
  const long cells = (long)a->groups * a->channels * a->taps;
  float *acc = calloc((size_t)cells * (lanes + 1), sizeof(float));
  if (!acc) return -1;
  struct conv_job jb = {a, acc, acc + cells * lanes};
  const int64_t tiles = (int64_t)a->groups * ((a->channels + grad_rows - 1) / grad_rows);
  const int64_t work = (int64_t)a->batch * cells * a->positions;
  tg_parallel(wgrad_tiles, &jb, tiles, work >= (1 << 18) ? threads : 1);
  for (long c = 0; c < cells; c++) {
    float s = 0;
    for (int v = 0; v < lanes; v++) s += jb.lanes[c * lanes + v];
    a->gw[c] = s + jb.tail[c];
  }
  free(acc);
  return 0;
}
