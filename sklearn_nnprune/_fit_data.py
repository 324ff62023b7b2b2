"""The fit of the two estimators: data validation, targets, weights, then the
shared procedure (``_base._BasePrunedMLP._fit``); and the classifier's own
parameter, ``class_weight``.

Kept apart from ``_estimators`` so that the classes there hold their public
documentation and methods.
"""

import numpy as np
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import validate_data

from ._base import FIT_DTYPES, SPARSE_FORMATS, _BasePrunedMLP, fitted_at_once
from ._checks import check_no_dates, check_no_missing_labels, numeric_target
from ._procedure import PRUNABLE_KINDS, ClassificationScore, RegressionScore
from ._scaling import mean_and_scale, weighted_mean_and_scale
from ._weights import fit_weights, positive_rows


def _one_hot(y_encoded, n_classes):
    if n_classes == 2:
        return y_encoded.reshape(-1, 1).astype(float)
    Y = np.zeros((y_encoded.shape[0], n_classes))
    Y[np.arange(y_encoded.shape[0]), y_encoded] = 1.0
    return Y


class _ClassifierParameters(_BasePrunedMLP):
    """The common parameters and ``class_weight`` (documented on
    :class:`~sklearn_nnprune.PrunedMLPClassifier`)."""

    _parameter_constraints = {
        **_BasePrunedMLP._parameter_constraints,
        "scoring": [StrOptions({"auto", "neg_log_loss", "accuracy"})],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        *,
        hidden_layer_sizes=(16,),
        activation="tanh",
        solver="lbfgs",
        alpha=1.0,
        batch_size="auto",
        learning_rate_init=1e-3,
        n_iter_no_change=10,
        max_iter=500,
        retrain_iter=30,
        tol=1e-6,
        prune=PRUNABLE_KINDS,
        max_inputs=None,
        max_neurons=None,
        max_synapses=None,
        max_fan_in=None,
        input_groups=None,
        tolerance=0.0,
        noise_tolerance="auto",
        path_choice="first_stop",
        validation_fraction=None,
        cv="auto",
        scoring="auto",
        class_weight=None,
        indicator="sum",
        reference="mean",
        accumulate=3,
        prune_step=0.1,
        weight_levels=None,
        binarize_neurons=False,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            n_iter_no_change=n_iter_no_change,
            max_iter=max_iter,
            retrain_iter=retrain_iter,
            tol=tol,
            prune=prune,
            max_inputs=max_inputs,
            max_neurons=max_neurons,
            max_synapses=max_synapses,
            max_fan_in=max_fan_in,
            input_groups=input_groups,
            tolerance=tolerance,
            noise_tolerance=noise_tolerance,
            path_choice=path_choice,
            validation_fraction=validation_fraction,
            cv=cv,
            scoring=scoring,
            indicator=indicator,
            reference=reference,
            accumulate=accumulate,
            prune_step=prune_step,
            weight_levels=weight_levels,
            binarize_neurons=binarize_neurons,
            random_state=random_state,
            verbose=verbose)
        self.class_weight = class_weight


def fit_classifier(estimator, X, y, sample_weight):
    """:meth:`PrunedMLPClassifier.fit`."""
    return fitted_at_once(estimator, lambda: _classifier_attributes(estimator, X, y,
                                                                    sample_weight))


def _classifier_attributes(estimator, X, y, sample_weight):
    """The classifier's fitted attributes on (X, y), as a dict."""
    # C order: a DataFrame's column-major values would round the products
    # differently, and the pruning path follows the last bits.
    check_no_dates(X, type(estimator).__name__)
    X, y = validate_data(estimator, X, y, dtype=FIT_DTYPES, order="C",
                         accept_sparse=SPARSE_FORMATS, ensure_min_samples=2)
    check_no_missing_labels(y, type(estimator).__name__)
    check_classification_targets(y)
    target_type = type_of_target(y)
    if target_type not in ("binary", "multiclass"):
        raise ValueError("PrunedMLPClassifier supports binary and multiclass "
                         f"targets, got {target_type!r}.")
    classes, y_encoded = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(f"The target y has only one class ({classes[:1].tolist()[0]!r}); "
                         "a classifier needs at least 2 classes.")
    weights = fit_weights(sample_weight, X, class_weight=estimator.class_weight,
                          y_encoded=y_encoded, classes=classes)
    output_activation = "logistic" if len(classes) == 2 else "softmax"
    scoring = estimator._criterion_scoring(positive_rows(weights, X.shape[0]))
    fitted = estimator._fit(X, y_encoded, _one_hot(y_encoded, len(classes)),
                            output_activation=output_activation,
                            score=ClassificationScore(scoring), sample_weight=weights)
    return {**fitted, "classes_": classes}


def fit_regressor(estimator, X, y, sample_weight):
    """:meth:`PrunedMLPRegressor.fit`."""
    return fitted_at_once(estimator, lambda: _regressor_attributes(estimator, X, y,
                                                                   sample_weight))


def _regressor_attributes(estimator, X, y, sample_weight):
    """The regressor's fitted attributes on (X, y), as a dict."""
    # C order, as the classifier: same data, same path, whatever the container.
    check_no_dates(X, type(estimator).__name__)
    X, y = validate_data(estimator, X, y, dtype=FIT_DTYPES, order="C",
                         accept_sparse=SPARSE_FORMATS, multi_output=True,
                         y_numeric=False, ensure_min_samples=2)
    y = numeric_target(y, type(estimator).__name__)
    Y = y.reshape(-1, 1) if y.ndim == 1 else y
    weights = fit_weights(sample_weight, X)
    y_mean, y_scale = (mean_and_scale(Y) if weights is None
                       else weighted_mean_and_scale(Y, weights))
    fitted = estimator._fit(X, y, (Y - y_mean) / y_scale, output_activation="identity",
                            score=RegressionScore(y_mean, y_scale), y_mean=y_mean,
                            y_scale=y_scale, sample_weight=weights)
    return {**fitted, "_n_outputs": Y.shape[1], "_y_1d": y.ndim == 1,
            "_y_mean": y_mean, "_y_scale": y_scale}
