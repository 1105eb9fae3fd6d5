/* Native float32 convolution products for @tapegrad/core: see conv.c. */
#ifndef TAPEGRAD_CONV_H
#define TAPEGRAD_CONV_H

/*
 * KernelBackend's ConvForwardArgs and ConvWeightGradArgs in one record: batch images of groups
 * groups, each group `channels` output channels, `taps` rows of columns (C/groups·kh·kw) and
 * `positions` window positions. Forward reads w, cols, bias (may be NULL) and writes out;
 * the weight gradient reads gy, cols and writes gw.
 */
typedef struct {
  const float *w, *cols, *bias, *gy;
  float *out, *gw;
  int batch, groups, channels, taps, positions;
} tg_conv;

/* Uses the kernels of `isa` ("avx512", "avx2", else the portable ones). */
void tg_conv_use(const char *isa);
void tg_conv_forward(const tg_conv *a, int threads);
/* Returns 0, or −1 when its accumulators could not be allocated (nothing written then). */
int tg_conv_weight_grad(const tg_conv *a, int threads);

#endif
