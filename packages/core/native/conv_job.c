/*
 * A convolution call's job (conv.c): the scratch slots a split call's ranges take, an item's
 * padded planes (the padding is zero and never written) and its unfolded columns, and the tables
 * the kernels read the columns in place by: tap offsets in the padded planes, position vectors
 * and blend masks (conv_vec).
 */
#include "conv_job.h"

#include "gemm.h"

#include <stdlib.h>
#include <string.h>

float *conv_claim_slot(struct conv_job *jb) {
  return jb->scratch + atomic_fetch_add(&jb->slot, 1) * (jb->cols_floats + jb->acc_floats);
}

void conv_item_planes(const struct conv_job *jb, int64_t it, float *xs) {
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

long conv_position_offset(const struct conv_job *jb, long p) {
  const tg_window *g = &jb->a->g;
  return p / g->ow * g->sh * jb->wp + p % g->ow;
}

void conv_item_unfold(const struct conv_job *jb, int64_t it, float *xs, float *cols) {
  const tg_window *g = &jb->a->g;
  const long ow = g->ow, sw = g->sw;
  conv_item_planes(jb, it, xs);
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

/*
 * The tap offsets in the padded planes and, for the implicit columns, the position vectors and
 * masks (lanes from s on, for s in [0, VL]), in one block at jb->tap; 0 or −1.
 */
static int tables(struct conv_job *jb) {
  const int lanes = jb->lanes;
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
      jb->vd[at++] = (conv_vec){(int)p, (int)conv_position_offset(jb, p), (int)(split < lanes ? next : 0), (int)split};
      jb->plain += !pass;
    }
  return 0;
}

/*
 * The implicit columns serve stride 1 across with output rows at least a vector wide (a vector
 * then reaches into one next row at most); the rest unfolds each image from its padded planes,
 * with the products on the gemm from GEMM_FROM, else in register tiles.
 */
int conv_start_job(struct conv_job *jb, const tg_conv *a, int slots, long acc, long lane_acc, int lanes) {
  const tg_window *g = &a->g;
  jb->a = a;
  jb->lanes = lanes;
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
  jb->lane_floats = jb->gemm ? 0 : lane_acc;
  jb->acc_floats = (jb->lane_floats + acc + 15) & ~15L;
  atomic_init(&jb->slot, 0);
  jb->scratch = calloc((size_t)slots * (jb->cols_floats + jb->acc_floats), sizeof(float));
  if (!jb->scratch) free(jb->tap);
  return jb->scratch ? 0 : -1;
}

void conv_end_job(struct conv_job *jb) {
  free(jb->scratch);
  free(jb->tap);
}
