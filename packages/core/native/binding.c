/*
 * The N-API face of the native kernels (built by node-gyp at `npm install`, see binding.gyp):
 *   isa(): string                      "avx512", "avx2", or "" when this CPU has neither
 *   sgemm(a, aOff, b, bOff, c, cOff, m, n, k, transA, transB, threads): void
 *   useIsa(name): boolean              switches to the "avx512" or "avx2" kernel if the CPU has it
 *   shutdown(): void                   stops the pool threads
 *   im2col(g, x, cols, t), col2im(g, cols, x, t), maxPool2d(g, x, out, idx, t),
 *   maxPool2dBackward(g, gy, idx, dx, t)
 *                                      window kernels; g is an Int32Array of the 14 WindowGeometry
 *                                      fields (n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow)
 *   addBias(y, b, outer, channels, inner, t), scatterAdd(g, idx, out, len), rowSums(x, rows, cols, out, t),
 *   colSums(x, outer, len, inner, out, t)
 *   binary(op, a, b, out, t), unary(op, x, out, t), reluGrad(gy, x, out, t), adam(w, g, m, v, scalars, t)
 *                                      elementwise kernels (elementwise.h); every array as long as `out`;
 *                                      `t`: the most threads a large call may be split over
 *   convForward(g, x, w, bias, out, groups, channels, t), convWeightGrad(g, x, gy, gw, gb, groups, channels, t)
 *                                      a convolution's products over its columns (conv.h); bias and gb may be null
 *   lstmCell(xw, xwOff, hw, bIh, bHh, c, cOff, batch, hidden, hOut, hOutOff, cOut, cOutOff, acts, actsOff, t)
 *   lstmCellBackward(gh, ghOff, gc, gcOff, ghIn, ghInOff, gcIn, gcInOff, acts, actsOff, c, cOff, batch,
 *                    hidden, gGates, gGatesOff, gcPrev, gcPrevOff, t)
 *   lstmSequence(x, wIh, wHh, bIh, bHh, out, acts, xh, steps, batch, in, hidden, t): boolean
 *   lstmSequenceBackward(gy, acts, out, wIh, wHh, gGates, gX, gState0, steps, batch, in, hidden, t): boolean
 *                                      a whole sequence (lstm_sequence.c), every array from 0; xh, gX
 *                                      and gState0 may be null; false when memory could not be had
 *   gruCell(xw, hw, bIh, bHh, h, batch, hidden, out, acts)
 *   gruCellBackward(gOut, acts, h, batch, hidden, gXw, gHw, gH)
 *                                      the recurrent cells (cells.c); biases may be null
 * Operands are Float32Arrays read and written in place. Every count and bound is checked here,
 * so a wrong call throws instead of touching memory outside the arrays.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>

#include "cells.h"
#include "conv.h"
#include "gemm.h"
#include "elementwise.h"
#include "window.h"

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) {                                                                       \
      napi_throw_error(env, NULL, "tapegrad native: N-API call failed: " #call);                   \
      return NULL;                                                                                 \
    }                                                                                              \
  } while (0)

static int f32_arg(napi_env env, napi_value v, float **data, size_t *len) {
  napi_typedarray_type type;
  void *p;
  napi_value buf;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, &p, &buf, &off) != napi_ok || type != napi_float32_array) return 0;
  *data = p;
  return 1;
}

static napi_value isa(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(napi_create_string_utf8(env, tg_gemm_isa(), NAPI_AUTO_LENGTH, &out));
  return out;
}

static napi_value sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 12) {
    napi_throw_type_error(env, NULL, "sgemm: expected 12 arguments (a, aOff, b, bOff, c, cOff, m, n, k, transA, transB, threads)");
    return NULL;
  }
  float *a, *b, *c;
  size_t la, lb, lc;
  if (!f32_arg(env, argv[0], &a, &la) || !f32_arg(env, argv[2], &b, &lb) || !f32_arg(env, argv[4], &c, &lc)) {
    napi_throw_type_error(env, NULL, "sgemm: a, b and c must be Float32Arrays");
    return NULL;
  }
  int64_t v[9];
  const int idx[9] = {1, 3, 5, 6, 7, 8, 9, 10, 11};
  for (int i = 0; i < 9; i++) {
    if (napi_get_value_int64(env, argv[idx[i]], &v[i]) != napi_ok || v[i] < 0) {
      napi_throw_range_error(env, NULL, "sgemm: offsets, sizes, flags and threads must be whole numbers >= 0");
      return NULL;
    }
  }
  int64_t aOff = v[0], bOff = v[1], cOff = v[2], m = v[3], n = v[4], k = v[5];
  if (m > INT32_MAX || n > INT32_MAX || k > INT32_MAX || (uint64_t)aOff + (uint64_t)(m * k) > la ||
      (uint64_t)bOff + (uint64_t)(k * n) > lb || (uint64_t)cOff + (uint64_t)(m * n) > lc) {
    napi_throw_range_error(env, NULL, "sgemm: an operand is shorter than its offset plus m·k, k·n or m·n");
    return NULL;
  }
  if (m > 0 && n > 0 && tg_sgemm(a + aOff, b + bOff, c + cOff, (int)m, (int)n, (int)k, v[6] != 0, v[7] != 0, (int)v[8]) != 0) {
    napi_throw_error(env, NULL, "sgemm: no memory for the packed panels, or no AVX2/AVX-512 on this CPU");
    return NULL;
  }
  return NULL;
}

static int i32_arg(napi_env env, napi_value v, int32_t **data, size_t *len) {
  napi_typedarray_type type;
  void *p;
  napi_value buf;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, &p, &buf, &off) != napi_ok || type != napi_int32_array) return 0;
  *data = p;
  return 1;
}

/* Reads `count` whole numbers ≥ 0 from argv[first…]; 0 (and a thrown RangeError) otherwise. */
static int counts(napi_env env, napi_value *argv, int first, int count, int64_t *out) {
  for (int i = 0; i < count; i++) {
    if (napi_get_value_int64(env, argv[first + i], &out[i]) != napi_ok || out[i] < 0 || out[i] > INT32_MAX) {
      napi_throw_range_error(env, NULL, "sizes must be whole numbers in [0, 2^31)");
      return 0;
    }
  }
  return 1;
}

/* The geometry in argv[0], checked: every field ≥ 0, kernel, stride and dilation ≥ 1. */
static int geometry(napi_env env, napi_value v, tg_window *g) {
  int32_t *f;
  size_t len;
  if (!i32_arg(env, v, &f, &len) || len != 14) {
    napi_throw_type_error(env, NULL, "window kernels: the geometry must be an Int32Array of 14 fields");
    return 0;
  }
  int64_t *dst = &g->n;
  for (int i = 0; i < 14; i++) {
    dst[i] = f[i];
    if (f[i] < 0 || ((i == 4 || i == 5 || i == 6 || i == 7 || i == 10 || i == 11) && f[i] < 1)) {
      napi_throw_range_error(env, NULL, "window kernels: sizes must be >= 0 and kernel, stride, dilation >= 1");
      return 0;
    }
  }
  return 1;
}

/* Whether an array of `len` elements holds a·b·c·d·e·f (products checked for overflow). */
static int holds(size_t len, int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f) {
  int64_t n = 1;
  const int64_t xs[6] = {a, b, c, d, e, f};
  for (int i = 0; i < 6; i++)
    if (__builtin_mul_overflow(n, xs[i], &n)) return 0;
  return (uint64_t)n <= len;
}

#define ARGS(count)                                                                                \
  size_t argc = count;                                                                             \
  napi_value argv[count];                                                                          \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));                                     \
  if (argc != count) {                                                                             \
    napi_throw_type_error(env, NULL, "expected " #count " arguments");                             \
    return NULL;                                                                                   \
  }

#define FAIL(kind, msg)                                                                            \
  do {                                                                                             \
    napi_throw_##kind(env, NULL, msg);                                                             \
    return NULL;                                                                                   \
  } while (0)

static napi_value im2col(napi_env env, napi_callback_info info) {
  ARGS(4);
  int64_t threads;
  if (!counts(env, argv, 3, 1, &threads)) return NULL;
  tg_window g;
  float *x, *cols;
  size_t lx, lc;
  if (!geometry(env, argv[0], &g)) return NULL;
  if (!f32_arg(env, argv[1], &x, &lx) || !f32_arg(env, argv[2], &cols, &lc)) FAIL(type_error, "im2col: x and cols must be Float32Arrays");
  if (!holds(lx, g.n, g.c, g.h, g.w, 1, 1) || !holds(lc, g.n, g.c, g.kh, g.kw, g.oh, g.ow))
    FAIL(range_error, "im2col: x or cols is shorter than the geometry needs");
  tg_im2col(&g, x, cols, (int)threads);
  return NULL;
}

static napi_value col2im(napi_env env, napi_callback_info info) {
  ARGS(4);
  int64_t threads;
  if (!counts(env, argv, 3, 1, &threads)) return NULL;
  tg_window g;
  float *x, *cols;
  size_t lx, lc;
  if (!geometry(env, argv[0], &g)) return NULL;
  if (!f32_arg(env, argv[1], &cols, &lc) || !f32_arg(env, argv[2], &x, &lx)) FAIL(type_error, "col2im: cols and x must be Float32Arrays");
  if (!holds(lx, g.n, g.c, g.h, g.w, 1, 1) || !holds(lc, g.n, g.c, g.kh, g.kw, g.oh, g.ow))
    FAIL(range_error, "col2im: x or cols is shorter than the geometry needs");
  tg_col2im(&g, cols, x, (int)threads);
  return NULL;
}

/*
 * Max pooling's operands, checked against the geometry in `gv`: `big` has the input's n·c·h·w
 * elements (x, or dx), `small` and the indices `iv` the output's n·c·oh·ow (out, or gy). Throws
 * (naming `fn`) and returns 0 when one is wrong.
 */
static int pool_operands(napi_env env, const char *fn, napi_value gv, napi_value bigv, napi_value smallv, napi_value iv,
                         tg_window *g, float **big, float **small, int32_t **idx) {
  size_t lb, ls, li;
  char msg[160];
  if (!geometry(env, gv, g)) return 0;
  if (!f32_arg(env, bigv, big, &lb) || !f32_arg(env, smallv, small, &ls) || !i32_arg(env, iv, idx, &li)) {
    snprintf(msg, sizeof msg, "%s: the values must be Float32Arrays, the indices an Int32Array", fn);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  if (!holds(lb, g->n, g->c, g->h, g->w, 1, 1) || !holds(ls, g->n, g->c, g->oh, g->ow, 1, 1) ||
      !holds(li, g->n, g->c, g->oh, g->ow, 1, 1) || !holds(INT32_MAX, g->n, g->c, g->h, g->w, 1, 1)) {
    snprintf(msg, sizeof msg, "%s: an array is shorter than the geometry needs (or the input has 2^31 elements or more)", fn);
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

static napi_value max_pool2d(napi_env env, napi_callback_info info) {
  ARGS(5);
  int64_t threads;
  if (!counts(env, argv, 4, 1, &threads)) return NULL;
  tg_window g;
  float *x, *out;
  int32_t *idx;
  if (!pool_operands(env, "maxPool2d", argv[0], argv[1], argv[2], argv[3], &g, &x, &out, &idx)) return NULL;
  /* Every window must cover an element: the first tap of each axis's last window inside x. */
  if (g.oh > 0 && g.ow > 0 && ((g.oh - 1) * g.sh - g.pt >= g.h || (g.ow - 1) * g.sw - g.pl >= g.w))
    FAIL(range_error, "maxPool2d: a window lies outside x");
  tg_maxpool2d(&g, x, out, idx, (int)threads);
  return NULL;
}

static napi_value max_pool2d_backward(napi_env env, napi_callback_info info) {
  ARGS(5);
  int64_t threads;
  if (!counts(env, argv, 4, 1, &threads)) return NULL;
  tg_window g;
  float *gy, *dx;
  int32_t *idx;
  if (!pool_operands(env, "maxPool2dBackward", argv[0], argv[3], argv[1], argv[2], &g, &dx, &gy, &idx)) return NULL;
  if (tg_maxpool2d_backward(&g, gy, idx, dx, (int)threads) < 0)
    FAIL(range_error, "maxPool2dBackward: an index lies outside its window's plane");
  return NULL;
}

static napi_value add_bias(napi_env env, napi_callback_info info) {
  ARGS(6);
  int64_t threads;
  if (!counts(env, argv, 5, 1, &threads)) return NULL;
  float *y, *b;
  size_t ly, lb;
  int64_t v[3];
  if (!f32_arg(env, argv[0], &y, &ly) || !f32_arg(env, argv[1], &b, &lb)) FAIL(type_error, "addBias: y and b must be Float32Arrays");
  if (!counts(env, argv, 2, 3, v)) return NULL;
  if (!holds(ly, v[0], v[1], v[2], 1, 1, 1) || (uint64_t)v[1] > lb) FAIL(range_error, "addBias: y or b is too short");
  tg_add_bias(y, b, v[0], v[1], v[2], (int)threads);
  return NULL;
}

static napi_value scatter_add(napi_env env, napi_callback_info info) {
  ARGS(4);
  float *g, *out;
  int32_t *idx;
  size_t lg, li, lo;
  int64_t len;
  if (!f32_arg(env, argv[0], &g, &lg) || !i32_arg(env, argv[1], &idx, &li) || !f32_arg(env, argv[2], &out, &lo))
    FAIL(type_error, "scatterAdd: g and out must be Float32Arrays, idx an Int32Array");
  if (!counts(env, argv, 3, 1, &len)) return NULL;
  if (li > lg || (uint64_t)len > lo) FAIL(range_error, "scatterAdd: g or out is too short");
  if (tg_scatter_add(g, idx, (int64_t)li, out, len) >= 0) FAIL(range_error, "scatterAdd: an index is out of range");
  return NULL;
}

static napi_value row_sums(napi_env env, napi_callback_info info) {
  ARGS(5);
  int64_t threads;
  if (!counts(env, argv, 4, 1, &threads)) return NULL;
  float *x, *out;
  size_t lx, lo;
  int64_t v[2];
  if (!f32_arg(env, argv[0], &x, &lx) || !f32_arg(env, argv[3], &out, &lo)) FAIL(type_error, "rowSums: x and out must be Float32Arrays");
  if (!counts(env, argv, 1, 2, v)) return NULL;
  if (!holds(lx, v[0], v[1], 1, 1, 1, 1) || (uint64_t)v[0] > lo) FAIL(range_error, "rowSums: x or out is too short");
  tg_row_sums(x, v[0], v[1], out, (int)threads);
  return NULL;
}

static napi_value col_sums(napi_env env, napi_callback_info info) {
  ARGS(6);
  int64_t threads;
  if (!counts(env, argv, 5, 1, &threads)) return NULL;
  float *x, *out;
  size_t lx, lo;
  int64_t v[3];
  if (!f32_arg(env, argv[0], &x, &lx) || !f32_arg(env, argv[4], &out, &lo)) FAIL(type_error, "colSums: x and out must be Float32Arrays");
  if (!counts(env, argv, 1, 3, v)) return NULL;
  if (!holds(lx, v[0], v[1], v[2], 1, 1, 1) || !holds(lo, v[0], v[2], 1, 1, 1, 1)) FAIL(range_error, "colSums: x or out is too short");
  tg_col_sums(x, v[0], v[1], v[2], out, (int)threads);
  return NULL;
}

static napi_value binary(napi_env env, napi_callback_info info) {
  ARGS(5);
  int64_t threads;
  if (!counts(env, argv, 4, 1, &threads)) return NULL;
  int64_t op;
  float *a, *b, *out;
  size_t la, lb, lo;
  if (!counts(env, argv, 0, 1, &op)) return NULL;
  if (!f32_arg(env, argv[1], &a, &la) || !f32_arg(env, argv[2], &b, &lb) || !f32_arg(env, argv[3], &out, &lo))
    FAIL(type_error, "binary: a, b and out must be Float32Arrays");
  if (op > 2 || la < lo || lb < lo) FAIL(range_error, "binary: op must be 0-2 and a, b as long as out");
  tg_binary((int)op, a, b, out, (int64_t)lo, (int)threads);
  return NULL;
}

static napi_value unary(napi_env env, napi_callback_info info) {
  ARGS(4);
  int64_t threads;
  if (!counts(env, argv, 3, 1, &threads)) return NULL;
  int64_t op;
  float *x, *out;
  size_t lx, lo;
  if (!counts(env, argv, 0, 1, &op)) return NULL;
  if (!f32_arg(env, argv[1], &x, &lx) || !f32_arg(env, argv[2], &out, &lo)) FAIL(type_error, "unary: x and out must be Float32Arrays");
  if (op > 1 || lx < lo) FAIL(range_error, "unary: op must be 0-1 and x as long as out");
  tg_unary((int)op, x, out, (int64_t)lo, (int)threads);
  return NULL;
}

static napi_value relu_grad(napi_env env, napi_callback_info info) {
  ARGS(4);
  int64_t threads;
  if (!counts(env, argv, 3, 1, &threads)) return NULL;
  float *gy, *x, *out;
  size_t lg, lx, lo;
  if (!f32_arg(env, argv[0], &gy, &lg) || !f32_arg(env, argv[1], &x, &lx) || !f32_arg(env, argv[2], &out, &lo))
    FAIL(type_error, "reluGrad: gy, x and out must be Float32Arrays");
  if (lg < lo || lx < lo) FAIL(range_error, "reluGrad: gy and x must be as long as out");
  tg_relu_grad(gy, x, out, (int64_t)lo, (int)threads);
  return NULL;
}

/*
 * Reads argument `i` as a Float32Array (or null where `nullable`) and argument `i + 1` as its
 * offset when `with_off`; checks that `count` floats fit from there. Returns the pointer at the
 * offset, or NULL with `*ok` cleared (a JS error thrown).
 */
static const float *span(napi_env env, napi_value *argv, int i, int with_off, long count, int nullable, int *ok,
                         const char *fn) {
  if (!*ok) return NULL;
  napi_valuetype t;
  if (nullable && napi_typeof(env, argv[i], &t) == napi_ok && t == napi_null) return NULL;
  float *p;
  size_t len;
  int64_t off = 0;
  if (!f32_arg(env, argv[i], &p, &len) ||
      (with_off && (napi_get_value_int64(env, argv[i + 1], &off) != napi_ok || off < 0)) || count < 0 ||
      (uint64_t)off + (uint64_t)count > len) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s: argument %d must be a Float32Array holding %ld floats from its offset", fn, i, count);
    napi_throw_range_error(env, NULL, msg);
    *ok = 0;
    return NULL;
  }
  return p + off;
}

/* Batch and hidden size from arguments i and i + 1 (whole numbers ≥ 1 … 2³¹). */
static int sizes(napi_env env, napi_value *argv, int i, int *batch, int *hidden, const char *fn) {
  int64_t b, h;
  if (napi_get_value_int64(env, argv[i], &b) != napi_ok || napi_get_value_int64(env, argv[i + 1], &h) != napi_ok ||
      b < 0 || h < 0 || b > INT32_MAX / 8 || h > INT32_MAX / 8) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s: batch and hidden must be whole numbers >= 0", fn);
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  *batch = (int)b, *hidden = (int)h;
  return 1;
}

#define NAMED_ARGS(n, fn)                                                                          \
  size_t argc = n;                                                                                 \
  napi_value argv[n];                                                                              \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));                                     \
  if (argc != n) {                                                                                 \
    napi_throw_type_error(env, NULL, fn ": expected " #n " arguments");                            \
    return NULL;                                                                                   \
  }

static napi_value lstm_cell(napi_env env, napi_callback_info info) {
  NAMED_ARGS(16, "lstmCell");
  int b, h, ok = 1;
  int64_t threads;
  if (!sizes(env, argv, 7, &b, &h, "lstmCell") || !counts(env, argv, 15, 1, &threads)) return NULL;
  long bh = (long)b * h, g = 4L * b * h;
  tg_lstm_fwd a = {
      .xw = span(env, argv, 0, 1, g, 0, &ok, "lstmCell"),
      .hw = span(env, argv, 2, 0, g, 0, &ok, "lstmCell"),
      .bih = span(env, argv, 3, 0, 4L * h, 1, &ok, "lstmCell"),
      .bhh = span(env, argv, 4, 0, 4L * h, 1, &ok, "lstmCell"),
      .c = span(env, argv, 5, 1, bh, 0, &ok, "lstmCell"),
      .h_out = (float *)span(env, argv, 9, 1, bh, 0, &ok, "lstmCell"),
      .c_out = (float *)span(env, argv, 11, 1, bh, 0, &ok, "lstmCell"),
      .acts = (float *)span(env, argv, 13, 1, 5 * bh, 0, &ok, "lstmCell"),
      .batch = b,
      .hidden = h,
  };
  if (ok) tg_lstm_cell(&a, (int)threads);
  return NULL;
}

static napi_value lstm_cell_backward(napi_env env, napi_callback_info info) {
  NAMED_ARGS(19, "lstmCellBackward");
  int b, h, ok = 1;
  int64_t threads;
  if (!sizes(env, argv, 12, &b, &h, "lstmCellBackward") || !counts(env, argv, 18, 1, &threads)) return NULL;
  long bh = (long)b * h;
  tg_lstm_bwd a = {
      .gh = span(env, argv, 0, 1, bh, 0, &ok, "lstmCellBackward"),
      .gc = span(env, argv, 2, 1, bh, 0, &ok, "lstmCellBackward"),
      .gh_in = span(env, argv, 4, 1, bh, 1, &ok, "lstmCellBackward"),
      .gc_in = span(env, argv, 6, 1, bh, 1, &ok, "lstmCellBackward"),
      .acts = span(env, argv, 8, 1, 5 * bh, 0, &ok, "lstmCellBackward"),
      .c = span(env, argv, 10, 1, bh, 0, &ok, "lstmCellBackward"),
      .g_gates = (float *)span(env, argv, 14, 1, 4 * bh, 0, &ok, "lstmCellBackward"),
      .gc_prev = (float *)span(env, argv, 16, 1, bh, 0, &ok, "lstmCellBackward"),
      .batch = b,
      .hidden = h,
  };
  if (ok) tg_lstm_cell_backward(&a, (int)threads);
  return NULL;
}

/* Steps, batch, input and hidden size from argv[i…i+3], and threads from argv[i+4]. */
static int seq_sizes(napi_env env, napi_value *argv, int i, int64_t *v) {
  if (!counts(env, argv, i, 5, v)) return 0;
  if (v[0] * v[1] > INT32_MAX / 8 || v[2] + v[3] > INT32_MAX / 8 || v[3] > INT32_MAX / 8) {
    napi_throw_range_error(env, NULL, "lstmSequence: sizes too large");
    return 0;
  }
  return 1;
}

static napi_value boolean(napi_env env, int value) {
  napi_value out;
  CHECK(napi_get_boolean(env, value, &out));
  return out;
}

static napi_value lstm_sequence(napi_env env, napi_callback_info info) {
  NAMED_ARGS(13, "lstmSequence");
  int64_t v[5];
  int ok = 1;
  if (!seq_sizes(env, argv, 8, v)) return NULL;
  const long t = v[0], b = v[1], in = v[2], h = v[3];
  tg_lstm_seq a = {
      .x = span(env, argv, 0, 0, t * b * in, 0, &ok, "lstmSequence"),
      .w_ih = span(env, argv, 1, 0, 4 * h * in, 0, &ok, "lstmSequence"),
      .w_hh = span(env, argv, 2, 0, 4 * h * h, 0, &ok, "lstmSequence"),
      .b_ih = span(env, argv, 3, 0, 4 * h, 1, &ok, "lstmSequence"),
      .b_hh = span(env, argv, 4, 0, 4 * h, 1, &ok, "lstmSequence"),
      .out = (float *)span(env, argv, 5, 0, 2 * (t + 1) * b * h, 0, &ok, "lstmSequence"),
      .acts = (float *)span(env, argv, 6, 0, 5 * t * b * h, 0, &ok, "lstmSequence"),
      .xh = (float *)span(env, argv, 7, 0, t * b * (in + h), 1, &ok, "lstmSequence"),
      .steps = (int)t,
      .batch = (int)b,
      .in = (int)in,
      .hidden = (int)h,
  };
  if (!ok) return NULL;
  return boolean(env, tg_lstm_sequence(&a, (int)v[4]) == 0);
}

static napi_value lstm_sequence_backward(napi_env env, napi_callback_info info) {
  NAMED_ARGS(13, "lstmSequenceBackward");
  int64_t v[5];
  int ok = 1;
  if (!seq_sizes(env, argv, 8, v)) return NULL;
  const long t = v[0], b = v[1], in = v[2], h = v[3];
  tg_lstm_seq_bwd a = {
      .gy = span(env, argv, 0, 0, 2 * (t + 1) * b * h, 0, &ok, "lstmSequenceBackward"),
      .acts = span(env, argv, 1, 0, 5 * t * b * h, 0, &ok, "lstmSequenceBackward"),
      .out = span(env, argv, 2, 0, 2 * (t + 1) * b * h, 0, &ok, "lstmSequenceBackward"),
      .w_ih = span(env, argv, 3, 0, 4 * h * in, 0, &ok, "lstmSequenceBackward"),
      .w_hh = span(env, argv, 4, 0, 4 * h * h, 0, &ok, "lstmSequenceBackward"),
      .g_gates = (float *)span(env, argv, 5, 0, 4 * t * b * h, 0, &ok, "lstmSequenceBackward"),
      .g_x = (float *)span(env, argv, 6, 0, t * b * in, 1, &ok, "lstmSequenceBackward"),
      .g_state0 = (float *)span(env, argv, 7, 0, 2 * b * h, 1, &ok, "lstmSequenceBackward"),
      .steps = (int)t,
      .batch = (int)b,
      .in = (int)in,
      .hidden = (int)h,
  };
  if (!ok) return NULL;
  return boolean(env, tg_lstm_sequence_backward(&a, (int)v[4]) == 0);
}

static napi_value gru_cell(napi_env env, napi_callback_info info) {
  NAMED_ARGS(9, "gruCell");
  int b, h, ok = 1;
  if (!sizes(env, argv, 5, &b, &h, "gruCell")) return NULL;
  long bh = (long)b * h;
  tg_gru_fwd a = {
      .xw = span(env, argv, 0, 0, 3 * bh, 0, &ok, "gruCell"),
      .hw = span(env, argv, 1, 0, 3 * bh, 0, &ok, "gruCell"),
      .bih = span(env, argv, 2, 0, 3L * h, 1, &ok, "gruCell"),
      .bhh = span(env, argv, 3, 0, 3L * h, 1, &ok, "gruCell"),
      .h = span(env, argv, 4, 0, bh, 0, &ok, "gruCell"),
      .out = (float *)span(env, argv, 7, 0, bh, 0, &ok, "gruCell"),
      .acts = (float *)span(env, argv, 8, 0, 4 * bh, 0, &ok, "gruCell"),
      .batch = b,
      .hidden = h,
  };
  if (ok) tg_gru_cell(&a);
  return NULL;
}

static napi_value gru_cell_backward(napi_env env, napi_callback_info info) {
  NAMED_ARGS(8, "gruCellBackward");
  int b, h, ok = 1;
  if (!sizes(env, argv, 3, &b, &h, "gruCellBackward")) return NULL;
  long bh = (long)b * h;
  tg_gru_bwd a = {
      .g_out = span(env, argv, 0, 0, bh, 0, &ok, "gruCellBackward"),
      .acts = span(env, argv, 1, 0, 4 * bh, 0, &ok, "gruCellBackward"),
      .h = span(env, argv, 2, 0, bh, 0, &ok, "gruCellBackward"),
      .g_xw = (float *)span(env, argv, 5, 0, 3 * bh, 0, &ok, "gruCellBackward"),
      .g_hw = (float *)span(env, argv, 6, 0, 3 * bh, 0, &ok, "gruCellBackward"),
      .g_h = (float *)span(env, argv, 7, 0, bh, 0, &ok, "gruCellBackward"),
      .batch = b,
      .hidden = h,
  };
  if (ok) tg_gru_cell_backward(&a);
  return NULL;
}

static napi_value adam(napi_env env, napi_callback_info info) {
  ARGS(6);
  int64_t threads;
  if (!counts(env, argv, 5, 1, &threads)) return NULL;
  float *w, *g, *m, *v;
  size_t lw, lg, lm, lv, ls;
  napi_typedarray_type type;
  void *p;
  napi_value buf;
  size_t off;
  if (!f32_arg(env, argv[0], &w, &lw) || !f32_arg(env, argv[1], &g, &lg) || !f32_arg(env, argv[2], &m, &lm) ||
      !f32_arg(env, argv[3], &v, &lv))
    FAIL(type_error, "adam: w, g, m and v must be Float32Arrays");
  if (napi_get_typedarray_info(env, argv[4], &type, &ls, &p, &buf, &off) != napi_ok || type != napi_float64_array || ls != 7)
    FAIL(type_error, "adam: the scalars must be a Float64Array of 7");
  if (lg < lw || lm < lw || lv < lw) FAIL(range_error, "adam: g, m and v must be as long as w");
  tg_adam(w, g, m, v, (int64_t)lw, (const double *)p, (int)threads);
  return NULL;
}

/* A convolution's geometry, groups and channels (argv[0], argv[first], argv[first + 1]) into `a`, checked. */
static int conv_sizes(napi_env env, napi_value *argv, int first, tg_conv *a) {
  int64_t v[2];
  if (!geometry(env, argv[0], &a->g) || !counts(env, argv, first, 2, v)) return 0;
  if (v[0] < 1 || a->g.c % v[0] != 0 || v[1] % v[0] != 0) {
    napi_throw_range_error(env, NULL, "conv: groups must be >= 1 and divide the in and out channels");
    return 0;
  }
  a->groups = (int)v[0];
  a->channels = (int)v[1];
  return 1;
}

static napi_value conv_forward(napi_env env, napi_callback_info info) {
  ARGS(8);
  tg_conv a = {0};
  int64_t threads;
  if (!conv_sizes(env, argv, 5, &a) || !counts(env, argv, 7, 1, &threads)) return NULL;
  float *x, *w, *bias = NULL, *out;
  size_t lx, lw, lb = 0, lo;
  napi_valuetype bt;
  CHECK(napi_typeof(env, argv[3], &bt));
  if (!f32_arg(env, argv[1], &x, &lx) || !f32_arg(env, argv[2], &w, &lw) || !f32_arg(env, argv[4], &out, &lo) ||
      (bt != napi_null && !f32_arg(env, argv[3], &bias, &lb)))
    FAIL(type_error, "convForward: x, w and out must be Float32Arrays, bias one or null");
  const tg_window *g = &a.g;
  if (!holds(lx, g->n, g->c, g->h, g->w, 1, 1) || !holds(lw, a.channels, g->c / a.groups, g->kh, g->kw, 1, 1) ||
      !holds(lo, g->n, a.channels, g->oh, g->ow, 1, 1) || (bias && !holds(lb, a.channels, 1, 1, 1, 1, 1)))
    FAIL(range_error, "convForward: an array is shorter than the sizes need");
  a.x = x, a.w = w, a.bias = bias, a.out = out;
  if (tg_conv_forward(&a, (int)threads) != 0) FAIL(error, "convForward: out of memory");
  return NULL;
}

static napi_value conv_weight_grad(napi_env env, napi_callback_info info) {
  ARGS(9);
  tg_conv a = {0};
  int64_t threads[2]; /* threads, then ranges */
  if (!conv_sizes(env, argv, 5, &a) || !counts(env, argv, 7, 2, threads)) return NULL;
  float *x, *gy, *gw, *gb = NULL;
  size_t lx, lg, lw, lb = 0;
  napi_valuetype bt;
  CHECK(napi_typeof(env, argv[4], &bt));
  if (!f32_arg(env, argv[1], &x, &lx) || !f32_arg(env, argv[2], &gy, &lg) || !f32_arg(env, argv[3], &gw, &lw) ||
      (bt != napi_null && !f32_arg(env, argv[4], &gb, &lb)))
    FAIL(type_error, "convWeightGrad: x, gy and gw must be Float32Arrays, gb one or null");
  const tg_window *g = &a.g;
  if (!holds(lx, g->n, g->c, g->h, g->w, 1, 1) || !holds(lg, g->n, a.channels, g->oh, g->ow, 1, 1) ||
      !holds(lw, a.channels, g->c / a.groups, g->kh, g->kw, 1, 1) || (gb && !holds(lb, a.channels, 1, 1, 1, 1, 1)))
    FAIL(range_error, "convWeightGrad: an array is shorter than the sizes need");
  a.x = x, a.gy = gy, a.gw = gw, a.gb = gb;
  if (tg_conv_weight_grad(&a, (int)threads[1], (int)threads[0]) != 0) FAIL(error, "convWeightGrad: out of memory");
  return NULL;
}

static napi_value use_isa(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char name[16] = "";
  size_t len;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "useIsa: expected a string, 'avx512' or 'avx2'");
    return NULL;
  }
  napi_value out;
  int used = tg_gemm_use(name) == 0;
  if (used) tg_cells_use(name), tg_conv_use(name);
  CHECK(napi_get_boolean(env, used, &out));
  return out;
}

static napi_value shutdown(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  tg_gemm_shutdown();
  return NULL;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor props[] = {
      {"isa", NULL, isa, NULL, NULL, NULL, napi_default, NULL},
      {"sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL},
      {"useIsa", NULL, use_isa, NULL, NULL, NULL, napi_default, NULL},
      {"shutdown", NULL, shutdown, NULL, NULL, NULL, napi_default, NULL},
      {"im2col", NULL, im2col, NULL, NULL, NULL, napi_default, NULL},
      {"col2im", NULL, col2im, NULL, NULL, NULL, napi_default, NULL},
      {"maxPool2d", NULL, max_pool2d, NULL, NULL, NULL, napi_default, NULL},
      {"maxPool2dBackward", NULL, max_pool2d_backward, NULL, NULL, NULL, napi_default, NULL},
      {"addBias", NULL, add_bias, NULL, NULL, NULL, napi_default, NULL},
      {"scatterAdd", NULL, scatter_add, NULL, NULL, NULL, napi_default, NULL},
      {"rowSums", NULL, row_sums, NULL, NULL, NULL, napi_default, NULL},
      {"colSums", NULL, col_sums, NULL, NULL, NULL, napi_default, NULL},
      {"binary", NULL, binary, NULL, NULL, NULL, napi_default, NULL},
      {"unary", NULL, unary, NULL, NULL, NULL, napi_default, NULL},
      {"reluGrad", NULL, relu_grad, NULL, NULL, NULL, napi_default, NULL},
      {"adam", NULL, adam, NULL, NULL, NULL, napi_default, NULL},
      {"convForward", NULL, conv_forward, NULL, NULL, NULL, napi_default, NULL},
      {"convWeightGrad", NULL, conv_weight_grad, NULL, NULL, NULL, napi_default, NULL},
      {"lstmCell", NULL, lstm_cell, NULL, NULL, NULL, napi_default, NULL},
      {"lstmCellBackward", NULL, lstm_cell_backward, NULL, NULL, NULL, napi_default, NULL},
      {"lstmSequence", NULL, lstm_sequence, NULL, NULL, NULL, napi_default, NULL},
      {"lstmSequenceBackward", NULL, lstm_sequence_backward, NULL, NULL, NULL, napi_default, NULL},
      {"gruCell", NULL, gru_cell, NULL, NULL, NULL, napi_default, NULL},
      {"gruCellBackward", NULL, gru_cell_backward, NULL, NULL, NULL, napi_default, NULL},
  };
  tg_cells_use(tg_gemm_isa());
  tg_conv_use(tg_gemm_isa());
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
