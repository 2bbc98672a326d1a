"""The floor of COC's configuration: a located mistake (`ConfigProblem`, `ConfigError`), key paths as users write
them, and the YAML reader that remembers each key's line. Every folder's own files (the KPI catalogue, a commune's
file at the province) report their mistakes with these; configfile/loader.py validates COC's file with them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

ENV_PATTERN = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One mistake in a configuration file."""

    file: str
    line: int | None
    key: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key or '(file)'}: {self.message}\n    fix: {self.fix}"


class ConfigError(Exception):
    """A configuration that cannot be used; `problems` lists every mistake found."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class ConfigCheck:
    """`check-config` of a file as it is on disk now: its problems (it cannot be used as it is), or, usable, the notes
    on it (secrets a real installation must not run with); `unreadable` when the file could not be read."""

    path: str
    problems: tuple[ConfigProblem, ...] = ()
    notes: tuple[ConfigProblem, ...] = ()
    unreadable: str | None = None


class DuplicateKey(Exception):
    """A key written twice in one mapping (YAML itself keeps the last silently)."""

    def __init__(self, key: str, line: int) -> None:
        self.key, self.line = key, line


def read_yaml(text: str) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML into plain data plus a map from key path to 1-based line number."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Loc, int] = {}
        data = _construct(loader, node, (), lines) if node is not None else None
    finally:
        loader.dispose()
    return data, lines


def _construct(loader: yaml.SafeLoader, node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key_loc = (*loc, str(key))
            if key in result:
                raise DuplicateKey(".".join(str(p) for p in key_loc), key_node.start_mark.line + 1)
            lines[key_loc] = key_node.start_mark.line + 1
            result[key] = _construct(loader, value_node, key_loc, lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, (*loc, i), lines) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def line_of(loc: Loc, lines: dict[Loc, int]) -> int | None:
    """The line of a key path, or of its nearest parent that has one (a missing key: the section's line)."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def parse_dotted(key: str) -> Loc:
    """A key path as users write it back into its parts: `sensors[2].former_unit` → ('sensors', 2, 'former_unit')."""
    return tuple(int(part) if part.isdigit() else part for part in re.findall(r"[a-z_]+|\d+", key))


def dotted(loc: Loc) -> str:
    """A key path as users write it: `sensors[2].alarm_levels_cm`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
