"""Public inspection functions of fitted pruned networks."""

import numpy as np
from sklearn.utils._param_validation import StrOptions, validate_params
from sklearn.utils.validation import (_check_sample_weight, check_is_fitted, column_or_1d,
                                      validate_data)

from ._base import _BasePrunedMLP
from ._scaling import standardized
from ._sensitivity import average_sensitivities


def _coded_targets(estimator, X, y):
    """Targets of (X, y) coded as the estimator's network outputs."""
    if hasattr(estimator, "classes_"):
        y = column_or_1d(y, warn=True)
        if len(y) != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} samples but y has {len(y)}.")
        unknown = np.setdiff1d(np.unique(y), estimator.classes_)
        if unknown.size:
            raise ValueError(f"y contains labels not seen during fit: {unknown.tolist()!r}.")
        encoded = np.searchsorted(estimator.classes_, y)
        if len(estimator.classes_) == 2:
            return encoded.reshape(-1, 1).astype(float)
        Y = np.zeros((len(y), len(estimator.classes_)))
        Y[np.arange(len(y)), encoded] = 1.0
        return Y
    y = np.asarray(y, dtype=np.float64)
    Y = y.reshape(-1, 1) if y.ndim == 1 else y
    if Y.shape[0] != X.shape[0] or Y.shape[1] != estimator._n_outputs:
        raise ValueError(f"y has shape {y.shape}, expected ({X.shape[0]},"
                         f"{'' if estimator._y_1d else f' {estimator._n_outputs}'}).")
    if not np.isfinite(Y).all():
        raise ValueError("y contains NaN or infinity.")
    return (Y - estimator._y_mean) / estimator._y_scale


@validate_params(
    {
        "estimator": [object],
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "kind": [StrOptions({"inputs", "neurons", "synapses"})],
        "indicator": [StrOptions({"sum", "max"})],
        "reference": [StrOptions({"mean", "zero"})],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def sensitivity_indicators(estimator, X, y, *, kind="inputs", indicator="sum",
                           reference="mean", sample_weight=None):
    """First-order sensitivity indicators of a fitted pruned network on (X, y).

    For an element with value v and reference value v*, the indicator aggregates
    over the samples the first-order estimate of the change of the loss h_s when v
    is replaced by v*: ``chi_s = |dh_s/dv (v_s - v*)|`` (Gorban and Mirkes).

    Parameters
    ----------
    estimator : PrunedMLPClassifier or PrunedMLPRegressor
        A fitted estimator.
    X : array-like of shape (n_samples, n_features_in_)
        Data on which the indicators are measured.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Targets of X.
    kind : {"inputs", "neurons", "synapses"}, default="inputs"
        Which elements to measure.
    indicator : {"sum", "max"}, default="sum"
        Sum (L1 norm) or maximum (L-infinity norm) of the per-sample estimates.
    reference : {"mean", "zero"}, default="mean"
        Value of a removed input or neuron: its mean over the training data, or 0
        (in the original units of X for inputs).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights of the samples: "sum" aggregates ``w_s chi_s``,
        "max" takes the samples of positive weight.

    Returns
    -------
    indicators : ndarray or list of ndarray
        "inputs": array of shape (n_features_in_,), 0 for removed inputs;
        "neurons": one array per hidden layer, 0 for removed neurons;
        "synapses": list shaped like ``coefs_``, 0 for removed synapses.

    Notes
    -----
    The synapse indicator of a layer with input signals A (samples x fan-in),
    back-propagated errors Delta (samples x fan-out) and weights W is, for "sum",
    the matrix product ``(|A|^T |Delta|) * |W|``. Indicators are averaged over the
    last ``accumulate`` points of the estimator's last training. Inputs are measured
    in the standardized space in which the network was trained. Threshold neurons
    (``binarize_neurons``) have no derivative; the indicators are those of the
    smooth network with the same weights, as for ``feature_importances_``, and the
    "mean" reference of a neuron is its training mean in that network.

    References
    ----------
    A. N. Gorban, E. M. Mirkes, "Artificial neural network pruning to extract
    knowledge", arXiv:2005.06284 (2020).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_nnprune import PrunedMLPClassifier, sensitivity_indicators
    >>> X, y = make_classification(n_samples=200, n_features=5, n_informative=2,
    ...                            n_redundant=0, shuffle=False, random_state=0)
    >>> clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), prune=(),
    ...                           random_state=0).fit(X, y)
    >>> s = sensitivity_indicators(clf, X, y, kind="inputs")
    >>> s.shape
    (5,)
    >>> int(s.argmax()) in (0, 1)
    True
    """
    if not isinstance(estimator, _BasePrunedMLP):
        hint = (" A selector's or committee's networks are its estimator_ / "
                "estimators_." if hasattr(estimator, "estimators_") else "")
        raise TypeError("estimator must be a fitted PrunedMLPClassifier or "
                        f"PrunedMLPRegressor, got {type(estimator).__name__}.{hint}")
    check_is_fitted(estimator)
    X = validate_data(estimator, X, reset=False, dtype=np.float64,
                      accept_sparse=("csr", "csc"))
    Y = _coded_targets(estimator, X, y)
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
    Xs = standardized(X, estimator._x_mean, estimator._x_scale)
    state = estimator._state
    input_reference = (estimator._x_means if reference == "mean"
                       else -estimator._x_mean / estimator._x_scale)
    neuron_reference = (estimator._neuron_means if reference == "mean"
                        else [np.zeros_like(m) for m in estimator._neuron_means])
    result = average_sensitivities(
        Xs, Y, state.snapshots, estimator.activation, estimator._output_activation,
        kinds=(kind,), how=indicator, input_reference=input_reference,
        neuron_reference=neuron_reference, sample_weight=sample_weight)[kind]
    masks = state.masks
    if kind == "inputs":
        return np.where(masks[0].any(axis=1), result, 0.0)
    if kind == "neurons":
        return [np.where(M_in.any(axis=0) & M_out.any(axis=1), r, 0.0)
                for r, M_in, M_out in zip(result, masks[:-1], masks[1:])]
    return [np.where(M, r, 0.0) for r, M in zip(result, masks)]
