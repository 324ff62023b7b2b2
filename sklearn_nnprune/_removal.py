"""The order in which a fitted pruned network's pruning removed its inputs.

Read from the fitted attributes (``pruning_history_``, ``masks_``, ``support_``)
by replaying the history (``_procedure.history``); shared by the selector's
``ranking_``, :func:`input_report` and the displays.
"""

from ._procedure import input_names, removal_ranking, removal_steps


def removal_steps_of(network):
    """:func:`removal_steps` of a fitted pruned network (read from its
    ``pruning_history_``, ``masks_``, ``support_`` and input names)."""
    names = input_names(network.n_features_in_, getattr(network, "feature_names_in_", None))
    return removal_steps(network.pruning_history_, [M.shape for M in network.masks_],
                         network.support_, names)


def network_ranking(network):
    """RFE-style ranking of the inputs of a fitted pruned network: 1 = kept, then
    the inputs removed last, ..., up to the input removed first."""
    steps, _, position = removal_steps_of(network)
    return removal_ranking(steps, position, network.support_)
