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

from typing import NamedTuple

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

from .._network import class_probabilities, decode_output, predict_output

# Probabilities are floored before the log, at machine epsilon as in scikit-learn's
# log_loss.
_PROBA_FLOOR = np.finfo(np.float64).eps


def paired_drop_within_noise(diff, tolerance, noise_tolerance):
    """The one-standard-error test on paired per-sample score differences.

    ``diff`` holds, per sample, the reference's score contribution minus the
    candidate's (their sums are the two scores). The candidate holds when the
    summed drop is at most ``tolerance`` plus ``noise_tolerance`` standard errors
    of that sum, ``sqrt(n) * std(diff)``. Shared by the pruning criterion and the
    committee's check of its members.
    """
    return diff.sum() <= tolerance + noise_tolerance * paired_se(diff) + 1e-12


def paired_se(diff):
    """The standard error of ``diff.sum()`` from the per-sample differences:
    ``sqrt(n) * std(diff)`` (0 for fewer than two samples)."""
    n = diff.shape[0]
    return float(np.sqrt(n) * diff.std(ddof=1)) if n > 1 else 0.0


class ClassificationScore(NamedTuple):
    """Per-sample contributions of ``"accuracy"`` or ``"neg_log_loss"`` (the mean
    log-probability of the true class) for encoded labels and network outputs."""

    scoring: str

    def __call__(self, y_encoded, out):
        n = y_encoded.shape[0]
        if self.scoring == "accuracy":
            # accuracy = sum over samples of correct_s / n
            return (decode_output(out) == y_encoded) / n
        # neg_log_loss = sum over samples of log p_s(true class) / n
        p_true = class_probabilities(out)[np.arange(n), y_encoded]
        return np.log(np.clip(p_true, _PROBA_FLOOR, None)) / n


class RegressionScore(NamedTuple):
    """Per-sample contributions of R^2 (averaged over the outputs) for targets in
    original units and network outputs in standardized units."""

    y_mean: np.ndarray
    y_scale: np.ndarray

    def __call__(self, y, out):
        # R^2 averaged over outputs = sum over samples of 1/n - mean_k(e_sk / SST_k)
        # In standardized units (the ratio is the same), so that huge targets do not
        # overflow the squares.
        Y = ((y.reshape(-1, 1) if y.ndim == 1 else y) - self.y_mean) / self.y_scale
        errors = (out - Y) ** 2
        sst = ((Y - Y.mean(axis=0)) ** 2).sum(axis=0)
        # An output that is constant on these samples has no R^2 of its own; its
        # errors still count, against the training variance (1 in these units),
        # instead of being ignored.
        sst = np.where(sst > 0, sst, float(Y.shape[0]))
        return 1.0 / Y.shape[0] - (errors / sst).mean(axis=1)


class Fold(NamedTuple):
    """Training data of one network (``X``, coded targets ``Y``, targets ``y``) and
    the samples its criterion is scored on."""

    X: np.ndarray
    Y: np.ndarray
    y: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray


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

    def contributions(self, state):
        """Per-sample contributions to the score over the scored samples of every
        fold; their sum is the score."""
        targets, outputs = [], []
        for net, fold in zip(state.nets, self.folds):
            outputs.append(predict_output(fold.X_val, net.coefs, net.intercepts,
                                          self.activation, self.output_activation,
                                          net.steps))
            targets.append(fold.y_val)
        return self.score(np.concatenate(targets), np.concatenate(outputs))

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
        return paired_se(diff)

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
                                        margin * self.noise_tolerance)

    @staticmethod
    def raised(reference, contributions):
        """The reference after accepting ``contributions``: raised when the accepted
        network is the best so far."""
        return contributions if contributions.sum() > reference.sum() else reference


class CrossFittedCriterion(Criterion):
    """``cv`` networks share one structure; each trains on ``cv - 1`` folds and is
    scored on the remaining one (stratified for classifiers)."""

    @classmethod
    def split(cls, X, Y, y, cv, classifier, rng, **kw):
        splitter = (StratifiedKFold if classifier else KFold)(
            n_splits=cv, shuffle=True, random_state=rng)
        folds = [Fold(X[fit], Y[fit], y[fit], X[val], y[val])
                 for fit, val in splitter.split(X, y)]
        return cls(folds, **kw)


class HeldOutCriterion(Criterion):
    """One network, trained on part of the data and scored on a held-out split of
    size ``fraction`` (stratified for classifiers)."""

    @classmethod
    def split(cls, X, Y, y, fraction, classifier, rng, **kw):
        fit, val = train_test_split(np.arange(X.shape[0]), test_size=fraction,
                                    random_state=rng, stratify=y if classifier else None)
        return cls([Fold(X[fit], Y[fit], y[fit], X[val], y[val])], **kw)


class TrainingSetCriterion(Criterion):
    """One network scored on its own training data (the paper's rule)."""

    out_of_sample = False

    @classmethod
    def split(cls, X, Y, y, **kw):
        return cls([Fold(X, Y, y, X, y)], **kw)


def make_criterion(X, Y, y, *, cv, validation_fraction, classifier, rng, **kw):
    """The criterion of the parameters ``cv`` and ``validation_fraction`` (both None:
    the training set), on standardized inputs ``X``, coded targets ``Y`` and the
    targets ``y`` that the score compares to; ``kw`` go to :class:`Criterion`."""
    if cv is not None:
        return CrossFittedCriterion.split(X, Y, y, cv, classifier, rng, **kw)
    if validation_fraction is not None:
        return HeldOutCriterion.split(X, Y, y, validation_fraction, classifier, rng, **kw)
    return TrainingSetCriterion.split(X, Y, y, **kw)
