"""Reads a YAML configuration file, fills ${NAME} from the environment and validates it against the schema.

Every mistake is reported with its file, line, key path and a suggested fix (`ConfigProblem`).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from config.problems import (
    ENV_PATTERN,
    ConfigCheck,
    ConfigError,
    ConfigProblem,
    DuplicateKey,
    Loc,
    dotted,
    line_of,
    parse_dotted,
    read_yaml,
)
from configfile.schema import CocConfig, ProvinceCenterConfig

__all__ = ["ENV_PATTERN", "ConfigCheck", "ConfigError", "ConfigProblem", "Loc", "dotted", "line_of", "load_config",
           "parse_config", "parse_dotted", "read_yaml"]

PLACEHOLDER = re.compile(r"COCENV(\d+)X")


def load_config(path: str | Path, environ: Mapping[str, str] | None = None) -> CocConfig:
    """Load and validate one configuration file; raise ConfigError listing every problem."""
    return parse_config(Path(path).read_text(encoding="utf-8"), str(path), environ)


def parse_config(text: str, filename: str = "<config>", environ: Mapping[str, str] | None = None) -> CocConfig:
    """Validate configuration text; `filename` names it in messages."""
    env = os.environ if environ is None else environ
    problems: list[ConfigProblem] = []
    # ${NAME} is not valid inside YAML flow mappings ({token: ${X}}), so each one is swapped for a plain-scalar
    # placeholder before parsing and filled in afterwards; a value's own characters can never break the YAML.
    refs: list[tuple[str, str | None]] = []

    def hold(match: re.Match[str]) -> str:
        refs.append((match.group(1), match.group(2)))
        return f"COCENV{len(refs) - 1}X"

    try:
        data, lines = read_yaml(ENV_PATTERN.sub(hold, text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ConfigError([ConfigProblem(filename, line, "", f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                         "check indentation and quoting around this line")]) from None
    except DuplicateKey as dup:
        raise ConfigError([ConfigProblem(filename, dup.line, dup.key, "this key appears twice",
                                         "keep only one of the two entries")]) from None
    if not isinstance(data, dict):
        raise ConfigError([ConfigProblem(filename, 1, "", "the file must be a mapping of sections",
                                         "start with 'commune:' and the other sections at column 0")])
    data = _substitute(data, (), _Env(env, refs), lines, filename, problems)
    try:
        root = ProvinceCenterConfig if "province" in data else CocConfig  # a province center, or a commune
        config = root.model_validate(data)
    except ValidationError as exc:
        unset = {p.key for p in problems}  # a value left empty by a missing variable is already reported
        problems.extend(p for p in (_explain(err, lines, filename) for err in exc.errors()) if p.key not in unset)
    if problems:
        raise ConfigError(problems)
    return config


@dataclass(frozen=True, slots=True)
class _Env:
    values: Mapping[str, str]
    refs: list[tuple[str, str | None]]


def _substitute(value: Any, loc: Loc, env: _Env, lines: dict[Loc, int],
                filename: str, problems: list[ConfigProblem]) -> Any:
    """Replace each ${NAME} (or ${NAME:-default}) placeholder in every string with the environment's value."""
    if isinstance(value, dict):
        return {k: _substitute(v, (*loc, str(k)), env, lines, filename, problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, (*loc, i), env, lines, filename, problems) for i, v in enumerate(value)]
    if not isinstance(value, str) or "COCENV" not in value:
        return value

    def repl(match: re.Match[str]) -> str:
        name, default = env.refs[int(match.group(1))]
        if name in env.values:
            return env.values[name]
        if default is not None:
            return default
        problems.append(ConfigProblem(
            filename, line_of(loc, lines), dotted(loc),
            f"environment variable {name} is not set",
            f"export {name}=... before starting COC (or put it in the service's environment file)",
        ))
        return ""

    return PLACEHOLDER.sub(repl, value)


_KEY_PREFIX = re.compile(r"^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*): (.+)$", re.DOTALL)


def _explain(err: Any, lines: dict[Loc, int], filename: str) -> ConfigProblem:
    """Turn one pydantic error into a located problem with a fix in plain words."""
    loc: Loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind = err["type"]
    message = str(err["msg"]).removeprefix("Value error, ")
    if not loc and (named := _KEY_PREFIX.match(message)):  # a check across sections names the key it is about
        loc, message = parse_dotted(named.group(1)), named.group(2)
    key = dotted(loc)
    fix = "see config/example.yaml for this key"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        message = f"unknown key '{loc[-1]}'"
        fix = f"did you mean '{close[0]}'?" if close else f"remove it; allowed here: {', '.join(allowed)}"
    elif kind == "missing":
        fix = f"add '{loc[-1]}:' here ({_description(loc) or 'required'})"
    elif " Fix: " in message:
        message, fix = message.split(" Fix: ", 1)
    elif kind in ("literal_error", "enum"):
        fix = f"use {err.get('ctx', {}).get('expected', 'one of the listed values')}"
    elif kind.startswith(("int_", "float_")) or kind in ("greater_than", "less_than_equal", "greater_than_equal",
                                                         "less_than"):
        fix = f"write a number ({_description(loc) or 'see config/example.yaml'})"
    elif kind in ("string_pattern_mismatch", "string_too_short", "too_short", "too_long"):
        fix = _description(loc) or fix
    return ConfigProblem(filename, line_of(loc, lines), key, message, fix)


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at `loc`, walking the schema."""
    model: Any = ProvinceCenterConfig  # every section of a commune's file, and `province:`
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return None
        model = _inner_model(field.annotation)
        if model is None:
            return None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _allowed_keys(loc: Loc) -> list[str]:
    model = _model_at(loc)
    return list(model.model_fields) if model else []


def _description(loc: Loc) -> str | None:
    model = _model_at(loc[:-1])
    if model is None or not isinstance(loc[-1], str):
        return None
    field = model.model_fields.get(loc[-1])
    return field.description if field else None
