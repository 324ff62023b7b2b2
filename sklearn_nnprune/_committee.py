"""A committee of different minimal networks that vote (METHOD.md section 8).

The minimal structure found by pruning is not unique: networks that start from
other weights, or that are denied an input an earlier network relied on, prune down
to other minimal networks that solve the training data equally well. Each is a
piece of empirical knowledge; together they vote, their disagreement marks where
new data would be most useful, and how often each input is used across members is
a robust measure of its importance.
"""

import warnings
from collections import deque
from numbers import Integral
from typing import NamedTuple, Optional

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils._tags import ClassifierTags, RegressorTags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.metadata_routing import UNUSED
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._persistence import VersionedStateMixin
from ._base import fitted_at_once, resolve_criterion, resolve_scoring
from ._weights import positive_rows
from ._compact import compact_output
from ._checks import check_no_dates, check_no_missing_labels, numeric_target
from ._estimators import PrunedMLPClassifier, PrunedMLPRegressor
from ._interrupt import PruningInterruptedWarning, interruption_note
from ._meta import fit_quietly, fitted_until_interrupted, network_fit_params, network_router
from ._procedure import paired_drop_within_noise
from ._rules import shown_name
from ._scaling import mean_and_scale

# How many attempts (member fits) the search may spend per requested member when
# max_attempts is None. The elections need about 1.1 fits per member; the margin is
# for data with fewer alternatives, where many fits end as duplicates or rejected.
_ATTEMPTS_PER_MEMBER = 5


class _Data(NamedTuple):
    """What every member fit and check of one committee fit sees: the validated
    data, the input names, the members' fit parameters, the committee's own
    sample weights (None without) and, for regression, the targets' scale."""

    X: np.ndarray
    y: np.ndarray
    names: np.ndarray
    params: dict
    weights: Optional[np.ndarray]
    y_scale: Optional[np.ndarray]


def _fit_member(estimator, data, columns, seed):
    """Fit one member on the columns it is allowed to see.

    The member gets a DataFrame named after the committee's inputs so that its
    pruning history and rules name the inputs of the full feature space.
    """
    member = clone(estimator).set_params(random_state=seed)
    X = pd.DataFrame(data.X[:, columns], columns=data.names[columns])
    return fit_quietly(member, X, data.y, data.params)


def _canonical_structure(masks, columns, n_features):
    """Hashable form of a member's structure in the full feature space.

    Dead hidden neurons are dropped and the live ones sorted by their incoming and
    outgoing mask patterns, so that networks that differ only by a permutation of
    hidden neurons compare equal (exactly so for one hidden layer; with several
    hidden layers ties between equal incoming patterns are broken by the outgoing
    pattern before the next layer is sorted, which can leave rare equivalent
    structures unmerged).
    """
    first = np.zeros((n_features, masks[0].shape[1]), dtype=bool)
    first[columns] = masks[0]
    masks = [first] + [M.copy() for M in masks[1:]]
    for layer in range(len(masks) - 1):
        live = masks[layer].any(axis=0) & masks[layer + 1].any(axis=1)
        incoming, outgoing = masks[layer][:, live], masks[layer + 1][live]
        keys = [a.tobytes() + b.tobytes() for a, b in zip(incoming.T, outgoing)]
        order = sorted(range(len(keys)), key=keys.__getitem__)
        masks[layer] = incoming[:, order]
        masks[layer + 1] = outgoing[order]
    return tuple((M.shape, M.tobytes()) for M in masks)


class MinimalNetworkCommittee(MetaEstimatorMixin, VersionedStateMixin, BaseEstimator):
    """A committee of different minimal pruned networks that vote.

    Fits pruned networks (:class:`PrunedMLPClassifier` or
    :class:`PrunedMLPRegressor`) that reach different minimal structures, keeps
    those that still solve the task and are not duplicates, and lets them vote.
    Diversity comes from a search over forbidden inputs: after a member has been
    found that relies on the inputs S, new members are fitted with one input of S
    (the most important first) made unavailable, so that pruning must find another
    way to solve the task; every member also gets its own random seed.

    The committee is a classifier when ``estimator`` is None or a
    PrunedMLPClassifier and a regressor when ``estimator`` is a PrunedMLPRegressor.

    Parameters
    ----------
    estimator : PrunedMLPClassifier, PrunedMLPRegressor or None, default=None
        Template of every member (cloned; its ``random_state`` is replaced by a seed
        drawn for each member). None: ``PrunedMLPClassifier()``. Its ``tolerance``
        also sets how far a member's training accuracy (R^2) may fall below the
        first member's when its own criterion is accuracy (R^2); with a log-loss
        criterion that allowance is 0 (see Notes).
    n_networks : int, default=8
        Number of distinct members wanted. When the search cannot find that many
        within ``max_attempts`` fits, or runs out of inputs to forbid and new seeds
        give nothing new, the committee keeps what it found and warns.
    voting : {"hard", "soft", "mean", "median"}, default="hard"
        Classification: "hard" = majority of the members' labels (a tie goes to the
        first class of ``classes_``; an odd ``n_networks`` avoids ties between two
        classes), "soft" = the class of largest mean probability. Regression: "mean" or "median" of the members'
        predictions; "hard" means "median" (for 0/1 votes the median is the
        majority) and "soft" means "mean".
    max_attempts : int or None, default=None
        Largest number of member fits the search may spend, rejected and duplicate
        members included. None: ``5 * n_networks``.
    n_jobs : int or None, default=None
        Number of members fitted in parallel with joblib (None: 1 unless in a
        ``joblib.parallel_backend`` context, e.g. the "dask" backend of
        ``dask.distributed``; -1: all processors). The result does not depend on it.
    random_state : int, RandomState instance or None, default=None
        Seeds the members' seeds; the same value gives the same committee.

    Attributes
    ----------
    estimators_ : list of PrunedMLPClassifier or PrunedMLPRegressor
        The distinct members, in the order they were found. Member ``k`` was fitted
        on the columns ``estimators_features_[k]`` of X, given as a DataFrame named
        after the committee's inputs (``feature_names_in_``, or ``x0, x1, ...``).
    estimators_features_ : list of ndarray of int
        Columns of X each member was allowed to see.
    estimators_forbidden_ : list of list of str
        Inputs each member was denied.
    supports_ : ndarray of bool of shape (n_members, n_features_in_)
        Inputs each member uses, in the full feature space.
    importances_ : ndarray of shape (n_members, n_features_in_)
        Each member's ``feature_importances_`` in the full feature space.
    train_scores_ : ndarray of shape (n_members,)
        Each member's accuracy or R^2 on the training data.
    input_usage_ : pandas.DataFrame
        One row per input (index: input names) with the columns ``n_members``
        (members using it), ``fraction`` (share of members using it) and
        ``mean_importance`` (its mean importance in the members that use it, 0 if
        none does).
    feature_importances_ : ndarray of shape (n_features_in_,)
        Mean of the members' importances (sums to 1).
    reference_score_ : float
        Training score (accuracy or R^2 on the data given to ``fit``) of the first
        member, the one that could use every input: the level every member must
        reach, within the estimator's ``tolerance``.
    attempts_ : list of dict
        One entry per member fit: ``forbidden``, ``seed``, ``inputs``, ``n_inputs``,
        ``n_neurons``, ``n_synapses``, ``score`` (training score) and ``status``
        ("kept", "duplicate" or "rejected").
    classes_ : ndarray of shape (n_classes,)
        Class labels (classification only).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    PrunedMLPClassifier, PrunedMLPRegressor : The members.
    sklearn.ensemble.VotingClassifier : Voting of given, unrelated estimators.

    Notes
    -----
    Search. Candidates are forbidden-input sets F, explored breadth first from
    F = {} (all inputs allowed). A fitted member with support S that meets the
    criterion adds the children F | {s} for s in S, most important s first, each
    set visited once; a member that fails it adds none (denying more inputs will
    not help). When no set is left, the sets that gave accepted members are tried
    again with new seeds; the search stops when a full such round brings nothing
    new, or after ``max_attempts`` fits. Each round fits as many candidates as
    members are still missing, in parallel; which candidates are fitted never
    depends on ``n_jobs``, so the committee does not either.

    Why forbidding inputs rather than seeds alone: on small data sets such as the
    US elections every seed prunes to the same minimal network (the indicators
    rank the inputs the same way from any start), while denying one of its inputs
    forces pruning to another minimal set of inputs, exactly the other pieces of
    knowledge the data hold (Gorban and Mirkes, section 8).

    Acceptance. Each member has already passed its own pruning criterion. The
    committee adds its own check, on the training data as in the paper (every
    minimal network must solve the training set), against the first member (the
    one that could use every input): with d_s the per-sample difference of the
    two training scores (first member minus this one; for accuracy 1/n per
    sample only one of them gets right), the member is kept when
    ``sum_s d_s <= tolerance + noise_tolerance * sqrt(n) * std(d)``, with the
    estimator's ``tolerance`` (0 when its criterion is the log-loss, whose units
    differ) and ``noise_tolerance`` (0 if it has none), the same
    one-standard-error rule as the estimators' criterion. This rejects members
    that lost quality because an input they needed was denied. The training
    score, unlike each member's ``score_``, is comparable across members whatever
    their criterion (held-out splits and folds differ with the seed). With
    ``tolerance=None`` every member is accepted. A member is a duplicate of an earlier one when it has the same
    support and the same structure (masks, up to a permutation of hidden
    neurons).

    Disagreement. Classification: with q the share of members voting for the most
    voted class and K = min(n_classes, n_members), ``(1 - q) / (1 - 1/K)``: 0 when
    the members are unanimous, 1 when the votes are spread evenly. Regression: the
    standard deviation of the members' predictions divided by the standard
    deviation of the training targets, capped at 1 (averaged over targets).

    References
    ----------
    A. N. Gorban, E. M. Mirkes, "Artificial neural network pruning to extract
    knowledge", arXiv:2005.06284 (2020), section "ensembles of minimal neural
    networks".

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_nnprune import MinimalNetworkCommittee, PrunedMLPClassifier
    >>> rng = np.random.RandomState(0)
    >>> z = rng.normal(size=(60, 2))
    >>> X = np.hstack([z, z + 0.05 * rng.normal(size=(60, 2))])  # redundant copies
    >>> y = (z[:, 0] + z[:, 1] > 0).astype(int)
    >>> member = PrunedMLPClassifier(hidden_layer_sizes=(2,), max_iter=100,
    ...                              tolerance=0.05)
    >>> committee = MinimalNetworkCommittee(estimator=member, n_networks=3,
    ...                                     random_state=0).fit(X, y)
    >>> len(committee.estimators_)
    3
    >>> bool(committee.score(X, y) > 0.9)
    True
    >>> committee.disagreement(X).shape
    (60,)
    """

    # The committee's weights are those routed to its members.
    __metadata_request__fit = {"sample_weight": UNUSED}

    _parameter_constraints = {
        "estimator": [PrunedMLPClassifier, PrunedMLPRegressor, None],
        "n_networks": [Interval(Integral, 1, None, closed="left")],
        "voting": [StrOptions({"hard", "soft", "mean", "median"})],
        "max_attempts": [Interval(Integral, 1, None, closed="left"), None],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, n_networks=8, voting="hard", max_attempts=None,
                 n_jobs=None, random_state=None):
        self.estimator = estimator
        self.n_networks = n_networks
        self.voting = voting
        self.max_attempts = max_attempts
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------------ kind
    def _is_regression(self):
        return isinstance(self.estimator, PrunedMLPRegressor)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        if self._is_regression():
            tags.estimator_type = "regressor"
            tags.regressor_tags = RegressorTags()
            tags.classifier_tags = None
            tags.target_tags.multi_output = True
        else:
            tags.estimator_type = "classifier"
            tags.classifier_tags = ClassifierTags()
            tags.regressor_tags = None
        return tags

    def _vote_rule(self):
        """The voting rule, checked against the kind of committee."""
        if self._is_regression():
            return {"hard": "median", "soft": "mean"}.get(self.voting, self.voting)
        if self.voting not in ("hard", "soft"):
            raise ValueError(f"voting={self.voting!r} is for regression committees; a "
                             "classification committee votes 'hard' or 'soft'.")
        return self.voting

    # ------------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Search for distinct minimal networks and keep them as the committee.

        The fit is atomic: when it raises (KeyboardInterrupt included), the
        committee keeps its previous fitted state, or none. A KeyboardInterrupt
        (Ctrl-C) during a member's pruning stops that member's pruning (it returns
        the structure chosen so far, see the user guide) and the search stops
        after it: the member is judged as any other and the committee is made of
        the members found until then, with a PruningInterruptedWarning. An
        interrupt at any other moment aborts the fit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Class labels (classification) or target values (regression).
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Sample weights, passed on to the fit of every member (not passed at
            all when None) and used in the committee's check of its members (the
            weighted training accuracy or R^2 and its standard error, which
            counts weights as repeated rows). With metadata routing enabled
            (``sklearn.set_config(enable_metadata_routing=True)``) they are routed
            to the members only when the estimator requested them
            (``estimator.set_fit_request(sample_weight=True)``; the default
            estimator requests them), and the committee uses what its members get.

        Returns
        -------
        self : MinimalNetworkCommittee
            The fitted committee.
        """
        return fitted_at_once(self, lambda: self._fit(X, y, sample_weight))

    def _fit(self, X, y, sample_weight):
        """The fitted attributes of a fit on (X, y), as a dict."""
        regression = self._is_regression()
        self._vote_rule()
        check_no_dates(X, type(self).__name__)
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2,
                             multi_output=regression)
        if not regression:
            check_no_missing_labels(y, type(self).__name__)
        fitted, y_scale = {}, None
        if regression:
            y = numeric_target(y, f"{type(self).__name__} with a regressor")
            Y = y.reshape(-1, 1) if y.ndim == 1 else y
            y_scale = fitted["_y_scale"] = mean_and_scale(Y)[1]
        else:
            fitted["classes_"] = self._classes(y)
        max_attempts = (_ATTEMPTS_PER_MEMBER * self.n_networks if self.max_attempts is None
                        else self.max_attempts)
        if self.n_networks > max_attempts:
            raise ValueError(f"n_networks={self.n_networks} distinct members cannot be "
                             f"found in max_attempts={max_attempts} fits; raise "
                             "max_attempts or lower n_networks.")
        base = PrunedMLPClassifier() if self.estimator is None else self.estimator
        n_features = X.shape[1]
        names = (np.asarray(self.feature_names_in_, dtype=object)
                 if hasattr(self, "feature_names_in_")
                 else np.array([f"x{i}" for i in range(n_features)], dtype=object))
        params = network_fit_params(self, base, sample_weight)
        weights = (_check_sample_weight(params["sample_weight"], X, ensure_non_negative=True)
                   if "sample_weight" in params else None)
        data = _Data(X, y, names, params, weights, y_scale)
        members, attempts, fitted["reference_score_"] = self._search(base, data,
                                                                     max_attempts)
        fitted.update(_member_names=names, attempts_=attempts)
        fitted.update(self._member_attributes(members, names))
        return fitted

    def _classes(self, y):
        """``classes_`` of the class labels ``y``, or a ValueError naming why they
        are none."""
        try:
            check_classification_targets(y)
        except ValueError as error:
            if not type_of_target(y).startswith("continuous"):
                raise
            raise ValueError(f"{error} For a committee of regressors, pass "
                             "estimator=PrunedMLPRegressor().") from error
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(f"The target y has only one class ({classes[:1].tolist()[0]!r}); "
                             "a classifier needs at least 2 classes.")
        return classes

    @staticmethod
    def _member_attributes(members, names):
        """The fitted attributes that describe the ``members`` found."""
        n_features = names.shape[0]
        fitted = dict(
            estimators_=[m["estimator"] for m in members],
            estimators_features_=[m["columns"] for m in members],
            estimators_forbidden_=[[str(names[i]) for i in sorted(m["forbidden"])]
                                   for m in members],
            supports_=np.array([m["support"] for m in members]),
            importances_=np.array([m["importance"] for m in members]),
            train_scores_=np.array([m["score"] for m in members]))
        fitted["feature_importances_"] = fitted["importances_"].mean(axis=0)
        n_using = fitted["supports_"].sum(axis=0)
        mean_imp = np.divide(fitted["importances_"].sum(axis=0), n_using,
                             out=np.zeros(n_features), where=n_using > 0)
        # Arrays only in the fitted state (skops loads it); input_usage_ is built
        # from them.
        fitted["_input_usage"] = (n_using, n_using / len(members), mean_imp,
                                  [str(n) for n in names])
        return fitted

    @property
    def input_usage_(self):
        """How the members use each input (a DataFrame, see the class docstring)."""
        n_using, fraction, mean_imp, names = self._input_usage
        return pd.DataFrame(
            {"n_members": n_using, "fraction": fraction, "mean_importance": mean_imp},
            index=pd.Index(names, name="input"))

    def _search(self, base, data, max_attempts):
        """Breadth-first search over forbidden-input sets (see the class Notes);
        it stops after a member whose pruning was interrupted."""
        X, y, names = data.X, data.y, data.names
        rng = check_random_state(self.random_state)
        n_features = X.shape[1]
        # The members' rules by size count the rows of positive weight.
        n_rows = positive_rows(data.weights, X.shape[0])
        # The committee's check is on training accuracy (R^2): a member's tolerance
        # carries over when its own criterion has those units, not from log-loss.
        scoring = resolve_scoring(base.get_params(deep=False),
                                  isinstance(base, PrunedMLPClassifier), n_rows)
        same_units = scoring in ("accuracy", "r2")
        tolerance = (np.inf if base.tolerance is None
                     else base.tolerance if same_units else 0.0)
        noise = (resolve_criterion(base.get_params(deep=False), n_rows)[1]
                 if "noise_tolerance" in base.get_params(deep=False) else 0.0)
        queue, visited = deque([frozenset()]), {frozenset()}
        fertile, n_reseeds, stale = [], 0, 0
        members, structures, attempts = [], set(), []
        reference = reference_parts = interrupted = None
        parallel = Parallel(n_jobs=self.n_jobs, return_as="generator")
        while (len(members) < self.n_networks and len(attempts) < max_attempts
               and interrupted is None):
            budget = min(self.n_networks - len(members), max_attempts - len(attempts))
            batch = [queue.popleft() for _ in range(min(budget, len(queue)))]
            reseeding = not batch
            if reseeding:
                # Nothing left to forbid: the sets that worked get new seeds.
                if not fertile or stale >= len(fertile):
                    break
                batch = [fertile[(n_reseeds + k) % len(fertile)] for k in range(budget)]
                n_reseeds += budget
            seeds = rng.randint(np.iinfo(np.int32).max, size=len(batch))
            columns = [np.array([i for i in range(n_features) if i not in forbidden])
                       for forbidden in batch]
            fitted, interrupted = fitted_until_interrupted(parallel(
                delayed(_fit_member)(base, data, cols, seed)
                for cols, seed in zip(columns, seeds)))
            n_before = len(members)
            for forbidden, cols, seed, est in zip(batch, columns, seeds, fitted):
                pred = est.predict(pd.DataFrame(X[:, cols], columns=names[cols]))
                score, parts = self._training_score(y, pred, data.y_scale, data.weights)
                if reference is None:  # the first fit is the unrestricted network
                    reference, reference_parts = score, parts
                support = np.zeros(n_features, dtype=bool)
                support[cols] = est.support_
                importance = np.zeros(n_features)
                importance[cols] = est.feature_importances_
                status = "rejected"
                if paired_drop_within_noise(reference_parts - parts, tolerance, noise,
                                            data.weights):
                    key = (support.tobytes(),
                           _canonical_structure(est.masks_, cols, n_features))
                    status = "duplicate" if key in structures else "kept"
                    if status == "kept" and len(members) < self.n_networks:
                        structures.add(key)
                        members.append(dict(estimator=est, columns=cols, support=support,
                                            importance=importance, forbidden=forbidden,
                                            score=float(score)))
                    if forbidden not in fertile:
                        fertile.append(forbidden)
                    # Deny in turn each input this member relies on, the most
                    # important first: pruning must then find another minimal set.
                    for s in sorted(np.flatnonzero(support), key=lambda i: -importance[i]):
                        child = forbidden | {int(s)}
                        if child not in visited and len(child) < n_features:
                            visited.add(child)
                            queue.append(child)
                attempts.append(dict(
                    forbidden=[str(names[i]) for i in sorted(forbidden)], seed=int(seed),
                    inputs=[str(n) for n in names[support]], n_inputs=int(est.n_inputs_),
                    n_neurons=int(est.n_neurons_), n_synapses=int(est.n_synapses_),
                    score=float(score), status=status))
            stale = stale + len(batch) if reseeding and len(members) == n_before else 0
        # The first fit is its own reference, so the committee has at least one member.
        self._warn_shortfall(len(members), attempts, max_attempts, interrupted)
        return members, attempts, reference

    def _warn_shortfall(self, n_members, attempts, max_attempts, interrupted):
        """Warn when the search found fewer than ``n_networks`` members, saying
        why (``interrupted``: the member fit whose pruning was interrupted)."""
        if interrupted is not None:
            warnings.warn(
                f"MinimalNetworkCommittee: member fit {len(attempts)}: "
                f"{interruption_note(interrupted, interrupted._interrupted_at)} The "
                f"search stopped after it ({attempts[-1]['status']}): the committee "
                f"has {n_members} of the n_networks={self.n_networks} members.",
                PruningInterruptedWarning)
            return
        if n_members >= self.n_networks:
            return
        counts = {s: sum(a["status"] == s for a in attempts)
                  for s in ("kept", "duplicate", "rejected")}
        why = ("the search ran out of inputs to forbid and new seeds gave no new "
               "network" if len(attempts) < max_attempts
               else f"max_attempts={max_attempts} was reached")
        warnings.warn(
            f"Found {n_members} distinct minimal networks out of n_networks="
            f"{self.n_networks} requested: {why} ({len(attempts)} fits: "
            f"{counts['kept']} kept, {counts['duplicate']} duplicates, "
            f"{counts['rejected']} below the criterion). The committee has "
            f"{n_members} members.", UserWarning)

    def _training_score(self, y, pred, y_scale, weights=None):
        """Accuracy or R^2 of ``pred`` and its per-sample contributions (the
        score minus a constant is their sum, so paired differences compare),
        weighted by ``weights`` when given."""
        n = y.shape[0]
        if not self._is_regression():
            correct = (pred == y).astype(float)
            correct = correct / n if weights is None else correct * (weights / weights.sum())
            return float(correct.sum()), correct
        # In standardized units: the same ratios, without overflowing huge targets.
        Y, P = y.reshape(n, -1) / y_scale, pred.reshape(n, -1) / y_scale
        w = np.full(n, 1.0 / n) if weights is None else weights / weights.sum()
        mean = Y.mean(axis=0) if weights is None else w @ Y
        total = ((Y - mean) ** 2).sum(axis=0) if weights is None else w @ (Y - mean) ** 2
        total[total == 0] = 1.0
        if weights is None:
            parts = -((Y - P) ** 2 / total).mean(axis=1)
        else:
            parts = -(w[:, None] * (Y - P) ** 2 / total).mean(axis=1)
        return float(r2_score(Y, P, sample_weight=weights)), parts

    # --------------------------------------------------------------- predict
    def get_metadata_routing(self):
        """Get the metadata routing of this object: ``fit`` routes to the members'
        ``fit``.

        See scikit-learn's user guide, "Metadata Routing".

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter` with the
            members' template (``estimator``, or the default
            PrunedMLPClassifier) as ``estimator``.
        """
        return network_router(self, self.estimator)

    def _member_outputs(self, X, method):
        """``method`` of every member on its own columns, stacked on axis 0."""
        check_is_fitted(self)
        check_no_dates(X, type(self).__name__)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        names = self._member_names
        return np.stack([
            _member_output(est, X, cols, method) if hasattr(est, "compact_network") else
            getattr(est, method)(pd.DataFrame(X[:, cols], columns=names[cols]))
            for est, cols in zip(self.estimators_, self.estimators_features_)])

    def _vote_shares(self, X):
        """Share of members voting for each class, shape (n_samples, n_classes)."""
        labels = self._member_outputs(X, "predict")
        codes = np.searchsorted(self.classes_, labels)
        onehot = codes[..., None] == np.arange(len(self.classes_))
        return onehot.mean(axis=0)

    def predict(self, X):
        """The committee's vote.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Voted classes, or the mean or median of the members' predictions.
        """
        check_is_fitted(self)
        rule = self._vote_rule()
        if self._is_regression():
            preds = self._member_outputs(X, "predict")
            return preds.mean(axis=0) if rule == "mean" else np.median(preds, axis=0)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    @available_if(lambda self: not self._is_regression())
    def predict_proba(self, X):
        """Class probabilities of the committee (classification).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            "soft" voting: the mean of the members' probabilities; "hard": the
            share of members voting for each class. Columns follow ``classes_``.
        """
        if self._vote_rule() == "soft":
            return self._member_outputs(X, "predict_proba").mean(axis=0)
        return self._vote_shares(X)

    def disagreement(self, X):
        """How much the members disagree on each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        disagreement : ndarray of shape (n_samples,)
            In [0, 1]; 0 = all members agree (see the class Notes for the formula).
            Classification uses the members' labels whatever the voting rule.
        """
        if self._is_regression():
            preds = self._member_outputs(X, "predict")
            preds = preds.reshape(preds.shape[0], preds.shape[1], -1)
            return np.minimum((preds / self._y_scale).std(axis=0), 1.0).mean(axis=1)
        shares = self._vote_shares(X)
        k = min(len(self.classes_), len(self.estimators_))
        if k < 2:
            return np.zeros(shares.shape[0])
        return np.clip((1.0 - shares.max(axis=1)) / (1.0 - 1.0 / k), 0.0, 1.0)

    def score(self, X, y, sample_weight=None):
        """Accuracy (classification) or R^2 (regression) of the committee's vote.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            True labels or values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Accuracy or R^2.
        """
        metric = r2_score if self._is_regression() else accuracy_score
        return float(metric(y, self.predict(X), sample_weight=sample_weight))

    def describe(self, decimals=2):
        """The committee as text: each member's inputs with their importances,
        then how often each input is used.

        Parameters
        ----------
        decimals : int, default=2
            Decimals of the importances and scores, from 0 to 100.

        Returns
        -------
        text : str
            One block per member, then the input usage table. Names with control
            or other non-printable characters are quoted, escaped.
        """
        check_is_fitted(self)
        if not isinstance(decimals, Integral) or isinstance(decimals, bool) \
                or not 0 <= decimals <= 100:
            raise ValueError(f"decimals must be an int from 0 to 100, got {decimals!r}.")
        show = shown_name
        kind = "regression" if self._is_regression() else "classification"
        lines = [f"Committee of {len(self.estimators_)} minimal networks ({kind}, "
                 f"voting={self.voting!r}); reference score "
                 f"{self.reference_score_:.{decimals}f}"]
        for k, est in enumerate(self.estimators_):
            order = np.argsort(-self.importances_[k], kind="stable")
            used = [f"{show(self.input_usage_.index[i])} "
                    f"({self.importances_[k, i]:.{decimals}f})"
                    for i in order if self.supports_[k, i]]
            forbidden = ", ".join(map(show, self.estimators_forbidden_[k])) or "none"
            lines.append(f"member {k + 1}: {est.n_inputs_} inputs, {est.n_neurons_} "
                         f"neurons, {est.n_synapses_} synapses; score "
                         f"{self.train_scores_[k]:.{decimals}f} on the training data; "
                         f"forbidden: {forbidden}")
            lines.append("    inputs: " + ", ".join(used))
        usage = self.input_usage_.sort_values(["n_members", "mean_importance"],
                                              ascending=False).rename(index=show)
        lines.append("input usage:")
        lines += ["    " + line for line in
                  usage.to_string(float_format=lambda v: f"{v:.{decimals}f}").splitlines()]
        return "\n".join(lines)


def _member_output(est, X, columns, method):
    """``method`` of member ``est`` (fitted on ``X[:, columns]``) on validated ``X``,
    through its compact form: only the inputs the member reads are gathered, with
    no copy of its columns (the committee checked X once)."""
    net = est.compact_network()
    net = net._replace(inputs=np.asarray(columns)[net.inputs])
    out = compact_output(X, net, est.activation, est._output_activation)
    return est._from_output(out, method)
