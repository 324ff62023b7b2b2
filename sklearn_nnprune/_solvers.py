"""Training of a masked network: L-BFGS-B over the active parameters, and Adam.

Both solvers warm-start from the weights they are given, never touch a masked
weight (it stays exactly 0) nor the bias of a removed neuron, and return the last
``n_snapshots`` parameter points of their trajectory, over which sensitivity
indicators are averaged (METHOD.md section 3, "accumulation").
"""

from collections import deque

import numpy as np
import scipy.optimize

from ._network import loss_and_gradients


def active_units(masks):
    """Boolean arrays, one per weight layer: which units of the next layer are alive.

    A hidden neuron is alive while it has an incoming and an outgoing synapse; the
    output units always are.
    """
    units = [M_in.any(axis=0) & M_out.any(axis=1) for M_in, M_out in zip(masks[:-1], masks[1:])]
    units.append(np.ones(masks[-1].shape[1], dtype=bool))
    return units


class _Packer:
    """Maps the active weights and biases to one flat vector and back."""

    def __init__(self, masks):
        self.masks = masks
        self.units = active_units(masks)
        self.full = [bool(M.all()) for M in masks]
        self.sizes = [int(M.sum()) for M in masks] + [int(u.sum()) for u in self.units]
        self.bounds = np.concatenate([[0], np.cumsum(self.sizes)])

    def pack(self, coefs, intercepts):
        parts = [W[M] for W, M in zip(coefs, self.masks)]
        parts += [b[u] for b, u in zip(intercepts, self.units)]
        return np.concatenate(parts)

    def unpack(self, theta):
        n = len(self.masks)
        coefs, intercepts = [], []
        for l, M in enumerate(self.masks):
            seg = theta[self.bounds[l]:self.bounds[l + 1]]
            if self.full[l]:
                W = seg.reshape(M.shape)
            else:
                W = np.zeros(M.shape)
                W[M] = seg
            coefs.append(W)
        for l, u in enumerate(self.units):
            seg = theta[self.bounds[n + l]:self.bounds[n + l + 1]]
            b = np.zeros(u.shape[0])
            b[u] = seg
            intercepts.append(b)
        return coefs, intercepts


def fit_lbfgs(X, Y, coefs, intercepts, masks, *, alpha, hidden_activation,
              output_activation, max_iter, tol=1e-6, n_snapshots=1, max_fun=15000):
    """Minimize the penalized loss with scipy's L-BFGS-B over the active parameters.

    Returns ``(coefs, intercepts, info)``; ``info`` holds ``n_iter``, ``loss``,
    ``loss_curve`` and ``snapshots`` (list of (coefs, intercepts)).
    """
    packer = _Packer(masks)
    history = deque(maxlen=max(int(n_snapshots), 1))
    loss_curve = []

    def fun(theta):
        W, b = packer.unpack(theta)
        loss, gW, gb = loss_and_gradients(X, Y, W, b, masks, alpha, hidden_activation,
                                          output_activation)
        return loss, packer.pack(gW, gb)

    def callback(intermediate_result):
        loss_curve.append(float(intermediate_result.fun))
        history.append(intermediate_result.x.copy())

    theta0 = packer.pack(coefs, intercepts)
    if max_iter <= 0 or theta0.size == 0:
        history.append(theta0)
        res_x, n_iter = theta0, 0
        loss_curve.append(float(fun(theta0)[0]))
    else:
        res = scipy.optimize.minimize(
            fun, theta0, jac=True, method="L-BFGS-B", callback=callback,
            options={"maxiter": int(max_iter), "maxfun": max_fun, "gtol": tol,
                     "ftol": 1e-12},
        )
        res_x, n_iter = res.x, int(res.nit)
        if not history or not np.array_equal(history[-1], res_x):
            history.append(res_x.copy())
        if not loss_curve:
            loss_curve.append(float(res.fun))
    coefs, intercepts = packer.unpack(res_x.copy())
    snapshots = [packer.unpack(x) for x in history]
    return coefs, intercepts, {"n_iter": n_iter, "loss": loss_curve[-1],
                               "loss_curve": loss_curve, "snapshots": snapshots}


def fit_adam(X, Y, coefs, intercepts, masks, *, alpha, hidden_activation,
             output_activation, max_iter, random_state, tol=1e-4, n_iter_no_change=10,
             batch_size=200, learning_rate=1e-3, beta_1=0.9, beta_2=0.999,
             epsilon=1e-8, n_snapshots=1):
    """Mini-batch Adam; stops when the epoch loss has not improved by ``tol`` for
    ``n_iter_no_change`` epochs (early stopping on the training loss).

    ``random_state`` is a numpy RandomState used to shuffle samples each epoch.
    Returns ``(coefs, intercepts, info)`` as :func:`fit_lbfgs`.
    """
    n = X.shape[0]
    batch_size = int(min(max(batch_size, 1), n))
    coefs = [W.copy() for W in coefs]
    intercepts = [b.copy() for b in intercepts]
    # Masked weights and the biases of removed neurons get exactly zero gradients,
    # so their Adam moments stay 0 and they never move.
    params = coefs + intercepts
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    history = deque(maxlen=max(int(n_snapshots), 1))
    loss_curve = []
    best_loss, no_improvement, t, n_iter = np.inf, 0, 0, 0
    for epoch in range(int(max_iter)):
        order = random_state.permutation(n)
        Xs, Ys = X[order], Y[order]
        epoch_loss = 0.0
        for start in range(0, n, batch_size):
            Xb, Yb = Xs[start:start + batch_size], Ys[start:start + batch_size]
            loss, gW, gb = loss_and_gradients(Xb, Yb, coefs, intercepts, masks, alpha,
                                              hidden_activation, output_activation)
            epoch_loss += loss * Xb.shape[0]
            t += 1
            step = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
            for p, g, mi, vi in zip(params, gW + gb, m, v):
                mi *= beta_1
                mi += (1 - beta_1) * g
                vi *= beta_2
                vi += (1 - beta_2) * (g * g)
                p -= step * mi / (np.sqrt(vi) + epsilon)
        n_iter = epoch + 1
        epoch_loss /= n
        loss_curve.append(epoch_loss)
        history.append(([W.copy() for W in coefs], [b.copy() for b in intercepts]))
        if epoch_loss > best_loss - tol:
            no_improvement += 1
        else:
            no_improvement = 0
        best_loss = min(best_loss, epoch_loss)
        if no_improvement > n_iter_no_change:
            break
    if not history:
        history.append(([W.copy() for W in coefs], [b.copy() for b in intercepts]))
    return coefs, intercepts, {"n_iter": n_iter, "loss": loss_curve[-1] if loss_curve else np.nan,
                               "loss_curve": loss_curve, "snapshots": list(history)}
