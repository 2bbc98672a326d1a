"""Formulas: parsing, refusal of anything outside the language, and evaluation with honest 'no value'."""

from __future__ import annotations

import pytest

from indicators.evaluation import Evaluation, evaluate, missing
from indicators.formula import FormulaError, check, names, parse

KNOWN = {"a", "b", "c", "households_total", "households_with_payment_account"}


def run(text: str, values: dict[str, float]) -> Evaluation:
    def resolve(name: str, aggregate: str | None) -> Evaluation:
        key = f"{aggregate}:{name}" if aggregate else name
        return Evaluation(values[key]) if key in values else missing(name)

    return evaluate(check(text, KNOWN), resolve)


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("a + b * c", {"a": 1, "b": 2, "c": 3}, 7),
        ("(a + b) * c", {"a": 1, "b": 2, "c": 3}, 9),
        ("a - b - c", {"a": 10, "b": 2, "c": 3}, 5),
        ("a / b / c", {"a": 12, "b": 2, "c": 3}, 2),
        ("-a + 4", {"a": 1}, 3),
        ("--a", {"a": 2}, 2),
        ("min(a, b, c)", {"a": 5, "b": 2, "c": 3}, 2),
        ("max(a, b) * 2", {"a": 5, "b": 7}, 14),
        ("if_zero(a, b)", {"a": 0, "b": 9}, 9),
        ("if_zero(a, b)", {"a": 4, "b": 9}, 4),
        ("sum(a) / last(b)", {"sum:a": 30, "last:b": 3}, 10),
        ("mean(c)", {"mean:c": 2.5}, 2.5),
        ("1.5e2 + 0.5", {}, 150.5),
        (
            "households_with_payment_account / households_total * 100",
            {"households_with_payment_account": 1065, "households_total": 1959},
            1065 / 1959 * 100,
        ),
    ],
)
def test_evaluates_arithmetic(text: str, values: dict[str, float], expected: float) -> None:
    assert run(text, values).value == pytest.approx(expected)


def test_missing_input_gives_no_value_with_every_missing_name() -> None:
    result = run("a / b + c", {"b": 2})
    assert result.value is None
    assert result.missing == ("a", "c")
    assert result.reason == "missing input: a, c"


def test_division_by_zero_gives_no_value_not_zero() -> None:
    result = run(
        "households_with_payment_account / households_total * 100",
        {"households_with_payment_account": 0, "households_total": 0},
    )
    assert result.value is None
    assert result.reason == "division by zero (households_total = 0)"


def test_missing_input_inside_min_is_no_value() -> None:
    assert run("min(a, b)", {"a": 1}).reason == "missing input: b"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("__import__('os')", "'__import__' is not allowed"),
        ("__import__('os').system('ls')", "not allowed"),
        ("a.__class__", "attribute access"),
        ("a.real", "attribute access"),
        ("9**9**9", "powers"),
        ("a ** 2", "powers"),
        ("a ^ 2", "powers"),
        ("lambda: 1", "'lambda' is not allowed"),
        ("a[0]", "subscripts"),
        ("[x for x in a]", "subscripts"),
        ("open('/etc/passwd')", "not allowed"),
        ("eval(a)", "not allowed"),
        ("exec(a)", "not allowed"),
        ("getattr(a, b)", "unknown function 'getattr'"),
        ("a if b else c", "'if' is not allowed"),
        ("a; b", "character ';' is not allowed"),
        ("1" + "0" * 20, "too large"),
        ("a +", "unexpected end of formula"),
        ("(a + b", "expected ')'"),
        ("a b", "unexpected 'b'"),
        ("sum(a + b)", "exactly one metric name"),
        ("min(a)", "two or more"),
        ("", "empty"),
        ("(" * 60 + "a" + ")" * 60, "nested deeper"),
        ("-" * 60 + "a", "nested deeper"),
        ("x" * 600, "longer than"),
    ],
)
def test_refuses_anything_outside_the_language(text: str, fragment: str) -> None:
    with pytest.raises(FormulaError, match=None) as info:
        check(text, KNOWN)
    assert fragment in str(info.value)


def test_unknown_names_are_refused_at_check() -> None:
    with pytest.raises(FormulaError, match="unknown metric or KPI: households, zz"):
        check("households / zz", KNOWN)


def test_names_lists_every_input() -> None:
    assert names(parse("max(a, b) / sum(c) - 3")) == {"a", "b", "c"}
