"""InputBinarizer: continuous inputs turned into Boolean conditions (METHOD.md 6.7)."""

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils._param_validation import Interval, RealNotInt
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import (_check_feature_names_in, _check_sample_weight,
                                      check_is_fitted, validate_data)

from ._persistence import VersionedStateMixin
from ._checks import check_no_dates, check_no_missing_labels
from ._base import fitted_at_once
from ._targets import holds_class_labels

_REGRESSION_TARGETS = ("continuous", "continuous-multioutput")
_CLASSIFICATION_TARGETS = ("binary", "multiclass", "multilabel-indicator",
                           "multiclass-multioutput")


def _short_number(t):
    """A threshold as its shortest decimal, in scientific notation where the
    positional form would run to many zeros."""
    if t != 0 and not 1e-6 <= abs(t) < 1e12:
        return np.format_float_scientific(t, trim="-")
    return np.format_float_positional(t, trim="-")


def _simplest_between(low, high, margin=0.0):
    """The number with the fewest decimals in [low, high): every such threshold t
    splits the same way (x <= low is below it, x >= high above), and a short one
    reads better in a feature name. With ``margin > 0``, t keeps at least that
    distance from both ends (so that neither end can tie with it)."""
    mid = low + (high - low) / 2.0
    for decimals in range(18):
        t = round(mid, decimals)
        if low + margin <= t < high - margin:
            return float(t)
    return float(mid) if margin > 0 else float(low)


class InputBinarizer(TransformerMixin, VersionedStateMixin, BaseEstimator):
    """Turn each continuous input into a Boolean condition ``x_i > t_i``.

    The threshold of every continuous input is the split that best separates the
    target on that input alone, as a decision stump finds it (Gini impurity for a
    class target, squared error for a numeric one), moved to the shortest number
    that splits the training data the same way. Inputs whose values are all 0 or 1
    are Boolean already and pass through. The output has one 0/1 column per input,
    named like ``"age > 42.5"``: in front of a pruned network, the network's rules
    then speak of conditions on the user's own features (binarized inputs, Gorban
    and Mirkes; METHOD.md section 6.7).

    Parameters
    ----------
    min_samples_leaf : int or float, default=1
        Fewest training samples on each side of a threshold (an int is a count, a
        float a fraction of the samples), as in a decision tree.

    Attributes
    ----------
    thresholds_ : ndarray of shape (n_features_in_,)
        Threshold t_i of each input; 0.5 for the Boolean inputs, which pass
        through unchanged.
    boolean_inputs_ : ndarray of bool of shape (n_features_in_,)
        Inputs that were Boolean (all values 0 or 1) during fit.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    sklearn.preprocessing.Binarizer : Binarizes with one threshold given by the user.
    sklearn.preprocessing.KBinsDiscretizer : Unsupervised binning.
    PrunedMLPClassifier : A network to put after it.

    Notes
    -----
    A threshold lies between the two neighbouring training values ``a < b`` that
    the stump separates; any t in [a, b) gives the same split of the training data,
    and the one with the fewest decimals is kept. An input with no possible split
    (a constant) gets its value as threshold and becomes constant 0.

    References
    ----------
    A. N. Gorban, E. M. Mirkes, "Artificial neural network pruning to extract
    knowledge", arXiv:2005.06284 (2020).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_nnprune import InputBinarizer
    >>> X = np.array([[25.0, 1], [38.0, 0], [47.0, 1], [61.0, 0]])
    >>> y = np.array([0, 0, 1, 1])
    >>> binarizer = InputBinarizer().fit(X, y)
    >>> binarizer.get_feature_names_out(["age", "smoker"]).tolist()
    ['age > 42', 'smoker']
    >>> binarizer.transform(X)
    array([[0., 1.],
           [0., 0.],
           [1., 1.],
           [1., 0.]])
    """

    _parameter_constraints = {
        "min_samples_leaf": [Interval(Integral, 1, None, closed="left"),
                             Interval(RealNotInt, 0, 0.5, closed="right")],
    }

    def __init__(self, *, min_samples_leaf=1):
        self.min_samples_leaf = min_samples_leaf

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Learn one threshold per continuous input from (X, y).

        The fit is atomic: when it raises (KeyboardInterrupt included), the
        binarizer keeps its previous fitted state, or none.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target: class labels or numeric values. Whole numbers with few
            distinct values are class labels (as for the selector's default
            network), whatever their size: 0 and 1e300 are two classes.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Non-negative weights of the rows in the stumps' criterion (weighted
            Gini impurity or squared error). An integer weight counts as that
            many copies of the row and a zero weight drops it, also for
            ``min_samples_leaf``, which then counts weight, and for which inputs
            are Boolean. None: every row weighs 1.

        Returns
        -------
        self : InputBinarizer
            The fitted transformer.
        """
        return fitted_at_once(self, lambda: self._fit(X, y, sample_weight))

    def _fit(self, X, y, sample_weight):
        """The fitted attributes of a fit on (X, y), as a dict."""
        check_no_dates(X, type(self).__name__)
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True,
                             y_numeric=False)
        check_no_missing_labels(y, type(self).__name__)
        with np.errstate(invalid="ignore"):  # its cast of 1e300 to an integer
            target = type_of_target(y, input_name="y", raise_unknown=True)
        if target not in _REGRESSION_TARGETS + _CLASSIFICATION_TARGETS:
            raise ValueError(f"InputBinarizer needs class labels or numeric targets; "
                             f"got a target of type {target!r}.")
        weights = None
        if sample_weight is not None:
            # Negative weights and weights all 0 are errors that name them.
            weights = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
            # A row of weight 0 is a row dropped, also from the values between
            # which a threshold lies.
            kept = weights > 0
            X, y, weights = X[kept], y[kept], weights[kept]
            # Weights count as repeated rows, weights below 1 as one row each (as
            # the networks' criterion counts them): a leaf's minimum then means
            # the same for normalized weights as for none. Scaled in float64,
            # whose range their sum must stay in.
            with np.errstate(over="ignore"):
                total = weights.sum()
            if not np.isfinite(total):
                raise ValueError("InputBinarizer: the sample weights sum beyond the "
                                 "float64 range; divide them by a constant.")
            weights = weights * max(1.0, weights.size / total)
        # Whole-number floats with many values (load_diabetes) are numeric, as for
        # the selector's default network; a few whole values are classes, coded
        # 0, 1, ... for the stump (type_of_target calls 0 and 1e300 "continuous",
        # since 1e300 fits no integer type).
        classes = holds_class_labels(y)
        if classes:
            y = (np.unique(y, return_inverse=True)[1].reshape(y.shape) if y.ndim == 1
                 else np.column_stack([np.unique(c, return_inverse=True)[1] for c in y.T]))
        boolean = ((X == 0.0) | (X == 1.0)).all(axis=0)
        thresholds, unsplit = self._thresholds(X, y, boolean, classes, weights)
        if unsplit:
            self._warn_unsplit(unsplit, weights is not None)
        return dict(boolean_inputs_=boolean, thresholds_=thresholds)

    def _stump(self, classes, weights):
        """The decision stump that finds a threshold, or None when no split can
        leave ``min_samples_leaf`` on each side. With ``weights`` the leaves must
        hold that much weight (as many rows as repeated rows would count)."""
        kwargs = dict(max_depth=1, random_state=0, min_samples_leaf=self.min_samples_leaf)
        if weights is not None:
            leaf, total = self.min_samples_leaf, weights.sum()
            need = leaf if isinstance(leaf, Integral) else np.ceil(leaf * total)
            if 2 * need > total:
                return None
            # Slightly below, so that a leaf of exactly `need` is not lost to rounding.
            kwargs.update(min_samples_leaf=1,
                          min_weight_fraction_leaf=need * (1 - 1e-9) / total)
        return (DecisionTreeClassifier if classes else DecisionTreeRegressor)(**kwargs)

    def _thresholds(self, X, y, boolean, classes, weights):
        """``(thresholds, unsplit)``: the threshold of every input (0.5 for the
        Boolean ones) and the inputs no split separates."""
        stump = self._stump(classes, weights)
        thresholds = np.full(X.shape[1], 0.5)
        unsplit = []
        # One stump per continuous input: a loop over features, not samples.
        for i in np.flatnonzero(~boolean):
            # The stump sees rank codes, not values: trees work in float32 and do not
            # split values closer than about 1e-7, which would lose the threshold of
            # a feature with a tiny spread or a large offset.
            values, codes = np.unique(X[:, i], return_inverse=True)
            tree = (None if stump is None else
                    stump.fit(codes.reshape(-1, 1).astype(np.float64), y,
                              sample_weight=weights).tree_)
            if tree is None or tree.node_count == 1:
                thresholds[i] = values[-1]
                unsplit.append(i)
                continue
            below = int(np.floor(tree.threshold[0]))
            thresholds[i] = _simplest_between(values[below], values[below + 1])
        return thresholds, unsplit

    def _warn_unsplit(self, unsplit, weighted):
        """Warn that the inputs ``unsplit`` became constant 0 columns."""
        names = getattr(self, "feature_names_in_", None)
        shown = [str(names[i]) if names is not None else f"x{i}" for i in unsplit]
        leaf = self.min_samples_leaf
        leaf = (f"{leaf} sample{'s' if leaf != 1 else ''}" if isinstance(leaf, Integral)
                else f"a fraction {leaf} of the samples")
        if weighted:
            leaf += " (in sample weight)"
        warnings.warn(f"InputBinarizer: no split of input(s) {', '.join(shown[:10])}"
                      f"{' ...' if len(shown) > 10 else ''} with at least {leaf} "
                      "(min_samples_leaf) on each side separates y better than none; "
                      "their columns are constant 0.", UserWarning)

    def transform(self, X):
        """Boolean conditions ``x_i > t_i`` as 0/1 columns.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)
            Inputs.

        Returns
        -------
        X_bool : ndarray of shape (n_samples, n_features_in_)
            1.0 where the condition holds, else 0.0.
        """
        check_is_fitted(self)
        check_no_dates(X, type(self).__name__)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return (X > self.thresholds_).astype(np.float64)

    def get_feature_names_out(self, input_features=None):
        """Names of the conditions: ``"name > t"``, or the name of a Boolean input.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; None: ``feature_names_in_`` or "x0", "x1", ...

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per output column.
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        return np.asarray(
            [name if boolean else f"{name} > {_short_number(t)}"
             for name, boolean, t in zip(names, self.boolean_inputs_, self.thresholds_)],
            dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags
