/* A convolution call's job for conv.c: see conv_job.c. */
#ifndef TAPEGRAD_CONV_JOB_H
#define TAPEGRAD_CONV_JOB_H

#include "conv.h"

#include <stdatomic.h>

/* Ranges a call may be split into (the pool's most threads). */
#define MAX_SLOTS 64
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

/*
 * A split call's shared state: scratch slots (their columns, and for the weight gradient their
 * accumulators), claimed in turn by the forward's ranges, one to each of the weight gradient's.
 */
struct conv_job {
  const tg_conv *a;
  int lanes; /* floats a vector of the kernels in use */
  long m, kk, len, cols_floats, acc_floats, lane_floats, planes_floats, planes_at;
  float *scratch;
  /* The implicit columns (`implicit`): padded planes hp × wp, tap offsets, position vectors, masks. */
  int implicit, nvec, plain;
  /* The unfolded path's products on the gemm (packed operands after the columns), where it is faster. */
  int gemm;
  long hp, wp;
  int *tap, *masks;
  conv_vec *vd;
  atomic_int slot;
};

/*
 * Sets up `jb` for `a` with `slots` scratch slots of columns (or padded planes) and `acc` floats
 * each, after `lane_acc` floats of per-lane sums unless the products run on the gemm (which sums
 * into the `acc` floats alone), for kernels of `lanes` floats a vector; 0 or −1 (nothing to free then).
 */
int conv_start_job(struct conv_job *jb, const tg_conv *a, int slots, long acc, long lane_acc, int lanes);
void conv_end_job(struct conv_job *jb);
/* The next free slot's scratch. */
float *conv_claim_slot(struct conv_job *jb);
/* The planes of item `it` into `xs`, padded to hp × wp. */
void conv_item_planes(const struct conv_job *jb, int64_t it, float *xs);
/* The columns of item `it` (kk × len) into `cols`, through its padded planes in `xs`. */
void conv_item_unfold(const struct conv_job *jb, int64_t it, float *xs, float *cols);
/* Where output position p's columns start in the padded planes (stride 1 across). */
long conv_position_offset(const struct conv_job *jb, long p);

#endif
