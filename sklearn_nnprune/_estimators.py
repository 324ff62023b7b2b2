"""PrunedMLPClassifier and PrunedMLPRegressor: train, prune, retrain.

The estimators own validation, random state, fitted attributes and the pruning
loop of METHOD.md section 5. The arithmetic lives in ``_network`` (forward and
backward passes), ``_solvers`` (training), ``_sensitivity`` (indicators) and
``_pruning`` (removal and cascade).
"""

import numbers
import time
import warnings
from collections import deque
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.utils import assert_all_finite, check_random_state
from threadpoolctl import ThreadpoolController
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from ._network import count_structure, forward, predict_output
from ._model_selection import paired_drop_within_noise
from ._pruning import (apply_merge_plan, cascade, is_viable, merge_duplicate_neurons,
                       remove_inputs, remove_neurons, remove_synapses, resolve_count)
from ._sensitivity import average_sensitivities
from ._solvers import fit_adam, fit_lbfgs
from ._transparent import _TransparentMixin

PRUNABLE_KINDS = ("inputs", "neurons", "synapses")
# At batch size 1, how many further candidates in rank order are tried before a
# kind is declared exhausted (METHOD.md section 5).
_SINGLE_TRIES = 3
# Probabilities are floored before the log, at machine epsilon as in scikit-learn's
# log_loss.
_PROBA_FLOOR = np.finfo(np.float64).eps
# Hidden neurons whose incoming weights and bias agree to this relative distance
# (or are opposite, for a mirror image) are merged in the returned network: the
# copies that training leaves agree to 1e-9 down to 1e-4 (L-BFGS-B stops at its
# gradient tolerance). A merge stands if no output on the training data moves by
# more than _MERGE_OUTPUT_TOL; else only the merges at _EXACT_DUPLICATE_RTOL.
_DUPLICATE_RTOL = 1e-3
_EXACT_DUPLICATE_RTOL = 1e-6
_MERGE_OUTPUT_TOL = 1e-6
# Samples x weights above which a fit (and L-BFGS-B) uses multithreaded BLAS.
_THREADED_WORK = 2 ** 24
_count_or_fraction = [Interval(Integral, 1, None, closed="left"),
                      Interval(RealNotInt, 0, 1, closed="right")]


_CONTROLLER = []


def _blas_limit(threads):
    """Context limiting BLAS threads; the library scan runs once per process."""
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=threads, user_api="blas")


class _Net:
    """One network: weights, masks and the last points of its training trajectory;
    ``frozen`` (weights fixed to a level) and ``steps`` (threshold neurons) stay None
    until the transparency phases set them."""

    __slots__ = ("coefs", "intercepts", "masks", "snapshots", "frozen", "steps")

    def __init__(self, coefs, intercepts, masks, snapshots, frozen=None, steps=None):
        self.coefs, self.intercepts, self.masks = coefs, intercepts, masks
        self.snapshots = snapshots
        self.frozen, self.steps = frozen, steps


class _Fold:
    """Training data of one network and the samples its criterion is scored on."""

    __slots__ = ("X", "Y", "y", "X_val", "y_val")

    def __init__(self, X, Y, y, X_val, y_val):
        self.X, self.Y, self.y, self.X_val, self.y_val = X, Y, y, X_val, y_val


class _State:
    """The networks being pruned together (one per fold); they share one structure."""

    __slots__ = ("nets",)

    def __init__(self, nets):
        self.nets = nets

    @property
    def masks(self):
        return self.nets[0].masks


class _BasePrunedMLP(_TransparentMixin, BaseEstimator):
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
        "tolerance": [Interval(Real, 0, None, closed="left"), None],
        "noise_tolerance": [Interval(Real, 0, None, closed="left")],
        "validation_fraction": [Interval(RealNotInt, 0, 1, closed="neither"), None],
        "cv": [Interval(Integral, 2, None, closed="left"), None],
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
        tolerance=0.0,
        noise_tolerance=1.0,
        validation_fraction=None,
        cv=3,
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
        self.tolerance = tolerance
        self.noise_tolerance = noise_tolerance
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

    # ------------------------------------------------------------------ checks
    def _check_settings(self, n_features, n_samples, y):
        """Checks that need more than one parameter or the data; returns the
        hidden sizes and the set of prunable kinds."""
        hidden = np.atleast_1d(np.asarray(self.hidden_layer_sizes))
        if hidden.ndim != 1 or not all(isinstance(h, numbers.Integral) or
                                       (isinstance(h, np.integer)) for h in hidden.tolist()):
            raise ValueError("hidden_layer_sizes must be a tuple of positive ints, got "
                             f"{self.hidden_layer_sizes!r}.")
        hidden = tuple(int(h) for h in hidden)
        if any(h < 1 for h in hidden):
            raise ValueError("hidden_layer_sizes must contain only positive ints, got "
                             f"{self.hidden_layer_sizes!r}.")
        prune = (self.prune,) if isinstance(self.prune, str) else tuple(self.prune)
        unknown = [k for k in prune if k not in PRUNABLE_KINDS]
        if unknown:
            raise ValueError(f"prune contains unknown kinds {unknown!r}; allowed kinds are "
                             f"{list(PRUNABLE_KINDS)}.")
        prune = set(prune)
        needs = {"max_inputs": "inputs", "max_neurons": "neurons",
                 "max_synapses": "synapses", "max_fan_in": "synapses"}
        for cap, kind in needs.items():
            if getattr(self, cap) is not None and kind not in prune:
                raise ValueError(f"{cap}={getattr(self, cap)!r} needs {kind!r} in prune "
                                 f"(prune={self.prune!r}).")
        total = {"max_inputs": n_features, "max_neurons": sum(hidden),
                 "max_synapses": int(np.dot((n_features,) + hidden,
                                            hidden + (self._n_outputs_for_check(),)))}
        for cap, limit in total.items():
            value = getattr(self, cap)
            if isinstance(value, numbers.Integral) and value > limit:
                raise ValueError(f"{cap}={value} is larger than the network has "
                                 f"({limit}); the cap can never bind.")
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
                                 f"neuron's number of inputs ({widest}).")
        if self.cv is not None and self.validation_fraction is not None:
            raise ValueError("Set either cv (a cross-fitted criterion) or "
                             "validation_fraction (one held-out split), not both; got "
                             f"cv={self.cv}, validation_fraction={self.validation_fraction}.")
        if self.cv is not None and self._simplifies(prune):  # else there are no folds
            classifier = self._is_classifier_task()
            smallest = np.bincount(y).min() if classifier else n_samples
            if smallest < self.cv:
                advice = ("Lower cv or set cv=None (for a NetworkInputSelector or "
                          "MinimalNetworkCommittee: on its estimator)")
                if classifier:
                    advice += ", or use PrunedMLPRegressor if y holds numbers, not labels"
                raise ValueError(f"cv={self.cv} folds need at least {self.cv} samples"
                                 f"{' of every class' if classifier else ''}; the "
                                 f"smallest count is {smallest}. {advice}.")
        if self.validation_fraction is not None and self._simplifies(prune):
            self._check_validation_split(n_samples, y)
        self._check_transparency(hidden)
        return hidden, prune

    def _check_validation_split(self, n_samples, y):
        """The held-out split of ``validation_fraction`` must be possible: both
        parts non-empty and, for a stratified split, every class in both."""
        n_val = int(np.ceil(self.validation_fraction * n_samples))
        n_fit = n_samples - n_val
        classifier = self._is_classifier_task()
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

    def _simplifies(self, prune):
        """Whether the fit simplifies the network (prunes, quantizes or binarizes)
        and so needs the criterion and its folds. Without a tolerance, pruning is
        done by the caps alone, and with no cap there is nothing to prune."""
        capped = any(getattr(self, cap) is not None for cap in
                     ("max_inputs", "max_neurons", "max_synapses", "max_fan_in"))
        prunes = bool(prune) and (self.tolerance is not None or capped)
        return prunes or self.weight_levels is not None or bool(self.binarize_neurons)

    # ---------------------------------------------------------------- training
    def _train(self, X, Y, coefs, intercepts, masks, max_iter, rng, frozen=None,
               steps=None):
        kw = dict(alpha=self.alpha, hidden_activation=self.activation,
                  output_activation=self._output_activation, max_iter=max_iter,
                  n_snapshots=self.accumulate, frozen=frozen, step_units=steps)
        if self.solver == "lbfgs":
            # scipy's L-BFGS-B step works on short vectors: with several BLAS threads
            # its time is thread start-up (4x slower on 2 cores). Only products over
            # large data are worth the threads.
            n_params = sum(int(M.sum()) for M in masks)
            threads = None if X.shape[0] * n_params > _THREADED_WORK else 1
            with _blas_limit(threads):
                return fit_lbfgs(X, Y, coefs, intercepts, masks, tol=self.tol, **kw)
        batch = min(200, X.shape[0]) if self.batch_size == "auto" else self.batch_size
        return fit_adam(X, Y, coefs, intercepts, masks, random_state=rng,
                        tol=max(self.tol, 1e-4), batch_size=batch,
                        learning_rate=self.learning_rate_init,
                        n_iter_no_change=self.n_iter_no_change, **kw)

    def _initialize(self, layer_sizes, rng):
        coefs, intercepts = [], []
        factor = 2.0 if self.activation == "logistic" else 1.0
        for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
            bound = np.sqrt(factor * 6.0 / (fan_in + fan_out))
            coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
            intercepts.append(rng.uniform(-bound, bound, fan_out))
        masks = [np.ones(W.shape, dtype=bool) for W in coefs]
        return coefs, intercepts, masks

    # --------------------------------------------------------------- criterion
    def _criterion_contributions(self, state, folds):
        """Per-sample contributions to the criterion score over the criterion
        samples of every fold; their sum is the score."""
        targets, outputs = [], []
        for net, fold in zip(state.nets, folds):
            outputs.append(predict_output(fold.X_val, net.coefs, net.intercepts,
                                          self.activation, self._output_activation,
                                          net.steps))
            targets.append(fold.y_val)
        return self._score_contributions(np.concatenate(targets), np.concatenate(outputs))

    def _criterion_holds(self, contributions, ctx):
        """The criterion of METHOD.md section 5 with a noise allowance.

        A candidate passes when its score is at least the reference score minus
        ``tolerance`` minus ``noise_tolerance`` standard errors of the paired
        difference of the per-sample scores (the one-standard-error rule of CART
        pruning). The reference is the best network met so far on the pruning path,
        the unpruned one to begin with: removing noise often improves an
        out-of-sample score, and what is removed after that must not lose the gain.
        With ``noise_tolerance=0`` this is METHOD.md's rule, score >= baseline -
        tolerance, with the best network met as the baseline. A hard floor at the
        unpruned network's score minus ``tolerance`` on top of the noise allowance
        was measured and not adopted: with ``tolerance=0`` every early step that
        loses anything is rejected, and on digits (random_state=6) pruning stopped
        before removing anything (benchmarks/RESULTS.md).
        """
        return paired_drop_within_noise(ctx["reference_contributions"] - contributions,
                                        self.tolerance, self.noise_tolerance)

    def _accept(self, contributions, ctx):
        """Raise the reference when the accepted network is the best so far."""
        if contributions.sum() > ctx["reference_contributions"].sum():
            ctx["reference_contributions"] = contributions

    def _make_folds(self, Xs, Y, y_raw, rng):
        """Where each network trains and where the criterion is scored.

        ``cv=k``: k networks share one structure; each trains on k-1 folds and is
        scored on the remaining one, so the criterion is an out-of-sample score over
        all the data. ``validation_fraction``: one network, one held-out split.
        Otherwise: one network scored on its own training data (the paper's rule).
        """
        n = Xs.shape[0]
        classifier = self._is_classifier_task()
        if self.cv is not None:
            splitter = (StratifiedKFold if classifier else KFold)(
                n_splits=self.cv, shuffle=True, random_state=rng)
            splits = list(splitter.split(Xs, y_raw))
        elif self.validation_fraction is not None:
            splits = [train_test_split(np.arange(n), test_size=self.validation_fraction,
                                       random_state=rng,
                                       stratify=y_raw if classifier else None)]
        else:
            splits = [(np.arange(n), np.arange(n))]
        folds = [_Fold(Xs[fit], Y[fit], y_raw[fit], Xs[val], y_raw[val])
                 for fit, val in splits]
        if self.cv is None and self.validation_fraction is None:
            folds[0].X_val = folds[0].X
        return folds

    # ------------------------------------------------------------------- fit
    def _fit(self, X, y_raw, Y):
        """Shared fit: ``y_raw`` is what the criterion compares to, ``Y`` the
        network's coded targets (both already validated)."""
        n_samples, n_features = X.shape
        hidden, prune = self._check_settings(n_features, n_samples, y_raw)
        sizes = (n_features,) + hidden + (Y.shape[1],)
        n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        # Below this much work every product of the fit (training, criterion,
        # indicators) is too small for BLAS threads to pay for their start-up.
        threads = None if n_samples * n_weights > _THREADED_WORK else 1
        with _blas_limit(threads):
            return self._fit_network(X, y_raw, Y, hidden, prune)

    def _fit_network(self, X, y_raw, Y, hidden, prune):
        rng = check_random_state(self.random_state)
        n_features = X.shape[1]
        self.scoring_ = self._criterion_scoring()
        self._verbose_start = time.perf_counter()

        self._x_mean, self._x_scale = _mean_and_scale(X)
        Xs = (X - self._x_mean) / self._x_scale
        # Quantization and binarization are criterion-driven too.
        simplify = self._simplifies(prune)
        if simplify:
            folds = self._make_folds(Xs, Y, y_raw, rng)
        else:
            # Nothing to prune, no criterion to score: one network on all the data.
            folds = [_Fold(Xs, Y, y_raw, Xs, y_raw)]
        self._input_reference = (np.zeros(n_features) if self.reference == "mean"
                                 else -self._x_mean / self._x_scale)

        layer_sizes = (n_features,) + hidden + (Y.shape[1],)
        init = self._initialize(layer_sizes, rng)
        nets, converged = [], True
        for fold in folds:
            coefs, intercepts, info = self._train(fold.X, fold.Y, *init, self.max_iter, rng)
            nets.append(_Net(coefs, intercepts, init[2], info["snapshots"]))
            converged &= info["converged"]
        self._set_training_record(info)
        state = _State(nets)
        baseline = self._criterion_contributions(state, folds)
        self.baseline_score_ = float(baseline.sum())
        self.pruning_history_ = []
        self._log(f"trained {layer_sizes} in {self.n_iter_} iterations; "
                  f"criterion score {self.baseline_score_:.4f}")

        ctx = dict(folds=folds, rng=rng, reference_contributions=baseline,
                   neuron_references=[None] * len(folds))
        kinds = [kind for kind in PRUNABLE_KINDS if kind in prune]
        criterion = self.tolerance is not None and kinds
        # A cap is reached at its kind's place in the order, after the criterion
        # pruned the kinds before it: input caps first, from the full network (the
        # selection that a grid search over max_inputs compares), the neuron and
        # synapse caps once the kinds have taken their turns, so that a cap the
        # criterion meets anyway changes nothing.
        if "inputs" in kinds:
            state = self._reach_caps("inputs", state, ctx)
        if criterion:
            state = self._criterion_steps(kinds, state, ctx)
        later = [kind for kind in kinds if kind != "inputs"]
        if any(self._excess(kind, state.masks) for kind in later):
            for kind in later:
                state = self._reach_caps(kind, state, ctx)
            if criterion:
                state = self._criterion_steps(kinds, state, ctx)
        # Logically transparent network (METHOD.md 6.5-6.6): levels, then thresholds.
        if self.weight_levels is not None:
            state = self._quantize(state, ctx)
        if self.binarize_neurons:
            state = self._binarize(state, ctx)
        self.score_ = float(self._criterion_contributions(state, folds).sum())

        final = state.nets[0]
        if simplify and (len(folds) > 1 or self.validation_fraction is not None):
            # The structure was chosen out of sample; the weights use all the data.
            coefs, intercepts, info = self._train(Xs, Y, final.coefs, final.intercepts,
                                                  final.masks, self.max_iter, rng,
                                                  final.frozen, final.steps)
            final = _Net(coefs, intercepts, final.masks, info["snapshots"], final.frozen,
                         final.steps)
            self._set_training_record(info)
            converged &= info["converged"]
        if not converged:
            warnings.warn(f"{type(self).__name__}: the {self.solver} solver reached "
                          f"max_iter={self.max_iter} iterations before the loss converged "
                          "(the first training, or the final one on all the data); raise "
                          "max_iter.", ConvergenceWarning)
        if simplify and "neurons" in kinds and final.frozen is None and final.steps is None:
            final = self._merge_duplicates(final, Xs)
        self._set_fitted(final, Xs, Y)
        self._set_transparent_fitted(final, X)
        return self

    def _merge_duplicates(self, net, X):
        """The returned network with its duplicate hidden neurons merged.

        Under the L2 penalty a signal carried by k equal neurons costs less than by
        one (each carries 1/k of the outgoing weight), so training leaves copies
        that no single removal can take out without a loss, and the criterion
        keeps them. Merging them leaves the function unchanged: no output on the
        training data ``X`` moves by more than ``_MERGE_OUTPUT_TOL``, or the
        merge is limited to the exact copies, or not done. It is recorded as a
        step of kind "merge".
        """
        before = predict_output(X, net.coefs, net.intercepts, self.activation,
                                self._output_activation)
        for rtol in (_DUPLICATE_RTOL, _EXACT_DUPLICATE_RTOL):
            coefs, intercepts, masks, plan = merge_duplicate_neurons(
                net.coefs, net.intercepts, net.masks, self.activation, rtol)
            if not plan:
                return net
            after = predict_output(X, coefs, intercepts, self.activation,
                                   self._output_activation)
            if np.max(np.abs(after - before)) <= _MERGE_OUTPUT_TOL:
                break
        else:
            return net
        coefs, intercepts, masks = cascade(coefs, intercepts, masks, self.activation)
        # The other points of the trajectory (for the indicators) merge alike.
        snapshots = [cascade(*apply_merge_plan(c, b, net.masks, plan, self.activation),
                             self.activation)[:2] for c, b in net.snapshots]
        keys = [(layer, int(j)) for layer, _, merged, _ in plan for j in merged]
        self._record("merge", keys, True, False, self.score_, masks)
        return _Net(coefs, intercepts, masks, snapshots)

    def _set_training_record(self, info):
        self.n_iter_ = info["n_iter"]
        self.loss_curve_ = info["loss_curve"]
        self.loss_ = info["loss"]

    # ---------------------------------------------------------- pruning loop
    def _reach_caps(self, kind, state, ctx):
        """Forced removals of ``kind`` down to the caps."""
        while True:
            excess = self._excess(kind, state.masks)
            if not excess:
                return state
            state = self._forced_step(kind, state, ctx, excess)
            if state is None:
                raise RuntimeError(f"could not reduce the {kind} to the requested cap without "
                                   "disconnecting the inputs from the outputs")

    def _excess(self, kind, masks):
        """How many elements of ``kind`` must still go to meet the caps (for the
        fan-in cap: per-neuron excess arrays)."""
        n_inputs, n_neurons, n_synapses = count_structure(masks)
        if kind == "inputs" and self.max_inputs is not None:
            cap = resolve_count(self.max_inputs, self.n_features_in_)
            return max(0, n_inputs - cap)
        if kind == "neurons" and self.max_neurons is not None:
            cap = resolve_count(self.max_neurons, sum(M.shape[1] for M in masks[:-1]))
            return max(0, n_neurons - cap)
        if kind == "synapses":
            if self.max_fan_in is not None:
                over = [np.maximum(M.sum(axis=0) - self.max_fan_in, 0) for M in masks]
                if any(o.any() for o in over):
                    return over
            if self.max_synapses is not None:
                cap = resolve_count(self.max_synapses, sum(M.size for M in masks))
                return max(0, n_synapses - cap)
        return 0

    def _hidden_means(self, net, X, steps):
        acts = forward(X, net.coefs, net.intercepts, self.activation,
                       self._output_activation, steps)
        return [a.mean(axis=0) for a in acts[1:-1]]

    def _neuron_reference(self, net, X):
        if self.reference == "zero" or len(net.coefs) == 1:
            return [np.zeros(M.shape[1]) for M in net.masks[:-1]]
        return self._hidden_means(net, X, net.steps)

    def _indicators(self, kind, net, X, Y, neuron_reference=None):
        return average_sensitivities(
            X, Y, net.snapshots, self.activation, self._output_activation,
            kinds=(kind,), how=self.indicator, input_reference=self._input_reference,
            neuron_reference=neuron_reference)[kind]

    def _ranked_candidates(self, kind, state, ctx):
        """Keys of the candidates of ``kind`` from least to most significant: input
        index, (layer, neuron) or (layer, i, j). Indicators are summed over the
        networks of all folds."""
        total = None
        neuron_refs = []
        for net, fold in zip(state.nets, ctx["folds"]):
            ref = self._neuron_reference(net, fold.X) if kind == "neurons" else None
            neuron_refs.append(ref)
            ind = self._indicators(kind, net, fold.X, fold.Y, ref)
            total = ind if total is None else (
                total + ind if kind == "inputs" else [t + i for t, i in zip(total, ind)])
        if kind == "neurons":
            # Removing a neuron folds the mean output it had when it was ranked.
            ctx["neuron_references"] = neuron_refs
        masks = state.masks
        if kind == "inputs":
            alive = np.flatnonzero(masks[0].any(axis=1))
            keys = [int(i) for i in alive]
            values = total[alive]
        elif kind == "neurons":
            keys, values = [], []
            for layer in range(1, len(masks)):
                alive = np.flatnonzero(masks[layer - 1].any(axis=0) & masks[layer].any(axis=1))
                keys += [(layer, int(j)) for j in alive]
                values.append(total[layer - 1][alive])
            values = np.concatenate(values) if values else np.zeros(0)
        else:
            keys, values = [], []
            for layer, M in enumerate(masks):
                i, j = np.nonzero(M)
                keys += list(zip([layer] * len(i), i.tolist(), j.tolist()))
                values.append(total[layer][i, j])
            values = np.concatenate(values)
        order = np.argsort(values, kind="stable")
        return [keys[k] for k in order]

    def _protect(self, kind, keys, masks):
        """Drop candidates that would remove the last input or the last neuron of a
        layer, keeping rank order."""
        if kind == "inputs":
            limit = int(masks[0].any(axis=1).sum()) - 1
            return keys[:max(limit, 0)]
        if kind == "neurons":
            left = {layer: int((masks[layer - 1].any(axis=0) & masks[layer].any(axis=1)).sum())
                    for layer in range(1, len(masks))}
            kept = []
            for key in keys:
                if left[key[0]] > 1:
                    kept.append(key)
                    left[key[0]] -= 1
            return kept
        return keys

    def _apply_to_net(self, kind, net, keys, neuron_reference):
        coefs, intercepts, masks = net.coefs, net.intercepts, net.masks
        if kind == "inputs":
            coefs, intercepts, masks = remove_inputs(coefs, intercepts, masks, keys,
                                                     self._input_reference)
        elif kind == "neurons":
            for layer in sorted({k[0] for k in keys}):
                idx = [k[1] for k in keys if k[0] == layer]
                coefs, intercepts, masks = remove_neurons(
                    coefs, intercepts, masks, layer, idx, neuron_reference[layer - 1])
        else:
            cut = [np.zeros(M.shape, dtype=bool) for M in masks]
            for layer, i, j in keys:
                cut[layer][i, j] = True
            coefs, intercepts, masks = remove_synapses(coefs, intercepts, masks, cut)
        return cascade(coefs, intercepts, masks, self.activation)

    def _try(self, kind, state, keys, ctx):
        """Remove ``keys`` from every fold's network and retrain them; None when the
        removal would leave no path from the inputs to the output."""
        refs = ctx["neuron_references"]
        first = self._apply_to_net(kind, state.nets[0], keys, refs[0])
        # The folds share one structure: the first tells whether the step is possible.
        if not is_viable(first[2]):
            return None
        removed = [first] + [self._apply_to_net(kind, net, keys, ref)
                             for net, ref in zip(state.nets[1:], refs[1:])]
        nets = []
        for (coefs, intercepts, masks), fold in zip(removed, ctx["folds"]):
            coefs, intercepts, info = self._train(fold.X, fold.Y, coefs, intercepts, masks,
                                                  self.retrain_iter, ctx["rng"])
            nets.append(_Net(coefs, intercepts, masks, info["snapshots"]))
        return _State(nets)

    def _record(self, kind, keys, accepted, forced, score, masks):
        n_inputs, n_neurons, n_synapses = count_structure(masks)
        self.pruning_history_.append({
            "step": len(self.pruning_history_) + 1, "kind": kind,
            "removed": [self._element_name(kind, k) for k in keys],
            "n_removed": len(keys), "accepted": bool(accepted), "forced": bool(forced),
            "score": float(score), "n_inputs": n_inputs, "n_neurons": n_neurons,
            "n_synapses": n_synapses})
        self._log(f"step {len(self.pruning_history_)}: {kind} -{len(keys)} "
                  f"{'forced' if forced else 'accepted' if accepted else 'rejected'} "
                  f"score={score:.4f} structure=({n_inputs} inputs, {n_neurons} neurons, "
                  f"{n_synapses} synapses)")

    def _element_name(self, kind, key):
        names = getattr(self, "feature_names_in_", None)
        if kind == "inputs":
            return str(names[key]) if names is not None else f"x{key}"
        if kind in ("neurons", "binarize", "merge"):
            return f"h{key[0]}[{key[1]}]"
        layer, i, j = key
        src = (str(names[i]) if names is not None else f"x{i}") if layer == 0 \
            else f"h{layer}[{i}]"
        dst = f"h{layer + 1}[{j}]" if layer + 1 < self._n_weight_layers else f"out[{j}]"
        return f"{src}->{dst}"

    def _forced_step(self, kind, state, ctx, excess):
        keys = self._protect(kind, self._ranked_candidates(kind, state, ctx), state.masks)
        if isinstance(excess, list):  # fan-in cap: the weakest incoming synapses
            keys = [key for key in keys if excess[key[0]][key[2]] > 0]
            need = [o.copy() for o in excess]
            batch = []
            for key in keys:
                layer, _, j = key
                if need[layer][j] > 0:
                    batch.append(key)
                    need[layer][j] -= 1
        else:
            size = min(resolve_count(self.prune_step, len(keys)), excess)
            batch = keys[:size]
        new = self._try(kind, state, batch, ctx) if batch else None
        if new is None and batch:
            # The batch would cut every path from the inputs to the output: remove
            # the weakest single candidate that keeps one (a disconnected network is
            # found from the masks, before any retraining).
            for key in keys:
                new = self._try(kind, state, [key], ctx)
                if new is not None:
                    batch = [key]
                    break
        if new is None:
            return None
        contributions = self._criterion_contributions(new, ctx["folds"])
        self._record(kind, batch, True, True, contributions.sum(), new.masks)
        # A cap is reached whatever it costs; the tolerance counts from here on.
        ctx["reference_contributions"] = contributions
        return new

    def _criterion_steps(self, kinds, state, ctx):
        """Criterion-driven removal of elements of ``kinds``, interleaved."""
        def rank(kind):
            return lambda st: self._protect(kind, self._ranked_candidates(kind, st, ctx),
                                            st.masks)

        def attempt(kind):
            return lambda st, batch: self._try(kind, st, batch, ctx)

        return self._back_off_search([(kind, rank(kind), attempt(kind)) for kind in kinds],
                                     state, ctx)

    def _back_off_search(self, searches, state, ctx, forced=False):
        """Batch steps with halving back-off (METHOD.md section 5), over several
        kinds of elements in turn.

        ``searches`` lists ``(kind, rank, attempt)``: ``rank(state)`` lists the
        candidates of that kind, least significant first; ``attempt(state, batch)``
        returns the retrained network without the batch, or None when the step is
        impossible. The kinds take turns, one attempted step each. A possible step
        whose criterion holds (or every possible step, when ``forced``) is accepted, and every
        kind's candidates are ranked anew on the new network; a rejected step is
        halved, and at size 1 the next candidates in rank are tried until
        ``_SINGLE_TRIES`` of them failed, which ends that kind's turns until
        another kind's step is accepted.

        Why in turns rather than one kind after the other: the criterion's noise
        allowance is shared by the whole path, and the kind pruned first would
        spend it on single removals at the edge of the allowance, leaving nothing
        for the others (measured in benchmarks/RESULTS.md: digits stopped with
        1147 synapses of 2368, every synapse step rejected). In turns, each kind
        removes its least significant elements while the allowance lasts.
        """
        tracks = [dict(kind=kind, rank=rank, attempt=attempt, keys=None)
                  for kind, rank, attempt in searches]
        turns = deque(tracks)
        while turns:
            track = turns.popleft()
            if track["keys"] is None:
                track["keys"] = track["rank"](state)
                track["size"] = (resolve_count(self.prune_step, len(track["keys"]))
                                 if track["keys"] else 0)
                track["start"], track["failures"] = 0, 0
            keys, start, size = track["keys"], track["start"], track["size"]
            if start >= len(keys) or size < 1:
                continue
            batch = keys[start:start + size]
            new = track["attempt"](state, batch)
            accepted, score = False, -np.inf
            if new is not None:
                contributions = self._criterion_contributions(new, ctx["folds"])
                score = contributions.sum()
                accepted = forced or self._criterion_holds(contributions, ctx)
            self._record(track["kind"], batch, accepted, forced, score,
                         (new if new is not None else state).masks)
            if accepted:
                if not forced:
                    self._accept(contributions, ctx)
                state = new
                for other in tracks:
                    other["keys"] = None
                # Every kind takes turns again, starting with the next one.
                i = next(k for k, other in enumerate(tracks) if other is track)
                turns = deque(tracks[i + 1:] + tracks[:i + 1])
                continue
            if size > 1:
                track["size"] = size // 2
            else:
                track["start"] += 1
                track["failures"] += 1
                if track["failures"] >= _SINGLE_TRIES:
                    continue
            turns.append(track)
        return state

    # -------------------------------------------------------- fitted results
    def _set_fitted(self, net, X, Y):
        self._state = net
        masks = [M.copy() for M in net.masks]
        self.masks_ = masks
        self.support_ = masks[0].any(axis=1)
        self.n_inputs_, self.n_neurons_, self.n_synapses_ = count_structure(masks)
        # The training means, whatever the pruning reference, for
        # sensitivity_indicators(reference="mean"); of the smooth network, as the
        # indicators are.
        self._neuron_means = self._hidden_means(net, X, None)
        ind = np.where(self.support_, self._indicators("inputs", net, X, Y), 0.0)
        total = ind.sum()
        self.feature_importances_ = (ind / total if total > 0 and np.isfinite(total)
                                     else self.support_ / self.support_.sum())
        # Report the weights in the original units of X (and of y for regression).
        coefs = [W.copy() for W in net.coefs]
        intercepts = [b.copy() for b in net.intercepts]
        intercepts[0] = intercepts[0] - (self._x_mean / self._x_scale) @ coefs[0]
        coefs[0] = coefs[0] / self._x_scale[:, None]
        coefs[-1], intercepts[-1] = self._output_to_original(coefs[-1], intercepts[-1])
        for W, M in zip(coefs, masks):
            W[~M] = 0.0
        self.coefs_, self.intercepts_ = coefs, intercepts
        if not all(np.isfinite(W).all() for W in coefs + intercepts):
            raise ValueError("Training produced non-finite weights; the input data may "
                             "contain very large values and need rescaling.")

    def _output_to_original(self, W, b):
        return W, b

    def _forward_original(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return predict_output(X, self.coefs_, self.intercepts_, self.activation,
                              self._output_activation, self._step_units())

    @property
    def _n_weight_layers(self):
        return len(np.atleast_1d(self.hidden_layer_sizes)) + 1

    def pruning_report(self):
        """The pruning path as a DataFrame, one row per attempted step.

        Returns
        -------
        report : pandas.DataFrame
            Columns ``step, kind, removed, n_removed, accepted, forced, score,
            n_inputs, n_neurons, n_synapses``. ``step`` numbers the attempts from
            1; ``kind`` is "inputs", "neurons", "synapses", "levels" (weights fixed
            to their levels) or "binarize" (a threshold neuron); ``removed`` names
            the elements of the step; ``accepted`` says whether the step stands
            (rejected steps were undone); ``forced`` marks steps taken whatever
            the criterion says: a cap being reached, or quantization and
            binarization with ``tolerance=None`` (a forced step that was impossible,
            because it would cut every path to the output, is not accepted and has
            score -inf); ``score`` is the criterion score after the step; the last
            three columns are the structure the step produced (for a rejected
            step, that of the network tried and undone).
        """
        check_is_fitted(self)
        columns = ["step", "kind", "removed", "n_removed", "accepted", "forced", "score",
                   "n_inputs", "n_neurons", "n_synapses"]
        return pd.DataFrame(self.pruning_history_, columns=columns)

    def _log(self, message):
        if self.verbose:
            elapsed = time.perf_counter() - self._verbose_start
            print(f"[{type(self).__name__} {elapsed:7.2f}s] {message}", flush=True)


def _reads_as_number(value):
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _numeric_target(y, owner):
    """``y`` as finite float64 numbers, or a ValueError naming what it holds.

    Numbers, or text and objects that read as numbers; not dates or labels.
    """
    problem = None
    if y.dtype.kind not in "biufUSO":
        problem = f"dtype {y.dtype}"
    else:
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            example = next(v for v in y.flat if not _reads_as_number(v))
            problem = f"values such as {str(example)!r}"
    if problem is not None:
        raise ValueError(f"{owner} needs a numeric target; y has {problem}.")
    assert_all_finite(y, input_name="y")
    return y


def _mean_and_scale(A):
    """Column means and standard deviations for standardizing ``A``.

    Columns beyond 1e150 in magnitude, or below 1e-150, are divided by their
    magnitude first: the squares in the variance would overflow or underflow. A
    column is constant when its deviation is within rounding error of its
    magnitude (not of 1: a feature measured in tiny units still varies); it keeps
    the unit scale.
    """
    size = np.abs(A).max(axis=0)
    unit = np.where((size > 1e150) | ((size > 0) & (size < 1e-150)), size, 1.0)
    unit_A = A / unit
    mean = unit_A.mean(axis=0)
    scale = unit_A.std(axis=0)
    constant = scale <= 10 * np.finfo(np.float64).eps * (size / unit)
    scale[constant] = 1.0
    return mean * unit, scale * unit


def _one_hot(y_encoded, n_classes):
    if n_classes == 2:
        return y_encoded.reshape(-1, 1).astype(float)
    Y = np.zeros((y_encoded.shape[0], n_classes))
    Y[np.arange(y_encoded.shape[0]), y_encoded] = 1.0
    return Y


class PrunedMLPClassifier(ClassifierMixin, _BasePrunedMLP):
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
        network). Pruning reaches them even if quality drops.
    max_fan_in : int or None, default=None
        Cap on the incoming synapses of every neuron (uniform simplification).
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
    noise_tolerance : float, default=1.0
        Further allowance in standard errors of the paired difference of the
        per-sample scores of the candidate and the reference network (the
        one-standard-error rule): drops the data cannot tell from noise do not stop
        pruning, on small and large data sets alike. 0 = exact comparison, the
        paper's rule (the ``nnprune`` command uses it on small data sets).
    validation_fraction : float or None, default=None
        A float: the criterion is scored on a stratified held-out split of that
        size, which the network does not train on. Exclusive with ``cv``.
    cv : int or None, default=3
        Number of folds of the cross-fitted criterion: ``cv`` networks share one
        structure, each trains on ``cv - 1`` folds and is scored on the remaining
        one, so the criterion is an out-of-sample score over all the data; the
        final weights are then trained on all the data. None (with
        ``validation_fraction=None``): the criterion is scored on the training data
        only, the paper's rule that the network must still solve the training set.
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
        values {-s, +s}; "ternary": {-s, 0, +s}; an int n: n evenly spaced values
        from -s to +s; the scale s of each neuron (column of ``coefs_``) is fitted
        to its weights. A sequence: exactly these values. Levels are in the units
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
    scoring_ : str
        The criterion score used by this fit: "neg_log_loss" or "accuracy"
        (``scoring`` resolved).
    baseline_score_, score_ : float
        Criterion score (see ``scoring``; out-of-sample with ``cv`` or
        ``validation_fraction``) before and after pruning. With ``prune=()`` one
        network is trained on all the data and both are its training score.
    pruning_history_ : list of dict
        One entry per attempted step: step, kind, removed, n_removed, accepted,
        forced, score, n_inputs, n_neurons, n_synapses. Kind "levels": the
        synapses in "removed" were fixed to their levels; kind "binarize": the
        neuron in "removed" was made a threshold neuron; kind "merge" (last, when
        neurons are pruned and the network has neither levels nor thresholds):
        the neurons in "removed" duplicated others of their layer (same incoming
        weights and bias, or their negatives for a mirror image) and were merged
        into them in the returned network, which computes the same function (the
        score is repeated).
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
    _parameter_constraints = {
        **_BasePrunedMLP._parameter_constraints,
        "scoring": [StrOptions({"auto", "neg_log_loss", "accuracy"})],
    }

    def _is_classifier_task(self):
        return True

    def _n_outputs_for_check(self):
        return 1 if len(self._classes_for_check) == 2 else len(self._classes_for_check)

    def _criterion_scoring(self):
        if self.scoring != "auto":
            return self.scoring
        # On its own training data a network's log-loss only grows as it loses
        # weights; whether it still solves the task is what the paper asks there.
        # Rules are judged by their decisions, and levels and thresholds make the
        # probabilities coarse by design.
        transparent = self.weight_levels is not None or self.binarize_neurons
        on_training_data = not self._simplifies(self.prune) or (
            self.cv is None and self.validation_fraction is None)
        return "accuracy" if on_training_data or transparent else "neg_log_loss"

    def _score_contributions(self, y_encoded, out):
        n = y_encoded.shape[0]
        if self._criterion_scoring() == "accuracy":
            # accuracy = sum over samples of correct_s / n
            return (self._decode_output(out) == y_encoded) / n
        # neg_log_loss = sum over samples of log p_s(true class) / n
        p_true = self._class_probabilities(out)[np.arange(n), y_encoded]
        return np.log(np.clip(p_true, _PROBA_FLOOR, None)) / n

    @staticmethod
    def _class_probabilities(out):
        # A binary network has one logistic output, the probability of class 1.
        return np.hstack([1.0 - out, out]) if out.shape[1] == 1 else out

    @staticmethod
    def _decode_output(out):
        if out.shape[1] == 1:
            return (out[:, 0] > 0.5).astype(int)
        return out.argmax(axis=1)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the network, then prune it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels (at least two classes).

        Returns
        -------
        self : PrunedMLPClassifier
            The fitted estimator.
        """
        # C order: a DataFrame's column-major values would round the products
        # differently, and the pruning path follows the last bits.
        X, y = validate_data(self, X, y, dtype=np.float64, order="C", ensure_min_samples=2)
        check_classification_targets(y)
        target_type = type_of_target(y)
        if target_type not in ("binary", "multiclass"):
            raise ValueError(f"PrunedMLPClassifier supports binary and multiclass targets, "
                             f"got {target_type!r}.")
        classes, y_encoded = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError("The target y has only one class "
                             f"({classes[0]!r}); a classifier needs at least 2 classes.")
        self.classes_ = classes
        self._classes_for_check = classes
        self._output_activation = "logistic" if len(classes) == 2 else "softmax"
        return self._fit(X, y_encoded, _one_hot(y_encoded, len(classes)))

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``.
        """
        return self._class_probabilities(self._forward_original(X))

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted classes.
        """
        check_is_fitted(self)
        return self.classes_[self._decode_output(self._forward_original(X))]

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
        Only used with ``solver="adam"``: training (and every retraining) stops
        when the training loss has not improved by ``max(tol, 1e-4)`` for more than
        this many consecutive epochs, as in scikit-learn's MLPs. A value of at least
        ``max_iter`` always runs the full budget.
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
    tolerance : float or None, default=0.0
        How far R^2 on the criterion data may fall below the reference (the
        unpruned network's, raised to that of any better network met on the path),
        on top of the noise allowance; with ``noise_tolerance=0`` a bound on
        ``baseline_score_ - score_``. None: prune only down to the caps; quantize
        and binarize fully; with no cap either, the fit is that of ``prune=()``.
    noise_tolerance : float, default=1.0
        Allowance in standard errors of the paired per-sample score difference.
    validation_fraction : float or None, default=None
        A float: criterion on a held-out split of that size (exclusive with cv).
    cv : int or None, default=3
        Folds of the cross-fitted criterion; None with ``validation_fraction=None``:
        the criterion is the training score (the paper's rule).
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
    scoring_ : str
        The criterion score used by this fit: "r2".
    baseline_score_, score_ : float
        R^2 on the criterion data before and after pruning.
    pruning_history_ : list of dict
        One entry per attempted pruning step (see PrunedMLPClassifier; kind
        "merge": duplicate hidden neurons merged in the returned network).
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

    def _n_outputs_for_check(self):
        return self._n_outputs

    def _criterion_scoring(self):
        return "r2"

    def _score_contributions(self, y, out):
        # R^2 averaged over outputs = sum over samples of 1/n - mean_k(e_sk / SST_k)
        # In standardized units (the ratio is the same), so that huge targets do not
        # overflow the squares.
        Y = ((y.reshape(-1, 1) if y.ndim == 1 else y) - self._y_mean) / self._y_scale
        errors = (out - Y) ** 2
        sst = ((Y - Y.mean(axis=0)) ** 2).sum(axis=0)
        # An output that is constant on these samples has no R^2 of its own; its
        # errors still count, against the training variance (1 in these units),
        # instead of being ignored.
        sst = np.where(sst > 0, sst, float(Y.shape[0]))
        return 1.0 / Y.shape[0] - (errors / sst).mean(axis=1)

    def _output_to_original(self, W, b):
        return W * self._y_scale, b * self._y_scale + self._y_mean

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the network, then prune it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.

        Returns
        -------
        self : PrunedMLPRegressor
            The fitted estimator.
        """
        # C order, as the classifier: same data, same path, whatever the container.
        X, y = validate_data(self, X, y, dtype=np.float64, order="C", multi_output=True,
                             y_numeric=False, ensure_min_samples=2)
        y = _numeric_target(y, type(self).__name__)
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        self._n_outputs = Y.shape[1]
        self._y_1d = y.ndim == 1
        self._y_mean, self._y_scale = _mean_and_scale(Y)
        return self._fit(X, y, (Y - self._y_mean) / self._y_scale)

    def predict(self, X):
        """Predicted values.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predictions.
        """
        out = self._forward_original(X)
        return out[:, 0] if self._y_1d else out
