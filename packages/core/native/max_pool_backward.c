/*
 * Max pooling's backward (the JS reference: src/kernels/js/window.ts, maxPool2dBackward): dx is
 * gy at the winners' indices and zero elsewhere, every element of dx written in one pass, plane
 * by plane, so the zeros and the gradients meet in cache. Before this, the op zero-filled a fresh
 * dx and scatter-added gy into it: two passes over a SimpleConvNet step's 6.9 MB (3.7 ms).
 */
#include "window.h"

#include "gemm.h"

#include <string.h>

/* Elements from which the kernel is split across threads: below, the hand-off costs more. */
#define SPLIT_MIN (1 << 16)

struct pool_grad_job {
  const tg_window *g;
  const float *gy;
  const int32_t *idx;
  float *dx;
  int bad; /* set when an index lies outside its window's plane (that gradient is dropped) */
};

/*
 * Any windows: zero the plane, then add each window's gradient at its index (0 + gy, as the JS
 * kernel; overlapping windows add up in output order, as it does).
 */
static void planes_any(struct pool_grad_job *jb, int64_t lo, int64_t hi) {
  const tg_window *g = jb->g;
  const int64_t hw = g->h * g->w, l = g->oh * g->ow;
  for (int64_t m = lo; m < hi; m++) {
    float *restrict dx = jb->dx + m * hw;
    const float *restrict gy = jb->gy + m * l;
    const int32_t *restrict idx = jb->idx + m * l;
    memset(dx, 0, hw * sizeof(float));
    for (int64_t o = 0; o < l; o++) {
      const int64_t p = idx[o] - m * hw;
      if (p < 0 || p >= hw) {
        __atomic_store_n(&jb->bad, 1, __ATOMIC_RELAXED);
        continue;
      }
      dx[p] += gy[o];
    }
  }
}

#ifdef __SSE2__
#include <emmintrin.h>

/* 0 + (idx == p ? gy : 0) in four lanes: the JS kernel's value, −0 made 0. */
static inline __m128 pick4(__m128i idx, __m128i p, __m128 gy) {
  return _mm_add_ps(_mm_and_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(idx, p)), gy), _mm_setzero_ps());
}

/*
 * 2×2 windows at stride 2 inside the image (a ConvNet's pooling): four windows at a time, each
 * of their four taps compared with the winner's index, the even and odd columns interleaved
 * back into two rows of eight; the rows and the column past the last window are zeroed.
 */
static void planes_2x2(struct pool_grad_job *jb, int64_t lo, int64_t hi) {
  const tg_window *g = jb->g;
  const int64_t h = g->h, w = g->w, oh = g->oh, ow = g->ow;
  const __m128i lanes = _mm_setr_epi32(0, 2, 4, 6), one = _mm_set1_epi32(1), down = _mm_set1_epi32((int)w);
  for (int64_t m = lo; m < hi; m++) {
    for (int64_t i = 0; i < oh; i++) {
      const int64_t base = m * h * w + 2 * i * w;
      float *restrict r0 = jb->dx + base, *restrict r1 = r0 + w;
      const float *restrict gy = jb->gy + (m * oh + i) * ow;
      const int32_t *restrict ix = jb->idx + (m * oh + i) * ow;
      int64_t j = 0;
      for (; j + 4 <= ow; j += 4) {
        const __m128 v = _mm_loadu_ps(gy + j);
        const __m128i at = _mm_loadu_si128((const __m128i *)(ix + j));
        const __m128i p = _mm_add_epi32(_mm_set1_epi32((int)(base + 2 * j)), lanes), q = _mm_add_epi32(p, down);
        const __m128 a = pick4(at, p, v), b = pick4(at, _mm_add_epi32(p, one), v);
        const __m128 c = pick4(at, q, v), d = pick4(at, _mm_add_epi32(q, one), v);
        _mm_storeu_ps(r0 + 2 * j, _mm_unpacklo_ps(a, b));
        _mm_storeu_ps(r0 + 2 * j + 4, _mm_unpackhi_ps(a, b));
        _mm_storeu_ps(r1 + 2 * j, _mm_unpacklo_ps(c, d));
        _mm_storeu_ps(r1 + 2 * j + 4, _mm_unpackhi_ps(c, d));
      }
      for (; j < ow; j++) {
        const int64_t p = base + 2 * j;
        r0[2 * j] = (ix[j] == p ? gy[j] : 0.0f) + 0.0f;
        r0[2 * j + 1] = (ix[j] == p + 1 ? gy[j] : 0.0f) + 0.0f;
        r1[2 * j] = (ix[j] == p + w ? gy[j] : 0.0f) + 0.0f;
        r1[2 * j + 1] = (ix[j] == p + w + 1 ? gy[j] : 0.0f) + 0.0f;
      }
      for (int64_t col = 2 * ow; col < w; col++) r0[col] = r1[col] = 0.0f;
    }
    memset(jb->dx + m * h * w + 2 * oh * w, 0, (h - 2 * oh) * w * sizeof(float));
  }
}
#endif

static void pool_grad_planes(void *ctx, int64_t lo, int64_t hi) {
  struct pool_grad_job *jb = ctx;
  const tg_window *g = jb->g;
#ifdef __SSE2__
  if (g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->pt == 0 && g->pl == 0 && g->dh == 1 && g->dw == 1 &&
      2 * g->oh <= g->h && 2 * g->ow <= g->w) {
    planes_2x2(jb, lo, hi);
    return;
  }
#endif
  planes_any(jb, lo, hi);
}

int tg_maxpool2d_backward(const tg_window *g, const float *gy, const int32_t *idx, float *dx, int threads) {
  struct pool_grad_job jb = {g, gy, idx, dx, 0};
  const int64_t planes = g->n * g->c;
  tg_parallel(pool_grad_planes, &jb, planes, planes * g->h * g->w >= SPLIT_MIN ? threads : 1);
  return __atomic_load_n(&jb.bad, __ATOMIC_RELAXED) ? -1 : 0;
}
