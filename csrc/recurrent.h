/* One fused LSTM or GRU time step, forward and backward (the gate nonlinearities and the state
 * update; the matrix products are the caller's GEMMs). Gate order is PyTorch's: LSTM (i, f, g, o),
 * GRU (r, z, n). All arrays are C-contiguous, rows of `batch`; gates have 4 * hidden (LSTM) or
 * 3 * hidden (GRU) columns, states `hidden`. The NumPy reference, with the formulas, is
 * pyautograd/kernels/_numpy/recurrent.py.
 *
 * lstm_forward:  hy, cy from gates and cx.
 * lstm_backward: dgates, dcx from dhy, dcy (either may be NULL: zero), gates, cx, cy.
 * gru_forward:   hy from gi (input gates), gh (hidden gates) and hx.
 * gru_backward:  dgi, dgh, dhx (the direct part z * dhy) from dhy, gi, gh, hx.
 *
 * Returns PAG_EINVAL for a negative size or a NULL required pointer. */
#ifndef PAG_RECURRENT_H
#define PAG_RECURRENT_H
#include <stdint.h>

/* cdef-begin */
int pag_rnn_lstm_cell_forward_f32(const float *gates, const float *cx, float *hy, float *cy, int64_t batch,
                             int64_t hidden, int nthreads);
int pag_rnn_lstm_cell_forward_f64(const double *gates, const double *cx, double *hy, double *cy, int64_t batch,
                             int64_t hidden, int nthreads);
int pag_rnn_lstm_cell_backward_f32(const float *dhy, const float *dcy, const float *gates, const float *cx,
                              const float *cy, float *dgates, float *dcx, int64_t batch, int64_t hidden,
                              int nthreads);
int pag_rnn_lstm_cell_backward_f64(const double *dhy, const double *dcy, const double *gates, const double *cx,
                              const double *cy, double *dgates, double *dcx, int64_t batch, int64_t hidden,
                              int nthreads);
int pag_rnn_gru_cell_forward_f32(const float *gi, const float *gh, const float *hx, float *hy, int64_t batch,
                            int64_t hidden, int nthreads);
int pag_rnn_gru_cell_forward_f64(const double *gi, const double *gh, const double *hx, double *hy, int64_t batch,
                            int64_t hidden, int nthreads);
int pag_rnn_gru_cell_backward_f32(const float *dhy, const float *gi, const float *gh, const float *hx, float *dgi,
                             float *dgh, float *dhx, int64_t batch, int64_t hidden, int nthreads);
int pag_rnn_gru_cell_backward_f64(const double *dhy, const double *gi, const double *gh, const double *hx,
                             double *dgi, double *dgh, double *dhx, int64_t batch, int64_t hidden, int nthreads);
/* cdef-end */

#endif
