"""The compact form of a pruned network: only what its output depends on.

Arrays in, arrays out. A pruned network keeps its full-size matrices with zeros
where synapses were removed (``coefs_``, ``masks_``); predicting through them costs
as much as the unpruned network. The compact form keeps the inputs that reach the
outputs, the neurons that do, and small dense matrices between them:

- ``inputs``: indices of the kept input columns, increasing;
- ``coefs[l]``, ``intercepts[l]``: the weights between the kept units;
- ``steps``: None, or per hidden layer a boolean array marking threshold neurons;
- ``hidden``: per hidden layer, the index of each kept neuron in the full layer.

A neuron that has outgoing synapses but no incoming ones outputs a constant; it is
folded into the next layer's intercepts. A neuron without outgoing synapses to a
kept unit is dropped. The outputs are all kept.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple, Optional

import numpy as np

from ._network import _hidden_names, activate, predict_output, step_levels

# Rows per chunk: about 2 MB of input, so that a chunk is read from memory once and
# the finiteness check, the column gather and the first product hit the cache.
_CHUNK_BYTES = 1 << 21
_MAX_THREADS = 4
# Below this many chunks per thread, starting threads costs more than it saves.
_CHUNKS_PER_THREAD = 4


class CompactNetwork(NamedTuple):
    """The compact form (see the module docstring); built by :func:`compact_network`,
    stored in estimators as the plain tuple :meth:`to_arrays` returns."""

    inputs: np.ndarray
    coefs: tuple
    intercepts: tuple
    steps: Optional[tuple]
    hidden: tuple

    def to_arrays(self):
        """The form as nested tuples of arrays (no class of this library)."""
        return (self.inputs, self.coefs, self.intercepts, self.steps, self.hidden)

    @classmethod
    def from_arrays(cls, arrays):
        return cls(*arrays)

    @property
    def n_weights(self):
        """Stored weights and intercepts of the compact form."""
        return int(sum(W.size + b.size for W, b in zip(self.coefs, self.intercepts)))


def _useful_units(masks):
    """Per layer of units (inputs, hidden..., outputs), the units an output depends
    on through synapses: found backwards from the outputs."""
    useful = [np.ones(masks[-1].shape[1], dtype=bool)]
    for M in reversed(masks):
        useful.append(M[:, useful[-1]].any(axis=1))
    return useful[::-1]


def _constant_value(b, name, is_step):
    """Output of neurons without incoming synapses (z = b)."""
    z = np.array(b, dtype=np.float64, copy=True)[None, :]
    a = activate(z, name, out=z)[0]
    if np.any(is_step):
        low, high = step_levels(name)
        a = np.where(is_step, np.where(b >= 0, high, low), a)
    return a


def compact_network(coefs, intercepts, masks, hidden_activation, step_units=None):
    """The compact form of a masked network.

    Parameters
    ----------
    coefs, intercepts, masks : lists of arrays
        The full network; removed weights are 0 in ``coefs``.
    hidden_activation : str or list of str
        Activation of the hidden layers.
    step_units : None or list of boolean arrays
        Threshold neurons per hidden layer.

    Returns
    -------
    CompactNetwork
        Its output equals that of the full network to the rounding of the sums.
    """
    n_layers = len(coefs)
    names = _hidden_names(hidden_activation, n_layers - 1)
    useful = _useful_units(masks)
    kept = [np.flatnonzero(useful[0])]
    new_coefs, new_intercepts, new_steps = [], [], []
    carry = None  # contribution of the previous layer's constant neurons
    for l in range(n_layers):
        rows, last = kept[-1], l == n_layers - 1
        columns = (np.arange(coefs[l].shape[1]) if last else np.flatnonzero(useful[l + 1]))
        W = coefs[l][np.ix_(rows, columns)]
        b = intercepts[l][columns] + (0 if carry is None else carry[columns])
        if last:
            new_coefs.append(W), new_intercepts.append(b.astype(W.dtype, copy=False))
            break
        is_step = (np.zeros(columns.size, dtype=bool) if step_units is None
                   else np.asarray(step_units[l], dtype=bool)[columns])
        fed = masks[l][np.ix_(rows, columns)].any(axis=0)
        constant = _constant_value(b[~fed], names[l], is_step[~fed])
        # The constant neurons' outputs times their outgoing weights, per next unit.
        carry = constant @ coefs[l + 1][columns[~fed]]
        new_coefs.append(W[:, fed])
        new_intercepts.append(b[fed].astype(W.dtype, copy=False))
        new_steps.append(is_step[fed])
        kept.append(columns[fed])
    steps = tuple(new_steps) if any(s.any() for s in new_steps) else None
    return CompactNetwork(kept[0], tuple(new_coefs), tuple(new_intercepts), steps,
                          tuple(kept[1:]))


def _chunk_rows(n_features, itemsize):
    return int(np.clip(_CHUNK_BYTES // max(1, n_features * itemsize), 256, 1 << 16))


def _transposed_output(A, net, names, output_activation):
    """Output of the compact network on its gathered inputs ``A`` (rows x kept
    inputs), computed as units x rows: with few units per layer, adding the
    intercepts and the activations then run along long contiguous rows."""
    a = A.T
    last = len(net.coefs) - 1
    for l, (W, b) in enumerate(zip(net.coefs, net.intercepts)):
        z = np.matmul(W.T, a)
        z += b[:, None]
        if l == last:
            # The output activation (softmax included) works on rows x outputs.
            return activate(np.ascontiguousarray(z.T), output_activation)
        steps = None if net.steps is None else np.flatnonzero(net.steps[l])
        fire = z[steps] >= 0.0 if steps is not None and steps.size else None
        a = activate(z, names[l], out=z)
        if fire is not None:
            low, high = step_levels(names[l])
            a[steps] = np.where(fire, high, low)
    raise AssertionError("unreachable: the loop returns at the output layer")


def compact_output(X, net, hidden_activation, output_activation, check_chunk=None):
    """The network's output on full-width ``X`` through its compact form ``net``.

    Dense ``X`` is processed in row chunks: ``check_chunk`` (a callable raising on
    bad values, or None) sees each full-width chunk, then only the kept columns
    are gathered while the chunk is in the cache. Sparse ``X`` has its kept
    columns selected at once. Large batches spread their chunks over threads
    (numpy releases the GIL in the products and ufuncs); each chunk writes its
    own rows, so the result does not depend on the number of threads.
    """
    names = _hidden_names(hidden_activation, len(net.coefs) - 1)
    if not isinstance(X, np.ndarray):  # scipy sparse: sparse first product
        return predict_output(X[:, net.inputs], list(net.coefs), list(net.intercepts),
                              names, output_activation,
                              None if net.steps is None else list(net.steps))
    dtype = np.result_type(X.dtype, net.coefs[0].dtype)
    out = np.empty((X.shape[0], net.coefs[-1].shape[1]), dtype=dtype)
    rows = _chunk_rows(X.shape[1], X.itemsize)

    def one_chunk(start):
        chunk = X[start:start + rows]
        if check_chunk is not None:
            check_chunk(chunk)
        out[start:start + rows] = _transposed_output(
            np.take(chunk, net.inputs, axis=1), net, names, output_activation)

    starts = range(0, X.shape[0], rows)
    n_threads = min(len(starts) // _CHUNKS_PER_THREAD, _MAX_THREADS, os.cpu_count() or 1)
    if n_threads < 2:
        for start in starts:
            one_chunk(start)
        return out
    with ThreadPoolExecutor(n_threads) as pool:
        list(pool.map(one_chunk, starts))  # re-raises a chunk's error
    return out
