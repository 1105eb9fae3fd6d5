/*
 * Native float32 sliding-window kernels: the JS reference's loops (src/kernels/js/window.ts) in
 * C, on the typed arrays' own memory. Plain C that GCC vectorises at -O3 (the stride-1 copies of
 * im2col, the bias rows, the row sums). Large calls are split by planes (or rows) over the gemm's
 * thread pool (tg_parallel), each thread writing its own part. The N-API side (binding.c) checks
 * every size against the arrays before calling them.
 */
#include "window.h"

#include "gemm.h"

#include <math.h>
#include <string.h>

/* The window positions j in [0, ow) whose tap at offset `off` lands in [0, w): [*j0, *j1). */
static void valid_range(int64_t off, int64_t stride, int64_t w, int64_t ow, int64_t *j0, int64_t *j1) {
  int64_t lo = off >= 0 ? 0 : (-off + stride - 1) / stride;
  if (lo > ow) lo = ow;
  int64_t hi = w - 1 - off < 0 ? 0 : (w - 1 - off) / stride + 1;
  if (hi > ow) hi = ow;
  *j0 = lo;
  *j1 = hi < lo ? lo : hi;
}

/* What a split window kernel's ranges need. */
struct window_job {
  const tg_window *g;
  const float *in;
  float *out;
  int32_t *idx;
};

/* Elements from which a kernel is split across threads: below, the hand-off costs more. */
#define SPLIT_MIN (1 << 16)

static int threads_for(int64_t elements, int threads) { return elements >= SPLIT_MIN ? threads : 1; }

static void im2col_planes(void *ctx, int64_t lo, int64_t hi) {
  const struct window_job *jb = ctx;
  const tg_window *g = jb->g;
  const float *restrict x = jb->in;
  float *restrict cols = jb->out;
  const int64_t l = g->oh * g->ow;
  for (int64_t m = lo; m < hi; m++) {
    const float *plane = x + m * g->h * g->w;
    for (int64_t a = 0; a < g->kh; a++) {
      for (int64_t b = 0; b < g->kw; b++) {
        const int64_t off = b * g->dw - g->pl;
        int64_t j0, j1;
        valid_range(off, g->sw, g->w, g->ow, &j0, &j1);
        float *row = cols + (m * g->kh * g->kw + a * g->kw + b) * l;
        for (int64_t i = 0; i < g->oh; i++, row += g->ow) {
          const int64_t y = i * g->sh - g->pt + a * g->dh;
          if (y < 0 || y >= g->h) {
            memset(row, 0, g->ow * sizeof(float));
            continue;
          }
          const float *src = plane + y * g->w + off;
          if (j0 > 0) memset(row, 0, j0 * sizeof(float));
          if (g->sw == 1) memcpy(row + j0, src + j0, (j1 - j0) * sizeof(float));
          else
            for (int64_t j = j0; j < j1; j++) row[j] = src[j * g->sw];
          if (j1 < g->ow) memset(row + j1, 0, (g->ow - j1) * sizeof(float));
        }
      }
    }
  }
}

void tg_im2col(const tg_window *g, const float *x, float *cols, int threads) {
  struct window_job jb = {g, x, cols, NULL};
  tg_parallel(im2col_planes, &jb, g->n * g->c, threads_for(g->n * g->c * g->kh * g->kw * g->oh * g->ow, threads));
}

void tg_im2col_planes(const tg_window *g, const float *x, float *cols, int64_t planes) {
  struct window_job jb = {g, x, cols, NULL};
  im2col_planes(&jb, 0, planes);
}

static void col2im_planes(void *ctx, int64_t lo, int64_t hi) {
  const struct window_job *jb = ctx;
  const tg_window *g = jb->g;
  const float *restrict cols = jb->in;
  float *restrict x = jb->out;
  const int64_t l = g->oh * g->ow;
  for (int64_t m = lo; m < hi; m++) {
    float *plane = x + m * g->h * g->w;
    for (int64_t a = 0; a < g->kh; a++) {
      for (int64_t b = 0; b < g->kw; b++) {
        const int64_t off = b * g->dw - g->pl;
        int64_t j0, j1;
        valid_range(off, g->sw, g->w, g->ow, &j0, &j1);
        const float *row = cols + (m * g->kh * g->kw + a * g->kw + b) * l;
        for (int64_t i = 0; i < g->oh; i++, row += g->ow) {
          const int64_t y = i * g->sh - g->pt + a * g->dh;
          if (y < 0 || y >= g->h) continue;
          float *dst = plane + y * g->w + off;
          if (g->sw == 1)
            for (int64_t j = j0; j < j1; j++) dst[j] += row[j];
          else
            for (int64_t j = j0; j < j1; j++) dst[j * g->sw] += row[j];
        }
      }
    }
  }
}

void tg_col2im(const tg_window *g, const float *cols, float *x, int threads) {
  struct window_job jb = {g, cols, x, NULL};
  tg_parallel(col2im_planes, &jb, g->n * g->c, threads_for(g->n * g->c * g->kh * g->kw * g->oh * g->ow, threads));
}

/*
 * The running maximum of a window and where it is: a NaN wins wherever it is and ties keep the
 * first (PyTorch: val > max || isnan(val)). Branch-free with SSE2 (selects by masks): with
 * branches, the comparison's coin tosses on real data cost 3× the time (7 against 2 ms for a
 * SimpleConvNet step's pooling).
 */
#ifdef __SSE2__
#include <emmintrin.h>
typedef struct {
  __m128 v;
  __m128i at;
} running_max;
static inline running_max max_start(float v, int64_t p) { return (running_max){_mm_set_ss(v), _mm_cvtsi32_si128((int)p)}; }
static inline void max_take(running_max *r, float x, int64_t p) {
  const __m128 v = _mm_set_ss(x);
  const __m128 mask = _mm_or_ps(_mm_cmpgt_ss(v, r->v), _mm_cmpunord_ss(v, v));
  r->v = _mm_or_ps(_mm_and_ps(mask, v), _mm_andnot_ps(mask, r->v));
  const __m128i mi = _mm_castps_si128(mask);
  r->at = _mm_or_si128(_mm_and_si128(mi, _mm_cvtsi32_si128((int)p)), _mm_andnot_si128(mi, r->at));
}
static inline float max_value(const running_max *r) { return _mm_cvtss_f32(r->v); }
static inline int32_t max_at(const running_max *r) { return _mm_cvtsi128_si32(r->at); }
#else
typedef struct {
  float v;
  int64_t at;
} running_max;
static inline running_max max_start(float v, int64_t p) { return (running_max){v, p}; }
static inline void max_take(running_max *r, float v, int64_t p) {
  if (v > r->v || v != v) {
    r->v = v;
    r->at = p;
  }
}
static inline float max_value(const running_max *r) { return r->v; }
static inline int32_t max_at(const running_max *r) { return (int32_t)r->at; }
#endif

/*
 * Max pooling whose windows all lie inside the image, without dilation (the common case: no
 * padding, or none needed): no clipping, and the first tap starts the search (the same rule as
 * starting from −∞).
 */
static void maxpool_inside(const tg_window *g, const float *restrict x, float *restrict out, int32_t *restrict idx,
                           int64_t lo, int64_t hi) {
  const int64_t h = g->h, w = g->w, oh = g->oh, ow = g->ow, kh = g->kh, kw = g->kw, sh = g->sh, sw = g->sw;
  for (int64_t m = lo; m < hi; m++) {
    for (int64_t i = 0; i < oh; i++) {
      const int64_t row = m * h * w + i * sh * w;
      float *o = out + (m * oh + i) * ow;
      int32_t *ix = idx + (m * oh + i) * ow;
      for (int64_t j = 0; j < ow; j++) {
        const int64_t start = row + j * sw;
        running_max r = max_start(x[start], start);
        for (int64_t a = 0; a < kh; a++)
          for (int64_t b = 0; b < kw; b++) max_take(&r, x[start + a * w + b], start + a * w + b);
        o[j] = max_value(&r);
        ix[j] = max_at(&r);
      }
    }
  }
}

#ifdef __SSE2__
/* One more tap of four windows at once: take c where it beats v or is NaN (max_take's rule). */
static inline void max_take4(__m128 *v, __m128i *at, __m128 c, __m128i p) {
  const __m128 mask = _mm_or_ps(_mm_cmpgt_ps(c, *v), _mm_cmpunord_ps(c, c));
  *v = _mm_or_ps(_mm_and_ps(mask, c), _mm_andnot_ps(mask, *v));
  const __m128i mi = _mm_castps_si128(mask);
  *at = _mm_or_si128(_mm_and_si128(mi, p), _mm_andnot_si128(mi, *at));
}

/*
 * 2×2 windows at stride 2 inside the image (a ConvNet's pooling): four windows at a time from
 * two rows of eight, split into their even and odd columns, in max_take's order and by its rule.
 * The scalar loop took 3.3 ms for a SimpleConvNet step's 1.73M inputs.
 */
static void maxpool_2x2(const tg_window *g, const float *restrict x, float *restrict out, int32_t *restrict idx,
                        int64_t lo, int64_t hi) {
  const int64_t h = g->h, w = g->w, oh = g->oh, ow = g->ow;
  const __m128i lanes = _mm_setr_epi32(0, 2, 4, 6), one = _mm_set1_epi32(1), down = _mm_set1_epi32((int)w);
  for (int64_t m = lo; m < hi; m++) {
    for (int64_t i = 0; i < oh; i++) {
      const int64_t base = m * h * w + 2 * i * w;
      const float *r0 = x + base, *r1 = r0 + w;
      float *o = out + (m * oh + i) * ow;
      int32_t *ix = idx + (m * oh + i) * ow;
      int64_t j = 0;
      for (; j + 4 <= ow; j += 4) {
        const __m128 a0 = _mm_loadu_ps(r0 + 2 * j), a1 = _mm_loadu_ps(r0 + 2 * j + 4);
        const __m128 b0 = _mm_loadu_ps(r1 + 2 * j), b1 = _mm_loadu_ps(r1 + 2 * j + 4);
        __m128 v = _mm_shuffle_ps(a0, a1, 0x88);
        const __m128i p = _mm_add_epi32(_mm_set1_epi32((int)(base + 2 * j)), lanes);
        __m128i at = p;
        max_take4(&v, &at, _mm_shuffle_ps(a0, a1, 0xDD), _mm_add_epi32(p, one));
        max_take4(&v, &at, _mm_shuffle_ps(b0, b1, 0x88), _mm_add_epi32(p, down));
        max_take4(&v, &at, _mm_shuffle_ps(b0, b1, 0xDD), _mm_add_epi32(_mm_add_epi32(p, down), one));
        _mm_storeu_ps(o + j, v);
        _mm_storeu_si128((__m128i *)(ix + j), at);
      }
      for (; j < ow; j++) {
        const int64_t start = base + 2 * j;
        running_max r = max_start(x[start], start);
        max_take(&r, x[start + 1], start + 1);
        max_take(&r, x[start + w], start + w);
        max_take(&r, x[start + w + 1], start + w + 1);
        o[j] = max_value(&r);
        ix[j] = max_at(&r);
      }
    }
  }
}
#endif

static void maxpool_planes(void *ctx, int64_t lo, int64_t hi) {
  const struct window_job *jb = ctx;
  const tg_window *g = jb->g;
  const float *restrict x = jb->in;
  float *restrict out = jb->out;
  int32_t *restrict idx = jb->idx;
  const int64_t h = g->h, w = g->w, oh = g->oh, ow = g->ow, kh = g->kh, kw = g->kw;
  const int64_t sh = g->sh, sw = g->sw, pt = g->pt, pl = g->pl, dh = g->dh, dw = g->dw;
  if (pt == 0 && pl == 0 && dh == 1 && dw == 1 && (oh - 1) * sh + kh <= h && (ow - 1) * sw + kw <= w) {
#ifdef __SSE2__
    if (kh == 2 && kw == 2 && sh == 2 && sw == 2) {
      maxpool_2x2(g, x, out, idx, lo, hi);
      return;
    }
#endif
    maxpool_inside(g, x, out, idx, lo, hi);
    return;
  }
  for (int64_t m = lo; m < hi; m++) {
    const int64_t plane = m * h * w;
    for (int64_t i = 0; i < oh; i++) {
      int64_t y0 = i * sh - pt;
      int64_t y1 = y0 + (kh - 1) * dh + 1;
      if (y1 > h) y1 = h;
      while (y0 < 0) y0 += dh;
      for (int64_t j = 0; j < ow; j++) {
        int64_t x0 = j * sw - pl;
        int64_t x1 = x0 + (kw - 1) * dw + 1;
        if (x1 > w) x1 = w;
        while (x0 < 0) x0 += dw;
        running_max r = max_start(-INFINITY, plane + y0 * w + x0);
        for (int64_t y = y0; y < y1; y += dh)
          for (int64_t p = plane + y * w + x0, end = plane + y * w + x1; p < end; p += dw) max_take(&r, x[p], p);
        const int64_t o = (m * oh + i) * ow + j;
        out[o] = max_value(&r);
        idx[o] = max_at(&r);
      }
    }
  }
}

void tg_maxpool2d(const tg_window *g, const float *x, float *out, int32_t *idx, int threads) {
  struct window_job jb = {g, x, out, idx};
  tg_parallel(maxpool_planes, &jb, g->n * g->c, threads_for(g->n * g->c * g->h * g->w, threads));
}

/* Rows of `inner` elements: the bias (row r gets b[r % channels]) and the row sums. */
struct rows_job {
  const float *in;
  float *out;
  const float *b;
  int64_t channels, inner;
};

static void bias_rows(void *ctx, int64_t lo, int64_t hi) {
  const struct rows_job *jb = ctx;
  for (int64_t r = lo; r < hi; r++) {
    const float v = jb->b[r % jb->channels];
    float *restrict row = jb->out + r * jb->inner;
    for (int64_t i = 0; i < jb->inner; i++) row[i] += v;
  }
}

void tg_add_bias(float *y, const float *b, int64_t outer, int64_t channels, int64_t inner, int threads) {
  struct rows_job jb = {NULL, y, b, channels, inner};
  tg_parallel(bias_rows, &jb, outer * channels, threads_for(outer * channels * inner, threads));
}

int64_t tg_scatter_add(const float *restrict g, const int32_t *restrict idx, int64_t n, float *restrict out, int64_t len) {
  for (int64_t i = 0; i < n; i++)
    if (idx[i] < 0 || idx[i] >= len) return i;
  for (int64_t i = 0; i < n; i++) out[idx[i]] += g[i];
  return -1;
}

static void sum_rows(void *ctx, int64_t lo, int64_t hi) {
  const struct rows_job *jb = ctx;
  const int64_t cols = jb->inner;
  float *restrict out = jb->out;
  for (int64_t r = lo; r < hi; r++) {
    const float *restrict row = jb->in + r * cols;
    /* Eight double lanes: vectorisable without reassociating a single sum. */
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t c = 0;
    for (; c + 8 <= cols; c += 8)
      for (int k = 0; k < 8; k++) s[k] += row[c + k];
    double t = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    for (; c < cols; c++) t += row[c];
    out[r] = (float)t;
  }
}

void tg_row_sums(const float *x, int64_t rows, int64_t cols, float *out, int threads) {
  struct rows_job jb = {x, out, NULL, 1, cols};
  tg_parallel(sum_rows, &jb, rows, threads_for(rows * cols, threads));
}

/* Column blocks of the column sums: a thread adds whole rows of its block of columns. */
#define COL_BLOCK 64

struct cols_job {
  const float *in;
  float *out;
  int64_t len, inner, blocks;
};

static void sum_cols(void *ctx, int64_t lo, int64_t hi) {
  const struct cols_job *jb = ctx;
  for (int64_t u = lo; u < hi; u++) {
    const int64_t o = u / jb->blocks, i0 = (u % jb->blocks) * COL_BLOCK;
    const int64_t i1 = i0 + COL_BLOCK < jb->inner ? i0 + COL_BLOCK : jb->inner;
    float *restrict out = jb->out + o * jb->inner;
    for (int64_t l = 0; l < jb->len; l++) {
      const float *restrict row = jb->in + (o * jb->len + l) * jb->inner;
      for (int64_t i = i0; i < i1; i++) out[i] += row[i];
    }
  }
}

void tg_col_sums(const float *x, int64_t outer, int64_t len, int64_t inner, float *out, int threads) {
  const int64_t blocks = (inner + COL_BLOCK - 1) / COL_BLOCK;
  struct cols_job jb = {x, out, len, inner, blocks};
  tg_parallel(sum_cols, &jb, outer * blocks, threads_for(outer * len * inner, threads));
}
