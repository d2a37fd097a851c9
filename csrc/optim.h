/* Fused optimizer updates: one pass over the parameter, its gradient and its
 * state replaces the dozen array-sized temporaries of the same update written
 * as separate NumPy expressions.
 *
 * Every kernel updates param (and its state buffers) in place and follows
 * PyTorch's single-tensor update (torch.optim.SGD, torch.optim.Adam/AdamW,
 * foreach=False) operation by operation, so float64 results agree with PyTorch
 * to rounding. Hyperparameters arrive as double and are rounded to the array's
 * type once, as PyTorch does with a Python scalar.
 *
 * The single forms take one tensor of n elements. The _many forms take a
 * parameter group: `count` tensors given by arrays of pointers and a sizes
 * array, and split the total element count evenly over the threads (a thread's
 * chunk may span several tensors).
 *
 * No two arrays may overlap (the loop reads and writes them all in one pass):
 * the kernels check and return PAG_EINVAL, as for a NULL pointer, a negative
 * size, a size whose byte count overflows, or step < 1.
 *
 * momentum_buffer(s) may be NULL when momentum == 0; max_exp_avg_sq(s) may be
 * NULL unless amsgrad; RMSprop's grad_avg(s) may be NULL unless centered.
 * `step` is Adam's (Adagrad's) 1-based step count, already incremented.
 * Flags are 0 or 1.
 *
 * RMSprop and Adagrad follow torch.optim.RMSprop and torch.optim.Adagrad
 * (foreach=False) the same way; Adagrad's sum starts at
 * initial_accumulator_value, which the caller fills in. */
#ifdef PAG_TYPED_BODY
/* Expanded for float and double by typed.h (C) and by build.py (cffi). */
/* cdef-typed-begin */
int TN(pag_optim_sgd_step)(T *param, const T *grad, T *momentum_buffer, int64_t n,
                           double lr, double momentum, double dampening, double weight_decay,
                           int nesterov, int maximize, int first_step, int nthreads);
int TN(pag_optim_sgd_step_many)(T *const *params, const T *const *grads,
                                T *const *momentum_buffers, const int64_t *sizes, int64_t count,
                                double lr, double momentum, double dampening, double weight_decay,
                                int nesterov, int maximize, int first_step, int nthreads);
int TN(pag_optim_adam_step)(T *param, const T *grad, T *exp_avg, T *exp_avg_sq,
                            T *max_exp_avg_sq, int64_t n, int64_t step, double lr, double beta1,
                            double beta2, double eps, double weight_decay, int amsgrad,
                            int decoupled_weight_decay, int maximize, int nthreads);
int TN(pag_optim_adam_step_many)(T *const *params, const T *const *grads, T *const *exp_avgs,
                                 T *const *exp_avg_sqs, T *const *max_exp_avg_sqs,
                                 const int64_t *sizes, int64_t count, int64_t step, double lr,
                                 double beta1, double beta2, double eps, double weight_decay,
                                 int amsgrad, int decoupled_weight_decay, int maximize, int nthreads);
int TN(pag_optim_rmsprop_step)(T *param, const T *grad, T *square_avg, T *grad_avg,
                               T *momentum_buffer, int64_t n, double lr, double alpha, double eps,
                               double weight_decay, double momentum, int centered, int maximize, int nthreads);
int TN(pag_optim_rmsprop_step_many)(T *const *params, const T *const *grads, T *const *square_avgs,
                                    T *const *grad_avgs, T *const *momentum_buffers,
                                    const int64_t *sizes, int64_t count, double lr, double alpha, double eps,
                                    double weight_decay, double momentum, int centered, int maximize,
                                    int nthreads);
int TN(pag_optim_adagrad_step)(T *param, const T *grad, T *state_sum, int64_t n, int64_t step,
                               double lr, double lr_decay, double eps, double weight_decay, int maximize,
                               int nthreads);
int TN(pag_optim_adagrad_step_many)(T *const *params, const T *const *grads, T *const *state_sums,
                                    const int64_t *sizes, int64_t count, int64_t step, double lr,
                                    double lr_decay, double eps, double weight_decay, int maximize, int nthreads);
/* Adadelta and Adamax (training tools, issue 15): the group forms only, as torch.optim.Adadelta and
 * torch.optim.Adamax (foreach=False); Adamax's step is the group's 1-based step count. */
int TN(pag_optim_adadelta_step_many)(T *const *params, const T *const *grads, T *const *square_avgs,
                                     T *const *acc_deltas, const int64_t *sizes, int64_t count, double lr,
                                     double rho, double eps, double weight_decay, int maximize, int nthreads);
int TN(pag_optim_adamax_step_many)(T *const *params, const T *const *grads, T *const *exp_avgs,
                                   T *const *exp_infs, const int64_t *sizes, int64_t count, int64_t step,
                                   double lr, double beta1, double beta2, double eps, double weight_decay,
                                   int maximize, int nthreads);
/* RAdam and Rprop (training tools, issue 15): group forms, as torch.optim.RAdam and torch.optim.Rprop. */
int TN(pag_optim_radam_step_many)(T *const *params, const T *const *grads, T *const *exp_avgs,
                                  T *const *exp_avg_sqs, const int64_t *sizes, int64_t count, int64_t step,
                                  double lr, double beta1, double beta2, double eps, double weight_decay,
                                  int decoupled_weight_decay, int maximize, int nthreads);
int TN(pag_optim_rprop_step_many)(T *const *params, const T *const *grads, T *const *prevs,
                                  T *const *step_sizes, const int64_t *sizes, int64_t count, double etaminus,
                                  double etaplus, double step_size_min, double step_size_max, int maximize,
                                  int nthreads);
/* NAdam and ASGD (training tools, issue 15): group forms. NAdam takes this step's mu, mu_next and
 * the tensors' mu_product (already multiplied by mu); ASGD takes the tensors' eta and mu. */
int TN(pag_optim_nadam_step_many)(T *const *params, const T *const *grads, T *const *exp_avgs,
                                  T *const *exp_avg_sqs, const int64_t *sizes, int64_t count, int64_t step,
                                  double lr, double beta1, double beta2, double eps, double weight_decay, double mu,
                                  double mu_next, double mu_product, int decoupled_weight_decay, int maximize,
                                  int nthreads);
int TN(pag_optim_asgd_step_many)(T *const *params, const T *const *grads, T *const *axs,
                                 const int64_t *sizes, int64_t count, double eta, double mu, double lambd,
                                 double weight_decay, int maximize, int nthreads);
/* cdef-typed-end */

#elif !defined(PAG_OPTIM_H)
#define PAG_OPTIM_H
#include <stdint.h>
#define PAG_TYPED_SELF "optim.h"
#include "typed.h"
#endif
