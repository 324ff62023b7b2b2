"""The large-data path (issue 18): what a step decision needs, not every row.

On many rows the indicators (sums over samples) and the criterion (an average)
are estimated well from part of them. The path that the estimators take from
``LARGE_DATA_ROWS`` rows on (``_base.resolve_criterion``) therefore

- scores the criterion on one held-out split (:class:`SubsampledCriterion`) of
  ``n // 5`` rows, at most ``MAX_HELD_OUT_ROWS`` (``validation_fraction * n``
  when that is given), always whole, so that every step is judged on the same
  rows;
- trains the networks that are pruned, ranks candidates and retrains after a
  removal on a subsample of the other rows, ``START_FIT_ROWS`` at first, doubled
  (to ``MAX_FIT_ROWS``) each time a step's decision is within noise: its
  summed drop within one standard error of the acceptance threshold, where more
  training rows may move it (:meth:`SubsampledCriterion.in_doubt`);
- trains the chosen structure's final weights on all the rows, on the kept input
  columns only (:class:`RowData`): the one standardized copy is of those
  columns (of all of them only when every input is kept).

Sample weights, when they come, are a weighting of the rows that the subsample
and the held-out split hold: nothing here depends on the rows being unweighted.
"""

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import train_test_split

from .._scaling import scaled_sparse

from .criterion import Criterion, Fold
from .ranking import hidden_means, indicators
from .state import Network

# The held-out split: a fifth of the rows, at most this many. Its standard error
# of a step's log-loss change is then below 1e-3 for the steps that matter.
MAX_HELD_OUT_ROWS = 50_000
# Training rows of the pruned networks: this many to begin with, doubled when a
# decision is in doubt, up to MAX_FIT_ROWS. The first decisions (big batches)
# shape the network, and a subsample chooses the structure its own precision
# supports: measured on make_classification (10^5 x 50, 10 informative, random
# states 0 and 1), a start at 10,000 rows returned 9 neurons and 72-74 synapses
# at test accuracy 0.948-0.962, a start at 20,000 rows 11 neurons and 103-108
# synapses at 0.974-0.977 (29-34 s), 40,000 rows from the start 0.977-0.978
# (48-59 s), up to 80,000 rows 0.978-0.979 (81-97 s); the 3 cross-fitted
# networks on all the rows, 0.979 in 296 s.
START_FIT_ROWS = 20_000
MAX_FIT_ROWS = 40_000
# Rows standardized at once when the columns of all the rows are built.
_CHUNK_ROWS = 65_536


class RowData(NamedTuple):
    """All the rows of the raw input ``X`` with the column ``mean`` and ``scale``
    of its standardization; standardized rows or columns are made on demand, in
    the dtype of ``X`` (the compute dtype). A sparse (CSR) ``X`` is scaled
    without centring (``mean`` is 0) and its rows and columns stay sparse."""

    X: np.ndarray
    mean: np.ndarray
    scale: np.ndarray

    @property
    def dtype(self):
        return self.X.dtype

    def rows(self, index):
        """Standardized ``X[index]``, every column."""
        if sp.issparse(self.X):
            return scaled_sparse(self.X[index], self.scale, self.dtype)
        return self._standardized(self.X[index], slice(None))

    def columns(self, columns):
        """Standardized ``X[:, columns]``, every row, built in row chunks."""
        if sp.issparse(self.X):
            return scaled_sparse(self.X[:, columns], self.scale[columns], self.dtype)
        out = np.empty((self.X.shape[0], len(columns)), dtype=self.dtype)
        for rows in _row_chunks(self.X.shape[0]):
            out[rows] = self._standardized(self.X[rows][:, columns], columns)
        return out

    def _standardized(self, block, columns):
        block = block - self.mean[columns].astype(self.dtype)
        block /= self.scale[columns].astype(self.dtype)
        return block


class SubsampledCriterion(Criterion):
    """One network, trained on a growing subsample of the training rows and scored
    on the whole held-out split (the criterion of the large-data path).

    Parameters
    ----------
    data : RowData
        All the rows.
    Y, y : ndarray
        Coded targets and the targets the score compares to, for all the rows.
    pool : ndarray of int
        The training rows, in random order; the subsample is its first ``n_fit``.
    n_fit : int
    validation : tuple
        ``(X_val, y_val, w_val)`` of the held-out split, standardized, and its
        sample weights (None without ``sample_weight``).
    weights : ndarray or None
        The sample weights of all the rows.
    **kw
        As for :class:`.criterion.Criterion`.
    """

    def __init__(self, data, Y, y, pool, n_fit, validation, weights=None, **kw):
        self.data, self.Y, self.y, self.pool, self.n_fit = data, Y, y, pool, n_fit
        self.validation, self.sample_weight = validation, weights
        rows = pool[:n_fit]
        X_val, y_val, w_val = validation
        fold = Fold(data.rows(rows), Y[rows].astype(data.dtype, copy=False), y[rows],
                    X_val, y_val, None if weights is None else weights[rows], w_val)
        super().__init__([fold], **kw)
        self._kw = kw

    @classmethod
    def split(cls, data, Y, y, validation_fraction, classifier, rng, weights=None, **kw):
        """The held-out split (stratified for classifiers) and the first subsample."""
        n = data.X.shape[0]
        n_val = (min(n // 5, MAX_HELD_OUT_ROWS) if validation_fraction is None
                 else int(round(validation_fraction * n)))
        fit, val = train_test_split(np.arange(n), test_size=n_val, random_state=rng,
                                    stratify=y if classifier else None)
        # train_test_split returns the rows shuffled: any prefix is a random sample.
        return cls(data, Y, y, fit, min(START_FIT_ROWS, fit.size),
                   (data.rows(val), y[val], None if weights is None else weights[val]),
                   weights, **kw)

    def grown(self):
        """The criterion on twice the training rows (up to ``MAX_FIT_ROWS`` and the
        training rows there are), or None when it cannot grow."""
        n_fit = min(2 * self.n_fit, MAX_FIT_ROWS, self.pool.size)
        if n_fit <= self.n_fit:
            return None
        return SubsampledCriterion(self.data, self.Y, self.y, self.pool, n_fit,
                                   self.validation, self.sample_weight, **self._kw)

    def in_doubt(self, contributions, reference, margin=1.0):
        """Whether the decision of :meth:`holds` on ``contributions`` is within one
        standard error of going the other way."""
        diff = reference - contributions
        se = self.noise(diff)
        threshold = self.tolerance + margin * self.noise_tolerance * se
        return se > 0 and abs(diff.sum() - threshold) < se

    def describe(self):
        return (f"a held-out split of {self.validation[1].shape[0]} rows; networks "
                f"trained on {self.n_fit} of the other {self.pool.size} rows")


def restrict_inputs(net, columns):
    """``net`` with only the input rows ``columns`` of its first layer (the others
    are removed inputs, all 0), for computing on those columns alone."""
    return _first_layers_mapped(net, lambda first: first[columns])


def expand_inputs(net, columns, n_inputs):
    """The inverse of :func:`restrict_inputs`: ``net`` at the full input width,
    the other inputs removed (weights 0, masks False)."""
    def expanded(first):
        full = np.zeros((n_inputs,) + first.shape[1:], dtype=first.dtype)
        full[columns] = first
        return full

    return _first_layers_mapped(net, expanded)


def _first_layers_mapped(net, change):
    """``net`` with ``change`` applied to the first layer of its weights, masks,
    snapshots and fixed weights (what is indexed by the inputs)."""
    def first(arrays):
        return None if arrays is None else [change(arrays[0])] + list(arrays[1:])

    return Network(first(net.coefs), net.intercepts, first(net.masks),
                   [(first(c), b) for c, b in net.snapshots], first(net.frozen),
                   net.steps, net.level_scales)


def _row_chunks(n):
    return [slice(start, min(start + _CHUNK_ROWS, n)) for start in range(0, n, _CHUNK_ROWS)]


def chunked_hidden_means(net, X, activation, output_activation, sample_weight=None):
    """:func:`.ranking.hidden_means` over ``X`` in row chunks (bounded memory)."""
    n, total = X.shape[0], None
    whole = n if sample_weight is None else sample_weight.sum()
    for rows in _row_chunks(n):
        w = None if sample_weight is None else sample_weight[rows]
        if w is not None and not w.any():
            continue  # rows that weigh nothing move no mean
        share = (rows.stop - rows.start if w is None else w.sum()) / whole
        part = [m * share for m in
                hidden_means(net, X[rows], activation, output_activation, None, w)]
        total = part if total is None else [t + p for t, p in zip(total, part)]
    return total


def chunked_input_indicators(net, X, Y, settings, sample_weight=None):
    """:func:`.ranking.indicators` of the inputs over ``X`` in row chunks: sums
    (or maxima, ``indicator="max"``) over samples, so the chunks add up."""
    total = None
    for rows in _row_chunks(X.shape[0]):
        w = None if sample_weight is None else sample_weight[rows]
        if w is not None and not w.any():
            continue
        part = indicators("inputs", net, X[rows], Y[rows], settings, sample_weight=w)
        total = part if total is None else (
            np.maximum(total, part) if settings.indicator == "max" else total + part)
    return total
