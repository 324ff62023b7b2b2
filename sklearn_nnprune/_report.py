"""Reports on fitted pruned networks as pandas DataFrames.

The input report joins, per input, the sensitivity indicators measured on data
(Gorban and Mirkes' first-order estimates), the importance stored at fit time, the
input's rank in the order of removal and the pruning step that removed it. The step
is found by replaying the accepted steps of ``pruning_history_`` on the masks, so
that an input that left by the cascade (all its synapses cut, or the neurons it fed
removed) is attributed to the step that left it dangling.
"""

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ._base import _BasePrunedMLP
from ._inspect import sensitivity_indicators
from ._procedure import input_names
from ._removal import network_ranking
from ._removal import removal_steps_of as _removal_steps
from ._selector import NetworkInputSelector


def _input_names(network):
    return input_names(network.n_features_in_, getattr(network, "feature_names_in_", None))


def _resolve(estimator):
    """(networks, selector-or-None) for a fitted pruned network or selector."""
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
    ranking = selector.ranking_ if selector is not None else network_ranking(networks[0])
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
