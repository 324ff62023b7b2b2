"""PrunedMLPClassifier and PrunedMLPRegressor: train, prune, retrain.

The estimators validate parameters and data, encode the targets, call the pruning
procedure (``_procedure``) once through ``_BasePrunedMLP`` and assign the fitted
state at the end. The arithmetic lives in ``_network`` (forward and backward
passes), ``_solvers`` (training), ``_sensitivity`` (indicators) and ``_pruning``
(removal and cascade).
"""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.utils._param_validation import StrOptions

from ._base import _BasePrunedMLP
from ._fit_data import _ClassifierParameters, fit_classifier, fit_regressor
from ._network import class_probabilities, decode_output


class PrunedMLPClassifier(ClassifierMixin, _ClassifierParameters):
    """Multi-layer perceptron classifier pruned to a minimal structure.

    The network is trained, then its least significant inputs, neurons and synapses
    are removed in batches, each removal followed by a brief warm-started
    retraining, for as long as the criterion score (see ``scoring``) stays within
    ``tolerance`` (plus a noise allowance) of the best network met so far, the
    unpruned one to begin with (Gorban and Mirkes' first-order
    sensitivity pruning; see METHOD.md).

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(16,)
        Number of neurons of each hidden layer.
    activation : {"tanh", "logistic", "relu", "identity", "rational"}, default="tanh"
        Activation of the hidden neurons; "rational" is ``x / (1 + |x|)``.
    solver : {"lbfgs", "adam"}, default="lbfgs"
        "lbfgs": scipy's L-BFGS-B over the active (unmasked) parameters; "adam":
        mini-batch Adam that stops when the training loss stops improving.
    alpha : float, default=1.0
        L2 penalty, scaled as in scikit-learn's MLP: ``alpha / (2 n) * ||W||^2``.
        Larger than MLPClassifier's default: a network that memorizes its training
        set makes every pruning decision noisy. On a few hundred rows it can keep
        the network nearly linear (make_moons with 150 rows: 86% on new data
        against 95-96% with ``alpha=0.3``); compare values by cross-validation
        there (user guide, "Small data with a curved boundary").
    batch_size : int or "auto", default="auto"
        Mini-batch size of "adam"; "auto" is ``min(200, n_samples)``.
    learning_rate_init : float, default=1e-3
        Step size of "adam".
    n_iter_no_change : int, default=10
        Only used with ``solver="adam"``: training (and every retraining) stops
        when the training loss has not improved by ``max(tol, 1e-4)`` for more than
        this many consecutive epochs, as in scikit-learn's MLPs. A value of at least
        ``max_iter`` always runs the full budget.
    max_iter : int, default=500
        Iterations (lbfgs) or epochs (adam) of the first training.
    retrain_iter : int, default=30
        Iterations of each warm-started retraining after a removal.
    tol : float, default=1e-6
        Convergence tolerance of the solver (gradient norm for lbfgs; loss
        improvement, at least 1e-4, for adam).
    prune : tuple of {"inputs", "neurons", "synapses"}, default=all three
        Kinds of elements pruning may remove; empty = no pruning. Whatever the
        order given, the kinds take turns in criterion-driven steps in the order
        inputs, neurons, synapses; ``max_inputs`` is reached before the turns,
        the neuron and synapse caps after them (then the turns resume).
    max_inputs, max_neurons, max_synapses : int, float or None, default=None
        Caps on the structure (an int is a count, a float a fraction of the full
        network). Pruning reaches them even if quality drops. A count above the
        network's size warns and does not bind (as SelectKBest's ``k``).
    max_fan_in : int or None, default=None
        Cap on the incoming synapses of every neuron (uniform simplification).
    input_groups : list of lists, dict or None, default=None
        Columns pruned as one input, e.g. the one-hot columns of a category: a
        list of lists of column indices (or feature names), or a dict from group
        names to such lists. A group is ranked by the sum of its columns'
        indicators, removed whole, and counted once by ``max_inputs``; a column in
        no group is an input of its own. ``support_`` and
        ``feature_importances_`` stay per column; ``group_importances_`` is per
        group.
    tolerance : float or None, default=0.0
        How far the criterion score (see ``scoring``) may fall below the
        reference, on top of the noise allowance, in the units of that score. The
        reference is the unpruned network's score, raised to that of any better
        network met on the pruning path and reset after a step forced by a cap;
        with ``noise_tolerance=0``, ``score_`` is therefore never more than
        ``tolerance`` below ``baseline_score_`` (METHOD.md section 5), and with the
        default allowance it can fall below by up to ``noise_tolerance`` standard
        errors. None: prune only down to the caps, and quantize and binarize fully
        (``weight_levels``, ``binarize_neurons``) whatever the quality; with no cap
        either, the fit is that of ``prune=()``.
    noise_tolerance : float or "auto", default="auto"
        Further allowance in standard errors of the paired difference of the
        per-sample scores of the candidate and the reference network (the
        one-standard-error rule): drops the data cannot tell from noise do not stop
        pruning, on small and large data sets alike. 0 = exact comparison, the
        paper's rule. "auto": 0 when the criterion is scored on the training data
        (the network must still solve the training set, and the paired standard
        error would count its errors as noise), else 1 (``noise_tolerance_``).
    path_choice : {"first_stop", "one_se"}, default="first_stop"
        Which structure of the pruning path is returned. "first_stop": where the
        path stops, no candidate step holding within the allowance of the best
        network met so far. "one_se": the path walks on (within twice the
        allowance); then the fewest inputs, neurons, synapses among the
        structures within the allowance of the best on the whole path (glmnet's
        ``lambda.1se``), the input sets around it weighed again from fresh
        weights and an exchange of inputs tried (both with an out-of-sample
        criterion only; user guide, "The pruning path and the choice on it").
        Smaller networks at the same recovery on synthetic tasks, but further
        below linear models on some real tables (RESULTS_quality.md), hence not
        the default. ``pruning_path_`` keeps every structure of the path.
    validation_fraction : float or None, default=None
        A float: the criterion is scored on a stratified held-out split of that
        size, which the network does not train on. Exclusive with ``cv``.
    cv : int, splitter, iterable, None or "auto", default="auto"
        Number of folds of the cross-fitted criterion: ``cv`` networks share one
        structure, each trains on ``cv - 1`` folds and is scored on the remaining
        one, so the criterion is an out-of-sample score over all the data; the
        final weights are then trained on all the data. None (with
        ``validation_fraction=None``): the criterion is scored on the training data
        only, the paper's rule that the network must still solve the training set.
        "auto": 3; None below 100 rows (user guide, "Where the score is measured")
        or with ``validation_fraction``; from 50,000 rows the large-data path: one
        held-out split, decisions on a training subsample, the final weights on
        all rows (user guide, "Large data and clusters"). A scikit-learn
        splitter or a list of (train, test) index arrays: one network per split
        (e.g. ``GroupKFold``). ``cv_`` and ``data_path_`` say what a fit used.
        The reference score is that of the best network met along the pruning path.
    scoring : {"auto", "neg_log_loss", "accuracy"}, default="auto"
        The criterion score. "neg_log_loss": the mean log-probability of the true
        class (scikit-learn's ``neg_log_loss``): minus the loss the network is
        trained on (without the penalty), out of sample; it registers a loss of information before decisions flip,
        and its per-sample differences are continuous, so a real loss is told from
        retraining noise with fewer samples than accuracy needs. "accuracy": the
        fraction of samples classified correctly, the paper's rule that the network
        still solves the task. "auto": "accuracy" when the criterion is scored on the
        training data (``cv=None`` and ``validation_fraction=None``), where the
        log-loss of a network can only grow as it loses weights, and when the
        network is to become logically transparent (``weight_levels`` or
        ``binarize_neurons``), whose rules are judged by their decisions; else
        "neg_log_loss".
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight`` (as in
        LogisticRegression): a dict from labels to weights (1 for the labels it
        omits), or "balanced": ``n / (n_classes * n_c)`` from the counts of the
        rows of positive sample weight. So that the criterion, not only the
        training loss, sees a minority class (user guide, "Sample weights").
    indicator : {"sum", "max"}, default="sum"
        Aggregation of the per-sample first-order estimates over the samples.
    reference : {"mean", "zero"}, default="mean"
        Value a removed input or neuron is replaced by.
    accumulate : int, default=3
        Number of points of the training trajectory over which indicators are
        averaged before ranking.
    prune_step : int or float, default=0.1
        Count (int) or fraction (float) of the remaining candidates removed in one
        step; a rejected step is halved until it is accepted or has size 1.
        Smaller steps let the brief retraining follow the removals: on digits, a
        (32,) network pruned with the defaults lost 0.4-1.3 test points (mean 0.85,
        random_state 0-7) with 0.1, and 1.3-2.0 with 0.25 (random_state 0-3), at
        83-93% and 85-92% of the weights removed (``benchmarks/RESULTS.md``).
    weight_levels : None, "binary", "ternary", int or sequence, default=None
        Reduced precision of the weights, applied after pruning (logically
        transparent networks). "binary": each neuron's incoming weights take the
        values {-s, +s}; "ternary": {-s, 0, +s}; an int n <= 256: n evenly spaced
        values from -s to +s; the scale s of each neuron (column of ``coefs_``) is
        fitted to its weights. A sequence (<= 256 values): exactly these. In units
        of ``coefs_``; a weight fixed to 0 is a removed synapse. Weights are fixed
        step by step, those whose rounding changes the loss least first, the others
        retrained, for as long as the criterion holds (see ``tolerance``). With
        ``cv``, the fold networks fix the same weights and the final network,
        retrained on all the data, keeps the first fold network's levels.
    binarize_neurons : bool, default=False
        After pruning and quantization, replace the activation of hidden neurons,
        one at a time, by a threshold (step) function wherever the criterion still
        holds. A threshold neuron outputs the limits of its activation's range
        ({-1, 1} for "tanh" and "rational", {0, 1} for "logistic" and "relu"; not
        available for "identity"). Together with ``weight_levels`` it makes each
        neuron read "at least m of k conditions" (:func:`export_text`).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialization, the validation split and adam's shuffling.
    verbose : int, default=0
        Print progress of training and of every pruning step.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.
    coefs_ : list of ndarray
        Weight matrices in the original units of X; removed synapses are exactly 0.
    intercepts_ : list of ndarray
        Bias vectors, the folded contributions of removed elements included.
    masks_ : list of ndarray of bool
        Shaped like ``coefs_``; True = synapse present.
    support_ : ndarray of bool of shape (n_features_in_,)
        Inputs the pruned network still uses.
    n_inputs_, n_neurons_, n_synapses_ : int
        Size of the pruned structure (inputs, hidden neurons, nonzero weights).
    weight_levels_ : list of ndarray or None
        With ``weight_levels``: per layer, an array of shape (n_units, n_levels)
        with the values the incoming weights of each unit may take, in the units
        of ``coefs_``. None without.
    quantized_ : list of ndarray of bool
        Shaped like ``coefs_``: True = the weight is fixed to one of its levels
        (all True where ``masks_`` is, when quantization went to the end).
    binary_neurons_ : list of ndarray of bool
        One array per hidden layer: True = threshold neuron.
    feature_importances_ : ndarray of shape (n_features_in_,)
        Sensitivity of the loss to each input, normalized to sum to 1 (0 for
        removed inputs).
    input_groups_ : list of ndarray of int
        The columns of each input group, ordered by their first column (one
        column each without ``input_groups``).
    input_group_names_ : ndarray of str
        The groups' names: the keys of an ``input_groups`` dict, else the
        columns' names joined by "+" (a column's own name for a single column).
    group_importances_ : ndarray of shape (n_groups,)
        ``feature_importances_`` summed over each group's columns.
    scoring_ : str
        The criterion score used by this fit: "neg_log_loss" or "accuracy"
        (``scoring`` resolved).
    cv_, noise_tolerance_ : int or None, float
        ``cv`` and ``noise_tolerance`` as this fit resolved them ("auto").
    data_path_ : str
        The path the fit took ("standard" or "large data") and why.
    baseline_score_, score_ : float
        Criterion score (see ``scoring``; out-of-sample with ``cv`` or
        ``validation_fraction``) before and after pruning. With ``prune=()`` one
        network is trained on all the data and both are its training score.
    pruning_history_ : list of dict
        One entry per attempted step: step, kind, removed, n_removed, accepted,
        forced, score, n_inputs, n_neurons, n_synapses. Kind "dependent" (after
        the pruning steps, when inputs are pruned): the kept inputs in
        "removed" were exact linear combinations (plus a constant) of other kept
        inputs on the training data (duplicated columns, every level of a one-hot
        encoding); their weights moved to the inputs of their relation, so the
        network computes the same function, and the most independent basis stays
        (as :class:`NetworkInputSelector` chooses it). Kind "levels": the
        synapses in "removed" were fixed to their levels; kind "binarize": the
        neuron in "removed" was made a threshold neuron; kind "negligible"
        (near the end, when neurons are pruned and the network has neither
        levels nor thresholds): the neurons in "removed" moved no input of the
        next layer by more than 1e-6 of its spread on the training data and were
        folded into its biases; kind "merge" (last, when
        neurons are pruned and the network has neither levels nor thresholds):
        the neurons in "removed" duplicated others of their layer (same incoming
        weights and bias, or their negatives for a mirror image) and were merged
        into them in the returned network, which computes the same function (the
        score is repeated); kind "exchange" (``path_choice="one_se"``): the
        input in "removed" was replaced by the one named "+name". Keys
        "on_path", "chosen", "se" and "fresh_score": see :meth:`pruning_report`.
    pruning_path_ : list of dict
        Every structure the criterion-driven pruning path met, in order: "step"
        (the number of attempted steps when it was reached; 0 = the network
        pruning started from), "score" (its criterion score on the path),
        "chosen", "start" (first of a criterion path; caps add a second),
        "n_inputs", "n_neurons", "n_synapses" and "masks" (boolean
        arrays shaped like ``coefs_``). Empty without criterion-driven pruning.
        :meth:`retrain_at` trains one of them.
    n_iter_ : int
        Iterations of the training of the returned network: its final training
        on all the data after pruning (warm-started from the pruned weights) when
        the structure was chosen on folds or a validation split, else its only
        training.
    loss_curve_ : list of float
        Loss after each iteration of that training.
    loss_ : float
        Final loss of that training.

    See Also
    --------
    PrunedMLPRegressor : The regressor.
    sklearn.neural_network.MLPClassifier : The unpruned peer.

    Notes
    -----
    A removed synapse w_ij is ranked by the sum over samples of the first-order
    estimate of the change of the loss, ``chi_s = |delta_j,s a_i,s w_ij|``; an
    input or neuron with value v and reference v* by ``|dh_s/dv (v_s - v*)|``.
    Quantization ranks a weight the same way with its nearest level as v*, and
    binarization a neuron with the threshold's output as the per-sample v*.
    A threshold neuron has a zero derivative, so the weights feeding only
    threshold neurons stop learning once binarized; ``feature_importances_`` are
    measured on the smooth network (threshold neurons counted with their
    activation).

    References
    ----------
    A. N. Gorban, E. M. Mirkes, "Artificial neural network pruning to extract
    knowledge", arXiv:2005.06284 (2020).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_nnprune import PrunedMLPClassifier
    >>> X, y = make_classification(n_samples=300, n_features=8, n_informative=3,
    ...                            n_redundant=0, shuffle=False, random_state=0)
    >>> clf = PrunedMLPClassifier(hidden_layer_sizes=(8,), random_state=0).fit(X, y)
    >>> clf.n_inputs_ < 8
    True
    >>> clf.pruning_report().columns[:4].tolist()
    ['step', 'kind', 'removed', 'n_removed']
    """

    _output_activation = "logistic"

    def _is_classifier_task(self):
        return True

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network, then prune it.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 X trains in float32; sparse X (CSR, CSC) is
            scaled without centring (x / std; the "mean" reference is its mean).
        y : array-like of shape (n_samples,)
            Class labels (at least two classes).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples, times ``class_weight``: in the
            training loss, the criterion and its standard error, the indicators
            and the standardization (user guide, "Sample weights").

        Returns
        -------
        self : PrunedMLPClassifier
            The fitted estimator.
        """
        return fit_classifier(self, X, y, sample_weight)

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``: float32 for
            float32 X on a float32 fit, else float64 (as MLPClassifier).
        """
        return self._from_output(self._forward_original(X), "predict_proba")

    def _from_output(self, out, method):
        # ``method``'s result from the network's output (the committee's vote too).
        if method == "predict_proba":
            return class_probabilities(out)
        return self.classes_[decode_output(out)]

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted classes.
        """
        return self._from_output(self._forward_original(X), "predict")

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))


class PrunedMLPRegressor(RegressorMixin, _BasePrunedMLP):
    """Multi-layer perceptron regressor pruned to a minimal structure.

    Same method and parameters as :class:`PrunedMLPClassifier` (except ``scoring``,
    always R^2); the output is linear, the loss the squared error, the criterion
    score R^2. Targets are
    standardized inside the estimator; ``coefs_`` and ``intercepts_`` are reported in
    the original units of X and y.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(16,)
        Number of neurons of each hidden layer.
    activation : {"tanh", "logistic", "relu", "identity", "rational"}, default="tanh"
        Activation of the hidden neurons.
    solver : {"lbfgs", "adam"}, default="lbfgs"
        Training algorithm.
    alpha : float, default=1.0
        L2 penalty, ``alpha / (2 n) * ||W||^2`` on the standardized problem. On a
        few hundred rows it can keep the network nearly linear; compare values by
        cross-validation there (see PrunedMLPClassifier).
    batch_size : int or "auto", default="auto"
        Mini-batch size of "adam".
    learning_rate_init : float, default=1e-3
        Step size of "adam".
    n_iter_no_change : int, default=10
        Only used with ``solver="adam"``: the early stop of training (see
        PrunedMLPClassifier).
    max_iter : int, default=500
        Iterations of the first training.
    retrain_iter : int, default=30
        Iterations of each retraining after a removal.
    tol : float, default=1e-6
        Convergence tolerance of the solver.
    prune : tuple of {"inputs", "neurons", "synapses"}, default=all three
        Kinds of elements pruning may remove.
    max_inputs, max_neurons, max_synapses : int, float or None, default=None
        Caps on the structure, reached even if quality drops.
    max_fan_in : int or None, default=None
        Cap on the incoming synapses of every neuron.
    input_groups : list of lists, dict or None, default=None
        Columns pruned as one input (see PrunedMLPClassifier).
    tolerance : float or None, default=0.0
        How far R^2 on the criterion data may fall below the reference (the
        unpruned network's, raised to that of any better network met on the path),
        on top of the noise allowance; with ``noise_tolerance=0`` a bound on
        ``baseline_score_ - score_``. None: prune only down to the caps; quantize
        and binarize fully; with no cap either, the fit is that of ``prune=()``.
    noise_tolerance : float or "auto", default="auto"
        Allowance in standard errors of the paired per-sample score difference;
        "auto" as in PrunedMLPClassifier.
    path_choice : {"first_stop", "one_se"}, default="first_stop"
        Which structure of the pruning path is returned (see
        PrunedMLPClassifier).
    validation_fraction : float or None, default=None
        A float: criterion on a held-out split of that size (exclusive with cv).
    cv : int, splitter, iterable, None or "auto", default="auto"
        Folds (or splits) of the cross-fitted criterion; None with ``validation_fraction=None``:
        the criterion is the training score (the paper's rule); "auto" as in
        PrunedMLPClassifier (3; None below 100 rows; large-data path from 50,000).
    scoring : {"auto", "r2"}, default="auto"
        The criterion score: R^2 (the mean of R^2 over the outputs), which is the
        out-of-sample squared-error loss the network is trained on, rescaled.
        "auto" is "r2"; the parameter exists so that both estimators share it.
    indicator : {"sum", "max"}, default="sum"
        Aggregation of the per-sample estimates.
    reference : {"mean", "zero"}, default="mean"
        Value a removed input or neuron is replaced by.
    accumulate : int, default=3
        Trajectory points over which indicators are averaged.
    prune_step : int or float, default=0.1
        Count or fraction of the remaining candidates removed in one step.
    weight_levels : None, "binary", "ternary", int or sequence, default=None
        Reduced precision of the weights, as in :class:`PrunedMLPClassifier`; the
        output layer's levels are in units of y.
    binarize_neurons : bool, default=False
        Threshold hidden neurons where the criterion holds.
    random_state : int, RandomState instance or None, default=None
        Seeds initialization, the validation split and adam's shuffling.
    verbose : int, default=0
        Print progress.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.
    coefs_, intercepts_ : list of ndarray
        Weights in the original units of X and y; removed synapses are exactly 0.
    masks_ : list of ndarray of bool
        True = synapse present.
    weight_levels_ : list of ndarray or None
        Values the incoming weights of each unit may take (with ``weight_levels``).
    quantized_ : list of ndarray of bool
        True = weight fixed to one of its levels.
    binary_neurons_ : list of ndarray of bool
        One array per hidden layer: True = threshold neuron.
    support_ : ndarray of bool of shape (n_features_in_,)
        Inputs kept.
    n_inputs_, n_neurons_, n_synapses_ : int
        Size of the pruned structure.
    feature_importances_ : ndarray of shape (n_features_in_,)
        Normalized input sensitivities.
    input_groups_, input_group_names_, group_importances_
        Input groups, their names and importances (see PrunedMLPClassifier).
    scoring_ : str
        The criterion score used by this fit: "r2".
    cv_, noise_tolerance_, data_path_ : int or None, float, str
        As this fit resolved them (see PrunedMLPClassifier).
    baseline_score_, score_ : float
        R^2 on the criterion data before and after pruning.
    pruning_history_ : list of dict
        One entry per attempted pruning step (see PrunedMLPClassifier; kind
        "merge": duplicate hidden neurons merged in the returned network).
    pruning_path_ : list of dict
        Every structure the criterion path met (see PrunedMLPClassifier).
    n_iter_ : int
        Iterations of the training of the returned network (see
        PrunedMLPClassifier).
    loss_curve_ : list of float
        Loss after each iteration of that training.
    loss_ : float
        Final loss of that training.

    See Also
    --------
    PrunedMLPClassifier : The classifier.

    References
    ----------
    A. N. Gorban, E. M. Mirkes, "Artificial neural network pruning to extract
    knowledge", arXiv:2005.06284 (2020).

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn_nnprune import PrunedMLPRegressor
    >>> X, y = make_friedman1(n_samples=400, n_features=7, random_state=0)
    >>> reg = PrunedMLPRegressor(hidden_layer_sizes=(8,), random_state=0).fit(X, y)
    >>> reg.support_.tolist()
    [True, True, True, True, True, False, False]
    """

    _output_activation = "identity"
    _parameter_constraints = {
        **_BasePrunedMLP._parameter_constraints,
        "scoring": [StrOptions({"auto", "r2"})],
    }

    def _is_classifier_task(self):
        return False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network, then prune it.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 X trains in float32; sparse X (CSR, CSC) is
            scaled without centring (x / std; the "mean" reference is its mean).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples (see PrunedMLPClassifier).

        Returns
        -------
        self : PrunedMLPRegressor
            The fitted estimator.
        """
        return fit_regressor(self, X, y, sample_weight)

    def predict(self, X):
        """Predicted values.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predictions: float32 for float32 X on a float32 fit, else float64.
        """
        return self._from_output(self._forward_original(X), "predict")

    def _from_output(self, out, method):
        return out[:, 0] if self._y_1d else out
