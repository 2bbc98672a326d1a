"""The secrets a real installation (every `run` but `run --demo`) must have: not the demo's, and long enough."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path

from config.problems import ENV_PATTERN, ConfigCheck, ConfigError, ConfigProblem, Loc, dotted, line_of, read_yaml
from configfile.loader import load_config, parse_config
from configfile.schema import CocConfig

MIN_SECRET_CHARS = 32
DEMO_CONFIG = Path(__file__).resolve().parent.parent / "config" / "demo.yaml"
GENERATE = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


@cache
def demo_secrets() -> frozenset[str]:
    """The secret key, API tokens and password hashes config/demo.yaml runs with (its defaults)."""
    try:
        demo = parse_config(DEMO_CONFIG.read_text(encoding="utf-8"), str(DEMO_CONFIG), environ={})
    except (OSError, ConfigError):  # no demo file here: only the length rule applies
        return frozenset()
    return frozenset([demo.web.secret_key, *(t.token for t in demo.auth.api_tokens),
                      *(u.password_hash for u in demo.auth.users)])


def weak_secrets(config: CocConfig, path: str | Path, demo: frozenset[str] | None = None) -> list[ConfigProblem]:
    """Every secret of `config` (loaded from `path`) that a real installation must not run with."""
    known = demo_secrets() if demo is None else demo
    text = Path(path).read_text(encoding="utf-8")
    _, lines = read_yaml(ENV_PATTERN.sub("COCENV0X", text))
    source = text.splitlines()
    problems: list[ConfigProblem] = []
    secrets: list[tuple[Loc, str, str]] = [
        (("web", "secret_key"), config.web.secret_key, "secret key (it signs login cookies)")]
    secrets += [(("auth", "api_tokens", i, "token"), t.token, f"API token '{t.name}'")
                for i, t in enumerate(config.auth.api_tokens)]
    for loc, value, what in secrets:
        line = line_of(loc, lines)
        if value in known:
            message = f"the {what} is the demo's (config/demo.yaml): anyone who read the demo can use it"
        elif len(value) < MIN_SECRET_CHARS:
            message = f"the {what} has {len(value)} characters; a real installation needs {MIN_SECRET_CHARS} or more"
        else:
            continue
        problems.append(ConfigProblem(str(path), line, dotted(loc), message, _fix(source, line)))
    for i, user in enumerate(config.auth.users):
        if user.password_hash in known:
            where: Loc = ("auth", "users", i, "password_hash")
            problems.append(ConfigProblem(
                str(path), line_of(where, lines), dotted(where),
                f"user '{user.username}' has a demo password (its hash is in config/demo.yaml)",
                "make a new hash with `.venv/bin/python run_coc.py hash-password` and put it here"))
    return problems


def check_file(path: str | Path) -> ConfigCheck:
    """`check-config` of the file at `path` as it is on disk now: its problems, or the secrets a real installation
    must not run with (/admin's "check again" calls this through the wiring)."""
    try:
        config = load_config(path)
        return ConfigCheck(str(path), notes=tuple(weak_secrets(config, path)))
    except ConfigError as exc:
        return ConfigCheck(str(path), problems=tuple(exc.problems))
    except OSError as exc:
        return ConfigCheck(str(path), unreadable=str(exc))


def file_check(path: str | Path | None) -> Callable[[], ConfigCheck] | None:
    """/admin's "check the configuration again", as the wiring hands it to the app context: `check_file` of the
    running file (None: COC was not started from a file)."""
    return None if path is None else partial(check_file, path)


def _fix(source: list[str], line: int | None) -> str:
    found = _VARIABLE.search(source[line - 1]) if line and line <= len(source) else None
    name = found.group(1) if found else "COC_SECRET"
    how = f'export {name}="$({GENERATE})"'
    if found:
        return f"set {name} to a new random value of at least {MIN_SECRET_CHARS} characters: {how}"
    return (f"keep secrets out of the file: write ${{{name}}} here and set it to a new random value of at least "
            f"{MIN_SECRET_CHARS} characters: {how}")
