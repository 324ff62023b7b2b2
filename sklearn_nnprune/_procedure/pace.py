"""How long a pruning run has left, for the progress lines of ``verbose``.

A path ends after every kind has failed a few single tries in a row
(``search.SINGLE_TRIES``); while most steps are accepted it is far from that.
The estimate of the steps left is therefore the tries that end a path divided
by the recent share of rejected steps (at least a tenth), times the recent
time per step, plus the final training on all the rows, estimated from the
first training scaled by the rows and by the work per row of what is left
(:func:`row_work`).
"""

import time
from collections import deque
from typing import NamedTuple

# Recent steps that the pace and the acceptance rate are measured over.
_WINDOW = 10


def row_work(n_synapses, n_neurons):
    """Relative cost per row of a training iteration: the products, the
    activations (an exponential and a division each) and a fixed part (the
    output, the loss, the solver's bookkeeping). Measured on 10^5 rows x 50
    inputs: the final training of a network with 13% of the weights and 11 of 16
    neurons cost half of the full network per row, which this reproduces."""
    return n_synapses + 20 * n_neurons + 500


class Pace:
    """Times the steps of one run and estimates the time left.

    Parameters
    ----------
    ending_tries : int
        Rejected single tries that end a path (tries per kind times the kinds).
    final_seconds : float
        Estimated time of the final training of the full network (0 when there
        is none), scaled down as the network shrinks.
    full_work : float
        :func:`row_work` of the full network.
    """

    def __init__(self, ending_tries, final_seconds, full_work):
        self.ending_tries = ending_tries
        self.final_seconds = final_seconds
        self.full_work = full_work
        self.recent = deque(maxlen=_WINDOW)
        self.last = time.perf_counter()

    def step(self, accepted, work):
        """Record a step that just ended, ``work`` the :func:`row_work` of the
        network it leaves; returns the :class:`Estimate`."""
        now = time.perf_counter()
        self.recent.append((now - self.last, bool(accepted)))
        self.last = now
        seconds = sum(s for s, _ in self.recent) / len(self.recent)
        rejected = sum(not a for _, a in self.recent) / len(self.recent)
        steps_left = self.ending_tries / max(rejected, 0.1)
        final = self.final_seconds * work / self.full_work
        return Estimate(steps_left * seconds + final)


class Estimate(NamedTuple):
    """Seconds a run has left, as a progress line says it."""

    seconds: float

    def __str__(self):
        minutes, seconds = divmod(int(round(self.seconds)), 60)
        return f"about {minutes}m{seconds:02d}s left" if minutes else f"about {seconds}s left"
