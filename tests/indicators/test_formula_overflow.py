"""Formulas whose numbers overflow are refused when the catalogue is checked, and a result that still overflows
(huge figures times huge figures) is 'no value' with the reason, never infinity."""

from __future__ import annotations

import math

import pytest

from indicators.evaluation import Evaluation, evaluate
from indicators.formula import FormulaError, check

KNOWN = {"x", "y"}


@pytest.mark.parametrize("formula", [
    "1e12*" * 25 + "x", "1e12*1e12*x", "x/1e-300", "-1e12*1e12*x", "min(x, 1e12*1e12*1e12)",
    "(1e12+1e12)*1e12*y", "if_zero(x, 1e12*1e12)", "x*1e12*1e12",
])
def test_overflowing_numbers_are_refused(formula: str) -> None:
    with pytest.raises(FormulaError, match="overflow"):
        check(formula, KNOWN)


@pytest.mark.parametrize("formula", [
    "x/y*100", "1e12*x", "sum(x)*1e12", "if_zero(x/0, 2)", "min(x, y)*1e3", "(x - y) / y * 100", "x/1e-3",
])
def test_ordinary_formulas_pass(formula: str) -> None:
    check(formula, KNOWN)


def test_a_result_that_overflows_is_no_value_with_the_reason() -> None:
    node = check("x*y*1e12", KNOWN)
    result = evaluate(node, lambda name, _agg: Evaluation(1e300))
    assert result.value is None and "overflows" in (result.reason or "")
    fine = evaluate(node, lambda name, _agg: Evaluation(2.0))
    assert fine.value is not None and math.isclose(fine.value, 4e12)
