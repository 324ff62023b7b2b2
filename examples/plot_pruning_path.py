"""
The pruning path and the choice on it
=====================================

A pruned network is one point of a path: the criterion-driven pruning removes
inputs, neurons and synapses in turns, and every structure it meets is kept in
``pruning_path_``. With ``path_choice="one_se"`` the path walks on past the
first structure that falls out of the noise allowance, and the structure is
chosen afterwards by the one-standard-error rule: the fewest inputs, then
neurons, then synapses, among the structures whose criterion score is within
``tolerance`` plus ``noise_tolerance`` standard errors of the best structure on
the whole path. ``retrain_at`` trains another point of the path (the most
accurate one, as glmnet's ``lambda.min`` beside ``lambda.1se``) without pruning
again.
"""

# %%
# Prune on breast cancer
# ----------------------
import matplotlib.pyplot as plt
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from sklearn_nnprune import PrunedMLPClassifier
from sklearn_nnprune.plot import PruningPathDisplay

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
clf = PrunedMLPClassifier(hidden_layer_sizes=(8,), path_choice="one_se",
                          random_state=0).fit(X_train, y_train)
print(f"chosen: {clf.n_inputs_} inputs, {clf.n_neurons_} neurons, "
      f"{clf.n_synapses_} synapses; test accuracy {clf.score(X_test, y_test):.3f}")

# %%
# The path, the chosen point and the steps past it
# ------------------------------------------------
# Solid: the steps that stand in the returned network; dashed: the path walked
# on past the chosen structure; the red diamond marks the choice.
display = PruningPathDisplay.from_estimator(clf, size="n_synapses")
plt.show()

# %%
# Which row was chosen, and why
# -----------------------------
report = clf.pruning_report()
print(report.loc[report["note"] != "", ["step", "kind", "score", "se", "n_inputs",
                                        "n_synapses", "note"]].to_string())

# %%
# Another point of the path: the most accurate structure
# ------------------------------------------------------
best = clf.retrain_at(X_train, y_train, step="best")
print(f"best: {best.n_inputs_} inputs, {best.n_synapses_} synapses; test accuracy "
      f"{best.score(X_test, y_test):.3f}")
