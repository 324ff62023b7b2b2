"""sklearn-nnprune: neural networks pruned to a minimal, readable structure.

Train a small network, then remove its least significant inputs, neurons and
synapses with the first-order sensitivity method of Gorban and Mirkes, down to the
minimal structure that still solves the task.
"""

from . import datasets
from ._binarizer import InputBinarizer
from ._committee import MinimalNetworkCommittee
from ._estimators import PrunedMLPClassifier, PrunedMLPRegressor
from ._export import export_code, register_onnx_converters, to_onnx
from ._inspect import sensitivity_indicators
from ._model_selection import fewest_within_noise
from ._persistence import InconsistentNNPruneVersionWarning
from ._report import input_report
from ._rules import export_text, network_rules
from ._selector import NetworkInputSelector
from . import plot

__version__ = "0.1.0"

__all__ = [
    "InconsistentNNPruneVersionWarning",
    "InputBinarizer",
    "MinimalNetworkCommittee",
    "NetworkInputSelector",
    "PrunedMLPClassifier",
    "PrunedMLPRegressor",
    "datasets",
    "export_code",
    "export_text",
    "fewest_within_noise",
    "input_report",
    "network_rules",
    "plot",
    "register_onnx_converters",
    "sensitivity_indicators",
    "to_onnx",
]
