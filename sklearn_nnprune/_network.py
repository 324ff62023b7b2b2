"""The masked feed-forward network: activations, forward and backward passes, loss.

Arrays in, arrays out. A network is described by three lists of equal length, one
entry per layer of weights:

- ``coefs[l]``: weight matrix of shape (n_units_l, n_units_{l+1});
- ``intercepts[l]``: bias vector of shape (n_units_{l+1},);
- ``masks[l]``: boolean array shaped like ``coefs[l]``; False = synapse removed.

Masked weights are kept exactly 0 by every function that changes weights.
"""

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, xlogy

HIDDEN_ACTIVATIONS = ("tanh", "logistic", "relu", "identity", "rational", "step")
OUTPUT_ACTIVATIONS = ("identity", "logistic", "softmax")


def first_layer(X, W, out=None):
    """``X @ W`` into ``out`` (allocated when None), for dense or scipy sparse ``X``:
    a sparse product is computed by scipy (the matrix is never densified) and
    copied into ``out``; a dense one is ``np.matmul``, bitwise."""
    if not sp.issparse(X):
        return np.matmul(X, W, out=out)
    product = X @ W
    if out is None:
        return np.asarray(product)
    out[...] = product
    return out


def transposed_product(X, D, out=None):
    """``X.T @ D`` into ``out`` for dense or scipy sparse ``X`` (the first layer's
    weight gradient): scipy's sparse product on the transposed matrix, or
    ``np.matmul`` on the dense one, bitwise."""
    if not sp.issparse(X):
        return np.matmul(X.T, D, out=out)
    product = X.T @ D
    if out is None:
        return np.asarray(product)
    out[...] = product
    return out


def compute_dtype(X):
    """The dtype a network computes in on data ``X``: float32 for float32 ``X`` (as
    scikit-learn's MLP), float64 otherwise."""
    return np.float32 if X.dtype == np.float32 else np.float64


def _rational(z, out):
    # x / (1 + |x|): a sigmoid that needs no exponential.
    np.abs(z, out=out)
    out += 1.0
    np.divide(z, out, out=out)
    return out


def _tanh(z, out):
    # tanh(z) = 1 - 2 / (exp(2z) + 1): on this project's x86-64 builds numpy's exp
    # is SIMD-vectorized and its float64 tanh is not, so this halves the cost of the
    # most used activation. Absolute error <= 4e-16 (relative error grows below
    # |z| ~ 1e-8, harmless in a network); exp overflows to inf for z > 354, giving
    # exactly 1.
    with np.errstate(over="ignore"):
        np.multiply(z, 2.0, out=out)
        np.exp(out, out=out)
    out += 1.0
    np.divide(2.0, out, out=out)
    np.subtract(1.0, out, out=out)
    return out


def activate(z, name, out=None):
    """Apply an activation function; ``out`` may be ``z`` itself."""
    if out is None:
        out = np.empty_like(z)
    if name == "tanh":
        return _tanh(z, out)
    if name == "logistic":
        return expit(z, out=out)
    if name == "relu":
        return np.maximum(z, 0.0, out=out)
    if name == "identity":
        if out is not z:
            out[...] = z
        return out
    if name == "rational":
        if out is z:
            z = z.copy()
        return _rational(z, out)
    if name == "step":
        # Threshold neuron with outputs in {-1, +1}, the binarized tanh.
        return _step(z, out)
    if name == "softmax":
        np.subtract(z, z.max(axis=1, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)
        return out
    raise ValueError(f"unknown activation {name!r}")


def _step(z, out):
    np.greater_equal(z, 0.0, out=out, casting="unsafe")
    out *= 2.0
    out -= 1.0
    return out


def activation_derivative(a, name):
    """Derivative of the activation, written in terms of its output ``a``."""
    if name == "tanh":
        return 1.0 - a * a
    if name == "logistic":
        return a * (1.0 - a)
    if name == "relu":
        return (a > 0).astype(a.dtype)
    if name == "identity":
        return np.ones_like(a)
    if name == "rational":
        # a = z / (1 + |z|)  =>  1 - |a| = 1 / (1 + |z|)  and  da/dz = (1 - |a|)^2.
        d = 1.0 - np.abs(a)
        return d * d
    if name == "step":
        return np.zeros_like(a)
    raise ValueError(f"unknown activation {name!r}")


def forward(X, coefs, intercepts, hidden_activation, output_activation, step_units=None):
    """Activations of every layer, input included: ``[X, a_1, ..., a_out]``.

    ``hidden_activation`` is a name or a list with one name per hidden layer.
    ``step_units`` (None or one boolean array per hidden layer) marks threshold
    neurons: they output the high level of :func:`step_levels` where their input
    z >= 0 and the low level elsewhere.
    """
    names = _hidden_names(hidden_activation, len(coefs) - 1)
    activations = [X]
    a = X
    last = len(coefs) - 1
    for l, (W, b) in enumerate(zip(coefs, intercepts)):
        z = first_layer(a, W)
        z += b
        steps = _steps_of(step_units, l, last)
        fire = z[:, steps] >= 0.0 if steps is not None else None
        a = activate(z, names[l] if l < last else output_activation, out=z)
        if steps is not None:
            low, high = step_levels(names[l])
            a[:, steps] = np.where(fire, high, low)
        activations.append(a)
    return activations


def step_levels(name):
    """(low, high) outputs of a threshold neuron replacing activation ``name``:
    the limits of the activation's range, {0, 1} for the unbounded relu."""
    if name in ("tanh", "rational", "step"):
        return -1.0, 1.0
    if name in ("logistic", "relu"):
        return 0.0, 1.0
    raise ValueError(f"activation {name!r} has no threshold version")


def _steps_of(step_units, layer, last):
    # Indices of the threshold neurons of weight layer ``layer`` (None: none).
    if step_units is None or layer >= last or not np.any(step_units[layer]):
        return None
    return np.flatnonzero(step_units[layer])


def _hidden_names(hidden_activation, n_hidden):
    if isinstance(hidden_activation, str):
        return [hidden_activation] * n_hidden
    return list(hidden_activation)


def sample_losses(Y, P, output_activation):
    """Per-sample loss h_s: squared error (identity output) or log loss."""
    eps = np.finfo(P.dtype).eps
    if output_activation == "identity":
        return 0.5 * ((P - Y) ** 2).sum(axis=1)
    Pc = np.clip(P, eps, 1 - eps)
    if output_activation == "logistic":
        return -(xlogy(Y, Pc) + xlogy(1 - Y, 1 - Pc)).sum(axis=1)
    return -xlogy(Y, Pc).sum(axis=1)


def output_delta(Y, P):
    """dh_s/dz at the output. For the matching (activation, loss) pairs it is P - Y."""
    return P - Y


def backward(activations, coefs, delta_out, hidden_activation, step_units=None):
    """Per-sample back-propagated errors ``deltas[l] = dh_s / dz_{l+1}``.

    Returns a list shaped like ``activations[1:]``; ``deltas[l]`` has shape
    (n_samples, n_units_{l+1}). Threshold neurons (``step_units``) have a zero
    derivative: nothing behind them learns through them.
    """
    names = _hidden_names(hidden_activation, len(coefs) - 1)
    deltas = [None] * len(coefs)
    deltas[-1] = delta_out
    for l in range(len(coefs) - 1, 0, -1):
        d = deltas[l] @ coefs[l].T
        d *= activation_derivative(activations[l], names[l - 1])
        steps = _steps_of(step_units, l - 1, len(coefs) - 1)
        if steps is not None:
            d[:, steps] = 0.0
        deltas[l - 1] = d
    return deltas


def signal_gradients(deltas, coefs):
    """dh_s/da for each layer's input signals: ``grads[l] = deltas[l] @ W_l^T``.

    ``grads[0]`` is the gradient with respect to the input features and
    ``grads[l]`` (l >= 1) with respect to the outputs of hidden layer l.
    """
    return [d @ W.T for d, W in zip(deltas, coefs)]


def loss_and_gradients(X, Y, coefs, intercepts, masks, alpha, hidden_activation,
                       output_activation, step_units=None, sample_weight=None):
    """Mean loss with L2 penalty and its gradients (masked weights get 0 gradient).

    loss = mean_s h_s + alpha / (2 n) * sum ||W||^2, as in scikit-learn's MLP;
    with ``sample_weight`` w, sum_s w_s h_s / W + alpha / (2 W) * sum ||W||^2,
    W = sum_s w_s (integer weights: the loss of the rows repeated).
    """
    n = X.shape[0]
    acts = forward(X, coefs, intercepts, hidden_activation, output_activation, step_units)
    P = acts[-1]
    losses, delta = sample_losses(Y, P, output_activation), output_delta(Y, P)
    if sample_weight is None:
        loss = losses.mean()
    else:
        n = sample_weight.sum()
        loss = np.dot(losses, sample_weight) / n
        delta = delta * sample_weight[:, None]
    loss += 0.5 * alpha / n * sum(np.vdot(W, W) for W in coefs)
    deltas = backward(acts, coefs, delta, hidden_activation, step_units)
    coef_grads, intercept_grads = [], []
    for a, d, W, M in zip(acts[:-1], deltas, coefs, masks):
        g = transposed_product(a, d)
        g += alpha * W
        g /= n
        g *= M
        coef_grads.append(g)
        intercept_grads.append(d.mean(axis=0) if sample_weight is None
                               else d.sum(axis=0) / n)
    return loss, coef_grads, intercept_grads


def predict_output(X, coefs, intercepts, hidden_activation, output_activation,
                   step_units=None):
    """Network output only, without keeping the intermediate activations."""
    if step_units is not None:
        return forward(X, coefs, intercepts, hidden_activation, output_activation,
                       step_units)[-1]
    names = _hidden_names(hidden_activation, len(coefs) - 1)
    a = X
    last = len(coefs) - 1
    for l, (W, b) in enumerate(zip(coefs, intercepts)):
        z = first_layer(a, W)
        z += b
        a = activate(z, names[l] if l < last else output_activation, out=z)
    return a


def count_structure(masks):
    """(n_inputs, n_hidden_neurons, n_synapses) of a masked network."""
    n_inputs = int(masks[0].any(axis=1).sum())
    n_neurons = sum(int((M_in.any(axis=0) & M_out.any(axis=1)).sum())
                    for M_in, M_out in zip(masks[:-1], masks[1:]))
    n_synapses = sum(int(M.sum()) for M in masks)
    return n_inputs, n_neurons, n_synapses


def class_probabilities(out):
    """Class probabilities from a classifier's output: a binary network has one
    logistic output, the probability of class 1."""
    return np.hstack([1.0 - out, out]) if out.shape[1] == 1 else out


def decode_output(out):
    """Index of the predicted class from a classifier's output."""
    if out.shape[1] == 1:
        return (out[:, 0] > 0.5).astype(int)
    return out.argmax(axis=1)
