"""What the pruned classifier and regressor share: parameters, their checks, and
turning the pruning procedure's result into fitted attributes.

The procedure itself (training, criterion, ranking, path search) lives in
``_procedure``; a fit validates, calls :func:`~._procedure.prune_network` once,
and assigns the fitted state at the end, all at once.
"""

import contextlib
import dataclasses
import numbers
import time
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import assert_all_finite, check_random_state
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._checks import check_no_dates
from ._compact import CompactNetwork, compact_network, compact_output
from ._interrupt import warn_interrupted
from ._network import compute_dtype, count_structure
from ._procedure import (PRUNABLE_KINDS, PruningSettings, Trainer, history_rows,
                         input_names, make_criterion, prune_network)
from ._procedure import training
from ._procedure.large import (RowData, SubsampledCriterion, chunked_hidden_means,
                               chunked_input_indicators, restrict_inputs)
from ._procedure.ranking import hidden_means, indicators
from ._procedure.state import Network
from ._persistence import VersionedStateMixin
from ._procedure.transparency import level_spec, unit_factors
from ._pruning import resolve_count
from ._scaling import (mean_and_scale, mean_and_scale_in_chunks, scaled_sparse, sparse_scale,
                       weighted_mean_and_scale)
from ._transparent import _TransparentMixin
from ._weights import positive_rows

_count_or_fraction = [Interval(Integral, 1, None, closed="left"),
                      Interval(RealNotInt, 0, 1, closed="right")]
_CAP_KINDS = {"max_inputs": "inputs", "max_neurons": "neurons",
              "max_synapses": "synapses", "max_fan_in": "synapses"}


def simplifies(params):
    """Whether a fit with the estimator parameters ``params`` simplifies the network
    (prunes, quantizes or binarizes) and so needs the criterion and its folds.
    Without a tolerance, pruning is done by the caps alone, and with no cap there
    is nothing to prune."""
    prune = params["prune"]
    capped = any(params[cap] is not None for cap in _CAP_KINDS)
    prunes = bool(prune) and (params["tolerance"] is not None or capped)
    return prunes or params["weight_levels"] is not None or bool(params["binarize_neurons"])


# Below this many rows cv="auto" scores the criterion on the training data (the
# paper's rule) rather than on 3 cross-fitted folds of under 34 rows each, and
# noise_tolerance="auto" is then 0: measured on the US elections to 1980 (31 rows,
# the transparent network, random_state 0-5): 3 folds kept 2 keys at 96.7%
# training accuracy on 3 of 6 seeds, the training set with no allowance 4 keys at
# 100% on all 6 (with the allowance of 1 standard error: 2 keys on all 6).
SMALL_DATA_ROWS = 100
# From this many rows cv="auto" takes the large-data path (_procedure.large): one
# held-out split, decisions on a training subsample that grows when in doubt, the
# final weights on all the rows. Below it, 3 cross-fitted networks on all the rows
# are affordable (20,000 rows x 50 inputs: 17 s, 3x one MLPClassifier fit) and use
# every row for the criterion; from here their cost grows with the rows while the
# held-out split's standard error no longer limits the decisions (benchmarks/
# RESULTS_scale.md measures both paths at 20,000 and 50,000 rows, and cv=3 at
# 10^5: the large path was 4-6x faster at the same inputs and accuracy; the
# threshold stays where data of the existing benchmarks keep their behaviour).
LARGE_DATA_ROWS = 50_000
# What fit and predict validate X to: float32 stays float32 (the network trains
# and predicts in it, as scikit-learn's MLP), anything else becomes float64; CSR
# and CSC matrices stay sparse (others are converted to CSR by validate_data).
FIT_DTYPES = (np.float64, np.float32)
SPARSE_FORMATS = ("csr", "csc")


def standardized_inputs(X, large, sample_weight=None):
    """``(x_mean, x_scale, x_means, Xs)``: each column's centring and scale
    (``Xs = (X - x_mean) / x_scale``; weighted statistics with ``sample_weight``),
    the column means in those units (the "mean" reference of a removed input: 0
    when centred) and the standardized data in the compute dtype (float32 for
    float32 ``X``, else float64; statistics in float64). Sparse ``X`` is scaled
    without centring (``x_mean`` = 0), so that its zeros stay zeros and it stays
    sparse. On the large-data path ``Xs`` is a :class:`RowData` that
    standardizes on demand."""
    if sp.issparse(X):
        x_scale, x_means = sparse_scale(X, sample_weight)
        x_mean, X = np.zeros(X.shape[1]), X.tocsr()
        Xs = RowData(X, x_mean, x_scale) if large else scaled_sparse(X, x_scale,
                                                                     compute_dtype(X))
        return x_mean, x_scale, x_means, Xs
    if sample_weight is not None:
        x_mean, x_scale = weighted_mean_and_scale(X, sample_weight, inputs=True)
    elif large or X.dtype == np.float32:
        x_mean, x_scale = mean_and_scale_in_chunks(X)
    else:
        x_mean, x_scale = mean_and_scale(X, inputs=True)
    if large or X.dtype == np.float32:  # no float64 copy of float32 data
        data = RowData(X, x_mean, x_scale)
        Xs = data if large else data.rows(slice(None))
    else:
        Xs = (X - x_mean) / x_scale
    return x_mean, x_scale, np.zeros(X.shape[1]), Xs


def large_data(params, n_samples):
    """Whether a fit with the estimator parameters ``params`` on ``n_samples``
    rows takes the large-data path: ``cv="auto"``, at least ``LARGE_DATA_ROWS``
    rows, and something to simplify (an explicit ``cv`` keeps its meaning)."""
    return (isinstance(params["cv"], str) and n_samples >= LARGE_DATA_ROWS
            and simplifies(params))


def resolve_criterion(params, n_samples):
    """``(cv, noise_tolerance)`` that the estimator parameters ``params`` stand for
    on ``n_samples`` rows: ``cv="auto"`` is 3 folds, or None (the training set)
    below ``SMALL_DATA_ROWS`` rows or with a ``validation_fraction``, or None (one
    held-out split) on the large-data path (:func:`large_data`);
    ``noise_tolerance="auto"`` is 0 when the criterion is the training set (the
    network must still solve it, and the paired standard error would count its
    errors as noise) and 1 otherwise."""
    cv, validation = params["cv"], params["validation_fraction"]
    large = large_data(params, n_samples)
    if isinstance(cv, str):
        cv = None if validation is not None or n_samples < SMALL_DATA_ROWS or large else 3
    noise = params["noise_tolerance"]
    if isinstance(noise, str):
        noise = 0.0 if cv is None and validation is None and not large else 1.0
    return cv, noise


def _cv_name(cv):
    """``cv`` in a line of text: a count, the splitter's class, or the splits."""
    if cv is None or isinstance(cv, (numbers.Integral, str)):
        return repr(cv) if isinstance(cv, str) else str(cv)
    return (f"{type(cv).__name__}()" if hasattr(cv, "split")
            else f"{len(list(cv))} given splits")


def _column_index(value):
    """``value`` as a column index: an int, not a float (``int(0.5)`` would name
    column 0) nor a bool; a TypeError otherwise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{value!r} is not a column index")
    return int(value)


def _last_path(path):
    """The entries of ``pruning_path_`` from the start of its last criterion path."""
    starts = [k for k, entry in enumerate(path) if entry.get("start")]
    return path[starts[-1]:] if starts else path


def resolve_scoring(params, classifier, n_samples):
    """The criterion score that ``scoring="auto"`` (or a given value) stands for,
    from the estimator parameters ``params`` on ``n_samples`` rows."""
    if not classifier:
        return "r2"
    if params["scoring"] != "auto":
        return params["scoring"]
    # On its own training data a network's log-loss only grows as it loses
    # weights; whether it still solves the task is what the paper asks there.
    # Rules are judged by their decisions, and levels and thresholds make the
    # probabilities coarse by design.
    transparent = params["weight_levels"] is not None or params["binarize_neurons"]
    on_training_data = not simplifies(params) or (
        resolve_criterion(params, n_samples)[0] is None
        and params["validation_fraction"] is None and not large_data(params, n_samples))
    return "accuracy" if on_training_data or transparent else "neg_log_loss"


def _path_entry(record):
    """One ``pruning_path_`` entry from a point of the path search."""
    return dict(step=record.n_steps, score=record.score, chosen=record.chosen,
                start=record.start,
                **dict(zip(("n_inputs", "n_neurons", "n_synapses"),
                           count_structure(record.masks))),
                masks=[M.copy() for M in record.masks])


def _finite_chunk(chunk):
    # One sum finds NaN or infinity; scikit-learn's check then words the error.
    if not np.isfinite(chunk.sum()):
        assert_all_finite(chunk, input_name="X")


@contextlib.contextmanager
def previous_state_on_failure(estimator):
    """Restore the estimator's previous attributes (its previous fit, or none) when
    the block raises, so that a fit that fails leaves no half-fitted state: the
    data validation sets ``n_features_in_`` and ``feature_names_in_`` first."""
    saved = dict(vars(estimator))
    try:
        yield
    except BaseException:
        vars(estimator).clear()
        vars(estimator).update(saved)
        raise


def fitted_at_once(estimator, fit_attributes):
    """``estimator`` with the fitted attributes that ``fit_attributes()`` returns
    (a dict) set all at once; if it raises, the previous state stays
    (:func:`previous_state_on_failure`)."""
    with previous_state_on_failure(estimator):
        for name, value in fit_attributes().items():
            setattr(estimator, name, value)
    return estimator


class _BasePrunedMLP(_TransparentMixin, VersionedStateMixin, BaseEstimator):
    """Common machinery of the pruned classifier and regressor."""

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"tanh", "logistic", "relu", "identity", "rational"})],
        "solver": [StrOptions({"lbfgs", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "retrain_iter": [Interval(Integral, 0, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "prune": [list, tuple, set, frozenset, str],
        "max_inputs": _count_or_fraction + [None],
        "max_neurons": _count_or_fraction + [None],
        "max_synapses": _count_or_fraction + [None],
        "max_fan_in": [Interval(Integral, 1, None, closed="left"), None],
        "input_groups": [list, tuple, dict, None],
        "tolerance": [Interval(Real, 0, None, closed="left"), None],
        "noise_tolerance": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "path_choice": [StrOptions({"first_stop", "one_se"})],
        "validation_fraction": [Interval(RealNotInt, 0, 1, closed="neither"), None],
        "cv": ["cv_object", StrOptions({"auto"})],
        "indicator": [StrOptions({"sum", "max"})],
        "reference": [StrOptions({"mean", "zero"})],
        "accumulate": [Interval(Integral, 1, None, closed="left")],
        "prune_step": _count_or_fraction,
        "weight_levels": [None, StrOptions({"binary", "ternary"}),
                          Interval(Integral, 2, None, closed="left"), "array-like"],
        "binarize_neurons": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
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
        indicator="sum",
        reference="mean",
        accumulate=3,
        prune_step=0.1,
        weight_levels=None,
        binarize_neurons=False,
        random_state=None,
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.n_iter_no_change = n_iter_no_change
        self.max_iter = max_iter
        self.retrain_iter = retrain_iter
        self.tol = tol
        self.prune = prune
        self.max_inputs = max_inputs
        self.max_neurons = max_neurons
        self.max_synapses = max_synapses
        self.max_fan_in = max_fan_in
        self.input_groups = input_groups
        self.tolerance = tolerance
        self.noise_tolerance = noise_tolerance
        self.path_choice = path_choice
        self.validation_fraction = validation_fraction
        self.cv = cv
        self.scoring = scoring
        self.indicator = indicator
        self.reference = reference
        self.accumulate = accumulate
        self.prune_step = prune_step
        self.weight_levels = weight_levels
        self.binarize_neurons = binarize_neurons
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # CSR and CSC (scaled without centring)
        return tags

    # ------------------------------------------------------------------ checks
    def _hidden_sizes(self):
        hidden = np.atleast_1d(np.asarray(self.hidden_layer_sizes))
        if hidden.ndim != 1 or not all(isinstance(h, numbers.Integral) or
                                       (isinstance(h, np.integer)) for h in hidden.tolist()):
            raise ValueError("hidden_layer_sizes must be a tuple of positive ints, got "
                             f"{self.hidden_layer_sizes!r}.")
        hidden = tuple(int(h) for h in hidden)
        if any(h < 1 for h in hidden):
            raise ValueError("hidden_layer_sizes must contain only positive ints, got "
                             f"{self.hidden_layer_sizes!r}.")
        return hidden

    def _prune_kinds(self):
        """The kinds of ``prune``, in the order inputs, neurons, synapses."""
        prune = (self.prune,) if isinstance(self.prune, str) else tuple(self.prune)
        unknown = [k for k in prune if k not in PRUNABLE_KINDS]
        if unknown:
            raise ValueError(f"prune contains unknown kinds {unknown!r}; allowed kinds are "
                             f"{list(PRUNABLE_KINDS)}.")
        return tuple(kind for kind in PRUNABLE_KINDS if kind in prune)

    def _resolve_groups(self, n_features):
        """``(groups, names)``: the column indices of every input group, ordered by
        their first column (a column in no group is a group of its own), and the
        groups' names; None for ``input_groups=None``."""
        if self.input_groups is None:
            return None
        columns = input_names(n_features, getattr(self, "feature_names_in_", None))
        given = (list(self.input_groups.items()) if isinstance(self.input_groups, dict)
                 else [(None, members) for members in self.input_groups])
        position = {name: i for i, name in enumerate(columns)}
        groups, names, seen = [], [], set()
        for name, members in given:
            members = [members] if isinstance(members, (str, numbers.Integral)) else members
            try:
                idx = [position[m] if isinstance(m, str) else _column_index(m)
                       for m in members]
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"input_groups: {members!r} are not all feature names or "
                                 f"column indices of X (n_features={n_features})."
                                 ) from None
            if not idx or any(not 0 <= i < n_features for i in idx):
                raise ValueError(f"input_groups: each group needs column indices in "
                                 f"[0, {n_features}) (X has n_features={n_features}), "
                                 f"got {members!r}.")
            if seen & set(idx) or len(set(idx)) < len(idx):
                raise ValueError(f"input_groups: column {sorted(seen & set(idx) or idx)[0]} "
                                 "is in more than one group.")
            seen |= set(idx)
            groups.append(np.array(sorted(idx)))
            names.append(str(name) if name is not None else "+".join(columns[i] for i in idx))
        for i in sorted(set(range(n_features)) - seen):
            groups.append(np.array([i]))
            names.append(columns[i])
        order = np.argsort([g[0] for g in groups], kind="stable")
        return tuple(groups[k] for k in order), [names[k] for k in order]

    def _check_caps(self, kinds, n_features, hidden, n_outputs, n_inputs):
        for cap, kind in _CAP_KINDS.items():
            if getattr(self, cap) is not None and kind not in kinds:
                raise ValueError(f"{cap}={getattr(self, cap)!r} needs {kind!r} in prune "
                                 f"(prune={self.prune!r}).")
        total = {"max_inputs": n_inputs, "max_neurons": sum(hidden),
                 "max_synapses": int(np.dot((n_features,) + hidden, hidden + (n_outputs,)))}
        for cap, limit in total.items():
            value = getattr(self, cap)
            if isinstance(value, numbers.Integral) and value > limit:
                # As SelectKBest and RFE: a cap above the size does not bind (a
                # grid over caps may pass one on narrow data).
                warnings.warn(f"{cap}={value} is larger than the network has ({limit}; "
                              f"X has n_features={n_features}): the cap does not bind. "
                              "Lower it, or use a fraction.", UserWarning)
        # The fewest elements that still connect the inputs to the outputs: one
        # neuron per hidden layer and one synapse between consecutive layers.
        least = {"max_neurons": (len(hidden), "neurons"),
                 "max_synapses": (len(hidden) + 1, "synapses")}
        for cap, (fewest, kind) in least.items():
            value = getattr(self, cap)
            if value is not None and resolve_count(value, total[cap]) < fewest:
                raise ValueError(
                    f"{cap}={value!r} leaves fewer than {fewest} {kind}; a network "
                    f"with {len(hidden)} hidden layer(s) needs at least {fewest} to "
                    "connect its inputs to its outputs.")
        if self.max_fan_in is not None:
            widest = max((n_features,) + hidden)
            if self.max_fan_in > widest:
                raise ValueError(f"max_fan_in={self.max_fan_in} is larger than any "
                                 f"neuron's number of inputs ({widest}; X has "
                                 f"n_features={n_features}).")

    def _check_criterion(self, n_samples, y, classifier, n_rows):
        """The criterion's folds or split must be possible on the ``n_samples``
        rows, ``n_rows`` of them of positive weight (what the rules by size count)."""
        if (self.cv is not None and not isinstance(self.cv, str)
                and self.validation_fraction is not None):
            raise ValueError("Set either cv (a cross-fitted criterion) or "
                             "validation_fraction (one held-out split), not both; got "
                             f"cv={_cv_name(self.cv)}, "
                             f"validation_fraction={self.validation_fraction}.")
        if not self._simplifies():
            return  # no criterion, no folds
        cv = self._resolved_criterion(n_rows)[0]
        if cv is not None and not isinstance(cv, numbers.Integral):
            self._check_splits(cv, y, classifier)
        elif cv is not None:
            smallest = np.bincount(y).min() if classifier else n_samples
            if smallest < cv:
                advice = ("Lower cv or set cv=None (for a NetworkInputSelector or "
                          "MinimalNetworkCommittee: on its estimator)")
                if classifier:
                    advice += ", or use PrunedMLPRegressor if y holds numbers, not labels"
                raise ValueError(f"cv={cv} folds need at least {cv} samples"
                                 f"{' of every class' if classifier else ''}; the "
                                 f"smallest count is {smallest}. {advice}.")
        if self.validation_fraction is not None:
            self._check_validation_split(n_samples, y, classifier)
        elif classifier and self._large_data(n_rows) and np.bincount(y).min() < 2:
            raise ValueError(f"On {n_samples} rows cv='auto' scores the criterion on a "
                             "stratified held-out split, which needs at least 2 samples "
                             "of every class; the smallest class has 1. Remove that "
                             "class, or set cv=3.")

    def _check_splits(self, cv, y, classifier):
        """A splitter or the given splits of ``cv`` must train and score every
        network on some of the rows of ``y`` and, for a classifier, train it on
        every class."""
        if not hasattr(cv, "split") and iter(cv) is cv:
            raise ValueError("cv is a one-pass iterator (a generator): a fit reads its "
                             "splits more than once; pass them as a list.")
        rows = np.arange(y.shape[0])
        try:
            splits = cv.split(rows.reshape(-1, 1), y) if hasattr(cv, "split") else cv
            parts = [(rows[np.asarray(fit)], rows[np.asarray(val)]) for fit, val in splits]
        except (TypeError, ValueError, IndexError) as error:
            raise ValueError(
                f"cv={_cv_name(cv)}: the splits could not be read ({error}); pass an int, "
                "a scikit-learn splitter or (train, test) index arrays (for a splitter "
                "that needs groups: cv=list(GroupKFold(3).split(X, y, groups))).") from None
        if not parts or any(min(fit.size, val.size) == 0 for fit, val in parts):
            raise ValueError(f"cv: every split needs training and test rows among the "
                             f"{y.shape[0]} samples; got {len(parts)} splits.")
        for k, (fit, _) in enumerate(parts if classifier else ()):
            missing = np.setdiff1d(y, y[fit])
            if missing.size:
                raise ValueError(f"cv: the training rows of split {k} hold no sample of "
                                 f"the classes {missing.tolist()} (encoded); every split "
                                 "must train on every class (a StratifiedKFold does).")

    def _check_validation_split(self, n_samples, y, classifier):
        """The held-out split of ``validation_fraction`` must be possible: both
        parts non-empty and, for a stratified split, every class in both."""
        n_val = int(np.ceil(self.validation_fraction * n_samples))
        n_fit = n_samples - n_val
        n_classes = len(np.unique(y)) if classifier else 1
        if min(n_val, n_fit) < n_classes:
            part, size = ("validation", n_val) if n_val < n_fit else ("training", n_fit)
            needed = (f"{n_classes}, one of every class" if classifier else "1")
            raise ValueError(f"validation_fraction={self.validation_fraction} on "
                             f"{n_samples} samples leaves {size} for {part}; it needs "
                             f"at least {needed}. Change validation_fraction.")
        if classifier and np.bincount(y).min() < 2:
            raise ValueError(f"validation_fraction={self.validation_fraction}: a stratified "
                             "split needs at least 2 samples of every class; the smallest "
                             "class has 1. Set validation_fraction=None (the criterion is "
                             "then scored on the training data), or remove that class.")

    def _simplifies(self):
        """Whether the fit prunes, quantizes or binarizes, and so needs a criterion."""
        return simplifies(self.get_params(deep=False))

    def _criterion_scoring(self, n_samples):
        return resolve_scoring(self.get_params(deep=False), self._is_classifier_task(),
                               n_samples)

    def _large_data(self, n_samples):
        return (large_data(self.get_params(deep=False), n_samples)
                and getattr(self, "_path_structure", None) is None)

    def _resolved_criterion(self, n_samples):
        """``(cv, noise_tolerance)`` of a fit on ``n_samples`` rows."""
        return resolve_criterion(self.get_params(deep=False), n_samples)

    # ------------------------------------------------------------------- fit
    def _fit(self, X, y, Y, *, output_activation, score, y_mean=None, y_scale=None,
             sample_weight=None):
        """Train and prune on validated ``X``; ``y`` is what the criterion compares
        to, ``Y`` the network's coded targets, ``sample_weight`` the rows' weights
        (None: unweighted; see ``_weights.fit_weights``). Returns the fitted
        attributes."""
        n_samples, n_features = X.shape
        n_rows = positive_rows(sample_weight, n_samples)
        classifier = self._is_classifier_task()
        hidden, kinds = self._hidden_sizes(), self._prune_kinds()
        groups = self._resolve_groups(n_features)
        self._check_caps(kinds, n_features, hidden, Y.shape[1],
                         n_features if groups is None else len(groups[0]))
        self._check_criterion(n_samples, y, classifier, n_rows)
        self._check_transparency(hidden)
        layer_sizes = (n_features,) + hidden + (Y.shape[1],)
        n_weights = sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
        # Below this much work every product of the fit (training, criterion,
        # indicators) is too small for BLAS threads to pay for their start-up.
        with training.blas_limit(training.threads_for(training.work_rows(X), n_weights)):
            return self._fit_network(X, y, Y, layer_sizes, kinds, groups,
                                     output_activation, score, y_mean, y_scale,
                                     sample_weight)

    def _fit_network(self, X, y, Y, layer_sizes, kinds, groups, output_activation, score,
                     y_mean, y_scale, sample_weight):
        rng = check_random_state(self.random_state)
        n_rows = positive_rows(sample_weight, X.shape[0])
        large = self._large_data(n_rows)
        # Large data: no standardized copy of the whole input (_procedure.large).
        x_mean, x_scale, x_means, Xs = standardized_inputs(X, large, sample_weight)
        Y = Y.astype(Xs.dtype, copy=False)  # float32 data: float32 targets too
        # retrain_at: a structure of an earlier fit's path, trained, not pruned.
        structure = getattr(self, "_path_structure", None)
        simplify = self._simplifies() and structure is None
        if structure is not None:
            kinds = ()
            if [M.shape for M in structure] != [(a, b) for a, b in
                                                zip(layer_sizes[:-1], layer_sizes[1:])]:
                raise ValueError(
                    f"retrain_at: the data give a network of layer sizes {layer_sizes}, "
                    "the path's structure has "
                    f"{(structure[0].shape[0],) + tuple(M.shape[1] for M in structure)}; "
                    "pass data with the columns and classes of the fit.")
        out_scale = np.ones(Y.shape[1]) if y_scale is None else y_scale
        settings = PruningSettings(
            activation=self.activation, output_activation=output_activation, kinds=kinds,
            max_inputs=self.max_inputs, max_neurons=self.max_neurons,
            max_synapses=self.max_synapses, max_fan_in=self.max_fan_in,
            tolerance=self.tolerance, prune_step=self.prune_step, indicator=self.indicator,
            reference=self.reference, max_iter=self.max_iter, retrain_iter=self.retrain_iter,
            input_reference=(x_means if self.reference == "mean"
                             else -x_mean / x_scale),
            levels=level_spec(self.weight_levels) if simplify else None,
            unit_factors=unit_factors(len(layer_sizes) - 1, x_scale, out_scale),
            binarize_neurons=bool(self.binarize_neurons) and simplify, simplify=simplify,
            input_groups=None if groups is None else groups[0], initial_masks=structure,
            path_choice=self.path_choice)
        trainer = Trainer(self.solver, self.alpha, self.activation, output_activation,
                          self.accumulate, self.tol, self.batch_size,
                          self.learning_rate_init, self.n_iter_no_change)
        # Without simplification there is nothing to score: one network, all the data.
        cv, noise_tolerance = self._resolved_criterion(n_rows)
        kw = dict(classifier=self._is_classifier_task(), rng=rng, score=score,
                  tolerance=self.tolerance, noise_tolerance=noise_tolerance,
                  activation=self.activation, output_activation=output_activation,
                  weights=sample_weight)
        if large:
            criterion = SubsampledCriterion.split(Xs, Y, y, self.validation_fraction, **kw)
        else:
            criterion = make_criterion(
                Xs, Y, y, cv=cv if simplify else None,
                validation_fraction=self.validation_fraction if simplify else None, **kw)
        result = prune_network(Xs, Y, layer_sizes, settings=settings, criterion=criterion,
                               trainer=trainer, rng=rng, log=self._progress_log(),
                               sample_weight=sample_weight)
        self._warn_convergence(result.converged)
        warn_interrupted(self, result.interrupted_at)
        fitted = dict(_output_activation=output_activation, _x_mean=x_mean,
                      _interrupted_at=result.interrupted_at,
                      _x_scale=x_scale, _x_means=x_means,
                      scoring_=self._criterion_scoring(n_rows),
                      # No criterion decided anything when a structure was given.
                      cv_=cv if structure is None else None,
                      noise_tolerance_=noise_tolerance if structure is None else None,
                      baseline_score_=result.baseline_score, score_=result.score,
                      n_iter_=result.training.n_iter, loss_curve_=result.training.loss_curve,
                      loss_=result.training.loss)
        fitted["pruning_history_"] = history_rows(
            result.steps, input_names(X.shape[1], getattr(self, "feature_names_in_", None)),
            len(layer_sizes) - 1)
        fitted["pruning_path_"] = [_path_entry(record) for record in result.path]
        fitted["data_path_"] = self._data_path(n_rows, cv, result)
        fitted.update(self._network_attributes(
            result.network, Xs if result.columns is None else result.final_X, Y, settings,
            x_mean, x_scale, y_mean, y_scale, result.columns, sample_weight))
        fitted.update(self._group_attributes(groups, fitted["feature_importances_"],
                                             X.shape[1]))
        weighed = X if sample_weight is None or sample_weight.all() else X[sample_weight > 0]
        fitted.update(self._transparent_attributes(result.network, weighed, fitted["masks_"],
                                                   fitted["coefs_"], result.level_scales))
        fitted["_compact"] = self._compact_form(fitted)
        return fitted

    def _compact_form(self, fitted):
        """The compact form (see ``compact_network``) of the fitted attributes, as
        plain tuples of arrays."""
        return compact_network(fitted["coefs_"], fitted["intercepts_"], fitted["masks_"],
                               self.activation, fitted["binary_neurons_"]).to_arrays()

    def _warn_convergence(self, converged):
        if not converged:
            warnings.warn(f"{type(self).__name__}: the {self.solver} solver reached "
                          f"max_iter={self.max_iter} iterations before the loss of the "
                          "returned network converged; raise max_iter.", ConvergenceWarning)

    def _data_path(self, n_samples, cv, result):
        """``data_path_``: the path a fit took and why."""
        if result.note:
            return (f"large data: cv='auto' on {n_samples} rows (>= {LARGE_DATA_ROWS}); "
                    f"the criterion on {result.note}; the final weights on all the rows")
        why = ("a structure of the pruning path retrained (retrain_at)"
               if getattr(self, "_path_structure", None) is not None else
               f"cv={_cv_name(self.cv)} given" if not isinstance(self.cv, str) else
               f"{n_samples} rows (< {LARGE_DATA_ROWS})" if self._simplifies() else
               "nothing to simplify")
        return (f"standard: {why}; cv={_cv_name(cv)}, "
                f"validation_fraction={self.validation_fraction}")

    def _network_attributes(self, net, Xs, Y, settings, x_mean, x_scale, y_mean, y_scale,
                            columns=None, sample_weight=None):
        """Fitted attributes of the returned network ``net`` (standardized units);
        ``Xs`` holds all the input columns, or only ``columns`` (the kept inputs on
        the large-data path); means and indicators weighted by ``sample_weight``."""
        masks = [M.copy() for M in net.masks]
        support = masks[0].any(axis=1)
        # The network as its plain fields (arrays and lists): no class of this library
        # in the fitted state, so that skops can load it (see ``_state``).
        attrs = dict(_state_fields=tuple(net), masks_=masks, support_=support)
        attrs["n_inputs_"], attrs["n_neurons_"], attrs["n_synapses_"] = count_structure(masks)
        # The training means, whatever the pruning reference, for
        # sensitivity_indicators(reference="mean"); of the smooth network, as the
        # indicators are.
        if columns is None:
            attrs["_neuron_means"] = hidden_means(net, Xs, settings.activation,
                                                  settings.output_activation, None,
                                                  sample_weight)
            ind = np.where(support, indicators("inputs", net, Xs, Y, settings,
                                               sample_weight=sample_weight), 0.0)
        else:  # large data: the kept columns only, in row chunks
            small = restrict_inputs(net, columns)
            attrs["_neuron_means"] = chunked_hidden_means(
                small, Xs, settings.activation, settings.output_activation, sample_weight)
            ind = np.zeros(support.shape[0])
            ind[columns] = chunked_input_indicators(small, Xs, Y, dataclasses.replace(
                settings, input_reference=settings.input_reference[columns]), sample_weight)
        total = ind.sum()
        attrs["feature_importances_"] = (ind / total if total > 0 and np.isfinite(total)
                                         else support / support.sum())
        # Report the weights in the original units of X (and of y for regression).
        coefs = [W.copy() for W in net.coefs]
        intercepts = [b.copy() for b in net.intercepts]
        intercepts[0] = intercepts[0] - (x_mean / x_scale) @ coefs[0]
        coefs[0] = coefs[0] / x_scale[:, None]
        if y_scale is not None:
            coefs[-1], intercepts[-1] = coefs[-1] * y_scale, intercepts[-1] * y_scale + y_mean
        for W, M in zip(coefs, masks):
            W[~M] = 0.0
        # float32 data: float32 weights, so that predictions are float32 too.
        coefs, intercepts = ([a.astype(Xs.dtype, copy=False) for a in arrays]
                             for arrays in (coefs, intercepts))
        if not all(np.isfinite(W).all() for W in coefs + intercepts):
            raise ValueError("Training produced non-finite weights; the input data may "
                             "contain very large values and need rescaling.")
        attrs["coefs_"], attrs["intercepts_"] = coefs, intercepts
        return attrs

    def _group_attributes(self, groups, importances, n_features):
        """``input_groups_``, ``input_group_names_`` and ``group_importances_``
        (one group per column without ``input_groups``)."""
        if groups is None:
            groups = (tuple(np.array([i]) for i in range(n_features)),
                      input_names(n_features, getattr(self, "feature_names_in_", None)))
        return dict(input_groups_=[g.copy() for g in groups[0]],
                    input_group_names_=np.array(groups[1], dtype=object),
                    group_importances_=np.array([importances[g].sum() for g in groups[0]]))

    # --------------------------------------------------------------- helpers
    def _forward_original(self, X):
        """The network's output on ``X`` (original units), through the compact form:
        the cost follows the pruned structure, not the full-size matrices."""
        check_is_fitted(self)
        check_no_dates(X, type(self).__name__)
        # The product is in the wider of the dtypes of X and of the weights, as in
        # scikit-learn's MLP: float32 only for float32 X on a float32 fit. Dense X
        # is checked for finite values chunk by chunk, where the compact pass
        # reads it anyway (one pass over memory instead of two).
        X = validate_data(self, X, reset=False, dtype=FIT_DTYPES,
                          accept_sparse=SPARSE_FORMATS,
                          ensure_all_finite=bool(sp.issparse(X)))
        net = CompactNetwork.from_arrays(self._compact)  # checked fitted above
        return compact_output(X, net, self.activation, self._output_activation,
                              None if sp.issparse(X) else _finite_chunk)

    @property
    def _state(self):
        """The returned network in standardized units, as the procedure's Network."""
        return Network(*self._state_fields)

    def compact_network(self):
        """The fitted network reduced to what its output depends on.

        Returns
        -------
        network : CompactNetwork
            A named tuple: ``inputs`` (indices of the input columns read),
            ``coefs`` and ``intercepts`` (small dense matrices between the kept
            units, in the original units of X and y), ``steps`` (None, or per
            hidden layer which kept neurons are thresholds) and ``hidden`` (per
            hidden layer, the index of each kept neuron in ``coefs_``). Neurons
            without incoming synapses are constants folded into the next
            intercepts; units that reach no output are left out.
        """
        check_is_fitted(self)
        return CompactNetwork.from_arrays(self._compact)

    def pruning_report(self):
        """The pruning path as a DataFrame, one row per attempted step.

        Returns
        -------
        report : pandas.DataFrame
            Columns ``step, kind, removed, n_removed, accepted, forced, score,
            n_inputs, n_neurons, n_synapses, on_path, chosen, se, fresh_score,
            note``. ``step`` numbers the attempts from 1; ``kind`` is "inputs",
            "neurons", "synapses", "levels" (weights fixed to their levels),
            "binarize" (a threshold neuron), "dependent", "negligible" or
            "merge" (simplifications of the returned network); ``removed``
            names the elements of the step; ``accepted`` says whether the step
            stands in the returned network; ``on_path`` whether the pruning
            path walked on from it: the path runs past the structure it
            finally chooses, and the steps after the chosen one are on the
            path but not accepted; ``chosen`` marks the step whose structure
            was chosen (the one-standard-error rule: the fewest inputs, then
            neurons, then synapses, among the structures whose score is within
            ``tolerance`` plus ``noise_tolerance`` standard errors of the best
            structure on the path); ``se`` is the standard error of the
            difference between the row's score and the best structure's (NaN
            off the path); ``fresh_score`` the criterion score of the row's
            input set in networks trained from fresh weights, for the final
            candidates (NaN elsewhere); ``note`` says, on the chosen and the
            best rows, why. ``forced`` marks steps taken whatever the
            criterion says: a cap being reached, or quantization and
            binarization with ``tolerance=None`` (a forced step that was
            impossible, because it would cut every path to the output, is not
            accepted and has score -inf); ``score`` is the criterion score
            after the step; ``n_inputs, n_neurons, n_synapses`` are the
            structure the step produced (for a rejected step, that of the
            network tried and undone).
        """
        check_is_fitted(self)
        columns = ["step", "kind", "removed", "n_removed", "accepted", "forced", "score",
                   "n_inputs", "n_neurons", "n_synapses", "on_path", "chosen", "se",
                   "fresh_score"]
        report = pd.DataFrame(self.pruning_history_, columns=columns)
        report[["se", "fresh_score"]] = report[["se", "fresh_score"]].astype(float)
        report["note"] = ""
        path = _last_path(getattr(self, "pruning_path_", []))
        if path:
            best = max(path, key=lambda e: e["score"])
            rows = report["step"] == best["step"]
            report.loc[rows, "note"] = "best: the highest criterion score on the path"
            chosen = report["chosen"].astype(bool)
            report.loc[chosen, "note"] = self._choice_note(best["step"])
            report.loc[chosen & (report["kind"] == "exchange"), "note"] = (
                "chosen: an exchange of inputs that raised the criterion, scored from "
                "fresh weights, beyond the allowance")
        return report

    def _choice_note(self, best_step):
        """Why the chosen row was chosen, by ``path_choice``."""
        if self.path_choice == "first_stop":
            return ("chosen: where the path stopped, no further step within tolerance="
                    f"{self.tolerance} + {self.noise_tolerance_} standard errors of the "
                    "best network met (path_choice='first_stop')")
        return (f"chosen: the fewest inputs, neurons, synapses within tolerance="
                f"{self.tolerance} + {self.noise_tolerance_} standard errors of the best "
                f"(step {best_step}), then input sets weighed from fresh weights "
                "(fresh_score; path_choice='one_se')")

    def retrain_at(self, X, y, step="chosen", sample_weight=None):
        """A new estimator with the structure of a point of the pruning path,
        trained on ``X, y`` from fresh initial weights, without pruning.

        The criterion path keeps every structure it met (``pruning_path_``), so
        that another point of it can be taken without pruning again, only
        retraining: the most accurate one beside the chosen one, as glmnet
        offers ``lambda.min`` beside ``lambda.1se``, or one of a given size.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, with the columns of this fit.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets, with the classes (or outputs) of this fit.
        step : "chosen", "best" or int, default="chosen"
            "chosen": the structure the path chose (before the simplifications
            that follow the path: dependent inputs, levels, thresholds);
            "best": the structure with the highest criterion score on the path;
            an int: the ``step`` of an entry of ``pruning_path_``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, as in ``fit``.

        Returns
        -------
        estimator : estimator of the same class and parameters
            Fitted with that structure's masks fixed. Its weights are free
            (no levels or threshold neurons), and it has no pruning path of its
            own: ``pruning_history_`` and ``pruning_path_`` are empty.

        Examples
        --------
        >>> from sklearn.datasets import load_breast_cancer
        >>> from sklearn_nnprune import PrunedMLPClassifier
        >>> X, y = load_breast_cancer(return_X_y=True)
        >>> clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), random_state=0).fit(X, y)
        >>> best = clf.retrain_at(X, y, step="best")
        >>> best.n_inputs_ >= clf.n_inputs_
        True
        """
        check_is_fitted(self)
        self._check_retrain_data(X, y)
        new = clone(self)
        new._path_structure = self._path_masks(step)
        try:
            new.fit(X, y, sample_weight=sample_weight)
        finally:
            del new._path_structure
        return new

    def _check_retrain_data(self, X, y):
        """``retrain_at``'s data must have this fit's columns (by name, in order)
        and, for a classifier, its classes."""
        validate_data(self, X, reset=False, ensure_all_finite=False,
                      accept_sparse=SPARSE_FORMATS)
        classes = getattr(self, "classes_", None)
        if classes is not None:
            given = np.unique(np.asarray(y))
            if given.shape != classes.shape or not np.all(given == classes):
                raise ValueError(f"retrain_at: y has the classes {given.tolist()}, the fit "
                                 f"had {classes.tolist()}; pass the labels of the fit.")

    def _path_masks(self, step):
        """The masks of the ``pruning_path_`` entry that ``step`` names."""
        path = self.pruning_path_
        if not path:
            raise ValueError("This fit has no pruning path (no criterion-driven "
                             "pruning: tolerance=None or nothing to prune); there is "
                             "no other structure to retrain.")
        if isinstance(step, str) and step == "chosen":
            entry = [e for e in path if e["chosen"]][-1:] or path[:1]
        elif isinstance(step, str) and step == "best":
            entry = [max(_last_path(path), key=lambda e: e["score"])]
        elif isinstance(step, numbers.Integral) and not isinstance(step, bool):
            entry = [e for e in path if e["step"] == step]
            if not entry:
                raise ValueError(f"step={step} is not on the pruning path; its steps "
                                 f"are {[e['step'] for e in path]}.")
        else:
            raise ValueError(f"step must be 'chosen', 'best' or the step of an entry "
                             f"of pruning_path_; got {step!r}.")
        return [M.copy() for M in entry[0]["masks"]]

    def _progress_log(self):
        """``log(message)``: prints timed progress lines when ``verbose`` is set."""
        if not self.verbose:
            return lambda message: None
        start, name = time.perf_counter(), type(self).__name__

        def log(message):
            print(f"[{name} {time.perf_counter() - start:7.2f}s] {message}", flush=True)

        return log
