"""Export of fitted networks: ONNX graphs and standalone code."""

from ._onnx import register_onnx_converters, to_onnx
