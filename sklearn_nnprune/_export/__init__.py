"""Export of fitted networks: ONNX graphs and standalone code."""

from ._code import export_code

__all__ = ["export_code"]
