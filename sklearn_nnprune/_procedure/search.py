"""The path search of METHOD.md section 5: batch steps with halving back-off, the
kinds in turns, caps reached by forced steps.

:class:`PathSearch` takes the criterion, the settings, a trainer (the retrain
callback) and the random state of one fit; its methods take a :class:`Progress`
(the networks, the reference the criterion compares with, the steps so far) and
return a new one. What is searched is a :class:`Move`: a kind of step with its
ranking and its attempt, so that removing inputs, neurons or synapses and fixing
weights to levels share one search.

A KeyboardInterrupt (Ctrl-C) during a step ends the search where it stands
(:meth:`PathSearch.stop`): the path's choice is made among the structures met so
far, and ``interrupted_at`` tells the run which step was cut short. The values
are immutable, so what the search held before the step is intact; a second
interrupt, once the search has stopped, propagates.
"""

from collections import deque
from typing import Callable, NamedTuple

import numpy as np

from .._network import count_structure
from .._pruning import is_viable, resolve_count
from .decision import decide_fresh, one_se_choice
from .exchange import exchange_pass
from .history import Step
from .pace import row_work
from .ranking import live_inputs, protect, rank_removals
from .state import Network, State, remove_elements

# At batch size 1, how many further candidates in rank order are tried before a
# kind is declared exhausted (METHOD.md section 5).
SINGLE_TRIES = 3

# The criterion path walks on while a structure is within this many times the
# choice's allowance of the best met (noise_tolerance standard errors): past it a
# later, smaller structure is rarely back within the allowance, and the choice
# among the structures met is made afterwards (PathSearch.choose).
PATH_MARGIN = 2.0


class Progress(NamedTuple):
    """Where a pruning path stands: the networks, the criterion contributions of the
    reference network, the steps attempted so far and the :class:`PathRecord` of
    the structures the criterion paths met."""

    state: State
    reference: np.ndarray
    steps: tuple
    path: tuple = ()


class PathRecord(NamedTuple):
    """A structure on a criterion path, as the fit keeps it: after how many steps,
    its masks, its path score, whether it was chosen and whether it starts a
    criterion path (a fit with neuron or synapse caps runs a second one after
    the forced steps)."""

    n_steps: int
    masks: list
    score: float
    chosen: bool
    start: bool = False


class PathPoint(NamedTuple):
    """A structure the criterion path met: how many steps were taken when it was
    reached, the state and its criterion contributions."""

    n_steps: int
    state: State
    contributions: np.ndarray


class Move(NamedTuple):
    """A kind of step: ``rank(state)`` returns ``(keys, context)``, the candidates
    least significant first and what the attempt needs from the ranking;
    ``attempt(state, batch, context)`` returns the retrained state without (or
    with fixed) ``batch``, or None when the step is impossible."""

    kind: str
    rank: Callable
    attempt: Callable
    keys_of: Callable = list


class _Track:
    """The search's place in one move's ranking: the current batch size, the next
    candidate to try at size 1 and how many single tries failed."""

    __slots__ = ("move", "keys", "context", "size", "start", "failures")

    def __init__(self, move):
        self.move = move
        self.keys = None

    def rank(self, state, prune_step):
        self.keys, self.context = self.move.rank(state)
        self.size = resolve_count(prune_step, len(self.keys)) if self.keys else 0
        self.start = self.failures = 0

    def back_off(self):
        """Halve the batch, or move on to the next single candidate; False when the
        move is exhausted."""
        if self.size > 1:
            self.size //= 2
            return True
        self.start += 1
        self.failures += 1
        return self.failures < SINGLE_TRIES


class PathSearch:
    """The steps of one pruning path.

    Parameters
    ----------
    settings : PruningSettings
        What the path may remove and how.
    criterion : Criterion
        Scores states and says whether a step holds.
    trainer : Trainer
        Retrains the networks after a step.
    rng : numpy.random.RandomState
        The fit's random state (adam's shuffling).
    log : callable
        ``log(message)`` for progress lines.

    Attributes
    ----------
    interrupted_at : int or None
        The step (1-based, counting the steps attempted) during which a
        KeyboardInterrupt stopped the search; None while it was not interrupted.
    """

    def __init__(self, settings, criterion, trainer, rng, log, pace=None):
        self.settings = settings
        self.criterion = criterion
        self.trainer = trainer
        self.rng = rng
        self.log = log
        self.pace = pace
        self.interrupted_at = None

    # ----------------------------------------------------------- interrupt
    def stop(self, progress):
        """Note a KeyboardInterrupt that arrived after the steps of ``progress``:
        the search stops with them. Called from an ``except KeyboardInterrupt``
        block, it re-raises when the search had stopped already (a second
        interrupt aborts the fit)."""
        if self.interrupted_at is not None:
            raise KeyboardInterrupt
        self.interrupted_at = len(progress.steps) + 1
        self.log(f"interrupted during step {self.interrupted_at}: pruning stops")

    @property
    def stopped(self):
        """Whether a KeyboardInterrupt stopped the search."""
        return self.interrupted_at is not None

    # ------------------------------------------------------------- helpers
    def record(self, progress, step, state=None, reference=None):
        """``progress`` with ``step`` appended (and logged), and the state and
        reference replaced where given."""
        steps = progress.steps + (step,)
        line = step.describe(len(steps))
        if self.pace is not None:
            work = row_work(step.n_synapses, step.n_neurons)
            line += f"; {self.pace.step(step.accepted, work)}"
        self.log(line)
        return Progress(progress.state if state is None else state,
                        progress.reference if reference is None else reference, steps,
                        progress.path)

    def conclude(self, progress, step, new, contributions):
        """``progress`` after ``step``: recorded, and, when it is accepted, with the
        new state and the reference raised to it if it is the best so far (a
        forced step leaves the reference where it was)."""
        if not step.accepted:
            return self.record(progress, step)
        reference = (progress.reference if step.forced
                     else self.criterion.raised(progress.reference, contributions))
        return self.record(progress, step, new, reference)

    def retrain(self, networks, frozen=None, steps=None, level_scales=None):
        """Retrain every fold's (coefs, intercepts, masks) briefly, masks fixed."""
        nets = []
        for k, ((coefs, intercepts, masks), fold) in enumerate(
                zip(networks, self.criterion.folds)):
            coefs, intercepts, info = self.trainer.train(
                fold.X, fold.Y, coefs, intercepts, masks, self.settings.retrain_iter,
                self.rng, frozen=frozen, steps=steps, sample_weight=fold.w)
            nets.append(Network(coefs, intercepts, masks, info["snapshots"], frozen, steps,
                                None if level_scales is None else level_scales[k]))
        return State(tuple(nets))

    def removal(self, kind):
        """The move that removes elements of ``kind``."""
        groups = self.settings.input_groups if kind == "inputs" else None

        def rank(state):
            # The criterion's folds at ranking time: on large data they grow.
            keys, references = rank_removals(kind, state, self.criterion.folds,
                                             self.settings)
            return protect(kind, keys, state.masks, groups), references

        def keys_of(batch):
            """The elements a batch removes: the columns of input groups."""
            if groups is None:
                return list(batch)
            return [int(i) for g in batch for i in groups[g]]

        return Move(kind, rank, lambda state, batch, references:
                    self._remove(kind, state, keys_of(batch), references), keys_of)

    def _remove(self, kind, state, keys, references):
        """Remove ``keys`` from every fold's network and retrain them; None when the
        removal would leave no path from the inputs to the output."""
        refs = references if references is not None else [None] * len(state.nets)
        settings = self.settings
        removed = [remove_elements(kind, net, keys, settings.input_reference, ref,
                                   settings.activation)
                   for net, ref in zip(state.nets[:1], refs[:1])]
        # The folds share one structure: the first tells whether the step is possible.
        if not is_viable(removed[0][2]):
            return None
        removed += [remove_elements(kind, net, keys, settings.input_reference, ref,
                                    settings.activation)
                    for net, ref in zip(state.nets[1:], refs[1:])]
        return self.retrain(removed)

    # ------------------------------------------------------------- search
    def back_off_search(self, moves, progress, forced=False):
        """Batch steps with halving back-off over several moves in turn, each step
        judged against the best network met (:meth:`walk` without a wider
        margin)."""
        return self.walk(moves, progress, forced)[0]

    def walk(self, moves, progress, forced=False, margin=1.0, start=None):
        """Batch steps with halving back-off over several moves in turn; returns
        the progress and the :class:`PathPoint` of every accepted step (after
        ``start``, the point the walk starts from, when given).

        The moves take turns, one attempted step each. A possible step whose
        criterion holds within ``margin`` times the allowance (or every possible
        step, when ``forced``) is accepted, and every move's candidates are
        ranked anew on the new network; a rejected step is halved, and at size 1
        the next candidates in rank are tried until ``SINGLE_TRIES`` of them
        failed, which ends that move's turns until another move's step is
        accepted.

        Why in turns rather than one kind after the other: the criterion's noise
        allowance is shared by the whole path, and the kind pruned first would
        spend it on single removals at the edge of the allowance, leaving nothing
        for the others (measured in benchmarks/RESULTS.md: digits stopped with
        1147 synapses of 2368, every synapse step rejected). In turns, each kind
        removes its least significant elements while the allowance lasts.
        """
        tracks = [_Track(move) for move in moves]
        turns = deque(tracks)
        points = [] if start is None else [start]
        # points grows in place and progress is only ever replaced whole: an
        # interrupt leaves the progress before the step it cut short, and a point
        # is appended just before its progress replaces the old one.
        try:
            while turns:
                track = turns.popleft()
                if track.keys is None:
                    track.rank(progress.state, self.settings.prune_step)
                if track.start >= len(track.keys) or track.size < 1:
                    continue
                batch = track.keys[track.start:track.start + track.size]
                new = track.move.attempt(progress.state, batch, track.context)
                accepted, score = False, -np.inf
                if new is not None:
                    contributions = self.criterion.contributions(new)
                    score = contributions.sum()
                    grown = None if forced else self.grown_in_doubt(progress, contributions,
                                                                    margin)
                    if grown is not None:
                        # Decided again on more rows, from the retrained network, which
                        # stands for the path's current structure from now on.
                        progress, current = grown
                        if points:
                            points[-1] = PathPoint(points[-1].n_steps, progress.state,
                                                   current)
                        for other in tracks:
                            other.keys = None
                        turns.appendleft(track)
                        continue
                    accepted = forced or self.criterion.holds(contributions,
                                                              progress.reference, margin)
                step = Step.of(track.move.kind, track.move.keys_of(batch), accepted, forced,
                               score, (new if new is not None else progress.state).masks)
                concluded = self.conclude(progress, step, new,
                                          contributions if accepted else None)
                if accepted:
                    points.append(PathPoint(len(concluded.steps), new, contributions))
                progress = concluded
                if not accepted:
                    if track.back_off():
                        turns.append(track)
                    continue
                for other in tracks:
                    other.keys = None
                # Every move takes turns again, starting with the next one.
                i = tracks.index(track)
                turns = deque(tracks[i + 1:] + tracks[:i + 1])
        except KeyboardInterrupt:
            self.stop(progress)
            points = [p for p in points if p.n_steps <= len(progress.steps)]
        return progress, points

    def grown_in_doubt(self, progress, contributions, margin):
        """On large data (:mod:`.large`), when the decision on ``contributions`` is
        within noise and the training subsample can grow: ``(progress,
        contributions)``, the progress with the search's criterion on twice the
        rows, the network retrained on them and the reference raised to it if
        it is better (the held-out rows stay), and that network's contributions.
        Else None."""
        in_doubt = getattr(self.criterion, "in_doubt", None)
        if in_doubt is None or not in_doubt(contributions, progress.reference, margin):
            return None
        grown = self.criterion.grown()
        if grown is None:
            return None
        self.criterion = grown
        net = progress.state.nets[0]
        state = self.retrain([(net.coefs, net.intercepts, net.masks)], net.frozen,
                             net.steps, [net.level_scales])
        self.log(f"a decision within noise: the networks now train on {grown.n_fit} rows")
        # The held-out rows stay, so the reference keeps its meaning; the
        # retrained network may be better than it.
        current = self.criterion.contributions(state)
        reference = self.criterion.raised(progress.reference, current)
        return Progress(state, reference, progress.steps, progress.path), current

    def criterion_steps(self, progress):
        """Criterion-driven removal of the settings' kinds, in turns; then the
        structure of the path is chosen (:meth:`choose`)."""
        try:
            start = PathPoint(len(progress.steps), progress.state,
                              self.criterion.contributions(progress.state))
        except KeyboardInterrupt:
            self.stop(progress)
            return progress
        one_se = self.settings.path_choice == "one_se"
        progress, points = self.walk([self.removal(kind) for kind in self.settings.kinds],
                                     progress, margin=PATH_MARGIN if one_se else 1.0,
                                     start=start)
        return self.choose(progress, points, one_se)

    def size_of(self, masks):
        """What "smallest" orders by: inputs (groups), hidden neurons, synapses."""
        _, n_neurons, n_synapses = count_structure(masks)
        return live_inputs(masks, self.settings.input_groups), n_neurons, n_synapses

    def choose(self, progress, points, one_se):
        """The structure the path ends with.

        ``one_se``: the one-standard-error choice among the path's ``points``
        (:func:`.decision.one_se_choice`: the smallest, by :meth:`size_of`,
        within ``tolerance`` plus ``noise_tolerance`` standard errors of the
        best), then, with an out-of-sample criterion, the fresh-weights
        decision between the input sets around it
        (:func:`.decision.decide_fresh`); the steps past the chosen structure
        stay in the history, on the path but no longer accepted, and the
        reference of what follows (levels, thresholds) is the best structure's
        score. Else the path's last structure, where it stopped. Either way the
        chosen step is marked and the path's structures are recorded.
        """
        criterion = self.criterion
        index, fresh, reference = len(points) - 1, {}, progress.reference
        exchange = None
        if one_se:
            path = one_se_choice(criterion, [p.contributions for p in points],
                                 [self.size_of(p.state.masks) for p in points])
            index, reference, ses = path.index, points[path.best].contributions, path.ses
            if criterion.out_of_sample and len(points) > 1 and not self.stopped:
                index, fresh, exchange = self.fresh_choice(progress, points, index)
            self.log(f"chose the structure of step {points[index].n_steps} "
                     f"{self.size_of(points[index].state.masks)}; the best score "
                     f"{points[path.best].contributions.sum():.4f} at step "
                     f"{points[path.best].n_steps}")
        else:
            best = max(range(len(points)), key=lambda k: points[k].contributions.sum())
            ses = [criterion.noise(points[best].contributions - p.contributions)
                   for p in points]
        chosen = points[index]
        steps = list(progress.steps)
        for k, (point, se) in enumerate(zip(points, ses)):
            if point.n_steps > points[0].n_steps:
                steps[point.n_steps - 1] = steps[point.n_steps - 1]._replace(
                    se=se, accepted=point.n_steps <= chosen.n_steps,
                    fresh_score=fresh.get(k, float("nan")))
        # Only the last choice stands: a later criterion path chooses again.
        steps = [s._replace(chosen=False) if s.chosen else s for s in steps]
        if chosen.n_steps > points[0].n_steps:
            steps[chosen.n_steps - 1] = steps[chosen.n_steps - 1]._replace(chosen=True)
        records = tuple(PathRecord(p.n_steps, p.state.masks, float(p.contributions.sum()),
                                   p is chosen, k == 0) for k, p in enumerate(points))
        earlier = tuple(r._replace(chosen=False) for r in progress.path)
        progress = Progress(chosen.state, reference, tuple(steps), earlier + records)
        return progress if exchange is None else self.exchanged(progress, exchange)

    def fresh_choice(self, progress, points, index):
        """``(index, fresh, exchange)``: the fresh-weights decision around the
        one-standard-error choice ``index`` (:func:`.decision.decide_fresh`) and
        the exchange of inputs from it (None without one). An interrupt stops the
        search with what was decided before it: the choice ``index`` at first."""
        fresh, exchange = {}, None
        try:
            seed = int(self.rng.randint(np.iinfo(np.int32).max))
            decision = decide_fresh(self, points, index, seed)
            index, fresh = decision.index, decision.scores
            if "inputs" in self.settings.kinds:
                exchange = exchange_pass(self, points[index].state,
                                         decision.contributions, seed)
        except KeyboardInterrupt:
            self.stop(progress)
        return index, fresh, exchange

    def exchanged(self, progress, exchange):
        """``progress`` after an exchange of inputs (:mod:`.exchange`), recorded as
        a step of kind "exchange" and as a structure of the path, chosen."""
        contributions = self.criterion.contributions(exchange.state)
        keys = exchange.out_columns + tuple(("+", i) for i in exchange.in_columns)
        step = Step.of("exchange", keys, True, False, contributions.sum(),
                       exchange.state.masks)._replace(chosen=True)
        steps = tuple(s._replace(chosen=False) for s in progress.steps) + (step,)
        self.log(step.describe(len(steps)) + f"; fresh scores {exchange.scores}")
        path = tuple(r._replace(chosen=False) for r in progress.path)
        path += (PathRecord(len(steps), exchange.state.masks, float(contributions.sum()),
                            True),)
        return Progress(exchange.state, progress.reference, steps, path)

    # ---------------------------------------------------------------- caps
    def excess(self, kind, masks):
        """How many elements of ``kind`` must still go to meet the caps (for the
        fan-in cap: per-neuron excess arrays)."""
        s = self.settings
        n_inputs, n_neurons, n_synapses = count_structure(masks)
        if kind == "inputs" and s.max_inputs is not None:
            n_total = (masks[0].shape[0] if s.input_groups is None
                       else len(s.input_groups))
            n_live = live_inputs(masks, s.input_groups)
            return max(0, n_live - resolve_count(s.max_inputs, n_total))
        if kind == "neurons" and s.max_neurons is not None:
            cap = resolve_count(s.max_neurons, sum(M.shape[1] for M in masks[:-1]))
            return max(0, n_neurons - cap)
        if kind == "synapses":
            if s.max_fan_in is not None:
                over = [np.maximum(M.sum(axis=0) - s.max_fan_in, 0) for M in masks]
                if any(o.any() for o in over):
                    return over
            if s.max_synapses is not None:
                cap = resolve_count(s.max_synapses, sum(M.size for M in masks))
                return max(0, n_synapses - cap)
        return 0

    def reach_caps(self, kind, progress):
        """Forced removals of ``kind`` down to the caps (an interrupt stops the
        search at the last step taken)."""
        try:
            while True:
                excess = self.excess(kind, progress.state.masks)
                if not excess:
                    return progress
                forced = self.forced_step(kind, progress, excess)
                if forced is None:
                    raise RuntimeError(f"could not reduce the {kind} to the requested cap "
                                       "without disconnecting the inputs from the outputs")
                progress = forced
        except KeyboardInterrupt:
            self.stop(progress)
            return progress

    def forced_step(self, kind, progress, excess):
        """One step towards a cap, accepted whatever the criterion says; None when
        no candidate can go without disconnecting the network."""
        state = progress.state
        move = self.removal(kind)
        keys, references = move.rank(state)
        if isinstance(excess, list):  # fan-in cap: the weakest incoming synapses
            keys = [key for key in keys if excess[key[0]][key[2]] > 0]
            need = [o.copy() for o in excess]
            batch = []
            for key in keys:
                layer, _, j = key
                if need[layer][j] > 0:
                    batch.append(key)
                    need[layer][j] -= 1
        else:
            batch = keys[:min(resolve_count(self.settings.prune_step, len(keys)), excess)]
        new = move.attempt(state, batch, references) if batch else None
        if new is None and batch:
            # The batch would cut every path from the inputs to the output: remove
            # the weakest single candidate that keeps one (a disconnected network is
            # found from the masks, before any retraining).
            for key in keys:
                new = move.attempt(state, [key], references)
                if new is not None:
                    batch = [key]
                    break
        if new is None:
            return None
        contributions = self.criterion.contributions(new)
        step = Step.of(kind, move.keys_of(batch), True, True, contributions.sum(), new.masks)
        # A cap is reached whatever it costs; the tolerance counts from here on.
        return self.record(progress, step, new, contributions)

    def prune(self, progress):
        """Caps and criterion-driven removals in the order of METHOD.md section 5.

        A cap is reached at its kind's place in the order, after the criterion
        pruned the kinds before it: input caps first, from the full network (the
        selection that a grid search over max_inputs compares), the neuron and
        synapse caps once the kinds have taken their turns, so that a cap the
        criterion meets anyway changes nothing. After a KeyboardInterrupt
        (:meth:`stop`) the phases that follow are skipped.
        """
        kinds = self.settings.kinds
        criterion = self.settings.tolerance is not None and kinds
        if "inputs" in kinds:
            progress = self.reach_caps("inputs", progress)
        if criterion and not self.stopped:
            progress = self.criterion_steps(progress)
        later = [kind for kind in kinds if kind != "inputs"]
        if not self.stopped and any(self.excess(kind, progress.state.masks)
                                    for kind in later):
            for kind in later:
                if not self.stopped:
                    progress = self.reach_caps(kind, progress)
            if criterion and not self.stopped:
                progress = self.criterion_steps(progress)
        return progress
