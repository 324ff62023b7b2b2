"""
=====================================================
Compressing a network: the breast cancer data set
=====================================================

A network with one hidden layer of 8 neurons on the 30 measurements of
scikit-learn's breast cancer data set has 248 synapses. Pruning with the
first-order sensitivity indicators of Gorban and Mirkes (arXiv:2005.06284) removes
inputs, neurons and synapses for as long as the cross-validated score (the mean
log-probability of the true class) holds within noise. What is left needs a handful of the measurements and a few
multiply-adds per case.

This example compares the unpruned and the pruned network (size and accuracy on
a held-out test set), draws the pruning path with
:class:`~sklearn_nnprune.plot.PruningPathDisplay` and the pruned network with
:class:`~sklearn_nnprune.plot.NetworkDisplay`, and checks that the pruned network
really needs only the inputs it kept.
"""

# %%
# Data
# ----
# 569 tumours, 30 measurements each, two classes (malignant, benign). A quarter of
# the cases is kept aside to judge the networks.
import time

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
print(f"{X_train.shape[0]} training and {X_test.shape[0]} test cases, "
      f"{X.shape[1]} inputs")

# %%
# The unpruned and the pruned network
# -----------------------------------
# Both are :class:`~sklearn_nnprune.PrunedMLPClassifier` with the same seed;
# ``prune=()`` switches pruning off. With the default settings inputs, neurons
# and synapses take turns, one attempted step each; a step is accepted when the cross-fitted
# log-likelihood (``cv=3``: three networks share one structure, each scored on the
# fold it did not train on) stays within one standard error of the best network
# met so far, the unpruned one to begin with.
from sklearn_nnprune import PrunedMLPClassifier

settings = dict(hidden_layer_sizes=(8,), random_state=0)
unpruned = PrunedMLPClassifier(prune=(), **settings).fit(X_train, y_train)
start = time.perf_counter()
pruned = PrunedMLPClassifier(**settings).fit(X_train, y_train)
print(f"pruning took {time.perf_counter() - start:.1f} s "
      f"({len(pruned.pruning_history_)} attempted steps)")

summary = pd.DataFrame(
    [[net.n_inputs_, net.n_neurons_, net.n_synapses_, net.score(X_test, y_test)]
     for net in (unpruned, pruned)],
    index=["unpruned", "pruned"],
    columns=["inputs", "hidden neurons", "synapses", "test accuracy"])
print(summary.round(3).to_string())
print(f"the pruned network keeps {pruned.n_synapses_ / unpruned.n_synapses_:.0%} "
      "of the synapses")

# %%
# The test set has 143 cases, so one case is 0.7 points of accuracy: a
# difference of a point or two is within the noise of this comparison.
#
# The inputs kept, with their share of the sensitivity of the loss:
kept = pd.Series(pruned.feature_importances_, index=X.columns)[pruned.support_]
print(kept.sort_values(ascending=False).round(3).to_string())

# %%
# The pruning path
# ----------------
# One point per accepted step, from the unpruned network (the star) to the pruned
# one; crosses are attempts that the criterion rejected (they were undone).
# The score is the cross-fitted mean log-probability of the true class
# (``scoring_`` names it); removing noise inputs first improves it.
import matplotlib.pyplot as plt

from sklearn_nnprune.plot import NetworkDisplay, PruningPathDisplay

fig, axes = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
by_size = PruningPathDisplay.from_estimator(pruned, size="n_synapses", ax=axes[0])
by_size.ax_.set_xscale("log")
by_step = PruningPathDisplay.from_estimator(pruned, size="step", ax=axes[1])

# %%
# The steps as a table:
print(pruned.pruning_report()[
    ["step", "kind", "n_removed", "accepted", "score", "n_inputs", "n_neurons",
     "n_synapses"]].round(3).to_string(index=False))

# %%
# The pruned network
# ------------------
# Line width shows the size of a weight (in standardized units, so that inputs
# compare), colour its sign. Only the inputs kept are drawn.
network = NetworkDisplay.from_estimator(pruned, show_removed_inputs=False)

# %%
# Only the kept inputs are needed
# -------------------------------
# Removed synapses are exactly zero in ``coefs_`` (which are in the original units
# of the measurements), so the network can be run on the kept columns alone. The
# forward pass below uses nothing but those columns and reproduces
# ``predict_proba``.
columns = np.flatnonzero(pruned.support_)
hidden = np.tanh(X_test.to_numpy()[:, columns] @ pruned.coefs_[0][columns]
                 + pruned.intercepts_[0])
logit = hidden @ pruned.coefs_[1] + pruned.intercepts_[1]
proba = 1.0 / (1.0 + np.exp(-logit[:, 0]))
print("measurements needed:", list(X.columns[columns]))
print("largest difference from predict_proba:",
      f"{np.abs(proba - pruned.predict_proba(X_test)[:, 1]).max():.1e}")

# %%
# Is this typical?
# ----------------
# Pruning from other random starts gives other networks (minimal networks are
# not unique, see the committee example), and their size and test accuracy vary
# from start to start. A pruned network may also score a little below the
# unpruned one on the test set: the criterion accepts a step when the
# cross-fitted log-likelihood stays within ``noise_tolerance=1`` standard error of the
# best network met so far, so a loss that the training data cannot tell from
# noise is allowed. ``noise_tolerance=0`` is stricter and keeps more of the
# network; ``tolerance`` adds a fixed allowance on top.
rows = []
for seed in (1, 2):
    other = dict(settings, random_state=seed)
    full = PrunedMLPClassifier(prune=(), **other).fit(X_train, y_train)
    small = PrunedMLPClassifier(**other).fit(X_train, y_train)
    rows.append([seed, full.score(X_test, y_test), small.score(X_test, y_test),
                 small.n_inputs_, small.n_synapses_])
print(pd.DataFrame(rows, columns=["seed", "unpruned accuracy", "pruned accuracy",
                                  "inputs", "synapses"]).round(3).to_string(index=False))
plt.show()
