"""The acknowledgement command between province and commune: its topic and bytes on the wire (an interface: they
must not change), decoding back, and a clear reason for every payload that is not one."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from alerts.commands import AckCommand, CommandError

PREFIX = "coc/xa-dong"
AT = datetime(2025, 10, 28, 1, 2, 3, tzinfo=UTC)
COMMAND = AckCommand("a1b2c3d4e5f6", "ioc", AT, "Thành phố Huế", "operator", "Đã cử tổ ứng cứu")


def test_the_command_on_the_wire_is_the_documented_topic_and_body() -> None:
    assert COMMAND.topic(PREFIX) == "coc/xa-dong/acks/a1b2c3d4e5f6"
    assert AckCommand.topic_filter(PREFIX) == "coc/xa-dong/acks/+"
    assert COMMAND.encode() == ('{"who": "ioc", "role": "operator", "note": "Đã cử tổ ứng cứu", '
                                '"at": "2025-10-28T01:02:03+00:00", "from": "Thành phố Huế"}').encode()
    assert COMMAND.actor == "ioc (Thành phố Huế)"


def test_a_command_decodes_to_itself_and_an_older_sender_s_body_to_the_defaults() -> None:
    assert AckCommand.decode(PREFIX, COMMAND.topic(PREFIX), COMMAND.encode()) == COMMAND
    bare = json.dumps({"who": "ioc", "at": "2025-10-28T01:02:03Z", "role": 3, "from": ""}).encode()
    assert AckCommand.decode(PREFIX, COMMAND.topic(PREFIX), bare) == AckCommand("a1b2c3d4e5f6", "ioc", AT, "tỉnh")
    long = json.dumps({"who": "x" * 500, "at": AT.isoformat(), "from": "y" * 500}).encode()
    cut = AckCommand.decode(PREFIX, COMMAND.topic(PREFIX), long)
    assert (len(cut.who), len(cut.origin)) == (120, 120)


@pytest.mark.parametrize(("topic", "payload", "reason"), [
    (f"{PREFIX}/acks/", b'{"who": "ioc", "at": "2025-10-28T01:02:03Z"}', "the topic is not coc/xa-dong/acks/"),
    ("coc/xa-tay/acks/a1", b'{"who": "ioc", "at": "2025-10-28T01:02:03Z"}', "the topic is not coc/xa-dong/acks/"),
    (f"{PREFIX}/acks/a1/b2", b'{"who": "ioc", "at": "2025-10-28T01:02:03Z"}', "the topic is not"),
    (f"{PREFIX}/acks/a1", b"not json", "the body is not JSON"),
    (f"{PREFIX}/acks/a1", b"\xff\xfe", "the body is not JSON"),
    (f"{PREFIX}/acks/a1", b"", "the body is not JSON"),
    (f"{PREFIX}/acks/a1", b'["ioc"]', "the body is not a JSON object"),
    (f"{PREFIX}/acks/a1", b'{"at": "2025-10-28T01:02:03Z"}', "no 'who'"),
    (f"{PREFIX}/acks/a1", b'{"who": "  ", "at": "2025-10-28T01:02:03Z"}', "no 'who'"),
    (f"{PREFIX}/acks/a1", b'{"who": 7, "at": "2025-10-28T01:02:03Z"}', "no 'who'"),
    (f"{PREFIX}/acks/a1", b'{"who": "ioc"}', "'at' is not an ISO 8601 time"),
    (f"{PREFIX}/acks/a1", b'{"who": "ioc", "at": "yesterday"}', "'at' is not an ISO 8601 time"),
    (f"{PREFIX}/acks/a1", b'{"who": "ioc", "at": "2025-10-28T01:02:03"}', "with its offset"),
])
def test_a_payload_that_is_no_acknowledgement_is_refused_with_the_reason(topic: str, payload: bytes,
                                                                         reason: str) -> None:
    with pytest.raises(CommandError, match="province acknowledgement refused") as refused:
        AckCommand.decode(PREFIX, topic, payload)
    assert reason in str(refused.value)
