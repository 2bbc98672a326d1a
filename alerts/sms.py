"""SMS through Gammu's SMS daemon (gammu-smsd, files backend): a message is queued with `gammu-smsd-inject`, and
its delivery status is where the daemon moves the outbox file: the sent folder (sent), the error folder (failed),
or still the outbox after `send_timeout_s` (failed: modem or daemon down)."""

from __future__ import annotations

import configparser
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alerts.deliveries import Delivery, DeliveryStatus, Outcome, PersonMessage
from alerts.duty_settings import SmsConfig

WRITTEN = re.compile(r"Written message with ID (\S+)")


@dataclass(frozen=True, slots=True)
class SmsdFolders:
    """The files backend's folders, as gammu-smsd's configuration names them."""

    outbox: Path
    sent: Path
    error: Path


def smsd_folders(config_path: str | Path) -> SmsdFolders:
    """outboxpath, sentsmspath and errorsmspath of a gammu-smsd configuration ([smsd] section)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    if not parser.read(config_path, encoding="utf-8"):
        raise FileNotFoundError(f"gammu-smsd configuration {config_path} not found")
    smsd = parser["smsd"]
    outbox = Path(smsd.get("outboxpath", "/var/spool/gammu/outbox/"))
    folders = SmsdFolders(outbox, Path(smsd.get("sentsmspath", str(outbox))),
                          Path(smsd.get("errorsmspath", str(outbox))))
    if folders.sent == folders.outbox:
        raise ValueError(f"{config_path}: sentsmspath must be a folder of its own (COC reads delivery status from "
                         "it). Fix: set sentsmspath and errorsmspath in the [smsd] section")
    return folders


def fit(text: str, max_chars: int) -> str:
    """The text cut to `max_chars`, keeping its last line (the link) whole."""
    if len(text) <= max_chars:
        return text
    head, _, link = text.rpartition("\n")
    room = max_chars - len(link) - 2
    return f"{head[:max(room, 0)]}…\n{link}" if room > 0 else text[:max_chars]


class GammuSms:
    """The SMS driver: inject into gammu-smsd's outbox, then follow the file."""

    channel = "sms"

    def __init__(self, cfg: SmsConfig) -> None:
        self.cfg = cfg
        self.retries, self.backoff_s = cfg.retries, cfg.backoff_s
        self.folders = smsd_folders(cfg.smsd_config)

    def submit(self, message: PersonMessage) -> Outcome:
        text = fit(message.text, self.cfg.max_chars)
        args = [self.cfg.inject_command, "-c", self.cfg.smsd_config, "TEXT", message.address, "-unicode",
                "-len", str(len(text)), "-text", text]
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=self.cfg.timeout_s, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return Outcome(DeliveryStatus.FAILED, f"gammu-smsd-inject: {type(exc).__name__}: {exc}")
        found = WRITTEN.search(done.stdout + done.stderr)
        if done.returncode != 0 or found is None:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            return Outcome(DeliveryStatus.FAILED, f"gammu-smsd-inject: {last[0]}")
        return Outcome(DeliveryStatus.QUEUED, "in gammu-smsd's outbox", Path(found.group(1)).name)

    def poll(self, pending: list[Delivery], now: datetime) -> list[tuple[Delivery, Outcome]]:
        out = []
        for delivery in pending:
            name = delivery.external_id or ""
            if (self.folders.sent / name).exists():
                out.append((delivery, Outcome(DeliveryStatus.SENT, "gammu-smsd: sent")))
            elif _in_error(self.folders, name):
                out.append((delivery, Outcome(DeliveryStatus.FAILED, "gammu-smsd: moved to the error folder")))
            elif (now - delivery.updated_at).total_seconds() > self.cfg.send_timeout_s:
                (self.folders.outbox / name).unlink(missing_ok=True)  # a late send would come after the failure
                out.append((delivery, Outcome(DeliveryStatus.FAILED,
                                              f"not sent within {self.cfg.send_timeout_s:g} s (gammu-smsd or modem "
                                              "down?)")))
        return out


def _in_error(folders: SmsdFolders, name: str) -> bool:
    if folders.error == folders.outbox:
        return False
    return (folders.error / name).exists()
