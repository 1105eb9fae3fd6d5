/* Native float32 recurrent-cell kernels for @tapegrad/core: see cells.c. */
#ifndef TAPEGRAD_CELLS_H
#define TAPEGRAD_CELLS_H

/* One LSTM step over a batch (KernelBackend.lstmCell); every pointer already at its offset. */
typedef struct {
  const float *xw, *hw, *bih, *bhh, *c; /* bih, bhh may be NULL */
  float *h_out, *c_out, *acts;
  int batch, hidden;
} tg_lstm_fwd;

/* Its adjoint (KernelBackend.lstmCellBackward). */
typedef struct {
  const float *gh, *gc, *gh_in, *gc_in, *acts, *c; /* gh_in, gc_in (added to gh, gc) may be NULL */
  float *g_gates, *gc_prev;
  int batch, hidden;
} tg_lstm_bwd;

/* One GRU step (KernelBackend.gruCell). */
typedef struct {
  const float *xw, *hw, *bih, *bhh, *h; /* bih, bhh may be NULL */
  float *out, *acts;
  int batch, hidden;
} tg_gru_fwd;

/* Its adjoint (KernelBackend.gruCellBackward). */
typedef struct {
  const float *g_out, *acts, *h;
  float *g_xw, *g_hw, *g_h;
  int batch, hidden;
} tg_gru_bwd;

/* An LSTM step and its adjoint, the batch split over up to `threads` threads of the gemm's pool. */
void tg_lstm_cell(const tg_lstm_fwd *a, int threads);
void tg_lstm_cell_backward(const tg_lstm_bwd *a, int threads);
void tg_gru_cell(const tg_gru_fwd *a);
void tg_gru_cell_backward(const tg_gru_bwd *a);

/* Uses the kernels of `isa` ("avx512", "avx2"; anything else: the portable ones). */
void tg_cells_use(const char *isa);

#endif
