"""One pruning run from start to end: train, prune, simplify, retrain, merge.

:func:`prune_network` is the whole procedure of METHOD.md section 5 (with the
transparency phases of section 6) on standardized data; the estimators call it
once per fit and turn its :class:`PruningResult` into fitted attributes.

A KeyboardInterrupt (Ctrl-C) during the first training propagates: there is no
structure to return yet. During the pruning phases (caps, criterion paths, the
choice among the path's structures, dependent inputs, levels, thresholds) it
stops pruning (:meth:`.search.PathSearch.stop`): the run goes on with the
structure the path's choice rule selects among those met so far, skips the
phases not yet begun, trains it on all the data and reports the step in
``PruningResult.interrupted_at``. An interrupt after that (a second one, or a
first one during the final training) propagates, and the estimator keeps its
previous state.
"""

import time
from functools import partial
from typing import NamedTuple, Optional

import numpy as np

from .._dependence import DEPENDENT_RTOL, independent_columns, relation_coefficients
from .._network import count_structure
from .history import Step
from .large import RowData, expand_inputs, restrict_inputs
from .pace import Pace, row_work
from .search import SINGLE_TRIES, PathSearch, Progress
from .state import (Network, State, fold_negligible_neurons, merge_duplicates,
                    transfer_inputs)
from .transparency import binarize, quantize


class TrainingRecord(NamedTuple):
    """The solver's record of one training: iterations, final loss, loss curve."""

    n_iter: int
    loss: float
    loss_curve: list

    @classmethod
    def of(cls, info):
        return cls(info["n_iter"], info["loss"], info["loss_curve"])


class PruningResult(NamedTuple):
    """What a pruning run returns.

    ``network`` is the returned network (trained on all the data when the
    structure was chosen out of sample, duplicates merged); ``steps`` the
    attempted steps; ``baseline_score`` and ``score`` the criterion score before
    and after pruning; ``training`` the :class:`TrainingRecord` of the returned
    network's last training; ``converged`` whether the returned network's own
    training converged (the final one on all the data when the structure was
    chosen out of sample, else the first): the networks that only score the
    criterion are retrained after every step, so their first training need not; ``level_scales`` the
    per-unit level scales of the returned network (None without levels);
    ``path`` the :class:`.search.PathRecord` of every structure the criterion
    paths met; ``columns`` and ``final_X``, on the large-data path, the kept
    input columns and the standardized data of all the rows on them alone
    (None otherwise: the data are the ``X`` that was passed), and ``note``
    the large-data criterion's rows (:meth:`.large.SubsampledCriterion.describe`);
    ``interrupted_at`` the step during which a KeyboardInterrupt stopped pruning
    (None when pruning ran to its end).
    """

    network: Network
    steps: tuple
    baseline_score: float
    score: float
    training: TrainingRecord
    converged: bool
    level_scales: Optional[list]
    path: tuple = ()
    columns: Optional[np.ndarray] = None
    final_X: Optional[np.ndarray] = None
    note: str = ""
    interrupted_at: Optional[int] = None


def _first_training(settings, criterion, trainer, rng, layer_sizes):
    """Train one network per fold from one initialization."""
    init = trainer.initialize(layer_sizes, rng, settings.initial_masks)
    nets, converged, info = [], True, None
    for fold in criterion.folds:
        coefs, intercepts, info = trainer.train(fold.X, fold.Y, *init, settings.max_iter, rng,
                                                sample_weight=fold.w)
        nets.append(Network(coefs, intercepts, init[2], info["snapshots"]))
        converged &= info["converged"]
    return State(tuple(nets)), info, converged


def without_dependent_inputs(search, progress, X, sample_weight=None):
    """``progress`` with the kept inputs that are exact linear combinations of other
    kept inputs (plus a constant) on ``X`` removed, their weights moved to the
    others (the function is unchanged), as one step of kind "dependent".

    Under the L2 penalty a weight spread over copies of one direction (duplicated
    columns, every level of a one-hot encoding) costs less than on one input, so
    pruning keeps them; they carry nothing the others do not. Which inputs stay is
    the most independent basis, as the selector chooses it
    (:func:`.._dependence.independent_columns`); ``sample_weight`` (the weights
    of the rows of ``X``, all positive) counts rows as repeated.
    """
    state = progress.state
    kept = np.flatnonzero(state.masks[0].any(axis=1))
    basis, dependent = independent_columns(X[:, kept], DEPENDENT_RTOL,
                                           sample_weight=sample_weight)
    if not dependent.size:
        return progress
    basis, dependent = kept[basis], kept[dependent]
    C, c0 = relation_coefficients(X, basis, dependent)
    new = State(tuple(transfer_inputs(net, basis, dependent, C, c0,
                                      search.settings.activation) for net in state.nets))
    contributions = search.criterion.contributions(new)
    step = Step.of("dependent", dependent.tolist(), True, False, contributions.sum(),
                   new.masks)
    return search.record(progress, step, new)


def prune_network(X, Y, layer_sizes, *, settings, criterion, trainer, rng, log,
                  sample_weight=None):
    """Train and prune a network on standardized inputs ``X`` and coded targets ``Y``.

    Parameters
    ----------
    X : ndarray or RowData
        All the training inputs, standardized; on the large-data path a
        :class:`.large.RowData` that standardizes the columns it is asked for.
    Y : ndarray
        All the coded targets; the criterion holds its folds of the data.
    layer_sizes : tuple of int
        Inputs, hidden layers and outputs of the full network.
    settings : PruningSettings
    criterion : Criterion
    trainer : Trainer
    rng : numpy.random.RandomState
    log : callable
        ``log(message)`` for progress lines.
    sample_weight : ndarray or None
        The weights of all the rows (the criterion holds its folds' weights).

    Returns
    -------
    result : PruningResult
    """
    started = time.perf_counter()
    state, training, converged = _first_training(settings, criterion, trainer, rng,
                                                 layer_sizes)
    baseline = criterion.contributions(state)
    log(f"trained {layer_sizes} in {training['n_iter']} iterations; "
        f"criterion score {float(baseline.sum()):.4f}")
    search = PathSearch(settings, criterion, trainer, rng, log,
                        _pace(settings, criterion, X, time.perf_counter() - started,
                              state))
    progress = search.prune(Progress(state, baseline, ()))
    progress, level_scales = _after_pruning(search, progress, X, sample_weight)
    criterion = search.criterion  # grown on large data
    score = float(criterion.contributions(progress.state).sum())
    final, X, columns = _final_data(progress.state.nets[0], X, Y)
    if columns is not None:
        Y = Y.astype(X.dtype, copy=False)
    if settings.simplify and criterion.out_of_sample:
        # The structure was chosen out of sample; the weights use all the data.
        coefs, intercepts, training = trainer.train(X, Y, final.coefs, final.intercepts,
                                                    final.masks, settings.max_iter, rng,
                                                    final.frozen, final.steps,
                                                    sample_weight)
        final = Network(coefs, intercepts, final.masks, training["snapshots"], final.frozen,
                        final.steps, final.level_scales)
        converged = training["converged"]
    steps = progress.steps
    if (settings.simplify and "neurons" in settings.kinds and final.frozen is None
            and final.steps is None):
        # Structure that is obviously removable goes without asking the criterion.
        weights = None if sample_weight is None else sample_weight[sample_weight > 0]
        for kind, simplified in (("negligible", partial(fold_negligible_neurons,
                                                        sample_weight=weights)),
                                 ("merge", merge_duplicates)):
            final, keys = simplified(final, _weighed_rows(X, sample_weight),
                                     settings.activation, settings.output_activation)
            if keys:
                masks = (final.masks if columns is None else
                         expand_inputs(final, columns, layer_sizes[0]).masks)
                steps = steps + (Step.of(kind, keys, True, False, score, masks),)
                log(steps[-1].describe(len(steps)))
    if columns is not None:
        final = expand_inputs(final, columns, layer_sizes[0])
    return PruningResult(final, steps, float(baseline.sum()), score,
                         TrainingRecord.of(training), converged, level_scales,
                         progress.path, columns, X if columns is not None else None,
                         criterion.describe() if columns is not None else "",
                         search.interrupted_at)


def _after_pruning(search, progress, X, sample_weight):
    """``(progress, level_scales)`` after the phases that follow the path search:
    dependent inputs, then the logically transparent network (METHOD.md 6.5-6.6:
    levels, then thresholds). Skipped once the search has stopped; an interrupt
    during one stops the search with what the phases had done (level scales
    only once the levels phase returned)."""
    settings, level_scales = search.settings, None
    try:
        if settings.simplify and "inputs" in settings.kinds and not search.stopped:
            # On large data: exact dependence on the training subsample.
            rows, weights = ((search.criterion.folds[0].X, search.criterion.folds[0].w)
                             if isinstance(X, RowData) else (X, sample_weight))
            progress = without_dependent_inputs(
                search, progress, _weighed_rows(rows, weights),
                None if weights is None else weights[weights > 0])
        if settings.levels is not None and not search.stopped:
            progress, level_scales = quantize(search, progress)
        if settings.binarize_neurons and not search.stopped:
            progress = binarize(search, progress)
    except KeyboardInterrupt:
        search.stop(progress)
    return progress, level_scales


def _pace(settings, criterion, X, first_seconds, state):
    """The :class:`.pace.Pace` of a run whose first training took
    ``first_seconds``: the final training costs about that, per row of all the
    data over the rows the first training saw."""
    fold_rows = sum(fold.X.shape[0] for fold in criterion.folds)
    all_rows = X.X.shape[0] if isinstance(X, RowData) else X.shape[0]
    final = first_seconds * all_rows / fold_rows if criterion.out_of_sample else 0.0
    _, n_neurons, n_synapses = count_structure(state.masks)
    return Pace(SINGLE_TRIES * max(len(settings.kinds), 1), final,
                row_work(n_synapses, n_neurons))


def _weighed_rows(X, sample_weight):
    """The rows of ``X`` that carry weight: exact relations and negligible or
    duplicate neurons are judged where the loss is (zero weights are no rows)."""
    return X if sample_weight is None else X[sample_weight > 0]


def _final_data(net, X, Y):
    """``(net, X, columns)`` for the final training: as given, or on the
    large-data path the network and the standardized rows on the kept input
    columns alone (``columns``; None otherwise)."""
    if not isinstance(X, RowData):
        return net, X, None
    columns = np.flatnonzero(net.masks[0].any(axis=1))
    return restrict_inputs(net, columns), X.columns(columns), columns
