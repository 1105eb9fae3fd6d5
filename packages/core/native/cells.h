/* Native float32 recurrent-cell kernels for @tapegrad/core: see cells.c. */
#ifndef TAPEGRAD_CELLS_H
#define TAPEGRAD_CELLS_H

/* One LSTM step over a batch (KernelBackend.lstmCell); every pointer already at its offset. */
typedef struct {
  const float *xw, *hw, *bih, *bhh, *c; /* hw, bih, bhh may be NULL (xw then holds both products) */
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
/* The same on the calling thread only (for callers that split the batch themselves). */
void tg_lstm_cell_rows(const tg_lstm_fwd *a);
void tg_lstm_cell_backward_rows(const tg_lstm_bwd *a);
void tg_gru_cell(const tg_gru_fwd *a);
void tg_gru_cell_backward(const tg_gru_bwd *a);

/*
 * An LSTM layer over a whole sequence (KernelBackend.lstmSequence): x [T, B, in], out
 * [2, T+1, B, H] (h_0 … h_T, then c_0 … c_T; the initial state already in place), acts [T, B, 5H]
 * as tg_lstm_fwd saves them, and xh [T, B, in + H] (unless NULL) the rows [x_t, h_{t−1}]. Returns 0, or −1 without memory or a gemm (the outputs are then
 * incomplete, for the caller to compute otherwise).
 */
typedef struct {
  const float *x, *w_ih, *w_hh, *b_ih, *b_hh; /* b_ih, b_hh may be NULL */
  float *out, *acts, *xh; /* xh may be NULL */
  int steps, batch, in, hidden;
} tg_lstm_seq;

/*
 * Its adjoint (KernelBackend.lstmSequenceBackward): from gy [2, T+1, B, H] (the gradient of out)
 * writes g_gates [T, B, 4H] (the pre-activations' gradient), g_x [T, B, in] and g_state0
 * [2, B, H] (either, when NULL, is not computed).
 */
typedef struct {
  const float *gy, *acts, *out, *w_ih, *w_hh;
  float *g_gates, *g_x, *g_state0;
  int steps, batch, in, hidden;
} tg_lstm_seq_bwd;

/* Both with the batch split over up to `threads` threads of the gemm's pool. */
int tg_lstm_sequence(const tg_lstm_seq *a, int threads);
int tg_lstm_sequence_backward(const tg_lstm_seq_bwd *a, int threads);

/* Uses the kernels of `isa` ("avx512", "avx2"; anything else: the portable ones). */
void tg_cells_use(const char *isa);

#endif
