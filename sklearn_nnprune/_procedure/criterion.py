"""The pruning criterion (METHOD.md section 5): where the networks train, where
they are scored, and whether a step holds.

A :class:`Criterion` scores a :class:`~.state.State` as per-sample contributions
(their sum is the score), compares them with a reference network's and says
whether a step holds within ``tolerance`` plus its noise. One class per rule:

- :class:`CrossFittedCriterion`: ``cv`` networks share one structure, each trains
  on ``cv - 1`` folds and is scored on the remaining one, so the criterion is an
  out-of-sample score over all the data;
- :class:`HeldOutCriterion`: one network, scored on a held-out split;
- :class:`TrainingSetCriterion`: one network scored on its own training data (the
  paper's rule: the network must still solve the training set).

The score itself (accuracy, mean log-probability, R^2) is a small callable value,
:class:`ClassificationScore` or :class:`RegressionScore`.
"""

from typing import NamedTuple, Optional

import numpy as np
from numbers import Integral

from sklearn.model_selection import KFold, StratifiedKFold, check_cv, train_test_split

from .._network import class_probabilities, decode_output, predict_output

# Probabilities are floored before the log, at machine epsilon as in scikit-learn's
# log_loss.
_PROBA_FLOOR = np.finfo(np.float64).eps


def paired_drop_within_noise(diff, tolerance, noise_tolerance, weights=None):
    """The one-standard-error test on paired per-sample score differences.

    ``diff`` holds, per sample, the reference's score contribution minus the
    candidate's (their sums are the two scores). The candidate holds when the
    summed drop is at most ``tolerance`` plus ``noise_tolerance`` standard errors
    of that sum (:func:`paired_se`). Shared by the pruning criterion and the
    committee's check of its members.
    """
    return diff.sum() <= tolerance + noise_tolerance * paired_se(diff, weights) + 1e-12


def paired_se(diff, weights=None):
    """The standard error of ``diff.sum()`` from the per-sample differences:
    ``sqrt(n) * std(diff)`` (0 for fewer than two samples).

    With sample ``weights`` w the contributions are ``w_s u_s / W`` (W the
    weights' sum), so that ``diff.sum()`` is the weighted mean of the
    per-sample differences u. Weights count as repeated samples, as
    scikit-learn defines them (integer weights give the standard error of the
    rows repeated): ``SE^2 = sum_s w_s (u_s - mean)^2 / W / (N - 1)`` with
    ``N = max(W, m)``, m the samples of positive weight, so that weights below
    1 (normalized weights) still count each sample once.
    """
    if weights is None:
        n = diff.shape[0]
        return float(np.sqrt(n) * diff.std(ddof=1)) if n > 1 else 0.0
    positive = weights > 0
    total, m = weights.sum(), int(np.count_nonzero(positive))
    count = max(total, m)
    if count <= 1:
        return 0.0
    w = weights[positive]
    u = diff[positive] * (total / w)
    spread = np.dot(w, (u - diff.sum()) ** 2)
    return float(np.sqrt(spread / total / (count - 1)))


def _weighted(values, weights):
    """Per-sample contributions ``w_s v_s / W`` of a weighted mean."""
    return values * (weights / weights.sum())


class ClassificationScore(NamedTuple):
    """Per-sample contributions of ``"accuracy"`` or ``"neg_log_loss"`` (the mean
    log-probability of the true class) for encoded labels and network outputs;
    with ``weights``, of the weighted means."""

    scoring: str

    def __call__(self, y_encoded, out, weights=None):
        n = y_encoded.shape[0]
        if self.scoring == "accuracy":
            # accuracy = sum over samples of correct_s / n
            correct = decode_output(out) == y_encoded
            return correct / n if weights is None else _weighted(correct, weights)
        # neg_log_loss = sum over samples of log p_s(true class) / n
        p_true = class_probabilities(out)[np.arange(n), y_encoded]
        log_p = np.log(np.clip(p_true, _PROBA_FLOOR, None))
        return log_p / n if weights is None else _weighted(log_p, weights)


class RegressionScore(NamedTuple):
    """Per-sample contributions of R^2 (averaged over the outputs) for targets in
    original units and network outputs in standardized units."""

    y_mean: np.ndarray
    y_scale: np.ndarray

    def __call__(self, y, out, weights=None):
        # R^2 averaged over outputs = sum over samples of 1/n - mean_k(e_sk / SST_k)
        # In standardized units (the ratio is the same), so that huge targets do not
        # overflow the squares.
        Y = ((y.reshape(-1, 1) if y.ndim == 1 else y) - self.y_mean) / self.y_scale
        errors = (out - Y) ** 2
        if weights is not None:
            # sklearn's weighted R^2: 1 - sum_s w_s e_s / sum_s w_s (Y_s - mean_w Y)^2
            share = weights / weights.sum()
            sst = (share[:, None] * (Y - share @ Y) ** 2).sum(axis=0)
            sst = np.where(sst > 0, sst, 1.0)
            return share - ((share[:, None] * errors) / sst).mean(axis=1)
        sst = ((Y - Y.mean(axis=0)) ** 2).sum(axis=0)
        # An output that is constant on these samples has no R^2 of its own; its
        # errors still count, against the training variance (1 in these units),
        # instead of being ignored.
        sst = np.where(sst > 0, sst, float(Y.shape[0]))
        return 1.0 / Y.shape[0] - (errors / sst).mean(axis=1)


class Fold(NamedTuple):
    """Training data of one network (``X``, coded targets ``Y``, targets ``y``,
    sample weights ``w``) and the samples its criterion is scored on (with their
    weights ``w_val``); weights are None without ``sample_weight``."""

    X: np.ndarray
    Y: np.ndarray
    y: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    w: Optional[np.ndarray] = None
    w_val: Optional[np.ndarray] = None

    @classmethod
    def of(cls, X, Y, y, weights, fit, val):
        """The fold that trains on the rows ``fit`` and is scored on ``val``."""
        w = (None, None) if weights is None else (weights[fit], weights[val])
        return cls(X[fit], Y[fit], y[fit], X[val], y[val], *w)


class Criterion:
    """Score of a state and the test of a step; subclasses say where the networks
    train and where they are scored (their ``folds``).

    Parameters
    ----------
    folds : tuple of Fold
        One per network of the state.
    score : callable
        ``score(y, out)`` -> per-sample contributions.
    tolerance, noise_tolerance : float
        A step holds when its score is at least the reference's minus
        ``tolerance`` minus ``noise_tolerance`` standard errors of the paired
        per-sample differences (the one-standard-error rule).
    activation, output_activation : str
        The network's activations, for its outputs.
    """

    #: whether the structure is chosen out of sample, so that the final weights are
    #: trained on all the data afterwards
    out_of_sample = True

    def __init__(self, folds, score, tolerance, noise_tolerance, activation,
                 output_activation):
        self.folds = tuple(folds)
        self.score = score
        self.tolerance = tolerance
        self.noise_tolerance = noise_tolerance
        self.activation = activation
        self.output_activation = output_activation
        # The scored samples' weights, in the order of the contributions.
        self.weights = (None if self.folds[0].w_val is None
                        else np.concatenate([fold.w_val for fold in self.folds]))

    def contributions(self, state):
        """Per-sample contributions to the score over the scored samples of every
        fold; their sum is the score (weighted by the samples' weights)."""
        targets, outputs = [], []
        for net, fold in zip(state.nets, self.folds):
            outputs.append(predict_output(fold.X_val, net.coefs, net.intercepts,
                                          self.activation, self.output_activation,
                                          net.steps))
            targets.append(fold.y_val)
        if self.weights is None:
            return self.score(np.concatenate(targets), np.concatenate(outputs))
        return self.score(np.concatenate(targets), np.concatenate(outputs), self.weights)

    def noise(self, diff):
        """The standard error of ``diff.sum()``, the summed paired per-sample
        differences between two states: ``sqrt(n) * std(diff)``.

        A floor from the fold-to-fold spread of the folds' sums ``D_k``,
        ``sqrt(K) * std(D_k)``, was measured and not adopted (issue 17): it was
        meant to keep the noise of retraining from blocking small steps, but
        from three folds it is itself noisy, and it widened the allowance
        enough to keep noise inputs and drop weak informative ones (exact
        recovery on 30 make_classification and make_friedman1 draws of 1,000
        rows: 24 with it as the path's rule, 25 with it for walking only, 27
        without). Small steps blocked by a vanishing standard error no longer
        end the path: it walks on past them (:mod:`.decision`).
        """
        return paired_se(diff, self.weights)

    def holds(self, contributions, reference, margin=1.0):
        """Whether a candidate with ``contributions`` is within ``tolerance`` plus
        ``margin * noise_tolerance`` standard errors (:meth:`noise`) of the
        ``reference`` contributions.

        The reference is the best network met so far on the pruning path, the
        unpruned one to begin with: removing noise often improves an
        out-of-sample score, and what is removed after that must not lose the
        gain. With ``noise_tolerance=0`` this is METHOD.md's rule, score >=
        baseline - tolerance, with the best network met as the baseline. The
        path search walks on with a wider ``margin`` and chooses among the
        structures it met afterwards (:mod:`.decision`).
        """
        return paired_drop_within_noise(reference - contributions, self.tolerance,
                                        margin * self.noise_tolerance, self.weights)

    @staticmethod
    def raised(reference, contributions):
        """The reference after accepting ``contributions``: raised when the accepted
        network is the best so far."""
        return contributions if contributions.sum() > reference.sum() else reference


class CrossFittedCriterion(Criterion):
    """``cv`` networks share one structure; each trains on ``cv - 1`` folds and is
    scored on the remaining one (stratified for classifiers). ``cv`` may also be
    a scikit-learn splitter or an iterable of (train, test) index arrays: one
    network per split, scored on its test rows."""

    @classmethod
    def split(cls, X, Y, y, cv, classifier, rng, weights=None, **kw):
        if isinstance(cv, Integral):
            splitter = (StratifiedKFold if classifier else KFold)(
                n_splits=cv, shuffle=True, random_state=rng)
        else:
            splitter = check_cv(cv, y, classifier=classifier)
        folds = [Fold.of(X, Y, y, weights, fit, val) for fit, val in splitter.split(X, y)]
        return cls(_weighed_folds(folds), **kw)


class HeldOutCriterion(Criterion):
    """One network, trained on part of the data and scored on a held-out split of
    size ``fraction`` (stratified for classifiers)."""

    @classmethod
    def split(cls, X, Y, y, fraction, classifier, rng, weights=None, **kw):
        fit, val = train_test_split(np.arange(X.shape[0]), test_size=fraction,
                                    random_state=rng, stratify=y if classifier else None)
        return cls(_weighed_folds([Fold.of(X, Y, y, weights, fit, val)]), **kw)


class TrainingSetCriterion(Criterion):
    """One network scored on its own training data (the paper's rule)."""

    out_of_sample = False

    @classmethod
    def split(cls, X, Y, y, weights=None, **kw):
        return cls([Fold(X, Y, y, X, y, weights, weights)], **kw)


def _weighed_folds(folds):
    """``folds``, when each trains and is scored on some weight: a network whose
    training rows all weigh 0 cannot train, nor be scored on such rows."""
    for k, fold in enumerate(folds):
        for part, w in (("training", fold.w), ("scored", fold.w_val)):
            if w is not None and not w.any():
                raise ValueError(
                    f"The criterion's fold {k}: its {part} rows all have sample weight 0. "
                    "Give weight to more rows, lower cv or validation_fraction's share, "
                    "or set cv=None (the training-set criterion).")
    return folds


def make_criterion(X, Y, y, *, cv, validation_fraction, classifier, rng, weights=None,
                   **kw):
    """The criterion of the parameters ``cv`` and ``validation_fraction`` (both None:
    the training set), on standardized inputs ``X``, coded targets ``Y``, the
    targets ``y`` that the score compares to and the sample ``weights`` (None:
    every sample counts once); ``kw`` go to :class:`Criterion`.

    The folds and the held-out split are drawn by rows, whatever their weights
    (as scikit-learn's splitters do): with them, integer weights and repeated
    rows give criteria that agree in distribution, not exactly.
    """
    if cv is not None:
        return CrossFittedCriterion.split(X, Y, y, cv, classifier, rng, weights, **kw)
    if validation_fraction is not None:
        return HeldOutCriterion.split(X, Y, y, validation_fraction, classifier, rng,
                                      weights, **kw)
    return TrainingSetCriterion.split(X, Y, y, weights, **kw)
