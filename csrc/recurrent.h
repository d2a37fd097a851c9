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
/* A whole LSTM layer in one direction over `steps` steps of a batch of `batch` (padded input:
 * every step takes every row), rows of step t at row t * batch. Forward: from xproj (steps *
 * batch, 4H) = x W_ih^T + b_ih + b_hh, w_hh (4H, H), h0, c0 (batch, H) it writes out (steps *
 * batch, H) (h of every step), cs (the same: c of every step) and gates (steps * batch, 4H, the
 * pre-activations, for the backward). reverse = 1 walks time from the last step. Backward:
 * from dout (may be NULL), dhn and dcn (the gradients of the final states, may be NULL) and the
 * forward's arrays, it writes dgates (= dxproj), dh0, dc0 and dw_hh (4H, H). W_hh is packed
 * once per call for all the steps, and dw_hh is one GEMM over all steps. */
int pag_rnn_lstm_layer_forward_f32(const float *xproj, const float *w_hh, const float *h0, const float *c0,
                                   float *out, float *cs, float *gates, int64_t steps, int64_t batch,
                                   int64_t hidden, int reverse, int nthreads);
int pag_rnn_lstm_layer_forward_f64(const double *xproj, const double *w_hh, const double *h0, const double *c0,
                                   double *out, double *cs, double *gates, int64_t steps, int64_t batch,
                                   int64_t hidden, int reverse, int nthreads);
int pag_rnn_lstm_layer_backward_f32(const float *dout, const float *dhn, const float *dcn, const float *gates,
                                    const float *cs, const float *out, const float *w_hh, const float *h0,
                                    const float *c0, float *dgates, float *dh0, float *dc0, float *dw_hh,
                                    int64_t steps, int64_t batch, int64_t hidden, int reverse, int nthreads);
int pag_rnn_lstm_layer_backward_f64(const double *dout, const double *dhn, const double *dcn, const double *gates,
                                    const double *cs, const double *out, const double *w_hh, const double *h0,
                                    const double *c0, double *dgates, double *dh0, double *dc0, double *dw_hh,
                                    int64_t steps, int64_t batch, int64_t hidden, int reverse, int nthreads);
/* GRU and Elman RNN layers likewise. GRU: xproj (steps * batch, 3H) = x W_ih^T + b_ih, b_hh
 * (3H, may be NULL); the forward writes out and gh (steps * batch, 3H) = h W_hh^T + b_hh of every
 * step; the backward writes dxproj, dh0, dw_hh and db_hh (if not NULL). RNN: xproj (steps * batch,
 * H) = x W_ih^T + b_ih + b_hh, relu = 1 for relu (else tanh); the backward writes dxproj (the
 * pre-activations' gradient), dh0 and dw_hh. */
int pag_rnn_gru_layer_forward_f32(const float *xproj, const float *w_hh, const float *b_hh, const float *h0, float *out,
                                  float *gh, int64_t steps, int64_t batch, int64_t hidden, int reverse, int nthreads);
int pag_rnn_gru_layer_backward_f32(const float *dout, const float *dhn, const float *xproj, const float *gh, const float *out,
                                   const float *w_hh, const float *h0, float *dxproj, float *dh0, float *dw_hh, float *db_hh,
                                   int64_t steps, int64_t batch, int64_t hidden, int reverse, int nthreads);
int pag_rnn_rnn_layer_forward_f32(const float *xproj, const float *w_hh, const float *h0, float *out, int64_t steps,
                                  int64_t batch, int64_t hidden, int relu, int reverse, int nthreads);
int pag_rnn_rnn_layer_backward_f32(const float *dout, const float *dhn, const float *out, const float *w_hh, const float *h0,
                                   float *dxproj, float *dh0, float *dw_hh, int64_t steps, int64_t batch, int64_t hidden,
                                   int relu, int reverse, int nthreads);
int pag_rnn_gru_layer_forward_f64(const double *xproj, const double *w_hh, const double *b_hh, const double *h0, double *out,
                                  double *gh, int64_t steps, int64_t batch, int64_t hidden, int reverse, int nthreads);
int pag_rnn_gru_layer_backward_f64(const double *dout, const double *dhn, const double *xproj, const double *gh, const double *out,
                                   const double *w_hh, const double *h0, double *dxproj, double *dh0, double *dw_hh, double *db_hh,
                                   int64_t steps, int64_t batch, int64_t hidden, int reverse, int nthreads);
int pag_rnn_rnn_layer_forward_f64(const double *xproj, const double *w_hh, const double *h0, double *out, int64_t steps,
                                  int64_t batch, int64_t hidden, int relu, int reverse, int nthreads);
int pag_rnn_rnn_layer_backward_f64(const double *dout, const double *dhn, const double *out, const double *w_hh, const double *h0,
                                   double *dxproj, double *dh0, double *dw_hh, int64_t steps, int64_t batch, int64_t hidden,
                                   int relu, int reverse, int nthreads);
/* cdef-end */

#endif
