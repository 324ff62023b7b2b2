"""Committee of minimal networks on the US elections (METHOD.md sections 8 and 9).

Trains MinimalNetworkCommittee on the elections up to 1980, lists each member's
inputs and its rule, and compares the committee's vote on 1984-2024 with the
actual outcomes and with Lichtman's rule (the incumbent party loses when 6 or more
keys are false). Then repeats the search over a few seeds and two member settings
to show how stable the counts are.

Run:  python benchmarks/bench_committee.py [--n-jobs 2] [--quick]

A member's rule is read from its decisions: the member is evaluated on all 2^k
patterns of its k keys; when its decision equals a small-integer weighted vote of
conditions (a key or its negation), "w1*c1 + ... >= m", that is printed (with all
weights 1: "at least m of these k conditions hold"); otherwise the weighted sum of
every hidden neuron is printed. (The package's export_text, issue 3, will do this
for any network; this script only needs it for Boolean keys.)
"""

import argparse
import itertools
import time
import warnings

import numpy as np
import pandas as pd

from sklearn_nnprune import MinimalNetworkCommittee, PrunedMLPClassifier
from sklearn_nnprune.datasets import load_us_elections


def threshold_rule(decide, k, max_weight=3):
    """Smallest integer weights w (1..max_weight) on literals (a key or its negation)
    and threshold m such that decide(z) == (sum of the weights of the satisfied
    literals >= m) on all 0/1 patterns z of length k; None if there is none."""
    Z = np.array(list(itertools.product((0, 1), repeat=k)))
    target = decide(Z)
    if target.all() or not target.any():
        return None
    weights = np.array(list(itertools.product(range(1, max_weight + 1), repeat=k))).T
    best = None
    for signs in itertools.product((1, -1), repeat=k):
        literals = np.where(np.array(signs) > 0, Z, 1 - Z)
        scores = literals @ weights                       # patterns x weight vectors
        low = scores[~target].max(axis=0)
        high = scores[target].min(axis=0)
        ok = np.flatnonzero(high > low)
        if ok.size:
            j = ok[np.argmin(weights[:, ok].sum(axis=0))]
            if best is None or weights[:, j].sum() < best[1].sum():
                best = (np.array(signs), weights[:, j], int(high[j]))
    return best


def describe_threshold(found, names):
    signs, weights, m = found
    conds = [("" if w == 1 else f"{w}*") + (n if s > 0 else f"(not {n})")
             for n, s, w in zip(names, signs, weights)]
    if (weights == 1).all():
        return f"at least {m} of [{', '.join(conds)}]"
    return f"{' + '.join(conds)} >= {m}"


def member_rule(committee, k):
    """The member's decision on all patterns of its keys, as a verbal rule."""
    est = committee.estimators_[k]
    cols = committee.estimators_features_[k]
    names = committee.input_usage_.index.to_numpy()
    used = np.flatnonzero(committee.supports_[k])
    pos = np.array([np.flatnonzero(cols == i)[0] for i in used])
    Z = np.array(list(itertools.product((0, 1), repeat=len(used))))

    def embed(Zk):
        full = np.zeros((len(Zk), len(cols)))
        full[:, pos] = Zk
        return full

    def decide(Zk):
        return est.predict(pd.DataFrame(embed(Zk), columns=names[cols])) == 1

    found = threshold_rule(decide, len(used))
    if found is not None:
        return "incumbent party wins iff " + describe_threshold(found, names[used])
    # Several neurons: each hidden neuron is read as a threshold of its own keys
    # (its sign), then the output as a function of those signs.
    W, b = est.coefs_[0], est.intercepts_[0]
    live = np.flatnonzero(est.masks_[0].any(axis=0) & est.masks_[1].any(axis=1))
    full = embed(Z)
    signs = full @ W[:, live] + b[live] > 0
    target = decide(Z)
    table = {}
    for row, t in zip(map(tuple, signs), target):
        table.setdefault(row, set()).add(bool(t))
    neuron_rules = []
    for col, j in enumerate(live):
        mine = np.flatnonzero(W[:, j][pos])
        sub = threshold_rule(lambda Zj, j=j, mine=mine: (
            embed(_spread(Zj, mine, len(used))) @ W[:, j] + b[j] > 0), len(mine))
        neuron_rules.append(describe_threshold(sub, names[used][mine]) if sub else None)
    if all(len(v) == 1 for v in table.values()) and all(neuron_rules):
        wins = [row for row, v in table.items() if True in v]
        loses = [row for row, v in table.items() if False in v]
        if all(any(r) for r in wins) and all(not any(r) for r in loses):
            return "incumbent party wins iff " + " OR ".join(f"({r})" for r in neuron_rules)
        if all(all(r) for r in wins) and all(not all(r) for r in loses):
            return "incumbent party wins iff " + " AND ".join(f"({r})" for r in neuron_rules)
        if len(live) == 2:
            forms = {
                frozenset({(True, True)}): "A and B",
                frozenset({(True, True), (True, False), (False, True)}): "A or B",
                frozenset({(False, False), (True, False), (False, True)}): "not (A and B)",
                frozenset({(False, False)}): "neither A nor B",
                frozenset({(True, False), (False, True)}): "exactly one of A, B",
                frozenset({(True, False)}): "A and not B",
                frozenset({(False, True)}): "B and not A",
            }
            form = forms.get(frozenset(wins))
            if form is not None:
                return (f"A = ({neuron_rules[0]}), B = ({neuron_rules[1]}); incumbent "
                        f"party wins iff {form}")
    parts = [f"h{j} = tanh(" + " ".join(
        f"{W[p, j]:+.1f}*{names[cols[p]]}" for p in np.flatnonzero(W[:, j]))
        + f" {b[j]:+.1f})" for j in live]
    out = " ".join(f"{est.coefs_[1][j, 0]:+.1f}*h{j}" for j in live)
    return ("; ".join(parts) + f"; incumbent party wins iff {out} "
            f"{est.intercepts_[1][0]:+.1f} > 0")


def _spread(Zj, mine, k):
    """Patterns over a neuron's own keys, placed among the member's k keys."""
    Zk = np.zeros((len(Zj), k))
    Zk[:, mine] = Zj
    return Zk


def paper_rule_member(**params):
    """PrunedMLPClassifier whose criterion is the paper's: every training election
    classified correctly (criterion on the training data, no tolerance). Settings
    the estimator does not have in this version are left out."""
    wanted = dict(cv=None, validation_fraction=None, tolerance=0.0, noise_tolerance=0.0,
                  **params)
    known = PrunedMLPClassifier().get_params()
    return PrunedMLPClassifier(**{k: v for k, v in wanted.items() if k in known})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="skip the seed sweep")
    args = parser.parse_args()

    data = load_us_elections(as_frame=True)
    train = data.years <= 1980
    X, y = data.data[train], data.target[train]
    X_new, y_new = data.data[~train], data.target[~train].to_numpy()
    lichtman = ((X_new == 0).sum(axis=1) < 6).astype(int).to_numpy()
    print(f"training: {train.sum()} elections {data.years[train].min()}-"
          f"{data.years[train].max()}; later: {(~train).sum()} elections")

    start = time.perf_counter()
    member = paper_rule_member()
    committee = MinimalNetworkCommittee(estimator=member, n_networks=8, n_jobs=args.n_jobs,
                                        random_state=0).fit(X, y)
    elapsed = time.perf_counter() - start
    changed = {k: v for k, v in member.get_params().items()
               if v != PrunedMLPClassifier().get_params()[k]}
    print(f"\nMinimalNetworkCommittee(n_networks=8, random_state=0), member "
          f"PrunedMLPClassifier(**{changed}): {len(committee.attempts_)} fits, "
          f"{elapsed:.1f} s (n_jobs={args.n_jobs})\n")
    print(committee.describe())
    print("\nmembers' rules (training accuracy on the elections up to 1980):")
    for k, est in enumerate(committee.estimators_):
        cols = committee.estimators_features_[k]
        acc = est.score(X.iloc[:, cols], y)
        print(f"  member {k + 1} (train accuracy {acc:.3f}): {member_rule(committee, k)}")

    votes = committee._member_outputs(X_new, "predict")
    table = pd.DataFrame(votes.T, index=data.years[~train],
                         columns=[f"m{k + 1}" for k in range(len(votes))])
    soft = committee.set_params(voting="soft").predict(X_new)
    committee.set_params(voting="hard")
    table["hard vote"] = committee.predict(X_new)
    table["soft vote"] = soft
    table["disagreement"] = committee.disagreement(X_new).round(2)
    table["actual"] = y_new
    table["Lichtman"] = lichtman
    print("\nvotes on 1984-2024 (1 = incumbent party wins):")
    print(table.to_string())
    member_acc = (votes == y_new).mean(axis=1)
    print(f"\ncorrect of {len(y_new)}: hard vote {(table['hard vote'] == y_new).sum()}, "
          f"soft vote {(soft == y_new).sum()}, Lichtman {(lichtman == y_new).sum()}; "
          f"members {np.round(member_acc * len(y_new)).astype(int).tolist()}")
    ties = (table["disagreement"] == 1.0).sum()
    print(f"4-4 ties (broken towards the first class, 'lost'): {ties}")

    if args.quick:
        return
    print("\nseed sweep (n_networks=8):")
    rows = []
    members = {"paper rule, (16,)": paper_rule_member(),
               "paper rule, (4,)": paper_rule_member(hidden_layer_sizes=(4,)),
               "PrunedMLPClassifier() defaults": None}
    for label, est in members.items():
        for seed in range(3):
            start = time.perf_counter()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                c = MinimalNetworkCommittee(estimator=est, n_networks=8, n_jobs=args.n_jobs,
                                            random_state=seed).fit(X, y)
            train_ok = sum(
                e.score(X.iloc[:, cols], y) == 1.0
                for e, cols in zip(c.estimators_, c.estimators_features_))
            rows.append(dict(member=label, random_state=seed, members=len(c.estimators_),
                             all_train_correct=train_ok, fits=len(c.attempts_),
                             seconds=round(time.perf_counter() - start, 1),
                             hard=int((c.predict(X_new) == y_new).sum()),
                             soft=int((c.set_params(voting="soft").predict(X_new)
                                       == y_new).sum()),
                             warned=len(caught) > 0))
    print(pd.DataFrame(rows).to_string(index=False))
    print(f"(hard/soft: correct of {len(y_new)} elections 1984-2024; Lichtman: "
          f"{(lichtman == y_new).sum()})")


if __name__ == "__main__":
    main()
