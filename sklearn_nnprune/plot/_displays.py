"""PruningPathDisplay, SensitivityDisplay and NetworkDisplay.

Each follows scikit-learn's Display convention: the constructor stores what is to
be drawn, ``from_estimator`` computes it from a fitted estimator and draws it, and
``plot(ax=None)`` draws it on ``ax`` (a new figure when None), storing the matplotlib
artists in attributes ending in ``_`` together with ``ax_`` and ``figure_``.
matplotlib is imported inside ``plot`` only.
"""

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from .._inspect import sensitivity_indicators
from .._report import _input_names, _removal_steps

_KINDS = ("inputs", "neurons", "synapses")
_KIND_MARKERS = {"inputs": "o", "neurons": "s", "synapses": "^"}
_SIZE_LABELS = {"n_inputs": "number of inputs", "n_neurons": "number of hidden neurons",
                "n_synapses": "number of synapses", "step": "pruning step"}
_POSITIVE, _NEGATIVE = "tab:blue", "tab:red"
_REMOVED = "lightgrey"


def _import_pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "Plotting needs matplotlib, which is not installed. Install it with "
            "`pip install sklearn-nnprune[plot]` (or `pip install matplotlib`).") from exc
    return plt


def _networks_of(estimator):
    """(networks, owner): the fitted pruned network(s) behind an estimator, and the
    object whose ``support_`` and ``feature_importances_`` are reported."""
    if hasattr(estimator, "estimators_") and hasattr(estimator, "ranking_"):
        check_is_fitted(estimator)
        return list(estimator.estimators_), estimator
    check_is_fitted(estimator)
    if not (hasattr(estimator, "masks_") and hasattr(estimator, "pruning_history_")):
        raise TypeError("estimator must be a fitted PrunedMLPClassifier, PrunedMLPRegressor "
                        f"or NetworkInputSelector, got {type(estimator).__name__}.")
    return [estimator], estimator


def _main_network(estimator):
    networks, owner = _networks_of(estimator)
    return getattr(owner, "estimator_", networks[0])


def _new_axes(ax, figsize=None):
    plt = _import_pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, constrained_layout=True)
    return ax


def _check_names(names, n_features):
    if names is None:
        return None
    names = [str(n) for n in names]
    if len(names) != n_features:
        raise ValueError(f"feature_names has {len(names)} names for {n_features} inputs.")
    return names


class PruningPathDisplay:
    """Criterion score against structure size along the pruning path.

    The accepted steps form the path from the unpruned network to the pruned one,
    each step marked by the kind of element it removed; rejected attempts are
    drawn as crosses, forced steps (a cap, or ``tolerance=None``) are circled, and
    horizontal lines show the unpruned network's score and the tolerance below it.

    Parameters
    ----------
    history : pandas.DataFrame
        The pruning path, as returned by ``pruning_report()``.
    baseline_score : float
        Criterion score of the unpruned network.
    full_sizes : dict
        ``n_inputs``, ``n_neurons`` and ``n_synapses`` of the unpruned network.
    tolerance : float or None, default=None
        The network's tolerance (a line at ``baseline_score - tolerance``).
    estimator_name : str or None, default=None
        Name shown in the title.
    scoring : str or None, default=None
        Name of the criterion score (the vertical axis), e.g. "neg_log_loss".

    Attributes
    ----------
    line_ : matplotlib Line2D
        The path through the accepted steps.
    markers_ : dict of str to matplotlib PathCollection
        Markers of the accepted steps, one collection per kind of element removed.
    rejected_ : matplotlib PathCollection or None
        The rejected attempts.
    forced_ : matplotlib PathCollection or None
        Circles around the forced steps (a cap being reached, or quantization and
        binarization with ``tolerance=None``).
    ax_ : matplotlib Axes
        Axes with the plot.
    figure_ : matplotlib Figure
        Figure containing the plot.

    See Also
    --------
    SensitivityDisplay : Input importances.
    NetworkDisplay : The pruned network.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn_nnprune import PrunedMLPRegressor
    >>> from sklearn_nnprune.plot import PruningPathDisplay
    >>> X, y = make_friedman1(n_samples=200, n_features=6, random_state=0)
    >>> reg = PrunedMLPRegressor(hidden_layer_sizes=(4,), max_iter=100, retrain_iter=20,
    ...                          random_state=0).fit(X, y)
    >>> display = PruningPathDisplay.from_estimator(reg)
    >>> display.line_.get_xdata()[-1] == reg.n_synapses_
    np.True_
    """

    def __init__(self, *, history, baseline_score, full_sizes, tolerance=None,
                 estimator_name=None, scoring=None):
        self.history = history
        self.scoring = scoring
        self.baseline_score = baseline_score
        self.full_sizes = full_sizes
        self.tolerance = tolerance
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, size="n_synapses", show_rejected=True, ax=None,
                       name=None):
        """Draw the pruning path of a fitted pruned network.

        Parameters
        ----------
        estimator : PrunedMLPClassifier, PrunedMLPRegressor or NetworkInputSelector
            A fitted estimator (for a selector, its ``estimator_``).
        size : {"n_synapses", "n_neurons", "n_inputs", "step"}, default="n_synapses"
            What the horizontal axis shows; structure sizes decrease to the right.
        show_rejected : bool, default=True
            Whether to draw the rejected attempts.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        name : str or None, default=None
            Name in the title; None uses the estimator's class name.

        Returns
        -------
        display : PruningPathDisplay
        """
        network = _main_network(estimator)
        full = {"n_inputs": int(network.n_features_in_),
                "n_neurons": int(sum(M.shape[1] for M in network.masks_[:-1])),
                "n_synapses": int(sum(M.size for M in network.masks_))}
        display = cls(history=network.pruning_report(),
                      baseline_score=float(network.baseline_score_), full_sizes=full,
                      tolerance=getattr(network, "tolerance", None),
                      estimator_name=name or type(network).__name__,
                      scoring=getattr(network, "scoring_", None))
        return display.plot(ax=ax, size=size, show_rejected=show_rejected)

    def plot(self, ax=None, *, size="n_synapses", show_rejected=True, name=None):
        """Draw the path.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        size : {"n_synapses", "n_neurons", "n_inputs", "step"}, default="n_synapses"
            What the horizontal axis shows.
        show_rejected : bool, default=True
            Whether to draw the rejected attempts.
        name : str or None, default=None
            Name in the title; None uses ``estimator_name``.

        Returns
        -------
        display : PruningPathDisplay
        """
        if size not in _SIZE_LABELS:
            raise ValueError(f"size must be one of {sorted(_SIZE_LABELS)}, got {size!r}.")
        ax = _new_axes(ax)
        hist = self.history
        accepted = hist[hist["accepted"].astype(bool)]
        start = 0 if size == "step" else self.full_sizes[size]
        xs = np.concatenate([[start], accepted[size].to_numpy(dtype=float)])
        ys = np.concatenate([[self.baseline_score], accepted["score"].to_numpy(dtype=float)])
        (self.line_,) = ax.plot(xs, ys, "-", color="C0", lw=1.5, zorder=2,
                                label="accepted steps")
        ax.scatter(xs[:1], ys[:1], marker="*", s=120, color="k", zorder=3,
                   label="unpruned network")
        self.markers_ = {}
        for k, kind in enumerate(_KINDS):
            rows = accepted[accepted["kind"] == kind]
            if len(rows):
                self.markers_[kind] = ax.scatter(
                    rows[size], rows["score"], marker=_KIND_MARKERS[kind], s=36,
                    color=f"C{k + 1}", zorder=3, label=f"{kind} removed")
        forced = accepted[accepted["forced"].astype(bool)]
        self.forced_ = None
        if len(forced):
            self.forced_ = ax.scatter(forced[size], forced["score"], s=140,
                                      facecolors="none", edgecolors="k", zorder=4,
                                      label="forced (cap, or tolerance=None)")
        self.past_chosen_, self.chosen_ = None, None
        if "on_path" in hist:
            # The path walked on past the chosen structure: drawn, not taken.
            past = hist[hist["on_path"].astype(bool) & ~hist["accepted"].astype(bool)]
            if len(past):
                chosen = hist[hist["chosen"].astype(bool)]
                before = chosen if len(chosen) else accepted.iloc[-1:]
                tail = pd.concat([before.iloc[-1:], past])
                (self.past_chosen_,) = ax.plot(
                    tail[size].to_numpy(dtype=float), tail["score"].to_numpy(dtype=float),
                    "--", color="C0", lw=1, alpha=0.6, zorder=2,
                    label="path past the chosen structure")
            chosen = hist[hist["chosen"].astype(bool)]
            if len(chosen):
                self.chosen_ = ax.scatter(chosen[size], chosen["score"], marker="D", s=90,
                                          facecolors="none", edgecolors="r", lw=1.5,
                                          zorder=5, label="chosen (1-SE rule)")
        self.rejected_ = None
        rejected = hist[~hist["accepted"].astype(bool) & ~hist.get(
            "on_path", pd.Series(False, index=hist.index)).astype(bool)]
        rejected = rejected[np.isfinite(rejected["score"].to_numpy(dtype=float))]
        if show_rejected and len(rejected):
            self.rejected_ = ax.scatter(rejected[size], rejected["score"], marker="x",
                                        s=30, color="grey", zorder=2,
                                        label="rejected (restored)")
        ax.axhline(self.baseline_score, color="k", ls=":", lw=1)
        if self.tolerance is not None:
            ax.axhline(self.baseline_score - self.tolerance, color="k", ls="--", lw=1,
                       label="unpruned - tolerance")
        if size != "step" and not ax.xaxis_inverted():
            ax.invert_xaxis()
        ax.set_xlabel(_SIZE_LABELS[size] + ("" if size == "step" else " (pruning →)"))
        ax.set_ylabel("criterion score" + (f" ({self.scoring})" if self.scoring else ""))
        final = accepted.iloc[-1] if len(accepted) else None
        structure = (f"{int(final['n_inputs'])} inputs, {int(final['n_neurons'])} neurons, "
                     f"{int(final['n_synapses'])} synapses" if final is not None
                     else "not pruned")
        ax.set_title(f"{name or self.estimator_name or 'Pruning path'}: {structure}")
        ax.legend(loc="best", fontsize="small")
        self.ax_, self.figure_ = ax, ax.figure
        return self


class SensitivityDisplay:
    """Bar chart of input importances; removed inputs greyed.

    Parameters
    ----------
    importances : ndarray of shape (n_features,)
        Importance of each input.
    feature_names : list of str
        Names of the inputs.
    support : ndarray of bool of shape (n_features,)
        Inputs kept.
    ranking : ndarray of int of shape (n_features,) or None, default=None
        Order of removal (1 = kept, larger = removed earlier); orders removed inputs.
    removed_at_step : ndarray of int of shape (n_features,) or None, default=None
        Pruning step that removed each input (0 = kept, -1 = unknown).
    votes : ndarray of int of shape (n_features,) or None, default=None
        For a committee: number of networks that keep each input.
    n_networks : int or None, default=None
        For a committee: number of networks.
    dependent : ndarray of int or None, default=None
        For a selector: inputs dropped as exact linear combinations of the
        selected ones (``NetworkInputSelector.dependent_inputs_``).
    xlabel : str, default="importance"
        Label of the value axis.
    estimator_name : str or None, default=None
        Name shown in the title.

    Attributes
    ----------
    bars_ : matplotlib BarContainer
        One bar per input, most important at the top, removed inputs at the bottom.
    labels_ : list of str
        Input names in the order drawn (top to bottom).
    annotations_ : list of matplotlib Text
        "removed at step k" notes next to the removed inputs ("linear combination
        of selected inputs" next to a selector's dependent inputs).
    ax_ : matplotlib Axes
        Axes with the plot.
    figure_ : matplotlib Figure
        Figure containing the plot.

    See Also
    --------
    input_report : The same numbers as a DataFrame.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn_nnprune import PrunedMLPRegressor
    >>> from sklearn_nnprune.plot import SensitivityDisplay
    >>> X, y = make_friedman1(n_samples=200, n_features=6, random_state=0)
    >>> reg = PrunedMLPRegressor(hidden_layer_sizes=(4,), max_iter=100, retrain_iter=20,
    ...                          random_state=0).fit(X, y)
    >>> display = SensitivityDisplay.from_estimator(reg)
    >>> len(display.bars_)
    6
    """

    def __init__(self, *, importances, feature_names, support, ranking=None,
                 removed_at_step=None, votes=None, n_networks=None, dependent=None,
                 xlabel="importance", estimator_name=None):
        self.importances = importances
        self.feature_names = feature_names
        self.support = support
        self.ranking = ranking
        self.removed_at_step = removed_at_step
        self.votes = votes
        self.n_networks = n_networks
        self.dependent = dependent
        self.xlabel = xlabel
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, X=None, y=None, *, indicator="sum",
                       feature_names=None, ax=None, name=None):
        """Draw the input importances of a fitted pruned network or selector.

        Parameters
        ----------
        estimator : PrunedMLPClassifier, PrunedMLPRegressor or NetworkInputSelector
            A fitted estimator.
        X : array-like of shape (n_samples, n_features_in_) or None, default=None
            None: draw ``feature_importances_`` (measured on the training data at
            fit). Otherwise the sensitivities are measured on (X, y) and drawn as
            shares of their total.
        y : array-like of shape (n_samples,) or None, default=None
            Targets of X; required with X.
        indicator : {"sum", "max"}, default="sum"
            Aggregation over the samples of X when X is given.
        feature_names : list of str or None, default=None
            Names of the inputs; None uses the names seen at fit or x0, x1, ...
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        name : str or None, default=None
            Name in the title; None uses the estimator's class name.

        Returns
        -------
        display : SensitivityDisplay
        """
        networks, owner = _networks_of(estimator)
        if (X is None) != (y is None):
            raise ValueError("Pass both X and y to measure sensitivities on data, or "
                             "neither to draw feature_importances_.")
        if indicator not in ("sum", "max"):
            raise ValueError(f"indicator must be 'sum' or 'max', got {indicator!r}.")
        if X is None:
            values = np.asarray(owner.feature_importances_, dtype=float)
            xlabel = "importance (share of the input sensitivity)"
        else:
            values = np.mean([sensitivity_indicators(net, X, y, kind="inputs",
                                                     indicator=indicator)
                              for net in networks], axis=0)
            total = values.sum()
            values = values / total if total > 0 else values
            xlabel = f"share of the input sensitivity ({indicator}, measured on X)"
        n_features = values.shape[0]
        names = _check_names(feature_names, n_features) or _input_names(networks[0])
        committee = len(networks) > 1
        display = cls(importances=values, feature_names=names,
                      support=np.asarray(owner.support_, dtype=bool),
                      ranking=getattr(owner, "ranking_", None),
                      removed_at_step=None if committee else _removal_steps(networks[0])[0],
                      votes=owner.votes_ if committee else None,
                      n_networks=len(networks) if committee else None,
                      dependent=getattr(owner, "dependent_inputs_", None),
                      xlabel=xlabel, estimator_name=name or type(owner).__name__)
        return display.plot(ax=ax)

    def plot(self, ax=None, *, name=None):
        """Draw the bar chart.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure sized to the number of inputs.
        name : str or None, default=None
            Name in the title; None uses ``estimator_name``.

        Returns
        -------
        display : SensitivityDisplay
        """
        values = np.asarray(self.importances, dtype=float)
        support = np.asarray(self.support, dtype=bool)
        n = values.shape[0]
        ax = _new_axes(ax, figsize=(6.4, max(2.5, 0.3 * n + 1.2)))
        kept = np.flatnonzero(support)
        kept = kept[np.argsort(-values[kept], kind="stable")]
        removed = np.flatnonzero(~support)
        if self.ranking is not None:
            removed = removed[np.argsort(np.asarray(self.ranking)[removed], kind="stable")]
        else:
            removed = removed[np.argsort(-values[removed], kind="stable")]
        order = np.concatenate([kept, removed]).astype(int)
        positions = np.arange(n)[::-1]
        colors = ["C0" if support[i] else _REMOVED for i in order]
        self.bars_ = ax.barh(positions, values[order], color=colors,
                             edgecolor=["C0" if support[i] else "grey" for i in order])
        self.labels_ = [str(self.feature_names[i]) for i in order]
        ax.set_yticks(positions, self.labels_)
        for tick, i in zip(ax.get_yticklabels(), order):
            if not support[i]:
                tick.set_color("grey")
        self.annotations_ = []
        steps = self.removed_at_step
        dependent = set() if self.dependent is None else set(np.asarray(self.dependent).tolist())
        for pos, i in zip(positions, order):
            if support[i]:
                continue
            if i in dependent:
                text = "linear combination of selected inputs"
            elif self.votes is not None:
                text = f"not selected: kept by {int(self.votes[i])} of {self.n_networks}"
            elif steps is None or steps[i] <= 0:
                text = "removed"
            else:
                text = f"removed at step {int(steps[i])}"
            self.annotations_.append(ax.annotate(
                text, (values[i], pos), xytext=(4, 0), textcoords="offset points",
                va="center", fontsize="small", color="grey"))
        ax.set_xlabel(self.xlabel)
        top = values.max() if n and values.max() > 0 else 1.0
        # Room on the right for the notes: "removed at step" next to near-zero bars,
        # the longer dependence note next to bars of any length.
        ax.set_xlim(0, top * (1.7 if dependent & set(order[~support[order]].tolist())
                              else 1.25))
        ax.set_ylim(-0.6, n - 0.4)
        ax.set_title(f"{name or self.estimator_name or 'Inputs'}: "
                     f"{support.sum()} of {n} inputs kept")
        self.ax_, self.figure_ = ax, ax.figure
        return self


class NetworkDisplay:
    """The pruned network: layers of neurons and the synapses that remain.

    Line width is proportional to the weight's magnitude (in the standardized
    space the network was trained in, so that inputs compare), colour gives its
    sign (blue positive, red negative). Inputs are labelled by name; removed
    inputs can be shown greyed, removed hidden neurons are not drawn.

    Parameters
    ----------
    coefs : list of ndarray
        Weight matrices, one per layer.
    masks : list of ndarray of bool
        Shaped like ``coefs``; True = synapse present.
    feature_names : list of str
        Names of the inputs.
    output_names : list of str
        Names of the outputs.
    estimator_name : str or None, default=None
        Name shown in the title.

    Attributes
    ----------
    synapses_ : matplotlib LineCollection
        One segment per remaining synapse.
    neurons_ : matplotlib PathCollection
        One point per drawn unit (inputs, hidden neurons, outputs).
    input_labels_ : list of matplotlib Text
        Names of the drawn inputs.
    output_labels_ : list of matplotlib Text
        Names of the outputs.
    ax_ : matplotlib Axes
        Axes with the plot.
    figure_ : matplotlib Figure
        Figure containing the plot.

    See Also
    --------
    PruningPathDisplay : How the network got there.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn_nnprune import PrunedMLPRegressor
    >>> from sklearn_nnprune.plot import NetworkDisplay
    >>> X, y = make_friedman1(n_samples=200, n_features=6, random_state=0)
    >>> reg = PrunedMLPRegressor(hidden_layer_sizes=(4,), max_iter=100, retrain_iter=20,
    ...                          random_state=0).fit(X, y)
    >>> display = NetworkDisplay.from_estimator(reg)
    >>> len(display.synapses_.get_segments()) == reg.n_synapses_
    True
    """

    def __init__(self, *, coefs, masks, feature_names, output_names, estimator_name=None):
        self.coefs = coefs
        self.masks = masks
        self.feature_names = feature_names
        self.output_names = output_names
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, feature_names=None, show_removed_inputs=True,
                       ax=None, name=None):
        """Draw a fitted pruned network (for a selector, its ``estimator_``).

        Parameters
        ----------
        estimator : PrunedMLPClassifier, PrunedMLPRegressor or NetworkInputSelector
            A fitted estimator.
        feature_names : list of str or None, default=None
            Names of the inputs; None uses the names seen at fit or x0, x1, ...
        show_removed_inputs : bool, default=True
            Draw the removed inputs greyed, without synapses.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        name : str or None, default=None
            Name in the title; None uses the estimator's class name.

        Returns
        -------
        display : NetworkDisplay
        """
        network = _main_network(estimator)
        state = getattr(network, "_state", None)
        # Standardized-space weights compare across inputs of different units.
        coefs = [np.asarray(W) for W in (state.coefs if state is not None
                                         else network.coefs_)]
        masks = [np.asarray(M, dtype=bool) for M in network.masks_]
        names = (_check_names(feature_names, network.n_features_in_)
                 or _input_names(network))
        n_out = masks[-1].shape[1]
        classes = getattr(network, "classes_", None)
        if classes is not None:
            outputs = ([f"P({classes[1]})"] if n_out == 1
                       else [f"P({c})" for c in classes])
        else:
            outputs = ["y"] if n_out == 1 else [f"y{k}" for k in range(n_out)]
        display = cls(coefs=coefs, masks=masks, feature_names=names, output_names=outputs,
                      estimator_name=name or type(network).__name__)
        return display.plot(ax=ax, show_removed_inputs=show_removed_inputs)

    def plot(self, ax=None, *, show_removed_inputs=True, name=None):
        """Draw the network.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure sized to the widest layer.
        show_removed_inputs : bool, default=True
            Draw the removed inputs greyed, without synapses.
        name : str or None, default=None
            Name in the title; None uses ``estimator_name``.

        Returns
        -------
        display : NetworkDisplay
        """
        plt = _import_pyplot()
        from matplotlib.collections import LineCollection
        from matplotlib.lines import Line2D

        masks = [np.asarray(M, dtype=bool) for M in self.masks]
        coefs = [np.where(M, np.asarray(W, dtype=float), 0.0)
                 for W, M in zip(self.coefs, masks)]
        alive = [masks[0].any(axis=1)]
        alive += [M_in.any(axis=0) & M_out.any(axis=1) for M_in, M_out in zip(masks[:-1],
                                                                            masks[1:])]
        alive.append(np.ones(masks[-1].shape[1], dtype=bool))
        drawn = [alive[0] | show_removed_inputs] + alive[1:]
        widest = max(int(d.sum()) for d in drawn)
        if ax is None:
            _, ax = plt.subplots(figsize=(6.4 + 0.8 * len(masks),
                                          max(3.0, 0.4 * widest + 1.0)),
                                 constrained_layout=True)
        # Units of a layer are spread evenly and centred on 0, first at the top.
        ypos = []
        for d in drawn:
            y = np.full(d.shape[0], np.nan)
            y[d] = (d.sum() - 1) / 2.0 - np.arange(d.sum())
            ypos.append(y)

        segments, widths, colors = [], [], []
        scale = max((np.abs(W).max() for W in coefs if W.size), default=0.0) or 1.0
        for layer, (W, M) in enumerate(zip(coefs, masks)):
            i, j = np.nonzero(M)
            start = np.column_stack([np.full(i.size, layer), ypos[layer][i]])
            end = np.column_stack([np.full(j.size, layer + 1), ypos[layer + 1][j]])
            segments.append(np.stack([start, end], axis=1))
            widths.append(0.4 + 4.0 * np.abs(W[i, j]) / scale)
            colors += [_POSITIVE if w >= 0 else _NEGATIVE for w in W[i, j]]
        self.synapses_ = LineCollection(np.concatenate(segments), linewidths=np.concatenate(
            widths), colors=colors, alpha=0.8, zorder=1)
        ax.add_collection(self.synapses_)

        xs, ys, faces, edges = [], [], [], []
        for layer, (d, y, a) in enumerate(zip(drawn, ypos, alive)):
            xs += [layer] * int(d.sum())
            ys += y[d].tolist()
            faces += ["white" if live else _REMOVED for live in a[d]]
            edges += ["k" if live else "grey" for live in a[d]]
        self.neurons_ = ax.scatter(xs, ys, s=160, c=faces, edgecolors=edges, zorder=2)

        self.input_labels_ = [
            ax.text(-0.08, ypos[0][i], self.feature_names[i], ha="right", va="center",
                    color="k" if alive[0][i] else "grey", fontsize="small")
            for i in np.flatnonzero(drawn[0])]
        last = len(masks)
        self.output_labels_ = [
            ax.text(last + 0.08, ypos[-1][k], self.output_names[k], ha="left",
                    va="center", fontsize="small")
            for k in range(len(self.output_names))]
        ax.set_xlim(-0.9, last + 0.6)
        ax.set_ylim(-widest / 2.0 - 0.3, widest / 2.0 + 0.3)
        ax.set_axis_off()
        n_in = int(alive[0].sum())
        n_hidden = int(sum(a.sum() for a in alive[1:-1]))
        n_syn = int(sum(M.sum() for M in masks))
        ax.set_title(f"{name or self.estimator_name or 'Network'}: {n_in} inputs, "
                     f"{n_hidden} neurons, {n_syn} synapses")
        ax.legend(handles=[Line2D([], [], color=_POSITIVE, lw=2, label="positive weight"),
                           Line2D([], [], color=_NEGATIVE, lw=2, label="negative weight")],
                  loc="lower center", bbox_to_anchor=(0.5, -0.08), ncol=2,
                  fontsize="small", frameon=False)
        self.ax_, self.figure_ = ax, ax.figure
        return self
