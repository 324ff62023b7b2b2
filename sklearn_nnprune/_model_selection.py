"""Choosing the pruning level by cross-validation."""

import numbers

import numpy as np

from ._pruning import resolve_count


def fewest_within_noise(param_name="max_inputs", n_se=1.0, *, n_features=None,
                        metric="score"):
    """A ``refit`` rule for GridSearchCV: the smallest structure that scores within
    noise of the best.

    Among the candidates whose mean cross-validated score is at least the best
    mean score minus ``n_se`` standard errors of the best (its standard deviation
    over the splits divided by the square root of the number of splits), pick the
    one with the smallest value of ``param_name`` (the one-standard-error rule of
    Breiman et al.). A candidate whose mean score is NaN (a failed fit, with
    GridSearchCV's ``error_score=np.nan``) is never chosen; the others are
    compared as usual. Candidates where the parameter is None (no cap) count as the
    largest structure. A fraction (float) and a count (int) of the same cap can
    only be compared knowing what the fraction is a fraction of: a grid that mixes
    them needs ``n_features`` (GridSearchCV calls the rule after the whole search,
    so the error comes only then).

    Parameters
    ----------
    param_name : str, default="max_inputs"
        Name of the searched cap, as it appears in ``param_grid`` (for example
        ``"max_inputs"`` or ``"networkinputselector__max_inputs"``).
    n_se : float, default=1.0
        How many standard errors below the best score still count as equal.
    n_features : int or None, default=None
        The total a fraction of the cap counts from (for ``max_inputs``, the number
        of inputs); fractions are turned into counts as the estimators do.
    metric : str, default="score"
        With multi-metric scoring, the name of the metric to compare (the
        ``<metric>`` of ``mean_test_<metric>`` in ``cv_results_``).

    Returns
    -------
    refit : callable
        ``refit(cv_results) -> int``, the index of the chosen candidate; pass it as
        ``GridSearchCV(..., refit=refit)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_nnprune import fewest_within_noise
    >>> cv_results = {"param_max_inputs": np.ma.masked_array([1, 2, 3, 4]),
    ...               "mean_test_score": np.array([0.70, 0.90, 0.92, 0.91]),
    ...               "std_test_score": np.array([0.05, 0.03, 0.04, 0.03]),
    ...               "split0_test_score": np.zeros(4),
    ...               "split1_test_score": np.zeros(4),
    ...               "split2_test_score": np.zeros(4),
    ...               "split3_test_score": np.zeros(4)}
    >>> fewest_within_noise("max_inputs")(cv_results)
    1
    """
    if (not isinstance(n_se, numbers.Real) or isinstance(n_se, bool)
            or not np.isfinite(n_se) or n_se < 0):
        raise ValueError(f"n_se must be a finite non-negative number, got {n_se!r}.")
    if n_features is not None and (not isinstance(n_features, numbers.Integral)
                                   or n_features < 1):
        raise ValueError(f"n_features must be a positive int or None, got {n_features!r}.")
    if not isinstance(metric, str):
        raise ValueError(f"metric must be the name of a metric, got {metric!r}.")

    def size(value):
        if value is None or value is np.ma.masked:
            return np.inf
        if isinstance(value, numbers.Integral) or n_features is None:
            return float(value)
        return float(resolve_count(value, n_features))

    def refit(cv_results):
        if not hasattr(cv_results, "keys"):
            raise TypeError("fewest_within_noise(...) is a refit rule: it takes "
                            "GridSearchCV's cv_results_ (a dict), got "
                            f"{type(cv_results).__name__}. Pass it as refit=.")
        key = f"param_{param_name}"
        if key not in cv_results:
            raise KeyError(f"{param_name!r} was not searched; cv_results has "
                           f"{sorted(k[6:] for k in cv_results if k.startswith('param_'))}.")
        if f"mean_test_{metric}" not in cv_results:
            metrics = sorted(k[10:] for k in cv_results if k.startswith("mean_test_"))
            raise KeyError(f"cv_results has no metric {metric!r}; it has {metrics}. Pass "
                           "metric=<name> to fewest_within_noise.")
        means = np.asarray(cv_results[f"mean_test_{metric}"], dtype=float)
        stds = np.asarray(cv_results[f"std_test_{metric}"], dtype=float)
        n_splits = sum(1 for k in cv_results if k.startswith("split")
                       and k.endswith(f"_test_{metric}"))
        threshold = _noise_threshold(means, stds, n_se, n_splits, metric)
        # "params" keeps the grid's own values: the param_ column of a grid mixing
        # 1 and 0.5 is a float array, where the count 1 reads as the fraction 1.0.
        if "params" in cv_results:
            grid = [params.get(param_name) for params in cv_results["params"]]
        else:
            grid = np.ma.asarray(cv_results[key], dtype=object).tolist()
        raw = [v for v in grid if v is not None and v is not np.ma.masked]
        if (n_features is None and any(isinstance(v, numbers.Integral) for v in raw)
                and any(not isinstance(v, numbers.Integral) for v in raw)):
            raise ValueError(f"the grid of {param_name!r} mixes counts (int) and "
                             f"fractions (float): {raw}; pass n_features to compare them.")
        values = [size(v) for v in grid]
        eligible = [i for i in range(len(means)) if means[i] >= threshold - 1e-12]
        return min(eligible, key=lambda i: (values[i], -means[i]))

    return refit


def _noise_threshold(means, stds, n_se, n_splits, metric):
    """The lowest mean score within ``n_se`` standard errors of the best one; a
    ValueError when there is no best score or its noise is unknown."""
    if means.shape != stds.shape:
        raise ValueError(f"mean_test_{metric} and std_test_{metric} have different "
                         f"lengths: {means.shape} and {stds.shape}.")
    if np.isnan(means).all():
        raise ValueError(f"every candidate's mean_test_{metric} is NaN: all fits "
                         "failed or scored NaN (see GridSearchCV's error_score and "
                         "its FitFailedWarning).")
    best = int(np.nanargmax(means))
    if not np.isfinite(means[best]):
        raise ValueError(f"the best mean_test_{metric} is {means[best]}, candidate "
                         f"{best}: scores within noise of it are undefined.")
    if not np.isfinite(stds[best]) or stds[best] < 0:
        raise ValueError(f"std_test_{metric} of the best candidate ({best}) is "
                         f"{stds[best]}: its noise cannot be measured; a standard "
                         "deviation must be a finite non-negative number.")
    return means[best] - n_se * stds[best] / np.sqrt(max(n_splits, 1))
