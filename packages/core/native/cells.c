/*
 * Native float32 recurrent-cell kernels: one LSTM or GRU step's gates, state update and their
 * adjoints over a batch (KernelBackend.lstmCell, lstmCellBackward, gruCell, gruCellBackward),
 * read and written in place in the JS typed arrays. The WASM twins copy every operand in and
 * out of WASM memory, which costs as much as the arithmetic at the sizes of a recurrent step
 * (B = 128, H = 128: ~1 MB a step); these do not. Compiled for AVX-512 and AVX2 on x86-64
 * (chosen with the gemm's instruction set) and portably everywhere.
 */
#include "cells.h"

#include "gemm.h"

#include <string.h>

#define SUFFIX portable
#define ATTR
#define VL 8
#include "cells_kernel.inc"

#if defined(__x86_64__) || defined(__i386__)
#define SUFFIX avx512
#define ATTR __attribute__((target("avx512f,avx512vl,fma")))
#define VL 16
#include "cells_kernel.inc"

#define SUFFIX avx2
#define ATTR __attribute__((target("avx2,fma")))
#define VL 8
#include "cells_kernel.inc"
#endif

static void (*lstm_fwd)(const tg_lstm_fwd *) = lstm_fwd_portable;
static void (*lstm_bwd)(const tg_lstm_bwd *) = lstm_bwd_portable;
static void (*gru_fwd)(const tg_gru_fwd *) = gru_fwd_portable;
static void (*gru_bwd)(const tg_gru_bwd *) = gru_bwd_portable;

void tg_cells_use(const char *isa) {
  lstm_fwd = lstm_fwd_portable, lstm_bwd = lstm_bwd_portable, gru_fwd = gru_fwd_portable, gru_bwd = gru_bwd_portable;
#if defined(__x86_64__) || defined(__i386__)
  if (!strcmp(isa, "avx512"))
    lstm_fwd = lstm_fwd_avx512, lstm_bwd = lstm_bwd_avx512, gru_fwd = gru_fwd_avx512, gru_bwd = gru_bwd_avx512;
  else if (!strcmp(isa, "avx2"))
    lstm_fwd = lstm_fwd_avx2, lstm_bwd = lstm_bwd_avx2, gru_fwd = gru_fwd_avx2, gru_bwd = gru_bwd_avx2;
#endif
}

/* Rows [lo, hi) of a batch: the same arguments with every pointer moved to row lo. */
static void lstm_fwd_rows(void *ctx, int64_t lo, int64_t hi) {
  tg_lstm_fwd a = *(const tg_lstm_fwd *)ctx;
  const long h = a.hidden;
  a.xw += lo * 4 * h, a.c += lo * h;
  if (a.hw) a.hw += lo * 4 * h;
  a.h_out += lo * h, a.c_out += lo * h, a.acts += lo * 5 * h;
  a.batch = (int)(hi - lo);
  lstm_fwd(&a);
}

static void lstm_bwd_rows(void *ctx, int64_t lo, int64_t hi) {
  tg_lstm_bwd a = *(const tg_lstm_bwd *)ctx;
  const long h = a.hidden;
  a.gh += lo * h, a.gc += lo * h, a.acts += lo * 5 * h, a.c += lo * h;
  if (a.gh_in) a.gh_in += lo * h;
  if (a.gc_in) a.gc_in += lo * h;
  a.g_gates += lo * 4 * h, a.gc_prev += lo * h;
  a.batch = (int)(hi - lo);
  lstm_bwd(&a);
}

/* Rows are independent (gc_prev may alias gc row by row), so a batch splits across threads. */
void tg_lstm_cell(const tg_lstm_fwd *a, int threads) { tg_parallel(lstm_fwd_rows, (void *)a, a->batch, threads); }
void tg_lstm_cell_backward(const tg_lstm_bwd *a, int threads) {
  tg_parallel(lstm_bwd_rows, (void *)a, a->batch, threads);
}
void tg_lstm_cell_rows(const tg_lstm_fwd *a) { lstm_fwd(a); }
void tg_lstm_cell_backward_rows(const tg_lstm_bwd *a) { lstm_bwd(a); }
void tg_gru_cell(const tg_gru_fwd *a) { gru_fwd(a); }
void tg_gru_cell_backward(const tg_gru_bwd *a) { gru_bwd(a); }
