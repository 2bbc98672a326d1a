"""Commands between the province and a commune, as types: an acknowledgement made at the province, with its MQTT
topic (`<commune prefix>/acks/<alert id>`), its JSON body, and its decoding (a clear reason when a payload is not one).

The bytes on the wire are an interface (README, "Alarms at both ends"): `{"who", "role", "note", "at", "from"}` in
this order, UTF-8 without escapes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

ACKS = "acks"  # the topic level of acknowledgements under a commune's prefix
DEFAULT_ORIGIN = "tỉnh"  # where an acknowledgement came from when the sender did not say
NAME_MAX = 120  # a name (person, province) longer than this is cut


class CommandError(ValueError):
    """A payload that is not the command its topic announces; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class AckCommand:
    """Acknowledge the alarm `alert_id` of a commune, in the name of `who` at `origin` (the province center)."""

    alert_id: str
    who: str
    at: datetime  # when the person acknowledged at the province (the commune records its own time)
    origin: str = DEFAULT_ORIGIN
    role: str | None = None
    note: str | None = None

    @staticmethod
    def topic_filter(prefix: str) -> str:
        """The MQTT filter of every acknowledgement for the commune whose topic prefix is `prefix`."""
        return f"{prefix}/{ACKS}/+"

    def topic(self, prefix: str) -> str:
        return f"{prefix}/{ACKS}/{self.alert_id}"

    @property
    def actor(self) -> str:
        """The name the commune records the acknowledgement under: `<who> (<origin>)`."""
        return f"{self.who} ({self.origin})"

    def encode(self) -> bytes:
        body = {"who": self.who, "role": self.role, "note": self.note, "at": self.at.isoformat(), "from": self.origin}
        return json.dumps(body, ensure_ascii=False).encode()

    @classmethod
    def decode(cls, prefix: str, topic: str, payload: bytes) -> AckCommand:
        """The command a message on `topic` carries; CommandError saying why when it is none."""
        head = f"{prefix}/{ACKS}/"
        alert_id = topic[len(head):] if topic.startswith(head) else ""
        if not alert_id or "/" in alert_id:
            raise CommandError(f"province acknowledgement refused: the topic is not {head}<alert id>")
        try:
            body = json.loads(payload)
        except (ValueError, TypeError) as exc:  # not UTF-8 or not JSON
            raise CommandError(f"province acknowledgement refused: the body is not JSON ({exc})") from exc
        if not isinstance(body, dict):
            raise CommandError("province acknowledgement refused: the body is not a JSON object")
        who = body.get("who")
        if not isinstance(who, str) or not who.strip():
            raise CommandError("province acknowledgement refused: no 'who' (the person who acknowledged)")
        at = body.get("at")
        try:
            when = datetime.fromisoformat(at) if isinstance(at, str) else None
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise CommandError("province acknowledgement refused: 'at' is not an ISO 8601 time with its offset")
        origin = body.get("from")
        return cls(alert_id, who[:NAME_MAX], when, origin[:NAME_MAX] if isinstance(origin, str) and origin else
                   DEFAULT_ORIGIN, _text(body.get("role")), _text(body.get("note")))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
