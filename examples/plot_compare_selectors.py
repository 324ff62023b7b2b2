"""
=========================================================
Choosing inputs: pruning, RFECV and forward selection
=========================================================

Three ways of choosing the inputs of a classifier, on a small task where the
target depends on one input directly and on two others only through their
interaction (an exclusive or):

* :class:`~sklearn_nnprune.NetworkInputSelector`: a network is trained on all the
  inputs and pruned with the first-order sensitivity indicators of Gorban and
  Mirkes (arXiv:2005.06284); the inputs it keeps are selected.
* :class:`~sklearn.feature_selection.RFECV` with a
  :class:`~sklearn.linear_model.LogisticRegression`: recursive elimination by the
  size of the linear coefficients, the number of inputs chosen by cross-validation.
* :class:`~sklearn.feature_selection.SequentialFeatureSelector` with a small
  :class:`~sklearn.neural_network.MLPClassifier`: greedy forward selection by
  cross-validated accuracy.

A linear model cannot see an exclusive or, and forward selection cannot see
either half of it alone. Pruning starts from a network that uses every input and
removes what the network does not need, so the interaction stays visible
throughout.
"""

# %%
# The task
# --------
# Six standard normal inputs. The class is the sign of
# ``x0 + 1.5 sign(x1 x2)`` plus a little noise: ``x0`` matters on its own,
# ``x1`` and ``x2`` only together (``sign(x1 x2)`` is uncorrelated with each of
# them), and ``x3``, ``x4``, ``x5`` are noise.
import time

import numpy as np
import pandas as pd

rng = np.random.RandomState(1)
names = np.array([f"x{i}" for i in range(6)])


def draw(n):
    X = rng.normal(size=(n, 6))
    score = X[:, 0] + 1.5 * np.sign(X[:, 1] * X[:, 2]) + rng.normal(scale=0.3, size=n)
    return X, (score > 0).astype(int)


X_train, y_train = draw(300)
X_test, y_test = draw(2000)

# %%
# Why greedy and linear selection fail here
# -----------------------------------------
# The cross-validated accuracy of a small network on a few subsets of the inputs:
# adding ``x1`` (or ``x2``) to ``x0`` helps no more than adding a noise input;
# only the pair does.
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score
from sklearn.neural_network import MLPClassifier

# The small networks stop at 200 iterations to keep the example fast; on noise
# inputs they have not converged by then, which scikit-learn reports every time.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
mlp = MLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=200,
                    random_state=0)
for subset in ([0], [0, 1], [0, 3], [0, 1, 2]):
    accuracy = cross_val_score(mlp, X_train[:, subset], y_train, cv=3).mean()
    print(f"{', '.join(names[subset]):>10}: {accuracy:.3f}")

# %%
# Forward selection adds ``x0`` first; at its second step no input improves the
# score except by chance, so whether it picks ``x1`` or ``x2`` (and then completes
# the pair at the third step) or a noise input depends on the draw of the data.
# It is told the true number of inputs, 3.
#
# The three selectors
# -------------------
from sklearn.feature_selection import RFECV, SequentialFeatureSelector
from sklearn.linear_model import LogisticRegression

from sklearn_nnprune import NetworkInputSelector

selectors = {
    "NetworkInputSelector": NetworkInputSelector(random_state=0),
    "RFECV(LogisticRegression)": RFECV(LogisticRegression(), cv=3),
    "SequentialFeatureSelector(MLP)": SequentialFeatureSelector(
        mlp, n_features_to_select=3, cv=3),
}
seconds = {}
for label, selector in selectors.items():
    start = time.perf_counter()
    selector.fit(X_train, y_train)
    seconds[label] = time.perf_counter() - start
    print(f"{label:>30}: {', '.join(names[selector.get_support()])} "
          f"({seconds[label]:.1f} s)")

# %%
# Both the pruned network and RFE rank the inputs they dropped (1 = selected,
# larger = removed earlier). The pruned network removes the noise inputs; the
# linear model removes ``x1`` and ``x2`` as early as the noise:
print(pd.DataFrame({label: selectors[label].ranking_
                    for label in ("NetworkInputSelector", "RFECV(LogisticRegression)")},
                   index=names).T.to_string())

# %%
# What the selections are worth
# -----------------------------
# The same network is trained on each selection and scored on 2000 new cases; all
# inputs and the true inputs are shown for reference.
choices = {label: selector.get_support() for label, selector in selectors.items()}
choices["all inputs"] = np.ones(6, dtype=bool)
choices["true inputs (x0, x1, x2)"] = np.isin(np.arange(6), [0, 1, 2])
model = MLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=500,
                      random_state=0)
test_accuracy = {label: model.fit(X_train[:, support], y_train).score(
    X_test[:, support], y_test) for label, support in choices.items()}
for label, accuracy in test_accuracy.items():
    print(f"{label:>30}: test accuracy {accuracy:.3f}")

# %%
# Summary plot
# ------------
# Left: the inputs each method selected. Right: test accuracy of the same network
# on each selection.
import matplotlib.pyplot as plt

labels = list(choices)
fig, (ax_sel, ax_acc) = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True,
                                     gridspec_kw={"width_ratios": [1, 1.2]},
                                     constrained_layout=True)
ax_sel.imshow(np.array([choices[label] for label in labels]), cmap="Blues", vmin=0,
              vmax=1.4, aspect="auto")
ax_sel.set_xticks(range(6), names)
ax_sel.set_yticks(range(len(labels)), labels)
ax_sel.set_xticks(np.arange(-0.5, 6), minor=True)
ax_sel.set_yticks(np.arange(-0.5, len(labels)), minor=True)
ax_sel.grid(which="minor", color="w", lw=2)
ax_sel.tick_params(which="minor", length=0)
ax_sel.set_title("selected inputs (blue)")
bars = ax_acc.barh(range(len(labels)), [test_accuracy[label] for label in labels],
                   color=["C0"] * len(selectors) + ["grey"] * 2)
ax_acc.bar_label(bars, fmt="%.3f", padding=3)
ax_acc.set_xlim(0.5, 1.05)
ax_acc.set_xlabel("test accuracy (0.5 = chance)")
ax_acc.set_title("the same network trained on the selection")
plt.show()
