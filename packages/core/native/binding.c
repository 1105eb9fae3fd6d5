/*
 * The N-API face of the native kernels (built by node-gyp at `npm install`, see binding.gyp):
 *   isa(): string                      "avx512", "avx2", or "" when this CPU has neither
 *   sgemm(a, aOff, b, bOff, c, cOff, m, n, k, transA, transB, threads): void
 *   useIsa(name): boolean              switches to the "avx512" or "avx2" kernel if the CPU has it
 *   shutdown(): void                   stops the pool threads
 *   lstmCell(xw, xwOff, hw, bIh, bHh, c, cOff, batch, hidden, hOut, hOutOff, cOut, cOutOff, acts, actsOff)
 *   lstmCellBackward(gh, ghOff, gc, gcOff, acts, actsOff, c, cOff, batch, hidden, gGates, gGatesOff, gcPrev, gcPrevOff)
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
#include "gemm.h"

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

#define ARGS(n, fn)                                                                                \
  size_t argc = n;                                                                                 \
  napi_value argv[n];                                                                              \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));                                     \
  if (argc != n) {                                                                                 \
    napi_throw_type_error(env, NULL, fn ": expected " #n " arguments");                            \
    return NULL;                                                                                   \
  }

static napi_value lstm_cell(napi_env env, napi_callback_info info) {
  ARGS(15, "lstmCell");
  int b, h, ok = 1;
  if (!sizes(env, argv, 7, &b, &h, "lstmCell")) return NULL;
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
  if (ok) tg_lstm_cell(&a);
  return NULL;
}

static napi_value lstm_cell_backward(napi_env env, napi_callback_info info) {
  ARGS(14, "lstmCellBackward");
  int b, h, ok = 1;
  if (!sizes(env, argv, 8, &b, &h, "lstmCellBackward")) return NULL;
  long bh = (long)b * h;
  tg_lstm_bwd a = {
      .gh = span(env, argv, 0, 1, bh, 0, &ok, "lstmCellBackward"),
      .gc = span(env, argv, 2, 1, bh, 0, &ok, "lstmCellBackward"),
      .acts = span(env, argv, 4, 1, 5 * bh, 0, &ok, "lstmCellBackward"),
      .c = span(env, argv, 6, 1, bh, 0, &ok, "lstmCellBackward"),
      .g_gates = (float *)span(env, argv, 10, 1, 4 * bh, 0, &ok, "lstmCellBackward"),
      .gc_prev = (float *)span(env, argv, 12, 1, bh, 0, &ok, "lstmCellBackward"),
      .batch = b,
      .hidden = h,
  };
  if (ok) tg_lstm_cell_backward(&a);
  return NULL;
}

static napi_value gru_cell(napi_env env, napi_callback_info info) {
  ARGS(9, "gruCell");
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
  ARGS(8, "gruCellBackward");
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
  if (used) tg_cells_use(name);
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
      {"lstmCell", NULL, lstm_cell, NULL, NULL, NULL, napi_default, NULL},
      {"lstmCellBackward", NULL, lstm_cell_backward, NULL, NULL, NULL, napi_default, NULL},
      {"gruCell", NULL, gru_cell, NULL, NULL, NULL, napi_default, NULL},
      {"gruCellBackward", NULL, gru_cell_backward, NULL, NULL, NULL, napi_default, NULL},
  };
  tg_cells_use(tg_gemm_isa());
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
