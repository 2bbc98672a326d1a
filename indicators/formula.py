"""Safe KPI formulas: a tokenizer, a parser into a small AST, a checker and an evaluator (never Python eval).

Language: numbers, names of metrics or KPIs, + - * / and parentheses, unary minus, min(a, b, ...),
max(a, b, ...), if_zero(x, fallback), and sum(name) / last(name) / mean(name) to combine a metric's monthly
figures over the KPI's period. Anything else (attribute access, subscripts, strings, powers, lambdas)
is refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_LITERAL = 1e12
MAX_CONSTANT = 1e15  # what the formula's own numbers may reach, every figure taken as 1 (overflow is refused)
AGGREGATES = ("sum", "last", "mean")
FUNCTIONS = ("min", "max", "if_zero", *AGGREGATES)
KEYWORDS = ("lambda", "import", "for", "in", "if", "else", "and", "or", "not", "def", "class", "exec", "eval")

TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/(),]))"
)
REFUSED_CHARS = {
    ".": "attribute access ('.') is not allowed",
    "[": "subscripts ('[...]') are not allowed",
    "'": "text in quotes is not allowed",
    '"': "text in quotes is not allowed",
    ":": "':' is not allowed (no lambdas or slices)",
    "^": "powers are not allowed",
    "%": "'%' is not allowed",
}


class FormulaError(ValueError):
    """A formula that cannot be used: bad syntax, a refused construct or an unknown name."""


@dataclass(frozen=True, slots=True)
class Num:
    value: float


@dataclass(frozen=True, slots=True)
class Name:
    id: str


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    args: tuple[Node, ...]


Node = Num | Name | Neg | BinOp | Call


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """Split a formula into (kind, text, position) tokens; refuse anything outside the language."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula longer than {MAX_LENGTH} characters")
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = TOKEN.match(text, pos)
        if match is None:
            char = text[pos:].lstrip()[0]
            where = len(text) - len(text[pos:].lstrip())
            reason = REFUSED_CHARS.get(char, f"character '{char}' is not allowed")
            raise FormulaError(f"{reason} (at position {where + 1})")
        kind = match.lastgroup or ""
        token = match.group(kind)
        if kind == "op" and token == "**":
            raise FormulaError(f"powers ('**') are not allowed (at position {match.start(kind) + 1})")
        if kind == "name" and (token.startswith("_") or token in KEYWORDS):
            raise FormulaError(f"'{token}' is not allowed in a formula")
        tokens.append((kind, token, match.start(kind)))
        pos = match.end()
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    """Recursive descent over the token list: expr := term (+|- term)*, term := unary (*|/ unary)*."""

    def __init__(self, tokens: list[tuple[str, str, int]]) -> None:
        self.tokens, self.i, self.depth = tokens, 0, 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self, text: str | None = None) -> tuple[str, str, int]:
        token = self.tokens[self.i]
        if text is not None and token[1] != text:
            found = token[1] or "the end"
            raise FormulaError(f"expected '{text}' at position {token[2] + 1}, found {found}")
        self.i += 1
        return token

    def expr(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(f"formula nested deeper than {MAX_DEPTH} levels")
        node = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            node = BinOp(op, node, self.term())
        self.depth -= 1
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            node = BinOp(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek()[1] == "-":
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FormulaError(f"formula nested deeper than {MAX_DEPTH} levels")
            node = Neg(self.unary())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        kind, text, pos = self.take()
        if kind == "num":
            value = float(text)
            if not math.isfinite(value) or abs(value) > MAX_LITERAL:
                raise FormulaError(f"number {text} is too large (limit {MAX_LITERAL:g})")
            return Num(value)
        if kind == "name":
            if self.peek()[1] == "(":
                return self.call(text, pos)
            return Name(text)
        if text == "(":
            node = self.expr()
            self.take(")")
            return node
        raise FormulaError(f"unexpected {text or 'end of formula'} at position {pos + 1}")

    def call(self, func: str, pos: int) -> Node:
        if func not in FUNCTIONS:
            raise FormulaError(
                f"unknown function '{func}' at position {pos + 1}; allowed: {', '.join(FUNCTIONS)}"
            )
        self.take("(")
        args = [self.expr()]
        while self.peek()[1] == ",":
            self.take()
            args.append(self.expr())
        self.take(")")
        _check_arity(func, args)
        return Call(func, tuple(args))


def _check_arity(func: str, args: list[Node]) -> None:
    if func in AGGREGATES and (len(args) != 1 or not isinstance(args[0], Name)):
        raise FormulaError(f"{func}() takes exactly one metric name, e.g. {func}(tthc_received_online)")
    if func == "if_zero" and len(args) != 2:
        raise FormulaError("if_zero() takes two arguments: if_zero(value, fallback)")
    if func in ("min", "max") and len(args) < 2:
        raise FormulaError(f"{func}() takes two or more arguments")


def parse(text: str) -> Node:
    """Parse a formula into its AST; raise FormulaError with the position of the first problem."""
    if not text or not text.strip():
        raise FormulaError("the formula is empty")
    parser = _Parser(tokenize(text))
    node = parser.expr()
    kind, token, pos = parser.peek()
    if kind != "end":
        raise FormulaError(f"unexpected '{token}' at position {pos + 1}")
    return node


def names(node: Node) -> set[str]:
    """Every metric or KPI name the formula reads."""
    if isinstance(node, Name):
        return {node.id}
    if isinstance(node, Neg):
        return names(node.operand)
    if isinstance(node, BinOp):
        return names(node.left) | names(node.right)
    if isinstance(node, Call):
        return set().union(*(names(a) for a in node.args))
    return set()


def check(text: str, known: set[str]) -> Node:
    """Parse and check that every name is a known metric or KPI and that the formula's numbers cannot overflow;
    return the AST."""
    node = parse(text)
    unknown = sorted(names(node) - known)
    if unknown:
        raise FormulaError(f"unknown metric or KPI: {', '.join(unknown)}")
    check_magnitude(node)
    return node


def check_magnitude(node: Node) -> None:
    """FormulaError when some part of the formula, every metric taken as 1, goes past ±1e15 or to infinity (the
    numbers themselves multiply out of range, e.g. 1e12*1e12*1e12*x): its results could only be nonsense."""
    _probe(node)


def _bounded(value: float) -> float:
    if not (math.isfinite(value) and abs(value) <= MAX_CONSTANT):
        raise FormulaError(f"the formula's numbers overflow: a part of it reaches {value:g} with every figure "
                           f"taken as 1 (limit {MAX_CONSTANT:g})")
    return value


def _probe(node: Node) -> float | None:
    """The formula's value with every name as 1 (None after a division by zero), each part checked by _bounded."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Name) or isinstance(node, Call) and node.func in AGGREGATES:
        return 1.0
    if isinstance(node, Neg):
        inner = _probe(node.operand)
        return None if inner is None else -inner
    if isinstance(node, BinOp):
        left, right = _probe(node.left), _probe(node.right)
        if left is None or right is None or (node.op == "/" and right == 0):
            return None
        ops = {"+": float.__add__, "-": float.__sub__, "*": float.__mul__, "/": float.__truediv__}
        return _bounded(ops[node.op](float(left), float(right)))
    values = [v for v in (_probe(a) for a in node.args) if v is not None]  # min, max, if_zero
    return max(values, key=abs, default=None)


def aggregated_names(node: Node) -> set[str]:
    """Names used inside sum(), last() or mean(): these must be base metrics, not KPIs."""
    if isinstance(node, Call):
        inner = set().union(*(aggregated_names(a) for a in node.args))
        if node.func in AGGREGATES:
            inner |= names(node)
        return inner
    if isinstance(node, Neg):
        return aggregated_names(node.operand)
    if isinstance(node, BinOp):
        return aggregated_names(node.left) | aggregated_names(node.right)
    return set()
