/* Native float32 optimiser steps for @tapegrad/core: see optim.c. */
#ifndef TAPEGRAD_OPTIM_H
#define TAPEGRAD_OPTIM_H

/* One Adam step over n elements (KernelBackend.adam; AdamArgs in src/kernels/optim.ts). */
typedef struct {
  float *w, *m, *v;
  const float *g;
  long n;
  float step_size, beta1, beta2, eps, root_bc2, l2, shrink;
} tg_adam_args;

void tg_adam(const tg_adam_args *a);

/* Uses the loop compiled for `isa` ("avx512", "avx2"; anything else: the portable one). */
void tg_optim_use(const char *isa);

#endif
