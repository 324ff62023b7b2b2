"""Training of a masked network: L-BFGS-B over the active parameters, and Adam.

Both solvers warm-start from the weights they are given, never touch a masked
weight (it stays exactly 0) nor the bias of a removed neuron, and return the last
``n_snapshots`` parameter points of their trajectory, over which sensitivity
indicators are averaged (METHOD.md section 3, "accumulation").

Speed: both solvers evaluate the loss and its gradients with :class:`_Evaluator`,
which performs the operations of :func:`._network.loss_and_gradients` in the same
order (so the results are bitwise equal) but in buffers allocated once per fit,
and Adam keeps all parameters, gradients and moments in single flat vectors so
that one update is a handful of vector operations whatever the number of layers.
"""

from collections import deque

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from ._network import (activate, activation_derivative, first_layer, sample_losses,
                       step_levels, transposed_product)


def active_units(masks):
    """Boolean arrays, one per weight layer: which units of the next layer are alive.

    A hidden neuron is alive while it has an incoming and an outgoing synapse; the
    output units always are.
    """
    units = [M_in.any(axis=0) & M_out.any(axis=1) for M_in, M_out in zip(masks[:-1], masks[1:])]
    units.append(np.ones(masks[-1].shape[1], dtype=bool))
    return units


def _flat_views(theta, masks):
    """Per-layer weight and bias views of a flat vector laid out as
    ``[W_0.ravel(), ..., W_L.ravel(), b_0, ..., b_L]``."""
    coefs, intercepts, pos = [], [], 0
    for M in masks:
        coefs.append(theta[pos:pos + M.size].reshape(M.shape))
        pos += M.size
    for M in masks:
        intercepts.append(theta[pos:pos + M.shape[1]])
        pos += M.shape[1]
    return coefs, intercepts


class _Packer:
    """Maps the active weights and biases to one flat vector and back.

    Weights marked in ``frozen`` keep their values in ``coefs`` and are not packed;
    the biases of removed units keep their values in ``intercepts``.
    """

    def __init__(self, masks, frozen=None, coefs=None, intercepts=None):
        self.units = active_units(masks)
        self.base_intercepts = (None if intercepts is None
                                else [np.where(u, 0.0, b) for b, u in zip(intercepts, self.units)])
        self.base = None
        if frozen is not None:
            self.base = [np.where(M & F, W, 0.0) for W, M, F in zip(coefs, masks, frozen)]
            masks = [M & ~F for M, F in zip(masks, frozen)]
        self.masks = masks
        self.full = [bool(M.all()) for M in masks]
        # With every synapse present the packed vector is the plain concatenation of
        # the raveled weights and biases: it can be read through views, not copied.
        self.dense = all(self.full)
        self.sizes = [int(M.sum()) for M in masks] + [int(u.sum()) for u in self.units]
        self.bounds = np.concatenate([[0], np.cumsum(self.sizes)])

    def pack(self, coefs, intercepts):
        parts = [W.ravel() if full else W[M]
                 for W, M, full in zip(coefs, self.masks, self.full)]
        parts += [b if u.all() else b[u] for b, u in zip(intercepts, self.units)]
        return np.concatenate(parts)

    def unpack(self, theta):
        n = len(self.masks)
        coefs, intercepts = [], []
        for l, M in enumerate(self.masks):
            seg = theta[self.bounds[l]:self.bounds[l + 1]]
            if self.full[l]:
                W = seg.reshape(M.shape)
            else:
                W = np.zeros(M.shape) if self.base is None else self.base[l].copy()
                W[M] = seg
            coefs.append(W)
        for l, u in enumerate(self.units):
            seg = theta[self.bounds[n + l]:self.bounds[n + l + 1]]
            b = (np.zeros(u.shape[0]) if self.base_intercepts is None
                 else self.base_intercepts[l].copy())
            b[u] = seg
            intercepts.append(b)
        return coefs, intercepts


class _Evaluator:
    """:func:`._network.loss_and_gradients` for up to ``max_rows`` samples, computed
    in preallocated buffers.

    The gradients are written into ``self.grad``, a flat vector laid out as
    ``[W_0.ravel(), ..., b_0, ...]`` and viewed per layer by ``self.coef_grads`` and
    ``self.intercept_grads``. Every elementwise operation and matrix product is the
    one ``loss_and_gradients`` performs, in the same order, so the results agree
    bitwise; only the temporaries are gone.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_nnprune._network import loss_and_gradients
    >>> rng = np.random.RandomState(0)
    >>> X, Y = rng.normal(size=(30, 4)), np.eye(3)[rng.randint(3, size=30)]
    >>> coefs = [rng.normal(size=(4, 5)), rng.normal(size=(5, 3))]
    >>> intercepts = [rng.normal(size=5), rng.normal(size=3)]
    >>> masks = [rng.rand(4, 5) > 0.3, np.ones((5, 3), dtype=bool)]
    >>> coefs[0][~masks[0]] = 0.0
    >>> evaluate = _Evaluator(masks, 30, "tanh", "softmax", alpha=0.1)
    >>> loss = evaluate(X, Y, coefs, intercepts)
    >>> ref = loss_and_gradients(X, Y, coefs, intercepts, masks, 0.1, "tanh", "softmax")
    >>> bool(loss == ref[0])
    True
    >>> grads = evaluate.coef_grads + evaluate.intercept_grads
    >>> all(np.array_equal(g, r) for g, r in zip(grads, ref[1] + ref[2]))
    True
    """

    def __init__(self, masks, max_rows, hidden_activation, output_activation, alpha,
                 dtype=np.float64, step_units=None):
        self.masks = masks
        self.n_layers = len(masks)
        hidden = hidden_activation
        self.names = ([hidden] * (self.n_layers - 1) if isinstance(hidden, str)
                      else list(hidden))
        # Threshold neurons (see _network.forward): indices and output levels per
        # hidden layer, None where a layer has none.
        self._steps = [None] * (self.n_layers - 1)
        if step_units is not None:
            self._steps = [np.flatnonzero(s) if np.any(s) else None for s in step_units]
        self._step_levels = [step_levels(name) if st is not None else None
                             for st, name in zip(self._steps, self.names)]
        self.output_activation = output_activation
        self.alpha = alpha
        widths = [M.shape[1] for M in masks]
        # acts[l] holds z_l, then a_l in place; deltas[l] the errors dh/dz_l.
        self.acts = [np.empty((max_rows, w), dtype=dtype) for w in widths]
        self.deltas = [np.empty((max_rows, w), dtype=dtype) for w in widths]
        self.scratch = [np.empty((max_rows, w), dtype=dtype) for w in widths[:-1]]
        self._positive = [np.empty((max_rows, w), dtype=bool) for w in widths[:-1]]
        n_weights = sum(M.size for M in masks)
        self.grad = np.zeros(n_weights + sum(widths), dtype=dtype)
        self.coef_grads, self.intercept_grads = _flat_views(self.grad, masks)
        self._weight_grads = self.grad[:n_weights]
        self._penalty = np.empty(n_weights, dtype=dtype)
        # Multiplying by a mask that is all True changes nothing (g * 1.0 == g).
        self._partial = [l for l, M in enumerate(masks) if not M.all()]
        n_out = widths[-1]
        self._out_bufs = [np.empty((max_rows, n_out), dtype=dtype) for _ in range(3)]
        self._row_loss = np.empty(max_rows, dtype=dtype)
        self._eps = np.finfo(dtype).eps

    def _times_derivative(self, d, a, layer):
        """``d *= activation_derivative(a, name)`` for hidden layer ``layer`` (0-based),
        without the temporaries."""
        name = self.names[layer]
        scratch = self.scratch[layer][:a.shape[0]]
        if name == "tanh":  # 1 - a * a
            np.multiply(a, a, out=scratch)
            np.subtract(1.0, scratch, out=scratch)
            d *= scratch
        elif name == "logistic":  # a * (1 - a)
            np.subtract(1.0, a, out=scratch)
            np.multiply(a, scratch, out=scratch)
            d *= scratch
        elif name == "relu":  # d * (a > 0), the boolean read as 0.0 / 1.0
            np.multiply(d, np.greater(a, 0.0, out=self._positive[layer][:a.shape[0]]), out=d)
        elif name == "rational":  # (1 - |a|)^2
            np.abs(a, out=scratch)
            np.subtract(1.0, scratch, out=scratch)
            np.multiply(scratch, scratch, out=scratch)
            d *= scratch
        elif name == "identity":  # d * 1.0 == d
            pass
        else:
            d *= activation_derivative(a, name)

    def _clip(self, P, out):
        """``np.clip(P, eps, 1 - eps)`` (NaN stays NaN) without its Python overhead."""
        np.maximum(P, self._eps, out=out)
        return np.minimum(out, 1 - self._eps, out=out)

    def _mean_sample_loss(self, Y, P, P_minus_Y, labels=None, sample_weight=None):
        """``sample_losses(Y, P, output_activation).mean()``, bitwise, in buffers
        (with ``sample_weight``: the weighted mean).

        ``xlogy(y, p)`` is ``y * log(p)`` except that it returns +0.0 where y == 0;
        ``y * log(p)`` gives -0.0 there (p is clipped below 1), and a signed zero
        added to a nonzero term of the same sample (logistic: the other term;
        softmax: the row's true class) leaves it unchanged. Only a softmax row with
        no class at all could end with the sign of its zero flipped. With one-hot
        softmax targets (``labels`` = their column indices) a row's loss is the
        log of its true class's probability alone: one logarithm per sample.
        """
        n = P.shape[0]
        name = self.output_activation
        if labels is not None and name == "softmax":
            p = np.take_along_axis(P, labels[:, None], axis=1).ravel()
            self._clip(p, p)
            np.log(p, out=p)
            return -_mean(p, sample_weight)
        b0, b1, b2 = (b[:n] for b in self._out_bufs)
        if name == "identity":
            np.multiply(P_minus_Y, P_minus_Y, out=b0)
            rows = np.add.reduce(b0, axis=1, out=self._row_loss[:n])
            rows *= 0.5
            return _mean(rows, sample_weight)
        if name not in ("logistic", "softmax"):
            return _mean(sample_losses(Y, P, name), sample_weight)
        self._clip(P, b0)
        np.log(b0, out=b1)
        b1 *= Y
        if name == "logistic":
            np.subtract(1, b0, out=b0)
            np.log(b0, out=b0)
            np.subtract(1, Y, out=b2)
            b0 *= b2
            b1 += b0
        rows = np.add.reduce(b1, axis=1, out=self._row_loss[:n])
        return -_mean(rows, sample_weight)

    def __call__(self, X, Y, coefs, intercepts, weights_flat=None, labels=None,
                 sample_weight=None):
        """Mean penalized loss; gradients in ``self.grad``.

        With ``sample_weight`` (non-negative, one per row) the loss is the
        weighted mean and the L2 term is divided by the weights' sum instead of
        the number of rows, as in scikit-learn's MLP: integer weights give the
        loss of the rows repeated.

        ``weights_flat``, if given, is the raveled concatenation of ``coefs`` (a view
        of one flat parameter vector), used to add the L2 term in one operation.
        ``labels``, if given, are the column indices of one-hot targets ``Y``
        (see :func:`_one_hot_labels`).
        """
        n = X.shape[0]
        last = self.n_layers - 1
        acts = [X]
        for l, (W, b) in enumerate(zip(coefs, intercepts)):
            z = self.acts[l][:n]
            first_layer(acts[-1], W, out=z)
            z += b
            steps = self._steps[l] if l < last else None
            if steps is not None:
                fire = z[:, steps] >= 0.0
            activate(z, self.names[l] if l < last else self.output_activation, out=z)
            if steps is not None:
                low, high = self._step_levels[l]
                z[:, steps] = np.where(fire, high, low)
            acts.append(z)
        P = acts[-1]
        deltas = [d[:n] for d in self.deltas]
        np.subtract(P, Y, out=deltas[-1])
        loss = self._mean_sample_loss(Y, P, deltas[-1], labels, sample_weight)
        if sample_weight is not None:
            n = sample_weight.sum()  # the weights take the place of the row count
            deltas[-1] *= sample_weight[:, None]
        loss += 0.5 * self.alpha / n * sum(np.vdot(W, W) for W in coefs)

        for l in range(last, 0, -1):
            W = coefs[l]
            if W.shape[1] == 1:
                # A product over a single output is an outer product: the same
                # roundings as the BLAS call, a fraction of its overhead.
                np.multiply(deltas[l], W.T, out=deltas[l - 1])
            else:
                np.matmul(deltas[l], W.T, out=deltas[l - 1])
            self._times_derivative(deltas[l - 1], acts[l], l - 1)
            if self._steps[l - 1] is not None:  # a step has zero derivative
                deltas[l - 1][:, self._steps[l - 1]] = 0.0
        for l in range(self.n_layers):
            transposed_product(acts[l], deltas[l], out=self.coef_grads[l])
            # d.mean(axis=0) is this sum and division, without np.mean's overhead.
            gb = np.add.reduce(deltas[l], axis=0, out=self.intercept_grads[l])
            np.true_divide(gb, n, out=gb)
        # g = (A^T D + alpha W) / n, masked: elementwise, so one pass over all layers.
        if weights_flat is None:
            for g, W in zip(self.coef_grads, coefs):
                g += np.multiply(W, self.alpha, out=self._penalty[:W.size].reshape(W.shape))
        else:
            self._weight_grads += np.multiply(weights_flat, self.alpha, out=self._penalty)
        self._weight_grads /= n
        for l in self._partial:
            self.coef_grads[l] *= self.masks[l]
        return loss


def _mean(x, weights=None):
    """``x.mean()`` of a 1-d array, the same sum and division without np.mean's
    overhead; with ``weights``, the weighted mean."""
    if weights is not None:
        return np.dot(x, weights) / weights.sum()
    return np.add.reduce(x) / x.shape[0]


def _one_hot_labels(Y):
    """Column index of the 1 in each row when ``Y`` is one-hot (rows of 0s and one 1),
    else None."""
    if Y.ndim != 2 or Y.shape[1] < 2 or not np.all((Y == 0) | (Y == 1)):
        return None
    if not np.all(Y.sum(axis=1) == 1):
        return None
    return Y.argmax(axis=1)


_FLAT_ITERATIONS = 10


def _flat(loss_curve):
    """Whether the loss fell by at most a relative 1e-5 over the last iterations
    (about 1e-6 per iteration)."""
    if len(loss_curve) <= _FLAT_ITERATIONS:
        return False
    before, last = loss_curve[-_FLAT_ITERATIONS - 1], loss_curve[-1]
    return before - last <= 1e-5 * abs(last)


def fit_lbfgs(X, Y, coefs, intercepts, masks, *, alpha, hidden_activation,
              output_activation, max_iter, tol=1e-6, n_snapshots=1, max_fun=15000,
              frozen=None, step_units=None, sample_weight=None):
    """Minimize the penalized loss with scipy's L-BFGS-B over the active parameters.

    ``frozen`` (None or boolean arrays shaped like ``coefs``) marks weights that
    keep their values (quantized weights); ``step_units`` (None or one boolean
    array per hidden layer) marks threshold neurons (see ``_network.forward``);
    ``sample_weight`` (None or one non-negative weight per row) weighs the loss
    (see :class:`_Evaluator`).

    Returns ``(coefs, intercepts, info)``; ``info`` holds ``n_iter``, ``loss``,
    ``loss_curve``, ``snapshots`` (list of (coefs, intercepts)) and ``converged``
    (False when the iteration limit ended the training while the loss still fell
    by more than a relative 1e-5 over its last 10 iterations).
    """
    packer = _Packer(masks, frozen, coefs, intercepts)
    history = deque(maxlen=max(int(n_snapshots), 1))
    loss_curve = []
    # float32 inputs compute in float32 (twice the throughput of the products);
    # L-BFGS-B itself works on float64 parameters, cast at each evaluation.
    single = X.dtype == np.float32
    dtype = np.float32 if single else np.result_type(X.dtype, *coefs)
    evaluate = _Evaluator(masks, X.shape[0], hidden_activation, output_activation, alpha,
                          dtype=dtype, step_units=step_units)
    labels = _one_hot_labels(Y) if output_activation == "softmax" else None
    if single:
        Y = Y.astype(np.float32, copy=False)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=dtype)

    def fun(theta):
        if single:
            return _fun_single(theta)
        if packer.dense:
            W, b = _flat_views(theta, masks)
            loss = evaluate(X, Y, W, b, weights_flat=theta[:evaluate._weight_grads.size],
                            labels=labels, sample_weight=sample_weight)
            # scipy keeps the returned gradient: hand it a copy of the buffer.
            return loss, evaluate.grad.copy()
        W, b = packer.unpack(theta)
        loss = evaluate(X, Y, W, b, labels=labels, sample_weight=sample_weight)
        return loss, packer.pack(evaluate.coef_grads, evaluate.intercept_grads)

    def _fun_single(theta):
        W, b = packer.unpack(theta)
        loss = evaluate(X, Y, [w.astype(np.float32) for w in W],
                        [v.astype(np.float32) for v in b], labels=labels,
                        sample_weight=sample_weight)
        grad = packer.pack(evaluate.coef_grads, evaluate.intercept_grads)
        return float(loss), grad.astype(np.float64)

    def callback(intermediate_result):
        loss_curve.append(float(intermediate_result.fun))
        history.append(intermediate_result.x.copy())

    theta0 = packer.pack(coefs, intercepts)
    if max_iter <= 0 or theta0.size == 0:
        history.append(theta0)
        res_x, n_iter, converged = theta0, 0, theta0.size == 0
        loss_curve.append(float(fun(theta0)[0]))
    else:
        res = scipy.optimize.minimize(
            fun, theta0, jac=True, method="L-BFGS-B", callback=callback,
            options={"maxiter": int(max_iter), "maxfun": max_fun, "gtol": tol,
                     "ftol": 1e-12},
        )
        res_x, n_iter = res.x, int(res.nit)
        # Status 1 is L-BFGS-B's iteration (or evaluation) limit; the others end at
        # the gradient or loss tolerance, or at the precision of the line search.
        # At the limit, a loss that no longer falls (relative 1e-5 over the last
        # _FLAT_ITERATIONS iterations) counts as converged: the strict gradient
        # tolerance is then all that is left.
        converged = res.status != 1 or _flat(loss_curve)
        if not history or not np.array_equal(history[-1], res_x):
            history.append(res_x.copy())
        if not loss_curve:
            loss_curve.append(float(res.fun))
    coefs, intercepts = _copies(*packer.unpack(res_x), dtype)
    snapshots = [_copies(*packer.unpack(x), dtype) for x in history]
    return coefs, intercepts, {"n_iter": n_iter, "loss": loss_curve[-1],
                               "loss_curve": loss_curve, "snapshots": snapshots,
                               "converged": converged}


def _copies(coefs, intercepts, dtype=None):
    """Independent (not view) copies of the weights and biases (in ``dtype``, if
    given: float32 data give float32 networks)."""
    if dtype is not None and dtype != np.float64:
        return [W.astype(dtype) for W in coefs], [b.astype(dtype) for b in intercepts]
    return [W.copy() for W in coefs], [b.copy() for b in intercepts]


def _batch_rows(X, idx, out):
    """``X[idx]``: gathered into the reused buffer ``out`` for dense ``X``, a sparse
    row selection (never densified) for scipy sparse ``X``."""
    if sp.issparse(X):
        return X[idx]
    return np.take(X, idx, axis=0, out=out)


def _adam_update(theta, grad, m, v, buffers, step, beta_1, beta_2, epsilon):
    """One Adam step in place: ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2)
    g^2``, ``theta -= step m / (sqrt(v) + eps)``, in the order of the plain
    formulas, in the two ``buffers``."""
    tmp, tmp2 = buffers
    m *= beta_1
    m += np.multiply(grad, 1 - beta_1, out=tmp)
    v *= beta_2
    np.multiply(grad, grad, out=tmp)
    tmp *= 1 - beta_2
    v += tmp
    np.multiply(m, step, out=tmp)
    np.sqrt(v, out=tmp2)
    tmp2 += epsilon
    tmp /= tmp2
    theta -= tmp


def fit_adam(X, Y, coefs, intercepts, masks, *, alpha, hidden_activation,
             output_activation, max_iter, random_state, tol=1e-4, n_iter_no_change=10,
             batch_size=200, learning_rate=1e-3, beta_1=0.9, beta_2=0.999,
             epsilon=1e-8, n_snapshots=1, frozen=None, step_units=None,
             sample_weight=None):
    """Mini-batch Adam; stops when the epoch loss has not improved by ``tol`` for
    ``n_iter_no_change`` epochs (early stopping on the training loss).

    ``frozen``, ``step_units`` and ``sample_weight`` are as in :func:`fit_lbfgs`
    (each batch's loss is its weighted mean, as in scikit-learn's MLP).

    ``random_state`` is a numpy RandomState used to shuffle samples each epoch.
    Returns ``(coefs, intercepts, info)`` as :func:`fit_lbfgs`.
    """
    n = X.shape[0]
    batch_size = int(min(max(batch_size, 1), n))
    # float32 data train in float32, parameters and moments included (as
    # scikit-learn's MLP); anything else in float64.
    dtype = np.float32 if X.dtype == np.float32 else np.result_type(X.dtype, *coefs,
                                                                    *intercepts)
    Y = Y.astype(dtype, copy=False)
    # All parameters in one vector (weights first), with per-layer views: the Adam
    # update is then a few operations on that vector rather than a few per layer.
    theta = np.concatenate([np.ravel(W) for W in coefs] + [np.ravel(b) for b in intercepts]
                           ).astype(dtype, copy=False)
    coefs, intercepts = _flat_views(theta, masks)
    n_weights = sum(M.size for M in masks)
    weights_flat = theta[:n_weights]
    # Frozen weights are left out of the gradient mask: zero gradients, they stay put.
    grad_masks = masks if frozen is None else [M & ~F for M, F in zip(masks, frozen)]
    evaluate = _Evaluator(grad_masks, batch_size, hidden_activation, output_activation,
                          alpha, dtype=dtype, step_units=step_units)
    grad = evaluate.grad
    # Masked weights get exactly zero gradients (and so do the biases of removed
    # neurons, whose errors are 0): their moments stay 0 and they never move.
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    tmp = np.empty_like(theta)
    tmp2 = np.empty_like(theta)
    Xb_buf = np.empty((batch_size, X.shape[1]), dtype=X.dtype)
    Yb_buf = np.empty((batch_size, Y.shape[1]), dtype=Y.dtype)
    labels = _one_hot_labels(Y) if output_activation == "softmax" else None
    labels_buf = None if labels is None else np.empty(batch_size, dtype=labels.dtype)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=dtype)
        weight_buf = np.empty(batch_size, dtype=dtype)
        epoch_weight = sample_weight.sum()
    history = deque(maxlen=max(int(n_snapshots), 1))
    loss_curve = []
    best_loss, no_improvement, t, n_iter = np.inf, 0, 0, 0
    converged = False
    for epoch in range(int(max_iter)):
        order = random_state.permutation(n)
        epoch_loss = 0.0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            nb = idx.shape[0]
            # Gather the batch into a small reused buffer: it stays in cache for the
            # forward and the gradient products.
            Xb = _batch_rows(X, idx, Xb_buf[:nb])
            Yb = np.take(Y, idx, axis=0, out=Yb_buf[:nb])
            lb = None if labels is None else np.take(labels, idx, out=labels_buf[:nb])
            wb = (None if sample_weight is None
                  else np.take(sample_weight, idx, out=weight_buf[:nb]))
            if wb is not None and not wb.any():
                continue  # a batch of zero weights has no loss and no gradient
            loss = evaluate(Xb, Yb, coefs, intercepts, weights_flat=weights_flat, labels=lb,
                            sample_weight=wb)
            epoch_loss += loss * (nb if wb is None else wb.sum())
            t += 1
            step = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
            _adam_update(theta, grad, m, v, (tmp, tmp2), step, beta_1, beta_2, epsilon)
        n_iter = epoch + 1
        epoch_loss /= n if sample_weight is None else epoch_weight
        loss_curve.append(epoch_loss)
        history.append(_copies(coefs, intercepts))
        if epoch_loss > best_loss - tol:
            no_improvement += 1
        else:
            no_improvement = 0
        best_loss = min(best_loss, epoch_loss)
        if no_improvement > n_iter_no_change:
            converged = True
            break
    if not history:
        history.append(_copies(coefs, intercepts))
    coefs, intercepts = _copies(coefs, intercepts)
    return coefs, intercepts, {"n_iter": n_iter, "loss": loss_curve[-1] if loss_curve else np.nan,
                               "loss_curve": loss_curve, "snapshots": list(history),
                               "converged": converged}
