"""Diagnostic: does the criterion's own score see what the test split sees?

Along the accepted pruning path of PrunedMLPClassifier(hidden_layer_sizes=(32,))
on the compression task of issue 2 (``train_test_split(test_size=0.25,
random_state=0, stratify=y)``, inputs standardized on the training part), every
third accepted structure (and every one below 60 weights) is scored two ways:

- on a fresh 3-fold partition of the training part, one the pruning never saw:
  unpruned networks are trained on its training folds, the structure's mask is
  applied to them and they are retrained (``max_iter``); the paired difference of
  the out-of-fold mean log-probabilities against the unpruned networks is
  reported with its standard error (positive drop = the structure is worse);
- on the test split: the unpruned network trained on the whole training part,
  masked and retrained, as test accuracy.

Usage: ``python benchmarks/diag_fresh_partition.py breast_cancer 0 1`` (data set
``breast_cancer`` or ``digits``, then estimator seeds). Uses private internals of
the estimator and of ``sklearn_nnprune._procedure`` (a ``PathSearch`` subclass
whose ``record`` keeps the masks of the accepted steps, the merge step read from
the result of the ``prune_network`` that the estimator calls, and the fit's
``Trainer``); a measurement, not an API.
"""

import argparse
from unittest import mock

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.preprocessing import StandardScaler

import sklearn_nnprune._base as nnp_base
import sklearn_nnprune._estimators as E
import sklearn_nnprune._procedure.run as nnp_run
from sklearn_nnprune import PrunedMLPClassifier
from sklearn_nnprune._network import decode_output, predict_output
from sklearn_nnprune._procedure import ClassificationScore
from sklearn_nnprune._procedure.search import PathSearch


class _PathRecorder(PrunedMLPClassifier):
    """Keeps the masks of every accepted step (``path_masks_``, the merge of
    duplicate neurons included) and the fit's ``Trainer`` (``trainer_``)."""

    def fit(self, X, y):
        self.path_masks_ = []
        path = self.path_masks_

        class Recording(PathSearch):
            def record(self, progress, step, state=None, reference=None):
                progress = super().record(progress, step, state, reference)
                if step.accepted:
                    path.append([M.copy() for M in progress.state.masks])
                return progress

        prune_network = nnp_base.prune_network

        def recorded(*args, trainer, **kw):
            self.trainer_ = trainer
            result = prune_network(*args, trainer=trainer, **kw)
            # The merge of duplicate neurons is a step of its own, after the search.
            if result.steps and result.steps[-1].kind == "merge":
                path.append([M.copy() for M in result.network.masks])
            return result

        with mock.patch.object(nnp_run, "PathSearch", Recording), \
                mock.patch.object(nnp_base, "prune_network", recorded):
            return super().fit(X, y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", choices=("breast_cancer", "digits"))
    parser.add_argument("seeds", type=int, nargs="+")
    args = parser.parse_args()
    load = load_breast_cancer if args.data == "breast_cancer" else load_digits
    X, y = load(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25,
                                                        random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    for seed in args.seeds:
        model = _PathRecorder(hidden_layer_sizes=(32,), random_state=seed)
        model.fit(X_train, y_train)
        unpruned = PrunedMLPClassifier(hidden_layer_sizes=(32,), random_state=seed,
                                       prune=()).fit(X_train, y_train)
        Xs = (X_train - model._x_mean) / model._x_scale
        Xt = (X_test - model._x_mean) / model._x_scale
        codes = np.searchsorted(model.classes_, y_train)
        Y = E._one_hot(codes, len(model.classes_))
        rng = np.random.RandomState(1000 + seed)
        trainer = model.trainer_
        coefs0, intercepts0, full_mask = trainer.initialize((Xs.shape[1], 32, Y.shape[1]),
                                                            rng)
        splits = list(StratifiedKFold(3, shuffle=True, random_state=1000 + seed)
                      .split(Xs, y_train))

        score = ClassificationScore(model.scoring_)

        def train(rows, coefs, intercepts, masks):
            return trainer.train(Xs[rows], Y[rows], [W.copy() for W in coefs],
                                 [b.copy() for b in intercepts], masks, model.max_iter, rng)

        def out_of_fold(nets):
            outputs = [predict_output(Xs[val], c, b, model.activation,
                                      model._output_activation)
                       for (c, b), (_, val) in zip(nets, splits)]
            return score(np.concatenate([codes[val] for _, val in splits]),
                         np.concatenate(outputs))

        fold_nets = [train(fit, coefs0, intercepts0, full_mask)[:2] for fit, _ in splits]
        whole = train(np.arange(len(Xs)), coefs0, intercepts0, full_mask)[:2]
        reference = out_of_fold(fold_nets)
        print(f"== {args.data} random_state={seed}: final {model.n_synapses_} weights, "
              f"test {model.score(X_test, y_test):.4f} against {unpruned.score(X_test, y_test):.4f} "
              f"unpruned; {len(model.path_masks_)} accepted steps", flush=True)
        for k, masks in enumerate(model.path_masks_):
            n_weights = sum(int(M.sum()) for M in masks)
            if k % 3 and k != len(model.path_masks_) - 1 and n_weights > 60:
                continue
            nets = [train(fit, [W * M for W, M in zip(c, masks)], b, masks)[:2]
                    for (c, b), (fit, _) in zip(fold_nets, splits)]
            drop = reference - out_of_fold(nets)
            se = np.sqrt(drop.size) * drop.std(ddof=1)
            c, b, _ = train(np.arange(len(Xs)), [W * M for W, M in zip(whole[0], masks)],
                            whole[1], masks)
            predicted = decode_output(predict_output(Xt, c, b, model.activation,
                                                     model._output_activation))
            accuracy = np.mean(model.classes_[predicted] == y_test)
            print(f"  step {k:3d}: {n_weights:4d} weights, fresh-partition drop "
                  f"{drop.sum():+.4f} (SE {se:.4f}, z {drop.sum() / se:+.2f}), "
                  f"test accuracy {accuracy:.4f}", flush=True)


if __name__ == "__main__":
    main()
