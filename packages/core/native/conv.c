/*
 * Native float32 convolution (KernelBackend.convForward and convWeightGrad), one image and group
 * (item) at a time in scratch that stays in cache (conv_job.c), never the whole batch's columns
 * (5.8 MB for figure E's first layer, written and read twice a step). At stride 1 across with
 * output rows at least a vector wide, register tiles read the columns in place from the item's
 * padded planes (conv_kernel.inc: out = W·cols + b, and gW += gy·colsᵀ with channels × taps in
 * registers over the whole image); otherwise each item is unfolded, and its products run on the
 * gemm from GEMM_FROM or in register tiles. The batch is split over the pool; the weight
 * gradient's ranges of images are fixed by the caller (its configured threads), summed apart and
 * added in range order, so its bits do not depend on how many threads ran them. Compiled for AVX-512 and AVX2
 * on x86-64 (chosen with the gemm's instruction set) and portably everywhere.
 */
#include "conv.h"

#include "conv_job.h"
#include "gemm.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The work (multiply-adds) from which a call is split over the pool. */
#define SPLIT_MIN (1 << 18)
/*
 * The most bytes of accumulators a weight gradient's ranges take together (each range holds
 * up to cells × (lanes + 1) floats): fewer ranges past it, so a wide layer on many threads
 * (512×512×3×3 on 64: 151 MB a range) does not allocate gigabytes. It depends on the shape and
 * the configured threads only, so the bits stay the same split or not.
 */
#define WGRAD_SCRATCH_MAX (256L << 20)

#define SUFFIX portable
#define ATTR
#define VL 4
#define FR 3
#define FV 3
#define GR 3
#define GQ 4
#define XR 3
#define XV 3
#define XGR 3
#define XGQ 4
#include "conv_kernel.inc"

#if defined(__x86_64__) || defined(__i386__)
#define SUFFIX avx512
#define ATTR __attribute__((target("avx512f,avx512vl,fma")))
#define VL 16
#define FR 6
#define FV 4
#define GR 5
#define GQ 5
#define XR 6
#define XV 3
#define XGR 5
#define XGQ 5
#include "conv_kernel.inc"

#define SUFFIX avx2
#define ATTR __attribute__((target("avx2,fma")))
#define VL 8
#define FR 3
#define FV 3
#define GR 3
#define GQ 4
#define XR 3
#define XV 3
#define XGR 2
#define XGQ 5
#include "conv_kernel.inc"
#endif

typedef void (*fwd_fn)(const float *, const float *, const float *, float *, int, int, int);
typedef void (*wgrad_fn)(const float *, const float *, int, int, int, int, float *, float *);
typedef void (*fwdx_fn)(const float *, const int *, const conv_vec *, const int *, const float *, const float *, float *,
                        int, int, int, long, float *);
typedef void (*wgradx_fn)(const float *, const int *, const conv_vec *, const int *, const float *, int, int, int, int,
                          long, float *, double *);

static fwd_fn fwd = conv_fwd_portable;
static wgrad_fn wgrad = conv_wgrad_rows_portable;
static fwdx_fn fwdx = conv_fwd_x_portable;
static wgradx_fn wgradx = conv_wgrad_x_portable;
static int lanes = 4, grad_rows = 3;

void tg_conv_use(const char *isa) {
  fwd = conv_fwd_portable, wgrad = conv_wgrad_rows_portable, lanes = 4, grad_rows = 3;
  fwdx = conv_fwd_x_portable, wgradx = conv_wgrad_x_portable;
#if defined(__x86_64__) || defined(__i386__)
  if (!strcmp(isa, "avx512")) {
    fwd = conv_fwd_avx512, wgrad = conv_wgrad_rows_avx512, lanes = 16, grad_rows = 5;
    fwdx = conv_fwd_x_avx512, wgradx = conv_wgrad_x_avx512;
  } else if (!strcmp(isa, "avx2")) {
    fwd = conv_fwd_avx2, wgrad = conv_wgrad_rows_avx2, lanes = 8, grad_rows = 3;
    fwdx = conv_fwd_x_avx2, wgradx = conv_wgrad_x_avx2;
  }
#endif
}





/* The forward of positions past the whole vectors, one at a time. */
static void fwd_tail(const struct conv_job *jb, const float *xs, const float *w, const float *bias, float *out) {
  for (long p = (long)jb->nvec * lanes; p < jb->len; p++) {
    const float *at = xs + conv_position_offset(jb, p);
    for (long o = 0; o < jb->m; o++) {
      float s = 0;
      for (long q = 0; q < jb->kk; q++) s += w[o * jb->kk + q] * at[jb->tap[q]];
      out[o * jb->len + p] = s + (bias ? bias[o] : 0.0f);
    }
  }
}

/* Images × groups [lo, hi) of the forward: each item's columns, then its products and bias. */
static void fwd_items(void *ctx, int64_t lo, int64_t hi) {
  struct conv_job *jb = ctx;
  const tg_conv *a = jb->a;
  float *cols = conv_claim_slot(jb);
  for (int64_t it = lo; it < hi && jb->implicit; it++) {
    const long gi = it % a->groups;
    const float *w = a->w + gi * jb->m * jb->kk, *bias = a->bias ? a->bias + gi * jb->m : NULL;
    float *out = a->out + it * jb->m * jb->len;
    conv_item_planes(jb, it, cols);
    fwdx(cols, jb->tap, jb->vd, jb->masks, w, bias, out, (int)jb->m, jb->nvec, (int)jb->kk, jb->len,
         cols + jb->planes_floats);
    fwd_tail(jb, cols, w, bias, out);
  }
  for (int64_t it = lo; it < hi && !jb->implicit; it++) {
    const long gi = it % a->groups;
    const float *w = a->w + gi * jb->m * jb->kk, *bias = a->bias ? a->bias + gi * jb->m : NULL;
    float *out = a->out + it * jb->m * jb->len;
    conv_item_unfold(jb, it, cols + jb->planes_at, cols);
    /* On the gemm: outᵀ (len × m) = colsᵀ·Wᵀ (its tiles fill better than out = W·cols with rows
     * of 49 or 196), transposed back with the bias. */
    float *ct = cols + jb->kk * jb->len;
    if (jb->gemm && tg_sgemm(cols, w, ct, (int)jb->len, (int)jb->m, (int)jb->kk, 1, 1, 1) == 0) {
      for (long o = 0; o < jb->m; o++)
        for (long p = 0; p < jb->len; p++) out[o * jb->len + p] = ct[p * jb->m + o] + (bias ? bias[o] : 0.0f);
      continue;
    }
    fwd(w, cols, bias, out, (int)jb->m, (int)jb->len, (int)jb->kk);
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

/*
 * A weight gradient's job: its images × groups (items) cut into `ranges` ranges fixed by the
 * call (never by how many threads run them), range r summing into slot r's accumulators —
 * `lanes` (cells × lanes, the vector kernels' sums across positions; none on the gemm), `tail`
 * (cells) and the bias's (channels, in double) — which are added in range order at the end.
 */
struct wgrad_job {
  struct conv_job jb;
  int64_t items;
  int ranges;
  long cells;
  atomic_int failed;
};

/* Slot r's scratch: its columns, then its accumulators (lanes unless on the gemm, tail, bias). */
static float *slot_of(const struct wgrad_job *wj, int r) {
  return wj->jb.scratch + r * (wj->jb.cols_floats + wj->jb.acc_floats);
}
static float *tail_of(const struct wgrad_job *wj, int r) {
  return slot_of(wj, r) + wj->jb.cols_floats + wj->jb.lane_floats;
}
static double *bias_of(const struct wgrad_job *wj, int r) { return (double *)(tail_of(wj, r) + ((wj->cells + 1) & ~1L)); }

/* Items [lo, hi) of the weight gradient (and bias) into slot r's accumulators. */
static void wgrad_items(struct wgrad_job *wj, int r, int64_t lo, int64_t hi) {
  struct conv_job *jb = &wj->jb;
  const tg_conv *a = jb->a;
  float *cols = slot_of(wj, r), *lane = cols + jb->cols_floats, *tail0 = tail_of(wj, r);
  double *bias = a->gb ? bias_of(wj, r) : NULL;
  for (int64_t it = lo; it < hi && jb->implicit; it++) {
    const long gi = it % a->groups;
    const float *gy = a->gy + it * jb->m * jb->len;
    float *tail = tail0 + gi * jb->m * jb->kk;
    double *bs = bias ? bias + gi * jb->m : NULL;
    conv_item_planes(jb, it, cols);
    wgradx(cols, jb->tap, jb->vd, jb->masks, gy, (int)jb->m, jb->nvec, jb->plain, (int)jb->kk, jb->len,
           lane + gi * jb->m * jb->kk * lanes, bs);
    for (long p = (long)jb->nvec * lanes; p < jb->len; p++) {
      const float *at = cols + conv_position_offset(jb, p);
      for (long o = 0; o < jb->m; o++) {
        const float d = gy[o * jb->len + p];
        for (long q = 0; q < jb->kk; q++) tail[o * jb->kk + q] += d * at[jb->tap[q]];
        if (bs) bs[o] += d;
      }
    }
  }
  for (int64_t it = lo; it < hi && !jb->implicit; it++) {
    const long gi = it % a->groups;
    const float *gy = a->gy + it * jb->m * jb->len;
    float *tail = tail0 + gi * jb->m * jb->kk;
    conv_item_unfold(jb, it, cols + jb->planes_at, cols);
    /* gW += gy·colsᵀ on the gemm (colsᵀ packed: len × kk) into the per-cell sums, else in tiles. */
    float *pb = cols + jb->kk * jb->len;
    if (jb->gemm && (tg_pack_b(cols, 1, (int)jb->len, (int)jb->kk, pb) != 0 ||
                     tg_gemm_packed(gy, jb->len, pb, tail, jb->kk, (int)jb->m, (int)jb->kk, (int)jb->len, 1) != 0)) {
      atomic_store(&wj->failed, 1);
      return;
    }
    for (long o0 = 0; !jb->gemm && o0 < jb->m; o0 += grad_rows)
      wgrad(gy, cols, (int)o0, (int)(jb->m - o0 < grad_rows ? jb->m - o0 : grad_rows), (int)jb->kk, (int)jb->len,
            lane + gi * jb->m * jb->kk * lanes, tail);
    for (long o = 0; bias && o < jb->m; o++) bias[gi * jb->m + o] += row_sum(gy + o * jb->len, jb->len);
  }
}

/* Ranges [lo, hi) of the weight gradient, whichever thread runs them. */
static void wgrad_ranges(void *ctx, int64_t lo, int64_t hi) {
  struct wgrad_job *wj = ctx;
  for (int64_t r = lo; r < hi; r++)
    wgrad_items(wj, (int)r, wj->items * r / wj->ranges, wj->items * (r + 1) / wj->ranges);
}

static int slots_for(int threads) { return threads < 1 ? 1 : threads > MAX_SLOTS ? MAX_SLOTS : threads; }

int tg_conv_forward(const tg_conv *a, int threads) {
  struct conv_job jb;
  const int t = slots_for(threads);
  if (conv_start_job(&jb, a, t, 0, 0, lanes) != 0) return -1;
  const int64_t items = a->g.n * a->groups;
  tg_parallel(fwd_items, &jb, items, items * jb.m * jb.len * jb.kk >= SPLIT_MIN ? t : 1);
  conv_end_job(&jb);
  return 0;
}

int tg_conv_weight_grad(const tg_conv *a, int ranges, int threads) {
  struct wgrad_job wj;
  struct conv_job *jb = &wj.jb;
  const long m = a->channels / a->groups, kk = a->g.c / a->groups * a->g.kh * a->g.kw;
  wj.cells = a->groups * m * kk;
  wj.items = a->g.n * a->groups;
  /* Small calls are one range: whether a call is cut depends on its sizes and `ranges` only. */
  wj.ranges = wj.items * m * a->g.oh * a->g.ow * kk >= SPLIT_MIN ? slots_for(ranges) : 1;
  if (wj.ranges > wj.items) wj.ranges = (int)(wj.items > 0 ? wj.items : 1);
  while (wj.ranges > 1 && wj.ranges * wj.cells * (lanes + 1) * (long)sizeof(float) > WGRAD_SCRATCH_MAX) wj.ranges--;
  if (conv_start_job(jb, a, wj.ranges, wj.cells + 2 + 2L * a->channels, wj.cells * lanes, lanes) != 0) return -1;
  atomic_init(&wj.failed, 0);
  tg_parallel(wgrad_ranges, &wj, wj.ranges, threads);
  const int failed = atomic_load(&wj.failed);
  for (long c = 0; !failed && c < wj.cells; c++) {
    float total = 0;
    for (int r = 0; r < wj.ranges; r++) {
      const float *lane = slot_of(&wj, r) + jb->cols_floats;
      float s = 0;
      for (int v = 0; v < lanes && jb->lane_floats; v++) s += lane[c * lanes + v];
      total += s + tail_of(&wj, r)[c];
    }
    a->gw[c] = total;
  }
  for (long o = 0; !failed && a->gb && o < a->channels; o++) {
    double total = 0;
    for (int r = 0; r < wj.ranges; r++) total += bias_of(&wj, r)[o];
    a->gb[o] = (float)total;
  }
  conv_end_job(jb);
  return failed ? -1 : 0;
}
