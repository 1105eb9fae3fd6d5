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
/* Unfolded products of depth kk over len positions go to the gemm from these sizes. */
#define GEMM_FROM(kk, len) ((kk) >= 32 && (len) >= 16)

/*
 * A vector of output positions read in place from an image's padded planes (the implicit
 * columns, for stride 1 across and rows at least a vector wide): lanes [0, split) at off1 on,
 * lanes [split, VL) at off2 on (the next output row's start); split = VL when the vector stays in
 * one row; pos is the vector's first output position. A tap's columns are these plus the tap's
 * offset in the planes.
 */
typedef struct {
  int pos, off1, off2, split;
} conv_vec;

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

/*
 * A split call's shared state: one scratch slot per range a thread takes (its columns, and for
 * the weight gradient its accumulators), claimed in turn; `first` records each slot's first
 * item, so that the slots' sums are added in item order whichever thread took which.
 */
struct conv_job {
  const tg_conv *a;
  long m, kk, len, cols_floats, acc_floats, planes_floats, planes_at;
  float *scratch;
  /* The implicit columns (`implicit`): padded planes hp × wp, tap offsets, position vectors, masks. */
  int implicit, nvec, plain;
  /* The unfolded path's products on the gemm (packed operands after the columns), where it is faster. */
  int gemm;
  long hp, wp;
  int *tap, *masks;
  conv_vec *vd;
  atomic_int slot;
  int64_t first[MAX_SLOTS];
};

static float *claim_slot(struct conv_job *jb, int64_t lo) {
  const int s = atomic_fetch_add(&jb->slot, 1);
  jb->first[s] = lo;
  return jb->scratch + s * (jb->cols_floats + jb->acc_floats);
}


/* The planes of item `it` into `xs` at hp × wp, padded (the padding, zero, is never written). */
static void item_planes(const struct conv_job *jb, int64_t it, float *xs) {
  const tg_conv *a = jb->a;
  const tg_window *g = &a->g;
  const int64_t cg = g->c / a->groups;
  const float *x = a->x + ((it / a->groups) * g->c + (it % a->groups) * cg) * g->h * g->w;
  const long x0 = g->pl, x1 = g->pl + g->w < jb->wp ? g->pl + g->w : jb->wp;
  for (int64_t ch = 0; ch < cg; ch++)
    for (long y = 0; y < jb->hp; y++) {
      const long sy = y - g->pt;
      if (sy >= 0 && sy < g->h && x1 > x0)
        memcpy(xs + (ch * jb->hp + y) * jb->wp + x0, x + (ch * g->h + sy) * g->w, (x1 - x0) * sizeof(float));
    }
}

/* Where output position p's columns start in the padded planes (stride 1 across). */
static long position_offset(const struct conv_job *jb, long p) {
  const tg_window *g = &jb->a->g;
  return p / g->ow * g->sh * jb->wp + p % g->ow;
}

/* The columns of item `it` (kk × len) into `cols`, from its padded planes in `xs`. */
static void item_unfold(const struct conv_job *jb, int64_t it, float *xs, float *cols) {
  const tg_window *g = &jb->a->g;
  const long ow = g->ow, sw = g->sw;
  item_planes(jb, it, xs);
  for (long q = 0; q < jb->kk; q++)
    for (long y = 0; y < g->oh; y++) {
      const float *src = xs + jb->tap[q] + y * g->sh * jb->wp;
      float *dst = cols + q * jb->len + y * ow;
      if (sw == 1)
        for (long x = 0; x < ow; x++) dst[x] = src[x];
      else
        for (long x = 0; x < ow; x++) dst[x] = src[x * sw];
    }
}

/* The forward of positions past the whole vectors, one at a time. */
static void fwd_tail(const struct conv_job *jb, const float *xs, const float *w, const float *bias, float *out) {
  for (long p = (long)jb->nvec * lanes; p < jb->len; p++) {
    const float *at = xs + position_offset(jb, p);
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
  float *cols = claim_slot(jb, lo);
  for (int64_t it = lo; it < hi && jb->implicit; it++) {
    const long gi = it % a->groups;
    const float *w = a->w + gi * jb->m * jb->kk, *bias = a->bias ? a->bias + gi * jb->m : NULL;
    float *out = a->out + it * jb->m * jb->len;
    item_planes(jb, it, cols);
    fwdx(cols, jb->tap, jb->vd, jb->masks, w, bias, out, (int)jb->m, jb->nvec, (int)jb->kk, jb->len,
         cols + jb->planes_floats);
    fwd_tail(jb, cols, w, bias, out);
  }
  for (int64_t it = lo; it < hi && !jb->implicit; it++) {
    const long gi = it % a->groups;
    const float *w = a->w + gi * jb->m * jb->kk, *bias = a->bias ? a->bias + gi * jb->m : NULL;
    float *out = a->out + it * jb->m * jb->len;
    item_unfold(jb, it, cols + jb->planes_at, cols);
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

/* Where a slot's bias sums (doubles, `channels` of them) start in its accumulators. */
static double *bias_sums(float *acc, long cells) { return (double *)(acc + ((cells * (lanes + 1) + 1) & ~1L)); }

/* Images × groups [lo, hi) of the weight gradient (and bias), into this range's accumulators. */
static void wgrad_items(void *ctx, int64_t lo, int64_t hi) {
  struct conv_job *jb = ctx;
  const tg_conv *a = jb->a;
  float *cols = claim_slot(jb, lo);
  float *acc = cols + jb->cols_floats;
  const long cells = (long)a->groups * jb->m * jb->kk;
  for (int64_t it = lo; it < hi && jb->implicit; it++) {
    const long gi = it % a->groups;
    const float *gy = a->gy + it * jb->m * jb->len;
    float *tail = acc + cells * lanes + gi * jb->m * jb->kk;
    double *bs = a->gb ? bias_sums(acc, cells) + gi * jb->m : NULL;
    item_planes(jb, it, cols);
    wgradx(cols, jb->tap, jb->vd, jb->masks, gy, (int)jb->m, jb->nvec, jb->plain, (int)jb->kk, jb->len,
           acc + gi * jb->m * jb->kk * lanes, bs);
    for (long p = (long)jb->nvec * lanes; p < jb->len; p++) {
      const float *at = cols + position_offset(jb, p);
      for (long o = 0; o < jb->m; o++) {
        const float d = gy[o * jb->len + p];
        for (long q = 0; q < jb->kk; q++) tail[o * jb->kk + q] += d * at[jb->tap[q]];
        if (bs) bs[o] += d;
      }
    }
  }
  for (int64_t it = lo; it < hi && !jb->implicit; it++) {
    const long gi = it % a->groups;
    item_unfold(jb, it, cols + jb->planes_at, cols);
    /* gW += gy·colsᵀ on the gemm (colsᵀ packed: len × kk) into the per-cell sums, else in tiles. */
    float *pb = cols + jb->kk * jb->len;
    if (!jb->gemm || tg_pack_b(cols, 1, (int)jb->len, (int)jb->kk, pb) != 0 ||
        tg_gemm_packed(a->gy + it * jb->m * jb->len, jb->len, pb, acc + cells * lanes + gi * jb->m * jb->kk, jb->kk,
                       (int)jb->m, (int)jb->kk, (int)jb->len, 1) != 0)
      for (long o0 = 0; o0 < jb->m; o0 += grad_rows)
        wgrad(a->gy + it * jb->m * jb->len, cols, (int)o0, (int)(jb->m - o0 < grad_rows ? jb->m - o0 : grad_rows),
              (int)jb->kk, (int)jb->len, acc + gi * jb->m * jb->kk * lanes, acc + cells * lanes + gi * jb->m * jb->kk);
    if (a->gb) {
      double *bs = bias_sums(acc, cells) + gi * jb->m;
      for (long o = 0; o < jb->m; o++) bs[o] += row_sum(a->gy + (it * jb->m + o) * jb->len, jb->len);
    }
  }
}

/*
 * The tap offsets in the padded planes and, for the implicit columns, the position vectors and
 * masks (lanes from s on, for s in [0, VL]), in one block at jb->tap; 0 or −1.
 */
static int tables(struct conv_job *jb) {
  const tg_window *g = &jb->a->g;
  const long cg = g->c / jb->a->groups;
  jb->nvec = jb->implicit ? (int)(jb->len / lanes) : 0;
  jb->tap = malloc(sizeof(int) * (jb->kk + (lanes + 1) * lanes) + sizeof(conv_vec) * jb->nvec);
  if (!jb->tap) return -1;
  jb->masks = jb->tap + jb->kk;
  jb->vd = (conv_vec *)(jb->masks + (lanes + 1) * lanes);
  for (long ch = 0, q = 0; ch < cg; ch++)
    for (long i = 0; i < g->kh; i++)
      for (long j = 0; j < g->kw; j++) jb->tap[q++] = (int)((ch * jb->hp + i * g->dh) * jb->wp + j * g->dw);
  for (int s = 0; s <= lanes; s++)
    for (int u = 0; u < lanes; u++) jb->masks[s * lanes + u] = u >= s ? -1 : 0;
  /* Those within one row first, then those reaching into the next (blended). */
  jb->plain = 0;
  for (int pass = 0, at = 0; pass < 2; pass++)
    for (int v = 0; v < jb->nvec; v++) {
      const long p = (long)v * lanes, x = p % g->ow, split = g->ow - x < lanes ? g->ow - x : lanes;
      const long next = (p / g->ow + 1) * g->sh * jb->wp - split;
      if ((split < lanes) != pass) continue;
      jb->vd[at++] = (conv_vec){(int)p, (int)position_offset(jb, p), (int)(split < lanes ? next : 0), (int)split};
      jb->plain += !pass;
    }
  return 0;
}

/*
 * Sets up `jb` for `a` with `slots` scratch slots of columns (or padded planes) and `acc` floats
 * each; 0 or −1. The implicit columns serve stride 1 across with output rows at least a vector
 * wide (a vector then reaches into one next row at most); the rest unfolds each image from its
 * padded planes, with the products on the gemm from GEMM_FROM, else in register tiles.
 */
static int start_job(struct conv_job *jb, const tg_conv *a, int slots, long acc) {
  const tg_window *g = &a->g;
  jb->a = a;
  jb->m = a->channels / a->groups;
  jb->kk = g->c / a->groups * g->kh * g->kw;
  jb->len = g->oh * g->ow;
  jb->hp = (g->oh - 1) * g->sh + (g->kh - 1) * g->dh + 1;
  jb->wp = (g->ow - 1) * g->sw + (g->kw - 1) * g->dw + 1;
  /* Offsets into an item's padded planes are ints: a gigabyte an image is refused (−1). */
  if (g->c / a->groups * jb->hp * jb->wp >= (1L << 28)) return -1;
  jb->implicit = g->sw == 1 && g->ow >= lanes;
  if (tables(jb) != 0) return -1;
  /* Padded planes and a vector's reach past their end (a blended load's unused lanes), then,
   * implicit, the forward's block of columns (XV ≤ 4 vectors of every tap). */
  jb->planes_floats = (g->c / a->groups * jb->hp * jb->wp + 2L * lanes + 15) & ~15L;
  jb->gemm = !jb->implicit && GEMM_FROM(jb->kk, jb->len) && *tg_gemm_isa();
  /* Unfolded: the columns, the gemm's packed colsᵀ or its product outᵀ, then the padded planes. */
  const long packed = tg_packed_b_floats((int)jb->len, (int)jb->kk), product = jb->len * jb->m;
  jb->planes_at = (jb->kk * jb->len + (jb->gemm ? (packed > product ? packed : product) : 0) + 15) & ~15L;
  jb->cols_floats = jb->implicit ? jb->planes_floats + jb->kk * 4 * lanes : jb->planes_at + jb->planes_floats;
  jb->acc_floats = (acc + 15) & ~15L;
  atomic_init(&jb->slot, 0);
  jb->scratch = calloc((size_t)slots * (jb->cols_floats + jb->acc_floats), sizeof(float));
  if (!jb->scratch) free(jb->tap);
  return jb->scratch ? 0 : -1;
}

static void end_job(struct conv_job *jb) {
  free(jb->scratch);
  free(jb->tap);
}

static int slots_for(int threads) { return threads < 1 ? 1 : threads > MAX_SLOTS ? MAX_SLOTS : threads; }

int tg_conv_forward(const tg_conv *a, int threads) {
  struct conv_job jb;
  const int t = slots_for(threads);
  if (start_job(&jb, a, t, 0) != 0) return -1;
  const int64_t items = a->g.n * a->groups;
  tg_parallel(fwd_items, &jb, items, items * jb.m * jb.len * jb.kk >= SPLIT_MIN ? t : 1);
  end_job(&jb);
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
  end_job(&jb);
  return 0;
}
