"""
=================================================================
Where to collect data next: disagreement of minimal networks
=================================================================

Different minimal networks can explain the same data equally well (Gorban and
Mirkes, arXiv:2005.06284, section on ensembles of minimal networks). Where they
disagree, the data do not say which explanation is right, and that is where a new
observation is worth the most.

Here two measured signals ``a`` and ``b`` always moved together in the recorded
data, and a third input is their average. The outcome truly depends on ``a``
alone, but every recorded case is explained as well by ``b``, or by the average.
:class:`~sklearn_nnprune.MinimalNetworkCommittee` finds these explanations as
distinct one-input networks. Their disagreement maps the region where ``a`` and
``b`` point different ways, which the record never visited; labelling a handful of
cases there settles the question, while as many more cases of the usual kind do
not.
"""

# %%
# The recorded data
# -----------------
import warnings

import matplotlib.pyplot as plt
import numpy as np

from sklearn_nnprune import MinimalNetworkCommittee, PrunedMLPClassifier

rng = np.random.RandomState(0)


def outcome(ab):
    """The true rule, unknown to the analyst: only ``a`` matters."""
    return (ab[:, 0] > 0).astype(int)


def inputs(ab):
    """The inputs the networks see: a, b and their average."""
    return np.column_stack([ab, ab.mean(axis=1)])


def recorded_cases(n):
    """Cases as they happened so far: a and b move together, away from 0."""
    t = rng.uniform(0.6, 3.0, size=n) * rng.choice([-1, 1], size=n)
    return np.column_stack([t + rng.uniform(-0.4, 0.4, n), t + rng.uniform(-0.4, 0.4, n)])


train = recorded_cases(60)
test = rng.uniform(-3, 3, size=(2000, 2))  # every kind of case, to judge the result
names = np.array(["a", "b", "average"])


def members_inputs(committee):
    return [", ".join(names[support]) for support in committee.supports_]


member = PrunedMLPClassifier(hidden_layer_sizes=(2,), max_iter=200, retrain_iter=20)
committee = MinimalNetworkCommittee(estimator=member, n_networks=3, n_jobs=2,
                                    random_state=0)
committee.fit(inputs(train), outcome(train))
print("members' inputs:", members_inputs(committee))
print(f"accuracy on all kinds of cases: {committee.score(inputs(test), outcome(test)):.3f}")

# %%
# Where do the members disagree?
# ------------------------------
# Disagreement is 0 where all members vote alike and 1 where the votes are split
# evenly. Among candidate cases that could be observed, take the most disputed
# ones, keeping them apart so that they cover the whole disputed region.
candidates = rng.uniform(-3, 3, size=(3000, 2))
dispute = committee.disagreement(inputs(candidates))
chosen = []
for i in np.argsort(-dispute, kind="stable"):
    if dispute[i] == 0 or len(chosen) == 8:
        break
    if all(np.hypot(*(candidates[i] - candidates[j])) > 1.0 for j in chosen):
        chosen.append(i)
queried = candidates[chosen]
print(f"{(dispute > 0).mean():.0%} of the candidate cases are disputed; "
      f"{len(queried)} of them are labelled")

grid = np.linspace(-3, 3, 121)
ga, gb = np.meshgrid(grid, grid)
grid_ab = np.column_stack([ga.ravel(), gb.ravel()])


def draw(ax, committee, points, labels, title, extra=None):
    d = committee.disagreement(inputs(grid_ab)).reshape(ga.shape)
    mesh = ax.pcolormesh(ga, gb, d, cmap="Oranges", vmin=0, vmax=1, shading="auto")
    ax.scatter(*points.T, c=labels, cmap="coolwarm", edgecolor="k", s=18,
               label="labelled cases")
    if extra is not None:
        ax.scatter(*extra.T, marker="*", s=180, c="gold", edgecolor="k",
                   label="new labelled cases")
    ax.axvline(0, color="k", lw=0.8, ls="--")
    ax.set(xlabel="a", ylabel="b", title=title, aspect="equal")
    return mesh


# %%
# Label the disputed cases and fit again
# --------------------------------------
# The new cases contradict the explanations by ``b`` alone and by the average
# alone: members that use only one of them no longer solve the data, the committee
# rejects them and warns that fewer distinct networks exist now. (A member may
# still use ``b`` and the average together: they determine ``a = 2 average - b``.)
with_queried = np.vstack([train, queried])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    targeted = MinimalNetworkCommittee(estimator=member, n_networks=3, n_jobs=2,
                                       random_state=0)
    targeted.fit(inputs(with_queried), outcome(with_queried))
for w in caught:
    print("warning:", w.message)
print("members' inputs after the targeted cases:", members_inputs(targeted))

# The same number of new cases of the usual kind, for comparison.
with_usual = np.vstack([train, recorded_cases(len(queried))])
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    usual = MinimalNetworkCommittee(estimator=member, n_networks=3, n_jobs=2,
                                    random_state=0)
    usual.fit(inputs(with_usual), outcome(with_usual))

for label, model in [("recorded cases only", committee),
                     (f"+ {len(queried)} cases of the usual kind", usual),
                     (f"+ {len(queried)} most disputed cases", targeted)]:
    print(f"{label:>32}: accuracy on all kinds of cases "
          f"{model.score(inputs(test), outcome(test)):.3f}")

# %%
# Disagreement before and after
# -----------------------------
fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), constrained_layout=True)
draw(axes[0], committee, train, outcome(train), "recorded cases", extra=queried)
mesh = draw(axes[1], targeted, train, outcome(train),
            "after labelling the disputed cases", extra=queried)
axes[0].legend(loc="lower right", fontsize=8)
fig.colorbar(mesh, ax=axes, label="disagreement of the members")
plt.show()
