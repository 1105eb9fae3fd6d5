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
 * A split call's shared state: one scratch slot per range a thread takes (its columns, and for
 * the weight gradient its accumulators), claimed in turn; `first` records each slot's first
 * item, so that the slots' sums are added in item order whichever thread took which.
 */
struct conv_job {
  const tg_conv *a;
  int lanes; /* floats a vector of the kernels in use */
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

/*
 * Sets up `jb` for `a` with `slots` scratch slots of columns (or padded planes) and `acc` floats
 * each, for kernels of `lanes` floats a vector; 0 or −1 (nothing to free then).
 */
int conv_start_job(struct conv_job *jb, const tg_conv *a, int slots, long acc, int lanes);
void conv_end_job(struct conv_job *jb);
/* The next free slot's scratch, for the range of items from `lo`. */
float *conv_claim_slot(struct conv_job *jb, int64_t lo);
/* The planes of item `it` into `xs`, padded to hp × wp. */
void conv_item_planes(const struct conv_job *jb, int64_t it, float *xs);
/* The columns of item `it` (kk × len) into `cols`, through its padded planes in `xs`. */
void conv_item_unfold(const struct conv_job *jb, int64_t it, float *xs, float *cols);
/* Where output position p's columns start in the padded planes (stride 1 across). */
long conv_position_offset(const struct conv_job *jb, long p);

#endif
