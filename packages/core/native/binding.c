/*
 * The N-API face of the native kernels (built by node-gyp at `npm install`, see binding.gyp):
 *   isa(): string                      "avx512", "avx2", or "" when this CPU has neither
 *   sgemm(a, aOff, b, bOff, c, cOff, m, n, k, transA, transB, threads): void
 *   useIsa(name): boolean              switches to the "avx512" or "avx2" kernel if the CPU has it
 *   shutdown(): void                   stops the pool threads
 * Operands are Float32Arrays read and written in place. Every count and bound is checked here,
 * so a wrong call throws instead of touching memory outside the arrays.
 */
#include <node_api.h>
#include <stdint.h>

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
  CHECK(napi_get_boolean(env, tg_gemm_use(name) == 0, &out));
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
  };
  if (napi_define_properties(env, exports, 4, props) != napi_ok) return NULL;
  return exports;
}
