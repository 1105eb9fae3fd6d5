/* Native float32 sliding-window kernels for @tapegrad/core: see window.c. */
#ifndef TAPEGRAD_WINDOW_H
#define TAPEGRAD_WINDOW_H

#include <stdint.h>

/* The geometry of kernels/backend.ts's WindowGeometry, field for field. */
typedef struct {
  int64_t n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow;
} tg_window;

/* Each kernel splits a large call over up to `threads` threads (tg_parallel). */
void tg_im2col(const tg_window *g, const float *x, float *cols, int threads);
/* im2col of `planes` planes from x into cols on the calling thread (a convolution's per-image columns). */
void tg_im2col_planes(const tg_window *g, const float *x, float *cols, int64_t planes);
void tg_col2im(const tg_window *g, const float *cols, float *x, int threads);
void tg_maxpool2d(const tg_window *g, const float *x, float *out, int32_t *idx, int threads);
/*
 * Max pooling's backward (max_pool_backward.c): dx = gy at the winners' indices idx (as
 * tg_maxpool2d wrote them), 0 + gy there and zero elsewhere, every element of dx written. Returns
 * −1 when an index lies outside its window's plane (that gradient is dropped; the 2×2 stride-2
 * path drops one outside its window without telling), else 0.
 */
int tg_maxpool2d_backward(const tg_window *g, const float *gy, const int32_t *idx, float *dx, int threads);
void tg_add_bias(float *y, const float *b, int64_t outer, int64_t channels, int64_t inner, int threads);
/* out[idx[i]] += g[i] for i < n; returns the first i whose index is outside [0, len), else −1 (nothing written then). */
int64_t tg_scatter_add(const float *g, const int32_t *idx, int64_t n, float *out, int64_t len);
/* out[r] = Σ_c x[r·cols + c], accumulated in double. */
void tg_row_sums(const float *x, int64_t rows, int64_t cols, float *out, int threads);
/* out[o, i] += Σ_l x[o, l, i] in float, l in order (the JS kernel's sums): inner > 1. */
void tg_col_sums(const float *x, int64_t outer, int64_t len, int64_t inner, float *out, int threads);

#endif
