/*
 * An LSTM layer over a whole sequence in one call (tg_lstm_sequence and its adjoint; see
 * cells.h). A batch row's states depend on that row only, so the batch is cut into one range
 * per thread and each thread runs every step of its rows with no hand-off between steps: a
 * figure-F step made 44 calls into the addon for its products and gates, and 22 more splits of
 * the pool. The weights are packed once a call ([W_ih | W_hh]ᵀ forward, [W_ih | W_hh]
 * backward), so a step's product packs only its own rows: forward [x_t | h_{t−1}]·[W_ih | W_hh]ᵀ
 * (one product where there were two), backward dG_t·[W_ih | W_hh] = [dx_t | dh_{t−1}].
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "gemm.h"

/* A per-thread buffer kept between calls and grown on demand (one for each use `slot`). */
struct buffer {
  float *p;
  long cap;
};
static _Thread_local struct buffer buffers[3];
enum { ROWS, WEIGHTS, PACKED };

static float *thread_buffer(int slot, long floats) {
  struct buffer *b = &buffers[slot];
  if (floats > b->cap) {
    void *p = NULL;
    if (posix_memalign(&p, 64, (size_t)(floats > 0 ? floats : 1) * sizeof(float)) != 0) return NULL;
    free(b->p);
    b->p = p, b->cap = floats;
  }
  return b->p;
}

/*
 * [W_ih | W_hh] (4H × (in + H)) packed as the B of a product, transposed forward and as is
 * backward, in the calling thread's buffer (valid until its next call).
 */
static const float *packed_weights(const float *w_ih, const float *w_hh, int in, int hidden, int transposed) {
  const int g = 4 * hidden, k = in + hidden;
  float *w = thread_buffer(WEIGHTS, (long)g * k);
  float *pw = thread_buffer(PACKED, transposed ? tg_packed_b_floats(k, g) : tg_packed_b_floats(g, k));
  if (!w || !pw) return NULL;
  for (int r = 0; r < g; r++) {
    memcpy(w + (long)r * k, w_ih + (long)r * in, (size_t)in * sizeof(float));
    memcpy(w + (long)r * k + in, w_hh + (long)r * hidden, (size_t)hidden * sizeof(float));
  }
  return (transposed ? tg_pack_b(w, 1, k, g, pw) : tg_pack_b(w, 0, g, k, pw)) == 0 ? pw : NULL;
}

struct seq_job {
  const void *args;
  const float *pw;
  atomic_int failed;
};

static void forward_rows(void *ctx, int64_t lo, int64_t hi) {
  struct seq_job *job = ctx;
  const tg_lstm_seq *a = job->args;
  const int I = a->in, H = a->hidden, G = 4 * H, K = I + H, B = a->batch, rows = (int)(hi - lo);
  const long cBase = (long)(a->steps + 1) * B * H;
  float *buf = thread_buffer(ROWS, (long)rows * (K + G));
  if (!buf) {
    atomic_store(&job->failed, 1);
    return;
  }
  float *pre = buf + (long)rows * K;
  for (int t = 0; t < a->steps; t++) {
    const long row0 = (long)t * B + lo;
    /* The rows [x_t, h_{t−1}]: the caller's xh when it keeps them, else this thread's. */
    float *xh = a->xh ? a->xh + row0 * K : buf;
    for (int r = 0; r < rows; r++) {
      memcpy(xh + (long)r * K, a->x + (row0 + r) * I, (size_t)I * sizeof(float));
      memcpy(xh + (long)r * K + I, a->out + (row0 + r) * H, (size_t)H * sizeof(float));
    }
    if (tg_gemm_packed(xh, K, job->pw, pre, G, rows, G, K, 0) != 0) {
      atomic_store(&job->failed, 1);
      return;
    }
    tg_lstm_fwd f = {
        .xw = pre,
        .hw = NULL,
        .bih = a->b_ih,
        .bhh = a->b_hh,
        .c = a->out + cBase + row0 * H,
        .h_out = a->out + (row0 + B) * H,
        .c_out = a->out + cBase + (row0 + B) * H,
        .acts = a->acts + row0 * 5 * H,
        .batch = rows,
        .hidden = H,
    };
    tg_lstm_cell_rows(&f);
  }
}

static void backward_rows(void *ctx, int64_t lo, int64_t hi) {
  struct seq_job *job = ctx;
  const tg_lstm_seq_bwd *a = job->args;
  const int I = a->in, H = a->hidden, G = 4 * H, K = I + H, B = a->batch, rows = (int)(hi - lo);
  const long cBase = (long)(a->steps + 1) * B * H;
  float *dh = thread_buffer(ROWS, (long)rows * (2 * H + K));
  if (!dh) {
    atomic_store(&job->failed, 1);
    return;
  }
  float *dc = dh + (long)rows * H, *dxh = dc + (long)rows * H;
  memset(dh, 0, (size_t)rows * 2 * H * sizeof(float));
  for (int t = a->steps - 1; t >= 0; t--) {
    const long row0 = (long)t * B + lo;
    float *gg = a->g_gates + row0 * G;
    tg_lstm_bwd b = {
        .gh = dh,
        .gc = dc,
        .gh_in = a->gy + (row0 + B) * H,
        .gc_in = a->gy + cBase + (row0 + B) * H,
        .acts = a->acts + row0 * 5 * H,
        .c = a->out + cBase + row0 * H,
        .g_gates = gg,
        .gc_prev = dc,
        .batch = rows,
        .hidden = H,
    };
    tg_lstm_cell_backward_rows(&b);
    if (t == 0 && !a->g_state0) {
      /* No dh_0 wanted (a constant initial state): dx_0 = dG_0·W_ih alone, or nothing. */
      if (a->g_x && tg_sgemm(gg, a->w_ih, a->g_x + row0 * I, rows, I, G, 0, 0, 1) != 0) atomic_store(&job->failed, 1);
      return;
    }
    if (tg_gemm_packed(gg, G, job->pw, dxh, K, rows, K, G, 0) != 0) {
      atomic_store(&job->failed, 1);
      return;
    }
    for (int r = 0; r < rows; r++) {
      if (a->g_x) memcpy(a->g_x + (row0 + r) * I, dxh + (long)r * K, (size_t)I * sizeof(float));
      memcpy(dh + (long)r * H, dxh + (long)r * K + I, (size_t)H * sizeof(float));
    }
  }
  if (!a->g_state0) return;
  /* The initial state's own share of gy (it is out's first state too). */
  const long bh = (long)B * H;
  for (long i = 0; i < (long)rows * H; i++) {
    a->g_state0[lo * H + i] = dh[i] + a->gy[lo * H + i];
    a->g_state0[bh + lo * H + i] = dc[i] + a->gy[cBase + lo * H + i];
  }
}

static int run(tg_range_fn fn, const void *args, const float *w_ih, const float *w_hh, int in, int hidden,
               int batch, int transposed, int threads) {
  struct seq_job job = {args, packed_weights(w_ih, w_hh, in, hidden, transposed), 0};
  if (!job.pw) return -1;
  tg_parallel(fn, &job, batch, threads);
  return atomic_load(&job.failed) ? -1 : 0;
}

int tg_lstm_sequence(const tg_lstm_seq *a, int threads) {
  return run(forward_rows, a, a->w_ih, a->w_hh, a->in, a->hidden, a->batch, 1, threads);
}

int tg_lstm_sequence_backward(const tg_lstm_seq_bwd *a, int threads) {
  return run(backward_rows, a, a->w_ih, a->w_hh, a->in, a->hidden, a->batch, 0, threads);
}
