"""
=====================================================================
Verbal rules for the US presidential elections from a pruned network
=====================================================================

Gorban and Mirkes' example of knowledge extraction by pruning: predict whether the
party holding the White House wins the presidential election from yes/no answers
to Lichtman's 13 "Keys to the White House". As in the paper, the network learns
from the elections up to 1980 only. Then it is simplified until it can be read:

1. pruning removes the inputs (keys), neurons and synapses it can do without while
   it still classifies every training election correctly;
2. its weights are fixed to three levels {-s, 0, +s} (``weight_levels="ternary"``),
   step by step, the rest retrained after each step;
3. its hidden neurons become threshold neurons (``binarize_neurons=True``).

What is left is a logically transparent network: each neuron counts how many of a
few conditions hold, "at least m of {A, B, not C}", and
:func:`~sklearn_nnprune.export_text` prints it with the keys' own names. No 3 keys
separate the elections 1860-1980, several sets of 4 do; the network finds one of
them. The rule is then applied to the elections 1984-2024, which it never saw.
"""

# %%
# The data: 13 keys, one row per election
# ---------------------------------------
import numpy as np
import pandas as pd

from sklearn_nnprune import PrunedMLPClassifier, datasets, export_text

data = datasets.load_us_elections(as_frame=True)
X, y, years = data.data, data.target, data.years
train = years <= 1980
print(f"{train.sum()} elections 1860-1980 to learn from, "
      f"{(~train).sum()} elections 1984-2024 to check the rule on")

# %%
# Prune, quantize, binarize
# -------------------------
# The paper's criterion: every simplification step must keep all training
# elections correctly classified, otherwise it is undone. So the criterion is
# scored on the training data (``cv=None``) with no allowance at all
# (``tolerance=0.0``, ``noise_tolerance=0.0``).
exact = dict(cv=None, tolerance=0.0, noise_tolerance=0.0)
net = PrunedMLPClassifier(hidden_layer_sizes=(2,), weight_levels="ternary",
                          binarize_neurons=True, random_state=0, **exact)
net.fit(X[train], y[train])

print(f"keys used: {net.n_inputs_} of {X.shape[1]}, hidden neurons: {net.n_neurons_}, "
      f"synapses: {net.n_synapses_}")
print(f"training elections classified correctly: {net.score(X[train], y[train]):.0%}")
report = net.pruning_report()
print(report.groupby("kind", sort=False)
            .agg(steps=("step", "size"), accepted=("accepted", "sum"))
            .to_string())

# %%
# The rule
# --------
# The incumbent party's chances in words, read off the network.
print(export_text(net, class_names=data.target_names))

# %%
# How the rule classifies every election
# --------------------------------------
predicted = net.predict(X)
table = pd.DataFrame({
    "year": years,
    "incumbent party": data.elections["incumbent_party"].to_numpy(),
    "actual": np.asarray(data.target_names)[y],
    "rule": np.asarray(data.target_names)[predicted],
    "learned from": np.where(train, "yes", "no"),
})
table["correct"] = np.where(table["actual"] == table["rule"], "", "WRONG")
print(table.to_string(index=False))
after = ~train
print(f"\nelections after 1980: {(predicted[after] == y[after]).sum()} of "
      f"{after.sum()} predicted correctly")

# %%
# Other minimal networks
# ----------------------
# The minimal network is not unique: other initializations reach other networks
# that solve the training elections equally well (METHOD.md section 8). Those that
# could not be quantized to the end are printed as weighted sums.
rules = {}
for seed in range(8):
    other = PrunedMLPClassifier(hidden_layer_sizes=(2,), weight_levels="ternary",
                                binarize_neurons=True, random_state=seed,
                                **exact).fit(X[train], y[train])
    text = export_text(other, class_names=data.target_names)
    # Neuron numbering differs between networks; compare the rules without it.
    key = text.replace("h1[0]", "h").replace("h1[1]", "h")
    rules.setdefault(key, []).append(seed)
for text, seeds in rules.items():
    print(f"random_state in {seeds}:\n{text}\n")
