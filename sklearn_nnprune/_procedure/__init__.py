"""The pruning procedure of METHOD.md sections 3-6, apart from the estimators.

Read top to bottom:

- :mod:`.settings`: what one run is asked to do, as one immutable value;
- :mod:`.state`: the networks being pruned as immutable values, and the removals
  of section 4 (remove, cascade, merge) as functions on them;
- :mod:`.training`: how a network is initialized and (re)trained;
- :mod:`.criterion`: the criterion of section 5, one class per rule (cross-fitted
  folds, a held-out split, the training set), and its scores;
- :mod:`.ranking`: the candidates of each kind ranked by their indicators
  (section 3);
- :mod:`.search`: the path search (batch steps, halving back-off, kinds in turns,
  caps, forced steps);
- :mod:`.transparency`: weight levels and threshold neurons (sections 6.5, 6.6);
- :mod:`.history`: the steps as records and rows, and the order of removal read
  back from them;
- :mod:`.run`: :func:`prune_network`, one whole run.

Nothing here imports an estimator, pandas or matplotlib: arrays, masks, settings
and callbacks in; networks, steps and scores out.
"""

from .criterion import (ClassificationScore, RegressionScore, make_criterion,
                        paired_drop_within_noise)
from .history import history_rows, input_names, removal_ranking, removal_steps
from .run import PruningResult, prune_network
from .settings import PruningSettings
from .state import PRUNABLE_KINDS, Network
from .training import Trainer

__all__ = [
    "ClassificationScore",
    "Network",
    "PRUNABLE_KINDS",
    "PruningResult",
    "PruningSettings",
    "RegressionScore",
    "Trainer",
    "history_rows",
    "input_names",
    "make_criterion",
    "paired_drop_within_noise",
    "prune_network",
    "removal_ranking",
    "removal_steps",
]
