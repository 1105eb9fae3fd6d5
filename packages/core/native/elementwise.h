/* Native float32 elementwise kernels for @tapegrad/core: see elementwise.c. Each splits a large
 * call over up to `threads` threads. */
#ifndef TAPEGRAD_ELEMENTWISE_H
#define TAPEGRAD_ELEMENTWISE_H

#include <stdint.h>

/* out = a (op) b elementwise; op 0 add, 1 sub, 2 mul. */
void tg_binary(int op, const float *a, const float *b, float *out, int64_t n, int threads);
/* out = max(x, 0) (op 0) or x > 0 ? 1 : 0 (op 1); NaN stays NaN under relu, as the JS kernel. */
void tg_unary(int op, const float *x, float *out, int64_t n, int threads);
/* out = x > 0 ? gy : 0. */
void tg_relu_grad(const float *gy, const float *x, float *out, int64_t n, int threads);
/* One Adam step over n parameters, in double as the JS kernel (kernels/backend.ts AdamArgs). */
void tg_adam(float *w, const float *g, float *m, float *v, int64_t n, const double *s, int threads);

#endif
