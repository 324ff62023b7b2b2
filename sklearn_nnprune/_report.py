"""Reports on fitted pruned networks as pandas DataFrames.

The input report joins, per input, the sensitivity indicators measured on data
(Gorban and Mirkes' first-order estimates), the importance stored at fit time, the
input's rank in the order of removal and the pruning step that removed it. The step
is found by replaying the accepted steps of ``pruning_history_`` on the masks, so
that an input that left by the cascade (all its synapses cut, or the neurons it fed
removed) is attributed to the step that left it dangling.
"""

import re

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ._estimators import _BasePrunedMLP
from ._inspect import sensitivity_indicators

_NEURON = re.compile(r"^h(\d+)\[(\d+)\]$")
_OUTPUT = re.compile(r"^out\[(\d+)\]$")


def _input_names(network):
    names = getattr(network, "feature_names_in_", None)
    if names is not None:
        return [str(n) for n in names]
    return [f"x{i}" for i in range(network.n_features_in_)]


def _cascade_masks(masks):
    """Masks-only mirror of ``_pruning.cascade``: drop hidden neurons without
    incoming or without outgoing synapses, until nothing changes (in place)."""
    changed = True
    while changed:
        changed = False
        for layer in range(1, len(masks)):
            has_in = masks[layer - 1].any(axis=0)
            has_out = masks[layer].any(axis=1)
            dangling = np.flatnonzero(has_in != has_out)
            if dangling.size:
                masks[layer - 1][:, dangling] = False
                masks[layer][dangling] = False
                changed = True


def _remove_by_name(masks, kind, name, input_index):
    """Apply one removed element of ``pruning_history_`` to the masks (in place);
    returns the input index for an input, else None."""
    if kind == "inputs":
        i = input_index[name]
        masks[0][i] = False
        return i
    if kind in ("neurons", "merge"):
        layer, j = (int(g) for g in _NEURON.match(name).groups())
        masks[layer - 1][:, j] = False
        masks[layer][j] = False
        return None
    src, dst = name.rsplit("->", 1)
    match = _NEURON.match(dst)
    if match:
        layer, j = int(match.group(1)) - 1, int(match.group(2))
    else:
        layer, j = len(masks) - 1, int(_OUTPUT.match(dst).group(1))
    i = input_index[src] if layer == 0 else int(_NEURON.match(src).group(2))
    masks[layer][i, j] = False
    return None


def _removal_steps(network):
    """For each input of a fitted pruned network: the step of ``pruning_history_``
    that removed it (0 = kept, -1 = removed at an unknown step), the kind of that
    step, and its position in the step's rank order (larger = more significant).
    """
    n_features = network.n_features_in_
    names = _input_names(network)
    input_index = {name: i for i, name in enumerate(names)}
    masks = [np.ones(M.shape, dtype=bool) for M in network.masks_]
    steps = np.zeros(n_features, dtype=int)
    kinds = np.full(n_features, None, dtype=object)
    position = np.zeros(n_features)
    try:
        for entry in network.pruning_history_:
            if not entry["accepted"]:
                continue
            before = masks[0].any(axis=1)
            for pos, name in enumerate(entry["removed"]):
                i = _remove_by_name(masks, entry["kind"], name, input_index)
                if i is not None:
                    # Removed inputs are listed least significant first.
                    position[i] = pos + 1
            _cascade_masks(masks)
            gone = before & ~masks[0].any(axis=1)
            steps[gone] = entry["step"]
            kinds[gone] = entry["kind"]
        replayed = masks[0].any(axis=1)
    except (KeyError, AttributeError, ValueError, IndexError):
        replayed = None
    support = np.asarray(network.support_, dtype=bool)
    if replayed is None or not np.array_equal(replayed, support):
        # The history does not explain the fitted masks (e.g. a network built
        # outside the pruning loop): keep what is certain, the support.
        unknown = ~support & (steps == 0) if replayed is not None else ~support
        steps[unknown] = -1
        kinds[unknown] = None
        steps[support] = 0
        kinds[support] = None
    return steps, kinds, position


def _network_ranking(network):
    """RFE-style ranking of the inputs of one pruned network: 1 = kept, then the
    inputs removed last, ..., up to the input removed first."""
    steps, _, position = _removal_steps(network)
    support = np.asarray(network.support_, dtype=bool)
    # An unknown step counts as "removed last": the only certain fact is removal.
    step_key = np.where(steps < 0, np.iinfo(np.int64).max, steps)
    removed = np.flatnonzero(~support)
    order = removed[np.lexsort((-removed, position[removed], step_key[removed]))[::-1]]
    ranking = np.ones(support.shape[0], dtype=int)
    ranking[order] = np.arange(2, order.size + 2)
    return ranking


def _resolve(estimator):
    """(networks, selector-or-None) for a fitted pruned network or selector."""
    from ._selector import NetworkInputSelector  # it imports this module

    if isinstance(estimator, NetworkInputSelector):
        check_is_fitted(estimator)
        if hasattr(estimator, "estimators_"):
            return list(estimator.estimators_), estimator
        return [estimator.estimator_], estimator
    if not isinstance(estimator, _BasePrunedMLP):
        raise TypeError("estimator must be a fitted PrunedMLPClassifier, PrunedMLPRegressor "
                        f"or NetworkInputSelector, got {type(estimator).__name__}.")
    check_is_fitted(estimator)
    return [estimator], None


def input_report(estimator, X, y):
    """Per-input report of a pruned network: sensitivity, share, rank and removal.

    Parameters
    ----------
    estimator : PrunedMLPClassifier, PrunedMLPRegressor or NetworkInputSelector
        A fitted estimator. For a selector with ``n_networks > 1`` the sensitivities
        are averaged over its networks and the removal step is replaced by the
        number of networks that kept the input.
    X : array-like of shape (n_samples, n_features_in_)
        Data on which the sensitivities are measured, usually the training data
        (the estimator does not keep it).
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Targets of X.

    Returns
    -------
    report : pandas.DataFrame
        One row per input, sorted by rank, then by decreasing sensitivity, with
        columns:

        - ``feature``: the input's name (``x0, x1, ...`` without names);
        - ``sensitivity_sum``, ``sensitivity_max``: the first-order indicator
          aggregated over the samples of X by sum and by max (0 for inputs the
          network removed, which it no longer sees; a selector's dependent
          inputs are still in its network and keep theirs);
        - ``share``: ``sensitivity_sum`` divided by its total;
        - ``importance``: ``feature_importances_`` (measured at fit time);
        - ``rank``: 1 = kept, larger = removed earlier (as ``RFE.ranking_``);
        - ``kept``: whether the input is kept;
        - ``removed_at_step``: the ``step`` of ``pruning_history_`` whose removal
          took the input out (directly, or by the cascade after neurons or
          synapses were cut); missing for kept inputs and for a selector's
          dependent inputs;
        - ``removed_by``: the kind of that step ("inputs", "neurons",
          "synapses"), or "dependence" for an input that a selector dropped as
          an exact linear combination of the selected ones
          (``NetworkInputSelector.dependent_inputs_``);
        - for a committee instead of the last two: ``votes``, the number of
          networks that kept the input, and ``dependent``, whether the
          selector dropped it as an exact linear combination of the selected
          inputs.

    See Also
    --------
    sensitivity_indicators : The indicators themselves, also for neurons and
        synapses.
    PrunedMLPClassifier.pruning_report : The pruning path, one row per step.

    Notes
    -----
    For an input x_i with reference value x_i* (its training mean), the indicator
    of sample s is ``chi_s = |dh_s/dx_i (x_i,s - x_i*)|`` with h_s the loss on s;
    ``sensitivity_sum`` is ``sum_s chi_s`` and ``sensitivity_max`` is
    ``max_s chi_s`` (Gorban and Mirkes, arXiv:2005.06284).

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn_nnprune import PrunedMLPRegressor, input_report
    >>> X, y = make_friedman1(n_samples=300, n_features=6, random_state=0)
    >>> reg = PrunedMLPRegressor(hidden_layer_sizes=(8,), prune=("inputs",),
    ...                          max_inputs=5, tolerance=None, random_state=0).fit(X, y)
    >>> report = input_report(reg, X, y)
    >>> list(report.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['feature', 'sensitivity_sum', 'sensitivity_max', 'share', 'importance',
     'rank', 'kept', 'removed_at_step', 'removed_by']
    >>> sorted(report.loc[report["kept"], "feature"])
    ['x0', 'x1', 'x2', 'x3', 'x4']
    >>> report.loc[~report["kept"], ["feature", "rank", "removed_at_step", "removed_by"]]
      feature  rank  removed_at_step removed_by
    5      x5     2                1     inputs
    >>> round(float(report["share"].sum()), 6)
    1.0
    """
    networks, selector = _resolve(estimator)
    sens = {how: np.mean([sensitivity_indicators(net, X, y, kind="inputs", indicator=how)
                          for net in networks], axis=0)
            for how in ("sum", "max")}
    owner = selector if selector is not None else networks[0]
    support = np.asarray(owner.support_ if selector is None else selector.support_,
                         dtype=bool)
    ranking = selector.ranking_ if selector is not None else _network_ranking(networks[0])
    total = sens["sum"].sum()
    columns = {
        "feature": _input_names(networks[0]),
        "sensitivity_sum": sens["sum"],
        "sensitivity_max": sens["max"],
        "share": sens["sum"] / total if total > 0 else np.zeros_like(sens["sum"]),
        "importance": np.asarray(owner.feature_importances_, dtype=float),
        "rank": np.asarray(ranking, dtype=int),
        "kept": support,
    }
    if len(networks) == 1:
        steps, kinds, _ = _removal_steps(networks[0])
        columns["removed_at_step"] = pd.array(
            [None if s <= 0 else int(s) for s in steps], dtype="Int64")
        kinds = list(kinds)
        for i in getattr(selector, "dependent_inputs_", ()):
            kinds[i] = "dependence"
        columns["removed_by"] = pd.array(kinds, dtype="string")
    else:
        columns["votes"] = np.asarray(selector.votes_, dtype=int)
        columns["dependent"] = np.isin(np.arange(support.shape[0]),
                                       getattr(selector, "dependent_inputs_", ()))
    report = pd.DataFrame(columns)
    order = np.lexsort((-report["sensitivity_sum"].to_numpy(), report["rank"].to_numpy()))
    return report.iloc[order].reset_index(drop=True)
