"""Diagnostic: the default L2 penalty on a small data set with a curved boundary.

``make_moons(150, noise=0.2)`` (data seeds 0-2), tested on 2000 new samples
(``make_moons(2000, noise=0.2, random_state=99)``). For each ``alpha`` and estimator
seed 0-2: the unpruned network (``prune=()``) and the default pruned one, as
``unpruned/pruned (neurons, synapses)``; scikit-learn's MLPClassifier (lbfgs, its
own alpha=1e-4, max_iter=2000) for scale.

Usage: ``python benchmarks/diag_alpha_small_data.py [ALPHA ...]`` (default 1.0 0.3 0.1).
"""

import sys
import warnings

from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sklearn_nnprune import PrunedMLPClassifier


def main():
    alphas = [float(a) for a in sys.argv[1:]] or [1.0, 0.3, 0.1]
    X_test, y_test = make_moons(2000, noise=0.2, random_state=99)
    for data_seed in range(3):
        X, y = make_moons(150, noise=0.2, random_state=data_seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            peer = MLPClassifier(solver="lbfgs", max_iter=2000, random_state=0).fit(X, y)
            print(f"data {data_seed}: MLPClassifier {peer.score(X_test, y_test):.3f}")
            for alpha in alphas:
                cells = []
                for seed in range(3):
                    unpruned = PrunedMLPClassifier(prune=(), alpha=alpha,
                                                   random_state=seed).fit(X, y)
                    pruned = PrunedMLPClassifier(alpha=alpha, random_state=seed).fit(X, y)
                    cells.append(f"{unpruned.score(X_test, y_test):.3f}/"
                                 f"{pruned.score(X_test, y_test):.3f}"
                                 f"({pruned.n_neurons_},{pruned.n_synapses_})")
                print(f"  alpha={alpha:<5} " + "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
