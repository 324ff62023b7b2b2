"""What one pruning run is asked to do, as one immutable value."""

from dataclasses import dataclass
from typing import Optional

import numpy as np


@dataclass(frozen=True)
class PruningSettings:
    """The parameters of the procedure, resolved from an estimator's parameters and
    its data.

    ``kinds`` are the kinds that may be removed, in the order inputs, neurons,
    synapses; ``tolerance`` None means that only the caps prune (and levels and
    thresholds are forced); ``input_reference`` is the standardized value a removed
    input is replaced by; ``levels`` is ``(base, scaled)`` of the weight levels or
    None, and ``unit_factors`` converts ``coefs_`` units to internal ones, per layer;
    ``simplify`` says whether the fit simplifies the network at all
    (``_base.simplifies``); ``input_groups`` (column-index arrays) makes each
    group one input of the inputs kind: ranked by the sum of its columns'
    indicators, removed whole, and counted once by ``max_inputs`` (None: every
    column is an input of its own); ``initial_masks`` is the structure the
    first training starts from (None: the full network), for retraining a
    structure of the pruning path.
    The other fields are the estimators' parameters of the same names.
    """

    activation: str
    output_activation: str
    kinds: tuple
    max_inputs: object
    max_neurons: object
    max_synapses: object
    max_fan_in: Optional[int]
    tolerance: Optional[float]
    prune_step: object
    indicator: str
    reference: str
    max_iter: int
    retrain_iter: int
    input_reference: np.ndarray
    levels: Optional[tuple] = None
    unit_factors: Optional[tuple] = None
    binarize_neurons: bool = False
    simplify: bool = True
    input_groups: Optional[tuple] = None
    initial_masks: Optional[tuple] = None
    path_choice: str = "first_stop"
