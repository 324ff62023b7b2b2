"""
==========================================================
Selecting inputs with a pruned network inside a Pipeline
==========================================================

A pruned neural network keeps only the inputs it needs (Gorban and Mirkes'
first-order sensitivity pruning). :class:`~sklearn_nnprune.NetworkInputSelector`
turns that into a scikit-learn feature selector: it can sit in a
:class:`~sklearn.pipeline.Pipeline` in front of any model, and the pruning level
(the number of inputs kept) can be tuned by cross-validation with
:class:`~sklearn.model_selection.GridSearchCV`. The reports and plots then show why
these inputs were kept.

The data is Friedman's regression problem #1: the target depends on the first five
of ten inputs, through products and a sine (``10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 +
10 x3 + 5 x4``); the other five are noise.
"""

# %%
# Data
# ----
import pandas as pd
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split

X, y = make_friedman1(n_samples=500, n_features=10, noise=0.5, random_state=0)
X = pd.DataFrame(X, columns=[f"x{i}" for i in range(10)])
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

# %%
# A Pipeline: scale, select inputs, fit a model
# ---------------------------------------------
# The selector fits a small pruned network and passes on the inputs it keeps.
# With ``tolerance=None`` the network is pruned exactly down to ``max_inputs``, the
# pruning level that the grid search tunes; no criterion is scored, so one network
# on all the training data is enough (``cv=None``). The model downstream is a
# gradient boosting regressor, but any model works.
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnprune import NetworkInputSelector, PrunedMLPRegressor

network = PrunedMLPRegressor(hidden_layer_sizes=(8,), prune=("inputs",),
                             tolerance=None, cv=None, random_state=0)
pipe = make_pipeline(StandardScaler(), NetworkInputSelector(network),
                     HistGradientBoostingRegressor(random_state=0))
pipe.set_output(transform="pandas")


# %%
# The cross-validated score rises until the informative inputs are in, then stays
# flat within noise. The minimal sufficient structure is the smallest level whose
# score is within one standard error of the best (the one-standard-error rule),
# which :func:`~sklearn_nnprune.fewest_within_noise` gives GridSearchCV as ``refit``.
from sklearn_nnprune import fewest_within_noise

search = GridSearchCV(pipe, {"networkinputselector__max_inputs": [2, 3, 4, 5, 6, 8, 10]},
                      cv=3, n_jobs=2,
                      refit=fewest_within_noise("networkinputselector__max_inputs"))
search.fit(X_train, y_train)
results = pd.DataFrame(search.cv_results_)[
    ["param_networkinputselector__max_inputs", "mean_test_score", "std_test_score"]]
print(results.round(3).to_string(index=False))
print("chosen:", search.best_params_,
      f"test R^2 = {search.best_estimator_.score(X_test, y_test):.3f}")

# %%
best = search.best_estimator_
selector = best.named_steps["networkinputselector"]
print("kept inputs:", list(selector.get_feature_names_out()))
print("ranking (1 = kept, larger = removed earlier):",
      dict(zip(selector.feature_names_in_, selector.ranking_.tolist())))

# %%
# Why these inputs: the input report
# ----------------------------------
# :func:`~sklearn_nnprune.input_report` measures the sensitivity of the network's
# loss to each input on data ("sum" and "max" over the samples), its share of the
# total, the rank and the pruning step that removed it. The selector sees scaled
# inputs, so it is given the scaler's output.
from sklearn_nnprune import input_report

X_train_scaled = best.named_steps["standardscaler"].transform(X_train)
report = input_report(selector, X_train_scaled, y_train)
print(report.round(3).to_string(index=False))

# %%
# The network's pruning path, one row per attempted step:
print(selector.estimator_.pruning_report()[
    ["step", "kind", "removed", "accepted", "forced", "score", "n_inputs"]].to_string(
        index=False))

# %%
# Plots
# -----
# The pruning path (criterion score against the number of inputs), the input
# importances (removed inputs greyed) and the pruned network itself (line width by
# weight, colour by sign).
import matplotlib.pyplot as plt

from sklearn_nnprune.plot import NetworkDisplay, PruningPathDisplay, SensitivityDisplay

fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
PruningPathDisplay.from_estimator(selector, size="n_inputs", ax=axes[0])
SensitivityDisplay.from_estimator(selector, ax=axes[1])
fig.tight_layout()

NetworkDisplay.from_estimator(selector)
plt.show()
