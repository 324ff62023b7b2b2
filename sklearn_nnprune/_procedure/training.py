"""Training a masked network: the solver settings of one fit as a small value.

The pruning procedure retrains after every removal through :class:`Trainer`; the
estimators build it from their parameters. BLAS threads are limited here too: the
products of a small fit are too short for threads to pay for their start-up.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

from .._solvers import fit_adam, fit_lbfgs

# Samples x weights above which a fit (and L-BFGS-B) uses multithreaded BLAS.
THREADED_WORK = 2 ** 24
_CONTROLLER = []


def blas_limit(threads):
    """Context limiting BLAS threads (None: no limit); the library scan runs once
    per process."""
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=threads, user_api="blas")


def threads_for(n_samples, n_weights):
    """BLAS threads for products over ``n_samples`` rows and ``n_weights`` weights:
    one below ``THREADED_WORK``, else no limit."""
    return None if n_samples * n_weights > THREADED_WORK else 1


def _any_steps(steps):
    """Whether ``steps`` (None or one boolean array per hidden layer) marks any
    threshold neuron."""
    return steps is not None and any(np.any(s) for s in steps)


def _with_threshold_inputs(masks, frozen, steps):
    """``frozen`` plus the weights into the threshold neurons ``steps``.

    A threshold has zero derivative, so the gradient of its input weights is the
    L2 penalty alone; following it shrinks them until a sample crosses the
    threshold, a jump in the loss where L-BFGS-B's line search can fail before
    its first iteration (nothing trained). Retrained with those weights fixed,
    the smooth rest of the network trains.
    """
    fixed = ([np.zeros(M.shape, dtype=bool) for M in masks] if frozen is None
             else [F.copy() for F in frozen])
    for layer, units in enumerate(steps):
        fixed[layer][:, np.asarray(units, dtype=bool)] = True
    return fixed
def work_rows(X):
    """The rows of dense work that products with ``X`` cost: its rows, or for
    sparse ``X`` its stored entries per column (a sparse product costs its
    stored entries, not rows x columns)."""
    if sp.issparse(X):
        return X.nnz // max(X.shape[1], 1)
    return X.shape[0]


@dataclass(frozen=True)
class Trainer:
    """How every network of a fit is initialized and trained.

    ``solver`` is "lbfgs" (scipy's L-BFGS-B over the active weights) or "adam"
    (mini-batch); ``accumulate`` is the number of trajectory points kept for the
    indicators; the other fields are the estimators' parameters of the same names.
    """

    solver: str
    alpha: float
    activation: str
    output_activation: str
    accumulate: int
    tol: float
    batch_size: object
    learning_rate: float
    n_iter_no_change: int

    def initialize(self, layer_sizes, rng, masks=None):
        """Glorot-uniform weights and biases and their masks: all True, or
        ``masks`` with the weights they remove at 0 and no bias on the hidden
        neurons they leave without synapses (as a removal leaves them)."""
        coefs, intercepts = [], []
        factor = 2.0 if self.activation == "logistic" else 1.0
        for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
            bound = np.sqrt(factor * 6.0 / (fan_in + fan_out))
            coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
            intercepts.append(rng.uniform(-bound, bound, fan_out))
        if masks is None:
            return coefs, intercepts, [np.ones(W.shape, dtype=bool) for W in coefs]
        masks = [np.asarray(M, dtype=bool).copy() for M in masks]
        coefs = [W * M for W, M in zip(coefs, masks)]
        for layer, b in enumerate(intercepts[:-1]):
            b[~masks[layer].any(axis=0)] = 0.0
        return coefs, intercepts, masks

    def train(self, X, Y, coefs, intercepts, masks, max_iter, rng, frozen=None,
              steps=None, sample_weight=None):
        """``(coefs, intercepts, info)`` after training from the given weights with
        the masks fixed (the rows' losses weighted by ``sample_weight``, if
        given); ``info`` as the solvers return it."""
        kw = dict(alpha=self.alpha, hidden_activation=self.activation,
                  output_activation=self.output_activation, max_iter=max_iter,
                  n_snapshots=self.accumulate, frozen=frozen, step_units=steps)
        if sample_weight is not None:
            kw["sample_weight"] = sample_weight
        if self.solver == "lbfgs":
            # scipy's L-BFGS-B step works on short vectors: with several BLAS threads
            # its time is thread start-up (4x slower on 2 cores). Only products over
            # large data are worth the threads.
            n_params = sum(int(M.sum()) for M in masks)
            with blas_limit(threads_for(work_rows(X), n_params)):
                result = fit_lbfgs(X, Y, coefs, intercepts, masks, tol=self.tol, **kw)
                # Only a training that did nothing is repeated (issue 19): one that
                # moved the thresholds' inputs and trained keeps its result.
                if result[2]["n_iter"] == 0 and max_iter > 0 and _any_steps(steps):
                    kw["frozen"] = _with_threshold_inputs(masks, frozen, steps)
                    result = fit_lbfgs(X, Y, coefs, intercepts, masks, tol=self.tol, **kw)
            return result
        batch = min(200, X.shape[0]) if self.batch_size == "auto" else self.batch_size
        return fit_adam(X, Y, coefs, intercepts, masks, random_state=rng,
                        tol=max(self.tol, 1e-4), batch_size=batch,
                        learning_rate=self.learning_rate,
                        n_iter_no_change=self.n_iter_no_change, **kw)
