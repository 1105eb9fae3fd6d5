/*
 * Native float32 convolution (KernelBackend.convForward and convWeightGrad) over im2col's
 * columns, one image and group at a time in scratch that stays in cache, never the whole batch's
 * (5.8 MB for figure E's first layer, written and read twice a step):
 * out[i, g] = W[g]·cols[i, g] + b and gW[g] = Σᵢ gy[i, g]·cols[i, g]ᵀ. These products are short in
 * one dimension (k = C·kh·kw = 25 there, or m·n = 30×25 for the weight gradient), where the gemm
 * spends its time packing panels; register tiles read the operands in place instead, with the
 * bias added in the same pass. The batch is split over the pool (the weight gradient's partial
 * sums per range, added in order at the end). Compiled for AVX-512 and AVX2 on x86-64 (chosen with the gemm's
 * instruction set) and portably everywhere.
 */
#include "conv.h"

#include "gemm.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Ranges a call may be split into (the pool's most threads), and the work (multiply-adds) from which it is. */
#define MAX_SLOTS 64
#define SPLIT_MIN (1 << 18)

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

/*
 * A split call's shared state: one scratch slot per range a thread takes (its columns, and for
 * the weight gradient its accumulators), claimed in turn; `first` records each slot's first
 * item, so that the slots' sums are added in item order whichever thread took which.
 */
struct conv_job {
  const tg_conv *a;
  long m, kk, len, cols_floats, acc_floats;
  float *scratch;
  atomic_int slot;
  int64_t first[MAX_SLOTS];
};

static float *claim_slot(struct conv_job *jb, int64_t lo) {
  const int s = atomic_fetch_add(&jb->slot, 1);
  jb->first[s] = lo;
  return jb->scratch + s * (jb->cols_floats + jb->acc_floats);
}

/* The columns of item `it` (image it / groups, group it % groups) into `cols`. */
static void item_cols(const struct conv_job *jb, int64_t it, float *cols) {
  const tg_conv *a = jb->a;
  const tg_window *g = &a->g;
  const int64_t cg = g->c / a->groups;
  const int64_t plane = (it / a->groups) * g->c + (it % a->groups) * cg;
  tg_im2col_planes(g, a->x + plane * g->h * g->w, cols, cg);
}

/* Images × groups [lo, hi) of the forward: each item's columns, then its products and bias. */
static void fwd_items(void *ctx, int64_t lo, int64_t hi) {
  struct conv_job *jb = ctx;
  const tg_conv *a = jb->a;
  float *cols = claim_slot(jb, lo);
  for (int64_t it = lo; it < hi; it++) {
    const long gi = it % a->groups;
    item_cols(jb, it, cols);
    fwd(a->w + gi * jb->m * jb->kk, cols, a->bias ? a->bias + gi * jb->m : NULL, a->out + it * jb->m * jb->len,
        (int)jb->m, (int)jb->len, (int)jb->kk);
  }
}

/* Σ row[0..len) in eight double lanes (vectorisable without reassociating one sum). */
static double row_sum(const float *row, long len) {
  double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  long c = 0;
  for (; c + 8 <= len; c += 8)
    for (int k = 0; k < 8; k++) s[k] += row[c + k];
  double t = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
  for (; c < len; c++) t += row[c];
  return t;
}

/* Where a slot's bias sums (doubles, `channels` of them) start in its accumulators. */
static double *bias_sums(float *acc, long cells) { return (double *)(acc + ((cells * (lanes + 1) + 1) & ~1L)); }

/* Images × groups [lo, hi) of the weight gradient (and bias), into this range's accumulators. */
static void wgrad_items(void *ctx, int64_t lo, int64_t hi) {
  struct conv_job *jb = ctx;
  const tg_conv *a = jb->a;
  float *cols = claim_slot(jb, lo);
  float *acc = cols + jb->cols_floats;
  const long cells = (long)a->groups * jb->m * jb->kk;
  for (int64_t it = lo; it < hi; it++) {
    const long gi = it % a->groups;
    item_cols(jb, it, cols);
    for (long o0 = 0; o0 < jb->m; o0 += grad_rows)
      wgrad(a->gy + it * jb->m * jb->len, cols, (int)o0, (int)(jb->m - o0 < grad_rows ? jb->m - o0 : grad_rows),
            (int)jb->kk, (int)jb->len, acc + gi * jb->m * jb->kk * lanes, acc + cells * lanes + gi * jb->m * jb->kk);
    if (a->gb) {
      double *bs = bias_sums(acc, cells) + gi * jb->m;
      for (long o = 0; o < jb->m; o++) bs[o] += row_sum(a->gy + (it * jb->m + o) * jb->len, jb->len);
    }
  }
}

/* Sets up `jb` for `a` with `slots` scratch slots of columns and `acc` floats each; 0 or −1. */
static int start_job(struct conv_job *jb, const tg_conv *a, int slots, long acc) {
  const tg_window *g = &a->g;
  jb->a = a;
  jb->m = a->channels / a->groups;
  jb->kk = g->c / a->groups * g->kh * g->kw;
  jb->len = g->oh * g->ow;
  jb->cols_floats = (jb->kk * jb->len + 15) & ~15L;
  jb->acc_floats = (acc + 15) & ~15L;
  atomic_init(&jb->slot, 0);
  jb->scratch = calloc((size_t)slots * (jb->cols_floats + jb->acc_floats), sizeof(float));
  return jb->scratch ? 0 : -1;
}

static int slots_for(int threads) { return threads < 1 ? 1 : threads > MAX_SLOTS ? MAX_SLOTS : threads; }

int tg_conv_forward(const tg_conv *a, int threads) {
  struct conv_job jb;
  const int t = slots_for(threads);
  if (start_job(&jb, a, t, 0) != 0) return -1;
  const int64_t items = a->g.n * a->groups;
  tg_parallel(fwd_items, &jb, items, items * jb.m * jb.len * jb.kk >= SPLIT_MIN ? t : 1);
  free(jb.scratch);
  return 0;
}

int tg_conv_weight_grad(const tg_conv *a, int threads) {
  struct conv_job jb;
  const int t = slots_for(threads);
  const long cells = (long)a->groups * (a->channels / a->groups) * (a->g.c / a->groups * a->g.kh * a->g.kw);
  if (start_job(&jb, a, t, cells * (lanes + 1) + 2 + 2L * a->channels) != 0) return -1;
  const int64_t items = a->g.n * a->groups;
  tg_parallel(wgrad_items, &jb, items, items * jb.m * jb.len * jb.kk >= SPLIT_MIN ? t : 1);
  /* The slots' sums in item order (slot order is whichever thread claimed first). */
  const int used = atomic_load(&jb.slot);
  int order[MAX_SLOTS];
  for (int s = 0; s < used; s++) {
    int at = s;
    while (at > 0 && jb.first[order[at - 1]] > jb.first[s]) order[at] = order[at - 1], at--;
    order[at] = s;
  }
  for (long c = 0; c < cells; c++) {
    float total = 0;
    for (int u = 0; u < used; u++) {
      const float *acc = jb.scratch + order[u] * (jb.cols_floats + jb.acc_floats) + jb.cols_floats;
      float s = 0;
      for (int v = 0; v < lanes; v++) s += acc[c * lanes + v];
      total += s + acc[cells * lanes + c];
    }
    a->gw[c] = total;
  }
  for (long o = 0; a->gb && o < a->channels; o++) {
    double total = 0;
    for (int u = 0; u < used; u++)
      total += bias_sums(jb.scratch + order[u] * (jb.cols_floats + jb.acc_floats) + jb.cols_floats, cells)[o];
    a->gb[o] = (float)total;
  }
  free(jb.scratch);
  return 0;
}
