"""The type check the suite runs (issue 22): mypy over the dashboard and the wiring, strict where pyproject's
[[tool.mypy.overrides]] says (the typed read layer, the context, the services' Protocols, the wiring); and the
dashboard's own typing rules: no method looked up by name, few `Any`, each with its reason."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.architecture.imports import ROOT

CHECKED = ["dashboard", "run_coc.py", "province", "supervision", "ingest/pipeline.py", "alerts/read_side.py",
           "alerts/commands.py", "configfile"]
ANY_LIMIT = 40  # README, "Tests": the dashboard's Any, each with a reason on its line


def test_mypy_finds_no_error() -> None:
    targets = [t for t in CHECKED if (ROOT / t).exists()]
    done = subprocess.run([sys.executable, "-m", "mypy", *targets], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"mypy {' '.join(targets)}:\n{done.stdout}{done.stderr}"


def test_mypy_is_strict_on_the_read_layer() -> None:
    """The strict list in pyproject names modules that exist (a renamed module would silently leave it)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    listed = re.search(r'module = \[(.*?)\]\s*strict = true', text, re.S)
    assert listed, "pyproject.toml lost its strict mypy override"
    for name in re.findall(r'"([\w.*]+)"', listed.group(1)):
        path = ROOT / name.removesuffix(".*").replace(".", "/")
        assert path.with_suffix(".py").exists() or path.is_dir(), f"strict mypy names {name}, which is not there"


def dashboard_lines() -> list[tuple[str, int, str]]:
    return [(str(path.relative_to(ROOT)), n, line)
            for path in sorted((ROOT / "dashboard").rglob("*.py"))
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)]


def test_dashboard_looks_up_no_method_by_name() -> None:
    probes = [f"{p}:{n}: {line.strip()}" for p, n, line in dashboard_lines()
              if re.search(r"\bcall_first\b|getattr\([^,]+,\s*name\b", line)]
    assert not probes, "methods looked up by name in dashboard/:\n" + "\n".join(probes)


def test_dashboard_any_are_few_and_each_says_why() -> None:
    uses = [(p, n, line) for p, n, line in dashboard_lines()
            if re.search(r"\bAny\b", line) and not re.match(r"\s*from typing import", line)]
    unexplained = [f"{p}:{n}: {line.strip()}" for p, n, line in uses if "# Any:" not in line]
    assert not unexplained, "Any without '# Any: <reason>' on its line:\n" + "\n".join(unexplained)
    assert len(uses) <= ANY_LIMIT, f"{len(uses)} Any in dashboard/ (at most {ANY_LIMIT})"
