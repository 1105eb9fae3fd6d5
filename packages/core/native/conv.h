/* Native float32 convolution products for @tapegrad/core: see conv.c. */
#ifndef TAPEGRAD_CONV_H
#define TAPEGRAD_CONV_H

#include "window.h"

/*
 * KernelBackend's ConvForwardArgs and ConvWeightGradArgs in one record: x (g.n images of g.c
 * planes) convolved with w (`channels` × g.c/groups·kh·kw) in `groups` groups. Forward reads x,
 * w, bias (may be NULL) and writes out (n × channels × oh·ow); the weight gradient reads x, gy
 * (as out) and writes gw (as w) and, unless NULL, gb (channels: Σ gy over images and positions).
 */
typedef struct {
  tg_window g;
  const float *x, *w, *bias, *gy;
  float *out, *gw, *gb;
  int groups, channels;
} tg_conv;

/* Uses the kernels of `isa` ("avx512", "avx2", else the portable ones). */
void tg_conv_use(const char *isa);
/*
 * Both return 0, or −1 when their scratch could not be allocated (nothing written then). The
 * forward's images go to up to `threads` threads. The weight gradient's images are cut into
 * `ranges` ranges (one when the call is small), each summed apart on whichever of up to `threads`
 * threads takes it and the partial sums added in range order: for a given `ranges` its bits do
 * not depend on `threads`, nor on the pool being busy.
 */
int tg_conv_forward(const tg_conv *a, int threads);
int tg_conv_weight_grad(const tg_conv *a, int ranges, int threads);

#endif
