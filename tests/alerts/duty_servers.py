"""Real edges for the duty tests: gammu-smsd on Gammu's dummy phone (files backend) and a local HTTP server that
speaks the Zalo ZNS send API (POST with access_token header; phone, template_id, template_data, tracking_id)."""

from __future__ import annotations

import json
import subprocess
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.alerts.receivers import LocalHttpServer
from tests.servers import free_port

SMSDRC = """[gammu]
device = {root}/phone
connection = none
model = dummy

[smsd]
service = files
inboxpath = {root}/inbox/
outboxpath = {root}/outbox/
sentsmspath = {root}/sent/
errorsmspath = {root}/error/
logfile = {root}/smsd.log
debuglevel = 0
commtimeout = 1
sendtimeout = 5
loopsleep = 1
receivefrequency = 60
statusfrequency = 0
checksecurity = 0
checkbattery = 0
checksignal = 0
"""


class SmsDaemon:
    """gammu-smsd with `model = dummy`: sends go to the dummy phone and the outbox file moves to sent/."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for folder in ("phone", "inbox", "outbox", "sent", "error"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        self.config = root / "smsdrc"
        self.config.write_text(SMSDRC.format(root=root), encoding="utf-8")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> SmsDaemon:
        self.proc = subprocess.Popen(["gammu-smsd", "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # ready once it has opened the dummy phone
            log = self.root / "smsd.log"
            if log.exists() and "Starting phone communication" in log.read_text(errors="replace"):
                return self
            time.sleep(0.1)
        raise RuntimeError("gammu-smsd did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None

    def sent(self) -> list[dict[str, str]]:
        """Every message in the sent folder: number and decoded text."""
        return [_backup(p) for p in sorted((self.root / "sent").glob("*.smsbackup"))]


def _backup(path: Path) -> dict[str, str]:
    """Number and text of a Gammu SMS backup file: one [SMSBackupNNN] section per part (Text00… hold UCS-2 hex);
    the files backend may repeat a section, the last copy counts."""
    number, sections, current = "", {}, ""
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("[SMSBackup"):
            current = line
            sections[current] = []
            continue
        key, _, value = line.partition(" = ")
        if key == "Number":
            number = value.strip('"')
        elif current and key.startswith("Text") and key[4:].isdigit():
            sections[current].append(bytes.fromhex(value).decode("utf-16-be"))
    text = "".join("".join(sections[name]) for name in sorted(sections))
    return {"number": number, "text": text, "file": path.name}


class ZnsServer(LocalHttpServer):
    """The ZNS send API on a free port: records every call; a wrong access_token answers error -124."""

    def __init__(self, token: str) -> None:
        self.calls: list[dict[str, Any]] = []
        calls = self.calls

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                ok = self.headers.get("access_token") == token
                calls.append({"body": body, "token_ok": ok, "path": self.path})
                answer = ({"error": 0, "message": "Success", "data": {
                    "msg_id": f"zns-{len(calls)}", "sent_time": str(int(time.time() * 1000)),
                    "quota": {"dailyQuota": "500", "remainingQuota": str(500 - len(calls))}}}
                          if ok else {"error": -124, "message": "Access token is invalid"})
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(free_port(), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/message/template"
