"""Evaluates a parsed formula over figures: a value, or "no value" with the reason (never 0 by accident)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from indicators.formula import BinOp, Call, Name, Neg, Node, Num


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A formula's result: `value`, or None with `reason` and the inputs that were missing."""

    value: float | None
    reason: str | None = None
    missing: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.value is not None


Resolver = Callable[[str, str | None], Evaluation]
"""Looks up a name (metric or KPI) for the period being evaluated; the second argument is the aggregate
forced by sum()/last()/mean(), or None for the metric's own."""


def missing(*inputs: str) -> Evaluation:
    """No value because these inputs have no figure."""
    return Evaluation(None, f"missing input: {', '.join(inputs)}", tuple(inputs))


def _combine_failures(results: list[Evaluation]) -> Evaluation:
    gone = tuple(dict.fromkeys(m for r in results for m in r.missing))
    if gone:
        return missing(*gone)
    return next(r for r in results if not r.ok)


def _binary(op: str, left: float, right: float, node: BinOp) -> Evaluation:
    if op == "+":
        return Evaluation(left + right)
    if op == "-":
        return Evaluation(left - right)
    if op == "*":
        return Evaluation(left * right)
    if right == 0:
        divisor = node.right.id if isinstance(node.right, Name) else "the divisor"
        return Evaluation(None, f"division by zero ({divisor} = 0)")
    return Evaluation(left / right)


def evaluate(node: Node, resolve: Resolver) -> Evaluation:
    """Evaluate the AST; a missing input or a division by zero anywhere gives no value with its reason."""
    if isinstance(node, Num):
        return Evaluation(node.value)
    if isinstance(node, Name):
        return resolve(node.id, None)
    if isinstance(node, Neg):
        inner = evaluate(node.operand, resolve)
        return Evaluation(-inner.value) if inner.value is not None else inner
    if isinstance(node, BinOp):
        left, right = evaluate(node.left, resolve), evaluate(node.right, resolve)
        if left.value is None or right.value is None:
            return _combine_failures([left, right])
        result = _binary(node.op, left.value, right.value, node)
        if result.value is not None and not math.isfinite(result.value):  # huge figures times huge figures
            return Evaluation(None, f"the result overflows ({result.value} is not a finite number)")
        return result
    return _call(node, resolve)


def _call(node: Call, resolve: Resolver) -> Evaluation:
    if node.func in ("sum", "last", "mean"):
        arg = node.args[0]
        assert isinstance(arg, Name)  # the parser allows only a name here
        return resolve(arg.id, node.func)
    results = [evaluate(a, resolve) for a in node.args]
    if node.func == "if_zero":
        first, fallback = results
        if first.value is None:
            return first
        return first if first.value != 0 else fallback
    if any(r.value is None for r in results):
        return _combine_failures(results)
    values = [r.value for r in results if r.value is not None]
    return Evaluation(min(values) if node.func == "min" else max(values))
