"""The exchange pass for inputs (issue 17, point 3): after the choice on the path,
try replacing a kept input by the best removed one, and keep the exchange where
the criterion improves beyond noise.

Why: pruning removes inputs one way only. An input that fits the folds by
chance can survive while a weak informative input, removed early when the
network still had many ways to use it, never comes back; the path then ends
with the noise input in the true one's place.

Which removed input: the one whose weights into the live first-layer neurons
would lower the training loss most, to first order, from zero (the gradient of
the loss at those zero weights, as grafting adds features). Which kept inputs
to try: the least significant ones by the pruning's own input indicators, up to
``MAX_EXCHANGES``. Each exchange is judged as the fresh decision judges input
sets (:mod:`.decision`): networks of the unpruned architecture on that set,
trained from fresh weights on every fold.
"""

from typing import NamedTuple

import numpy as np

from .._network import loss_and_gradients
from .._pruning import remove_inputs
from .decision import fresh_state, input_set_masks
from .ranking import rank_removals
from .state import State

# How many of the least significant kept inputs (groups) an exchange may replace.
MAX_EXCHANGES = 3


class Exchange(NamedTuple):
    """An exchange kept: the columns that go out and come in, the retrained
    state (the chosen structure with the incoming columns in place of the
    outgoing ones) and the fresh scores of the sets tried, by incoming set."""

    out_columns: tuple
    in_columns: tuple
    state: State
    scores: dict


def _groups(settings, n_inputs):
    return (settings.input_groups if settings.input_groups is not None
            else tuple(np.array([i]) for i in range(n_inputs)))


def entry_gradients(search, state):
    """Per input column: the summed absolute gradient of the (unpenalized)
    training loss at zero weights from that column into every live first-layer
    neuron, over the folds' networks; 0 for the kept columns."""
    settings = search.settings
    total = 0.0
    for net, fold in zip(state.nets, search.criterion.folds):
        live = net.masks[0].any(axis=0)
        masks = [M.copy() for M in net.masks]
        masks[0][:, live] = True
        _, grads, _ = loss_and_gradients(fold.X, fold.Y, net.coefs, net.intercepts, masks,
                                         0.0, settings.activation,
                                         settings.output_activation, net.steps,
                                         sample_weight=fold.w)
        total = total + np.abs(grads[0]).sum(axis=1)
    return np.where(state.masks[0].any(axis=1), 0.0, total)


def exchanged_state(search, state, out_columns, in_columns):
    """``state`` with the columns ``out_columns`` removed (folded into the biases
    at their reference value) and ``in_columns`` connected, from zero weights, to
    the first-layer neurons the outgoing ones reached (:func:`exchange_masks`);
    retrained briefly."""
    networks = []
    for net in state.nets:
        coefs, intercepts, _ = remove_inputs(net.coefs, net.intercepts, net.masks,
                                             list(out_columns),
                                             search.settings.input_reference)
        networks.append((coefs, intercepts, exchange_masks(net.masks, out_columns,
                                                           in_columns)))
    return search.retrain(networks)


def exchange_pass(search, state, incumbent, seed):
    """The best exchange of one kept input (group) for the best removed one that
    improves the fresh criterion beyond ``tolerance`` plus ``noise_tolerance``
    standard errors over the ``incumbent`` contributions (the fresh score of the
    chosen set); None when none does."""
    settings, criterion = search.settings, search.criterion
    groups = _groups(settings, state.masks[0].shape[0])
    live = state.masks[0].any(axis=1)
    removed = [g for g, cols in enumerate(groups) if not live[cols].any()]
    if not removed:
        return None
    gradients = entry_gradients(search, state)
    incoming = max(removed, key=lambda g: (gradients[groups[g]].sum(), -g))
    keys, _ = rank_removals("inputs", state, criterion.folds, settings)
    tried, best = {}, None
    for outgoing in keys[:MAX_EXCHANGES]:
        masks = input_set_masks(state.masks)
        masks[0][groups[outgoing]] = False
        masks[0][groups[incoming]] = True
        contributions = criterion.contributions(fresh_state(search, masks, seed))
        tried[int(outgoing)] = float(contributions.sum())
        if best is None or contributions.sum() > best[1].sum():
            best = (outgoing, contributions)
    if best is None or criterion.holds(incumbent, best[1]):
        return None
    out_columns = tuple(int(i) for i in groups[best[0]])
    in_columns = tuple(int(i) for i in groups[incoming])
    return Exchange(out_columns, in_columns,
                    exchanged_state(search, state, out_columns, in_columns), tried)


def exchange_masks(masks, out_columns, in_columns):
    """The masks after an exchange (for replaying a history): the incoming
    columns reach the first-layer neurons the outgoing ones reached."""
    masks = [M.copy() for M in masks]
    reached = masks[0][list(out_columns)].any(axis=0)
    masks[0][list(out_columns)] = False
    masks[0][np.ix_(list(in_columns), np.flatnonzero(reached))] = True
    return masks
