"""The layers of README's picture ("How it fits together"), held: every import of the product points down, and the
product's modules import each other in no circle. The order is read from README itself, so the picture and the
test cannot drift apart."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from tests.architecture.imports import ROOT, Import, module_name, product_files, product_imports


def readme_layers() -> dict[str, int]:
    """README's layer block: `rank  name   module module ...` lines between the layer markers, bottom rank 0."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- layers -->\n```\n(.*?)```\n<!-- /layers -->", text, re.S)
    assert block, "README.md lost its layer picture (between <!-- layers --> and <!-- /layers -->)"
    ranks: dict[str, int] = {}
    for line in block.group(1).splitlines():
        match = re.match(r"\s*(\d+)\s+\S+\s+(.+)$", line)
        if match:
            for module in match.group(2).split():
                ranks[module] = int(match.group(1))
    return ranks


def rank_of(module: str, ranks: dict[str, int]) -> tuple[str, int]:
    """The layer a module stands in: its longest dotted prefix named in the picture."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in ranks:
            return prefix, ranks[prefix]
    raise AssertionError(f"{module} stands in no layer of README's picture: add its folder to the block")


def test_readme_names_every_folder_of_the_product() -> None:
    ranks = readme_layers()
    for path in product_files():
        rank_of(module_name(path), ranks)  # raises, naming the module
    assert len(set(ranks.values())) >= 5, ranks


def downward_violations(imports: list[Import], ranks: dict[str, int]) -> list[str]:
    """Imports that do not point to a lower row: up, or to another folder of the same row (inside one folder, the
    modules of a row may import each other; the circle check watches them)."""
    wrong = []
    for imp in imports:
        (src_layer, src_rank), (dst_layer, dst_rank) = rank_of(imp.source, ranks), rank_of(imp.target, ranks)
        same_folder = imp.source.split(".")[0] == imp.target.split(".")[0]
        if dst_rank > src_rank or (dst_rank == src_rank and not same_folder):
            wrong.append(f"{imp.path.relative_to(ROOT)}:{imp.line}: {imp.source} (layer {src_rank} {src_layer}) "
                         f"imports {imp.target} (layer {dst_rank} {dst_layer})")
    return wrong


def test_every_import_points_down() -> None:
    wrong = downward_violations(product_imports(), readme_layers())
    assert not wrong, "imports running back up README's layers:\n" + "\n".join(wrong)


def test_the_check_sees_an_import_running_back_up() -> None:
    ranks = {"config": 0, "ingest": 2, "dashboard": 5}
    up = Import("ingest.service", "dashboard.context", ROOT / "ingest" / "service.py", 1)
    down = Import("dashboard.context", "ingest.store", ROOT / "dashboard" / "context.py", 1)
    beside = Import("ingest.service", "indicators.models", ROOT / "ingest" / "service.py", 2)
    ranks["indicators"] = 2
    assert downward_violations([up, down, beside], ranks) == [
        "ingest/service.py:1: ingest.service (layer 2 ingest) imports dashboard.context (layer 5 dashboard)",
        "ingest/service.py:2: ingest.service (layer 2 ingest) imports indicators.models (layer 2 indicators)"]


def circles(imports: list[Import]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    graph: dict[str, set[str]] = defaultdict(set)
    modules = {imp.source for imp in imports}
    for imp in imports:
        target = imp.target
        while target not in modules and "." in target:  # `from pkg.mod import name` of a name: the module
            target = target.rsplit(".", 1)[0]
        if target in modules and target != imp.source:
            graph[imp.source].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_circle() -> None:
    imports = [imp for imp in product_imports() if not imp.source.endswith("__init__")]
    found = circles(imports)
    assert not found, "modules that import each other in a circle:\n" + "\n".join(" <-> ".join(c) for c in found)


@pytest.mark.parametrize("pairs, expected", [
    ([("a.x", "a.y"), ("a.y", "a.x")], [["a.x", "a.y"]]),
    ([("a.x", "a.y"), ("a.y", "a.z")], []),
])
def test_the_circle_check_finds_a_circle(pairs: list[tuple[str, str]], expected: list[list[str]]) -> None:
    imports = [Import(s, t, ROOT / "x.py", 1) for s, t in pairs] + [Import("a.z", "a.q", ROOT / "x.py", 1)]
    assert circles(imports) == expected
