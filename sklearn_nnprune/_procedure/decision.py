"""The choice on the pruning path (issue 17): the one-standard-error rule over the
structures the path met, then a decision between the input sets around the
chosen structure with networks trained from fresh initial weights.

Why fresh weights: along the path a network inherits its weights from the
network before the step and is retrained briefly (``retrain_iter``), so a
structure's score also reflects the trajectory that led to it; an input that
helped early keeps the weights that use it, and removing it costs more than the
input is worth. Trained from the same fresh initialization on every fold, the
candidates differ only in their inputs.

Why the unpruned architecture on each input set, not the pruned structure:
trained from fresh weights, the sparse structures the path found train badly,
and the larger ones less badly (make_classification, 1,000 rows, 15 inputs, 5
informative: the path's structures with 5 inputs, 6 neurons, 22 synapses and
with 6 inputs, 7 neurons, 37 synapses score -0.305 and -0.242 in mean
log-probability, the unpruned architecture on the same input sets -0.193 and
-0.203), so a fresh comparison of pruned structures prefers the larger ones for
their trainability, not for their inputs.
The neurons and synapses stay the path's decision.

The functions take the :class:`.search.PathSearch` (criterion, trainer,
settings) and the path's points; they return indices and new states, and change
nothing they are given."""

from typing import NamedTuple

import numpy as np

from .state import Network, State

# How many input sets the fresh decision weighs at most (a line search along the
# path's sets from its choice; see decide_fresh).
MAX_FRESH = 6


class Choice(NamedTuple):
    """What the one-standard-error rule chose among ``scores``: the index, the
    index of the best and, per candidate, the standard error of its difference
    from the best."""

    index: int
    best: int
    ses: tuple


def one_se_choice(criterion, contributions, sizes):
    """The smallest candidate (by ``sizes``, tuples compared in order) whose
    score is within ``tolerance`` plus ``noise_tolerance`` standard errors of the
    best candidate's (:meth:`.criterion.Criterion.holds`); ties go to the higher
    score, then to the earlier candidate."""
    scores = [c.sum() for c in contributions]
    best = int(np.argmax(scores))
    ses = tuple(criterion.noise(contributions[best] - c) for c in contributions)
    admissible = [(sizes[k], -scores[k], k) for k, c in enumerate(contributions)
                  if criterion.holds(c, contributions[best])]
    return Choice(min(admissible)[2], best, ses)


def input_set(masks):
    """The inputs (columns) a structure keeps, as a tuple."""
    return tuple(int(i) for i in np.flatnonzero(masks[0].any(axis=1)))


def representative(criterion, points, members, sizes):
    """Among the path's ``members`` (indices of points with one input set), the
    one-standard-error choice by their path scores."""
    choice = one_se_choice(criterion, [points[k].contributions for k in members],
                           [sizes[k] for k in members])
    return members[choice.index]


def fresh_state(search, masks, seed):
    """Networks of the structure ``masks``, one per fold, trained for
    ``max_iter`` iterations from one fresh initialization (drawn from ``seed``,
    the same for every candidate, so that the candidates share their draws)."""
    rng = np.random.RandomState(seed)
    layer_sizes = [masks[0].shape[0]] + [M.shape[1] for M in masks]
    coefs, intercepts, masks = search.trainer.initialize(layer_sizes, rng, masks)
    nets = []
    for fold in search.criterion.folds:
        trained_coefs, trained_intercepts, info = search.trainer.train(
            fold.X, fold.Y, coefs, intercepts, masks, search.settings.max_iter, rng,
            sample_weight=fold.w)
        nets.append(Network(trained_coefs, trained_intercepts, masks, info["snapshots"]))
    return State(tuple(nets))


def input_set_masks(masks):
    """The unpruned architecture restricted to the inputs ``masks`` keeps: every
    hidden neuron and synapse of the full network, the removed inputs' rows off."""
    full = [np.ones(M.shape, dtype=bool) for M in masks]
    full[0][~masks[0].any(axis=1)] = False
    return full


class FreshDecision(NamedTuple):
    """The fresh decision: the chosen point's index, the fresh contributions of
    its input set and, per candidate point's index, the fresh score of its
    input set."""

    index: int
    contributions: np.ndarray
    scores: dict


def decide_fresh(search, points, index, seed):
    """Weigh the input sets the path met around the one of ``points[index]``
    with networks of the unpruned architecture on each set, trained from fresh
    weights, by :func:`one_se_choice` on their criterion (the fewest inputs
    within noise of the best).

    A line search along the path's input sets (each a subset of the one
    before): the chosen set and its neighbours first; while the choice is the
    largest (smallest) set weighed, the next larger (smaller) set of the path
    is weighed too, up to ``MAX_FRESH`` sets. The point returned for a set is
    the path's own choice among the structures with that set
    (:func:`representative`): its neurons and synapses were judged by the path.
    """
    masks = [p.state.masks for p in points]
    sizes = [search.size_of(m) for m in masks]
    sets = [input_set(m) for m in masks]
    order = list(dict.fromkeys(sets))
    here = order.index(sets[index])
    members = {}
    for k, found in enumerate(sets):
        members.setdefault(order.index(found), []).append(k)
    weighed = {}  # position in order -> (point index, contributions)

    def weigh(position):
        k = index if position == here else representative(
            search.criterion, points, members[position], sizes)
        state = fresh_state(search, input_set_masks(masks[k]), seed)
        weighed[position] = (k, search.criterion.contributions(state))

    for position in (here, here - 1, here + 1):
        if 0 <= position < len(order):
            weigh(position)
    while True:
        positions = sorted(weighed)
        choice = one_se_choice(search.criterion, [weighed[q][1] for q in positions],
                               [sizes[weighed[q][0]][:1] for q in positions])
        chosen = positions[choice.index]
        step = (-1 if chosen == positions[0] else 1 if chosen == positions[-1] else 0)
        following = positions[0] - 1 if step < 0 else positions[-1] + 1
        if not step or not 0 <= following < len(order) or len(weighed) >= MAX_FRESH:
            break
        weigh(following)
    scores = {k: float(c.sum()) for k, c in weighed.values()}
    return FreshDecision(weighed[chosen][0], weighed[chosen][1], scores)
