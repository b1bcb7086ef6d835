"""Small ONNX models built with ``onnx.helper`` (no training framework needed), and
onnxruntime predictions for them, for the interop suite and the deploy example.

``logistic_model(weights, bias)`` is a logistic regression: ``probability =
sigmoid(features @ weights + bias)`` over float32 ``features`` of shape ``[N, F]``.
Opset 17 and IR version 8 are chosen so that onnxruntime-node 1.20 and later run it.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8


def logistic_model(weights: Sequence[float], bias: float, name: str = "logistic") -> onnx.ModelProto:
    """A logistic regression over ``len(weights)`` float32 features."""
    n = len(weights)
    w = numpy_helper.from_array(np.asarray(weights, dtype=np.float32).reshape(n, 1), "weights")
    b = numpy_helper.from_array(np.asarray([bias], dtype=np.float32), "bias")
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["features", "weights"], ["logit_raw"]),
            helper.make_node("Add", ["logit_raw", "bias"], ["logit"]),
            helper.make_node("Sigmoid", ["logit"], ["probability"]),
        ],
        name,
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", n])],
        [helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["N", 1])],
        initializer=[w, b],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="lazyscribe-interop")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model


def predict(model: onnx.ModelProto | bytes, inputs: Sequence[Sequence[float]]) -> list[float]:
    """Python onnxruntime's ``probability`` for each input row (float32 values, widened to float)."""
    import onnxruntime as ort

    data = model if isinstance(model, (bytes, bytearray)) else model.SerializeToString()
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    out = session.run(None, {name: np.asarray(inputs, dtype=np.float32)})[0]
    return [float(v) for v in np.asarray(out).reshape(-1)]
