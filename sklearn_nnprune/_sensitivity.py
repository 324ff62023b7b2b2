"""First-order sensitivity indicators (Gorban and Mirkes; METHOD.md section 3).

For an element with value v and reference value v* (the value it takes when it is
removed), the first-order estimate of the change of the loss h_s of sample s is

    chi_s(v) = | dh_s/dv * (v_s - v*) |

and the indicator aggregates chi_s over the samples: their sum ("sum", an L1 norm)
or their maximum ("max", an L-infinity norm). All indicators are computed from one
forward and one backward pass over the data, as matrix products; "max" for the
synapses works in sample chunks so that memory stays bounded. For scipy sparse X
the input indicators are made in row chunks from the stored entries (a zero
entry contributes ``|g| |x*|``), so neither ``X - x*`` nor the gradients of all
the rows exist at once; the indicators are in the dtype of the data (float32 for
float32 networks).
"""

import numpy as np
import scipy.sparse as sp

from ._network import backward, forward, output_delta, signal_gradients

# Elements held at once by the chunked "max" of the synapse indicators.
_MAX_CHUNK_ELEMENTS = 2 ** 22
# Elements of the per-sample input gradients held at once for sparse inputs (the
# gradient of every input of every sample would be as large as the dense data).
_SPARSE_CHUNK_ELEMENTS = 2 ** 19


def _aggregate(chi, how):
    return chi.sum(axis=0) if how == "sum" else chi.max(axis=0)


def _sparse_rows(start, stop, n_columns, elements=_SPARSE_CHUNK_ELEMENTS):
    """Row slices of at most ``elements`` dense values of ``n_columns`` columns."""
    step = max(1, elements // max(n_columns, 1))
    return [slice(i, min(i + step, stop)) for i in range(start, stop, step)]


def _sparse_input_indicator(X, D, W, ref, how):
    """The input indicator ``aggregate_s |g_si (x_si - r_i)|`` (``g = D @ W.T``) for
    scipy sparse ``X``, in row chunks: where ``x_si = 0`` the term is
    ``|g_si| |r_i|``, and only the stored entries are corrected, so neither
    ``X - r`` nor the gradients of all the rows are ever formed."""
    X = X.tocsr()
    if not X.has_canonical_format:  # one stored entry per position, on a copy
        X = X.copy()
        X.sum_duplicates()
    ref = np.broadcast_to(np.asarray(ref, dtype=D.dtype), (X.shape[1],))
    out = np.zeros(X.shape[1], dtype=D.dtype)
    for rows in _sparse_rows(0, X.shape[0], X.shape[1]):
        block = X[rows]
        chi = np.abs(D[rows] @ W.T)
        where = (np.repeat(np.arange(block.shape[0]), np.diff(block.indptr)),
                 block.indices)
        stored = chi[where] * np.abs(block.data - ref[block.indices])
        chi *= np.abs(ref)
        chi[where] = stored
        part = _aggregate(chi, how)
        out = out + part if how == "sum" else np.maximum(out, part)
    return out


def _input_indicator(X, D, W, ref, how):
    """Aggregate over samples of ``|g_si (x_si - r_i)|`` with ``g = D @ W.T``."""
    if sp.issparse(X):
        return _sparse_input_indicator(X, D, W, ref, how)
    if not np.isscalar(ref) and ref.dtype != X.dtype:
        ref = ref.astype(X.dtype)  # float32 data: float32 indicators
    return _aggregate(np.abs((D @ W.T) * (X - ref)), how)


def _sparse_synapse_max(A, D, dW):
    """``max_s |A[s, i]| |D[s, j]| * dW`` for scipy sparse ``A``, dense in row
    chunks of the size the dense maximum uses."""
    fan_in, fan_out = A.shape[1], D.shape[1]
    absA, absD = abs(A.tocsr()), np.abs(D)
    out = np.zeros((fan_in, fan_out), dtype=D.dtype)
    for rows in _sparse_rows(0, A.shape[0], fan_in * fan_out, _MAX_CHUNK_ELEMENTS):
        block = absA[rows].toarray()[:, :, None] * absD[rows, None, :]
        np.maximum(out, block.max(axis=0), out=out)
    return out * dW


def _synapse_indicator(A, D, W, reference, how):
    """Aggregate of |D[s, j] * A[s, i] * (W[i, j] - reference[i, j])| over s."""
    dW = np.abs(W if reference is None else W - reference)
    if sp.issparse(A):
        if how == "sum":
            return np.asarray(abs(A).T @ np.abs(D)) * dW
        return _sparse_synapse_max(A, D, dW)
    if how == "sum":
        return (np.abs(A).T @ np.abs(D)) * dW
    n, fan_in, fan_out = A.shape[0], A.shape[1], D.shape[1]
    chunk = max(1, _MAX_CHUNK_ELEMENTS // max(fan_in * fan_out, 1))
    out = np.zeros((fan_in, fan_out), dtype=D.dtype)
    absA, absD = np.abs(A), np.abs(D)
    for start in range(0, n, chunk):
        block = absA[start:start + chunk, :, None] * absD[start:start + chunk, None, :]
        np.maximum(out, block.max(axis=0), out=out)
    return out * dW


def sensitivities(X, Y, coefs, intercepts, hidden_activation, output_activation, *,
                  kinds=("inputs", "neurons", "synapses"), how="sum",
                  input_reference=None, neuron_reference=None,
                  synapse_reference=None, step_units=None, sample_weight=None):
    """Sensitivity indicators of the network's elements on the data (X, Y).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Inputs in the network's own (standardized) space.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets coded as the network's outputs (one-hot, 0/1 or standardized values).
    coefs, intercepts : lists of ndarray
        The network's weights; removed synapses are 0.
    hidden_activation, output_activation : str
        Activation names (see ``_network``).
    kinds : iterable of {"inputs", "neurons", "synapses"}
        Which indicators to compute.
    how : {"sum", "max"}
        Aggregation over samples.
    input_reference : ndarray of shape (n_features,) or None
        Value x_i* each input takes when removed (None: 0).
    neuron_reference : list of ndarray or None
        Value a_j* of each hidden neuron when removed, one array per hidden layer,
        of shape (n_units,) or, for per-sample references, (n_samples, n_units)
        (None: 0).
    synapse_reference : list of ndarray or None
        Value each weight takes when removed or rounded (None: 0).
    step_units : list of ndarray of bool or None
        Threshold neurons of each hidden layer (see ``_network.forward``).
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the samples' losses: "sum" aggregates ``w_s chi_s``, "max"
        the maximum over the samples of positive weight (both as if each sample
        were repeated ``w_s`` times).

    Returns
    -------
    dict
        ``"inputs"``: ndarray (n_features,); ``"neurons"``: list of ndarray, one per
        hidden layer; ``"synapses"``: list shaped like ``coefs``.
    """
    kinds = set(kinds)
    if sample_weight is not None and how == "max":
        X, Y, neuron_reference = _positive_rows(sample_weight, X, Y, neuron_reference)
        sample_weight = None
    acts = forward(X, coefs, intercepts, hidden_activation, output_activation, step_units)
    delta_out = output_delta(Y, acts[-1])
    if sample_weight is not None:
        # The indicators are linear in each sample's loss: weigh its output error.
        delta_out *= sample_weight[:, None]
    deltas = backward(acts, coefs, delta_out, hidden_activation, step_units)
    result = {}
    if "neurons" in kinds:
        # The gradients of the inputs themselves are made by _input_indicator (in
        # row chunks for sparse X).
        grads = [None] + signal_gradients(deltas[1:], coefs[1:])
    if "inputs" in kinds:
        ref = 0.0 if input_reference is None else input_reference
        result["inputs"] = _input_indicator(X, deltas[0], coefs[0], ref, how)
    if "neurons" in kinds:
        neurons = []
        for l in range(1, len(coefs)):
            ref = 0.0 if neuron_reference is None else neuron_reference[l - 1]
            ref = ref if np.isscalar(ref) else np.asarray(ref, dtype=acts[l].dtype)
            neurons.append(_aggregate(np.abs(grads[l] * (acts[l] - ref)), how))
        result["neurons"] = neurons
    if "synapses" in kinds:
        refs = synapse_reference if synapse_reference is not None else [None] * len(coefs)
        result["synapses"] = [
            _synapse_indicator(A, D, W, r, how)
            for A, D, W, r in zip(acts[:-1], deltas, coefs, refs)
        ]
    return result


def _positive_rows(sample_weight, X, Y, neuron_reference):
    """``X``, ``Y`` and per-sample neuron references on the samples of positive
    weight."""
    keep = sample_weight > 0
    if neuron_reference is not None:
        neuron_reference = [r[keep] if np.ndim(r) == 2 else r for r in neuron_reference]
    return X[keep], Y[keep], neuron_reference


def average_sensitivities(X, Y, snapshots, hidden_activation, output_activation, **kw):
    """Mean of :func:`sensitivities` over parameter points ``[(coefs, intercepts), ...]``.

    Averaging over the last points of the training trajectory smooths the noise of
    indicators taken at a single point (METHOD.md section 3, accumulation).
    """
    total = None
    for coefs, intercepts in snapshots:
        s = sensitivities(X, Y, coefs, intercepts, hidden_activation, output_activation, **kw)
        if total is None:
            total = s
            continue
        for key, value in s.items():
            if key == "inputs":
                total[key] = total[key] + value
            else:
                total[key] = [t + v for t, v in zip(total[key], value)]
    k = float(len(snapshots))
    return {key: (value / k if key == "inputs" else [v / k for v in value])
            for key, value in total.items()}
