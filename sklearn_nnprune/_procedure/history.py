"""The pruning path as records, its rows as ``pruning_history_`` shows them, and
the order of removal read back from those rows.

The procedure records a :class:`Step` per attempted step, with the keys of the
elements (see :mod:`.ranking`); the estimators turn them into rows that name the
elements (:func:`history_rows`). :func:`removal_steps` replays the accepted rows on
the masks to find, for every input, the step that took it out (directly or by the
cascade), which is what the selector's ``ranking_`` and the input report need.
"""

import re
from typing import NamedTuple

import numpy as np

from .._network import count_structure
from .exchange import exchange_masks

_NEURON = re.compile(r"^h(\d+)\[(\d+)\]$")
_OUTPUT = re.compile(r"^out\[(\d+)\]$")


class Step(NamedTuple):
    """One attempted step: what it removed (or fixed, binarized, merged), whether it
    stands in the returned network, whether it was forced, the criterion score
    after it and the structure it produced (for a rejected step, that of the
    network tried and undone); ``on_path`` whether the path walked on from it
    (also past the chosen point), ``chosen`` whether its structure was chosen on
    the path, ``se`` the standard error of its score's difference from the
    best structure of the path (NaN where no choice was made) and
    ``fresh_score`` the criterion score of its structure trained from fresh
    initial weights (NaN where it was not a final candidate)."""

    kind: str
    keys: tuple
    accepted: bool
    forced: bool
    score: float
    n_inputs: int
    n_neurons: int
    n_synapses: int
    on_path: bool = False
    chosen: bool = False
    se: float = float("nan")
    fresh_score: float = float("nan")

    @classmethod
    def of(cls, kind, keys, accepted, forced, score, masks):
        return cls(kind, tuple(keys), bool(accepted), bool(forced), float(score),
                   *count_structure(masks), on_path=bool(accepted))

    def describe(self, number):
        """The progress line of step ``number``."""
        verdict = "forced" if self.forced else "accepted" if self.accepted else "rejected"
        return (f"step {number}: {self.kind} -{len(self.keys)} {verdict} "
                f"score={self.score:.4f} structure=({self.n_inputs} inputs, "
                f"{self.n_neurons} neurons, {self.n_synapses} synapses)")


def input_names(n_features, feature_names=None):
    """The inputs' names: the feature names, or ``x0, x1, ...``."""
    if feature_names is not None:
        return [str(n) for n in feature_names]
    return [f"x{i}" for i in range(n_features)]


def element_name(kind, key, names, n_weight_layers):
    """Name of the element ``key`` of ``kind``: an input's name, ``h1[3]`` for a
    hidden neuron, ``x0->h1[3]`` or ``h1[3]->out[0]`` for a synapse."""
    if kind in ("inputs", "dependent"):
        return names[key]
    if kind == "exchange":  # the columns going out, then "+name" for those coming in
        return f"+{names[key[1]]}" if isinstance(key, tuple) else names[key]
    if kind in ("neurons", "binarize", "merge", "negligible"):
        return f"h{key[0]}[{key[1]}]"
    layer, i, j = key
    src = names[i] if layer == 0 else f"h{layer}[{i}]"
    dst = f"h{layer + 1}[{j}]" if layer + 1 < n_weight_layers else f"out[{j}]"
    return f"{src}->{dst}"


def _number(value):
    """A float, or None where it is NaN (not measured): rows compare equal and
    write as strict JSON."""
    return None if np.isnan(value) else float(value)


def _n_removed(step):
    """How many elements a step removed: for an exchange, the outgoing columns
    (listed first; the incoming ones follow as "+name")."""
    if step.kind == "exchange":
        return sum(not isinstance(k, tuple) for k in step.keys)
    return len(step.keys)


def history_rows(steps, names, n_weight_layers):
    """``pruning_history_``: one dict per :class:`Step`, the elements named."""
    return [{"step": number, "kind": step.kind,
             "removed": [element_name(step.kind, k, names, n_weight_layers)
                         for k in step.keys],
             "n_removed": _n_removed(step), "accepted": step.accepted,
             "forced": step.forced, "score": step.score, "n_inputs": step.n_inputs,
             "n_neurons": step.n_neurons, "n_synapses": step.n_synapses,
             "on_path": step.on_path, "chosen": step.chosen, "se": _number(step.se),
             "fresh_score": _number(step.fresh_score)}
            for number, step in enumerate(steps, start=1)]


def _cascade_masks(masks):
    """Masks-only mirror of ``_pruning.cascade``: drop hidden neurons without
    incoming or without outgoing synapses, until nothing changes (in place)."""
    changed = True
    while changed:
        changed = False
        for layer in range(1, len(masks)):
            has_in = masks[layer - 1].any(axis=0)
            has_out = masks[layer].any(axis=1)
            dangling = np.flatnonzero(has_in != has_out)
            if dangling.size:
                masks[layer - 1][:, dangling] = False
                masks[layer][dangling] = False
                changed = True


def _remove_by_name(masks, kind, name, input_index):
    """Apply one removed element of a history row to the masks (in place); returns
    the input index for an input, else None."""
    if kind in ("inputs", "dependent"):
        i = input_index[name]
        masks[0][i] = False
        return i
    if kind in ("neurons", "merge", "negligible"):
        layer, j = (int(g) for g in _NEURON.match(name).groups())
        masks[layer - 1][:, j] = False
        masks[layer][j] = False
        return None
    src, dst = name.rsplit("->", 1)
    match = _NEURON.match(dst)
    if match:
        layer, j = int(match.group(1)) - 1, int(match.group(2))
    else:
        layer, j = len(masks) - 1, int(_OUTPUT.match(dst).group(1))
    i = input_index[src] if layer == 0 else int(_NEURON.match(src).group(2))
    masks[layer][i, j] = False
    return None


def _replay(history, shapes, names):
    """Replay the accepted rows on full masks of ``shapes``: per input, the step and
    kind that removed it and its position in the step's rank order, and the
    support the replay ends with."""
    input_index = {name: i for i, name in enumerate(names)}
    masks = [np.ones(shape, dtype=bool) for shape in shapes]
    n_features = len(names)
    steps = np.zeros(n_features, dtype=int)
    kinds = np.full(n_features, None, dtype=object)
    position = np.zeros(n_features)
    for entry in history:
        if not entry["accepted"]:
            continue
        if entry["kind"] == "exchange":
            # By position, so that a column whose own name starts with "+" is read
            # right: the first n_removed go out, the others ("+name") come in.
            n_out = entry.get("n_removed", len(entry["removed"]) // 2)
            going = [input_index[n] for n in entry["removed"][:n_out]]
            coming = [input_index[n[1:]] for n in entry["removed"][n_out:]]
            masks[:] = exchange_masks(masks, going, coming)
            steps[going], kinds[going] = entry["step"], "exchange"
            steps[coming], kinds[coming], position[coming] = 0, None, 0
            continue
        before = masks[0].any(axis=1)
        for pos, name in enumerate(entry["removed"]):
            i = _remove_by_name(masks, entry["kind"], name, input_index)
            if i is not None:
                # Removed inputs are listed least significant first.
                position[i] = pos + 1
        _cascade_masks(masks)
        gone = before & ~masks[0].any(axis=1)
        steps[gone] = entry["step"]
        kinds[gone] = entry["kind"]
    return steps, kinds, position, masks[0].any(axis=1)


def removal_steps(history, shapes, support, names):
    """For each input of a fitted pruned network: the step of its ``history`` (the
    rows of ``pruning_history_``) that removed it (0 = kept, -1 = removed at an
    unknown step), the kind of that step, and its position in the step's rank
    order (larger = more significant). ``shapes`` are those of ``masks_``,
    ``support`` is ``support_`` and ``names`` the inputs' names."""
    support = np.asarray(support, dtype=bool)
    try:
        steps, kinds, position, replayed = _replay(history, shapes, names)
    except (KeyError, AttributeError, ValueError, IndexError):
        n_features = len(names)
        steps, kinds = np.zeros(n_features, dtype=int), np.full(n_features, None, object)
        position, replayed = np.zeros(n_features), None
    if replayed is None or not np.array_equal(replayed, support):
        # The history does not explain the fitted masks (e.g. a network built
        # outside the pruning loop): keep what is certain, the support.
        unknown = ~support & (steps == 0) if replayed is not None else ~support
        steps[unknown] = -1
        kinds[unknown] = None
        steps[support] = 0
        kinds[support] = None
    return steps, kinds, position


def removal_ranking(steps, position, support):
    """RFE-style ranking of the inputs from :func:`removal_steps`: 1 = kept, then
    the inputs removed last, ..., up to the input removed first."""
    support = np.asarray(support, dtype=bool)
    # An unknown step counts as "removed last": the only certain fact is removal.
    step_key = np.where(steps < 0, np.iinfo(np.int64).max, steps)
    removed = np.flatnonzero(~support)
    order = removed[np.lexsort((-removed, position[removed], step_key[removed]))[::-1]]
    ranking = np.ones(support.shape[0], dtype=int)
    ranking[order] = np.arange(2, order.size + 2)
    return ranking

