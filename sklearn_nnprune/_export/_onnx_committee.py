"""ONNX converter of MinimalNetworkCommittee: its members' networks and their vote.

Each member reads its own columns of the committee's input (``estimators_features_``
mapped through the member's compact inputs); the vote is that of
``MinimalNetworkCommittee.predict`` / ``predict_proba``.
"""

import numpy as np

from ._onnx_graph import (INT64, Graph, class_index, class_probabilities, compute_type,
                          network_output, write_label)


def _member_output(g, x, proto, member, columns):
    """The output layer of one member's compact network on the committee input."""
    return network_output(g, x, proto, member.compact_network(), member.activation,
                             member._output_activation, columns=columns)


def _member_index(g, out, member, classes):
    """Index in the committee's ``classes`` of the member's predicted label."""
    index = class_index(g, out, len(member.classes_))
    codes = np.searchsorted(classes, member.classes_).astype(np.int64)
    if np.array_equal(codes, np.arange(len(classes))):
        return index
    return g.node("Gather", [g.const("member_classes", codes, INT64), index],
                  "committee_index", axis=0)


def _one_hot(g, index, n_classes):
    """(n_samples, n_classes) 0/1 in the compute type: 1 at the voted class."""
    column = g.node("Reshape", [index, g.const("column", [-1, 1], INT64)], "vote")
    classes = g.const("class_range", np.arange(n_classes)[None, :], INT64)
    return g.node("Cast", [g.node("Equal", [column, classes], "votes")], "onehot",
                  to=g.dtype)


def _mean(g, terms):
    """Mean of equally shaped tensors: their sum in order, then / count (as numpy's
    mean over the stacked axis 0)."""
    total = terms[0]
    for term in terms[1:]:
        total = g.node("Add", [total, term], "sum")
    return g.node("Div", [total, g.const("count", [float(len(terms))])], "mean")


def _median(g, terms, width):
    """Median over members: TopK sorts the stacked outputs, then the middle value
    (or the mean of the two middle values, as numpy's median)."""
    if g.container.target_opset < 10:
        raise ValueError("median voting exports with target_opset >= 10 (TopK).")
    n = len(terms)
    stacked = g.node("Concat", [_lead_axis(g, t, width) for t in terms], "stacked",
                     axis=0)
    k = g.const("k", [n], INT64)
    values = g.node("TopK", [stacked, k], "sorted", n_outputs=2, axis=0)[0]
    low = g.node("Gather", [values, g.const("mid", np.int64((n - 1) // 2), INT64)],
                 "middle_low", axis=0)
    high = g.node("Gather", [values, g.const("mid", np.int64(n // 2), INT64)],
                  "middle_high", axis=0)
    return g.node("Mul", [g.node("Add", [low, high], "middle_sum"),
                          g.const("half", [0.5])], "median")


def _lead_axis(g, t, width):
    """``t`` (n_samples, width) reshaped to (1, n_samples, width)."""
    return g.node("Reshape", [t, g.const("lead", [1, -1, width], INT64)], "member")


def convert_committee(scope, operator, container):
    """MinimalNetworkCommittee: every member's compact network, then the vote."""
    from skl2onnx.common.data_types import guess_proto_type
    from skl2onnx.common.utils_classifier import get_label_classes
    committee = operator.raw_operator
    proto = guess_proto_type(operator.inputs[0].type)
    g = Graph(scope, container, compute_type(proto))
    x = operator.inputs[0].full_name
    rule = committee._vote_rule()
    outs = [_member_output(g, x, proto, member, np.asarray(columns))
            for member, columns in zip(committee.estimators_,
                                       committee.estimators_features_)]
    if committee._is_regression():
        vote = (_mean(g, outs) if rule == "mean"
                else _median(g, outs, committee.estimators_[0]._n_outputs))
        g.node("Identity", [vote], "prediction", output=operator.outputs[0].full_name)
        return
    classes = committee.classes_
    if rule == "soft":
        probas = [class_probabilities(g, out, len(member.classes_))
                  for out, member in zip(outs, committee.estimators_)]
    else:
        probas = [_one_hot(g, _member_index(g, out, member, classes), len(classes))
                  for out, member in zip(outs, committee.estimators_)]
    proba = g.node("Identity", [_mean(g, probas)], "proba",
                   output=operator.outputs[1].full_name)
    # argmax: the first class of largest share, the committee's tie rule.
    index = g.node("ArgMax", [proba], "index", axis=1, keepdims=0)
    write_label(g, index, get_label_classes(scope, committee),
                   operator.outputs[0].full_name)
