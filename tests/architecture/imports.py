"""The project's own import graph, read from its source (every import, at module level or inside a function,
`if TYPE_CHECKING:` ones included: a dependency is a dependency whenever Python runs it)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_PRODUCT = {"tests", "bench", "build", "scripts", "docs", "artifacts", "data"}


@dataclass(frozen=True, slots=True)
class Import:
    """One import statement of the product: which module imports which, and where."""

    source: str  # dotted module name of the importing file
    target: str  # dotted module name imported (as written, absolute)
    path: Path
    line: int


def product_packages() -> set[str]:
    """Top-level packages of the product (folders with an __init__.py) and the run_coc module."""
    found = {p.name for p in ROOT.iterdir()
             if p.is_dir() and (p / "__init__.py").exists() and p.name not in NOT_PRODUCT}
    return found | {"run_coc"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_files() -> list[Path]:
    tops = product_packages()
    files = [ROOT / "run_coc.py"]
    for top in sorted(tops - {"run_coc"}):
        files += sorted(p for p in (ROOT / top).rglob("*.py") if "__pycache__" not in p.parts)
    return files


def _absolute(source: str, is_package: bool, node: ast.ImportFrom) -> str | None:
    if node.level == 0:
        return node.module
    base = source.split(".") if is_package else source.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(path: Path) -> list[Import]:
    """Every import of one file that names a module of the product."""
    tops = product_packages()
    source = module_name(path)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(source, path.name == "__init__.py", node)
            if module is None:
                continue
            # `from pkg import mod` imports the module pkg.mod when it is one
            subs = [f"{module}.{alias.name}" for alias in node.names
                    if (ROOT / Path(*f"{module}.{alias.name}".split("."))).with_suffix(".py").exists()]
            targets = subs or [module]
        found += [Import(source, t, path, node.lineno) for t in targets if t.split(".")[0] in tops]
    return found


def product_imports() -> list[Import]:
    return [imp for path in product_files() for imp in imports_of(path)]
