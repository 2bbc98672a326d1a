"""`run` outside --demo refuses the demo's secret key, API token and passwords, and secrets under 32 characters."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from configfile.loader import parse_config
from configfile.secret_checks import MIN_SECRET_CHARS, demo_secrets, weak_secrets
from tests.security.conftest import CONFIG

ROOT = Path(__file__).resolve().parent.parent.parent
STRONG = "k" * MIN_SECRET_CHARS


def write(tmp_path: Path) -> Path:
    path = tmp_path / "coc.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    base = {"DIR": str(tmp_path), "SECRET": STRONG, "TOKEN": "t" * 40, "HASH": "scrypt:32768:8:1$abc$def",
            "CAM_URL": "synthetic:"}
    return {**base, **values}


def run(args: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run_coc.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={**os.environ, **environ})


def test_run_refuses_the_demo_secret_key_and_token_naming_file_line_key_and_fix(tmp_path: Path) -> None:
    path = write(tmp_path)
    demo = parse_config((ROOT / "config/demo.yaml").read_text(encoding="utf-8"), environ={})
    result = run(["--config", str(path), "run"],
                 env(tmp_path, SECRET=demo.web.secret_key, TOKEN=demo.auth.api_tokens[0].token))
    assert result.returncode == 2, result.stderr[-2000:]
    err = result.stderr
    assert f"{path}:6: web.secret_key: the secret key (it signs login cookies) is the demo's" in err
    assert f"{path}:23: auth.api_tokens[0].token: the API token 'gateway' is the demo's" in err
    assert "set SECRET to a new random value of at least 32 characters" in err
    assert "secrets.token_urlsafe(32)" in err and "set TOKEN to a new random value" in err
    assert "Traceback" not in err


def test_run_refuses_short_secrets(tmp_path: Path) -> None:
    path = write(tmp_path)
    result = run(["--config", str(path), "run"], env(tmp_path, SECRET="s" * 31, TOKEN="t" * 16))
    assert result.returncode == 2
    assert f"{path}:6: web.secret_key: the secret key (it signs login cookies) has 31 characters" in result.stderr
    assert "the API token 'gateway' has 16 characters; a real installation needs 32 or more" in result.stderr


def test_the_demo_file_is_refused_without_demo_but_check_config_only_notes_it() -> None:
    refused = run(["--config", "config/demo.yaml", "run"], {})
    assert refused.returncode == 2
    assert "config/demo.yaml:32: web.secret_key" in refused.stderr
    assert "user 'vanhanh' has a demo password" in refused.stderr and "hash-password" in refused.stderr
    checked = run(["--config", "config/demo.yaml", "check-config"], {})
    assert checked.returncode == 0 and "OK" in checked.stdout
    assert "note: `run` refuses this outside --demo" in checked.stderr


@pytest.mark.parametrize(
    ("secret", "token", "count"),
    [(STRONG, "t" * 32, 0), (STRONG + "x", "t" * 31, 1), ("s" * 31, "t" * 40, 1), ("s" * 16, "t" * 16, 2)],
)
def test_weak_secrets_table(tmp_path: Path, secret: str, token: str, count: int) -> None:
    path = write(tmp_path)
    config = parse_config(CONFIG, str(path), env(tmp_path, SECRET=secret, TOKEN=token))
    assert len(weak_secrets(config, path)) == count


def test_known_demo_secrets_come_from_the_demo_file() -> None:
    known = demo_secrets()
    assert "demo-only-secret-key-change-me" in known and "demo-token-quang-tho-0001" in known
